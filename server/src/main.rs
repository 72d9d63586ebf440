//! The `supplywatch` command: serve, migrate, seed, import the price list, manage users.

mod cli;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let command = cli::Cli::parse();
    let settings = supplywatch::settings::Settings::from_env()?;
    supplywatch::telemetry::init(settings.json_logs);
    cli::run(command, settings).await
}
