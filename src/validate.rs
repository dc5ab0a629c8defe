//! Record-level checks on mapped leads: each has a natural key, and no key repeats within
//! one file.

use rustc_hash::FxHashSet;
use xxhash_rust::xxh3::xxh3_128;

use crate::map::Rejection;
use crate::reason::Reason;

/// A lead's natural key, or why the record cannot be loaded without one.
pub(crate) fn require_key<'a>(
    key: Option<&'a str>,
    key_column: &str,
) -> Result<&'a str, Rejection> {
    key.ok_or_else(|| Rejection {
        reason: Reason::MissingKey,
        message: format!("no `{key_column}`, which identifies a record of this source"),
    })
}

/// Checks that no earlier record of the same file had a lead's key. A snapshot holds each
/// provider once; a repeated key is a publishing error. The check depends on the order of
/// the records: the first one with a key is loaded.
///
/// Keys are kept as 128-bit hashes, 16 bytes each whatever their length: two keys of one
/// file colliding is far less likely than a disk error.
#[derive(Default)]
pub(crate) struct KeyCheck {
    seen: FxHashSet<u128>,
}

impl KeyCheck {
    pub(crate) fn check(&mut self, key: &str, key_column: &str) -> Result<(), Rejection> {
        if self.seen.insert(xxh3_128(key.as_bytes())) {
            return Ok(());
        }
        Err(Rejection {
            reason: Reason::DuplicateKey,
            message: format!("`{key_column}` {key} already appeared earlier in this file"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_repeated_keys() {
        let mut check = KeyCheck::default();
        assert_eq!(check.check("1106-22", "license_number"), Ok(()));
        let repeated = check.check("1106-22", "license_number").unwrap_err();
        assert_eq!(repeated.reason, Reason::DuplicateKey);
        assert_eq!(
            repeated.message,
            "`license_number` 1106-22 already appeared earlier in this file"
        );
        assert_eq!(check.check("1288-22", "license_number"), Ok(()));
        assert_eq!(check.check("1106-2", "license_number"), Ok(()));
    }

    #[test]
    fn refuses_a_missing_key() {
        assert_eq!(require_key(Some("K1"), "license_number"), Ok("K1"));
        let missing = require_key(None, "license_number").unwrap_err();
        assert_eq!(missing.reason, Reason::MissingKey);
        assert_eq!(
            missing.message,
            "no `license_number`, which identifies a record of this source"
        );
    }
}
