//! The draft spec as TOML, each choice commented with its confidence and evidence.

use std::fmt::Write as _;

use super::role::Role;
use super::{Column, Source};
use crate::read::dialect::{Delimiter, Dialect, Layout};

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// One `[[map]]` rule of the draft.
struct Rule {
    /// A comment on the line before it.
    comment: String,
    from: Vec<String>,
    with: Option<&'static str>,
    /// (lead column, part) pairs; one with no part is a `to`.
    outputs: Vec<(&'static str, Option<&'static str>)>,
    required: bool,
    /// `[map.args.values]` lines of a lookup.
    lookup: Vec<(String, String, bool)>,
}

impl Rule {
    fn new(comment: String, from: &str, with: Option<&'static str>) -> Rule {
        Rule {
            comment,
            from: vec![from.to_string()],
            with,
            outputs: Vec::new(),
            required: false,
            lookup: Vec::new(),
        }
    }

    fn to(mut self, column: &'static str) -> Rule {
        self.outputs.push((column, None));
        self
    }

    fn into(mut self, parts: &[(&'static str, &'static str)]) -> Rule {
        self.outputs
            .extend(parts.iter().map(|&(column, part)| (column, Some(part))));
        self
    }

    fn write(&self, out: &mut String) {
        let _ = writeln!(out, "\n# {}", self.comment);
        out.push_str("[[map]]\n");
        match self.from.as_slice() {
            [one] => {
                let _ = writeln!(out, "from = {}", quoted(one));
            }
            many => {
                let names: Vec<String> = many.iter().map(|n| quoted(n)).collect();
                let _ = writeln!(out, "from = [{}]", names.join(", "));
            }
        }
        if let Some(with) = self.with {
            let _ = writeln!(out, "with = {}", quoted(with));
        }
        match self.outputs.as_slice() {
            [(column, None)] => {
                let _ = writeln!(out, "to = {}", quoted(column));
            }
            parts => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|(column, part)| format!("{column} = {}", quoted(part.unwrap_or("value"))))
                    .collect();
                let _ = writeln!(out, "into = {{ {} }}", parts.join(", "));
            }
        }
        if self.required {
            out.push_str("required = true\n");
        }
        if !self.lookup.is_empty() {
            out.push_str("[map.args.values]\n");
            for (pattern, label, guessed) in &self.lookup {
                let note = if *guessed {
                    ""
                } else {
                    "  # TODO: the facility type"
                };
                let _ = writeln!(out, "{} = {}{note}", quoted(pattern), quoted(label));
            }
        }
    }
}

/// The draft spec's text.
pub(super) fn write(source: &Source, id: Option<&str>) -> String {
    let file = source.files.first().map_or("", String::as_str);
    let (date, patterns) = file_rules(&source.files);
    let id = id.map_or_else(|| id_from(file), str::to_string);
    let (rules, key, unmapped) = rules(source);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# A draft spec by `leadpipe infer`, from {} record(s) of {}.\n\
         # Check each rule, then try it: `leadpipe check FILE --specs DIR`.",
        source.records,
        source
            .files
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(out, "id = {}", quoted(&id));
    let _ = writeln!(
        out,
        "name = {}  # TODO: who publishes the files",
        quoted(&id)
    );
    let _ = writeln!(out, "key = {}", quoted(key));
    let header: Vec<String> = source.columns.iter().map(|c| quoted(&c.name)).collect();
    if source.layout.header_rows == 0 {
        out.push_str("# The files have no header: these names are the columns' positions.\n");
    }
    let _ = writeln!(out, "header = [{}]", header.join(", "));
    out.push_str("\n[files]\n");
    let names: Vec<String> = patterns.iter().map(|p| quoted(p)).collect();
    let _ = writeln!(out, "names = [{}]", names.join(", "));
    match date {
        Some((pattern, format)) => {
            let _ = writeln!(
                out,
                "date = {{ pattern = {}, format = {} }}",
                quoted(&pattern),
                quoted(format)
            );
        }
        None => {
            out.push_str("# No date in the file name: a snapshot is dated by the file's time.\n")
        }
    }
    write_format(&mut out, source);
    if !source.aliases.is_empty() {
        out.push_str("\n# Names a later file gives the columns.\n[aliases]\n");
        for (column, name) in &source.aliases {
            let _ = writeln!(out, "{} = [{}]", quoted(column), quoted(name));
        }
    }
    for rule in &rules {
        rule.write(&mut out);
    }
    if !unmapped.is_empty() {
        out.push_str("\n# Not mapped (each lead keeps them in source_record):\n");
        for line in unmapped {
            let _ = writeln!(out, "#   {line}");
        }
    }
    out
}

/// `[format]`, with what the sample showed.
fn write_format(out: &mut String, source: &Source) {
    let Dialect {
        delimiter,
        quote,
        escape,
        ..
    } = source.dialect;
    let Layout {
        preamble_lines,
        header_rows,
        footnote_lines,
    } = source.layout;
    let _ = writeln!(
        out,
        "\n# Read as {}: {:.0}% of the sampled records have {} fields, {:.0}% of their cells \
         without stray quotes or blanks.",
        source.encoding,
        source.consistency * 100.0,
        source.columns.len(),
        source.cleanliness * 100.0
    );
    out.push_str("[format]\n");
    if let Some(sheet) = &source.sheet {
        let _ = writeln!(
            out,
            "# A workbook: its cells are read as they are, the dialect below is for CSV files.\n\
             sheet = {}",
            quoted(sheet)
        );
    }
    out.push_str("encoding = \"auto\"\n");
    let delimiter = match delimiter {
        Delimiter::One(b'\t') => "\t".to_string(),
        other => other.text(),
    };
    let _ = writeln!(out, "delimiter = {}", quoted(&delimiter));
    let quote = quote.map_or(String::new(), |q| char::from(q).to_string());
    let _ = writeln!(out, "quote = {}", quoted(&quote));
    if let Some(escape) = escape {
        let _ = writeln!(out, "escape = {}", quoted(&char::from(escape).to_string()));
    }
    let _ = writeln!(out, "preamble_lines = {preamble_lines}");
    let _ = writeln!(out, "header_rows = {header_rows}");
    let _ = writeln!(out, "footnote_lines = {footnote_lines}");
}

/// The rules, the key's lead column, and the columns left unmapped (with why).
fn rules(source: &Source) -> (Vec<Rule>, &'static str, Vec<String>) {
    let taken = |role: Role| source.column(role).is_some();
    let mut rules = Vec::new();
    let mut unmapped = Vec::new();
    let (key, why) = key_column(source).map_or((None, String::new()), |(c, why)| (Some(c), why));
    let is_key = |column: &Column| key.is_some_and(|k| std::ptr::eq(k, column));
    for column in &source.columns {
        let chosen = column.judged.as_ref().filter(|j| {
            source
                .column(j.role)
                .is_some_and(|best| std::ptr::eq(best, column))
        });
        let Some(judged) = chosen else {
            if is_key(column) {
                let mut rule = Rule::new(
                    format!("`{}` → license_number: {why}", column.name),
                    &column.name,
                    None,
                )
                .to("license_number");
                rule.required = true;
                rules.push(rule);
            } else {
                unmapped.push(unmapped_line(column));
            }
            continue;
        };
        let comment = format!(
            "`{}` → {:?} (confidence {:.2}): {}",
            column.name, judged.role, judged.confidence, judged.evidence
        );
        let name = column.name.as_str();
        let rule = match judged.role {
            Role::LicenseNumber => Rule::new(comment, name, None).to("license_number"),
            Role::TypeAndNumber => {
                let mut parts = vec![("license_number", "number")];
                if !taken(Role::LicenseType) {
                    parts.insert(0, ("license_type", "type"));
                }
                Rule::new(comment, name, Some("license_number")).into(&parts)
            }
            Role::ProviderId => Rule::new(comment, name, None).to("provider_id"),
            Role::Company => Rule::new(comment, name, None).to("company"),
            Role::Phone => Rule::new(comment, name, Some("phone")).into(&[
                ("phone", "value"),
                ("phone_extension", "extension"),
                ("phone_valid", "valid"),
                ("phone2", "second"),
            ]),
            Role::Email => Rule::new(comment, name, Some("email"))
                .into(&[("email", "value"), ("email_valid", "valid")]),
            Role::OneLineAddress => {
                let mut parts = vec![("address1", "address1"), ("address2", "address2")];
                for (role, part) in [
                    (Role::City, "city"),
                    (Role::State, "state"),
                    (Role::Zip, "zip"),
                ] {
                    if !taken(role) {
                        parts.push((part, part));
                    }
                }
                Rule::new(comment, name, Some("us_address")).into(&parts)
            }
            Role::Street => {
                let mut rule = Rule::new(comment, name, Some("street"))
                    .into(&[("address1", "address1"), ("address2", "address2")]);
                if let Some(second) = source.column(Role::Street2) {
                    rule.from.push(second.name.clone());
                }
                rule
            }
            Role::Street2 if taken(Role::Street) => continue,
            Role::Street2 => Rule::new(comment, name, None).to("address2"),
            Role::City => Rule::new(comment, name, Some("upper")).to("city"),
            Role::State => Rule::new(comment, name, Some("state")).to("state"),
            Role::Zip => Rule::new(comment, name, Some("zip")).to("zip"),
            Role::County => Rule::new(comment, name, Some("upper")).to("county"),
            Role::Capacity => Rule::new(comment, name, Some("integer")).to("capacity"),
            Role::Status => Rule::new(comment, name, None).to("license_status"),
            Role::LicenseType => Rule::new(comment, name, None).to("license_type"),
            Role::Issued => Rule::new(comment, name, Some("date")).to("license_issued"),
            Role::Expires => {
                Rule::new(comment, name, Some("date")).to("certificate_expiration_date")
            }
            Role::Person => Rule::new(comment, name, Some("person_name"))
                .into(&[("first_name", "first_name"), ("last_name", "last_name")]),
            Role::PersonAndTitle => Rule::new(comment, name, Some("name_and_title")).into(&[
                ("first_name", "first_name"),
                ("last_name", "last_name"),
                ("title", "title"),
            ]),
            Role::Title if taken(Role::PersonAndTitle) => {
                unmapped.push(format!("`{name}`: the title comes with the person's name"));
                continue;
            }
            Role::Title => Rule::new(comment, name, None).to("title"),
            Role::AcceptsSubsidy => {
                let flags = column.profile.share_of(super::shape::Shape::YesNo) >= 0.8;
                let with = if flags { "yes_no" } else { "presence" };
                Rule::new(comment, name, Some(with)).to("accepts_financial_aid")
            }
            Role::Website => Rule::new(comment, name, None).to("website_address"),
        };
        let mut rule = rule;
        rule.required = is_key(column);
        rules.push(rule);
        if let Some(lookup) = facility_type(column, judged.role) {
            rules.push(lookup);
        }
    }
    for column in &source.columns {
        let Some(judged) = &column.judged else {
            continue;
        };
        let best = source.column(judged.role);
        if !best.is_some_and(|b| std::ptr::eq(b, column)) && !is_key(column) {
            let other = best.map_or("", |b| b.name.as_str());
            unmapped.push(format!(
                "`{}` also looks like {:?} ({}), which `{other}` is more surely",
                column.name, judged.role, judged.evidence
            ));
        }
    }
    let key = match key {
        Some(column)
            if column
                .judged
                .as_ref()
                .is_some_and(|j| j.role == Role::ProviderId) =>
        {
            "provider_id"
        }
        _ => "license_number",
    };
    (rules, key, unmapped)
}

/// The column of the key, and why: the licence number's, else a unique identifier, else a
/// provider id, else the first unique column.
fn key_column(source: &Source) -> Option<(&Column, String)> {
    if let Some(column) = source
        .column(Role::TypeAndNumber)
        .or_else(|| source.column(Role::LicenseNumber))
    {
        return Some((column, "the licence number".into()));
    }
    let unique = |column: &&Column| column.profile.is_unique();
    let identifier =
        source.columns.iter().filter(unique).find(|c| {
            c.judged.is_none() && c.profile.share_of(super::shape::Shape::Identifier) >= 0.9
        });
    if let Some(column) = identifier {
        return Some((
            column,
            "unique, never empty and licence-like in the sample".into(),
        ));
    }
    if let Some(column) = source.column(Role::ProviderId) {
        return Some((column, "the provider id".into()));
    }
    let first_unique = source
        .columns
        .iter()
        .filter(unique)
        .find(|c| c.judged.is_none());
    if let Some(column) = first_unique {
        return Some((column, "unique in the sample: a guess, check it".into()));
    }
    source
        .columns
        .iter()
        .find(|c| c.judged.is_none())
        .map(|column| {
            (
                column,
                "no column is unique in the sample: choose the key".into(),
            )
        })
}

/// A `lookup` draft from a type column's values to the facility types leadpipe uses.
fn facility_type(column: &Column, role: Role) -> Option<Rule> {
    let patterns: Vec<String> = match role {
        Role::LicenseType => {
            let values = column.profile.vocabulary.as_ref()?;
            values.iter().map(|v| glob::Pattern::escape(v)).collect()
        }
        Role::TypeAndNumber => {
            let mut kinds: Vec<String> = column
                .values
                .iter()
                .filter_map(|v| v.rsplit_once(" - "))
                .map(|(kind, _)| format!("{}*", glob::Pattern::escape(kind.trim())))
                .collect();
            kinds.sort();
            kinds.dedup();
            kinds
        }
        _ => return None,
    };
    let mut rule = Rule::new(
        format!(
            "facility_type from `{}`'s {} values: a draft, check each label",
            column.name,
            patterns.len()
        ),
        &column.name,
        Some("lookup"),
    )
    .to("facility_type");
    rule.lookup = patterns
        .into_iter()
        .map(|pattern| {
            let (label, guessed) = facility_label(&pattern);
            (pattern, label, guessed)
        })
        .collect();
    Some(rule)
}

/// The facility type a published type most likely is, and whether one was recognised.
fn facility_label(published: &str) -> (String, bool) {
    let upper = published.to_uppercase();
    let label = [
        ("GROUP", "Group Child Care Home"),
        ("FAMILY", "Family Child Care Home"),
        ("HOME", "Family Child Care Home"),
        ("CENTER", "Child Care Center"),
        ("ACCOMMODATION", "Accommodation Facility"),
        ("PERMIT", "Permitted Program"),
    ]
    .iter()
    .find(|(word, _)| upper.contains(word))
    .map(|(_, label)| label.to_string());
    match label {
        Some(label) => (label, true),
        None => (published.trim_end_matches('*').to_string(), false),
    }
}

/// An unmapped column, described.
fn unmapped_line(column: &Column) -> String {
    match &column.profile.vocabulary {
        Some(values) => {
            let shown: Vec<&str> = values.iter().take(6).map(String::as_str).collect();
            let more = if values.len() > 6 { ", …" } else { "" };
            format!(
                "`{}`: {} distinct values ({}{more})",
                column.name,
                values.len(),
                shown.join(", ")
            )
        }
        None if column.profile.filled == 0 => format!("`{}`: empty in the sample", column.name),
        None => format!(
            "`{}`: {} distinct values",
            column.name, column.profile.distinct
        ),
    }
}

/// The date rule of a file name, and the patterns that claim the source's files (each
/// name with its date as `*`).
fn file_rules(names: &[String]) -> (Option<(String, &'static str)>, Vec<String>) {
    const DATES: &[(&str, &str)] = &[
        (r"\d{2}-\d{2}-\d{4}", "%m-%d-%Y"),
        (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
        (r"\d{2}_\d{2}_\d{4}", "%m_%d_%Y"),
        (r"\d{8}", "%Y%m%d"),
    ];
    let mut rule = None;
    let mut patterns = Vec::new();
    for name in names {
        let found = DATES.iter().find_map(|(pattern, format)| {
            let regex = regex::Regex::new(pattern).expect("the date patterns are valid");
            regex
                .find_iter(name)
                .find(|m| chrono::NaiveDate::parse_from_str(m.as_str(), format).is_ok())
                .map(|m| (*pattern, *format, m.range()))
        });
        let pattern = match found {
            Some((date_pattern, format, range)) => {
                rule.get_or_insert((format!("({date_pattern})"), format));
                format!(
                    "{}*{}",
                    glob::Pattern::escape(&name[..range.start]),
                    glob::Pattern::escape(&name[range.end..])
                )
            }
            None => glob::Pattern::escape(name),
        };
        if !patterns.contains(&pattern) {
            patterns.push(pattern);
        }
    }
    (rule, patterns)
}

/// A spec id from a file name: its words, less its date and extension, in lower case.
fn id_from(file: &str) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let words: Vec<String> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    let id = words.join("_");
    let id: String = id.chars().take(40).collect();
    match id.trim_end_matches('_') {
        "" => "source".to_string(),
        id => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_gives_the_date_rule_patterns_and_id() {
        let names = ["07-07-2023 Nevada Dept of Public _ Behavioral Health.csv".to_string()];
        let (date, patterns) = file_rules(&names);
        assert_eq!(date, Some((r"(\d{2}-\d{2}-\d{4})".to_string(), "%m-%d-%Y")));
        assert_eq!(
            patterns,
            ["* Nevada Dept of Public _ Behavioral Health.csv"]
        );
        assert_eq!(
            id_from(&names[0]),
            "nevada_dept_of_public_behavioral_health"
        );
        let (date, patterns) = file_rules(&["providers.csv".to_string()]);
        assert_eq!((date, patterns), (None, vec!["providers.csv".to_string()]));
        assert_eq!(id_from("2023.csv"), "source");
    }

    #[test]
    fn published_types_get_a_facility_type() {
        assert_eq!(
            facility_label("CENTER*"),
            ("Child Care Center".to_string(), true)
        );
        assert_eq!(
            facility_label("Licensed Child-Care Home"),
            ("Family Child Care Home".to_string(), true)
        );
        assert_eq!(facility_label("SCHOOL*"), ("SCHOOL".to_string(), false));
    }
}
