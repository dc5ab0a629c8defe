//! US states and territories as their two-letter postal codes.

use super::{Descriptor, Issue, VALUE_TEXT};
use crate::lead::Value;
use crate::reason::Reason;

pub(crate) static STATE: Descriptor = Descriptor::one_value(
    "state",
    VALUE_TEXT,
    "two-letter code from a code or a name",
    |s| Ok(Value::from_option(state(s)?.map(String::from))),
);

const STATES: [(&str, &str); 56] = [
    ("AL", "ALABAMA"),
    ("AK", "ALASKA"),
    ("AZ", "ARIZONA"),
    ("AR", "ARKANSAS"),
    ("CA", "CALIFORNIA"),
    ("CO", "COLORADO"),
    ("CT", "CONNECTICUT"),
    ("DE", "DELAWARE"),
    ("DC", "DISTRICT OF COLUMBIA"),
    ("FL", "FLORIDA"),
    ("GA", "GEORGIA"),
    ("HI", "HAWAII"),
    ("ID", "IDAHO"),
    ("IL", "ILLINOIS"),
    ("IN", "INDIANA"),
    ("IA", "IOWA"),
    ("KS", "KANSAS"),
    ("KY", "KENTUCKY"),
    ("LA", "LOUISIANA"),
    ("ME", "MAINE"),
    ("MD", "MARYLAND"),
    ("MA", "MASSACHUSETTS"),
    ("MI", "MICHIGAN"),
    ("MN", "MINNESOTA"),
    ("MS", "MISSISSIPPI"),
    ("MO", "MISSOURI"),
    ("MT", "MONTANA"),
    ("NE", "NEBRASKA"),
    ("NV", "NEVADA"),
    ("NH", "NEW HAMPSHIRE"),
    ("NJ", "NEW JERSEY"),
    ("NM", "NEW MEXICO"),
    ("NY", "NEW YORK"),
    ("NC", "NORTH CAROLINA"),
    ("ND", "NORTH DAKOTA"),
    ("OH", "OHIO"),
    ("OK", "OKLAHOMA"),
    ("OR", "OREGON"),
    ("PA", "PENNSYLVANIA"),
    ("RI", "RHODE ISLAND"),
    ("SC", "SOUTH CAROLINA"),
    ("SD", "SOUTH DAKOTA"),
    ("TN", "TENNESSEE"),
    ("TX", "TEXAS"),
    ("UT", "UTAH"),
    ("VT", "VERMONT"),
    ("VA", "VIRGINIA"),
    ("WA", "WASHINGTON"),
    ("WV", "WEST VIRGINIA"),
    ("WI", "WISCONSIN"),
    ("WY", "WYOMING"),
    ("PR", "PUERTO RICO"),
    ("GU", "GUAM"),
    ("VI", "VIRGIN ISLANDS"),
    ("AS", "AMERICAN SAMOA"),
    ("MP", "NORTHERN MARIANA ISLANDS"),
];

/// The two-letter code of a state written as a code or a name (`nv`, `Nevada` → `NV`).
pub(crate) fn state(s: &str) -> Result<Option<&'static str>, Issue> {
    let upper = super::text::clean(s).trim_end_matches('.').to_uppercase();
    if upper.is_empty() {
        return Ok(None);
    }
    STATES
        .iter()
        .find(|(code, name)| *code == upper || *name == upper)
        .map(|(code, _)| Some(*code))
        .ok_or_else(|| Issue::new(Reason::InvalidState, format!("`{s}` is not a US state")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_and_names() {
        assert_eq!(state("NV"), Ok(Some("NV")));
        assert_eq!(state(" ok "), Ok(Some("OK")));
        assert_eq!(state("Texas"), Ok(Some("TX")));
        assert_eq!(state(""), Ok(None));
        assert_eq!(state("Nevadaa").unwrap_err().reason, Reason::InvalidState);
    }
}
