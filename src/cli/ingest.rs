//! `leadpipe ingest`: load files into the leads table.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use leadpipe::load::DatabaseUrl;
use leadpipe::load::sqlite::Sqlite;
use leadpipe::pipeline;
use leadpipe::read::input;
use leadpipe::spec::Specs;

use super::progress::ProgressBar;
use super::summary;

/// Load agency files into the leads table.
///
/// Each file is claimed by the source spec whose file-name pattern matches it, or else
/// whose header it has. A file whose content was loaded before is skipped. The whole run is
/// one transaction: if it fails, the database is left as it was. A file that cannot be
/// loaded (for instance a header that differs from its spec) is reported and loads nothing,
/// while the other files still load; the exit status is then 1.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, folders (every file below, hidden ones excluded) and glob patterns
    /// (`drops/*.csv`; quote them so the shell does not expand them).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// The target database: `sqlite:<path>`. Default: $DATABASE_URL, else `sqlite:leads.db`.
    #[arg(
        long,
        value_name = "URL",
        env = "DATABASE_URL",
        default_value = "sqlite:leads.db",
        hide_env_values = true
    )]
    pub db: String,

    /// A folder of extra source specs (`*.toml`). A spec with the id of a built-in one
    /// replaces it.
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,
}

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let specs = Specs::load(args.specs.as_deref())?;
    let files = input::expand(&args.inputs)?;
    let url = DatabaseUrl::parse(&args.db)?;
    let DatabaseUrl::Sqlite(path) = &url;
    let mut db = Sqlite::open(path)?;
    let progress = ProgressBar::for_files(&files);
    let report = pipeline::ingest(&mut db, &specs, &files, &progress)
        .with_context(|| format!("the run failed and was rolled back; {url} is as it was"))?;
    progress.finish();
    summary::print(&report, &url);
    Ok(if report.failed_files() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
