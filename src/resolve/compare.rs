//! Comparisons: how alike two leads are on one field, as a level of a closed vocabulary.
//! Each function tries its levels from the most alike down and returns the first that
//! holds; the model learns how much each (field, level) says, so a level only has to mean
//! the same thing for every pair of one field.

use chrono::{Datelike, NaiveDate};
use rphonetic::DoubleMetaphone;

use super::placeholder::{ValueKind, is_placeholder};
use super::street::{Street, street, street_name};
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
    /// One part the same and the other unlike: the last name under another first name (a
    /// spouse, or a first name mistyped past recognition), the street under another house
    /// number (a chain's other site, or a number mistyped).
    Partial,
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

/// Jaro–Winkler similarity, as `strsim::jaro_winkler` computes it to the last bit: on
/// ASCII spellings of up to 64 letters (nearly all of them; words are spelled in ASCII)
/// without its allocations and its scan of the whole second string for every letter of
/// the first, which is most of the time comparing a million leads' pairs takes.
fn jaro_winkler(a: &str, b: &str) -> f64 {
    const MOST: usize = u64::BITS as usize;
    if !(a.is_ascii() && b.is_ascii() && a.len() <= MOST && b.len() <= MOST) {
        return strsim::jaro_winkler(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let similarity = jaro(a, b);
    if similarity > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        similarity + 0.1 * prefix as f64 * (1.0 - similarity)
    } else {
        similarity
    }
}

/// Jaro similarity of two ASCII strings of at most 64 bytes, `strsim::generic_jaro`'s
/// matching and arithmetic. The matching works on bit sets of positions: each letter of
/// `a` takes the first letter of `b` that is alike, within the window and not yet taken.
fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    } else if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    // Where each letter is in `b`.
    let mut at = [0u64; 128];
    for (j, &y) in b.iter().enumerate() {
        at[usize::from(y)] |= 1 << j;
    }
    // The positions below `n`, all of them for 64.
    let below = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let window = below(b.len().min(i + range + 1)) & !below(i.saturating_sub(range));
        let free = at[usize::from(x)] & window & !b_flags;
        if free != 0 {
            a_flags |= 1 << i;
            b_flags |= free & free.wrapping_neg();
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0;
    let (mut rest_a, mut rest_b) = (a_flags, b_flags);
    while rest_a != 0 {
        let (i, j) = (rest_a.trailing_zeros(), rest_b.trailing_zeros());
        transpositions += usize::from(a[i as usize] != b[j as usize]);
        rest_a &= rest_a - 1;
        rest_b &= rest_b - 1;
    }
    transpositions /= 2;
    ((matches as f64 / a.len() as f64)
        + (matches as f64 / b.len() as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0
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

/// The words of a known text, if it has any, joined by single blanks: the words hold no
/// blank, so two such texts are equal exactly when their words are.
fn known_words(value: Option<&str>) -> Option<String> {
    known(ValueKind::Text, value)
        .map(words)
        .filter(|w| !w.is_empty())
        .map(|w| w.join(" "))
}

/// The words of a text made by joining words with single blanks (none when it is empty).
fn split(joined: &str) -> impl Iterator<Item = &str> + Clone {
    joined.split(' ').filter(|w| !w.is_empty())
}

/// Whether every word of the shorter list (the first when they are as long) is in the
/// other.
fn contained(a: &str, b: &str) -> bool {
    let (short, long) = if split(a).count() <= split(b).count() {
        (a, b)
    } else {
        (b, a)
    };
    split(short).all(|w| split(long).any(|x| x == w))
}

/// A business name as [`company`] compares it, spelled once: its words (of the business
/// alone, without legal forms), its significant ones, and those with a digit in them (a
/// site's or a store's number) sorted, each joined by blanks.
#[derive(Clone, Debug, PartialEq)]
pub struct CompanySpelling {
    pub words: Box<str>,
    pub significant: Box<str>,
    pub numbers: Box<str>,
}

impl CompanySpelling {
    /// The spelling of a known name with at least one word.
    pub fn of(value: Option<&str>) -> Option<CompanySpelling> {
        let words = known(ValueKind::Text, value)
            .map(company_words)
            .filter(|w| !w.is_empty())?;
        let significant: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| is_significant(w))
            .collect();
        let mut numbers: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
            .collect();
        numbers.sort_unstable();
        Some(CompanySpelling {
            words: words.join(" ").into(),
            significant: significant.join(" ").into(),
            numbers: numbers.join(" ").into(),
        })
    }
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
    spelled(
        CompanySpelling::of(a).as_ref(),
        CompanySpelling::of(b).as_ref(),
        companies,
    )
}

/// The level of two values spelled, `Null` when either is not.
pub(crate) fn spelled<T: ?Sized>(
    a: Option<&T>,
    b: Option<&T>,
    compare: fn(&T, &T) -> Level,
) -> Level {
    match (a, b) {
        (Some(a), Some(b)) => compare(a, b),
        _ => Level::Null,
    }
}

/// [`company`] of two spelled names.
pub fn companies(a: &CompanySpelling, b: &CompanySpelling) -> Level {
    if a.words == b.words {
        return Level::Exact;
    }
    if !a.numbers.is_empty() && !b.numbers.is_empty() && a.numbers != b.numbers {
        return Level::Different;
    }
    let similar = band(&a.words, &b.words);
    if similar == Some(Band::High) {
        return Level::JaroWinkler { band: Band::High };
    }
    if !a.significant.is_empty()
        && !b.significant.is_empty()
        && contained(&a.significant, &b.significant)
    {
        return Level::TokenOverlap;
    }
    similar.map_or(Level::Different, |band| Level::JaroWinkler { band })
}

/// A person's name, as the `first_name` and `last_name` columns hold it.
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonName<'a> {
    pub first: Option<&'a str>,
    pub last: Option<&'a str>,
}

/// A person's name as [`person`] compares it, spelled once: the first name's words then
/// the last name's, joined by blanks; where the last name starts; the Double Metaphone
/// codes (primary, alternate) of the first name and of the last, each name's words run
/// together.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonSpelling {
    pub full: Box<str>,
    pub last_at: usize,
    pub codes: [[Code; 2]; 2],
}

/// A Double Metaphone code, held in place: it has at most four letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    bytes: [u8; Code::MOST],
    len: u8,
}

impl Code {
    /// Four letters of up to four bytes each.
    const MOST: usize = 16;

    fn new(code: &str) -> Code {
        let mut bytes = [0; Code::MOST];
        bytes
            .get_mut(..code.len())
            .expect("a Double Metaphone code of at most four letters")
            .copy_from_slice(code.as_bytes());
        Code {
            bytes,
            len: code.len() as u8,
        }
    }
}

impl PersonSpelling {
    /// The spelling of a name with a known last name (the first may be missing).
    pub fn of(name: PersonName<'_>) -> Option<PersonSpelling> {
        let last = known_words(name.last)?;
        let first = known_words(name.first).unwrap_or_default();
        let metaphone = DoubleMetaphone::default();
        let codes = |joined: &str| {
            let result = metaphone.double_metaphone(&joined.replace(' ', ""));
            [Code::new(&result.primary()), Code::new(&result.alternate())]
        };
        let codes = [codes(&first), codes(&last)];
        let (full, last_at) = if first.is_empty() {
            (last, 0)
        } else {
            (format!("{first} {last}"), first.len() + 1)
        };
        Some(PersonSpelling {
            full: full.into(),
            last_at,
            codes,
        })
    }

    /// The first name's words, joined (empty when it is missing).
    pub fn first(&self) -> &str {
        self.full[..self.last_at].trim_end()
    }

    /// The last name's words, joined.
    pub fn last(&self) -> &str {
        &self.full[self.last_at..]
    }
}

/// People's names (a last name needed on both sides): Exact; Jaro–Winkler High on the
/// whole name; Phonetic (first and last names each sound alike); TokenOverlap (one name's
/// words all in the other, in any order: `Maria Garcia` / `Garcia Lopez, Maria`, or first
/// and last names swapped, each a Jaro–Winkler band alike); Jaro–Winkler Medium; Partial
/// (the last names the same or a band alike, the first names not); Different. The bands of
/// the whole name need the last names a band alike too.
pub fn person(a: PersonName<'_>, b: PersonName<'_>) -> Level {
    spelled(
        PersonSpelling::of(a).as_ref(),
        PersonSpelling::of(b).as_ref(),
        people,
    )
}

/// [`person`] of two spelled names.
pub fn people(a: &PersonSpelling, b: &PersonSpelling) -> Level {
    if a.full == b.full {
        return Level::Exact;
    }
    // Jaro–Winkler favours a shared beginning: two people of one first name and unlike
    // last names (`Charlotte Mccracken`, `Charlotte Vincent`) would be a band apart.
    let lasts_alike = band(a.last(), b.last()).is_some();
    let similar = band(&a.full, &b.full).filter(|_| lasts_alike);
    if similar == Some(Band::High) {
        return Level::JaroWinkler { band: Band::High };
    }
    if sound_alike(&a.codes[0], &b.codes[0]) && sound_alike(&a.codes[1], &b.codes[1]) {
        return Level::Phonetic;
    }
    if contained(&a.full, &b.full) || swapped(a, b) {
        return Level::TokenOverlap;
    }
    match similar {
        Some(band) => Level::JaroWinkler { band },
        None if lasts_alike => Level::Partial,
        None => Level::Different,
    }
}

/// Whether one name's first and last names are the other's last and first, each at least
/// a Jaro–Winkler band alike: a form that asked for them in the other order, and a typo.
fn swapped(a: &PersonSpelling, b: &PersonSpelling) -> bool {
    let (first_a, first_b) = (a.first(), b.first());
    !first_a.is_empty()
        && !first_b.is_empty()
        && band(first_a, b.last()).is_some()
        && band(a.last(), first_b).is_some()
}

/// Whether two names share a Double Metaphone code, primary or alternate; two missing
/// names sound alike.
fn sound_alike(a: &[Code; 2], b: &[Code; 2]) -> bool {
    a.iter().any(|c| b.contains(c))
}

/// An address's two lines (`address1`, `address2`), as [`address`] compares them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Lines<'a> {
    pub first: Option<&'a str>,
    pub second: Option<&'a str>,
}

/// A street line as [`address`] compares it, spelled once: its words joined by blanks,
/// its house number and street name when it has them, and the second line spelled as a
/// street name.
#[derive(Clone, Debug, PartialEq)]
pub struct AddressSpelling {
    pub words: Box<str>,
    pub street: Option<Street>,
    pub second: Option<Box<str>>,
}

impl AddressSpelling {
    /// The spelling of an address with a known first line.
    pub fn of(lines: Lines<'_>) -> Option<AddressSpelling> {
        let line = known(ValueKind::Text, lines.first)?;
        Some(AddressSpelling {
            words: words(line).join(" ").into(),
            street: street(line),
            second: known(ValueKind::Text, lines.second)
                .and_then(street_name)
                .map(Into::into),
        })
    }
}

/// Street lines (`address1`), as house number and street name in USPS abbreviations:
/// Exact; TokenOverlap when each street is the other address's second line (the two lines
/// swapped: `24 JONDOL PL`, `NORTHWOOD PARK` / `24 NORTHWOOD PARK`, `JONDOL PL`);
/// Jaro–Winkler High on the street name; TokenOverlap (one street name's words all in the
/// other: `MAIN ST` / `W MAIN ST`); Jaro–Winkler Medium; Different. Another house number
/// on the same street is Typo when two neighbouring digits are swapped (`34` / `43`), and
/// Partial otherwise or on a street a Jaro–Winkler band alike (a neighbour, a chain's other
/// site, or a number mistyped past recognition); on another street it is Different. A line
/// without a house number (`PO BOX 12`) is Exact to the same words and Null to anything
/// else: a mailing address says nothing of where a provider is.
pub fn address(a: Lines<'_>, b: Lines<'_>) -> Level {
    spelled(
        AddressSpelling::of(a).as_ref(),
        AddressSpelling::of(b).as_ref(),
        addresses,
    )
}

/// [`address`] of two spelled lines.
pub fn addresses(a: &AddressSpelling, b: &AddressSpelling) -> Level {
    let (Some(street_a), Some(street_b)) = (&a.street, &b.street) else {
        return if a.words == b.words {
            Level::Exact
        } else {
            Level::Null
        };
    };
    if street_a.number != street_b.number {
        let same_street = street_a.name == street_b.name;
        return if same_street
            && neighbours_swapped(street_a.number.as_bytes(), street_b.number.as_bytes())
        {
            Level::Typo
        } else if same_street || band(&street_a.name, &street_b.name).is_some() {
            Level::Partial
        } else {
            Level::Different
        };
    }
    if street_a.name == street_b.name {
        return Level::Exact;
    }
    let is_second =
        |spelling: &AddressSpelling, name: &str| spelling.second.as_deref() == Some(name);
    if is_second(b, &street_a.name) || is_second(a, &street_b.name) {
        return Level::TokenOverlap;
    }
    let similar = band(&street_a.name, &street_b.name);
    if similar == Some(Band::High) {
        return Level::JaroWinkler { band: Band::High };
    }
    // A street name is words in one spelling joined by blanks already.
    if contained(&street_a.name, &street_b.name) {
        return Level::TokenOverlap;
    }
    similar.map_or(Level::Different, |band| Level::JaroWinkler { band })
}

/// The digits of a known phone number, as [`phone`] compares them (its blocking key too).
pub fn phone_digits(value: Option<&str>) -> Option<Box<str>> {
    known(ValueKind::Phone, value).map(|v| v.chars().filter(char::is_ascii_digit).collect())
}

/// The national number of a phone's digits, without a North American country code.
fn national(digits: &str) -> &str {
    match digits.strip_prefix('1') {
        Some(ten) if ten.len() == 10 => ten,
        _ => digits,
    }
}

/// Phone numbers (placeholders are Null): Exact; TokenOverlap (the same seven-digit
/// subscriber number under another area code, as an area code split or overlay gives);
/// Different.
pub fn phone(a: Option<&str>, b: Option<&str>) -> Level {
    spelled(
        phone_digits(a).as_deref(),
        phone_digits(b).as_deref(),
        phones,
    )
}

/// [`phone`] of two numbers' digits.
pub fn phones(a: &str, b: &str) -> Level {
    let (a, b) = (national(a), national(b));
    if a == b {
        Level::Exact
    } else if a.len() == 10 && b.len() == 10 && a[3..] == b[3..] {
        Level::TokenOverlap
    } else {
        Level::Different
    }
}

/// A known e-mail address lower-cased, as [`email`] compares it (its blocking key too).
pub fn email_spelling(value: Option<&str>) -> Option<Box<str>> {
    known(ValueKind::Email, value).map(|v| v.trim().to_lowercase().into())
}

/// E-mail addresses, lower-cased (placeholders are Null): Exact; TokenOverlap (the same
/// local part at another domain: `lorena123abc@aol.com` / `lorena123abc@gmail.com`);
/// Jaro–Winkler High (a typo); Different.
pub fn email(a: Option<&str>, b: Option<&str>) -> Level {
    spelled(
        email_spelling(a).as_deref(),
        email_spelling(b).as_deref(),
        emails,
    )
}

/// [`email`] of two addresses lower-cased.
pub fn emails(a: &str, b: &str) -> Level {
    if a == b {
        return Level::Exact;
    }
    let (local_a, local_b) = (a.rsplit_once('@'), b.rsplit_once('@'));
    match (
        local_a.map(|(local, _)| local),
        local_b.map(|(local, _)| local),
    ) {
        (Some(local_a), Some(local_b)) if local_a == local_b => Level::TokenOverlap,
        _ if band(a, b) == Some(Band::High) => Level::JaroWinkler { band: Band::High },
        _ => Level::Different,
    }
}

/// Where a lead is, as its `zip` and `city` columns hold it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Place<'a> {
    pub zip: Option<&'a str>,
    pub city: Option<&'a str>,
}

/// A place as [`zip_city`] compares it, spelled once: the 5-digit ZIP code, and the
/// city's words joined by blanks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaceSpelling {
    pub zip: Option<Box<str>>,
    pub city: Option<Box<str>>,
}

impl PlaceSpelling {
    pub fn of(place: Place<'_>) -> PlaceSpelling {
        PlaceSpelling {
            zip: place.zip.and_then(zip5).map(Into::into),
            city: known_words(place.city).map(Into::into),
        }
    }
}

/// ZIP code and city: Exact (the same 5-digit ZIP code); TokenOverlap (the same city,
/// spelled one way, under another ZIP code or with one missing); Different (another ZIP
/// code and another or unknown city, or two other cities); Null when neither ZIP codes nor
/// cities are there to compare.
pub fn zip_city(a: Place<'_>, b: Place<'_>) -> Level {
    places(&PlaceSpelling::of(a), &PlaceSpelling::of(b))
}

/// [`zip_city`] of two spelled places.
pub fn places(a: &PlaceSpelling, b: &PlaceSpelling) -> Level {
    match (&a.zip, &b.zip, &a.city, &b.city) {
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
    spelled(a.as_ref(), b.as_ref(), dates)
}

/// [`date`] of two dates.
pub fn dates(a: &NaiveDate, b: &NaiveDate) -> Level {
    if a == b {
        return Level::Exact;
    }
    let digits = |d: &NaiveDate| d.format("%Y%m%d").to_string();
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

/// A known identifier's letters and digits, upper-cased, as [`id`] compares it (its
/// blocking key too), if it has any.
pub fn id_spelling(value: Option<&str>) -> Option<Box<str>> {
    known(ValueKind::Id, value)
        .map(|v| words(v).concat())
        .filter(|v| !v.is_empty())
        .map(Into::into)
}

/// Identifiers (a license or provider number; an SSN in a benchmark's spare id column),
/// their letters and digits upper-cased, placeholders Null: Exact; Typo (one character
/// changed, dropped or added, or two neighbours swapped); Different.
pub fn id(a: Option<&str>, b: Option<&str>) -> Level {
    spelled(id_spelling(a).as_deref(), id_spelling(b).as_deref(), ids)
}

/// [`id`] of two identifiers spelled.
pub fn ids(a: &str, b: &str) -> Level {
    if a == b {
        Level::Exact
    } else if one_edit_apart(a.as_bytes(), b.as_bytes()) {
        Level::Typo
    } else {
        Level::Different
    }
}

/// Whether two different strings are one edit apart: one character changed, dropped or
/// added, or two neighbours swapped (an optimal string alignment distance of 1), found
/// in one pass: most pairs of identifiers differ in length or in two places, which the
/// full distance, a table of both lengths, takes far longer to say.
fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let at = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 => short[at + 1..] == long[at + 1..] || swapped_at(short, long, at),
        1 => short[at..] == long[at + 1..],
        _ => false,
    }
}

/// Whether two different strings differ only by two neighbours swapped (`34` / `43`).
fn neighbours_swapped(a: &[u8], b: &[u8]) -> bool {
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    a.len() == b.len() && swapped_at(a, b, at)
}

/// Whether `a` and `b`, of one length and alike before `at`, are alike but for the
/// characters at `at` and the next, swapped.
fn swapped_at(a: &[u8], b: &[u8], at: usize) -> bool {
    at + 1 < a.len() && a[at] == b[at + 1] && a[at + 1] == b[at] && a[at + 2..] == b[at + 2..]
}

#[cfg(test)]
mod tests {
    use super::*;

    const HIGH: Level = Level::JaroWinkler { band: Band::High };
    const MEDIUM: Level = Level::JaroWinkler { band: Band::Medium };

    #[test]
    fn one_edit_apart_is_an_osa_distance_of_one_and_a_swap_one_that_changes_two_places() {
        let ids = [
            "", "A", "B", "AB", "BA", "ABC", "ACB", "BAC", "ABD", "ABCD", "ACBD", "ABDC", "XBCD",
            "BCD", "ACD", "ABCDE", "12345", "12354", "21345", "1234", "2345", "123456",
        ];
        for a in ids {
            for b in ids.iter().filter(|b| **b != a) {
                assert_eq!(
                    one_edit_apart(a.as_bytes(), b.as_bytes()),
                    strsim::osa_distance(a, b) == 1,
                    "{a:?} / {b:?}"
                );
                // A swap is one edit that changes two places.
                assert_eq!(
                    neighbours_swapped(a.as_bytes(), b.as_bytes()),
                    strsim::osa_distance(a, b) == 1 && strsim::hamming(a, b) == Ok(2),
                    "{a:?} / {b:?}"
                );
            }
        }
    }

    #[test]
    fn jaro_winkler_is_strsims_to_the_bit() {
        let spellings = [
            "",
            "A",
            "MUDDY PUDDLES LEARNING SPACE",
            "MUDDY PUDDELS LEARNING SPACE",
            "KIDDIE KORNER",
            "KIDDY CORNER",
            "JANEECE NOEL",
            "JANEECE ANN NOELL",
            "N WILLOW ST",
            "W WILLOW ST",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKL",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLM",
            "josé núñez",
            "jose nunez",
        ];
        let same = |a: &str, b: &str| {
            let ours = jaro_winkler(a, b);
            assert_eq!(
                ours.to_bits(),
                strsim::jaro_winkler(a, b).to_bits(),
                "{a} / {b}"
            );
        };
        for a in spellings {
            for b in spellings {
                same(a, b);
            }
        }
        // Short words of few letters, which transpose and repeat letters most.
        let mut state = 7u64;
        let mut word = || {
            let mut draw = || {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                (state >> 33) as usize
            };
            let len = draw() % 12;
            (0..len)
                .map(|_| b"ABC "[draw() % 4] as char)
                .collect::<String>()
        };
        for _ in 0..20_000 {
            let (a, b) = (word(), word());
            same(&a, &b);
        }
    }

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
        // A shared first name does not make two last names alike.
        assert_eq!(
            person(name("Charlotte", "Mccraken"), name("Charlotte", "Vincent")),
            Level::Different
        );
        assert_eq!(
            person(
                name("Stephenson", "Elizbeth"),
                name("Elizabeth", "Stephenson")
            ),
            Level::TokenOverlap
        );
        assert_eq!(
            person(name("Lachlan", "Hage"), name("Emma", "Hage")),
            Level::Partial
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
        let line = |first| Lines {
            first: Some(first),
            second: None,
        };
        let level = |a, b| address(line(a), line(b));
        assert_eq!(
            level("150 N. WILLOW ST", "150 North Willow Street"),
            Level::Exact
        );
        assert_eq!(level("401 FM 685 STE 104", "401 FM 685"), Level::Exact);
        assert_eq!(level("2845 MOHAWK ST", "2845 MOHWAK ST"), HIGH);
        assert_eq!(level("555 PAGE ST", "555 W PAGE ST"), Level::TokenOverlap);
        assert_eq!(level("5418 BAKERSFIELD ST", "5418 BAKERFIELD DR"), MEDIUM);
        assert_eq!(level("150 N WILLOW ST", "152 N WILLOW ST"), Level::Partial);
        assert_eq!(level("34 BALLUMBIR ST", "43 BALLUMBIR ST"), Level::Typo);
        assert_eq!(level("68 WELLS RD", "10 WELLSL RD"), Level::Partial);
        assert_eq!(
            level("150 N WILLOW ST", "34 BALLUMBIR ST"),
            Level::Different
        );
        // The two lines swapped.
        let lines = |first, second| Lines {
            first: Some(first),
            second: Some(second),
        };
        assert_eq!(
            address(
                lines("24 jondol place", "northwood park"),
                lines("24 northwood park", "jondol place")
            ),
            Level::TokenOverlap
        );
        assert_eq!(
            address(
                lines("24 jondol place", "STE 100"),
                line("24 northwood park")
            ),
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
