//! SupplyWatch server library: the domain rules, the database, the use cases and the HTTP edge.
//! The `supplywatch` binary and the black-box tests both start the application through [`startup`].

pub mod db;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod paths;
pub mod seeding;
pub mod services;
pub mod settings;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
