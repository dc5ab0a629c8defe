//! A pair of leads as the model reads it: one level per field, as an index.

use chrono::NaiveDate;

use crate::lead::{LeadValues, Value, column_index};

use super::compare::{self, Band, Level, Lines, PersonName, Place};

/// The fields two leads are compared on, in the order of a pair's levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Company,
    Person,
    Address,
    Phone,
    Email,
    ZipCity,
    /// The date the license was first issued (`license_issued`).
    LicenseIssued,
    /// The license number (`license_number`).
    LicenseNumber,
}

impl Field {
    /// Every field, in the order of a pair's levels.
    pub const ALL: [Field; 8] = [
        Field::Company,
        Field::Person,
        Field::Address,
        Field::Phone,
        Field::Email,
        Field::ZipCity,
        Field::LicenseIssued,
        Field::LicenseNumber,
    ];

    /// How alike two leads are on the field.
    pub fn compare(self, a: &LeadValues, b: &LeadValues) -> Level {
        let person = |lead| PersonName {
            first: text(lead, "first_name"),
            last: text(lead, "last_name"),
        };
        let lines = |lead| Lines {
            first: text(lead, "address1"),
            second: text(lead, "address2"),
        };
        let place = |lead| Place {
            zip: text(lead, "zip"),
            city: text(lead, "city"),
        };
        match self {
            Field::Company => compare::company(text(a, "company"), text(b, "company")),
            Field::Person => compare::person(person(a), person(b)),
            Field::Address => compare::address(lines(a), lines(b)),
            Field::Phone => compare::phone(text(a, "phone"), text(b, "phone")),
            Field::Email => compare::email(text(a, "email"), text(b, "email")),
            Field::ZipCity => compare::zip_city(place(a), place(b)),
            Field::LicenseIssued => {
                compare::date(date(a, "license_issued"), date(b, "license_issued"))
            }
            Field::LicenseNumber => {
                compare::id(text(a, "license_number"), text(b, "license_number"))
            }
        }
    }
}

/// A lead's date in a column, by name: a date value, or text that spells one as ISO
/// (`2019-03-01`).
pub(crate) fn date(lead: &LeadValues, column: &str) -> Option<NaiveDate> {
    match &lead[column_index(column).expect("a lead column")] {
        Value::Date(date) => Some(*date),
        Value::Text(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok(),
        _ => None,
    }
}

/// A lead's text in a column, by name.
fn text<'a>(lead: &'a LeadValues, column: &str) -> Option<&'a str> {
    lead[column_index(column).expect("a lead column")].as_text()
}

/// How many levels a field's index takes: [`index`]'s range.
pub const LEVELS: usize = 9;

/// A level as the model indexes it: 0 is `Null` (no evidence), then from the most alike to
/// the least.
pub fn index(level: Level) -> u8 {
    match level {
        Level::Null => 0,
        Level::Exact => 1,
        Level::Typo => 2,
        Level::JaroWinkler { band: Band::High } => 3,
        Level::TokenOverlap => 4,
        Level::Phonetic => 5,
        Level::JaroWinkler { band: Band::Medium } => 6,
        Level::Partial => 7,
        Level::Different => 8,
    }
}

/// The level an [`index`] stands for.
pub fn level(index: u8) -> Level {
    match index {
        0 => Level::Null,
        1 => Level::Exact,
        2 => Level::Typo,
        3 => Level::JaroWinkler { band: Band::High },
        4 => Level::TokenOverlap,
        5 => Level::Phonetic,
        6 => Level::JaroWinkler { band: Band::Medium },
        7 => Level::Partial,
        _ => Level::Different,
    }
}

/// The levels of a pair, one per [`Field::ALL`].
pub fn levels(a: &LeadValues, b: &LeadValues) -> [u8; Field::ALL.len()] {
    Field::ALL.map(|field| index(field.compare(a, b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::Value;
    use crate::lead::text_lead as lead;

    #[test]
    fn a_re_export_and_a_chain_site_read_as_their_levels() {
        let center = lead(&[
            ("company", "SUNSHINE ACADEMY PRE-SCHOOL"),
            ("first_name", "Janeece"),
            ("last_name", "Noel"),
            ("address1", "150 N WILLOW ST"),
            ("city", "MESQUITE"),
            ("zip", "89027"),
            ("phone", "+13463939400"),
            ("license_issued", "2016-03-01"),
            ("license_number", "CCL-1804974"),
        ]);
        let re_export = lead(&[
            ("company", "SUNSHINE ACADEMY PRESCHOOL"),
            ("first_name", "Janeece"),
            ("last_name", "Noel"),
            ("address1", "150 NORTH WILLOW STREET"),
            ("city", "MESQUITE"),
            ("zip", "89027"),
            ("phone", "+13463939400"),
            ("license_issued", "2016-01-03"),
            ("license_number", "CCL-1804794"),
        ]);
        let other_site = lead(&[
            ("company", "SUNSHINE ACADEMY PRE-SCHOOL #2"),
            ("first_name", "Ann"),
            ("last_name", "Park"),
            ("address1", "9 ELM AVE"),
            ("city", "LAS VEGAS"),
            ("zip", "89101"),
            ("phone", "+13463939400"),
        ]);
        let [
            company,
            person,
            address,
            phone,
            email,
            place,
            issued,
            number,
        ] = levels(&center, &re_export);
        assert_eq!((person, address, phone, email, place), (1, 1, 1, 0, 1));
        assert!(matches!(company, 1..=4), "a dash dropped: {company}");
        // Day and month swapped, two digits swapped: typos.
        assert_eq!((issued, number), (2, 2));
        let [_, person, address, phone, email, place, issued, number] =
            levels(&center, &other_site);
        assert_eq!((person, address, phone, email, place), (8, 8, 1, 0, 8));
        // No license date or number to compare.
        assert_eq!((issued, number), (0, 0));
        let dated = |d| {
            let mut lead = center.clone();
            lead[column_index("license_issued").unwrap()] = Value::Date(d);
            lead
        };
        let issued = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap();
        assert_eq!(
            levels(&dated(issued), &center)[6],
            1,
            "a date value and its text"
        );
        assert!(levels(&center, &center).iter().all(|&l| l <= 1));
        assert!(usize::from(*levels(&center, &other_site).iter().max().unwrap()) < LEVELS);
        assert!((0..LEVELS as u8).all(|i| index(level(i)) == i));
    }
}
