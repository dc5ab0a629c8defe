//! `leadpipe verify`: run the checks on the database without loading anything.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use clap::Args;

use leadpipe::checks::{self, CheckResult, Checks};
use leadpipe::pipeline::RunReport;
use leadpipe::spec::Specs;
use leadpipe::store::{RunCommand, Store};

use super::exit::Exit;
use super::outcome::OutcomeArgs;
use super::printable::printable;
use super::{stdout, summary};

/// Run the checks (of the specs, and of --checks) on the database, loading nothing.
///
/// The results are stored in `check_results` under a run of their own, whose
/// `runs.command` is `verify`, and printed; a failing `error` check makes the exit status 3.
/// For a scheduler's daily freshness check.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub db: super::DbArg,

    /// A folder of extra source specs (`*.toml`), whose `[[checks]]` run too.
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,

    /// A checks file (TOML, `[[checks]]`) for all sources.
    #[arg(long, value_name = "FILE")]
    pub checks: Option<PathBuf>,

    /// The day freshness is judged on (`2023-07-14`); default today (UTC).
    #[arg(long, value_name = "DAY")]
    pub as_of: Option<NaiveDate>,

    /// How long to wait, in seconds, for a run loading into the same database to finish.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub lock_timeout: u64,

    #[command(flatten)]
    pub outcome: OutcomeArgs,
}

pub(crate) fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let exit_of = |report: &RunReport| Exit::of_checks(&report.checks);
    let attempted = args
        .outcome
        .attempt(RunCommand::Verify, exit_of, |database| {
            verify(&args, database)
        })?;
    let report = attempted.report.expect("a verify always runs");
    stdout::print(|out| write(out, &report, &attempted.database))?;
    summary::report_failed_checks(&report.checks);
    Ok(attempted.exit.into())
}

/// Runs the checks, as the account of a run without files.
fn verify(args: &VerifyArgs, database: &mut Option<String>) -> anyhow::Result<Option<RunReport>> {
    let specs = Specs::load(args.specs.as_deref())?;
    let as_of = args.as_of.unwrap_or_else(|| Utc::now().date_naive());
    let checks = Checks::new(&specs, args.checks.as_deref(), as_of)?;
    let url = args.db.parse()?;
    *database = Some(url.to_string());
    let mut db = Store::open(&url, Duration::from_secs(args.lock_timeout))?;
    let verified = checks::verify(&mut db, &checks)?;
    Ok(Some(RunReport {
        run_id: verified.run_id,
        files: Vec::new(),
        checks: verified.results,
        resolution: None,
    }))
}

/// A line per result, then the line of the run.
fn write(out: &mut impl Write, verified: &RunReport, url: &str) -> io::Result<()> {
    let results = &verified.checks;
    let width = results
        .iter()
        .map(|r| printable(&r.check).len())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:<10} {:<width$}  {:<8} {:<6} OBSERVED / THRESHOLD",
        "SOURCE", "CHECK", "SEVERITY", "STATUS"
    )?;
    for result in results {
        write_result(out, result, width)?;
    }
    summary::write_checks_line(out, results)?;
    writeln!(out, "verify run {} on {url}", verified.run_id)
}

fn write_result(out: &mut impl Write, r: &CheckResult, width: usize) -> io::Result<()> {
    writeln!(
        out,
        "{:<10} {:<width$}  {:<8} {:<6} {} / {}",
        r.source,
        printable(&r.check),
        r.severity.as_str(),
        r.status.as_str(),
        printable(&r.observed),
        printable(&r.threshold)
    )
}
