//! Yes/no answers, as Y/N cells or as a label that is there or blank.

use super::{Descriptor, Issue, Part, part};
use crate::lead::{ColumnType, Value};
use crate::reason::Reason;

const VALUE_BOOLEAN: &[Part] = &[part("value", ColumnType::Boolean)];

pub(crate) static YES_NO: Descriptor =
    Descriptor::one_value("yes_no", VALUE_BOOLEAN, "boolean from Y/N", |s| {
        Ok(yes_no(s)?.map_or(Value::Null, Value::Boolean))
    });

pub(crate) static PRESENCE: Descriptor = Descriptor::one_value(
    "presence",
    VALUE_BOOLEAN,
    "true when the cell holds any label, false when blank",
    |s| Ok(Value::Boolean(presence(s))),
);

/// `Y`/`Yes`/`True`/`1` → true, `N`/`No`/`False`/`0` → false, blank → unknown.
pub(crate) fn yes_no(s: &str) -> Result<Option<bool>, Issue> {
    match s.trim().to_ascii_uppercase().as_str() {
        "" => Ok(None),
        "Y" | "YES" | "TRUE" | "T" | "1" => Ok(Some(true)),
        "N" | "NO" | "FALSE" | "F" | "0" => Ok(Some(false)),
        _ => Err(Issue::new(
            Reason::InvalidFlag,
            format!("`{}` is neither yes nor no", s.trim()),
        )),
    }
}

/// A column that holds its own label when true and is blank when false
/// (Oklahoma's `Accepts Subsidy`): any text → true, blank → false.
pub(crate) fn presence(s: &str) -> bool {
    !s.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_reads_the_usual_spellings() {
        assert_eq!(yes_no("Y"), Ok(Some(true)));
        assert_eq!(yes_no(" no "), Ok(Some(false)));
        assert_eq!(yes_no(""), Ok(None));
        assert_eq!(yes_no("maybe").unwrap_err().reason, Reason::InvalidFlag);
    }

    #[test]
    fn presence_is_true_for_any_label() {
        assert!(presence("Accepts Subsidy"));
        assert!(!presence("  "));
    }
}
