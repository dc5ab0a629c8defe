//! Comparisons: how alike two leads are on one field, as a level of a closed vocabulary.
//! Each function tries its levels from the most alike down and returns the first that
//! holds; the model learns how much each (field, level) says, so a level only has to mean
//! the same thing for every pair of one field.

use rphonetic::DoubleMetaphone;
use strsim::jaro_winkler;

use super::placeholder::{ValueKind, is_placeholder};
use super::street::street;
use super::words::{company_words, is_significant, words};
use super::zip5;

/// How alike two values of a field are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The same value, once spelled one way.
    Exact,
    /// Jaro–Winkler similarity of the spelled values within a band: a typo.
    JaroWinkler { band: Band },
    /// The same words, or most of the words that tell values apart, in another form.
    TokenOverlap,
    /// Spelled differently, pronounced alike (Double Metaphone): `Jon Smith`, `John Smyth`.
    Phonetic,
    /// Both values known, and unlike.
    Different,
    /// A value missing or a placeholder: no evidence either way.
    Null,
}

/// A band of Jaro–Winkler similarity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    /// At least 0.95: one letter off in a long name (`MUDDY PUDDLES` / `MUDDY PUDDELS`).
    High,
    /// At least 0.88: a few letters off, or one word added.
    Medium,
}

impl Band {
    /// The least similarity of the band.
    pub const fn threshold(self) -> f64 {
        match self {
            Band::High => 0.95,
            Band::Medium => 0.88,
        }
    }
}

/// The Jaro–Winkler band two spellings fall in, if any.
fn band(a: &str, b: &str) -> Option<Band> {
    let similarity = jaro_winkler(a, b);
    [Band::High, Band::Medium]
        .into_iter()
        .find(|band| similarity >= band.threshold())
}

/// A present value that is no placeholder of its kind.
fn known(kind: ValueKind, value: Option<&str>) -> Option<&str> {
    value.filter(|v| !is_placeholder(kind, v))
}

/// The words of a known text, if it has any.
fn known_words(value: Option<&str>) -> Option<Vec<String>> {
    known(ValueKind::Text, value)
        .map(words)
        .filter(|w| !w.is_empty())
}

/// Whether every word of the shorter list is in the other.
fn contained(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.iter().all(|w| long.contains(w))
}

/// Business names, of the business alone when an owner is named (`OWNER DBA BUSINESS`),
/// without legal forms: Exact; Jaro–Winkler High; TokenOverlap (at least half of the
/// shorter name's significant words, those most childcare names do not share, are in the
/// other); Jaro–Winkler Medium; Different.
pub fn company(a: Option<&str>, b: Option<&str>) -> Level {
    let spelled = |v| {
        known(ValueKind::Text, v)
            .map(company_words)
            .filter(|w| !w.is_empty())
    };
    let (Some(a), Some(b)) = (spelled(a), spelled(b)) else {
        return Level::Null;
    };
    let (joined_a, joined_b) = (a.join(" "), b.join(" "));
    if joined_a == joined_b {
        return Level::Exact;
    }
    let similar = band(&joined_a, &joined_b);
    if similar == Some(Band::High) {
        return Level::JaroWinkler { band: Band::High };
    }
    let significant =
        |w: &[String]| -> Vec<String> { w.iter().filter(|w| is_significant(w)).cloned().collect() };
    if overlap(&significant(&a), &significant(&b)) {
        return Level::TokenOverlap;
    }
    similar.map_or(Level::Different, |band| Level::JaroWinkler { band })
}

/// Whether at least half of the shorter list's words, and at least one, are in the other.
fn overlap(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let shared = short.iter().filter(|w| long.contains(w)).count();
    shared > 0 && 2 * shared >= short.len()
}

/// A person's name, as the `first_name` and `last_name` columns hold it.
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonName<'a> {
    pub first: Option<&'a str>,
    pub last: Option<&'a str>,
}

/// People's names (a last name needed on both sides): Exact; Jaro–Winkler High on the
/// whole name; Phonetic (first and last names each sound alike); TokenOverlap (one name's
/// words all in the other, in any order: `Maria Garcia` / `Garcia Lopez, Maria`);
/// Jaro–Winkler Medium; Different.
pub fn person(a: PersonName<'_>, b: PersonName<'_>) -> Level {
    let spelled = |p: PersonName<'_>| {
        let last = known_words(p.last)?;
        Some((known_words(p.first).unwrap_or_default(), last))
    };
    let (Some((first_a, last_a)), Some((first_b, last_b))) = (spelled(a), spelled(b)) else {
        return Level::Null;
    };
    let full = |first: &[String], last: &[String]| [first, last].concat().join(" ");
    let (full_a, full_b) = (full(&first_a, &last_a), full(&first_b, &last_b));
    if full_a == full_b {
        return Level::Exact;
    }
    let similar = band(&full_a, &full_b);
    if similar == Some(Band::High) {
        return Level::JaroWinkler { band: Band::High };
    }
    if sound_alike(&first_a, &first_b) && sound_alike(&last_a, &last_b) {
        return Level::Phonetic;
    }
    if contained(&[first_a, last_a].concat(), &[first_b, last_b].concat()) {
        return Level::TokenOverlap;
    }
    similar.map_or(Level::Different, |band| Level::JaroWinkler { band })
}

/// Whether two names (their words run together) share a Double Metaphone code, primary or
/// alternate; two missing names sound alike.
fn sound_alike(a: &[String], b: &[String]) -> bool {
    let metaphone = DoubleMetaphone::default();
    let codes = |w: &[String]| {
        let result = metaphone.double_metaphone(&w.concat());
        [result.primary(), result.alternate()]
    };
    let (codes_a, codes_b) = (codes(a), codes(b));
    codes_a.iter().any(|c| codes_b.contains(c))
}

/// Street lines (`address1`), as house number and street name in USPS abbreviations:
/// Exact; another house number is Different (a neighbour, or a chain's other site);
/// Jaro–Winkler High on the street name; TokenOverlap (one street name's words all in the
/// other: `MAIN ST` / `W MAIN ST`); Jaro–Winkler Medium; Different. A line without a
/// house number (`PO BOX 12`) is Exact to the same words and Null to anything else: a
/// mailing address says nothing of where a provider is.
pub fn address(a: Option<&str>, b: Option<&str>) -> Level {
    let (Some(a), Some(b)) = (known(ValueKind::Text, a), known(ValueKind::Text, b)) else {
        return Level::Null;
    };
    let (Some(street_a), Some(street_b)) = (street(a), street(b)) else {
        return if words(a) == words(b) {
            Level::Exact
        } else {
            Level::Null
        };
    };
    if street_a.number != street_b.number {
        return Level::Different;
    }
    if street_a.name == street_b.name {
        return Level::Exact;
    }
    let similar = band(&street_a.name, &street_b.name);
    if similar == Some(Band::High) {
        return Level::JaroWinkler { band: Band::High };
    }
    if contained(&words(&street_a.name), &words(&street_b.name)) {
        return Level::TokenOverlap;
    }
    similar.map_or(Level::Different, |band| Level::JaroWinkler { band })
}

/// The national number of a phone, without a North American country code.
fn national(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('1') {
        Some(ten) if ten.len() == 10 => ten.to_string(),
        _ => digits,
    }
}

/// Phone numbers (placeholders are Null): Exact; TokenOverlap (the same seven-digit
/// subscriber number under another area code, as an area code split or overlay gives);
/// Different.
pub fn phone(a: Option<&str>, b: Option<&str>) -> Level {
    let number = |v| known(ValueKind::Phone, v).map(national);
    let (Some(a), Some(b)) = (number(a), number(b)) else {
        return Level::Null;
    };
    if a == b {
        Level::Exact
    } else if a.len() == 10 && b.len() == 10 && a[3..] == b[3..] {
        Level::TokenOverlap
    } else {
        Level::Different
    }
}

/// E-mail addresses, lower-cased (placeholders are Null): Exact; TokenOverlap (the same
/// local part at another domain: `lorena123abc@aol.com` / `lorena123abc@gmail.com`);
/// Jaro–Winkler High (a typo); Different.
pub fn email(a: Option<&str>, b: Option<&str>) -> Level {
    let lower = |v| known(ValueKind::Email, v).map(|v| v.trim().to_lowercase());
    let (Some(a), Some(b)) = (lower(a), lower(b)) else {
        return Level::Null;
    };
    if a == b {
        return Level::Exact;
    }
    let local = |e: &str| e.rsplit_once('@').map(|(local, _)| local.to_string());
    match (local(&a), local(&b)) {
        (Some(local_a), Some(local_b)) if local_a == local_b => Level::TokenOverlap,
        _ if band(&a, &b) == Some(Band::High) => Level::JaroWinkler { band: Band::High },
        _ => Level::Different,
    }
}

/// Where a lead is, as its `zip` and `city` columns hold it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Place<'a> {
    pub zip: Option<&'a str>,
    pub city: Option<&'a str>,
}

/// ZIP code and city: Exact (the same 5-digit ZIP code); TokenOverlap (the same city,
/// spelled one way, under another ZIP code or with one missing); Different (another ZIP
/// code and another or unknown city, or two other cities); Null when neither ZIP codes nor
/// cities are there to compare.
pub fn zip_city(a: Place<'_>, b: Place<'_>) -> Level {
    let (zip_a, zip_b) = (a.zip.and_then(zip5), b.zip.and_then(zip5));
    let (city_a, city_b) = (known_words(a.city), known_words(b.city));
    match (zip_a, zip_b, city_a, city_b) {
        (Some(za), Some(zb), _, _) if za == zb => Level::Exact,
        (_, _, Some(ca), Some(cb)) if ca == cb => Level::TokenOverlap,
        (Some(_), Some(_), _, _) | (_, _, Some(_), Some(_)) => Level::Different,
        _ => Level::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HIGH: Level = Level::JaroWinkler { band: Band::High };
    const MEDIUM: Level = Level::JaroWinkler { band: Band::Medium };

    #[test]
    fn company_names() {
        let level = |a, b| company(Some(a), Some(b));
        // A DBA name against the business alone, and a legal form dropped.
        assert_eq!(
            level(
                "BRIGGS, DASHESHIA DBA DEELIGHTFUL LEARNING STATION, LLC",
                "Deelightful Learning Station"
            ),
            Level::Exact
        );
        assert_eq!(
            level("WIGGLES AND GIGGLES ,LLC", "Wiggles & Giggles, Inc."),
            Level::Exact
        );
        // A typo.
        assert_eq!(
            level(
                "MUDDY PUDDLES LEARNING SPACE, LLC",
                "MUDDY PUDDELS LEARNING SPACE"
            ),
            HIGH
        );
        // The same distinctive words with other generic ones.
        assert_eq!(
            level(
                "THE LITTLE EXPLORERS LLC",
                "LITTLE EXPLORERS CHILD CARE CENTER"
            ),
            Level::TokenOverlap
        );
        // Sharing only what most childcare names have.
        assert_eq!(
            level("BOLD AND BRIGHT ACADEMY LLC", "BRIGHT ACORN ACADEMY, INC."),
            Level::TokenOverlap
        );
        // Alike in spelling, with no distinctive word in common.
        assert_eq!(level("KIDDIE KORNER", "KIDDY CORNER"), MEDIUM);
        assert_eq!(
            level(
                "SUNRISE LEARNING ACADEMY",
                "DISCOVERY GARDENS CHILDCARE L.L.C."
            ),
            Level::Different
        );
        assert_eq!(level("SUNRISE ACADEMY", "N/A"), Level::Null);
        assert_eq!(company(None, Some("SUNRISE ACADEMY")), Level::Null);
    }

    fn name<'a>(first: &'a str, last: &'a str) -> PersonName<'a> {
        PersonName {
            first: Some(first),
            last: Some(last),
        }
    }

    #[test]
    fn people_names() {
        assert_eq!(
            person(
                name("ELIZABETH", "HELLSTROM"),
                name("Elizabeth", "Hellstrom")
            ),
            Level::Exact
        );
        assert_eq!(
            person(
                name("Elizabeth", "Hellstrom"),
                name("Elizabeth", "Helstrom")
            ),
            HIGH
        );
        assert_eq!(
            person(name("Jon", "Smith"), name("John", "Smyth")),
            Level::Phonetic
        );
        assert_eq!(
            person(name("Christina", "Martinez"), name("Kristina", "Martinez")),
            Level::Phonetic
        );
        assert_eq!(
            person(name("Maria", "Garcia"), name("Maria Elena", "Garcia")),
            Level::TokenOverlap
        );
        assert_eq!(
            person(name("Symira", "Clifton"), name("Sherrita", "Myers")),
            Level::Different
        );
        assert_eq!(
            person(
                name("Kyla", "Hannah"),
                PersonName {
                    first: Some("Kyla"),
                    last: None
                }
            ),
            Level::Null
        );
    }

    #[test]
    fn street_lines() {
        let level = |a, b| address(Some(a), Some(b));
        assert_eq!(
            level("150 N. WILLOW ST", "150 North Willow Street"),
            Level::Exact
        );
        assert_eq!(level("401 FM 685 STE 104", "401 FM 685"), Level::Exact);
        assert_eq!(level("2845 MOHAWK ST", "2845 MOHWAK ST"), HIGH);
        assert_eq!(level("555 PAGE ST", "555 W PAGE ST"), Level::TokenOverlap);
        assert_eq!(level("5418 BAKERSFIELD ST", "5418 BAKERFIELD DR"), MEDIUM);
        assert_eq!(
            level("150 N WILLOW ST", "152 N WILLOW ST"),
            Level::Different
        );
        assert_eq!(level("PO BOX 12", "P.O. BOX 12"), Level::Exact);
        assert_eq!(level("PO BOX 12", "150 N WILLOW ST"), Level::Null);
        assert_eq!(level("-", "150 N WILLOW ST"), Level::Null);
    }

    #[test]
    fn phone_numbers() {
        let level = |a, b| phone(Some(a), Some(b));
        assert_eq!(level("+13463939400", "(346) 393-9400"), Level::Exact);
        assert_eq!(level("+17022707770", "+17252707770"), Level::TokenOverlap);
        assert_eq!(level("+13463939400", "+13463939401"), Level::Different);
        // Two leads typed with one placeholder share nothing.
        assert_eq!(level("1234567890", "+11234567890"), Level::Null);
        assert_eq!(phone(None, Some("+13463939400")), Level::Null);
    }

    #[test]
    fn e_mail_addresses() {
        let level = |a, b| email(Some(a), Some(b));
        assert_eq!(
            level("Symira24@gmail.com", "symira24@gmail.com"),
            Level::Exact
        );
        assert_eq!(
            level(
                "doubletroubledaycareok@gmail.com",
                "doubletroubledaycare0k@gmail.com"
            ),
            HIGH
        );
        assert_eq!(
            level("lorena123abc@aol.com", "lorena123abc@gmail.com"),
            Level::TokenOverlap
        );
        assert_eq!(
            level("symira24@gmail.com", "dasheshiab@gmail.com"),
            Level::Different
        );
        assert_eq!(level("test1@gmail.com", "test1@gmail.com"), Level::Null);
    }

    #[test]
    fn zip_codes_and_cities() {
        let place = |zip, city| Place {
            zip: Some(zip),
            city: Some(city),
        };
        assert_eq!(
            zip_city(
                place("89123-4567", "LAS VEGAS"),
                place("89123", "Las Vegas")
            ),
            Level::Exact
        );
        assert_eq!(
            zip_city(place("89146", "LAS VEGAS"), place("89110", "Las Vegas")),
            Level::TokenOverlap
        );
        assert_eq!(
            zip_city(place("89027", "MESQUITE"), place("89815", "SPRING CREEK")),
            Level::Different
        );
        assert_eq!(
            zip_city(Place::default(), place("89027", "MESQUITE")),
            Level::Null
        );
    }
}
