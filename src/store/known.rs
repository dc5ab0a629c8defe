//! The leads a source had when a file began, as fingerprints.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

/// The leads a source had when a file began loading, as fingerprints of the lead's id and
/// of its record hash. They tell, without asking the database, what a lead of the file is
/// to them ([`Known`]).
#[derive(Debug, Default)]
pub struct KnownLeads {
    /// Id fingerprint → record hash fingerprint, or [`COMPARE`]. A hash table: a sorted
    /// list searched by halves misses the cache at every step of every lookup.
    entries: FxHashMap<u64, u64>,
}

/// A stored lead that a file's lead is always compared with: inactive, without a hash, or
/// one of two stored leads whose ids have one fingerprint.
const COMPARE: u64 = 0;

/// What a lead of a file is to the leads its source had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known {
    /// Its id was not there: inserted at once.
    New,
    /// Stored active with the same record hash: its record as published, its spec and
    /// leadpipe's build are the stored lead's, so mapping it again would give the same
    /// values. It is neither mapped nor written.
    Unchanged,
    /// Staged, to be compared column by column at the end of the file.
    Compare,
}

impl KnownLeads {
    /// Adds a stored lead.
    pub fn push(&mut self, lead_id: &str, record_hash: Option<&str>, is_active: bool) {
        let hash = match record_hash {
            Some(hash) if is_active => hash_fingerprint(hash),
            _ => COMPARE,
        };
        self.entries
            .entry(xxh3_64(lead_id.as_bytes()))
            .and_modify(|shared| *shared = COMPARE)
            .or_insert(hash);
    }

    /// How many leads the source had (two ids of one fingerprint count once).
    pub fn count(&self) -> usize {
        self.entries.len()
    }

    /// What a lead of the file, of this id and record hash, is to the stored ones. `New` is
    /// exact; `Unchanged` is wrong only if two 64-bit fingerprints collide for one lead; a
    /// lead taken for one it is not (two ids of one fingerprint) is compared, and the merge
    /// inserts it when it finds no stored lead of its id.
    pub fn classify(&self, lead_id: &str, record_hash: &str) -> Known {
        match self.entries.get(&xxh3_64(lead_id.as_bytes())) {
            None => Known::New,
            Some(&stored) if stored == hash_fingerprint(record_hash) => Known::Unchanged,
            Some(_) => Known::Compare,
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
        let mut known = KnownLeads::default();
        known.push("nevada:1", Some("aa"), true);
        known.push("nevada:2", Some("bb"), true);
        known.push("nevada:3", Some("cc"), false);
        known.push("nevada:4", None, true);
        assert_eq!(known.classify("nevada:1", "aa"), Known::Unchanged);
        assert_eq!(known.classify("nevada:2", "b"), Known::Compare);
        assert_eq!(known.classify("nevada:3", "cc"), Known::Compare, "inactive");
        assert_eq!(known.classify("nevada:4", "dd"), Known::Compare, "no hash");
        assert_eq!(known.classify("nevada:5", "aa"), Known::New);
        assert_eq!(known.classify("texas:1", "aa"), Known::New);
        known.push("nevada:1", Some("aa"), true);
        assert_eq!(
            known.classify("nevada:1", "aa"),
            Known::Compare,
            "one id, two leads"
        );
    }
}
