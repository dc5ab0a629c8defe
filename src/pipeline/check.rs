//! A dry run of one file (`leadpipe check`): everything ingest would do with it — the
//! claim, the header contract, every record read, mapped and validated, the snapshot
//! guards against a database — and nothing written anywhere.

use std::collections::BTreeMap;

use super::file::{decide, open_checked, read_error};
use super::fingerprint::{content_sha256, record_hash};
use super::plan::{ClaimedBy, ClaimedFile, Planned, claim, would_skip};
use super::report::FileOutcome;
use super::stage::{Decision, Snapshot, SourceBefore, Stage, after_normalize};
use super::workers::{BatchSink, load_records};
use super::{NoProgress, RunError};
use crate::map::row::{Mapped, RecordMapping};
use crate::read::input::InputFile;
use crate::reason::Reason;
use crate::spec::{Spec, Specs};
use crate::store::{Batch, FileCounts, FileInfo, LeadRow, SnapshotProfile, Store, StoreError};

/// Sample leads shown per file.
const SAMPLES: usize = 5;

/// Example records kept per reject reason.
const EXAMPLES: usize = 3;

/// What a dry run found in one file.
#[derive(Debug)]
pub struct FileCheck<'a> {
    pub path: String,
    pub verdict: Verdict<'a>,
}

/// How far a file got.
#[derive(Debug)]
pub enum Verdict<'a> {
    /// No spec claims it, or several do: why.
    Unclaimed(String),
    /// Claimed, but it cannot be read as its spec says (empty, no header, a header that
    /// breaks the spec's contract): why.
    Unreadable {
        spec: &'a Spec,
        claimed_by: ClaimedBy,
        error: String,
    },
    /// Read through.
    Read(Box<ReadCheck<'a>>),
}

/// A file read through, record by record, as ingest would.
#[derive(Debug)]
pub struct ReadCheck<'a> {
    pub spec: &'a Spec,
    pub claimed_by: ClaimedBy,
    /// The header's columns, as the records are read (a subset spec's first).
    pub header: Vec<String>,
    pub encoding: String,
    /// Records read, and how many would load and be rejected.
    pub counts: FileCounts,
    /// Rejects by reason, with the first few.
    pub rejects: BTreeMap<Reason, Rejects>,
    /// Doubtful values of the leads that would be written, by reason.
    pub issues: BTreeMap<Reason, u64>,
    /// What its leads hold, column by column.
    pub profile: SnapshotProfile,
    /// Against a database: why ingest would skip the file, if it would.
    pub skipped: Option<String>,
    /// Against a database: what the guards decide (`None` without one, or when skipped).
    pub guards: Option<Decision>,
    /// The first leads, as they would be stored.
    pub samples: Vec<LeadRow>,
}

/// The rejects of one reason.
#[derive(Debug, Default)]
pub struct Rejects {
    pub count: u64,
    /// (line, message, text as published) of the first few.
    pub examples: Vec<(u64, String, String)>,
}

/// Checks one file as `specs` claim it, its leads mapped and enriched by `stages` as a run
/// would; with `db`, opened read-only, also what applying it would do to its source, as
/// `stages` judge it. The error is one that would end a run.
pub fn check_file<'a>(
    specs: &'a Specs,
    input: &InputFile,
    mut db: Option<&mut Store>,
    stages: &[&dyn Stage],
) -> Result<FileCheck<'a>, RunError> {
    let path = input.address();
    let checked = |verdict| {
        Ok(FileCheck {
            path: path.clone(),
            verdict,
        })
    };
    let file = match claim(specs, input, &[])? {
        Planned::Load(file) => file,
        Planned::Done { report, .. } => {
            let why = match report.outcome {
                FileOutcome::Failed { error } => error,
                _ => "no source spec claims this file by its name or its header".to_string(),
            };
            return checked(Verdict::Unclaimed(why));
        }
    };
    let info = file_info(&file)?;
    let mut reader = match open_checked(&file, &info)? {
        Ok(reader) => reader,
        Err(error) => {
            return checked(Verdict::Unreadable {
                spec: file.spec,
                claimed_by: file.claimed_by,
                error,
            });
        }
    };
    let header = reader.header().to_vec();
    let (skipped, known, before) = match db.as_deref_mut() {
        Some(db) => source_state(db, &info)?,
        None => (None, None, None),
    };
    let mut sink = KeptRejects::default();
    let (report, profile) = load_records(
        &mut sink,
        file.spec,
        known,
        stages,
        &info,
        reader.as_mut(),
        &NoProgress,
    )?
    .map_err(|error| read_error(&info, error))?;
    let guards = match (&db, &skipped) {
        (Some(_), None) => {
            let snapshot = Snapshot {
                spec: file.spec,
                file: &info,
                counts: &report.counts,
                profile: &profile,
                before,
            };
            Some(decide(stages, &snapshot).map_or(Decision::Apply, |(_, decision)| decision))
        }
        _ => None,
    };
    let samples = samples(&file, &info, stages)?;
    checked(Verdict::Read(Box::new(ReadCheck {
        spec: file.spec,
        claimed_by: file.claimed_by,
        header,
        encoding: reader.encoding(),
        counts: report.counts,
        rejects: sink.rejects,
        issues: report.issue_reasons,
        profile,
        skipped,
        guards,
        samples,
    })))
}

/// The file as the ledger would know it: its content hashed, its snapshot dated.
fn file_info(file: &ClaimedFile) -> Result<FileInfo, RunError> {
    let input = &file.input;
    let opened = input.open().map_err(|e| read_error_at(input, e))?;
    Ok(FileInfo {
        source: file.spec.id.clone(),
        role: file.spec.role,
        path: input.address(),
        content_sha256: content_sha256(opened).map_err(|e| read_error_at(input, e))?,
        size_bytes: input.size(),
        e_tag: input.e_tag().map(str::to_string),
        snapshot_date: file.snapshot_date,
    })
}

/// What a run loading the file would find in the database: why it would skip the file,
/// else the source's leads and its state before the file.
#[allow(clippy::type_complexity)]
fn source_state(
    db: &mut Store,
    info: &FileInfo,
) -> Result<
    (
        Option<String>,
        Option<crate::store::KnownLeads>,
        Option<SourceBefore>,
    ),
    RunError,
> {
    if let Some((_, message)) = would_skip(db, None, info, false)? {
        return Ok((Some(message), None, None));
    }
    let last_applied = db.last_applied(&info.source)?;
    let known = db.known_leads(info)?;
    let before = known.as_ref().map(|known| SourceBefore {
        active: known.active(),
        last_applied,
    });
    Ok((None, known, before))
}

/// The first leads of the file, mapped (and enriched by `stages`) as if its source had none
/// (so that every one is).
fn samples(
    file: &ClaimedFile,
    info: &FileInfo,
    stages: &[&dyn Stage],
) -> Result<Vec<LeadRow>, RunError> {
    let Ok(mut reader) = open_checked(file, info)? else {
        return Ok(Vec::new());
    };
    let mapping = RecordMapping::new(file.spec, reader.header(), None);
    let mut samples = Vec::with_capacity(SAMPLES);
    while samples.len() < SAMPLES {
        let Some(record) = reader.next_record().map_err(|e| read_error(info, e))? else {
            break;
        };
        let enrich = |lead: &mut _| after_normalize(stages, file.spec, lead);
        if let Mapped::Lead { row, .. } = mapping.map(record, record_hash(0, b""), &enrich) {
            samples.push(*row);
        }
    }
    Ok(samples)
}

/// Keeps the rejects' counts and first examples; the leads go nowhere.
#[derive(Default)]
struct KeptRejects {
    rejects: BTreeMap<Reason, Rejects>,
}

impl BatchSink for KeptRejects {
    fn write_batch(&mut self, batch: &Batch) -> Result<(), StoreError> {
        for reject in &batch.rejects {
            let kept = self.rejects.entry(reject.reason).or_default();
            kept.count += 1;
            if kept.examples.len() < EXAMPLES {
                kept.examples.push((
                    reject.source_line,
                    reject.message.clone(),
                    reject.raw_text.clone(),
                ));
            }
        }
        Ok(())
    }
}

fn read_error_at(input: &InputFile, error: std::io::Error) -> RunError {
    RunError::Read {
        file: input.address(),
        error,
    }
}
