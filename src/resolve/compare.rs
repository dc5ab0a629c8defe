//! Comparisons: how alike two leads are on one field, as a level of a closed vocabulary.
//! Each function tries its levels from the most alike down and returns the first that
//! holds; the model learns how much each (field, level) says, so a level only has to mean
//! the same thing for every pair of one field.

use chrono::{Datelike, NaiveDate};
use rphonetic::DoubleMetaphone;
use strsim::{jaro_winkler, osa_distance};

use super::placeholder::{ValueKind, is_placeholder};
use super::street::street;
use super::words::{company_words, is_significant, words};
use super::zip5;

/// How alike two values of a field are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The same value, once spelled one way.
    Exact,
    /// One slip of the keyboard apart: a character changed, dropped or added, two
    /// neighbours swapped (`1804974` / `1804794`), a date's day and month swapped.
    Typo,
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
/// without legal forms: Exact; two names that both carry a number and not the same numbers
/// are Different (`KINDERCARE #1204` / `KINDERCARE #1310`: a chain's sites, as another
/// house number is another building); Jaro–Winkler High; TokenOverlap (every significant
/// word of the name with fewer, those most childcare names do not share, is in the other:
/// `LITTLE EXPLORERS` / `THE LITTLE EXPLORERS LEARNING CENTER`); Jaro–Winkler Medium;
/// Different. Sharing one distinctive word of two is no overlap: `HEART SUNSET` and `KID
/// HILLS HEART` are two businesses.
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
    let (numbers_a, numbers_b) = (numbers(&a), numbers(&b));
    if !numbers_a.is_empty() && !numbers_b.is_empty() && numbers_a != numbers_b {
        return Level::Different;
    }
    let similar = band(&joined_a, &joined_b);
    if similar == Some(Band::High) {
        return Level::JaroWinkler { band: Band::High };
    }
    let significant =
        |w: &[String]| -> Vec<String> { w.iter().filter(|w| is_significant(w)).cloned().collect() };
    let (significant_a, significant_b) = (significant(&a), significant(&b));
    if !significant_a.is_empty()
        && !significant_b.is_empty()
        && contained(&significant_a, &significant_b)
    {
        return Level::TokenOverlap;
    }
    similar.map_or(Level::Different, |band| Level::JaroWinkler { band })
}

/// The words with a digit in them (a site's or a store's number), sorted.
fn numbers(words: &[String]) -> Vec<&str> {
    let mut numbers: Vec<&str> = words
        .iter()
        .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
        .map(String::as_str)
        .collect();
    numbers.sort_unstable();
    numbers
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

/// Dates (a license's issue date; a date of birth in a benchmark's spare date column):
/// Exact; Typo (one digit of `YYYYMMDD` changed, two neighbouring digits swapped, or the
/// day and the month swapped: `1956-04-09` / `1956-09-04`); Different.
pub fn date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Level {
    let (Some(a), Some(b)) = (a, b) else {
        return Level::Null;
    };
    if a == b {
        return Level::Exact;
    }
    let digits = |d: NaiveDate| d.format("%Y%m%d").to_string();
    let swapped = a.year() == b.year() && a.month() == b.day() && a.day() == b.month();
    if swapped || one_slip(&digits(a), &digits(b)) {
        Level::Typo
    } else {
        Level::Different
    }
}

/// Whether two strings of one length differ in one character, or in two neighbours
/// swapped.
fn one_slip(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match differ[..] {
        [_] => true,
        [i, j] => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

/// Identifiers (a license or provider number; an SSN in a benchmark's spare id column),
/// their letters and digits upper-cased, placeholders Null: Exact; Typo (one character
/// changed, dropped or added, or two neighbours swapped); Different.
pub fn id(a: Option<&str>, b: Option<&str>) -> Level {
    let spelled = |v| {
        known(ValueKind::Id, v)
            .map(|v: &str| words(v).concat())
            .filter(|v| !v.is_empty())
    };
    let (Some(a), Some(b)) = (spelled(a), spelled(b)) else {
        return Level::Null;
    };
    if a == b {
        Level::Exact
    } else if osa_distance(&a, &b) == 1 {
        Level::Typo
    } else {
        Level::Different
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
        // One distinctive word of two in common: two businesses.
        assert_eq!(
            level("BOLD AND BRIGHT ACADEMY LLC", "BRIGHT ACORN ACADEMY, INC."),
            Level::Different
        );
        assert_eq!(
            level("HEART SUNSET", "KID HILLS HEART BOULDER DAYCARE"),
            Level::Different
        );
        // Sharing only what most childcare names have is no overlap either.
        assert_eq!(
            level("LEARNING ACADEMY", "CHILD CARE ACADEMY"),
            Level::Different
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
        // A chain's sites: one name, another site number.
        assert_eq!(
            level("GENIUS PREPARATORY #1", "GENIUS PREPARATORY #10"),
            Level::Different
        );
        assert_eq!(
            level(
                "KINDERCARE LEARNING CENTER #1204",
                "KinderCare Learning Center 1204"
            ),
            Level::Exact
        );
        // A number on one side only says nothing of sites.
        assert_eq!(level("TORREY HAVEN #2", "TORREY HAVEN"), HIGH);
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
    fn dates() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let level = |a, b| date(day(a), day(b));
        assert_eq!(level("1956-04-09", "1956-04-09"), Level::Exact);
        // One digit off, two digits swapped, day and month swapped.
        assert_eq!(level("1956-04-09", "1956-04-08"), Level::Typo);
        assert_eq!(level("1956-04-09", "1965-04-09"), Level::Typo);
        assert_eq!(level("1956-04-09", "1956-09-04"), Level::Typo);
        assert_eq!(level("1956-12-21", "1956-12-12"), Level::Typo);
        // Two digits off, or a swap across years.
        assert_eq!(level("1956-04-09", "1956-05-10"), Level::Different);
        assert_eq!(level("1956-04-09", "1957-09-04"), Level::Different);
        assert_eq!(date(None, day("1956-04-09")), Level::Null);
    }

    #[test]
    fn identifiers() {
        let level = |a, b| id(Some(a), Some(b));
        assert_eq!(level("1804974", "1804974"), Level::Exact);
        assert_eq!(level("ccl-1234", "CCL 1234"), Level::Exact);
        assert_eq!(level("1804974", "1804794"), Level::Typo);
        assert_eq!(level("1804974", "180497"), Level::Typo);
        assert_eq!(level("1804974", "1805964"), Level::Different);
        // Placeholders never agree.
        assert_eq!(level("0000000", "0000000"), Level::Null);
        assert_eq!(level("N/A", "N/A"), Level::Null);
        assert_eq!(level("123456789", "123456789"), Level::Null);
        assert_eq!(id(None, Some("1804974")), Level::Null);
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
