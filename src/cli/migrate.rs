//! `leadpipe migrate`: create or upgrade the database schema.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use leadpipe::store;

use super::stdout;

/// Create the tables in a database, or upgrade them to this version's schema.
///
/// `ingest` does this itself; `migrate` lets a database be prepared ahead of the first
/// load, or checked. Migrations are versioned and the same for SQLite and PostgreSQL.
#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    #[command(flatten)]
    pub db: super::DbArg,
}

pub(crate) fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.parse()?;
    store::migrate(&url)?;
    stdout::print(|out| writeln!(out, "{url}: schema is up to date"))?;
    Ok(ExitCode::SUCCESS)
}
