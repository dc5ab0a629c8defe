//! Age groups served, as readable labels and a range in months.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use super::Issue;
use super::text::clean;

/// The upper bound, in months, of an open-ended group (`School-age (5 years-older)`):
/// through age 12, the last age at which US child-care subsidy (CCDF) covers a child.
pub const OPEN_UPPER_BOUND_MONTHS: i64 = 155;

/// Age groups served: labels in published order, and the youngest and oldest age in months.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AgesServed {
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
    pub fn label_list(&self) -> Option<String> {
        (!self.labels.is_empty()).then(|| self.labels.join(", "))
    }
}

/// One age group of a source that publishes a Y/N flag per group, with the group's bounds
/// as the source's licensing rules define them.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AgeGroup {
    pub label: String,
    pub min_months: i64,
    /// Absent for an open-ended group; [`OPEN_UPPER_BOUND_MONTHS`] applies.
    pub max_months: Option<i64>,
}

static MONTHS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(\d+)\s*-\s*(\d+)\s*months?").unwrap());
static YEARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d+)\s*(?:-\s*(\d+)\s*)?(?:years?|yrs?)\.?\s*(-\s*older|\+)?").unwrap()
});

/// Reads groups written as text with their ages (`Infants (0-11 months)`,
/// `Preschool (24-48 months; 2-4 yrs.)`, `School-age (5 years-older)`), one per input.
pub fn from_text(groups: &[&str]) -> Result<AgesServed, Issue> {
    let mut served = AgesServed::default();
    for text in groups.iter().map(|g| clean(g)).filter(|g| !g.is_empty()) {
        let label = text
            .split('(')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let (min, max) = if let Some(c) = MONTHS.captures(&text) {
            (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0))
        } else if let Some(c) = YEARS.captures(&text) {
            let from: i64 = c[1].parse().unwrap_or(0);
            let to = match (c.get(2), c.get(3)) {
                (Some(to), _) => to.as_str().parse::<i64>().unwrap_or(from) * 12 + 11,
                (None, Some(_)) => OPEN_UPPER_BOUND_MONTHS,
                (None, None) => from * 12 + 11,
            };
            (from * 12, to)
        } else {
            return Err(Issue::new(
                "invalid_age_group",
                format!("no ages in `{text}`"),
            ));
        };
        served.add(label, min, max);
    }
    Ok(served)
}

/// Reads one Y/N flag per age group; `groups` gives each flag's group, in input order.
pub fn from_flags(flags: &[&str], groups: &[AgeGroup]) -> Result<AgesServed, Issue> {
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
    fn infants_only() {
        let served = from_text(&["Infants (0-11 months)"]).unwrap();
        assert_eq!((served.min_months, served.max_months), (Some(0), Some(11)));
    }

    #[test]
    fn nothing_served_is_empty() {
        assert_eq!(from_text(&["", " "]).unwrap(), AgesServed::default());
        assert_eq!(
            from_text(&["Babies"]).unwrap_err().reason,
            "invalid_age_group"
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
            "invalid_flag"
        );
    }
}
