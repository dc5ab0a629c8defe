//! The TOML form of a source spec, exactly as written; [`super::Spec`] is its checked form.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::checks::CheckConfig;
use crate::enrich::EnrichConfig;
use crate::normalize::text;

/// One source (agency) as a spec file describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecConfig {
    /// Short stable name, stored as `leads.source` (`nevada`).
    pub id: String,
    /// Who publishes the files, for people.
    pub name: String,
    /// The lead column that identifies a record within this source (its natural key; a
    /// reference source's record id in its CRM).
    pub key: String,
    /// Whether the records are leads or a reference to match them against.
    #[serde(default)]
    pub role: Role,
    #[serde(default)]
    pub files: FilesConfig,
    #[serde(default)]
    pub format: FormatConfig,
    /// When a snapshot is held back instead of applied.
    #[serde(default)]
    pub guards: GuardsConfig,
    /// What is derived for its leads (see [`crate::enrich`]).
    #[serde(default)]
    pub enrich: EnrichConfig,
    /// The expected header, column by column.
    pub header: Vec<String>,
    /// How a file's header must match `header`.
    #[serde(default)]
    pub header_match: HeaderMatch,
    /// Other names accepted for a header column: `"Phone#" = ["Telephone"]`.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// How source columns become lead columns.
    #[serde(rename = "map")]
    pub rules: Vec<RuleConfig>,
    /// Checks on the source's leads once loaded (see [`crate::checks`]).
    #[serde(default)]
    pub checks: Vec<CheckConfig>,
}

/// What a source's records are to leadpipe.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Providers to call, as an agency lists them: its snapshots are applied to `leads`.
    #[default]
    Leads,
    /// Records already in a CRM, as it exports them: kept apart in `reference_records`,
    /// each export replacing the last, and resolved with the leads so that a provider
    /// already in the CRM is known; never a lead, never counted among them.
    Reference,
}

/// How a file's header must match its spec's `header`.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum HeaderMatch {
    /// The same columns in the same order, and no others (blanks around names and aliases
    /// allowed): an agency's file, where any change is worth a person's look.
    #[default]
    Exact,
    /// Each of the spec's columns once, in any order, among any others, which are kept in
    /// `source_record`: a CRM export, whose columns each organisation orders and adds to
    /// (`Outreach_Stage__c`).
    Subset,
}

/// Which files belong to the source.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// Glob patterns on the file name, matched ignoring case (`*Nevada*.csv`).
    #[serde(default)]
    pub names: Vec<String>,
    /// How to read the snapshot's date from the file name.
    pub date: Option<DateRuleConfig>,
}

/// The date of a snapshot in its file name: `pattern` finds it (its first capture group, or
/// the whole match), `format` reads it (`%m-%d-%Y`, chrono's syntax).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRuleConfig {
    pub pattern: String,
    pub format: String,
}

/// The bounds a new snapshot of the source must keep, against the source as it stands, to
/// be applied (see `stages::guards`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GuardsConfig {
    /// The largest share (0–1) of the source's active leads a snapshot may deactivate.
    pub max_deactivated: f64,
    /// The fewest records a snapshot may have, as a share of the source's last applied one.
    pub min_records_ratio: f64,
    /// The most, in percentage points, a lead column's fill rate may drop.
    pub max_fill_drop: f64,
    /// The most, in percentage points, a lead column's share of doubtful values may rise.
    pub max_invalid_rise: f64,
}

impl Default for GuardsConfig {
    fn default() -> Self {
        GuardsConfig {
            max_deactivated: 0.10,
            min_records_ratio: 0.9,
            max_fill_drop: 20.0,
            max_invalid_rise: 20.0,
        }
    }
}

impl GuardsConfig {
    /// Each bound within its range.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let shares = [
            ("max_deactivated", self.max_deactivated),
            ("min_records_ratio", self.min_records_ratio),
        ];
        let points = [
            ("max_fill_drop", self.max_fill_drop),
            ("max_invalid_rise", self.max_invalid_rise),
        ];
        for (name, value) in shares {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!(
                    "`guards.{name} = {value}`: give a share from 0 to 1"
                ));
            }
        }
        for (name, value) in points {
            if !(0.0..=100.0).contains(&value) {
                return Err(format!(
                    "`guards.{name} = {value}`: give percentage points from 0 to 100"
                ));
            }
        }
        Ok(())
    }
}

/// How the files are written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FormatConfig {
    /// `auto` (UTF-8, with stray Windows-1252 bytes repaired per field, and byte-order marks
    /// honoured), or any WHATWG encoding label (`windows-1252`, `utf-16le`).
    pub encoding: String,
    /// The field separator: one ASCII character (`,`, `;`, `\t`, `|`), or two (`, `).
    pub delimiter: String,
    /// The character that quotes a field (`"`, `'`); empty when fields are never quoted.
    pub quote: String,
    /// The character that, inside a quoted field, makes the next one plain (`\\`); a
    /// doubled quote stands for a quote without it.
    pub escape: Option<String>,
    /// Lines before the header (a title, a date), skipped.
    pub preamble_lines: usize,
    /// The rows the header takes: 0 for a file without one (then `header` names the
    /// columns by position), 2 or more for a header whose names run over several rows.
    pub header_rows: usize,
    /// Lines after the last record (a total, a disclaimer), skipped.
    pub footnote_lines: usize,
    /// A quoted field still open after this many lines is taken to be missing its closing
    /// quote.
    pub max_record_lines: usize,
    /// The sheet of a workbook that holds the records: its name, or its position from 1;
    /// without it, the first sheet whose header the spec accepts, else the first.
    pub sheet: Option<SheetConfig>,
}

/// A sheet, as `format.sheet` names it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SheetConfig {
    Name(String),
    Position(i64),
}

impl Default for FormatConfig {
    fn default() -> Self {
        FormatConfig {
            encoding: "auto".into(),
            delimiter: ",".into(),
            quote: "\"".into(),
            escape: None,
            preamble_lines: 0,
            header_rows: 1,
            footnote_lines: 0,
            max_record_lines: 20,
            sheet: None,
        }
    }
}

/// One mapping rule: source columns (or a constant) through a normalizer into lead columns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// The source column or columns read.
    pub from: Option<OneOrMany>,
    /// A constant used instead of a source column.
    pub value: Option<String>,
    /// The normalizer's name; `text` when absent.
    #[serde(default = "default_normalizer")]
    pub with: String,
    /// Arguments of normalizers that take some.
    pub args: Option<toml::Table>,
    /// The lead column that receives the normalizer's first part.
    pub to: Option<String>,
    /// Lead column → part, for normalizers with several parts.
    pub into: Option<BTreeMap<String, String>>,
    /// A record whose value here is missing or unusable is rejected.
    #[serde(default)]
    pub required: bool,
}

fn default_normalizer() -> String {
    text::TEXT.name.to_string()
}

/// A column name, or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn names(&self) -> &[String] {
        match self {
            OneOrMany::One(name) => std::slice::from_ref(name),
            OneOrMany::Many(names) => names,
        }
    }
}
