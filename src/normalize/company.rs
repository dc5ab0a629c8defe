//! Business names published together with their owner (`OWNER DBA BUSINESS`).

use std::sync::LazyLock;

use regex::Regex;

use super::person::primary_person;
use super::text::clean;

static DBA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?P<owner>.+?)\s+(?:D/?B/?A|DOING BUSINESS AS)\.?:?\s+(?P<business>.+)$")
        .unwrap()
});

/// Splits `BRIGGS, DASHESHIA DBA DEELIGHTFUL LEARNING STATION, LLC` into the business
/// (`DEELIGHTFUL LEARNING STATION, LLC`) and its owner (`Dasheshia Briggs`). Without a DBA
/// the whole text is the business, as published.
pub fn business_and_owner(s: &str) -> (String, Option<String>) {
    let s = clean(s);
    match DBA.captures(&s) {
        Some(c) => (
            c["business"].to_string(),
            primary_person(&c["owner"]).map(|p| p.full()),
        ),
        None => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_owner_dba_business() {
        assert_eq!(
            business_and_owner("BRIGGS, DASHESHIA DBA DEELIGHTFUL LEARNING STATION, LLC"),
            (
                "DEELIGHTFUL LEARNING STATION, LLC".into(),
                Some("Dasheshia Briggs".into())
            )
        );
    }

    #[test]
    fn keeps_a_name_without_dba_as_published() {
        assert_eq!(
            business_and_owner("HELLSTROM, ELIZABETH"),
            ("HELLSTROM, ELIZABETH".into(), None)
        );
        assert_eq!(
            business_and_owner("MUDDY PUDDLES LEARNING SPACE, LLC "),
            ("MUDDY PUDDLES LEARNING SPACE, LLC".into(), None)
        );
    }
}
