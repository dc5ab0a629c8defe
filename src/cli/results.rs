//! `--results FILE`: the run's outcome as a JSON document for orchestrators, written
//! whatever the outcome, and atomically (a reader sees the whole document or none). Its
//! JSON Schema is `schema/results-v1.schema.json`; a test holds the two together.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use leadpipe::checks::CheckResult;
use leadpipe::pipeline::{FileOutcome, FileReport, Finding, RunReport};
use leadpipe::resolve::Linked;
use leadpipe::store::{FileCounts, RunCommand};

use super::exit::Exit;

/// The version of the document's schema: a field removed or changed in meaning makes a new
/// version; a field added does not.
const VERSION: u32 = 1;

/// What a command did, as the results document tells it.
pub(crate) struct Outcome<'a> {
    pub(crate) command: RunCommand,
    pub(crate) started_at: DateTime<Utc>,
    pub(crate) finished_at: DateTime<Utc>,
    /// The database, as shown (without its password), once known.
    pub(crate) database: Option<String>,
    /// The run's account, when the run committed.
    pub(crate) report: Option<&'a RunReport>,
    /// Why the command could not run, or its run failed and was rolled back.
    pub(crate) error: Option<String>,
    pub(crate) exit: Exit,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    leadpipe_version: &'static str,
    command: &'static str,
    run_id: Option<&'a str>,
    /// `committed`; `failed` (nothing of the run was kept); `not_run` (nothing to load).
    status: &'static str,
    exit_code: u8,
    exit_status: &'static str,
    error: Option<&'a str>,
    started_at: String,
    finished_at: String,
    seconds: f64,
    database: Option<&'a str>,
    files: Vec<FileResult<'a>>,
    checks: Vec<CheckOutcome<'a>>,
    /// What linking leads into entities did, when it ran.
    entities: Option<&'a Linked>,
}

#[derive(Serialize)]
struct CheckOutcome<'a> {
    source: &'a str,
    check: &'a str,
    severity: &'static str,
    status: &'static str,
    observed: &'a str,
    threshold: &'a str,
}

#[derive(Serialize)]
struct FileResult<'a> {
    path: &'a str,
    source: Option<&'a str>,
    status: &'static str,
    /// Why it was skipped, held or failed.
    message: Option<String>,
    encoding: Option<&'a str>,
    seconds: f64,
    counts: &'a FileCounts,
    rejected_by_reason: BTreeMap<&'static str, u64>,
    doubtful_by_reason: BTreeMap<&'static str, u64>,
    /// What held the snapshot (status `held`).
    held_by: Vec<FindingResult<'a>>,
    /// What would have held it, had `--accept` not applied it.
    accepted_over: Vec<FindingResult<'a>>,
}

#[derive(Serialize)]
struct FindingResult<'a> {
    guard: &'static str,
    column: Option<&'static str>,
    measure: &'static str,
    observed: f64,
    threshold: f64,
    message: &'a str,
}

impl Outcome<'_> {
    fn document(&self) -> Document<'_> {
        Document {
            version: VERSION,
            leadpipe_version: env!("CARGO_PKG_VERSION"),
            command: self.command.as_str(),
            run_id: self.report.map(|r| r.run_id.as_str()),
            status: match (self.report, &self.error) {
                (Some(_), _) => "committed",
                (None, Some(_)) => "failed",
                (None, None) => "not_run",
            },
            exit_code: self.exit.code(),
            exit_status: self.exit.name(),
            error: self.error.as_deref(),
            started_at: time(self.started_at),
            finished_at: time(self.finished_at),
            seconds: seconds(
                (self.finished_at - self.started_at)
                    .to_std()
                    .unwrap_or_default(),
            ),
            database: self.database.as_deref(),
            files: self
                .report
                .map(|r| r.files.iter().map(file_result).collect())
                .unwrap_or_default(),
            checks: self
                .report
                .map(|r| r.checks.iter().map(check_outcome).collect())
                .unwrap_or_default(),
            entities: self.report.and_then(|r| r.resolution.as_ref()),
        }
    }

    /// Writes the document to `path`: to a temporary file beside it, flushed to disk, then
    /// renamed over it.
    pub(crate) fn write(&self, path: &Path) -> anyhow::Result<()> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let written = (|| {
            let mut file = tempfile::NamedTempFile::new_in(dir)?;
            serde_json::to_writer_pretty(&mut file, &self.document())?;
            file.write_all(b"\n")?;
            file.as_file().sync_all()?;
            file.persist(path)?;
            anyhow::Ok(())
        })();
        written.with_context(|| format!("cannot write the results to {}", path.display()))
    }
}

fn file_result(file: &FileReport) -> FileResult<'_> {
    let held_by = match &file.outcome {
        FileOutcome::Held { findings, .. } => findings.iter().map(finding_result).collect(),
        _ => Vec::new(),
    };
    let by_reason = |counts: &BTreeMap<_, u64>| {
        counts
            .iter()
            .map(|(reason, n): (&leadpipe::reason::Reason, &u64)| (reason.as_str(), *n))
            .collect()
    };
    FileResult {
        path: &file.path,
        source: file.source.as_deref(),
        status: file.outcome.name(),
        message: file.outcome.why(),
        encoding: file.encoding.as_deref(),
        seconds: seconds(file.elapsed),
        counts: &file.counts,
        rejected_by_reason: by_reason(&file.reject_reasons),
        doubtful_by_reason: by_reason(&file.issue_reasons),
        held_by,
        accepted_over: file.accepted.iter().map(finding_result).collect(),
    }
}

fn check_outcome(check: &CheckResult) -> CheckOutcome<'_> {
    CheckOutcome {
        source: &check.source,
        check: &check.check,
        severity: check.severity.as_str(),
        status: check.status.as_str(),
        observed: &check.observed,
        threshold: &check.threshold,
    }
}

fn finding_result(finding: &Finding) -> FindingResult<'_> {
    FindingResult {
        guard: finding.rule,
        column: finding.column,
        measure: finding.measure.as_str(),
        observed: finding.observed,
        threshold: finding.threshold,
        message: &finding.message,
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Seconds, to the millisecond.
fn seconds(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}
