//! The ingest pipeline: for each input file, claim → read → decode → map → validate → load,
//! in one database transaction for the whole run.

use std::collections::BTreeMap;
use std::io::{self, Read};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::load::{
    Batch, FileCounts, FileInfo, FileStatus, Identity, Known, KnownLeads, LeadRow, LoadError,
    RejectRow, RunInfo, Target, now,
};
use crate::map::{RecordKeys, map_key, map_record, source_record_json};
use crate::read::input::InputFile;
use crate::read::{Record, SourceReader, peek_header};
use crate::reason::Reason;
use crate::spec::{Claim, Spec, Specs, header};
use crate::validate::{KeyCheck, require_key};

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
    pub reject_reasons: BTreeMap<Reason, u64>,
    /// Leads the file wrote (new or changed) with doubtful values, by issue reason; a lead
    /// its source already had, as it is, is not mapped again.
    pub issue_reasons: BTreeMap<Reason, u64>,
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

/// Records a mapping worker takes at a time.
const CHUNK_RECORDS: usize = 500;

/// Records in file order, numbered so that the writer can put mapped chunks back in order.
struct Chunk<T> {
    seq: u64,
    records: Vec<T>,
    /// Bytes of the file read up to the chunk's end.
    bytes_read: u64,
}

/// A record as a worker left it. Whether its key repeats an earlier record's depends on
/// the order of the records, so the writer checks that.
enum Mapped {
    Lead {
        row: Box<LeadRow>,
        /// New, or to compare with the stored lead.
        known: Known,
        /// Reasons of the lead's doubtful values, counted once the lead is loaded.
        issues: Vec<Reason>,
        /// The record as published, in case its key turns out to repeat.
        raw: Vec<u8>,
    },
    /// Stored as it is: not mapped beyond its key, not written.
    Unchanged {
        lead_id: String,
        line: u64,
        raw: Vec<u8>,
    },
    Reject(RejectRow),
}

/// What mapping a file's records takes, shared by the workers.
struct FileMapping<'a> {
    spec: &'a Spec,
    record_keys: RecordKeys,
    /// See [`mapping_salt`].
    salt: u128,
    /// The leads the source had, when it had any.
    known: Option<KnownLeads>,
}

/// Streams a file's records into the database in bounded batches. One thread reads and
/// decodes, a worker per core maps and normalizes, and this thread checks keys in file
/// order and writes, so every core works while the database loads. The outer error ends
/// the run; the inner one is the file becoming unreadable part-way.
fn load_records(
    db: &mut dyn Target,
    spec: &Spec,
    run: &RunInfo,
    info: &FileInfo,
    reader: &mut SourceReader,
    progress: &dyn Progress,
) -> Result<io::Result<FileReport>, RunError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // A few chunks wait in each channel, and the writer keeps the ones that arrive while it
    // waits for the next in order: memory stays bounded whatever the file's size.
    let (chunks, to_map) = crossbeam_channel::bounded(workers * 2);
    let (mapped, to_write) = crossbeam_channel::bounded(workers * 2);
    let mapping = FileMapping {
        spec,
        salt: mapping_salt(spec, reader.header()),
        record_keys: RecordKeys::new(reader.header()),
        known: db.known_leads(&spec.id)?,
    };
    let listing = mapping.known.is_some();
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || read_chunks(reader, &chunks));
        for _ in 0..workers {
            let (to_map, mapped) = (to_map.clone(), mapped.clone());
            let mapping = &mapping;
            scope.spawn(move || {
                for chunk in to_map {
                    if mapped.send(map_chunk(mapping, chunk)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((to_map, mapped));
        // Returning drops `to_write`, which stops the workers and then the reader early
        // when a write fails.
        let written = write_in_order(db, spec, run, info, listing, to_write, progress);
        let read = reading.join().expect("the reading thread does not panic");
        let report = written?;
        Ok(read.map(|()| report))
    })
}

/// Reads a file's records into numbered chunks until the end, or until nobody listens.
fn read_chunks(
    reader: &mut SourceReader,
    chunks: &crossbeam_channel::Sender<Chunk<Record>>,
) -> io::Result<()> {
    for seq in 0.. {
        let mut records = Vec::with_capacity(CHUNK_RECORDS);
        while records.len() < CHUNK_RECORDS {
            match reader.next_record()? {
                Some(record) => records.push(record),
                None => break,
            }
        }
        let last = records.len() < CHUNK_RECORDS;
        let chunk = Chunk {
            seq,
            records,
            bytes_read: reader.bytes_read(),
        };
        if chunks.send(chunk).is_err() || last {
            break;
        }
    }
    Ok(())
}

fn map_chunk(mapping: &FileMapping, chunk: Chunk<Record>) -> Chunk<Mapped> {
    Chunk {
        seq: chunk.seq,
        records: chunk
            .records
            .into_iter()
            .map(|record| map_one(mapping, record))
            .collect(),
        bytes_read: chunk.bytes_read,
    }
}

/// Maps, normalizes and validates one record; a record its source already has, as it is,
/// is only mapped as far as its key.
fn map_one(mapping: &FileMapping, record: Record) -> Mapped {
    let spec = mapping.spec;
    if let Some(defect) = &record.defect {
        return Mapped::Reject(RejectRow {
            source_line: record.line,
            reason: defect.reason(),
            message: defect.message(),
            raw_text: record.raw_text(),
        });
    }
    let record_hash = record_hash(mapping.salt, &record.bytes);
    // What the source had of the lead, found by its key alone.
    let known = mapping.known.as_ref().and_then(|known| {
        let key = map_key(spec, &record.fields).ok()??;
        let lead_id = format!("{}:{key}", spec.id);
        Some((known.classify(&lead_id, &record_hash), lead_id))
    });
    if let Some((Known::Unchanged, lead_id)) = known {
        return Mapped::Unchanged {
            lead_id,
            line: record.line,
            raw: record.bytes,
        };
    }
    let key_column = crate::lead::LEAD_COLUMNS[spec.key_column].name;
    let mapped = map_record(spec, &record.fields).and_then(|lead| {
        let lead_id = format!("{}:{}", spec.id, require_key(lead.key(spec), key_column)?);
        Ok((lead_id, lead))
    });
    match mapped {
        Ok((lead_id, lead)) => Mapped::Lead {
            // The full mapping gives the key the key rules gave. Without stored leads the
            // lead is new; a lead whose key alone could not be read is compared, to be safe.
            known: known.map_or(
                match mapping.known {
                    Some(_) => Known::Compare,
                    None => Known::New,
                },
                |(known, _)| known,
            ),
            issues: lead.issues.iter().map(|issue| issue.reason).collect(),
            row: Box::new(LeadRow {
                lead_id,
                source_line: record.line,
                record_hash,
                source_record: source_record_json(&mapping.record_keys, &record.fields),
                issues: (!lead.issues.is_empty())
                    .then(|| serde_json::to_string(&lead.issues).expect("issues serialize")),
                values: lead.values,
            }),
            raw: record.bytes,
        },
        Err(rejection) => Mapped::Reject(RejectRow {
            source_line: record.line,
            reason: rejection.reason,
            message: rejection.message,
            raw_text: record.raw_text(),
        }),
    }
}

/// Takes mapped chunks in file order, checks that keys do not repeat, accounts for every
/// record and writes batches of at most [`BATCH_SIZE`] records. `listing`: the source had
/// leads, and the ids of the file's leads are written, to deactivate the others.
fn write_in_order(
    db: &mut dyn Target,
    spec: &Spec,
    run: &RunInfo,
    info: &FileInfo,
    listing: bool,
    to_write: crossbeam_channel::Receiver<Chunk<Mapped>>,
    progress: &dyn Progress,
) -> Result<FileReport, RunError> {
    let mut report = FileReport::new(
        info.path.clone(),
        Some(spec.id.clone()),
        FileOutcome::Loaded,
    );
    let key_column = crate::lead::LEAD_COLUMNS[spec.key_column].name;
    let key_start = spec.id.len() + 1;
    let mut keys = KeyCheck::default();
    let (mut batch, mut in_batch) = (Batch::default(), 0);
    let mut waiting = BTreeMap::new();
    let (mut next, mut reported_bytes) = (0, 0);
    for chunk in to_write {
        waiting.insert(chunk.seq, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            next += 1;
            for mapped in chunk.records {
                report.counts.read += 1;
                in_batch += 1;
                let lead = match &mapped {
                    Mapped::Lead { row, raw, .. } => Some((&row.lead_id, row.source_line, raw)),
                    Mapped::Unchanged { lead_id, line, raw } => Some((lead_id, *line, raw)),
                    Mapped::Reject(_) => None,
                };
                let repeated = lead.and_then(|(lead_id, line, raw)| {
                    let rejection = keys.check(&lead_id[key_start..], key_column).err()?;
                    Some(RejectRow {
                        source_line: line,
                        reason: rejection.reason,
                        message: rejection.message,
                        raw_text: crate::read::raw_text(raw),
                    })
                });
                let reject = match (mapped, repeated) {
                    (Mapped::Reject(row), _) | (_, Some(row)) => Some(row),
                    (
                        Mapped::Lead {
                            row, known, issues, ..
                        },
                        None,
                    ) => {
                        report.counts.loaded += 1;
                        for reason in issues {
                            *report.issue_reasons.entry(reason).or_default() += 1;
                        }
                        if listing {
                            batch.seen.push(row.lead_id.clone());
                        }
                        match known {
                            Known::New => batch.new.push(*row),
                            Known::Compare | Known::Unchanged => batch.staged.push(*row),
                        }
                        None
                    }
                    (Mapped::Unchanged { lead_id, .. }, None) => {
                        report.counts.loaded += 1;
                        batch.seen.push(lead_id);
                        None
                    }
                };
                if let Some(row) = reject {
                    report.counts.rejected += 1;
                    *report.reject_reasons.entry(row.reason).or_default() += 1;
                    batch.rejects.push(row);
                }
                if in_batch >= BATCH_SIZE {
                    db.write_batch(run, info, &std::mem::take(&mut batch))?;
                    in_batch = 0;
                }
            }
            progress.advanced(chunk.bytes_read - reported_bytes);
            reported_bytes = chunk.bytes_read;
        }
    }
    if in_batch > 0 {
        db.write_batch(run, info, &batch)?;
    }
    Ok(report)
}

/// Everything but a record's bytes that its lead depends on: leadpipe's build (its mapping
/// code and the data of its dependencies, fingerprinted by `build.rs`), the spec's reading
/// and rules, and the file's header (the names in `source_record`).
fn mapping_salt(spec: &Spec, header: &[String]) -> u128 {
    let described = format!(
        "{}\n{}\n{:?}\n{}\n{header:?}\n{}\n{:?}",
        env!("LEADPIPE_BUILD_FINGERPRINT"),
        spec.id,
        spec.encoding.map(encoding_rs::Encoding::name),
        spec.delimiter,
        spec.key_column,
        spec.rules
    );
    xxhash_rust::xxh3::xxh3_128(described.as_bytes())
}

/// A hash of a record as published and of what its lead depends on besides ([`mapping_salt`]),
/// 128-bit XXH3 in hex: a lead stored with this hash is the lead the record maps to.
fn record_hash(salt: u128, bytes: &[u8]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&salt.to_le_bytes());
    hasher.update(bytes);
    format!("{:032x}", hasher.digest128())
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

    #[test]
    fn the_record_hash_changes_with_the_record_and_with_what_maps_it() {
        let specs = Specs::load(None).unwrap();
        let spec = |id: &str| specs.iter().find(|s| s.id == id).unwrap();
        let nevada = spec("nevada");
        let header = nevada.header.clone();
        let salt = mapping_salt(nevada, &header);
        assert_eq!(salt, mapping_salt(nevada, &header), "the same every run");
        let hash = record_hash(salt, b"A,B");
        assert_eq!(hash.len(), 32);
        assert_eq!(hash, record_hash(salt, b"A,B"));
        assert_ne!(hash, record_hash(salt, b"A,C"));
        let mut renamed = header.clone();
        renamed[0] = format!("{} (renamed)", renamed[0]);
        assert_ne!(hash, record_hash(mapping_salt(nevada, &renamed), b"A,B"));
        let texas = spec("texas");
        assert_ne!(hash, record_hash(mapping_salt(texas, &header), b"A,B"));
    }
}
