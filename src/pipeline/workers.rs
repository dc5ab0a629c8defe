//! The threads that load a file: one reads and decodes, a worker per core maps and
//! normalizes, and the calling thread checks keys in file order and writes, so every core
//! works while the database loads.

use std::collections::BTreeMap;
use std::io;

use crossbeam_channel::{Receiver, Sender};

use super::fingerprint::{mapping_salt, record_hash};
use super::report::{FileOutcome, FileReport};
use super::stage::{Stage, after_normalize};
use super::{Progress, RunError};
use crate::lead::LEAD_COLUMNS;
use crate::map::row::{Mapped, RecordMapping};
use crate::read::{Record, RecordSource};
use crate::reason::Reason;
use crate::spec::Spec;
use crate::store::{
    Batch, FileInfo, FileWriter, Known, KnownLeads, LeadRow, RejectRow, SnapshotProfile, StoreError,
};
use crate::validate::KeyCheck;

/// Records written to the database at a time.
pub const BATCH_SIZE: usize = 2_000;

/// Records a mapping worker takes at a time.
const CHUNK_RECORDS: usize = 500;

/// Records in file order, numbered so that the writer can put mapped chunks back in order.
struct Chunk<T> {
    seq: u64,
    records: Vec<T>,
    /// Bytes of the file read up to the chunk's end.
    bytes_read: u64,
}

/// Where the writer sends a file's batches: the snapshot writer, or a test's list.
pub(crate) trait BatchSink {
    fn write_batch(&mut self, batch: &Batch) -> Result<(), StoreError>;
}

impl BatchSink for FileWriter<'_> {
    fn write_batch(&mut self, batch: &Batch) -> Result<(), StoreError> {
        FileWriter::write_batch(self, batch)
    }
}

/// Streams a file's records into `sink` in bounded batches; returns the file's account and
/// the profile of its snapshot. The outer error ends the run; the inner one is the file
/// becoming unreadable part-way.
#[allow(clippy::too_many_arguments)]
pub(crate) fn load_records(
    sink: &mut dyn BatchSink,
    spec: &Spec,
    known: Option<KnownLeads>,
    stages: &[&dyn Stage],
    info: &FileInfo,
    reader: &mut dyn RecordSource,
    progress: &dyn Progress,
) -> Result<io::Result<(FileReport, SnapshotProfile)>, RunError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // A few chunks wait in each channel, and the writer keeps the ones that arrive while it
    // waits for the next in order: memory stays bounded whatever the file's size.
    let (chunks, to_map) = crossbeam_channel::bounded(workers * 2);
    let (mapped, to_write) = crossbeam_channel::bounded(workers * 2);
    let salt = mapping_salt(spec, reader.header());
    let mapping = RecordMapping::new(spec, reader.header(), known);
    let enrich = |lead: &mut _| after_normalize(stages, spec, lead);
    let mut report = FileReport::new(
        info.path.clone(),
        Some(spec.id.clone()),
        FileOutcome::Loaded,
    );
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || read_chunks(reader, &chunks));
        for _ in 0..workers {
            let (to_map, mapped) = (to_map.clone(), mapped.clone());
            let (mapping, enrich) = (&mapping, &enrich);
            scope.spawn(move || {
                for chunk in to_map {
                    let records = chunk.records.into_iter().map(|record| {
                        let hash = record_hash(salt, &record.bytes);
                        mapping.map(record, hash, enrich)
                    });
                    let chunk = Chunk {
                        seq: chunk.seq,
                        records: records.collect(),
                        bytes_read: chunk.bytes_read,
                    };
                    if mapped.send(chunk).is_err() {
                        break;
                    }
                }
            });
        }
        drop((to_map, mapped));
        // Returning drops `to_write`, which stops the workers and then the reader early
        // when a write fails.
        let mut writer = InOrder::new(spec, mapping.lists_ids(), &mut report);
        let written = writer.write(sink, to_write, progress);
        let profile = std::mem::take(&mut writer.profile);
        let read = reading.join().expect("the reading thread does not panic");
        written?;
        Ok(read.map(|()| profile))
    })
    .map(|read| read.map(|profile| (report, profile)))
}

/// Reads a file's records into numbered chunks until the end, or until nobody listens.
fn read_chunks(reader: &mut dyn RecordSource, chunks: &Sender<Chunk<Record>>) -> io::Result<()> {
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

/// Takes mapped records in file order, checks that keys do not repeat, accounts for every
/// record in the file's report and writes batches of at most [`BATCH_SIZE`] records.
struct InOrder<'r> {
    key_column: &'static str,
    /// Where a lead's key starts in its id (`source:key`).
    key_start: usize,
    /// The source had leads, and the ids of the file's leads are written, to deactivate
    /// the others.
    listing: bool,
    keys: KeyCheck,
    profile: SnapshotProfile,
    batch: Batch,
    in_batch: usize,
    report: &'r mut FileReport,
}

impl<'r> InOrder<'r> {
    fn new(spec: &Spec, listing: bool, report: &'r mut FileReport) -> Self {
        InOrder {
            key_column: LEAD_COLUMNS[spec.key_column].name,
            key_start: spec.id.len() + 1,
            listing,
            keys: KeyCheck::default(),
            profile: SnapshotProfile::default(),
            batch: Batch::default(),
            in_batch: 0,
            report,
        }
    }

    /// Writes every chunk that arrives, in sequence order, then what is left.
    fn write(
        &mut self,
        sink: &mut dyn BatchSink,
        to_write: Receiver<Chunk<Mapped>>,
        progress: &dyn Progress,
    ) -> Result<(), StoreError> {
        let mut waiting = BTreeMap::new();
        let (mut next, mut reported_bytes) = (0, 0);
        for chunk in to_write {
            waiting.insert(chunk.seq, chunk);
            while let Some(chunk) = waiting.remove(&next) {
                next += 1;
                for mapped in chunk.records {
                    self.account(mapped);
                    if self.in_batch >= BATCH_SIZE {
                        sink.write_batch(&std::mem::take(&mut self.batch))?;
                        self.in_batch = 0;
                    }
                }
                progress.advanced(chunk.bytes_read - reported_bytes);
                reported_bytes = chunk.bytes_read;
            }
        }
        if self.in_batch > 0 {
            sink.write_batch(&self.batch)?;
        }
        Ok(())
    }

    /// Counts one record and puts it in the batch: as a lead, an id it lists, or a reject
    /// (its own, or for a key that repeats an earlier record's).
    fn account(&mut self, mapped: Mapped) {
        self.report.counts.read += 1;
        self.in_batch += 1;
        let reject = match mapped {
            Mapped::Reject(row) => Some(row),
            Mapped::Lead {
                row,
                known,
                issues,
                raw,
            } => self
                .repeated(&row.lead_id, row.source_line, &raw)
                .or_else(|| {
                    self.add_lead(*row, known, issues);
                    None
                }),
            Mapped::Unchanged {
                lead_id,
                flags,
                line,
                raw,
            } => self.repeated(&lead_id, line, &raw).or_else(|| {
                self.report.counts.loaded += 1;
                self.profile.add(flags, true);
                self.batch.seen.push(lead_id);
                None
            }),
        };
        if let Some(row) = reject {
            self.report.counts.rejected += 1;
            *self.report.reject_reasons.entry(row.reason).or_default() += 1;
            self.batch.rejects.push(row);
        }
    }

    /// The reject of a record whose key an earlier record of the file had.
    fn repeated(&mut self, lead_id: &str, line: u64, raw: &[u8]) -> Option<RejectRow> {
        let key = &lead_id[self.key_start..];
        let rejection = self.keys.check(key, self.key_column).err()?;
        Some(RejectRow {
            source_line: line,
            reason: rejection.reason,
            message: rejection.message,
            raw_text: crate::read::raw_text(raw),
        })
    }

    fn add_lead(&mut self, row: LeadRow, known: Known, issues: Vec<Reason>) {
        self.report.counts.loaded += 1;
        let was_active = matches!(known, Known::Compare { was_active: true });
        self.profile.add(row.flags, was_active);
        for reason in issues {
            *self.report.issue_reasons.entry(reason).or_default() += 1;
        }
        if self.listing {
            self.batch.seen.push(row.lead_id.clone());
        }
        match known {
            Known::New => self.batch.new.push(row),
            Known::Compare { .. } | Known::Unchanged(_) => self.batch.staged.push(row),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::NoProgress;
    use crate::reason::Reason;
    use crate::spec::Specs;
    use crate::store::ColumnFlags;

    /// Keeps every batch it is sent.
    #[derive(Default)]
    struct Batches(Vec<Batch>);

    impl BatchSink for Batches {
        fn write_batch(&mut self, batch: &Batch) -> Result<(), StoreError> {
            self.0.push(Batch {
                new: batch.new.iter().map(copy_row).collect(),
                staged: batch.staged.iter().map(copy_row).collect(),
                seen: batch.seen.clone(),
                rejects: batch
                    .rejects
                    .iter()
                    .map(|r| reject(r.source_line, r.reason))
                    .collect(),
            });
            Ok(())
        }
    }

    fn copy_row(row: &LeadRow) -> LeadRow {
        LeadRow {
            lead_id: row.lead_id.clone(),
            values: row.values.clone(),
            source_line: row.source_line,
            source_record: row.source_record.clone(),
            issues: row.issues.clone(),
            derived: row.derived.clone(),
            record_hash: row.record_hash.clone(),
            flags: row.flags,
        }
    }

    fn reject(line: u64, reason: Reason) -> RejectRow {
        RejectRow {
            source_line: line,
            reason,
            message: String::new(),
            raw_text: String::new(),
        }
    }

    /// The position of `phone` among the lead columns.
    const PHONE: usize = 8;

    fn unchanged(n: u64) -> Mapped {
        Mapped::Unchanged {
            lead_id: format!("nevada:{n}"),
            flags: ColumnFlags {
                filled: 1 << PHONE,
                flagged: 0,
            },
            line: n + 2,
            raw: Vec::new(),
        }
    }

    #[test]
    fn writes_in_file_order_in_bounded_batches_and_rejects_repeated_keys() {
        let specs = Specs::load(None).unwrap();
        let spec = specs.iter().find(|s| s.id == "nevada").unwrap();
        let mut report = FileReport::new("f.csv".into(), None, FileOutcome::Loaded);
        let (send, receive) = crossbeam_channel::unbounded();
        let new_lead = Mapped::Lead {
            row: Box::new(LeadRow {
                lead_id: "nevada:new".into(),
                values: std::array::from_fn(|_| crate::lead::Value::Null),
                source_line: 9_000,
                source_record: "{}".into(),
                issues: None,
                derived: None,
                record_hash: "h".into(),
                flags: ColumnFlags::default(),
            }),
            known: Known::New,
            issues: vec![Reason::InvalidEmail],
            raw: Vec::new(),
        };
        let late = vec![
            unchanged(5),
            Mapped::Reject(reject(7_000, Reason::TooFewFields)),
            new_lead,
        ];
        // The second chunk arrives first; the writer waits for the first.
        for (seq, records) in [(1, late), (0, (0..3_000).map(unchanged).collect())] {
            send.send(Chunk {
                seq,
                records,
                bytes_read: 0,
            })
            .unwrap();
        }
        drop(send);
        let mut sink = Batches::default();
        let mut writer = InOrder::new(spec, true, &mut report);
        writer.write(&mut sink, receive, &NoProgress).unwrap();
        let profile = std::mem::take(&mut writer.profile);
        assert_eq!((profile.leads, profile.listed_active), (3_001, 3_000));
        assert_eq!(LEAD_COLUMNS[PHONE].name, "phone");
        assert_eq!(
            profile.filled[PHONE], 3_000,
            "the unchanged leads' stored flags"
        );

        let sizes: Vec<_> = sink
            .0
            .iter()
            .map(|b| (b.new.len(), b.staged.len(), b.seen.len(), b.rejects.len()))
            .collect();
        assert_eq!(sizes, [(0, 0, 2_000, 0), (1, 0, 1_001, 2)]);
        assert_eq!(sink.0[0].seen[0], "nevada:0");
        assert_eq!(sink.0[0].seen[1_999], "nevada:1999");
        assert_eq!(
            sink.0[1].seen.last().map(String::as_str),
            Some("nevada:new")
        );
        let rejected: Vec<_> = sink.0[1]
            .rejects
            .iter()
            .map(|r| (r.source_line, r.reason))
            .collect();
        assert_eq!(
            rejected,
            [(7, Reason::DuplicateKey), (7_000, Reason::TooFewFields)]
        );
        let c = &report.counts;
        assert_eq!((c.read, c.loaded, c.rejected), (3_003, 3_001, 2));
        assert_eq!(report.reject_reasons[&Reason::DuplicateKey], 1);
        assert_eq!(report.issue_reasons[&Reason::InvalidEmail], 1);
    }
}
