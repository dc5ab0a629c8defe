//! Age groups served, as readable labels and a range in months.

use serde::Deserialize;

use super::text::clean;
use super::{Arity, Build, Configured, Descriptor, Issue, Part, Verdict, parse_args, part};
use crate::lead::{ColumnType, Value};
use crate::reason::Reason;

/// The parts of both normalizers of ages served.
const AGES: &[Part] = &[
    part("ages_served", ColumnType::Text),
    part("min_age", ColumnType::Integer),
    part("max_age", ColumnType::Integer),
];

pub(crate) static AGES_TEXT: Descriptor = Descriptor {
    name: "ages_text",
    parts: AGES,
    gives: "[`ages_served`, `min_age`, `max_age`] in months from `Toddlers (12-23 months; 1yr.)`, …",
    build: Build::Fixed {
        arity: Arity::AtLeastOne,
        apply: |inputs, out| write_served(from_text(inputs)?, out),
    },
};

pub(crate) static AGE_FLAGS: Descriptor = Descriptor {
    name: "age_flags",
    parts: AGES,
    gives: "the same from Y/N flags, with `args.groups` giving each flag's label and months",
    build: Build::FromArgs {
        reads: "1 per group",
        needs: "`args.groups`, one group per input column",
        build: age_flags,
    },
};

/// `age_flags`' `args`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgeFlagsArgs {
    /// The age group of each input column, in input order.
    groups: Vec<AgeGroup>,
}

fn age_flags(args: &toml::Table) -> Result<Configured, String> {
    let AgeFlagsArgs { groups } = parse_args(args)?;
    Ok(Configured {
        arity: Arity::Exactly(groups.len()),
        apply: Box::new(move |inputs, out| write_served(from_flags(inputs, &groups)?, out)),
    })
}

/// Fills the parts of [`AGES`].
fn write_served(served: AgesServed, out: &mut [Value]) -> Verdict {
    out[0] = Value::from_option(served.label_list());
    out[1] = served.min_months.map_or(Value::Null, Value::Integer);
    out[2] = served.max_months.map_or(Value::Null, Value::Integer);
    Ok(None)
}

/// The upper bound, in months, of an open-ended group (`School-age (5 years-older)`):
/// through age 12, the last age at which US child-care subsidy (CCDF) covers a child.
pub(crate) const OPEN_UPPER_BOUND_MONTHS: i64 = 155;

/// Age groups served: labels in published order, and the youngest and oldest age in months.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct AgesServed {
    pub labels: Vec<String>,
    pub min_months: Option<i64>,
    pub max_months: Option<i64>,
}

impl AgesServed {
    fn add(&mut self, label: String, min: i64, max: i64) {
        self.labels.push(label);
        self.min_months = Some(self.min_months.map_or(min, |m| m.min(min)));
        self.max_months = Some(self.max_months.map_or(max, |m| m.max(max)));
    }

    /// `Infants, Toddlers, Preschool`, or nothing when no group is served.
    pub(crate) fn label_list(&self) -> Option<String> {
        (!self.labels.is_empty()).then(|| self.labels.join(", "))
    }
}

/// One age group of a source that publishes a Y/N flag per group, with the group's bounds
/// as the source's licensing rules define them.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgeGroup {
    pub label: String,
    pub min_months: i64,
    /// Absent for an open-ended group; [`OPEN_UPPER_BOUND_MONTHS`] applies.
    pub max_months: Option<i64>,
}

/// Reads groups written as text with their ages (`Infants (0-11 months)`,
/// `Preschool (24-48 months; 2-4 yrs.)`, `School-age (5 years-older)`), one per input.
pub(crate) fn from_text(groups: &[&str]) -> Result<AgesServed, Issue> {
    let mut served = AgesServed::default();
    for text in groups.iter().map(|g| clean(g)).filter(|g| !g.is_empty()) {
        let label = text
            .split('(')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let Some((min, max)) = months(&text).or_else(|| years(&text)) else {
            return Err(Issue::new(
                Reason::InvalidAgeGroup,
                format!("no ages in `{text}`"),
            ));
        };
        if [min, max].into_iter().any(|m| i32::try_from(m).is_err()) {
            return Err(Issue::new(
                Reason::InvalidAgeGroup,
                format!("ages in `{text}` are beyond the range of whole-number columns"),
            ));
        }
        served.add(label, min, max);
    }
    Ok(served)
}

/// The first range in months in cleaned text: `0-11 months`, `24 - 48 Months`.
fn months(text: &str) -> Option<(i64, i64)> {
    number_starts(text).find_map(|start| {
        let mut rest = Cursor(&text[start..]);
        let from = rest.number()?;
        rest.spaces();
        rest.word("-")?;
        rest.spaces();
        let to = rest.number()?;
        rest.spaces();
        rest.word("month")?;
        Some((from, to))
    })
}

/// The first ages in years in cleaned text, as a range in months: `2-4 yrs.`, `1yr.`,
/// `5 years` (through age 5), or open-ended, `5 years-older` and `5 years+`, through
/// [`OPEN_UPPER_BOUND_MONTHS`].
fn years(text: &str) -> Option<(i64, i64)> {
    number_starts(text).find_map(|start| {
        let mut rest = Cursor(&text[start..]);
        let from = rest.number()?;
        rest.spaces();
        let to = match rest.word("-") {
            Some(()) => {
                rest.spaces();
                let to = rest.number()?;
                rest.spaces();
                Some(to)
            }
            None => None,
        };
        rest.word("year").or_else(|| rest.word("yr"))?;
        let _ = rest.word("s");
        let _ = rest.word(".");
        rest.spaces();
        let open = rest.word("+").is_some() || {
            let dash = rest.word("-").is_some();
            rest.spaces();
            dash && rest.word("older").is_some()
        };
        // Through the last month of the last year.
        let through = |year: i64| year.saturating_mul(12).saturating_add(11);
        let to = match (to, open) {
            (Some(to), _) => through(to),
            (None, true) => OPEN_UPPER_BOUND_MONTHS,
            (None, false) => through(from),
        };
        Some((from.saturating_mul(12), to))
    })
}

/// Where each run of ASCII digits starts: an age begins at one.
fn number_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(move |&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
}

/// The unread rest of an age group's text.
struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    /// Reads a run of ASCII digits as a number; one too large for `i64` saturates, for
    /// [`from_text`] to refuse as it refuses any age beyond the whole-number columns.
    fn number(&mut self) -> Option<i64> {
        let end = self.0.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, rest) = self.0.split_at(end);
        self.0 = rest;
        (end > 0).then(|| digits.parse().unwrap_or(i64::MAX))
    }

    fn spaces(&mut self) {
        self.0 = self.0.trim_start_matches(' ');
    }

    /// Reads `word`, in any letter case.
    fn word(&mut self, word: &str) -> Option<()> {
        let found = self.0.get(..word.len())?.eq_ignore_ascii_case(word);
        found.then(|| self.0 = &self.0[word.len()..])
    }
}

/// Reads one Y/N flag per age group; `groups` gives each flag's group, in input order.
pub(crate) fn from_flags(flags: &[&str], groups: &[AgeGroup]) -> Result<AgesServed, Issue> {
    let mut served = AgesServed::default();
    for (flag, group) in flags.iter().zip(groups) {
        if super::flag::yes_no(flag)? == Some(true) {
            let max = group.max_months.unwrap_or(OPEN_UPPER_BOUND_MONTHS);
            served.add(group.label.clone(), group.min_months, max);
        }
    }
    Ok(served)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The readings find what the patterns they replaced found, on cleaned text.
        #[test]
        fn the_readings_are_the_patterns(s in "[(;a-zA-Z]{0,3}[0-9]{1,3}[ ]{0,2}-?[ ]{0,2}[0-9]{0,2}[ ]{0,2}(months?|MONTH|mont|years?|Yrs?|yr|yea)?[.s]?[ ]?(-|\\+)?[ ]?(older|OLD)?[ )0-9-]{0,3}") {
            let s = clean(&s);
            let months_pattern = regex::Regex::new(r"(?i)(\d+)\s*-\s*(\d+)\s*months?").unwrap();
            let years_pattern = regex::Regex::new(
                r"(?i)(\d+)\s*(?:-\s*(\d+)\s*)?(?:years?|yrs?)\.?\s*(-\s*older|\+)?",
            ).unwrap();
            let by_months = months_pattern
                .captures(&s)
                .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()));
            let by_years = years_pattern.captures(&s).map(|c| {
                let from: i64 = c[1].parse().unwrap();
                let to = match (c.get(2), c.get(3)) {
                    (Some(to), _) => to.as_str().parse::<i64>().unwrap() * 12 + 11,
                    (None, Some(_)) => OPEN_UPPER_BOUND_MONTHS,
                    (None, None) => from * 12 + 11,
                };
                (from * 12, to)
            });
            proptest::prop_assert_eq!(months(&s), by_months, "{:?}", s);
            proptest::prop_assert_eq!(years(&s), by_years, "{:?}", s);
        }
    }

    #[test]
    fn reads_oklahoma_groups() {
        let served = from_text(&[
            "Toddlers (12-23 months; 1yr.)",
            "Preschool (24-48 months; 2-4 yrs.)",
            "",
            "School-age (5 years-older)",
        ])
        .unwrap();
        assert_eq!(
            served.label_list().as_deref(),
            Some("Toddlers, Preschool, School-age")
        );
        assert_eq!(served.min_months, Some(12));
        assert_eq!(served.max_months, Some(OPEN_UPPER_BOUND_MONTHS));
    }

    #[test]
    fn ages_beyond_whole_number_columns_are_refused() {
        for absurd in [
            "Adults (200000000 years)",
            "Adults (9223372036854775807 years)",
            "Adults (99999999999999999999 years)",
            "Babies (99999999999999999999-5 months)",
        ] {
            assert_eq!(
                from_text(&[absurd]).unwrap_err().reason,
                Reason::InvalidAgeGroup
            );
        }
        let oldest = from_text(&["Adults (178956969 years)"]).unwrap();
        assert_eq!(oldest.max_months, Some(2_147_483_639));
    }

    #[test]
    fn infants_only() {
        let served = from_text(&["Infants (0-11 months)"]).unwrap();
        assert_eq!((served.min_months, served.max_months), (Some(0), Some(11)));
    }

    #[test]
    fn nothing_served_is_empty() {
        assert_eq!(from_text(&["", " "]).unwrap(), AgesServed::default());
        assert_eq!(
            from_text(&["Babies"]).unwrap_err().reason,
            Reason::InvalidAgeGroup
        );
    }

    #[test]
    fn reads_flags_with_their_groups() {
        let groups = [
            AgeGroup {
                label: "Infants".into(),
                min_months: 0,
                max_months: Some(17),
            },
            AgeGroup {
                label: "School-age".into(),
                min_months: 60,
                max_months: None,
            },
        ];
        let served = from_flags(&["N", "Y"], &groups).unwrap();
        assert_eq!(served.label_list().as_deref(), Some("School-age"));
        assert_eq!(
            (served.min_months, served.max_months),
            (Some(60), Some(155))
        );
        assert_eq!(
            from_flags(&["?", "Y"], &groups).unwrap_err().reason,
            Reason::InvalidFlag
        );
    }
}
