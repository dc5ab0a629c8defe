//! `leadpipe ingest`: load files into the leads table.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use leadpipe::load::{self, DatabaseUrl};
use leadpipe::pipeline;
use leadpipe::read::input;
use leadpipe::spec::Specs;

use super::progress::ProgressBar;
use super::summary;

/// Load agency files into the leads table.
///
/// Each file is claimed by the source spec whose file-name pattern matches it, or else
/// whose header it has, and is a full snapshot of its source: new leads are inserted,
/// changed ones updated (every change kept in `lead_changes`), and leads the snapshot no
/// longer lists are marked inactive. Snapshots apply in the order of their dates, and one
/// older than a snapshot already loaded is skipped. A file whose content was loaded before
/// is skipped. The whole run is one transaction: if it fails or is killed, the database is
/// left as it was. A file that cannot be loaded (for instance a header that differs from its
/// spec) is reported and loads nothing, while the other files still load; the exit status
/// is then 1.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, folders (every file below, hidden ones excluded) and glob patterns
    /// (`drops/*.csv`; quote them so the shell does not expand them).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// The target database: `sqlite:<path>` or `postgres://user:password@host:port/db`
    /// (PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE fill what the URL leaves out).
    /// Default: $DATABASE_URL, else `sqlite:leads.db`.
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

    /// How long to wait, in seconds, for another run loading into the same database to
    /// finish before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub lock_timeout: u64,
}

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let specs = Specs::load(args.specs.as_deref())?;
    let files = input::expand(&args.inputs)?;
    let url = DatabaseUrl::parse(&args.db, |name| std::env::var(name).ok())?;
    let mut db = load::open(&url, Duration::from_secs(args.lock_timeout))?;
    let progress = ProgressBar::for_files(&files);
    let report = pipeline::ingest(db.as_mut(), &specs, &files, &progress)
        .with_context(|| format!("the run failed and was rolled back; {url} is as it was"))?;
    progress.finish();
    summary::print(&report, &url);
    Ok(if report.failed_files() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
