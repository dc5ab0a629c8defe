//! The header contract: a file's header must be its spec's header, aliases allowed; or,
//! under `header_match = "subset"`, hold each of its columns once, among any others.

use std::fmt;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::{HeaderMatch, Spec};

/// Where a file that keeps the contract has its spec's columns.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Columns {
    /// Where the spec's header has them.
    AsPublished,
    /// Elsewhere: the file's columns in the order to read them, the spec's first, in its
    /// order, then the file's others, in theirs.
    Reordered(Vec<usize>),
}

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

/// Whether `found` keeps the spec's contract: is exactly its header (blanks around names
/// and aliases allowed), or holds it under `header_match = "subset"`.
pub(crate) fn matches(spec: &Spec, found: &[String]) -> bool {
    match spec.header_match {
        HeaderMatch::Exact => canonical(spec, found).iter().eq(spec.header.iter()),
        HeaderMatch::Subset => subset(spec, found).is_ok(),
    }
}

/// Checks a file's header against its spec and describes every difference:
/// `column 11: expected \`Phone#\`, found \`Telephone\``, `missing column \`Zip\``,
/// `unexpected column \`Fax\` (column 5)`; where a file that keeps it has the spec's
/// columns.
pub(crate) fn check(spec: &Spec, found: &[String]) -> Result<Columns, HeaderMismatch> {
    match spec.header_match {
        HeaderMatch::Exact => exact(spec, found).map(|()| Columns::AsPublished),
        HeaderMatch::Subset => subset(spec, found),
    }
}

/// The spec's columns found among the file's, each once, in any order; the others are
/// read after them.
fn subset(spec: &Spec, found: &[String]) -> Result<Columns, HeaderMismatch> {
    let names = canonical(spec, found);
    let mut differences = Vec::new();
    let mut order = Vec::with_capacity(found.len());
    for expected in &spec.header {
        let at: Vec<usize> = (0..names.len()).filter(|&i| names[i] == expected).collect();
        match at[..] {
            [i] => order.push(i),
            [] => differences.push(format!("missing column `{expected}`")),
            _ => {
                let columns: Vec<String> = at.iter().map(|i| (i + 1).to_string()).collect();
                differences.push(format!(
                    "column `{expected}` appears {} times (columns {}): which to read is unclear",
                    at.len(),
                    columns.join(", ")
                ));
            }
        }
    }
    if !differences.is_empty() {
        if looks_like_a_record(found) {
            return Err(no_header());
        }
        return Err(HeaderMismatch { differences });
    }
    let needed = order.clone();
    order.extend((0..found.len()).filter(|i| !needed.contains(i)));
    Ok(match order.iter().copied().eq(0..found.len()) {
        true => Columns::AsPublished,
        false => Columns::Reordered(order),
    })
}

/// A first line that is a record: the file has no header.
fn no_header() -> HeaderMismatch {
    // A record's values may be a person's phone or e-mail: none is quoted.
    let missing = "the first line holds phone-, e-mail- or date-shaped values: it is a \
                   record, and the file has no header (none of the line is quoted here)";
    HeaderMismatch {
        differences: vec![missing.to_string()],
    }
}

/// [`check`] of a spec whose header must be the file's exactly.
fn exact(spec: &Spec, found: &[String]) -> Result<(), HeaderMismatch> {
    if matches(spec, found) {
        return Ok(());
    }
    if looks_like_a_record(found) {
        return Err(no_header());
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
            Ok(Columns::AsPublished)
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

    fn subset_spec() -> Spec {
        Spec::parse(
            r#"
            id = "crm"
            name = "A CRM export"
            key = "license_number"
            header = ["Id", "Company", "Phone"]
            header_match = "subset"
            aliases = { "Id" = ["id"] }
            [[map]]
            from = "Id"
            to = "license_number"
            "#,
            "crm.toml",
        )
        .unwrap()
    }

    #[test]
    fn a_subset_spec_finds_its_columns_anywhere_among_others() {
        let spec = subset_spec();
        let found = header(&["Outreach_Stage__c", "Phone", "id", "Status", "Company"]);
        assert_eq!(
            check(&spec, &found),
            Ok(Columns::Reordered(vec![2, 4, 1, 0, 3]))
        );
        assert!(matches(&spec, &found));
        let in_place = header(&["Id", "Company", "Phone", "Status"]);
        assert_eq!(check(&spec, &in_place), Ok(Columns::AsPublished));
    }

    #[test]
    fn a_subset_spec_refuses_a_file_missing_or_repeating_a_needed_column() {
        let spec = subset_spec();
        let missing = header(&["Phone", "Id", "Status"]);
        assert_eq!(
            check(&spec, &missing).unwrap_err().differences,
            ["missing column `Company`"]
        );
        assert!(!matches(&spec, &missing));
        let twice = header(&["Id", "Company", "Phone", "id"]);
        assert_eq!(
            check(&spec, &twice).unwrap_err().differences,
            ["column `Id` appears 2 times (columns 1, 4): which to read is unclear"]
        );
        let record = header(&["0015000000abc", "SUNSHINE", "702-555-0100"]);
        assert!(check(&spec, &record).unwrap_err().differences[0].contains("no header"));
    }
}
