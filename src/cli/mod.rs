//! Command-line arguments, one module per subcommand.

pub(crate) mod check;
pub(crate) mod exit;
pub(crate) mod explain;
pub(crate) mod export;
pub(crate) mod infer;
pub(crate) mod ingest;
pub(crate) mod migrate;
pub(crate) mod notify;
pub(crate) mod outcome;
pub(crate) mod printable;
pub(crate) mod progress;
pub(crate) mod records;
pub(crate) mod report;
pub(crate) mod resolve;
pub(crate) mod results;
pub(crate) mod review;
pub(crate) mod specs;
pub(crate) mod stdout;
pub(crate) mod summary;
pub(crate) mod undo;
pub(crate) mod verify;

use std::io::IsTerminal;

use clap::{Parser, Subcommand};
use leadpipe::store::DatabaseUrl;
use tracing_subscriber::EnvFilter;

/// Turns the provider lists of US childcare-licensing agencies into one clean `leads` table.
#[derive(Debug, Parser)]
#[command(name = "leadpipe", version, about, long_about = None, after_help = exit::help())]
pub(crate) struct Args {
    /// Log more: -v for each file's steps, -vv for debugging. LEADPIPE_LOG (e.g. `debug`)
    /// overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// Every command's `--help` ends with the one table of exit statuses.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    #[command(after_help = exit::help())]
    Check(check::CheckArgs),
    #[command(after_help = exit::help())]
    Explain(explain::ExplainArgs),
    #[command(after_help = exit::help())]
    Export(export::ExportArgs),
    #[command(after_help = exit::help())]
    Infer(infer::InferArgs),
    #[command(after_help = exit::help())]
    Ingest(ingest::IngestArgs),
    #[command(after_help = exit::help())]
    Migrate(migrate::MigrateArgs),
    #[command(after_help = exit::help())]
    Records(records::RecordsArgs),
    #[command(after_help = exit::help())]
    Report(report::ReportArgs),
    #[command(after_help = exit::help())]
    Resolve(resolve::ResolveArgs),
    #[command(after_help = exit::help())]
    Review(review::ReviewArgs),
    #[command(after_help = exit::help())]
    Specs(specs::SpecsArgs),
    #[command(after_help = exit::help())]
    Undo(undo::UndoArgs),
    #[command(after_help = exit::help())]
    Verify(verify::VerifyArgs),
}

/// The `--db` option, the same for every subcommand that opens the database.
#[derive(Debug, clap::Args)]
pub(crate) struct DbArg {
    /// The database: `sqlite:<path>` or `postgres://user:password@host:port/db`
    /// (PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE fill what the URL leaves out).
    /// Default: $DATABASE_URL, else `sqlite:leads.db`.
    #[arg(
        long = "db",
        value_name = "URL",
        env = "DATABASE_URL",
        default_value = "sqlite:leads.db",
        hide_env_values = true
    )]
    pub url: String,
}

impl DbArg {
    /// The parsed URL, with the process's PG* variables.
    pub(crate) fn parse(&self) -> anyhow::Result<DatabaseUrl> {
        Ok(DatabaseUrl::parse(&self.url, |name| {
            std::env::var(name).ok()
        })?)
    }
}

/// Logs go to stderr, at warnings by default.
pub(crate) fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "leadpipe=info",
        _ => "leadpipe=debug",
    };
    let filter =
        EnvFilter::try_from_env("LEADPIPE_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
