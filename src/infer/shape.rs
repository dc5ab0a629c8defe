//! What a column's values look like: the share of its sampled values of each shape, judged
//! by the normalizers that would read them.

use std::collections::HashSet;

use crate::normalize::{address, date, email, flag, person, phone, state, zip};

/// A shape a value can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Shape {
    Phone,
    Email,
    Zip,
    Date,
    State,
    YesNo,
    /// Street, city, state and ZIP in one field.
    OneLineAddress,
    /// A street address: a number, then words.
    Street,
    /// A person's name: two to four words of letters, or `LAST, FIRST`.
    PersonName,
    /// A name, a line break, a title.
    NameAndTitle,
    /// A licence's type and number in one field: `CHILD CARE FAMILY - K820055232`.
    TypeAndNumber,
    /// Digits only.
    Integer,
    /// Letters and digits with at least one digit, no spaces: an identifier.
    Identifier,
}

impl Shape {
    /// Every shape, in the order they are tried when several fit as well.
    pub(crate) const ALL: [Shape; 13] = [
        Shape::Email,
        Shape::Phone,
        Shape::Zip,
        Shape::Date,
        Shape::OneLineAddress,
        Shape::TypeAndNumber,
        Shape::NameAndTitle,
        Shape::State,
        Shape::YesNo,
        Shape::Street,
        Shape::Integer,
        Shape::Identifier,
        Shape::PersonName,
    ];

    /// Its name, in a draft's comments.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Shape::Phone => "phone",
            Shape::Email => "e-mail",
            Shape::Zip => "ZIP",
            Shape::Date => "date",
            Shape::State => "state",
            Shape::YesNo => "Y/N",
            Shape::OneLineAddress => "one-field address",
            Shape::Street => "street",
            Shape::PersonName => "person-name",
            Shape::NameAndTitle => "name-and-title",
            Shape::TypeAndNumber => "type-and-number",
            Shape::Integer => "integer",
            Shape::Identifier => "identifier",
        }
    }

    /// Whether one value has this shape.
    pub(crate) fn fits(self, value: &str) -> bool {
        let value = value.trim();
        match self {
            // Seven digits or more: a capacity or a year is no phone number.
            Shape::Phone => {
                value.chars().filter(char::is_ascii_digit).count() >= 10
                    && value
                        .chars()
                        .all(|c| c.is_ascii_digit() || " ()-.+/x#".contains(c))
                    && matches!(phone::phone(value), Ok(Some(_)))
            }
            Shape::Email => email::email(value).is_some_and(|(_, valid)| valid),
            Shape::Zip => {
                let digits = value.trim_end_matches(".0");
                (digits.len() == 5 || digits.len() == 10)
                    && digits.chars().all(|c| c.is_ascii_digit() || c == '-')
                    && matches!(zip::zip(digits), Ok(Some(_)))
            }
            Shape::Date => {
                value.len() <= 10
                    && value
                        .chars()
                        .all(|c| c.is_ascii_digit() || "/-.".contains(c))
                    && matches!(date::date(value), Ok(Some(_)))
            }
            Shape::State => value.len() == 2 && matches!(state::state(value), Ok(Some(_))),
            Shape::YesNo => matches!(flag::yes_no(value), Ok(Some(_))) && value.len() <= 3,
            Shape::OneLineAddress => {
                value.starts_with(|c: char| c.is_ascii_digit())
                    && value.contains(',')
                    && matches!(address::one_line(value), Ok(Some((_, None))))
            }
            Shape::Street => {
                let mut words = value.split_whitespace();
                words
                    .next()
                    .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
                    && words
                        .next()
                        .is_some_and(|w| w.chars().any(char::is_alphabetic))
                    && !value.contains(',')
            }
            Shape::PersonName => is_person_name(value),
            Shape::NameAndTitle => value.split_once('\n').is_some_and(|(name, title)| {
                is_person_name(name.trim()) && !title.trim().is_empty()
            }),
            Shape::TypeAndNumber => value.rsplit_once(" - ").is_some_and(|(kind, number)| {
                kind.chars().all(|c| c.is_alphabetic() || c == ' ') && is_identifier(number)
            }),
            Shape::Integer => !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()),
            Shape::Identifier => is_identifier(value),
        }
    }
}

/// Letters, digits and `-` only, with a digit: `1106-22`, `K820055232`.
fn is_identifier(value: &str) -> bool {
    (2..=24).contains(&value.len())
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Two to four words of letters (`JANEECE NOEL`), or `LAST, FIRST`; a business word
/// (`LLC`, `ACADEMY`) makes it no person.
fn is_person_name(value: &str) -> bool {
    const BUSINESS: &[&str] = &[
        "LLC",
        "INC",
        "ACADEMY",
        "CENTER",
        "CENTRE",
        "SCHOOL",
        "LEARNING",
        "CHILDCARE",
        "CARE",
        "DAYCARE",
        "KIDS",
        "PRESCHOOL",
        "CHURCH",
        "CORP",
        "CO",
        "COMPANY",
        "FOUNDATION",
    ];
    let words: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '.' || c == '&')
        })
        && !words
            .iter()
            .any(|w| BUSINESS.contains(&w.to_uppercase().trim_end_matches('.')))
        && person::primary_person(value).is_some()
}

/// What a column's sampled values are.
#[derive(Debug, Default)]
pub(crate) struct Profile {
    /// Values sampled, empty ones included.
    pub values: usize,
    /// Of them, not empty.
    pub filled: usize,
    /// Distinct non-empty values.
    pub distinct: usize,
    /// The share of non-empty values of each shape that fits most of them, best first.
    pub shapes: Vec<(Shape, f64)>,
    /// The distinct values, when few (a vocabulary such as a facility type).
    pub vocabulary: Option<Vec<String>>,
}

/// A vocabulary has at most this many values.
const VOCABULARY: usize = 30;

impl Profile {
    /// The profile of a column's sampled values.
    pub(crate) fn of(values: &[&str]) -> Profile {
        let filled: Vec<&str> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        let distinct: HashSet<&str> = filled.iter().copied().collect();
        let mut shapes: Vec<(Shape, f64)> = Shape::ALL
            .iter()
            .map(|&shape| {
                let fit = filled.iter().filter(|v| shape.fits(v)).count();
                (shape, share(fit, filled.len()))
            })
            .filter(|&(_, share)| share > 0.0)
            .collect();
        shapes.sort_by(|a, b| b.1.total_cmp(&a.1));
        let vocabulary =
            (distinct.len() <= VOCABULARY && filled.len() > distinct.len()).then(|| {
                let mut words: Vec<String> = distinct.iter().map(|v| v.to_string()).collect();
                words.sort();
                words
            });
        Profile {
            values: values.len(),
            filled: filled.len(),
            distinct: distinct.len(),
            shapes,
            vocabulary,
        }
    }

    /// The share of non-empty values of `shape`.
    pub(crate) fn share_of(&self, shape: Shape) -> f64 {
        self.shapes
            .iter()
            .find(|(s, _)| *s == shape)
            .map_or(0.0, |&(_, share)| share)
    }

    /// The shape most values have, if at least `min` of them do.
    pub(crate) fn main_shape(&self, min: f64) -> Option<(Shape, f64)> {
        self.shapes
            .first()
            .copied()
            .filter(|&(_, share)| share >= min)
    }

    /// Every value is there and none repeats: a key.
    pub(crate) fn is_unique(&self) -> bool {
        self.filled > 0 && self.filled == self.values && self.distinct == self.filled
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fit_the_shapes_the_normalizers_read() {
        let fits = |shape: Shape, value: &str| shape.fits(value);
        assert!(fits(Shape::Phone, "(209) 747-1797"));
        assert!(fits(Shape::Phone, "346-393-9400"));
        assert!(!fits(Shape::Phone, "82"));
        assert!(!fits(Shape::Phone, "11/30/2023"));
        assert!(fits(Shape::Email, "symira24@gmail.com"));
        assert!(fits(Shape::Zip, "73099"));
        assert!(fits(Shape::Zip, "73099.0"));
        assert!(!fits(Shape::Zip, "1239246"));
        assert!(fits(Shape::Date, "11/30/2023"));
        assert!(fits(Shape::Date, "2023-05-02"));
        assert!(!fits(Shape::Date, "Active"));
        assert!(fits(Shape::State, "NV"));
        assert!(!fits(Shape::State, "NEVADA CITY"));
        assert!(fits(Shape::YesNo, "Y"));
        assert!(fits(
            Shape::OneLineAddress,
            "150 N. WILLOW ST MESQUITE, NV 89027"
        ));
        assert!(fits(Shape::Street, "10900 NW 38TH TERRACE"));
        assert!(fits(Shape::PersonName, "JANEECE NOEL"));
        assert!(fits(Shape::PersonName, "HELLSTROM, ELIZABETH"));
        assert!(!fits(Shape::PersonName, "BOLD AND BRIGHT ACADEMY LLC"));
        assert!(fits(
            Shape::NameAndTitle,
            "Elizabeth Hellstrom\nPrimary Caregiver"
        ));
        assert!(fits(Shape::TypeAndNumber, "CHILD CARE FAMILY - K820055232"));
        assert!(fits(Shape::Identifier, "1106-22"));
        assert!(!fits(Shape::Identifier, "CENTER"));
    }

    #[test]
    fn a_profile_counts_shapes_uniqueness_and_a_vocabulary() {
        let profile = Profile::of(&["CENTER", "FAMILY CARE", "CENTER", ""]);
        assert_eq!(
            (profile.values, profile.filled, profile.distinct),
            (4, 3, 2)
        );
        assert_eq!(
            profile.vocabulary,
            Some(vec!["CENTER".to_string(), "FAMILY CARE".to_string()])
        );
        assert!(!profile.is_unique());
        let keys = Profile::of(&["1106-22", "1288-22", "2919-23"]);
        assert!(keys.is_unique());
        assert_eq!(keys.main_shape(0.9), Some((Shape::Identifier, 1.0)));
        assert_eq!(keys.vocabulary, None);
    }
}
