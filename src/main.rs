//! The `leadpipe` command.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let args = cli::Args::parse();
    cli::init_logging(args.verbose);
    match args.command {
        cli::Command::Ingest(ingest) => cli::ingest::run(ingest),
        cli::Command::Migrate(migrate) => cli::migrate::run(migrate),
        cli::Command::Specs(specs) => cli::specs::run(specs),
    }
}
