//! `leadpipe report`: one self-contained HTML page of the leads, the runs and their
//! quality.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use clap::Args;

use leadpipe::report;

use super::exit::Exit;
use super::stdout;

/// Write a self-contained HTML report of the leads, the runs and their quality.
///
/// One file, with nothing to fetch: charts drawn inline as SVG, the data embedded as
/// JSON, a few lines of script to sort and filter its tables. It opens offline (from an
/// e-mail attachment) and prints. Sections: Overview (leads and providers by source and
/// state, net-new against the CRM, freshness), Over time (each snapshot's inserted,
/// updated, deactivated and reactivated leads; held snapshots marked with their guard),
/// Quality (a fill-rate heatmap, invalid phones, e-mails and dates, doubtful values by
/// reason, the checks' latest results), Rejects (by reason and file, with their first raw
/// lines), Entities (duplicate groups, the largest, the links under review) and Runs.
/// Every figure is a row of a query the README lists. Reads only: the database is never
/// migrated or written. No phone number or e-mail address is shown, but in the rejected
/// records' lines as published.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub db: super::DbArg,

    /// Where to write the page; `-` for standard output.
    #[arg(long, value_name = "FILE", default_value = "report.html")]
    pub out: PathBuf,

    /// Show the snapshots, rejects and runs of this day (`2023-07-14`, UTC) on; the
    /// overview, quality and entities are always the database as it is.
    #[arg(long, value_name = "DAY")]
    pub since: Option<NaiveDate>,
}

pub(crate) fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.parse()?;
    let report = report::collect(&url, args.since, Utc::now())?;
    let page = report.render();
    if args.out == Path::new("-") {
        stdout::print(|out| out.write_all(page.as_bytes()))?;
    } else {
        write(&args.out, page.as_bytes())?;
        let size = page.len().div_ceil(1024);
        stdout::print(|out| writeln!(out, "{}: {size} KiB, from {url}", args.out.display()))?;
    }
    Ok(Exit::Success.into())
}

/// Writes the page whole or not at all: to a file beside it, then renamed over it.
fn write(path: &Path, page: &[u8]) -> anyhow::Result<()> {
    let cannot = || format!("cannot write the report to {}", path.display());
    let name = path.file_name().with_context(cannot)?.to_string_lossy();
    let partial = path.with_file_name(format!(".{name}.partial"));
    std::fs::write(&partial, page)
        .and_then(|()| std::fs::rename(&partial, path))
        .inspect_err(|_| drop(std::fs::remove_file(&partial)))
        .with_context(cannot)
}
