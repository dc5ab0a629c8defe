//! Declarative checks on the `leads` table, as dbt tests are on a model: each holds one
//! source's *active* leads (or its snapshots) to a threshold, and says pass or fail.
//!
//! - definitions ([`CheckConfig`], as written in a spec's `[[checks]]` or a checks file) and
//!   their pure [`validate`] into a [`Check`];
//! - where they come from and which sources they hold ([`file`]: the checks file, and
//!   [`Checks`], a spec's checks with the file's);
//! - their evaluation against the store ([`evaluate`]) into a [`CheckResult`];
//! - the stage that runs them in an ingest, before it commits ([`stage`]), and a run of
//!   their own that loads nothing ([`verify()`]).

mod evaluate;
mod file;
mod stage;
mod verify;

use std::fmt;

use serde::Deserialize;

use crate::lead::{ColumnType, LEAD_COLUMNS, column_index};
use crate::normalize::state::state;

pub use file::{CheckError, Checks};
pub use verify::{Verified, verify};

/// What a check measures: a closed vocabulary.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The share of leads with a value in `column` is at least `min_share`.
    FillRate,
    /// Every value of `column` is one of `values` (or a built-in set).
    AcceptedValues,
    /// No value of `column` is held by two leads.
    Unique,
    /// The share of phone numbers that are valid (`phone_valid`) is at least `min_share`.
    ValidPhoneShare,
    /// The number of leads is within `min` and `max`.
    RowCount,
    /// The newest snapshot loaded is at most `max_age_days` old.
    Freshness,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::FillRate => "fill_rate",
            Kind::AcceptedValues => "accepted_values",
            Kind::Unique => "unique",
            Kind::ValidPhoneShare => "valid_phone_share",
            Kind::RowCount => "row_count",
            Kind::Freshness => "freshness",
        }
    }

    /// The keys a check of this kind takes besides `kind`, `name`, `severity` and `source`.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::FillRate => &["column", "min_share"],
            Kind::AcceptedValues => &["column", "values"],
            Kind::Unique => &["column"],
            Kind::ValidPhoneShare => &["min_share"],
            Kind::RowCount => &["min", "max"],
            Kind::Freshness => &["max_age_days"],
        }
    }
}

/// How much a failing check matters: a failing `error` check sets the exit status, a
/// failing `warn` check is only reported.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warn,
    #[default]
    Error,
}

impl Severity {
    /// The text stored in `check_results.severity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// Whether a check held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
}

impl Status {
    /// The text stored in `check_results.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `[[checks]]` table, exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    pub kind: Kind,
    /// Its name in results; by default the kind and its column (`fill_rate(phone)`).
    pub name: Option<String>,
    #[serde(default)]
    pub severity: Severity,
    /// The source it holds, in a checks file; without it, every source that has leads.
    pub source: Option<String>,
    pub column: Option<String>,
    pub values: Option<Vec<String>>,
    pub min_share: Option<f64>,
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub max_age_days: Option<u32>,
}

/// A checked check.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub name: String,
    pub severity: Severity,
    /// The one source it holds, when it names one.
    pub source: Option<String>,
    pub test: Test,
}

/// What a check measures, with its threshold; columns are indexes of [`LEAD_COLUMNS`].
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    FillRate { column: usize, min_share: f64 },
    AcceptedValues { column: usize, values: Accepted },
    Unique { column: usize },
    ValidPhoneShare { min_share: f64 },
    RowCount { min: Option<u64>, max: Option<u64> },
    Freshness { max_age_days: u32 },
}

/// The values an `accepted_values` check accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accepted {
    Listed(Vec<String>),
    /// `state` without `values`: the state the source is named after (`nevada` → `NV`).
    SourceState,
    /// `facility_type` without `values`: the canonical vocabulary.
    FacilityTypes,
}

/// The result of one check on one source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// The run it was made in (an ingest or a verify).
    pub run_id: String,
    pub source: String,
    /// The check's name.
    pub check: String,
    pub severity: Severity,
    pub status: Status,
    /// What was measured, as people read it (`0.970 (97 of 100)`).
    pub observed: String,
    /// What it was held to (`at least 0.9`).
    pub threshold: String,
}

impl CheckResult {
    /// A failing `error` check: the exit status says so.
    pub fn is_failed_error(&self) -> bool {
        self.status == Status::Fail && self.severity == Severity::Error
    }
}

/// The state a source is named after: its id as a state's name or code, `-` and `_` read
/// as spaces (`new_york` → `NY`).
pub(crate) fn source_state(source: &str) -> Option<&'static str> {
    state(&source.replace(['-', '_'], " ")).ok().flatten()
}

/// Checks one `[[checks]]` table without any I/O: its keys are those of its kind, its
/// column a lead column of a fitting type, its thresholds in range.
pub fn validate(config: CheckConfig) -> Result<Check, String> {
    let kind = config.kind;
    let given = [
        ("column", config.column.is_some()),
        ("values", config.values.is_some()),
        ("min_share", config.min_share.is_some()),
        ("min", config.min.is_some()),
        ("max", config.max.is_some()),
        ("max_age_days", config.max_age_days.is_some()),
    ];
    if let Some((key, _)) = given
        .iter()
        .find(|(key, present)| *present && !kind.keys().contains(key))
    {
        return Err(format!(
            "`{key}` is not a key of a `{}` check (it takes {})",
            kind.as_str(),
            kind.keys().join(", ")
        ));
    }
    let column = || -> Result<usize, String> {
        let name = config
            .column
            .as_deref()
            .ok_or_else(|| format!("a `{}` check needs `column`", kind.as_str()))?;
        column_index(name).ok_or_else(|| format!("`column = \"{name}\"` is not a lead column"))
    };
    let min_share = || -> Result<f64, String> {
        let share = config
            .min_share
            .ok_or_else(|| format!("a `{}` check needs `min_share`", kind.as_str()))?;
        if !(0.0..=1.0).contains(&share) {
            return Err(format!("`min_share = {share}` is not a share from 0 to 1"));
        }
        Ok(share)
    };
    let test = match kind {
        Kind::FillRate => Test::FillRate {
            column: column()?,
            min_share: min_share()?,
        },
        Kind::AcceptedValues => {
            let column = column()?;
            let name = LEAD_COLUMNS[column].name;
            if LEAD_COLUMNS[column].ty != ColumnType::Text {
                return Err(format!(
                    "`accepted_values` takes a text column; `{name}` is {}",
                    LEAD_COLUMNS[column].ty
                ));
            }
            let values = match (config.values, name) {
                (Some(values), _) if values.is_empty() => {
                    return Err("`values` lists no value".into());
                }
                (Some(values), _) => Accepted::Listed(values),
                (None, "state") => Accepted::SourceState,
                (None, "facility_type") => Accepted::FacilityTypes,
                (None, _) => {
                    return Err(format!(
                        "`accepted_values` on `{name}` needs `values` (only `state` and \
                         `facility_type` have built-in sets)"
                    ));
                }
            };
            Test::AcceptedValues { column, values }
        }
        Kind::Unique => Test::Unique { column: column()? },
        Kind::ValidPhoneShare => Test::ValidPhoneShare {
            min_share: min_share()?,
        },
        Kind::RowCount => match (config.min, config.max) {
            (None, None) => return Err("a `row_count` check needs `min`, `max` or both".into()),
            (Some(min), Some(max)) if min > max => {
                return Err(format!("`min = {min}` is more than `max = {max}`"));
            }
            (min, max) => Test::RowCount { min, max },
        },
        Kind::Freshness => Test::Freshness {
            max_age_days: config
                .max_age_days
                .ok_or("a `freshness` check needs `max_age_days`")?,
        },
    };
    let name = config.name.unwrap_or_else(|| default_name(&test, kind));
    if name.trim().is_empty() {
        return Err("`name` is empty".into());
    }
    Ok(Check {
        name,
        severity: config.severity,
        source: config.source,
        test,
    })
}

/// The kind, with the column it holds (`fill_rate(phone)`).
fn default_name(test: &Test, kind: Kind) -> String {
    match test {
        Test::FillRate { column, .. }
        | Test::AcceptedValues { column, .. }
        | Test::Unique { column } => format!("{}({})", kind.as_str(), LEAD_COLUMNS[*column].name),
        Test::ValidPhoneShare { .. } | Test::RowCount { .. } | Test::Freshness { .. } => {
            kind.as_str().to_string()
        }
    }
}

/// Where the `n`-th check (from 0) of a spec or checks file is, for its errors.
pub(crate) fn place(n: usize) -> String {
    format!("`[[checks]]` number {}", n + 1)
}

/// Checks the `[[checks]]` of a spec: each as [`validate`] does, none naming a `source`
/// (a spec's checks hold its own), and a built-in `state` set only for a spec named after
/// a state.
pub(crate) fn validate_spec_checks(
    configs: Vec<CheckConfig>,
    spec_id: &str,
) -> Result<Vec<Check>, String> {
    configs
        .into_iter()
        .enumerate()
        .map(|(n, config)| {
            let place = place(n);
            let check = validate(config).map_err(|e| format!("{place}: {e}"))?;
            if check.source.is_some() {
                return Err(format!(
                    "{place}: `source` is for a checks file; a spec's checks hold its own source"
                ));
            }
            needs_no_unknown_state(&check, spec_id).map_err(|e| format!("{place}: {e}"))?;
            Ok(check)
        })
        .collect()
}

/// A check whose accepted values are the source's state needs a source named after one.
fn needs_no_unknown_state(check: &Check, source: &str) -> Result<(), String> {
    let takes_state = matches!(
        check.test,
        Test::AcceptedValues {
            values: Accepted::SourceState,
            ..
        }
    );
    if takes_state && source_state(source).is_none() {
        return Err(format!(
            "`accepted_values` on `state` without `values` takes the state the source is \
             named after, and `{source}` names none; list `values`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Check, String> {
        let config: CheckConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        validate(config)
    }

    #[test]
    fn each_kind_is_read_with_its_threshold() {
        assert_eq!(
            check("kind = \"fill_rate\"\ncolumn = \"phone\"\nmin_share = 0.9"),
            Ok(Check {
                name: "fill_rate(phone)".into(),
                severity: Severity::Error,
                source: None,
                test: Test::FillRate {
                    column: column_index("phone").unwrap(),
                    min_share: 0.9
                },
            })
        );
        let state =
            check("kind = \"accepted_values\"\ncolumn = \"state\"\nseverity = \"warn\"").unwrap();
        assert_eq!(state.name, "accepted_values(state)");
        assert_eq!(state.severity, Severity::Warn);
        assert!(matches!(
            state.test,
            Test::AcceptedValues {
                values: Accepted::SourceState,
                ..
            }
        ));
        let types = check("kind = \"accepted_values\"\ncolumn = \"facility_type\"").unwrap();
        assert!(matches!(
            types.test,
            Test::AcceptedValues {
                values: Accepted::FacilityTypes,
                ..
            }
        ));
        assert_eq!(
            check("kind = \"row_count\"\nmin = 10\nname = \"enough\"\nsource = \"texas\"").unwrap(),
            Check {
                name: "enough".into(),
                severity: Severity::Error,
                source: Some("texas".into()),
                test: Test::RowCount {
                    min: Some(10),
                    max: None
                },
            }
        );
        assert_eq!(
            check("kind = \"freshness\"\nmax_age_days = 7")
                .unwrap()
                .test,
            Test::Freshness { max_age_days: 7 }
        );
        assert_eq!(
            check("kind = \"unique\"\ncolumn = \"license_number\"")
                .unwrap()
                .name,
            "unique(license_number)"
        );
        assert_eq!(
            check("kind = \"valid_phone_share\"\nmin_share = 1")
                .unwrap()
                .test,
            Test::ValidPhoneShare { min_share: 1.0 }
        );
    }

    #[test]
    fn mistakes_are_named() {
        let refused = |text: &str| check(text).unwrap_err();
        assert_eq!(
            refused("kind = \"fill_rate\"\ncolumn = \"phon\"\nmin_share = 0.5"),
            "`column = \"phon\"` is not a lead column"
        );
        assert_eq!(
            refused("kind = \"fill_rate\"\ncolumn = \"phone\"\nmin_share = 90"),
            "`min_share = 90` is not a share from 0 to 1"
        );
        assert_eq!(
            refused("kind = \"unique\"\ncolumn = \"phone\"\nvalues = [\"x\"]"),
            "`values` is not a key of a `unique` check (it takes column)"
        );
        assert_eq!(
            refused("kind = \"accepted_values\"\ncolumn = \"city\""),
            "`accepted_values` on `city` needs `values` (only `state` and `facility_type` \
             have built-in sets)"
        );
        assert_eq!(
            refused("kind = \"accepted_values\"\ncolumn = \"capacity\"\nvalues = [\"1\"]"),
            "`accepted_values` takes a text column; `capacity` is INTEGER"
        );
        assert_eq!(
            refused("kind = \"row_count\"\nmin = 5\nmax = 4"),
            "`min = 5` is more than `max = 4`"
        );
        assert_eq!(
            refused("kind = \"row_count\""),
            "a `row_count` check needs `min`, `max` or both"
        );
        assert_eq!(
            refused("kind = \"freshness\""),
            "a `freshness` check needs `max_age_days`"
        );
        assert!(refused("kind = \"fill_rat\"").contains("unknown variant `fill_rat`"));
        assert!(
            refused("kind = \"freshness\"\nmax_age_days = 7\nseverity = \"fatal\"")
                .contains("unknown variant `fatal`")
        );
        assert!(
            refused("kind = \"freshness\"\nmax_age_days = 7\nthreshold = 1")
                .contains("unknown field `threshold`")
        );
    }

    #[test]
    fn a_spec_check_holds_its_own_source() {
        let configs = |text: &str| -> Vec<CheckConfig> {
            #[derive(Deserialize)]
            struct Wrapper {
                checks: Vec<CheckConfig>,
            }
            toml::from_str::<Wrapper>(text).unwrap().checks
        };
        let state = "[[checks]]\nkind = \"accepted_values\"\ncolumn = \"state\"";
        assert_eq!(
            validate_spec_checks(configs(state), "nevada")
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            validate_spec_checks(configs(state), "acme").unwrap_err(),
            "`[[checks]]` number 1: `accepted_values` on `state` without `values` \
             takes the state the source is named after, and `acme` names none; list `values`"
        );
        let sourced = "[[checks]]\nkind = \"row_count\"\nmin = 1\nsource = \"texas\"";
        assert_eq!(
            validate_spec_checks(configs(sourced), "nevada").unwrap_err(),
            "`[[checks]]` number 1: `source` is for a checks file; a spec's checks \
             hold its own source"
        );
        assert_eq!(source_state("new_york"), Some("NY"));
        assert_eq!(source_state("nevada"), Some("NV"));
        assert_eq!(source_state("acme"), None);
    }
}
