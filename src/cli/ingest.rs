//! `leadpipe ingest`: load files into the leads table.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;

use leadpipe::checks::Checks;
use leadpipe::pipeline::{self, FileOutcome, RunReport, Stage};
use leadpipe::read::input;
use leadpipe::spec::Specs;
use leadpipe::stages::enrich::Enrichment;
use leadpipe::stages::guards::Guards;
use leadpipe::stages::resolve::Resolve;
use leadpipe::store::{RunCommand, Store};

use super::exit::Exit;
use super::outcome::OutcomeArgs;
use super::printable::printable;
use super::progress::ProgressBar;
use super::{stdout, summary};

/// Load agency files into the leads table.
///
/// Each file is claimed by the source spec whose file-name pattern matches it, or else
/// whose header it has, and is a full snapshot of its source: new leads are inserted,
/// changed ones updated (every change kept in `lead_changes`), and leads the snapshot no
/// longer lists are marked inactive. A new or changed lead is enriched first, as its spec's
/// `[enrich]` says: its time zone, calling hours, ZIP centroid, county, e-mail kind and
/// website, each only where the source published none (README, Enrichment). Snapshots apply
/// in the order of their dates, and one
/// older than a snapshot already loaded is skipped. A file whose content was loaded before
/// is skipped. Before a snapshot is applied, the spec's guards compare it with its source:
/// one that would deactivate too many active leads, is much shorter than the last, or blanks
/// a column is held (not applied; see --accept, and `leadpipe undo` for one applied). The
/// whole run is one transaction: if it fails or is killed, the database is left as it was.
/// A file that cannot be loaded (for instance a header that differs from its spec) is
/// reported and loads nothing, while the other files still load. Then the checks (of the
/// specs, and of --checks) run on the table, in the same transaction; a failing check does
/// not undo the load. The exit statuses are in `leadpipe --help`.
#[derive(Debug, Args)]
pub(crate) struct IngestArgs {
    /// Files, folders (every file below, hidden ones excluded), glob patterns
    /// (`drops/*.csv`; quote them so the shell does not expand them) and S3 prefixes
    /// (`s3://bucket/drops/`: every object under it). S3 access uses the standard AWS
    /// settings: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
    /// AWS_PROFILE with ~/.aws/config and ~/.aws/credentials, and AWS_ENDPOINT_URL for
    /// another S3-compatible store.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub db: super::DbArg,

    /// A folder of extra source specs (`*.toml`). A spec with the id of a built-in one
    /// replaces it.
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,

    /// A checks file (TOML, `[[checks]]`) for all sources, run after the load with the
    /// specs' own checks.
    #[arg(long, value_name = "FILE")]
    pub checks: Option<PathBuf>,

    /// Only files and objects last modified on or after this day (`2023-07-01`, midnight
    /// UTC) or time (`2023-07-01T12:00:00Z`); for a weekly schedule.
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<DateTime<Utc>>,

    /// Apply a snapshot even if a guard would hold it: a file (as given, or by its name)
    /// or a source (its spec id). Repeatable. The override is recorded in `guard_overrides`.
    #[arg(long, value_name = "FILE_OR_SOURCE")]
    pub accept: Vec<String>,

    /// Apply this file (as given, or by its name) even if its snapshot is older than its
    /// source's newest: to make an older, good snapshot the source's state again, with
    /// every change recorded. Repeatable. (`leadpipe undo` takes the newest one back.)
    #[arg(long, value_name = "FILE")]
    pub reapply: Vec<String>,

    /// Do not link the run's new and changed leads into entities (`leadpipe resolve` links
    /// them later).
    #[arg(long)]
    pub no_resolve: bool,

    #[command(flatten)]
    pub resolve_config: super::resolve::ResolveConfigArg,

    /// How long to wait, in seconds, for another run loading into the same database to
    /// finish before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub lock_timeout: u64,

    #[command(flatten)]
    pub outcome: OutcomeArgs,
}

pub(crate) fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let attempted = args
        .outcome
        .attempt(RunCommand::Ingest, exit_status, |database| {
            load(&args, database)
        })?;
    let exit = attempted.exit;
    let Some(report) = attempted.report else {
        return Ok(exit.into());
    };
    stdout::print(|out| summary::write(out, &report, &attempted.database))
        .context("the run was committed, but its account could not be written to stdout")?;
    summary::report_failures(&report);
    summary::report_failed_checks(&report.checks);
    warn_unmatched(&args, &report);
    if let Some(linked) = &report.resolution {
        args.resolve_config.warn_if_unused(linked);
    }
    Ok(exit.into())
}

/// Says which `--accept` and `--reapply` names matched no file of the run: a user must not
/// believe a snapshot was accepted when none was.
fn warn_unmatched(args: &IngestArgs, report: &RunReport) {
    let named = |name: &str, by_source: bool| {
        report.files.iter().any(|file| {
            let file_name = file.path.rsplit(['/', '\\']).next();
            file.path == name
                || file_name == Some(name)
                || (by_source && file.source.as_deref() == Some(name))
        })
    };
    let options = [
        ("--accept", &args.accept, true),
        ("--reapply", &args.reapply, false),
    ];
    for (option, names, by_source) in options {
        for name in names.iter().filter(|name| !named(name, by_source)) {
            eprintln!(
                "warning: {option} {}: no file of this run has that path or name{}",
                printable(name),
                if by_source {
                    ", nor is it a source of one"
                } else {
                    ""
                }
            );
        }
    }
}

/// Loads the inputs; `None` when there was nothing to load. `database` is set to the
/// database as shown once it is known.
fn load(args: &IngestArgs, database: &mut Option<String>) -> anyhow::Result<Option<RunReport>> {
    let specs = Specs::load(args.specs.as_deref())?;
    let checks = Checks::new(&specs, args.checks.as_deref(), Utc::now().date_naive())?;
    let resolve = Resolve::new(args.resolve_config.load()?);
    let expanded = input::expand(&args.inputs, args.since)?;
    for empty in &expanded.empty {
        eprintln!("warning: {empty}: nothing to load there");
    }
    if expanded.older_than_since > 0 {
        eprintln!(
            "note: {} file(s) modified before --since left out",
            expanded.older_than_since
        );
    }
    let files = expanded.files;
    if files.is_empty() {
        eprintln!("warning: no file to load; the database was not touched");
        return Ok(None);
    }
    let url = args.db.parse()?;
    *database = Some(url.to_string());
    let mut db = Store::open(&url, Duration::from_secs(args.lock_timeout))?;
    let progress = ProgressBar::for_files(&files);
    let guards = Guards::new(args.accept.clone());
    let mut stages: Vec<&dyn Stage> = vec![&Enrichment, &guards];
    if !args.no_resolve {
        stages.push(&resolve);
    }
    stages.push(&checks);
    let report = pipeline::ingest(&mut db, &specs, &files, &args.reapply, &stages, &progress)
        .with_context(|| format!("the run failed and was rolled back; {url} is as it was"))?;
    progress.finish();
    Ok(Some(report))
}

/// The run's exit status, by the table of [`Exit`].
fn exit_status(report: &RunReport) -> Exit {
    let loaded = report
        .files
        .iter()
        .any(|f| matches!(f.outcome, FileOutcome::Loaded));
    let mut exit = if loaded {
        Exit::Success
    } else {
        Exit::NothingNew
    };
    if report
        .files
        .iter()
        .any(|f| matches!(f.outcome, FileOutcome::Held { .. }))
    {
        exit = exit.and(Exit::Held);
    }
    if report.failed_files() > 0 {
        exit = exit.and(Exit::FileFailed);
    }
    exit.and(Exit::of_checks(&report.checks))
}

/// `2023-07-01` (midnight UTC) or an RFC 3339 time.
fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("`{text}` is neither a day (2023-07-01) nor a time (2023-07-01T12:00:00Z)")
        })
}
