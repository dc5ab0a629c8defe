//! A street line reduced to what identifies a place: the house number and the street name
//! in one spelling (`150 N. Willow Street` and `150 NORTH WILLOW ST` are one).

use super::words::words;
use crate::normalize::address::street_and_unit;

/// A house on a street: `150` on `N WILLOW ST`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Street {
    /// The house number: digits, and a letter when one is written with them (`123A`).
    pub number: String,
    /// The street name's words in their USPS abbreviations, joined by spaces.
    pub name: String,
}

/// The house number and the street name of a street line (`address1`), its unit left
/// out (`401 FM 685 STE 104` → `401` on `FM 685`). `None` without a house number (`PO BOX
/// 12`, `1ST ST`) or without a street after it.
pub fn street(address1: &str) -> Option<Street> {
    let (street, _unit) = street_and_unit(address1);
    let words = words(&street);
    let (number, rest) = words.split_first()?;
    let name: Vec<&str> = rest.iter().map(|w| abbreviation(w)).collect();
    (is_house_number(number) && !name.is_empty()).then(|| Street {
        number: number.clone(),
        name: name.join(" "),
    })
}

/// A line's words as a street name is spelled (`JONDOL PLACE` → `JONDOL PL`): the second
/// line of an address whose two lines were swapped holds the street. `None` without words.
pub fn street_name(line: &str) -> Option<String> {
    let words = words(line);
    let name: Vec<&str> = words.iter().map(|w| abbreviation(w)).collect();
    (!name.is_empty()).then(|| name.join(" "))
}

/// Digits, and at most one letter after them: `150`, `123A`; not `1ST`.
fn is_house_number(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && word.len() - digits <= 1
}

/// The USPS abbreviation of a street suffix or a direction (USPS Publication 28), or the
/// word itself: `STREET` and `STR` are `ST`, `NORTH` is `N`.
fn abbreviation(word: &str) -> &str {
    match word {
        "STREET" | "STR" => "ST",
        "AVENUE" | "AV" | "AVEN" | "AVN" => "AVE",
        "ROAD" => "RD",
        "DRIVE" | "DRV" => "DR",
        "BOULEVARD" | "BOUL" | "BLV" => "BLVD",
        "LANE" => "LN",
        "COURT" => "CT",
        "HIGHWAY" | "HIWAY" => "HWY",
        "CIRCLE" | "CIRC" => "CIR",
        "PLACE" => "PL",
        "TERRACE" | "TERR" => "TER",
        "PARKWAY" | "PKY" => "PKWY",
        "TRAIL" => "TRL",
        "NORTH" => "N",
        "SOUTH" => "S",
        "EAST" => "E",
        "WEST" => "W",
        "NORTHEAST" => "NE",
        "NORTHWEST" => "NW",
        "SOUTHEAST" => "SE",
        "SOUTHWEST" => "SW",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(number: &str, name: &str) -> Option<Street> {
        Some(Street {
            number: number.into(),
            name: name.into(),
        })
    }

    #[test]
    fn spells_suffixes_and_directions_one_way() {
        assert_eq!(street("150 N. WILLOW ST"), at("150", "N WILLOW ST"));
        assert_eq!(street("150 North Willow Street"), at("150", "N WILLOW ST"));
        assert_eq!(
            street("6321 LAUREN ASHTON AVENUE"),
            at("6321", "LAUREN ASHTON AVE")
        );
        assert_eq!(street("470 GYPSUM DRIVE"), at("470", "GYPSUM DR"));
        assert_eq!(street("2604 NW 115TH PL."), at("2604", "NW 115TH PL"));
        assert_eq!(street("123A Southwest Boulevard"), at("123A", "SW BLVD"));
    }

    #[test]
    fn leaves_the_unit_out() {
        assert_eq!(street("401 FM 685 STE 104"), at("401", "FM 685"));
        assert_eq!(street("19290 K ST #2"), at("19290", "K ST"));
    }

    #[test]
    fn a_second_line_is_spelled_as_a_street_name() {
        assert_eq!(street_name("jondol place").as_deref(), Some("JONDOL PL"));
        assert_eq!(
            street_name("North Willow Street").as_deref(),
            Some("N WILLOW ST")
        );
        assert_eq!(street_name(" - "), None);
    }

    #[test]
    fn no_house_number_no_street() {
        assert_eq!(street("PO BOX 12"), None);
        assert_eq!(street("1ST STREET"), None);
        assert_eq!(street("150"), None);
        assert_eq!(street("N/A"), None);
    }
}
