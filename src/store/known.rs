//! The leads a source had when a file began, as fingerprints.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use super::ColumnFlags;

/// The leads a source had when a file began loading, as fingerprints of the lead's id and
/// of its record hash. They tell, without asking the database, what a lead of the file is
/// to them ([`Known`]).
#[derive(Debug, Default)]
pub struct KnownLeads {
    /// Id fingerprint → the stored lead. A hash table: a sorted list searched by halves
    /// misses the cache at every step of every lookup.
    entries: FxHashMap<u64, Stored>,
    /// How many of them are active.
    active: usize,
}

/// A stored lead, as a file's leads are told apart by.
#[derive(Clone, Copy, Debug)]
struct Stored {
    /// Its record hash's fingerprint, or [`COMPARE`].
    hash: u64,
    flags: ColumnFlags,
    active: bool,
}

/// A stored lead that a file's lead is always compared with: inactive, without a hash or
/// column flags, or one of two stored leads whose ids have one fingerprint.
const COMPARE: u64 = 0;

/// What a lead of a file is to the leads its source had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known {
    /// Its id was not there: inserted at once.
    New,
    /// Stored active with the same record hash: its record as published, its spec and
    /// leadpipe's build are the stored lead's, so mapping it again would give the same
    /// values, whose flags are the stored ones. It is neither mapped nor written.
    Unchanged(ColumnFlags),
    /// Staged, to be compared column by column at the end of the file; `was_active`: the
    /// stored lead of its id is active.
    Compare { was_active: bool },
}

impl KnownLeads {
    /// Adds a stored lead.
    pub fn push(
        &mut self,
        lead_id: &str,
        record_hash: Option<&str>,
        flags: Option<ColumnFlags>,
        is_active: bool,
    ) {
        let hash = match (record_hash, flags) {
            (Some(hash), Some(_)) if is_active => hash_fingerprint(hash),
            _ => COMPARE,
        };
        let stored = Stored {
            hash,
            flags: flags.unwrap_or_default(),
            active: is_active,
        };
        self.active += usize::from(is_active);
        self.entries
            .entry(xxh3_64(lead_id.as_bytes()))
            .and_modify(|shared| {
                shared.hash = COMPARE;
                shared.active |= is_active;
            })
            .or_insert(stored);
    }

    /// How many leads the source had (two ids of one fingerprint count once).
    pub fn count(&self) -> usize {
        self.entries.len()
    }

    /// How many of them are active.
    pub fn active(&self) -> usize {
        self.active
    }

    /// What a lead of the file, of this id and record hash, is to the stored ones. `New` is
    /// exact; `Unchanged` is wrong only if two 64-bit fingerprints collide for one lead; a
    /// lead taken for one it is not (two ids of one fingerprint) is compared, and the merge
    /// inserts it when it finds no stored lead of its id.
    pub fn classify(&self, lead_id: &str, record_hash: &str) -> Known {
        match self.entries.get(&xxh3_64(lead_id.as_bytes())) {
            None => Known::New,
            Some(stored) if stored.hash == hash_fingerprint(record_hash) => {
                Known::Unchanged(stored.flags)
            }
            Some(stored) => Known::Compare {
                was_active: stored.active,
            },
        }
    }
}

fn hash_fingerprint(record_hash: &str) -> u64 {
    xxh3_64(record_hash.as_bytes()).max(COMPARE + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_new_unchanged_and_changed_leads_apart() {
        let stored = ColumnFlags {
            filled: 0b101,
            flagged: 0b100,
        };
        let flags = Some(stored);
        let mut known = KnownLeads::default();
        known.push("nevada:1", Some("aa"), flags, true);
        known.push("nevada:2", Some("bb"), flags, true);
        known.push("nevada:3", Some("cc"), flags, false);
        known.push("nevada:4", None, flags, true);
        known.push("nevada:6", Some("ee"), None, true);
        assert_eq!((known.count(), known.active()), (5, 4));
        assert_eq!(known.classify("nevada:1", "aa"), Known::Unchanged(stored));
        let compare = |was_active| Known::Compare { was_active };
        assert_eq!(known.classify("nevada:2", "b"), compare(true));
        assert_eq!(known.classify("nevada:3", "cc"), compare(false), "inactive");
        assert_eq!(known.classify("nevada:4", "dd"), compare(true), "no hash");
        assert_eq!(known.classify("nevada:6", "ee"), compare(true), "no flags");
        assert_eq!(known.classify("nevada:5", "aa"), Known::New);
        assert_eq!(known.classify("texas:1", "aa"), Known::New);
        known.push("nevada:1", Some("aa"), flags, true);
        assert_eq!(
            known.classify("nevada:1", "aa"),
            compare(true),
            "one id, two leads"
        );
    }
}
