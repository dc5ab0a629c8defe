//! The account printed after a run: one line per file, then reasons counted.

use std::collections::BTreeMap;
use std::io::{self, Write};

use leadpipe::checks::{CheckResult, Severity, Status};
use leadpipe::pipeline::{FileOutcome, FileReport, Finding, RunReport};
use leadpipe::reason::Reason;
use leadpipe::spec::Role;
use leadpipe::store::FileCounts;

use super::printable::printable;

const HEADINGS: [&str; 7] = [
    "READ",
    "LOADED",
    "REJECTED",
    "INSERTED",
    "UPDATED",
    "UNCHANGED",
    "DEACTIVATED",
];

/// Writes the account of a run: a line per file, the reasons records were rejected and
/// values doubted, and the reconciliation of the whole run.
pub(crate) fn write(out: &mut impl Write, report: &RunReport, url: &str) -> io::Result<()> {
    write_files(out, &report.files)?;
    write_reasons(
        out,
        "rejected records by reason (table `rejects`):",
        report.files.iter().map(|f| &f.reject_reasons),
    )?;
    write_reasons(
        out,
        "doubtful values in the records written, by reason (column `issues` of `leads` or `reference_records`):",
        report.files.iter().map(|f| &f.issue_reasons),
    )?;
    write_checks_line(out, &report.checks)?;
    if let Some(linked) = &report.resolution {
        super::resolve::write_linked(out, linked)?;
    }
    let total = totals(&report.files);
    writeln!(
        out,
        "run {} into {url}: {} read = {} loaded + {} rejected; {} inserted, {} updated, {} deactivated",
        report.run_id,
        total.read,
        total.loaded,
        total.rejected,
        total.inserted,
        total.updated,
        total.deactivated
    )
}

/// Tells, on stderr, why each failed file loaded nothing: said whether or not anyone
/// still reads the account on stdout.
pub(crate) fn report_failures(report: &RunReport) {
    for file in &report.files {
        if let FileOutcome::Failed { error } = &file.outcome {
            eprintln!("error: {}: {}", printable(&file.path), printable(error));
        }
    }
}

/// One line for the checks of a run, when it ran any: how many passed and failed.
pub(crate) fn write_checks_line(out: &mut impl Write, results: &[CheckResult]) -> io::Result<()> {
    if results.is_empty() {
        return Ok(());
    }
    let failed = |severity| {
        results
            .iter()
            .filter(|r| r.status == Status::Fail && r.severity == severity)
            .count()
    };
    let passed = results.iter().filter(|r| r.status == Status::Pass).count();
    writeln!(
        out,
        "checks (table `check_results`): {} run, {passed} passed, {} failed (error), {} failed (warn)",
        results.len(),
        failed(Severity::Error),
        failed(Severity::Warn)
    )
}

/// Tells, on stderr, each check that failed, with what was observed and the threshold: an
/// `error` check as an error, a `warn` check as a warning.
pub(crate) fn report_failed_checks(results: &[CheckResult]) {
    for result in results.iter().filter(|r| r.status == Status::Fail) {
        let label = match result.severity {
            Severity::Error => "error",
            Severity::Warn => "warning",
        };
        eprintln!(
            "{label}: check `{}` failed on {}: observed {}; threshold {}",
            printable(&result.check),
            result.source,
            printable(&result.observed),
            printable(&result.threshold)
        );
    }
}

/// The table of files, each with a note on why it was not loaded when it was skipped.
fn write_files(out: &mut impl Write, files: &[FileReport]) -> io::Result<()> {
    let width = files
        .iter()
        .map(|f| printable(&f.path).len())
        .max()
        .unwrap_or(4)
        .max(4);
    let row = |file: &str, source: &str, status: &str, c: [String; 7]| {
        format!(
            "{file:<width$}  {source:<10} {status:<8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>11}",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6]
        )
    };
    writeln!(
        out,
        "{}",
        row("FILE", "SOURCE", "STATUS", HEADINGS.map(String::from))
    )?;
    for file in files {
        let status = match &file.outcome {
            FileOutcome::Loaded => "loaded",
            FileOutcome::Failed { .. } => "FAILED",
            FileOutcome::Held { .. } => "held",
            _ => "skipped",
        };
        let c = &file.counts;
        let counts = [
            c.read,
            c.loaded,
            c.rejected,
            c.inserted,
            c.updated,
            c.unchanged,
            c.deactivated,
        ];
        let source = file.source.as_deref().unwrap_or("-");
        writeln!(
            out,
            "{}",
            row(
                &printable(&file.path),
                source,
                status,
                counts.map(|n| n.to_string())
            )
        )?;
        if let Some(note) = skip_note(&file.outcome) {
            writeln!(out, "    {}", printable(&note))?;
        }
        if file.role == Role::Reference && matches!(file.outcome, FileOutcome::Loaded) {
            writeln!(
                out,
                "    a reference source: its records are in `reference_records`, not `leads`; \
                 {} its export no longer lists marked removed",
                c.deactivated
            )?;
        }
        if !file.accepted.is_empty() {
            let note = format!(
                "applied as --accept asked, although {}",
                Finding::sentences(&file.accepted)
            );
            writeln!(out, "    {}", printable(&note))?;
        }
    }
    Ok(())
}

/// Why a skipped or held file was not loaded (a failed one is told on stderr).
fn skip_note(outcome: &FileOutcome) -> Option<String> {
    match outcome {
        FileOutcome::Failed { .. } => None,
        FileOutcome::Held { .. } => outcome.why().map(|why| why + " (--accept applies it)"),
        _ => outcome.why(),
    }
}

/// The files' counts of each reason, added up, under a title; nothing when there are none.
fn write_reasons<'a>(
    out: &mut impl Write,
    title: &str,
    per_file: impl Iterator<Item = &'a BTreeMap<Reason, u64>>,
) -> io::Result<()> {
    let mut total: BTreeMap<Reason, u64> = BTreeMap::new();
    for (reason, n) in per_file.flatten() {
        *total.entry(*reason).or_default() += n;
    }
    if total.is_empty() {
        return Ok(());
    }
    writeln!(out, "{title}")?;
    for (reason, n) in &total {
        writeln!(out, "    {reason}: {n}")?;
    }
    Ok(())
}

/// The run's counts: the files' counts added up.
fn totals(files: &[FileReport]) -> FileCounts {
    let mut total = FileCounts::default();
    for c in files.iter().map(|f| &f.counts) {
        total.read += c.read;
        total.loaded += c.loaded;
        total.rejected += c.rejected;
        total.inserted += c.inserted;
        total.updated += c.updated;
        total.unchanged += c.unchanged;
        total.deactivated += c.deactivated;
    }
    total
}
