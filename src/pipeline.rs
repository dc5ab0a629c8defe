//! The ingest pipeline: for each input file, claim → read → decode → map → validate → load,
//! in one database transaction for the whole run.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use crate::load::{
    Batch, FileCounts, FileInfo, FileStatus, LeadRow, LoadError, RejectRow, RunInfo, Target, now,
};
use crate::map::{map_record, source_record_json};
use crate::read::input::InputFile;
use crate::read::{SourceReader, peek_header};
use crate::spec::{Claim, Spec, Specs, header};
use crate::validate::KeyCheck;

/// Records written to the database at a time.
pub const BATCH_SIZE: usize = 2_000;

/// What became of one input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    Loaded,
    /// Content already loaded, by an earlier run or earlier in this one.
    AlreadyLoaded {
        by: String,
    },
    /// A snapshot older than one of its source already loaded: applying it would roll
    /// leads back.
    OlderSnapshot {
        snapshot: NaiveDate,
        loaded: NaiveDate,
    },
    /// No spec claims the file (found in a folder or by a pattern).
    Unclaimed,
    /// Nothing of the file was loaded.
    Failed {
        error: String,
    },
}

/// The account of one input file.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub path: String,
    pub source: Option<String>,
    pub outcome: FileOutcome,
    pub encoding: Option<String>,
    pub counts: FileCounts,
    /// Rejected records by reason.
    pub reject_reasons: BTreeMap<String, u64>,
    /// Loaded leads with doubtful values, by issue reason.
    pub issue_reasons: BTreeMap<String, u64>,
}

impl FileReport {
    fn new(path: String, source: Option<String>, outcome: FileOutcome) -> FileReport {
        FileReport {
            path,
            source,
            outcome,
            encoding: None,
            counts: FileCounts::default(),
            reject_reasons: BTreeMap::new(),
            issue_reasons: BTreeMap::new(),
        }
    }
}

/// The account of a whole run.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub run_id: String,
    pub files: Vec<FileReport>,
}

impl RunReport {
    pub fn failed_files(&self) -> usize {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Failed { .. }))
            .count()
    }
}

/// Hears how far the run has come, to show progress.
pub trait Progress {
    fn file_started(&self, _path: &str, _size: u64) {}
    fn advanced(&self, _bytes: u64) {}
}

/// Shows nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A failure that ends the whole run; the database is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Database(#[from] LoadError),
}

/// Loads the input files into the database as one run: all of it is committed, or none.
/// Each file is a full snapshot of its source, applied in the order of the snapshots' dates
/// (from the file name by the spec's `files.date` rule, else the file's modification time),
/// whatever the order of the inputs. A file that cannot be loaded (unreadable, a header
/// that breaks its spec's contract) is reported and leaves nothing of itself; the others
/// still load.
pub fn ingest(
    db: &mut dyn Target,
    specs: &Specs,
    files: &[InputFile],
    progress: &dyn Progress,
) -> Result<RunReport, RunError> {
    let run = RunInfo {
        run_id: uuid::Uuid::now_v7().to_string(),
        started_at: now(),
    };
    let mut planned: Vec<Planned> = files.iter().map(|file| plan(specs, file)).collect();
    planned.sort_by_key(|p| (p.snapshot_date(), p.input().path.clone()));
    db.begin_run(&run)?;
    let mut reports = Vec::with_capacity(files.len());
    for planned in planned {
        let input = planned.input().clone();
        let report = match planned {
            Planned::Load {
                input,
                spec,
                snapshot_date,
            } => {
                let file = ClaimedFile {
                    input: &input,
                    spec,
                    snapshot_date,
                };
                ingest_file(db, &run, &file, progress)?
            }
            Planned::Done { report, .. } => report,
        };
        if report.outcome != FileOutcome::Loaded {
            // The bar counts every input byte; a file not read passes at once.
            progress.advanced(input.path.metadata().map_or(0, |m| m.len()));
        }
        reports.push(report);
    }
    let failed = reports
        .iter()
        .any(|r| matches!(r.outcome, FileOutcome::Failed { .. }));
    db.commit_run(
        &run,
        if failed {
            "completed_with_failures"
        } else {
            "completed"
        },
    )?;
    Ok(RunReport {
        run_id: run.run_id,
        files: reports,
    })
}

/// What to do with an input file, decided before the run takes its lock.
enum Planned<'a> {
    Load {
        input: InputFile,
        spec: &'a Spec,
        snapshot_date: NaiveDate,
    },
    Done {
        input: InputFile,
        report: FileReport,
    },
}

impl Planned<'_> {
    fn input(&self) -> &InputFile {
        match self {
            Planned::Load { input, .. } | Planned::Done { input, .. } => input,
        }
    }

    fn snapshot_date(&self) -> NaiveDate {
        match self {
            Planned::Load { snapshot_date, .. } => *snapshot_date,
            Planned::Done { .. } => NaiveDate::MIN,
        }
    }
}

/// A file with the spec that claims it.
struct ClaimedFile<'a> {
    input: &'a InputFile,
    spec: &'a Spec,
    snapshot_date: NaiveDate,
}

/// Claims a file for a spec and dates its snapshot.
fn plan<'a>(specs: &'a Specs, input: &InputFile) -> Planned<'a> {
    let path = input.path.display().to_string();
    let done = |outcome| Planned::Done {
        input: input.clone(),
        report: FileReport::new(path.clone(), None, outcome),
    };
    let file_name = input
        .path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let spec = match specs.claim(&file_name, || {
        File::open(&input.path).ok().and_then(peek_header)
    }) {
        Claim::ByName(spec) => {
            tracing::debug!(file = %path, source = %spec.id, "claimed by file name");
            spec
        }
        Claim::ByHeader(spec) => {
            tracing::debug!(file = %path, source = %spec.id, "claimed by header");
            spec
        }
        Claim::Ambiguous(ids) => {
            let error = format!(
                "claimed by several specs ({}); make their `files.names` patterns exclusive",
                ids.join(", ")
            );
            return done(FileOutcome::Failed { error });
        }
        Claim::Unclaimed if input.named => {
            let error = "no source spec claims this file by its name or its header; add a spec with --specs".to_string();
            return done(FileOutcome::Failed { error });
        }
        Claim::Unclaimed => return done(FileOutcome::Unclaimed),
    };
    let snapshot_date = spec
        .snapshot_date(&file_name)
        .unwrap_or_else(|| modified_date(&input.path));
    Planned::Load {
        input: input.clone(),
        spec,
        snapshot_date,
    }
}

/// The day a file was last modified (UTC): the snapshot date of a file whose name has none.
fn modified_date(path: &Path) -> NaiveDate {
    path.metadata()
        .and_then(|m| m.modified())
        .map(|t| DateTime::<Utc>::from(t).date_naive())
        .unwrap_or_else(|_| now().date_naive())
}

fn ingest_file(
    db: &mut dyn Target,
    run: &RunInfo,
    file: &ClaimedFile,
    progress: &dyn Progress,
) -> Result<FileReport, RunError> {
    let ClaimedFile {
        input,
        spec,
        snapshot_date,
    } = *file;
    let path = input.path.display().to_string();
    let source = Some(spec.id.clone());
    let (content_sha256, size_bytes) = match hash_file(&input.path) {
        Ok(hashed) => hashed,
        Err(e) => {
            let error = format!("cannot read the file: {e}");
            return Ok(FileReport::new(path, source, FileOutcome::Failed { error }));
        }
    };
    let info = FileInfo {
        source: spec.id.clone(),
        path: path.clone(),
        content_sha256,
        size_bytes,
        snapshot_date,
    };

    let earlier = db.prior_load(&info.content_sha256)?.map(|prior| {
        if prior.run_id == run.run_id {
            format!("{}, earlier in this run", prior.path)
        } else {
            format!(
                "{} in run {} at {}",
                prior.path, prior.run_id, prior.processed_at
            )
        }
    });
    if let Some(by) = earlier {
        db.record_file(
            run,
            &info,
            FileStatus::Skipped,
            &format!("same content as {by}"),
        )?;
        return Ok(FileReport::new(
            path,
            source,
            FileOutcome::AlreadyLoaded { by },
        ));
    }
    if let Some(loaded) = db
        .latest_snapshot(&spec.id)?
        .filter(|loaded| *loaded > snapshot_date)
    {
        let message = format!(
            "snapshot of {snapshot_date} is older than the {loaded} snapshot of `{}` already loaded; not applied",
            spec.id
        );
        db.record_file(run, &info, FileStatus::Skipped, &message)?;
        return Ok(FileReport::new(
            path,
            source,
            FileOutcome::OlderSnapshot {
                snapshot: snapshot_date,
                loaded,
            },
        ));
    }

    progress.file_started(&path, size_bytes);
    let reader = File::open(&input.path)
        .and_then(|f| SourceReader::new(f, spec.encoding, spec.delimiter, spec.max_record_lines));
    let mut reader = match reader {
        Ok(reader) => reader,
        Err(e) => return fail_file(db, run, &info, format!("cannot read the file: {e}")),
    };
    if let Err(mismatch) = header::check(spec, reader.header()) {
        let error = format!(
            "the header does not match spec `{}` ({}): {mismatch}. If the agency renamed a \
             column, list the new name under the spec's `aliases`, in a spec folder given with --specs",
            spec.id, spec.origin
        );
        return fail_file(db, run, &info, error);
    }

    let file_id = db.begin_file(run, &info)?;
    match load_records(db, spec, run, &info, &mut reader, progress)? {
        Ok(mut report) => {
            let encoding = reader.encoding();
            let merged = db.finish_file(run, file_id, &info, &encoding, &report.counts)?;
            report.counts.inserted = merged.inserted;
            report.counts.updated = merged.updated;
            report.counts.unchanged = merged.unchanged;
            report.counts.deactivated = merged.deactivated;
            report.encoding = Some(encoding);
            tracing::info!(file = %path, read = report.counts.read, loaded = report.counts.loaded,
                rejected = report.counts.rejected, "file loaded");
            Ok(report)
        }
        Err(read_error) => {
            db.abandon_file()?;
            fail_file(
                db,
                run,
                &info,
                format!("cannot read the file: {read_error}"),
            )
        }
    }
}

fn fail_file(
    db: &mut dyn Target,
    run: &RunInfo,
    info: &FileInfo,
    error: String,
) -> Result<FileReport, RunError> {
    db.record_file(run, info, FileStatus::Failed, &error)?;
    Ok(FileReport::new(
        info.path.clone(),
        Some(info.source.clone()),
        FileOutcome::Failed { error },
    ))
}

/// Streams a file's records into the database in bounded batches. The outer error ends the
/// run; the inner one (the file became unreadable part-way) ends only this file.
fn load_records(
    db: &mut dyn Target,
    spec: &Spec,
    run: &RunInfo,
    info: &FileInfo,
    reader: &mut SourceReader,
    progress: &dyn Progress,
) -> Result<io::Result<FileReport>, RunError> {
    let mut report = FileReport::new(
        info.path.clone(),
        Some(spec.id.clone()),
        FileOutcome::Loaded,
    );
    let header = reader.header().to_vec();
    let key_column = crate::lead::LEAD_COLUMNS[spec.key_column].name;
    let mut keys = KeyCheck::default();
    let mut batch = Batch::default();
    let mut reported_bytes = 0;
    loop {
        let record = match reader.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(e) => return Ok(Err(e)),
        };
        report.counts.read += 1;
        let mapped = match &record.defect {
            Some(defect) => Err(crate::map::Rejection {
                reason: defect.reason().into(),
                message: defect.message(),
            }),
            None => map_record(spec, &record.fields).and_then(|lead| {
                keys.check(lead.key(spec), key_column)?;
                Ok(lead)
            }),
        };
        match mapped {
            Ok(lead) => {
                report.counts.loaded += 1;
                for issue in &lead.issues {
                    *report
                        .issue_reasons
                        .entry(issue.reason.to_string())
                        .or_default() += 1;
                }
                let key = lead.key(spec).unwrap_or_default();
                batch.leads.push(LeadRow {
                    lead_id: format!("{}:{key}", spec.id),
                    source_line: record.line,
                    source_record: source_record_json(&header, &record.fields),
                    issues: (!lead.issues.is_empty())
                        .then(|| serde_json::to_string(&lead.issues).expect("issues serialize")),
                    values: lead.values,
                });
            }
            Err(rejection) => {
                report.counts.rejected += 1;
                *report
                    .reject_reasons
                    .entry(rejection.reason.clone())
                    .or_default() += 1;
                batch.rejects.push(RejectRow {
                    source_line: record.line,
                    reason: rejection.reason,
                    message: rejection.message,
                    raw_text: record.raw,
                });
            }
        }
        if batch.len() >= BATCH_SIZE {
            db.write_batch(run, info, &batch)?;
            batch = Batch::default();
            let bytes = reader.bytes_read();
            progress.advanced(bytes - reported_bytes);
            reported_bytes = bytes;
        }
    }
    db.write_batch(run, info, &batch)?;
    progress.advanced(reader.bytes_read() - reported_bytes);
    Ok(Ok(report))
}

/// The SHA-256 of a file's content, in hex, and its size.
fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    let mut size = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((format!("{:x}", hasher.finalize()), size))
}
