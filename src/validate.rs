//! Record-level checks on mapped leads, across the records of one file.

use std::collections::HashSet;

use crate::map::Rejection;

/// Checks that each lead of a file has a natural key, and a key no earlier record of the
/// same file had. A snapshot holds each provider once; a repeated key is a publishing error.
#[derive(Default)]
pub struct KeyCheck {
    seen: HashSet<String>,
}

impl KeyCheck {
    pub fn check(&mut self, key: Option<&str>, key_column: &str) -> Result<(), Rejection> {
        let Some(key) = key else {
            return Err(Rejection {
                reason: "missing_key".into(),
                message: format!("no `{key_column}`, which identifies a record of this source"),
            });
        };
        if !self.seen.insert(key.to_string()) {
            return Err(Rejection {
                reason: "duplicate_key".into(),
                message: format!("`{key_column}` {key} already appeared earlier in this file"),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_missing_and_repeated_keys() {
        let mut check = KeyCheck::default();
        assert_eq!(check.check(Some("1106-22"), "license_number"), Ok(()));
        let repeated = check.check(Some("1106-22"), "license_number").unwrap_err();
        assert_eq!(repeated.reason, "duplicate_key");
        assert_eq!(
            repeated.message,
            "`license_number` 1106-22 already appeared earlier in this file"
        );
        assert_eq!(
            check.check(None, "license_number").unwrap_err().reason,
            "missing_key"
        );
        assert_eq!(check.check(Some("1288-22"), "license_number"), Ok(()));
    }
}
