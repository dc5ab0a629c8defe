//! People's names: the primary contact of a record, in proper case.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::text::{clean, title_case};
use super::{Descriptor, part};
use crate::lead::{ColumnType::Text, Value};

pub(crate) static PERSON_NAME: Descriptor = Descriptor::one_field(
    "person_name",
    &[
        part("first_name", Text),
        part("last_name", Text),
        part("full_name", Text),
    ],
    "[`first_name`, `last_name`, `full_name`] of the first person named: `LAST, FIRST`, maiden names in parentheses, and several people (`TANIA & NICOLE PINEDA & POBLETE` → Tania Pineda)",
    |s, out| {
        if let Some(person) = primary_person(s) {
            out[2] = Value::text(person.full());
            write_name(person, out);
        }
        Ok(None)
    },
);

pub(crate) static NAME_AND_TITLE: Descriptor = Descriptor::one_field(
    "name_and_title",
    &[
        part("first_name", Text),
        part("last_name", Text),
        part("title", Text),
    ],
    "[`first_name`, `last_name`, `title`] from `Name` + line break + `Title`",
    |s, out| {
        let (person, title) = name_and_title(s);
        if let Some(person) = person {
            write_name(person, out);
        }
        out[2] = Value::from_option(title);
        Ok(None)
    },
);

/// Fills `first_name` and `last_name`, the parts both normalizers of people begin with.
fn write_name(person: PersonName, out: &mut [Value]) {
    out[0] = Value::text(person.first);
    out[1] = Value::from_option(person.last);
}

/// A person's given name and surname.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PersonName {
    pub first: String,
    pub last: Option<String>,
}

impl PersonName {
    /// `First Last`.
    pub(crate) fn full(&self) -> String {
        match &self.last {
            Some(last) => format!("{} {last}", self.first),
            None => self.first.clone(),
        }
    }
}

static PARENTHESES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^)]*\)?").unwrap());
static PEOPLE_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*(?:&|,|\bAND\b)\s*").unwrap());
static JOINS_PEOPLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)&|\bAND\b").unwrap());

/// The first person named in a contact field. Handles `LAST, FIRST`, parenthesised maiden
/// names (`Malinda Wolfe (Phillips)`), and several people in one field, where the given
/// names come first and the surnames after them in the same order:
/// `TANIA & NICOLE PINEDA & POBLETE` → Tania Pineda, `ANASTASIA, KASHMIR EDEY, SHAFER` →
/// Anastasia Edey, `SARA PALLUCK AND HEATHER EASTVELD PALLUCK` → Sara Palluck.
pub(crate) fn primary_person(s: &str) -> Option<PersonName> {
    let s = clean(&PARENTHESES.replace_all(s, " "));
    if s.is_empty() {
        return None;
    }
    let joined = JOINS_PEOPLE.is_match(&s);
    if !joined && !s.contains(',') {
        return single_person(&s);
    }
    let segments: Vec<&str> = PEOPLE_SEPARATOR
        .split(&s)
        .filter(|p| !p.is_empty())
        .collect();
    let several_people = joined || segments.len() > 2;
    match segments.as_slice() {
        [] => None,
        [last, first] if !several_people => single_person(&format!("{first} {last}")),
        [first, second] => match second.split_once(' ') {
            // `TANIA & NICOLE PINEDA`: the surname is shared.
            Some((_, last)) if !first.contains(' ') => Some(cased(first, Some(last))),
            _ => single_person(first),
        },
        // Given names first, then surnames: `F1 & F2 L1 & L2`, `F1 & F2, L1 & L2`.
        [first, middle, ..] => {
            let last = if segments.len() >= 4 {
                Some(segments[segments.len() / 2])
            } else {
                middle.split_once(' ').map(|(_, last)| last)
            };
            Some(cased(first, last.or(segments.get(2).copied())))
        }
        [one] => single_person(one),
    }
}

/// Splits a two-line `Name` + line break + `Title` field (Oklahoma's caregiver).
pub(crate) fn name_and_title(s: &str) -> (Option<PersonName>, Option<String>) {
    let mut lines = s.lines().map(clean).filter(|l| !l.is_empty());
    let name = lines.next().and_then(|l| primary_person(&l));
    let title = lines.collect::<Vec<_>>().join(" ");
    (name, (!title.is_empty()).then_some(title))
}

fn single_person(s: &str) -> Option<PersonName> {
    match human_name::Name::parse(s) {
        Some(name) => Some(PersonName {
            first: nfc(name.given_name().unwrap_or_default()),
            last: Some(nfc(name.surname())),
        }),
        // Mononyms and what the parser cannot read: one word is a given name.
        None => {
            let (first, last) = s.split_once(' ').map_or((s, None), |(f, l)| (f, Some(l)));
            Some(cased(first, last))
        }
    }
}

fn cased(first: &str, last: Option<&str>) -> PersonName {
    PersonName {
        first: title_case(first),
        last: last.map(title_case),
    }
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> (String, Option<String>) {
        let p = primary_person(s).unwrap();
        (p.first, p.last)
    }

    fn is(first: &str, last: &str) -> (String, Option<String>) {
        (first.into(), Some(last.into()))
    }

    #[test]
    fn one_person_in_proper_case() {
        assert_eq!(name("JANEECE NOEL"), is("Janeece", "Noel"));
        assert_eq!(
            name("KIMBERLI HELAIRE-SMITH"),
            is("Kimberli", "Helaire-Smith")
        );
        assert_eq!(name("ERIKA VAN RHYN"), is("Erika", "van Rhyn"));
        assert_eq!(name("Malinda Wolfe (Phillips)"), is("Malinda", "Wolfe"));
    }

    #[test]
    fn last_comma_first() {
        assert_eq!(name("HELLSTROM, ELIZABETH"), is("Elizabeth", "Hellstrom"));
    }

    #[test]
    fn the_first_of_several_people() {
        assert_eq!(
            name("TANIA & NICOLE PINEDA & POBLETE"),
            is("Tania", "Pineda")
        );
        assert_eq!(
            name("ANASTASIA, KASHMIR EDEY, SHAFER"),
            is("Anastasia", "Edey")
        );
        assert_eq!(
            name("JAINI AND STACY JARIWALA AND SURVIS"),
            is("Jaini", "Jariwala")
        );
        assert_eq!(
            name("SARA PALLUCK AND HEATHER EASTVELD PALLUCK"),
            is("Sara", "Palluck")
        );
        assert_eq!(
            name("JASMINE &  ARGIE, TILLMAN & REYES"),
            is("Jasmine", "Tillman")
        );
        assert_eq!(
            name("ALEKSANDRA & KATIE LIPSKA HALLOCK & MEEKER"),
            is("Aleksandra", "Lipska Hallock")
        );
        assert_eq!(name("JOHN & JANE DOE"), is("John", "Doe"));
    }

    #[test]
    fn a_mononym_is_a_given_name() {
        assert_eq!(name("CHER"), ("Cher".into(), None));
        assert_eq!(primary_person("  "), None);
    }

    #[test]
    fn name_then_title_on_the_next_line() {
        let (person, title) = name_and_title("Elizabeth Hellstrom\r\nPrimary Caregiver");
        assert_eq!(person.unwrap().full(), "Elizabeth Hellstrom");
        assert_eq!(title.as_deref(), Some("Primary Caregiver"));
        let (person, title) = name_and_title("Monica Kaler");
        assert_eq!(person.unwrap().full(), "Monica Kaler");
        assert_eq!(title, None);
    }
}
