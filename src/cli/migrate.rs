//! `leadpipe migrate`: create or upgrade the database schema.

use std::process::ExitCode;

use clap::Args;

use leadpipe::load::{self, DatabaseUrl};

/// Create the tables in a database, or upgrade them to this version's schema.
///
/// `ingest` does this itself; `migrate` lets a database be prepared ahead of the first
/// load, or checked. Migrations are versioned and the same for SQLite and PostgreSQL.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The database: `sqlite:<path>` or `postgres://…` (PG* variables fill what the URL
    /// leaves out). Default: $DATABASE_URL, else `sqlite:leads.db`.
    #[arg(
        long,
        value_name = "URL",
        env = "DATABASE_URL",
        default_value = "sqlite:leads.db",
        hide_env_values = true
    )]
    pub db: String,
}

pub fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let url = DatabaseUrl::parse(&args.db, |name| std::env::var(name).ok())?;
    load::migrate(&url)?;
    println!("{url}: schema is up to date");
    Ok(ExitCode::SUCCESS)
}
