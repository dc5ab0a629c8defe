//! A record turned into what is written for it: a lead row, the id of a lead its source
//! already has as it is, or a reject.

use super::{FieldIssue, MappedLead, RecordKeys, map_key, map_record, source_record_json};
use crate::enrich::Derivation;
use crate::lead::LEAD_COLUMNS;
use crate::read::Record;
use crate::reason::Reason;
use crate::spec::Spec;
use crate::store::{ColumnFlags, Known, KnownLeads, LeadRow, RejectRow};
use crate::validate::require_key;

/// A record as a worker left it. Whether its key repeats an earlier record's depends on
/// the order of the records, so the writer checks that.
pub(crate) enum Mapped {
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
        /// The stored lead's column flags, which are the record's.
        flags: ColumnFlags,
        line: u64,
        raw: Vec<u8>,
    },
    Reject(RejectRow),
}

/// What mapping a file's records takes, shared by the workers.
pub(crate) struct RecordMapping<'a> {
    spec: &'a Spec,
    record_keys: RecordKeys,
    /// The leads the source had, when it had any.
    known: Option<KnownLeads>,
}

impl<'a> RecordMapping<'a> {
    /// Maps the records of a file of `spec` with this header, whose source had the
    /// `known` leads.
    pub(crate) fn new(spec: &'a Spec, header: &[String], known: Option<KnownLeads>) -> Self {
        RecordMapping {
            spec,
            record_keys: RecordKeys::new(header),
            known,
        }
    }

    /// Whether the source had leads: the file then lists the ids of its leads, so that
    /// the others are deactivated.
    pub(crate) fn lists_ids(&self) -> bool {
        self.known.is_some()
    }

    /// Maps, normalizes and validates one record, whose hash is `record_hash`, and hands
    /// its lead to `enrich`; a record its source already has, as it is, is only mapped as
    /// far as its key.
    pub(crate) fn map(
        &self,
        record: Record,
        record_hash: String,
        enrich: &dyn Fn(&mut MappedLead),
    ) -> Mapped {
        let spec = self.spec;
        if let Some(defect) = &record.defect {
            return Mapped::Reject(RejectRow {
                source_line: record.line,
                reason: defect.reason(),
                message: defect.message(),
                raw_text: record.raw_text(),
            });
        }
        // What the source had of the lead, found by its key alone.
        let known = self.known.as_ref().and_then(|known| {
            let key = map_key(spec, &record.fields).ok()??;
            let lead_id = format!("{}:{key}", spec.id);
            Some((known.classify(&lead_id, &record_hash), lead_id))
        });
        if let Some((Known::Unchanged(flags), lead_id)) = known {
            return Mapped::Unchanged {
                lead_id,
                flags,
                line: record.line,
                raw: record.bytes,
            };
        }
        let key_column = LEAD_COLUMNS[spec.key_column].name;
        let mapped = map_record(spec, &record.fields).and_then(|mut lead| {
            enrich(&mut lead);
            let lead_id = format!("{}:{}", spec.id, require_key(lead.key(spec), key_column)?);
            Ok((lead_id, lead))
        });
        let (lead_id, mut lead) = match mapped {
            Ok(mapped) => mapped,
            Err(rejection) => {
                return Mapped::Reject(RejectRow {
                    source_line: record.line,
                    reason: rejection.reason,
                    message: rejection.message,
                    raw_text: record.raw_text(),
                });
            }
        };
        // A field this long was read on only because its quote closed cleanly: said, in
        // case a stray quote and a later one joined records after all.
        if record.lines > spec.dialect.max_record_lines as u64 + 1 {
            lead.issues.push(FieldIssue {
                column: "source_record",
                reason: Reason::LongRecord,
                message: format!(
                    "the record spans {} lines, lines {}-{}: a quoted field runs past \
                     format.max_record_lines ({})",
                    record.lines,
                    record.line,
                    record.line + record.lines - 1,
                    spec.dialect.max_record_lines
                ),
            });
        }
        if record.stray_quotes {
            lead.issues.push(FieldIssue {
                column: "source_record",
                reason: Reason::StrayQuote,
                message: format!(
                    "line {}: a quote that closes nothing (no quote before the next delimiter \
                     or the line's end) was read as a character",
                    record.line
                ),
            });
        }
        // The full mapping gives the key the key rules gave. Without stored leads the lead
        // is new; a lead whose key alone could not be read is compared, to be safe.
        let known = match (known, &self.known) {
            (Some((known, _)), _) => known,
            (None, Some(stored)) => match stored.classify(&lead_id, &record_hash) {
                Known::New => Known::New,
                Known::Unchanged(_) => Known::Compare { was_active: true },
                compare @ Known::Compare { .. } => compare,
            },
            (None, None) => Known::New,
        };
        Mapped::Lead {
            known,
            issues: lead.issues.iter().map(|issue| issue.reason).collect(),
            row: Box::new(LeadRow {
                lead_id,
                source_line: record.line,
                record_hash,
                source_record: source_record_json(&self.record_keys, &record.fields),
                flags: ColumnFlags::of(&lead.values, &lead.issues),
                issues: (!lead.issues.is_empty())
                    .then(|| serde_json::to_string(&lead.issues).expect("issues serialize")),
                derived: (!lead.derived.is_empty()).then(|| Derivation::json(&lead.derived)),
                values: lead.values,
            }),
            raw: record.bytes,
        }
    }
}
