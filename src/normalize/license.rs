//! License descriptions: `TYPE - NUMBER` pairs and `TYPE (QUALIFIER)` forms.

use super::text::clean;

/// Splits `CHILD CARE FAMILY - K820055232` into the type and the license number.
/// Text without ` - ` is all type.
pub fn type_and_number(s: &str) -> (String, Option<String>) {
    let s = clean(s);
    match s.rsplit_once(" - ") {
        Some((kind, number)) if !number.contains(' ') => {
            (kind.to_string(), Some(number.to_string()))
        }
        _ => (s, None),
    }
}

/// Splits a trailing parenthesised qualifier off: `CENTER (PROVISIONAL)` → (`CENTER`,
/// `PROVISIONAL`).
pub fn qualified(s: &str) -> (String, Option<String>) {
    let s = clean(s);
    if let Some(open) = s.strip_suffix(')').and_then(|t| t.rfind('(')) {
        let base = s[..open].trim_end().to_string();
        let qualifier = s[open + 1..s.len() - 1].trim().to_string();
        if !base.is_empty() && !qualifier.is_empty() {
            return (base, Some(qualifier));
        }
    }
    (s, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_type_and_number() {
        assert_eq!(
            type_and_number("CHILD CARE FAMILY - K820055232"),
            ("CHILD CARE FAMILY".into(), Some("K820055232".into()))
        );
        assert_eq!(type_and_number("CENTER"), ("CENTER".into(), None));
    }

    #[test]
    fn splits_a_qualifier() {
        assert_eq!(
            qualified("CENTER (PROVISIONAL)"),
            ("CENTER".into(), Some("PROVISIONAL".into()))
        );
        assert_eq!(qualified("GROUP CARE"), ("GROUP CARE".into(), None));
        assert_eq!(qualified("(X)"), ("(X)".into(), None));
    }
}
