//! The header contract: a file's header must be its spec's header, aliases allowed.

use std::fmt;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::Spec;

/// How a file's header differs from its spec's, one entry per difference.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct HeaderMismatch {
    pub differences: Vec<String>,
}

impl fmt::Display for HeaderMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.differences.join("; "))
    }
}

/// The header names of a file with surrounding blanks removed and aliases replaced by the
/// names they stand for.
fn canonical<'a>(spec: &'a Spec, found: &'a [String]) -> Vec<&'a str> {
    found
        .iter()
        .map(|name| {
            let name = name.trim();
            spec.aliases.get(name).map_or(name, String::as_str)
        })
        .collect()
}

/// Whether a line read as a header holds values no header name has: a phone number, an
/// e-mail address or a date.
fn looks_like_a_record(found: &[String]) -> bool {
    found.iter().map(|name| name.trim()).any(|value| {
        let digits = value.bytes().filter(u8::is_ascii_digit).count();
        let only = |allowed: &[u8]| {
            value
                .bytes()
                .all(|b| b.is_ascii_digit() || allowed.contains(&b))
        };
        let phone = digits >= 10 && only(b" ()-.+");
        let date = (6..=10).contains(&value.len())
            && digits >= 4
            && only(b"/-")
            && value.bytes().any(|b| b == b'/' || b == b'-');
        let email = value
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
        phone || date || email
    })
}

/// Whether `found` is exactly the spec's header (blanks around names and aliases allowed).
pub(crate) fn matches(spec: &Spec, found: &[String]) -> bool {
    canonical(spec, found).iter().eq(spec.header.iter())
}

/// Checks a file's header against its spec and describes every difference:
/// `column 11: expected \`Phone#\`, found \`Telephone\``, `missing column \`Zip\``,
/// `unexpected column \`Fax\` (column 5)`.
pub(crate) fn check(spec: &Spec, found: &[String]) -> Result<(), HeaderMismatch> {
    if matches(spec, found) {
        return Ok(());
    }
    if looks_like_a_record(found) {
        // A record's values may be a person's phone or e-mail: none is quoted.
        let missing = "the first line holds phone-, e-mail- or date-shaped values: it is a \
                       record, and the file has no header (none of the line is quoted here)";
        return Err(HeaderMismatch {
            differences: vec![missing.to_string()],
        });
    }
    let found_names = canonical(spec, found);
    let expected: Vec<&str> = spec.header.iter().map(String::as_str).collect();
    let mut differences = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &expected, &found_names) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for name in &expected[old_index..old_index + old_len] {
                    differences.push(format!("missing column `{name}`"));
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for (i, name) in found[new_index..new_index + new_len].iter().enumerate() {
                    differences.push(format!(
                        "unexpected column `{name}` (column {})",
                        new_index + i + 1
                    ));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let common = old_len.min(new_len);
                for i in 0..common {
                    differences.push(format!(
                        "column {}: expected `{}`, found `{}`",
                        new_index + i + 1,
                        expected[old_index + i],
                        found[new_index + i]
                    ));
                }
                for name in &expected[old_index + common..old_index + old_len] {
                    differences.push(format!("missing column `{name}`"));
                }
                for (i, name) in found[new_index + common..new_index + new_len]
                    .iter()
                    .enumerate()
                {
                    differences.push(format!(
                        "unexpected column `{name}` (column {})",
                        new_index + common + i + 1
                    ));
                }
            }
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(HeaderMismatch { differences })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_read_as_a_header_is_told_by_its_values() {
        let line = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert!(!looks_like_a_record(&line(&[
            "Name",
            "Phone#",
            "Zip",
            "Operation #",
            "2023 Star"
        ])));
        assert!(looks_like_a_record(&line(&["SUNSHINE", "346-393-9400"])));
        assert!(looks_like_a_record(&line(&["(702) 555 0100"])));
        assert!(looks_like_a_record(&line(&["x", " kids@example.org "])));
        assert!(looks_like_a_record(&line(&["11/30/2023"])));
        assert!(looks_like_a_record(&line(&["2023-05-02"])));
    }

    fn spec() -> Spec {
        Spec::parse(
            r#"
            id = "demo"
            name = "Demo"
            key = "license_number"
            header = ["Name", "License", "Phone#", "Zip"]
            aliases = { "Phone#" = ["Phone Number"] }
            [[map]]
            from = "License"
            to = "license_number"
            "#,
            "demo.toml",
        )
        .unwrap()
    }

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn differences(names: &[&str]) -> Vec<String> {
        check(&spec(), &header(names)).unwrap_err().differences
    }

    #[test]
    fn the_same_header_passes_with_blanks_and_aliases() {
        assert_eq!(
            check(
                &spec(),
                &header(&["Name", "License ", "Phone Number", "Zip"])
            ),
            Ok(())
        );
        assert!(matches(
            &spec(),
            &header(&["Name", "License", "Phone#", "Zip"])
        ));
    }

    #[test]
    fn a_rename_names_both_columns() {
        assert_eq!(
            differences(&["Name", "License", "Telephone", "Zip"]),
            ["column 3: expected `Phone#`, found `Telephone`"]
        );
    }

    #[test]
    fn missing_and_added_columns_are_named() {
        assert_eq!(
            differences(&["Name", "License", "Phone#"]),
            ["missing column `Zip`"]
        );
        assert_eq!(
            differences(&["Name", "Fax", "License", "Phone#", "Zip"]),
            ["unexpected column `Fax` (column 2)"]
        );
    }
}
