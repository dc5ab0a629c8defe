//! License descriptions: `TYPE - NUMBER` pairs and `TYPE (QUALIFIER)` forms.

use super::text::{clean, title_case};
use super::{Arity, Build, Descriptor, VALUE_TEXT, first, part, write_split};
use crate::lead::{ColumnType::Text, Value};

pub(crate) static LICENSE_NUMBER: Descriptor = Descriptor::one_field(
    "license_number",
    &[part("type", Text), part("number", Text)],
    "[`type`, `number`] from `CHILD CARE FAMILY - K820055232`",
    |s, out| write_split(type_and_number(s), out),
);

pub(crate) static QUALIFIED: Descriptor = Descriptor::one_field(
    "qualified",
    &[part("base", Text), part("qualifier", Text)],
    "[`base`, `qualifier`] from `CENTER (PROVISIONAL)`",
    |s, out| write_split(qualified(s), out),
);

pub(crate) static STATUS_WITH_QUALIFIER: Descriptor = Descriptor {
    name: "status_with_qualifier",
    parts: VALUE_TEXT,
    gives: "a status and the qualifier of a type: (`Active`, `CENTER (PROVISIONAL)`) → `Active (Provisional)`",
    build: Build::Fixed {
        arity: Arity::Exactly(2),
        apply: |inputs, out| {
            let status = clean(first(inputs));
            let (_, qualifier) = qualified(inputs[1]);
            out[0] = Value::text(match qualifier {
                Some(q) if !status.is_empty() => format!("{status} ({})", title_case(&q)),
                Some(q) => title_case(&q),
                None => status,
            });
            Ok(None)
        },
    },
};

/// Splits `CHILD CARE FAMILY - K820055232` into the type and the license number.
/// Text without ` - ` is all type.
pub(crate) fn type_and_number(s: &str) -> (String, Option<String>) {
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
pub(crate) fn qualified(s: &str) -> (String, Option<String>) {
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
        for (published, base, qualifier) in [
            ("CENTER (PROVISIONAL)", "CENTER", Some("PROVISIONAL")),
            ("GROUP CARE", "GROUP CARE", None),
            ("(X)", "(X)", None),
        ] {
            assert_eq!(
                qualified(published),
                (base.into(), qualifier.map(String::from))
            );
        }
    }
}
