//! The `supplywatch` command: serve, migrate, seed, import the price list, manage users.

mod cli;

use std::time::Duration;

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let command = cli::Cli::parse();
    let settings = supplywatch::settings::Settings::from_env()?;
    supplywatch::telemetry::init(settings.json_logs);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(cli::run(command, settings));
    // Blocking work still running (a plan computation) does not hold the exit: dropping the
    // runtime would wait for it without limit.
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}
