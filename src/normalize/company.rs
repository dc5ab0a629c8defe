//! Business names published together with their owner (`OWNER DBA BUSINESS`).

use std::sync::LazyLock;

use regex::Regex;

use super::person::primary_person;
use super::text::clean;
use super::{Descriptor, part, write_split};
use crate::lead::ColumnType::Text;

pub(crate) static DBA: Descriptor = Descriptor::one_field(
    "dba",
    &[part("business", Text), part("owner", Text)],
    "[`business`, `owner`] from `LAST, FIRST DBA BUSINESS`; without DBA the business is the text as published, and its owner the person when the text is a `LAST, FIRST` name",
    |s, out| write_split(business_and_owner(s), out),
);

static DOING_BUSINESS_AS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?P<owner>.+?)\s+(?:D/?B/?A|DOING BUSINESS AS)\.?:?\s+(?P<business>.+)$")
        .unwrap()
});

/// Words that make a name a business's rather than a person's.
const BUSINESS_WORDS: &[&str] = &[
    "LLC",
    "L.L.C.",
    "LC",
    "INC",
    "INC.",
    "CORP",
    "CORP.",
    "CO",
    "CO.",
    "LTD",
    "LLP",
    "PLLC",
    "CENTER",
    "ACADEMY",
    "SCHOOL",
    "DAYCARE",
    "CARE",
    "CHILD",
    "CHILDCARE",
    "LEARNING",
    "PRESCHOOL",
    "CHURCH",
    "MINISTRIES",
    "KIDS",
    "HOME",
    "CLUB",
    "THE",
    "OF",
    "AND",
    "&",
];

/// Splits `BRIGGS, DASHESHIA DBA DEELIGHTFUL LEARNING STATION, LLC` into the business
/// (`DEELIGHTFUL LEARNING STATION, LLC`) and its owner (`Dasheshia Briggs`). Without a DBA
/// the whole text is the business, as published; when that text is a person's name
/// (`HELLSTROM, ELIZABETH`, a family home licensed to its caregiver), the person is also
/// the owner.
pub(crate) fn business_and_owner(s: &str) -> (String, Option<String>) {
    let s = clean(s);
    match DOING_BUSINESS_AS.captures(&s) {
        Some(c) => (
            c["business"].to_string(),
            primary_person(&c["owner"]).map(|p| p.full()),
        ),
        None => {
            let owner = looks_like_last_comma_first(&s)
                .then(|| primary_person(&s).map(|p| p.full()))
                .flatten();
            (s, owner)
        }
    }
}

/// `LAST, FIRST`: one comma, a word or two on each side, no digits, no business words.
fn looks_like_last_comma_first(s: &str) -> bool {
    let Some((last, first)) = s.split_once(',') else {
        return false;
    };
    let words = |part: &str| part.split_whitespace().count();
    let personal = |word: &str| !BUSINESS_WORDS.contains(&word.to_uppercase().as_str());
    !first.contains(',')
        && (1..=2).contains(&words(last))
        && (1..=3).contains(&words(first))
        && !s.chars().any(|c| c.is_ascii_digit())
        && s.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .all(personal)
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
    fn keeps_a_person_named_company_and_names_its_owner() {
        assert_eq!(
            business_and_owner("HELLSTROM, ELIZABETH"),
            (
                "HELLSTROM, ELIZABETH".into(),
                Some("Elizabeth Hellstrom".into())
            )
        );
        assert_eq!(
            business_and_owner("DAWSON, TA'SHANA"),
            ("DAWSON, TA'SHANA".into(), Some("Ta'Shana Dawson".into()))
        );
    }

    #[test]
    fn a_business_without_dba_has_no_owner() {
        for (published, business) in [
            (
                "MUDDY PUDDLES LEARNING SPACE, LLC ",
                "MUDDY PUDDLES LEARNING SPACE, LLC",
            ),
            ("WIGGLES AND GIGGLES ,LLC", "WIGGLES AND GIGGLES, LLC"),
            ("BRIGHT ACORN ACADEMY, INC.", "BRIGHT ACORN ACADEMY, INC."),
            ("MOTHER GOOSE DAYCARE #2", "MOTHER GOOSE DAYCARE #2"),
        ] {
            assert_eq!(business_and_owner(published), (business.into(), None));
        }
    }
}
