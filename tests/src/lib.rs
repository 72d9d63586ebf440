//! Black-box test harness: boots the real SupplyWatch server on port 0 against a fresh database
//! (a temporary SQLite file, and a fresh PostgreSQL database when configured), and drives it over
//! HTTP and in a real headless Chromium.

pub mod app;
pub mod axe;
pub mod backends;
pub mod bench;
pub mod browser;
pub mod hostile;
pub mod own_cluster;
pub mod page_tour;
pub mod python_tools;
pub mod shared_data;
pub mod smtp;
pub mod xlsx;

pub use app::TestApp;
pub use backends::{Backend, backends};

/// The password of every demo account in tests.
pub const DEMO_PASSWORD: &str = "Test-demo-pass-2026!";

/// Whether this is a CI run, where a missing service is a failure rather than a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}
