//! US postal addresses: one-line addresses split into parts, units moved to `address2`.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{clean, is_digits};
use super::zip::zip;
use super::{Arity, Build, Descriptor, Issue, Verdict, first, part};
use crate::lead::{ColumnType::Text, Value};
use crate::reason::Reason;

pub(crate) static US_ADDRESS: Descriptor = Descriptor::one_field(
    "us_address",
    &[
        part("address1", Text),
        part("address2", Text),
        part("city", Text),
        part("state", Text),
        part("zip", Text),
    ],
    "[`address1`, `address2`, `city`, `state`, `zip`] from one field; without a comma before the city, the city is the longest name ending the street text that the embedded US ZIP dataset accepts for the ZIP (else any city of the state); units (STE, SUITE, #, UNIT, APT, BLDG, …) go to `address2`",
    us_address_parts,
);

pub(crate) static STREET: Descriptor = Descriptor {
    name: "street",
    parts: &[part("address1", Text), part("address2", Text)],
    gives: "[`address1`, `address2`]: units split off the street, joined with a second line",
    build: Build::Fixed {
        arity: Arity::Between(1, 2),
        apply: street_parts,
    },
};

fn us_address_parts(s: &str, out: &mut [Value]) -> Verdict {
    let Some((a, issue)) = one_line(s)? else {
        return Ok(None);
    };
    out[0] = Value::text(a.address1);
    out[1] = Value::from_option(a.address2);
    out[2] = Value::from_option(a.city);
    out[3] = Value::from_option(a.state);
    out[4] = Value::from_option(a.zip);
    Ok(issue)
}

fn street_parts(inputs: &[&str], out: &mut [Value]) -> Verdict {
    let (address1, unit) = street_and_unit(first(inputs));
    let second = inputs.get(1).map(|s| clean(s)).filter(|s| !s.is_empty());
    let address2: Vec<String> = unit.into_iter().chain(second).collect();
    out[0] = Value::text(address1);
    out[1] = Value::text(address2.join(" "));
    Ok(None)
}

/// A postal address in the parts of the `leads` table.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Address {
    pub address1: String,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
}

/// The end of a one-line address, `…, NV 89123`: the text before it, the state and the ZIP
/// code as written.
#[derive(Debug, PartialEq, Eq)]
struct Tail<'a> {
    rest: &'a str,
    state: &'a str,
    zip: &'a str,
}

/// Reads the end of a cleaned address from the right: a ZIP code (`89123`, `891230001`,
/// `89123-0001`, ASCII digits) after a space, before it two letters of a state (a dot may
/// follow them), and before those at least one space or comma.
fn tail(s: &str) -> Option<Tail<'_>> {
    let (before_zip, zip) = s.rsplit_once(' ')?;
    let zip_shape = match zip.len() {
        5 | 9 => is_digits(zip),
        10 => zip.as_bytes()[5] == b'-' && is_digits(&zip[..5]) && is_digits(&zip[6..]),
        _ => false,
    };
    if !zip_shape {
        return None;
    }
    let before_zip = before_zip.strip_suffix('.').unwrap_or(before_zip);
    let state_at = before_zip.len().checked_sub(2)?;
    let state = before_zip.get(state_at..)?;
    let rest = before_zip[..state_at].trim_end_matches([' ', ',']);
    (state.bytes().all(|b| b.is_ascii_alphabetic()) && rest.len() < state_at).then_some(Tail {
        rest,
        state,
        zip,
    })
}

/// The designators a unit starts with (`STE 160`, `#4`).
const UNIT_DESIGNATORS: &str = "STE|SUITE|UNIT|APT|APARTMENT|BLDG|BUILDING|RM|ROOM|SPC|LOT";

static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?P<street>.+?)[\s,]+(?P<unit>(?:(?:{UNIT_DESIGNATORS})\.?\s+|#\s*)\S.*)$"
    ))
    .unwrap()
});

/// What every `UNIT` match has: a separator, then a designator or `#`. Most streets have
/// no unit; this search, without captures, tells them apart cheaply.
static UNIT_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)[\s,](?:(?:{UNIT_DESIGNATORS})\.?\s|#)")).unwrap());

// `ZIP_PLACES` and `STATE_CITIES`, from the US ZIP dataset (see build.rs).
include!(concat!(env!("OUT_DIR"), "/zip_places.rs"));

/// The county and the city names the ZIP dataset has for a five-digit ZIP code.
fn places_of_zip(five: &str) -> Option<(&'static str, &'static [&'static str])> {
    let i = ZIP_PLACES.binary_search_by_key(&five, |p| p.0).ok()?;
    let (_, county, cities) = ZIP_PLACES[i];
    Some((county, cities))
}

/// The county a normalized ZIP code (`73099`, `73099-1234`) lies in, from the embedded US
/// ZIP dataset.
pub(crate) fn county_of_zip(zip: &str) -> Option<&'static str> {
    let (county, _) = places_of_zip(zip.get(..5)?)?;
    (!county.is_empty()).then_some(county)
}

/// Every city name of the ZIP dataset in a state, upper-cased.
fn cities_of_state(state: &str) -> Option<&'static [&'static str]> {
    let i = STATE_CITIES.binary_search_by_key(&state, |s| s.0).ok()?;
    Some(STATE_CITIES[i].1)
}

/// Splits a one-field address (`8889 S. EASTERN AVE., STE 160 LAS VEGAS, NV 89123`).
/// With no comma between street and city, the city is the longest name that ends the
/// street text among the cities the ZIP dataset accepts for the ZIP code, or else among
/// all cities of the state.
pub(crate) fn one_line(s: &str) -> Result<Option<(Address, Option<Issue>)>, Issue> {
    let s = clean(s);
    if s.is_empty() {
        return Ok(None);
    }
    let Some(tail) = tail(&s) else {
        let issue = Issue::new(
            Reason::UnparsedAddress,
            format!("`{s}` does not end in a state and ZIP code"),
        );
        let (address1, address2) = street_and_unit(&s);
        return Ok(Some((
            Address {
                address1,
                address2,
                ..Address::default()
            },
            Some(issue),
        )));
    };
    let zip = zip(tail.zip)?;
    let rest = tail.rest;
    let state = tail.state.to_uppercase();
    let zip_cities = zip
        .as_deref()
        .and_then(|z| places_of_zip(z.get(..5)?))
        .map(|(_, cities)| cities);
    let state_cities = cities_of_state(&state);
    let city_len = zip_cities
        .and_then(|cities| city_suffix(rest, cities))
        .or_else(|| state_cities.and_then(|cities| city_suffix(rest, cities)));
    let (street, city, issue) = match city_len {
        Some(city_len) => {
            let (street, city) = rest.split_at(rest.len() - city_len);
            (
                street.trim_end_matches([' ', ',']),
                Some(city.to_string()),
                None,
            )
        }
        None => {
            let issue = Issue::new(
                Reason::UnresolvedCity,
                format!(
                    "no city of ZIP code {} or of {state} ends `{rest}`",
                    tail.zip
                ),
            );
            (rest, None, Some(issue))
        }
    };
    let (address1, address2) = street_and_unit(street);
    let address = Address {
        address1,
        address2,
        city,
        state: Some(state),
        zip,
    };
    Ok(Some((address, issue)))
}

/// The byte length of the longest of `cities` that ends `rest` as whole words.
fn city_suffix(rest: &str, cities: &[&str]) -> Option<usize> {
    let upper = rest.to_uppercase();
    cities
        .iter()
        .filter(|city| {
            upper.ends_with(*city)
                && upper.len() > city.len()
                && matches!(upper.as_bytes()[upper.len() - city.len() - 1], b' ' | b',')
        })
        .map(|city| city.len())
        .max()
}

/// Splits a unit designator (STE, SUITE, #, UNIT, APT, BLDG, …) off a street line:
/// `401 FM 685 STE 104` → (`401 FM 685`, `STE 104`).
pub(crate) fn street_and_unit(s: &str) -> (String, Option<String>) {
    let s = clean(s);
    let unit = UNIT_START.is_match(&s).then(|| UNIT.captures(&s)).flatten();
    match unit {
        Some(c) => {
            let street = c["street"].trim_end_matches(',').to_string();
            // In an upper-case address, the unit is upper-case too (`ste 105` → `STE 105`).
            let unit = if street == street.to_uppercase() {
                c["unit"].to_uppercase()
            } else {
                c["unit"].to_string()
            };
            (street, Some(unit))
        }
        None => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> Address {
        let (address, issue) = one_line(s).unwrap().unwrap();
        assert_eq!(issue, None, "{s}");
        address
    }

    fn address(a1: &str, a2: Option<&str>, city: &str, state: &str, zip: &str) -> Address {
        Address {
            address1: a1.into(),
            address2: a2.map(Into::into),
            city: Some(city.into()),
            state: Some(state.into()),
            zip: Some(zip.into()),
        }
    }

    proptest::proptest! {
        /// The reading from the right finds what the pattern it replaced found, on cleaned
        /// text: `^(.*?)[\s,]+([A-Za-z]{2})\.?\s+([0-9]{5}(?:-?[0-9]{4})?)$`.
        #[test]
        fn the_tail_is_the_patterns(s in "[A-Z1 ,.é]{0,6}[,. ]{0,2}[A-Za-zé]{1,3}[.]?[ ,]{0,2}([0-9]{5}|[0-9]{9}|[0-9]{5}-[0-9]{4}|[0-9-]{4,11})") {
            let s = clean(&s);
            let pattern = Regex::new(
                r"^(?P<rest>.*?)[\s,]+(?P<state>[A-Za-z]{2})\.?\s+(?P<zip>[0-9]{5}(?:-?[0-9]{4})?)$",
            ).unwrap();
            let by_pattern = pattern.captures(&s).map(|c| Tail {
                rest: c.name("rest").unwrap().as_str(),
                state: c.name("state").unwrap().as_str(),
                zip: c.name("zip").unwrap().as_str(),
            });
            proptest::prop_assert_eq!(tail(&s), by_pattern, "{:?}", s);
        }
    }

    #[test]
    fn reads_the_tail_from_the_right() {
        assert_eq!(
            tail("1 A ST, LAS VEGAS,, nv. 89123-0001"),
            Some(Tail {
                rest: "1 A ST, LAS VEGAS",
                state: "nv",
                zip: "89123-0001"
            })
        );
        for no_tail in [
            "NV 89123",
            "1 A STNV 89123",
            "1 A ST, NV 8912",
            "1 A ST, N1 89123",
        ] {
            assert_eq!(tail(no_tail), None, "{no_tail}");
        }
    }

    #[test]
    fn splits_street_unit_city_state_zip() {
        assert_eq!(
            parts("8889 S. EASTERN AVE., STE 160 LAS VEGAS, NV 89123"),
            address(
                "8889 S. EASTERN AVE.",
                Some("STE 160"),
                "LAS VEGAS",
                "NV",
                "89123"
            )
        );
    }

    #[test]
    fn finds_the_city_without_a_comma_from_the_zip_dataset() {
        assert_eq!(
            parts("6044 RIVER BELLE ST NORTH LAS VEGAS, NV 89031"),
            address(
                "6044 RIVER BELLE ST",
                None,
                "NORTH LAS VEGAS",
                "NV",
                "89031"
            )
        );
        assert_eq!(
            parts("470 GYPSUM DRIVE SPRING CREEK, NV 89815"),
            address("470 GYPSUM DRIVE", None, "SPRING CREEK", "NV", "89815")
        );
        assert_eq!(
            parts("1915 SIMMONS STREET SUITE B LAS VEGAS, NV 89106"),
            address(
                "1915 SIMMONS STREET",
                Some("SUITE B"),
                "LAS VEGAS",
                "NV",
                "89106"
            )
        );
    }

    #[test]
    fn falls_back_to_the_cities_of_the_state() {
        assert_eq!(
            parts("7980 S. EASTERN AVE HENDERSON, NV 89123"),
            address("7980 S. EASTERN AVE", None, "HENDERSON", "NV", "89123")
        );
    }

    #[test]
    fn keeps_the_street_when_the_city_is_unknown() {
        let (a, issue) = one_line("1 MAIN ST NOWHEREVILLE, NV 00000")
            .unwrap()
            .unwrap();
        assert_eq!(a.address1, "1 MAIN ST NOWHEREVILLE");
        assert_eq!(a.city, None);
        assert_eq!(issue.unwrap().reason, Reason::UnresolvedCity);
    }

    proptest::proptest! {
        #[test]
        fn every_street_with_a_unit_passes_the_cheap_search(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "12", "MAIN", "ST", "ste", "Suite.", "APT", "lot", "#", "#4", "B", ",", " ", "\t", ".",
            ]), 0..8),
        ) {
            let s = words.concat();
            proptest::prop_assert!(!UNIT.is_match(&s) || UNIT_START.is_match(&s), "{:?}", s);
        }
    }

    #[test]
    fn the_zip_tables_are_sorted_for_binary_search() {
        assert!(ZIP_PLACES.len() > 40_000);
        assert!(ZIP_PLACES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(STATE_CITIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(cities_of_state("NV").unwrap().contains(&"LAS VEGAS"));
        assert_eq!(places_of_zip("89027").unwrap().1, ["MESQUITE"]);
    }

    #[test]
    fn finds_the_county_of_a_zip() {
        assert_eq!(county_of_zip("73099"), Some("CANADIAN"));
        assert_eq!(county_of_zip("73099-1234"), Some("CANADIAN"));
        assert_eq!(county_of_zip("00000"), None);
        assert_eq!(county_of_zip(""), None);
    }

    fn words(s: &str) -> Vec<String> {
        s.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    proptest::proptest! {
        /// Splitting loses no word: the parts re-join to the words of the address.
        #[test]
        fn parts_rejoin_to_the_original_words(
            number in 1u32..99_999,
            street in proptest::sample::select(vec!["MAIN ST", "N. EASTERN AVE.", "LAKE MEAD PKWY", "FM 685", "RIVER BELLE ST"]),
            unit in proptest::option::of(proptest::sample::select(vec!["STE 160", "SUITE B", "# 4", "APT 12", "BLDG 2"])),
            place in proptest::sample::select(vec![
                ("LAS VEGAS", "NV", "89123"), ("NORTH LAS VEGAS", "NV", "89031"),
                ("SPRING CREEK", "NV", "89815"), ("HENDERSON", "NV", "89123"), ("YUKON", "OK", "73099"),
            ]),
            comma in proptest::bool::ANY,
        ) {
            let (city, state, zip) = place;
            let unit = unit.map(|u| format!(" {u}")).unwrap_or_default();
            let sep = if comma { ", " } else { " " };
            let line = format!("{number} {street}{unit}{sep}{city}, {state} {zip}");
            let (a, issue) = one_line(&line).unwrap().unwrap();
            proptest::prop_assert_eq!(issue, None);
            let rejoined = [Some(a.address1), a.address2, a.city.clone(), a.state, a.zip].into_iter().flatten().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(words(&rejoined), words(&line));
            proptest::prop_assert_eq!(a.city.as_deref(), Some(city));
        }
    }

    #[test]
    fn moves_units_to_address2() {
        assert_eq!(
            street_and_unit("401 FM 685 STE 104"),
            ("401 FM 685".into(), Some("STE 104".into()))
        );
        assert_eq!(
            street_and_unit("12 ELM ST #5"),
            ("12 ELM ST".into(), Some("#5".into()))
        );
        assert_eq!(street_and_unit("19290 K ST "), ("19290 K ST".into(), None));
        assert_eq!(street_and_unit("3 UNITY DR"), ("3 UNITY DR".into(), None));
        assert_eq!(
            street_and_unit("7460 S WESTMORELAND RD ste 105"),
            ("7460 S WESTMORELAND RD".into(), Some("STE 105".into()))
        );
    }
}
