//! Whole numbers as published in spreadsheets (`82`, `82.0`, `1,200`).

use super::text::non_blank;
use super::{Descriptor, Issue, part};
use crate::lead::{ColumnType, Value};
use crate::reason::Reason;

pub(crate) static INTEGER: Descriptor = Descriptor::one_value(
    "integer",
    &[part("value", ColumnType::Integer)],
    "whole number (`82.0` → 82)",
    |s| Ok(integer(s)?.map_or(Value::Null, Value::Integer)),
);

/// Parses a whole number; a spreadsheet's `82.0` is 82, but `82.5` is refused, and so is a
/// number beyond the 32-bit range of INTEGER columns (a phone number in a capacity column).
pub(crate) fn integer(s: &str) -> Result<Option<i64>, Issue> {
    let Some(s) = non_blank(s) else {
        return Ok(None);
    };
    let digits: String = s.chars().filter(|&c| c != ',').collect();
    let whole = digits
        .strip_suffix(".0")
        .or_else(|| digits.strip_suffix(".00"))
        .unwrap_or(&digits);
    let n: i64 = whole.parse().map_err(|_| {
        Issue::new(
            Reason::InvalidInteger,
            format!("`{s}` is not a whole number"),
        )
    })?;
    if i32::try_from(n).is_err() {
        return Err(Issue::new(
            Reason::IntegerOutOfRange,
            format!("`{s}` is too large for a whole-number column"),
        ));
    }
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spreadsheet_numbers() {
        assert_eq!(integer("82"), Ok(Some(82)));
        assert_eq!(integer(" 82.0 "), Ok(Some(82)));
        assert_eq!(integer("1,200"), Ok(Some(1200)));
        assert_eq!(integer(""), Ok(None));
    }

    #[test]
    fn refuses_fractions_and_words() {
        assert_eq!(integer("82.5").unwrap_err().reason, Reason::InvalidInteger);
        assert_eq!(
            integer("twelve").unwrap_err().reason,
            Reason::InvalidInteger
        );
        assert_eq!(
            integer("7025551234").unwrap_err().reason,
            Reason::IntegerOutOfRange
        );
        assert_eq!(integer("2147483647"), Ok(Some(2_147_483_647)));
    }
}
