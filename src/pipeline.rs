//! The ingest pipeline: for each input file, claim → read → decode → map → validate → load,
//! in one database transaction for the whole run.

use std::collections::BTreeMap;
use std::io::{self, Read};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::load::{
    Batch, FileCounts, FileInfo, FileStatus, Identity, LeadRow, LoadError, RejectRow, RunInfo,
    Target, now,
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
    /// A file's bytes could not be read (a disk or network failure, after retries).
    #[error("cannot read {file}: {error}")]
    Read { file: String, error: io::Error },
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
    let mut planned: Vec<Planned> = files
        .iter()
        .map(|file| plan(specs, file))
        .collect::<Result<_, _>>()?;
    planned.sort_by_key(|p| (p.snapshot_date(), p.input().address()));
    db.begin_run(&run)?;
    let mut reports = Vec::with_capacity(files.len());
    for planned in planned {
        let size = planned.input().size();
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
            progress.advanced(size);
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
fn plan<'a>(specs: &'a Specs, input: &InputFile) -> Result<Planned<'a>, RunError> {
    let path = input.address();
    let done = |outcome| Planned::Done {
        input: input.clone(),
        report: FileReport::new(path.clone(), None, outcome),
    };
    let file_name = input.name();
    let claim = specs
        .claim(&file_name, || peek_header(input.open()?))
        .map_err(|error| RunError::Read {
            file: path.clone(),
            error,
        })?;
    let spec = match claim {
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
            return Ok(done(FileOutcome::Failed { error }));
        }
        Claim::Unclaimed if input.named => {
            let error = "no source spec claims this file by its name or its header; add a spec with --specs".to_string();
            return Ok(done(FileOutcome::Failed { error }));
        }
        Claim::Unclaimed => return Ok(done(FileOutcome::Unclaimed)),
    };
    let snapshot_date = spec
        .snapshot_date(&file_name)
        .or_else(|| input.modified().map(|m| m.date_naive()))
        .unwrap_or_else(|| now().date_naive());
    Ok(Planned::Load {
        input: input.clone(),
        spec,
        snapshot_date,
    })
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
    let path = input.address();
    let source = Some(spec.id.clone());
    let size_bytes = input.size();
    let read_error = |error: io::Error| RunError::Read {
        file: path.clone(),
        error,
    };
    // An object whose version tag was loaded before is known without downloading it.
    let by_tag = match input.e_tag() {
        Some(e_tag) => db.prior_load(
            &spec.id,
            Identity::Tag {
                e_tag,
                size: size_bytes,
            },
        )?,
        None => None,
    };
    let (content_sha256, earlier) = match by_tag {
        Some(prior) => (prior.content_sha256.clone(), Some(prior)),
        None => {
            let sha = hash(input.open().map_err(read_error)?).map_err(read_error)?;
            let earlier = db.prior_load(&spec.id, Identity::Content(&sha))?;
            (sha, earlier)
        }
    };
    let info = FileInfo {
        source: spec.id.clone(),
        path: path.clone(),
        content_sha256,
        size_bytes,
        e_tag: input.e_tag().map(str::to_string),
        snapshot_date,
    };
    if let Some(prior) = earlier {
        let by = if prior.run_id == run.run_id {
            format!("{}, earlier in this run", prior.path)
        } else {
            format!(
                "{} in run {} at {}",
                prior.path, prior.run_id, prior.processed_at
            )
        };
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
    let bytes = input.open().map_err(read_error)?;
    let mut reader =
        match SourceReader::new(bytes, spec.encoding, spec.delimiter, spec.max_record_lines) {
            Ok(reader) => reader,
            // An empty file, or a header that is no CSV record: the file's own fault.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData
                ) =>
            {
                return fail_file(db, run, &info, format!("cannot read the file: {e}"));
            }
            Err(e) => return Err(read_error(e)),
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
    let mut report =
        load_records(db, spec, run, &info, &mut reader, progress)?.map_err(read_error)?;
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

/// Streams a file's records into the database in bounded batches: one thread reads,
/// decodes, maps and validates while this one writes, so both cores work. The outer error
/// ends the run; the inner one is the file becoming unreadable part-way.
fn load_records(
    db: &mut dyn Target,
    spec: &Spec,
    run: &RunInfo,
    info: &FileInfo,
    reader: &mut SourceReader,
    progress: &dyn Progress,
) -> Result<io::Result<FileReport>, RunError> {
    // Two batches in flight at most: memory stays bounded whatever the file's size.
    let (batches, received) = std::sync::mpsc::sync_channel::<(Batch, u64)>(2);
    std::thread::scope(|scope| {
        let mapper = scope.spawn(move || map_records(spec, info, reader, &batches));
        let mut reported_bytes = 0;
        for (batch, bytes_read) in received {
            db.write_batch(run, info, &batch)?;
            progress.advanced(bytes_read - reported_bytes);
            reported_bytes = bytes_read;
        }
        // The channel closes when the mapper is done, or stopped early by a write error
        // above, which drops the receiver.
        Ok(mapper.join().expect("the mapping thread does not panic"))
    })
}

/// Reads, maps and validates a file's records into batches of at most [`BATCH_SIZE`].
fn map_records(
    spec: &Spec,
    info: &FileInfo,
    reader: &mut SourceReader,
    batches: &std::sync::mpsc::SyncSender<(Batch, u64)>,
) -> io::Result<FileReport> {
    let mut report = FileReport::new(
        info.path.clone(),
        Some(spec.id.clone()),
        FileOutcome::Loaded,
    );
    let header = reader.header().to_vec();
    let key_column = crate::lead::LEAD_COLUMNS[spec.key_column].name;
    let mut keys = KeyCheck::default();
    let mut batch = Batch::default();
    while let Some(record) = reader.next_record()? {
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
                let source_record = source_record_json(&header, &record.fields);
                batch.leads.push(LeadRow {
                    lead_id: format!("{}:{key}", spec.id),
                    source_line: record.line,
                    record_hash: record_hash(&lead.values, &source_record),
                    source_record,
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
                    raw_text: record.raw_text(),
                });
            }
        }
        if batch.len() >= BATCH_SIZE
            && batches
                .send((std::mem::take(&mut batch), reader.bytes_read()))
                .is_err()
        {
            // The writer stopped; its error is the one reported.
            return Ok(report);
        }
    }
    let _ = batches.send((batch, reader.bytes_read()));
    Ok(report)
}

/// A hash of a lead's values and its record as published (128 bits of SHA-256, in hex).
fn record_hash(values: &crate::lead::LeadValues, source_record: &str) -> String {
    use std::io::Write;
    let mut hasher = Sha256::new();
    for value in values {
        // A tag per kind keeps `Null`, `""` and `0` apart.
        let _ = match value {
            crate::lead::Value::Null => write!(hasher, "N"),
            crate::lead::Value::Text(s) => write!(hasher, "T{}:{s}", s.len()),
            crate::lead::Value::Integer(i) => write!(hasher, "I{i};"),
            crate::lead::Value::Boolean(b) => write!(hasher, "B{b};"),
            crate::lead::Value::Date(d) => write!(hasher, "D{d};"),
        };
    }
    hasher.update(source_record.as_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a stream's content, in hex.
fn hash(mut input: impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut input, &mut hasher)?;
    Ok(format!("{:x}", hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::Value;

    #[test]
    fn the_record_hash_tells_every_difference_apart() {
        let mut values: crate::lead::LeadValues = std::array::from_fn(|_| Value::Null);
        let base = record_hash(&values, "{}");
        assert_eq!(base.len(), 32);
        assert_eq!(record_hash(&values, "{}"), base);
        assert_ne!(record_hash(&values, "{\"a\":\"\"}"), base);
        values[0] = Value::text("x");
        let text = record_hash(&values, "{}");
        values[0] = Value::Integer(0);
        let integer = record_hash(&values, "{}");
        values[0] = Value::Boolean(false);
        let boolean = record_hash(&values, "{}");
        let all = [&base, &text, &integer, &boolean];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
