//! Source specs: one TOML file per agency says which files are its, what their header is,
//! and how each column maps to the `leads` table.

pub(crate) mod config;
pub(crate) mod header;
mod inherit;
pub(crate) mod registry;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;
use serde::Deserialize;

use crate::checks::{Check, validate_spec_checks};
use crate::enrich::EnrichConfig;
use crate::lead::{LEAD_COLUMNS, column_index};
use crate::normalize::{self, Normalizer};
use crate::read::SheetChoice;
use crate::read::dialect::{Delimiter, Dialect, Layout};
use config::{FilesConfig, FormatConfig, RuleConfig, SheetConfig, SpecConfig};
pub use config::{GuardsConfig, HeaderMatch, Role};

pub use crate::normalize::table as normalizer_table;
pub use registry::{Claim, Specs};

/// A spec that cannot be used, with the file it came from.
#[derive(Debug, thiserror::Error)]
#[error("source spec {origin}: {message}")]
pub struct SpecError {
    pub origin: String,
    pub message: String,
}

/// A checked source spec, ready to map records.
#[derive(Debug)]
pub struct Spec {
    pub id: String,
    pub name: String,
    /// Where the spec came from: `built-in nevada.toml` or a file path.
    pub origin: String,
    pub name_patterns: Vec<glob::Pattern>,
    /// Finds the snapshot date in a file name, and its format.
    pub date_rule: Option<(regex::Regex, String)>,
    /// `None` for `auto`.
    pub encoding: Option<&'static Encoding>,
    /// How records and fields are cut.
    pub dialect: Dialect,
    /// Where the header and the records are.
    pub layout: Layout,
    /// The sheet of a workbook the records are on; `None`: the first whose header the spec
    /// accepts, else the first.
    pub sheet: Option<SheetChoice>,
    /// When a snapshot is held back instead of applied.
    pub guards: GuardsConfig,
    /// What is derived for its leads.
    pub enrich: EnrichConfig,
    pub header: Vec<String>,
    /// How a file's header must match `header`.
    pub header_match: HeaderMatch,
    /// Alternative header name → the header name it stands for.
    pub aliases: HashMap<String, String>,
    /// The lead column of the natural key.
    pub key_column: usize,
    /// Whether its records are leads or a reference.
    pub role: Role,
    pub rules: Vec<Rule>,
    /// The checks on the source's leads, from its `[[checks]]`.
    pub checks: Vec<Check>,
}

/// Where a rule's input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// The source column at this header position.
    Column(usize),
    Constant(String),
}

/// A checked mapping rule.
#[derive(Debug)]
pub struct Rule {
    pub inputs: Vec<Input>,
    pub normalizer: Normalizer,
    /// (normalizer part index, lead column index) pairs.
    pub outputs: Vec<(usize, usize)>,
    pub required: bool,
}

impl Spec {
    /// Parses and checks a spec's TOML text. `origin` names it in errors. A spec that
    /// `extends` another extends a built-in one; [`Specs::load`] finds parents in a folder.
    pub fn parse(text: &str, origin: &str) -> Result<Spec, SpecError> {
        let table = parse_table(text, origin)?;
        let built_in = registry::built_in_tables()?;
        Spec::from_table(&table, origin, &|id, _| {
            built_in
                .iter()
                .find(|(_, t)| spec_id(t) == Some(id))
                .map(|(_, t)| t)
        })
    }

    /// Checks a spec's TOML table, its parents (if it `extends` one) found with `find`.
    fn from_table<'a>(
        table: &'a toml::Table,
        origin: &str,
        find: &dyn Fn(&str, &'a toml::Table) -> Option<&'a toml::Table>,
    ) -> Result<Spec, SpecError> {
        let error = |message: String| SpecError {
            origin: origin.to_string(),
            message,
        };
        let resolved = inherit::resolve(table, find).map_err(error)?;
        let config = SpecConfig::deserialize(resolved).map_err(|e| error(e.to_string()))?;
        validate(config, origin).map_err(error)
    }

    /// Reads and checks a spec file.
    pub fn load(path: &Path) -> Result<Spec, SpecError> {
        let origin = path.display().to_string();
        Spec::parse(&read_spec_file(path)?, &origin)
    }

    /// The snapshot date in a file name, by the spec's `files.date` rule.
    pub fn snapshot_date(&self, file_name: &str) -> Option<chrono::NaiveDate> {
        let (pattern, format) = self.date_rule.as_ref()?;
        let found = pattern.captures(file_name)?;
        let text = found.get(1).or_else(|| found.get(0))?.as_str();
        chrono::NaiveDate::parse_from_str(text, format).ok()
    }

    /// Whether a file name matches one of the spec's name patterns.
    pub fn claims_name(&self, file_name: &str) -> bool {
        let options = glob::MatchOptions {
            case_sensitive: false,
            ..glob::MatchOptions::new()
        };
        self.name_patterns
            .iter()
            .any(|p| p.matches_with(file_name, options))
    }
}

/// A spec file's text.
fn read_spec_file(path: &Path) -> Result<String, SpecError> {
    std::fs::read_to_string(path).map_err(|e| SpecError {
        origin: path.display().to_string(),
        message: format!("cannot read it: {e}"),
    })
}

/// A spec's TOML text as a table, before it is checked.
fn parse_table(text: &str, origin: &str) -> Result<toml::Table, SpecError> {
    text.parse().map_err(|e: toml::de::Error| SpecError {
        origin: origin.to_string(),
        message: e.to_string(),
    })
}

/// The `id` a spec's table gives.
fn spec_id(table: &toml::Table) -> Option<&str> {
    table.get("id").and_then(toml::Value::as_str)
}

/// Checks a spec's consistency without any I/O: header, aliases, rules, targets and types.
pub fn validate(config: SpecConfig, origin: &str) -> Result<Spec, String> {
    check_id(&config.id)?;
    let aliases = check_header(&config.header, &config.aliases)?;
    let name_patterns = name_patterns(&config.files)?;
    let date_rule = date_rule(&config.files)?;
    let encoding = encoding(&config.format.encoding)?;
    let (dialect, layout) = dialect_and_layout(&config.format)?;
    let sheet = sheet(config.format.sheet)?;
    if layout.header_rows == 0 && config.header_match == HeaderMatch::Subset {
        return Err(
            "`header_match = \"subset\"` finds columns by name, and a file without a header \
             (`format.header_rows = 0`) has none: list its columns in order in `header`"
                .into(),
        );
    }
    let header = &config.header;
    let header_position = |name: &str| header.iter().position(|h| h == name);
    let (rules, written) = check_rules(config.rules, &header_position)?;
    let key_column = column_index(&config.key)
        .ok_or_else(|| format!("`key = \"{}\"` is not a lead column", config.key))?;
    if !written.contains(&key_column) {
        return Err(format!(
            "`key = \"{}\"`: no rule writes that column",
            config.key
        ));
    }
    config.guards.validate()?;
    config.enrich.validate()?;
    if config.role == Role::Reference && !config.checks.is_empty() {
        return Err(
            "`[[checks]]` judge a source's leads, and a reference source (`role = \"reference\"`) \
             has none: remove them"
                .into(),
        );
    }
    let checks = validate_spec_checks(config.checks, &config.id)?;
    Ok(Spec {
        guards: config.guards,
        enrich: config.enrich,
        id: config.id,
        name: config.name,
        origin: origin.to_string(),
        name_patterns,
        date_rule,
        encoding,
        dialect,
        layout,
        sheet,
        header: config.header,
        header_match: config.header_match,
        aliases,
        key_column,
        role: config.role,
        rules,
        checks,
    })
}

/// An id is part of every lead id and a table key: lower-case letters, digits, `-`, `_`.
fn check_id(id: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if id.is_empty() || !id.chars().all(allowed) {
        return Err(format!(
            "`id = \"{id}\"`: use lower-case letters, digits, `-` and `_`"
        ));
    }
    Ok(())
}

/// Checks that the header names each column once and that every alias stands for one of
/// them; returns alternative name → header name.
fn check_header(
    header: &[String],
    aliases: &BTreeMap<String, Vec<String>>,
) -> Result<HashMap<String, String>, String> {
    if header.is_empty() {
        return Err("`header` lists no columns".into());
    }
    let position = |name: &str| header.iter().position(|h| h == name);
    for (i, name) in header.iter().enumerate() {
        if position(name) != Some(i) {
            return Err(format!("`header` lists column `{name}` twice"));
        }
    }
    let mut by_alternative = HashMap::new();
    for (column, alternatives) in aliases {
        if position(column).is_none() {
            return Err(format!("`aliases`: `{column}` is not a column of `header`"));
        }
        for alternative in alternatives {
            by_alternative.insert(alternative.clone(), column.clone());
        }
    }
    Ok(by_alternative)
}

/// The file-name patterns that claim a file.
fn name_patterns(files: &FilesConfig) -> Result<Vec<glob::Pattern>, String> {
    files
        .names
        .iter()
        .map(|p| glob::Pattern::new(p).map_err(|e| format!("`files.names`: `{p}`: {e}")))
        .collect()
}

/// The rule that finds a snapshot's date in its file name, and the date's format.
fn date_rule(files: &FilesConfig) -> Result<Option<(regex::Regex, String)>, String> {
    let Some(rule) = &files.date else {
        return Ok(None);
    };
    let pattern =
        regex::Regex::new(&rule.pattern).map_err(|e| format!("`files.date.pattern`: {e}"))?;
    Ok(Some((pattern, rule.format.clone())))
}

/// The encoding the files are read in: `None` for auto.
fn encoding(label: &str) -> Result<Option<&'static Encoding>, String> {
    match label {
        "auto" => Ok(None),
        label => Encoding::for_label(label.as_bytes())
            .map(Some)
            .ok_or_else(|| format!("`format.encoding = \"{label}\"` is not an encoding name")),
    }
}

/// How the files' records and fields are cut, and where their header is.
fn dialect_and_layout(format: &FormatConfig) -> Result<(Dialect, Layout), String> {
    let special = |b: u8| b == b'\n' || b == b'\r' || !b.is_ascii();
    let delimiter = match *format.delimiter.as_bytes() {
        [one] if !special(one) => Delimiter::One(one),
        [first, second] if !special(first) && !special(second) && first != second => {
            Delimiter::Two([first, second])
        }
        _ => {
            return Err(format!(
                "`format.delimiter = {:?}`: give one ASCII character (`,`, `;`, `\\t`, `|`) \
                 or two (`, `), not a line break",
                format.delimiter
            ));
        }
    };
    let one_byte = |key: &str, text: &str| match *text.as_bytes() {
        [byte] if !special(byte) => Ok(byte),
        _ => Err(format!(
            "`format.{key} = {text:?}`: give one ASCII character, not a line break"
        )),
    };
    let quote = match format.quote.as_str() {
        "" => None,
        text => Some(one_byte("quote", text)?),
    };
    // An escape that is the quote itself is the doubled quote, which is always read.
    let escape = match format.escape.as_deref() {
        None => None,
        Some(text) => Some(one_byte("escape", text)?).filter(|&e| Some(e) != quote),
    };
    let first_delimiter = match delimiter {
        Delimiter::One(byte) | Delimiter::Two([byte, _]) => byte,
    };
    if quote.is_some_and(|q| q == first_delimiter) || escape.is_some_and(|e| e == first_delimiter) {
        return Err(
            "`format.delimiter` must differ from `format.quote` and `format.escape`".into(),
        );
    }
    let dialect = Dialect {
        delimiter,
        quote,
        escape,
        max_record_lines: format.max_record_lines.max(1),
    };
    let layout = Layout {
        preamble_lines: format.preamble_lines,
        header_rows: format.header_rows,
        footnote_lines: format.footnote_lines,
    };
    Ok((dialect, layout))
}

/// The sheet `format.sheet` names: by name, or by position counting from 1.
fn sheet(config: Option<SheetConfig>) -> Result<Option<SheetChoice>, String> {
    match config {
        None => Ok(None),
        Some(SheetConfig::Name(name)) if name.trim().is_empty() => {
            Err("`format.sheet = \"\"`: name a sheet, or give its position (1 is the first)".into())
        }
        Some(SheetConfig::Name(name)) => Ok(Some(SheetChoice::Named(name))),
        Some(SheetConfig::Position(position)) => usize::try_from(position)
            .ok()
            .and_then(std::num::NonZeroUsize::new)
            .map(|position| Some(SheetChoice::Position(position)))
            .ok_or_else(|| {
                format!("`format.sheet = {position}`: sheets are counted from 1, the first")
            }),
    }
}

/// Checks every rule, and that no two write one lead column; returns the rules and the
/// columns they write.
fn check_rules(
    configs: Vec<RuleConfig>,
    header_position: &dyn Fn(&str) -> Option<usize>,
) -> Result<(Vec<Rule>, Vec<usize>), String> {
    let mut written_by: HashMap<usize, usize> = HashMap::new();
    let mut rules = Vec::with_capacity(configs.len());
    for (n, rule) in configs.into_iter().enumerate() {
        let rule = validate_rule(rule, header_position)
            .map_err(|e| format!("rule {} (`[[map]]` number {}): {e}", n + 1, n + 1))?;
        for &(_, column) in &rule.outputs {
            if let Some(earlier) = written_by.insert(column, n) {
                return Err(format!(
                    "rules {} and {} both write lead column `{}`",
                    earlier + 1,
                    n + 1,
                    LEAD_COLUMNS[column].name
                ));
            }
        }
        rules.push(rule);
    }
    Ok((rules, written_by.into_keys().collect()))
}

fn validate_rule(
    rule: RuleConfig,
    header_position: &dyn Fn(&str) -> Option<usize>,
) -> Result<Rule, String> {
    let inputs = match (&rule.from, rule.value) {
        (Some(from), None) => from
            .names()
            .iter()
            .map(|name| {
                header_position(name)
                    .map(Input::Column)
                    .ok_or_else(|| format!("`from`: `{name}` is not a column of `header`"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        (None, Some(value)) => vec![Input::Constant(value)],
        _ => return Err("give exactly one of `from` and `value`".into()),
    };
    let with = rule.with.as_str();
    let descriptor = normalize::named(with)?;
    let normalizer =
        Normalizer::new(descriptor, rule.args.as_ref()).map_err(|e| format!("`args`: {e}"))?;
    if !normalizer.arity().accepts(inputs.len()) {
        return Err(format!(
            "`{with}` reads {} input column(s), `from` gives {}",
            normalizer.arity(),
            inputs.len()
        ));
    }
    let parts = descriptor.parts;
    let targets: Vec<(String, String)> = match (rule.to, rule.into) {
        (Some(to), None) => vec![(to, parts[0].name.to_string())],
        (None, Some(into)) => into.into_iter().collect(),
        _ => return Err("give exactly one of `to` and `into`".into()),
    };
    let mut outputs = Vec::with_capacity(targets.len());
    for (column_name, part_name) in targets {
        let column = column_index(&column_name)
            .ok_or_else(|| format!("`{column_name}` is not a lead column"))?;
        let part = parts
            .iter()
            .position(|p| p.name == part_name)
            .ok_or_else(|| {
                format!(
                    "`{with}` has no part `{part_name}` (it has {})",
                    normalize::listed(parts, |p| p.name)
                )
            })?;
        let (part_ty, column_ty) = (parts[part].ty, LEAD_COLUMNS[column].ty);
        if part_ty != column_ty {
            return Err(format!(
                "`{with}` part `{part_name}` is {part_ty}, lead column `{column_name}` is {column_ty}"
            ));
        }
        outputs.push((part, column));
    }
    Ok(Rule {
        inputs,
        normalizer,
        outputs,
        required: rule.required,
    })
}

/// Every `*.toml` file in a folder, sorted by name.
pub fn spec_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        id = "demo"
        name = "Demo agency"
        key = "license_number"
        header = ["License", "Phone#", ""]
        [aliases]
        "Phone#" = ["Telephone"]
        [[map]]
        from = "License"
        to = "license_number"
        required = true
        [[map]]
        from = "Phone#"
        with = "phone"
        into = { phone = "value" }
        [[map]]
        value = "NV"
        with = "state"
        to = "state"
    "#;

    fn error(text: &str) -> String {
        Spec::parse(text, "demo.toml").unwrap_err().to_string()
    }

    #[test]
    fn the_readme_example_spec_is_valid() {
        let readme = include_str!("../../README.md");
        // The whole spec among the README's TOML examples: the one with its rules.
        let example = readme
            .split("```toml\n")
            .skip(1)
            .map(|block| &block[..block.find("```").unwrap()])
            .find(|block| block.contains("[[map]]"))
            .expect("README has a spec example");
        let spec = Spec::parse(example, "README.md").unwrap();
        assert_eq!((spec.id.as_str(), spec.rules.len()), ("acme", 6));
    }

    #[test]
    fn reads_the_snapshot_date_from_the_file_name() {
        let text = MINIMAL.replace(
            "[aliases]",
            "[files]\ndate = { pattern = '(\\d{2}-\\d{2}-\\d{4})', format = '%m-%d-%Y' }\n[aliases]",
        );
        let spec = Spec::parse(&text, "demo.toml").unwrap();
        let date = spec.snapshot_date("07-14-2023 Nevada Dept.csv");
        assert_eq!(date, chrono::NaiveDate::from_ymd_opt(2023, 7, 14));
        assert_eq!(spec.snapshot_date("nevada.csv"), None);
        assert_eq!(spec.snapshot_date("13-45-2023 x.csv"), None);
    }

    #[test]
    fn a_valid_spec_compiles() {
        let spec = Spec::parse(MINIMAL, "demo.toml").unwrap();
        assert_eq!(spec.id, "demo");
        assert_eq!(spec.key_column, column_index("license_number").unwrap());
        assert_eq!(spec.rules.len(), 3);
        assert_eq!(spec.rules[1].inputs, vec![Input::Column(1)]);
        assert_eq!(
            spec.aliases.get("Telephone").map(String::as_str),
            Some("Phone#")
        );
        assert_eq!(spec.rules[2].inputs, vec![Input::Constant("NV".into())]);
    }

    #[test]
    fn unknown_keys_are_named_with_the_file() {
        let text = MINIMAL.replace("required = true", "requird = true");
        let message = error(&text);
        assert!(message.starts_with("source spec demo.toml:"), "{message}");
        assert!(message.contains("unknown field `requird`"), "{message}");
    }

    #[test]
    fn unknown_columns_and_types_are_refused() {
        let message = error(&MINIMAL.replace("from = \"License\"", "from = \"Licence\""));
        assert!(
            message.contains("`Licence` is not a column of `header`"),
            "{message}"
        );
        let message = error(&MINIMAL.replace("to = \"state\"", "to = \"capacity\""));
        assert!(
            message.contains("part `value` is TEXT, lead column `capacity` is INTEGER"),
            "{message}"
        );
        let message = error(&MINIMAL.replace("phone = \"value\"", "phone = \"number\""));
        assert!(
            message
                .contains("`phone` has no part `number` (it has value, extension, valid, second)"),
            "{message}"
        );
    }

    #[test]
    fn an_unknown_normalizer_is_named_with_its_rule() {
        let message = error(&MINIMAL.replace("with = \"phone\"", "with = \"phon\""));
        let expected = "source spec demo.toml: rule 2 (`[[map]]` number 2): \
             `with = \"phon\"` is not a normalizer (they are text, upper, integer, date,";
        assert!(message.starts_with(expected), "{message}");
        assert!(
            message.ends_with(", age_flags, weekly_schedule)"),
            "{message}"
        );
    }

    #[test]
    fn a_column_written_twice_is_refused() {
        let message = error(&MINIMAL.replace("to = \"state\"", "to = \"license_number\""));
        assert!(
            message.contains("rules 1 and 3 both write lead column `license_number`"),
            "{message}"
        );
    }

    #[test]
    fn the_key_must_be_written() {
        let message = error(&MINIMAL.replace("key = \"license_number\"", "key = \"provider_id\""));
        assert!(message.contains("no rule writes that column"), "{message}");
    }

    #[test]
    fn reads_the_dialect_and_layout_and_refuses_what_cannot_be_read() {
        let with = |format: &str| format!("{MINIMAL}\n[format]\n{format}\n");
        let spec = Spec::parse(
            &with("delimiter = \", \"\nquote = \"'\"\nescape = \"\\\\\"\npreamble_lines = 2\nheader_rows = 0\nfootnote_lines = 1"),
            "demo.toml",
        )
        .unwrap();
        assert_eq!(
            spec.dialect,
            Dialect {
                delimiter: Delimiter::Two(*b", "),
                quote: Some(b'\''),
                escape: Some(b'\\'),
                max_record_lines: 20,
            }
        );
        assert_eq!(
            spec.layout,
            Layout {
                preamble_lines: 2,
                header_rows: 0,
                footnote_lines: 1,
            }
        );
        assert_eq!(spec.sheet, None);
        let named = Spec::parse(&with("sheet = \"Providers\""), "demo.toml").unwrap();
        assert_eq!(named.sheet, Some(SheetChoice::Named("Providers".into())));
        let second = Spec::parse(&with("sheet = 2"), "demo.toml").unwrap();
        assert_eq!(
            second.sheet,
            Some(SheetChoice::Position(
                std::num::NonZeroUsize::new(2).unwrap()
            ))
        );
        let unquoted = Spec::parse(&with("quote = \"\"\nescape = \"\\\"\""), "demo.toml").unwrap();
        assert_eq!(
            (unquoted.dialect.quote, unquoted.dialect.escape),
            (None, Some(b'"'))
        );
        let doubled = Spec::parse(&with("escape = \"\\\"\""), "demo.toml").unwrap();
        assert_eq!(doubled.dialect.escape, None);
        for (format, expected) in [
            ("delimiter = \"\\n\"", "give one ASCII character"),
            ("delimiter = \";;\"", "give one ASCII character"),
            ("delimiter = \"\"", "give one ASCII character"),
            (
                "quote = \"''\"",
                "`format.quote = \"''\"`: give one ASCII character",
            ),
            ("quote = \",\"", "must differ from `format.quote`"),
            ("header_rows = 0\nheader_match = \"subset\"", "has none"),
            ("sheet = 0", "`format.sheet = 0`: sheets are counted from 1"),
            ("sheet = \"\"", "name a sheet, or give its position"),
        ] {
            let text = match format.strip_suffix("\nheader_match = \"subset\"") {
                Some(format) => {
                    with(format).replace("[aliases]", "header_match = \"subset\"\n[aliases]")
                }
                None => with(format),
            };
            let message = error(&text);
            assert!(message.contains(expected), "{format}: {message}");
        }
    }
}
