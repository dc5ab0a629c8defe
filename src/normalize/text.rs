//! Whitespace clean-up and letter case, shared by the other normalizers.

use super::{Descriptor, VALUE_TEXT};
use crate::lead::Value;

pub(crate) static TEXT: Descriptor = Descriptor::one_value(
    "text",
    VALUE_TEXT,
    "trimmed, blanks collapsed, a stray comma joined to its word (`GIGGLES ,LLC` → `GIGGLES, LLC`)",
    |s| Ok(Value::text(clean(s))),
);

pub(crate) static UPPER: Descriptor =
    Descriptor::one_value("upper", VALUE_TEXT, "as `text`, also upper-cased", |s| {
        Ok(Value::text(clean(s).to_uppercase()))
    });

/// Trims and collapses every run of whitespace (spaces, tabs, line breaks) to one space,
/// and moves a comma that stands apart onto the word before it (`GIGGLES ,LLC` →
/// `GIGGLES, LLC`).
pub(crate) fn clean(s: &str) -> String {
    if is_clean(s) {
        return s.to_string();
    }
    collapse_words(s)
}

/// Whether [`clean`] leaves `s` as it is, told from its bytes alone, as it is for most
/// values: printable ASCII with single spaces between words and no word after the first
/// that starts with a comma.
fn is_clean(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut previous = 0;
    for &b in bytes {
        if !(b' '..0x80).contains(&b) || (previous == b' ' && matches!(b, b' ' | b',')) {
            return false;
        }
        previous = b;
    }
    true
}

fn collapse_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        match word.strip_prefix(',') {
            // A word that starts with a comma belongs to the word before it.
            Some(rest) if !out.is_empty() => {
                out.push(',');
                if !rest.is_empty() && !rest.starts_with(',') {
                    out.push(' ');
                }
                out.push_str(rest);
            }
            _ => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
    }
    out
}

/// The field trimmed, or `None` when it is blank: a blank field has no value, which the
/// normalizers of one value give as such rather than as an error.
pub(crate) fn non_blank(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// Whether `s` is one or more ASCII digits: the digits of a date, a time or a ZIP code.
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Capitalises the first letter of each word (after a space, hyphen or apostrophe) and
/// lower-cases the rest: `HELAIRE-SMITH` → `Helaire-Smith`, `o'neil` → `O'Neil`.
pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at_word_start = true;
    for c in s.chars() {
        if at_word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        at_word_start = matches!(c, ' ' | '-' | '\'' | '’' | '.' | '(');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_and_collapses_all_whitespace() {
        assert_eq!(clean("  19290 K ST "), "19290 K ST");
        assert_eq!(clean("RANI  & ARGIE\r\nGRAY"), "RANI & ARGIE GRAY");
        assert_eq!(clean(" \t "), "");
    }

    #[test]
    fn clean_joins_a_comma_to_the_word_before_it() {
        for (published, cleaned) in [
            ("WIGGLES AND GIGGLES ,LLC", "WIGGLES AND GIGGLES, LLC"),
            ("A , B", "A, B"),
            (",A", ",A"),
        ] {
            assert_eq!(clean(published), cleaned);
        }
    }

    proptest::proptest! {
        #[test]
        fn clean_is_idempotent_and_trimmed(s in "[ A-Za-z,\t\r\n'-]{0,40}") {
            let once = clean(&s);
            proptest::prop_assert_eq!(clean(&once), once.clone());
            proptest::prop_assert_eq!(once.trim(), once.as_str());
            proptest::prop_assert!(!once.contains("  "));
        }

        /// What the byte check lets through unchanged, the word-by-word clean-up would
        /// have left unchanged too; and it lets the plain values through.
        #[test]
        fn the_byte_check_agrees_with_the_clean_up(s in "[ A-Za-z0-9,.#\t\r\n\u{a0}\u{2003}\u{b}é-]{0,40}") {
            proptest::prop_assert_eq!(clean(&s), collapse_words(&s));
            let cleaned = collapse_words(&s);
            proptest::prop_assert!(!cleaned.is_ascii() || cleaned.contains(" ,") || is_clean(&cleaned));
        }

        #[test]
        fn title_case_is_idempotent(s in "[ A-Za-z'-]{0,40}") {
            let once = title_case(&s);
            proptest::prop_assert_eq!(title_case(&once), once);
        }
    }

    #[test]
    fn digits_are_one_or_more_ascii_digits() {
        assert!(is_digits("0702"));
        assert!(!is_digits(""));
        assert!(!is_digits("7a"));
        assert!(!is_digits("\u{667}"), "an Arabic-Indic seven");
    }

    #[test]
    fn title_case_handles_hyphens_and_apostrophes() {
        assert_eq!(
            title_case("KIMBERLI HELAIRE-SMITH"),
            "Kimberli Helaire-Smith"
        );
        assert_eq!(title_case("o'neil"), "O'Neil");
        assert_eq!(title_case("LAS VEGAS"), "Las Vegas");
    }
}
