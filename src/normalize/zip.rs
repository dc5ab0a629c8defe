//! US ZIP codes: five digits, or ZIP+4 as `12345-6789`.

use super::text::non_blank;
use super::{Descriptor, Issue, VALUE_TEXT};
use crate::lead::Value;
use crate::reason::Reason;

pub(crate) static ZIP: Descriptor = Descriptor::one_value(
    "zip",
    VALUE_TEXT,
    "5 digits or `12345-6789` (`73099.0` → `73099`)",
    |s| Ok(Value::from_option(zip(s)?)),
);

/// Normalizes a ZIP code: spreadsheet damage is undone (`73099.0` → `73099`, a leading zero
/// lost to a number format: `2134` → `02134`), ZIP+4 is written `12345-6789`.
pub(crate) fn zip(s: &str) -> Result<Option<String>, Issue> {
    let Some(s) = non_blank(s) else {
        return Ok(None);
    };
    let s = s.strip_suffix(".0").unwrap_or(s);
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let only_digits_and_separators = s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    match digits.len() {
        3..=5 if only_digits_and_separators && !s.contains(['-', ' ']) => {
            Ok(Some(format!("{digits:0>5}")))
        }
        9 if only_digits_and_separators => Ok(Some(format!("{}-{}", &digits[..5], &digits[5..]))),
        _ => Err(Issue::new(
            Reason::InvalidZip,
            format!("`{s}` is not a US ZIP code"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undoes_spreadsheet_damage() {
        assert_eq!(zip("73099.0"), Ok(Some("73099".into())));
        assert_eq!(zip("2134"), Ok(Some("02134".into())));
        assert_eq!(zip(" 89027 "), Ok(Some("89027".into())));
    }

    #[test]
    fn writes_zip_plus_four_with_a_hyphen() {
        assert_eq!(zip("89123-4567"), Ok(Some("89123-4567".into())));
        assert_eq!(zip("891234567"), Ok(Some("89123-4567".into())));
    }

    #[test]
    fn refuses_what_is_no_zip() {
        assert_eq!(zip("NV 89").unwrap_err().reason, Reason::InvalidZip);
        assert_eq!(zip("1234567").unwrap_err().reason, Reason::InvalidZip);
        assert_eq!(zip(""), Ok(None));
    }
}
