//! North American phone numbers to E.164, by libphonenumber's rules.

use std::sync::{LazyLock, OnceLock};

use phonenumber::{Mode, country};
use regex::Regex;

use super::text::{is_digits, non_blank};
use super::{Descriptor, Issue, Verdict, part};
use crate::lead::{ColumnType, Value};
use crate::reason::Reason;

pub(crate) static PHONE: Descriptor = Descriptor::one_field(
    "phone",
    &[
        part("value", ColumnType::Text),
        part("extension", ColumnType::Text),
        part("valid", ColumnType::Boolean),
        part("second", ColumnType::Text),
    ],
    "[`value`, `extension`, `valid`, `second`]: E.164 by libphonenumber (`(209) 747-1797` → `+12097471797`); an unassigned number is kept with `valid` false; a second number in the field (`… / …`) is `second`",
    phone_parts,
);

fn phone_parts(published: &str, out: &mut [Value]) -> Verdict {
    let (first_phone, second) = phones(published)?;
    let Some(phone) = first_phone else {
        return Ok(None);
    };
    let issue = (!phone.valid).then(|| {
        Issue::new(
            Reason::UnassignedPhone,
            format!(
                "`{}` is not an assigned number in its numbering plan",
                published.trim()
            ),
        )
    });
    out[0] = Value::Text(phone.e164);
    out[1] = Value::from_option(phone.extension);
    out[2] = Value::Boolean(phone.valid);
    out[3] = Value::from_option(second.map(|p| p.e164));
    Ok(issue)
}

/// A phone number in E.164 form, its extension when one was written, and whether it is a
/// valid assignment in its numbering plan.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Phone {
    pub e164: String,
    pub extension: Option<String>,
    pub valid: bool,
}

/// Separators between several numbers in one field (`702-555-0100 / 702-555-0101`).
static SEVERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*(?:/|;|\bor\b|&)\s*").unwrap());

/// Parses a phone number written any usual way (`346-393-9400`, `(209) 747-1797`,
/// `2097471797`, `702-374-1129 x12`). A number of the right shape that is not a valid
/// assignment is returned with `valid: false`, never dropped.
pub(crate) fn phone(s: &str) -> Result<Option<Phone>, Issue> {
    let Some(s) = non_blank(s) else {
        return Ok(None);
    };
    match plain_nanp(s) {
        Some(national) => {
            let national = national.to_string();
            Ok(Some(Phone {
                e164: format!("+1{national}"),
                extension: None,
                valid: nanp_valid(&national),
            }))
        }
        None => parsed(s).map(Some),
    }
}

/// A number read by the crate's parser, for anything but a plain ten-digit number.
fn parsed(s: &str) -> Result<Phone, Issue> {
    // Older libphonenumber ports panicked on odd input; a panic must not end a load.
    let parsed = std::panic::catch_unwind(|| phonenumber::parse(Some(country::Id::US), s))
        .map_err(|_| invalid(s, None))?
        .map_err(|e| invalid(s, Some(e)))?;
    let valid = match parsed.code().value() {
        1 => nanp_valid(&parsed.national().to_string()),
        _ => phonenumber::is_valid(&parsed),
    };
    Ok(Phone {
        e164: parsed.format().mode(Mode::E164).to_string(),
        extension: parsed.extension().map(|e| e.to_string()),
        valid,
    })
}

/// The national number of a plainly written North American number, the way nearly every
/// agency writes them: ten digits, the first an area code's 2–9, after an optional `1`,
/// with only spaces, dots, dashes and parentheses between them. The crate's parser
/// gives the same number (a property test checks it); it is left the rest: extensions,
/// letters, other countries.
fn plain_nanp(s: &str) -> Option<u64> {
    if !parentheses_around_area_code(s) {
        return None;
    }
    let (mut number, mut digits) = (0u64, 0);
    for c in s.chars() {
        match c {
            '0'..='9' if digits < 11 => {
                number = number * 10 + u64::from(c as u8 - b'0');
                digits += 1;
            }
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let national = match digits {
        10 => number,
        11 if number / 10_000_000_000 == 1 => number % 10_000_000_000,
        _ => return None,
    };
    (national >= 2_000_000_000).then_some(national)
}

/// No parentheses, or one pair around the three digits of the area code (`(209) 747-1797`).
fn parentheses_around_area_code(s: &str) -> bool {
    match (s.find('('), s.rfind(')')) {
        (None, None) => true,
        (Some(open), Some(close)) => {
            let before = s[..open].trim();
            s.matches(['(', ')']).count() == 2
                && close == open + 4
                && is_digits(&s[open + 1..close])
                && (before.is_empty() || before == "1")
        }
        _ => false,
    }
}

/// libphonenumber's validity test (`phonenumber::is_valid`) for a national number of
/// country code 1, on the crate's patterns for the plan, copied out at build time. Each
/// pattern is compiled when first needed: the crate compiles the patterns of every country
/// on first use, and matches them through one regex cache behind a global lock.
fn nanp_valid(national: &str) -> bool {
    // The number belongs to the first region whose leading digits it starts with, else to
    // the first whose patterns it matches (`phonenumber::validator::source_for`).
    for region in &NANP {
        match &region.leading_digits {
            Some(leading) if leading.is_match(national) => return region.has_type(national),
            Some(_) => {}
            None if region.has_type(national) => return true,
            None => {}
        }
    }
    false
}

/// A region of the North American plan, as libphonenumber tells its numbers' types.
struct Region {
    leading_digits: Option<Anchored>,
    general: Pattern,
    /// The patterns of the number types the region has (fixed line, mobile, toll free, …).
    types: [Option<Pattern>; 10],
}

impl Region {
    /// Whether the number has a type here (`number_type(…) != Type::Unknown`).
    fn has_type(&self, national: &str) -> bool {
        self.general.is_match(national) && self.types.iter().flatten().any(|t| t.is_match(national))
    }
}

/// A number type's pattern: its possible lengths, and a regex that must match from the
/// first digit (`Descriptor::is_match`).
struct Pattern {
    lengths: &'static [u16],
    national: Anchored,
}

impl Pattern {
    const fn new(lengths: &'static [u16], national: &'static str) -> Pattern {
        Pattern {
            lengths,
            national: Anchored::new(national),
        }
    }

    fn is_match(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16)))
            && self.national.is_match(national)
    }
}

/// A metadata pattern that must match from the start, as the crate's `find(…).start() == 0`,
/// with whitespace ignored as the crate compiles them; compiled on first use.
struct Anchored {
    pattern: &'static str,
    regex: OnceLock<Regex>,
}

impl Anchored {
    const fn new(pattern: &'static str) -> Anchored {
        Anchored {
            pattern,
            regex: OnceLock::new(),
        }
    }

    fn is_match(&self, national: &str) -> bool {
        let regex = self.regex.get_or_init(|| {
            regex::RegexBuilder::new(&format!("^(?:{}\n)", self.pattern))
                .ignore_whitespace(true)
                .build()
                .expect("libphonenumber's patterns compile")
        });
        regex.is_match(national)
    }
}

// `NANP`: the regions of country code 1, in the crate's order (see build.rs).
include!(concat!(env!("OUT_DIR"), "/nanp_regions.rs"));

/// Up to two numbers of one field, for `phone` and `phone2`.
pub(crate) fn phones(s: &str) -> Result<(Option<Phone>, Option<Phone>), Issue> {
    let mut numbers = SEVERAL.split(s.trim()).filter(|n| !n.is_empty());
    let first = numbers.next().map(phone).transpose()?.flatten();
    let second = numbers.next().map(phone).transpose()?.flatten();
    Ok((first, second))
}

fn invalid(s: &str, cause: Option<phonenumber::ParseError>) -> Issue {
    let cause = cause.map(|e| format!(": {e}")).unwrap_or_default();
    Issue::new(
        Reason::InvalidPhone,
        format!("`{s}` is not a phone number{cause}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e164(s: &str) -> String {
        phone(s).unwrap().unwrap().e164
    }

    #[test]
    fn writes_every_us_form_as_e164() {
        assert_eq!(e164("346-393-9400"), "+13463939400");
        assert_eq!(e164("(209) 747-1797"), "+12097471797");
        assert_eq!(e164("2097471797"), "+12097471797");
        assert_eq!(e164("+1 209.747.1797"), "+12097471797");
        assert_eq!(e164("1-209-747-1797"), "+12097471797");
    }

    #[test]
    fn keeps_the_extension_apart() {
        let p = phone("702-374-1129 x12").unwrap().unwrap();
        assert_eq!(
            (p.e164.as_str(), p.extension.as_deref(), p.valid),
            ("+17023741129", Some("12"), true)
        );
        let p = phone("(405) 230-6108 ext. 7").unwrap().unwrap();
        assert_eq!(p.extension.as_deref(), Some("7"));
    }

    #[test]
    fn keeps_an_unassigned_number_marked_invalid() {
        let p = phone("362-231-1137").unwrap().unwrap();
        assert_eq!((p.e164.as_str(), p.valid), ("+13622311137", false));
    }

    #[test]
    fn refuses_text_that_is_no_number() {
        assert_eq!(phone("call us").unwrap_err().reason, Reason::InvalidPhone);
        assert_eq!(phone(" "), Ok(None));
    }

    #[test]
    fn splits_two_numbers_in_one_field() {
        let (first, second) = phones("702-642-1100 / 702-642-1101").unwrap();
        assert_eq!(first.unwrap().e164, "+17026421100");
        assert_eq!(second.unwrap().e164, "+17026421101");
        assert_eq!(phones("").unwrap(), (None, None));
    }

    proptest! {
        /// Any ten-digit NANP number, however punctuated, gives E.164 that reads back the same.
        #[test]
        fn e164_round_trips(area in 201u32..=989, exchange in 200u32..=999, line in 0u32..=9999,
                            style in 0usize..4) {
            let written = match style {
                0 => format!("{area}-{exchange}-{line:04}"),
                1 => format!("({area}) {exchange}-{line:04}"),
                2 => format!("{area}{exchange}{line:04}"),
                _ => format!("+1 {area}.{exchange}.{line:04}"),
            };
            let e164 = phone(&written).unwrap().unwrap().e164;
            prop_assert_eq!(&e164, &format!("+1{area}{exchange}{line:04}"));
            prop_assert_eq!(phone(&e164).unwrap().unwrap().e164, e164);
        }

        /// The compiled test says what the crate's `is_valid` says, for any number of the
        /// plan: US, Canadian, Caribbean, toll-free, unassigned.
        #[test]
        fn validity_is_libphonenumbers(area in 100u32..=999, exchange in 0u32..=999,
                                       line in 0u32..=9999) {
            let parsed = phonenumber::parse(
                Some(country::Id::US),
                format!("{area}{exchange:03}{line:04}"),
            );
            if let Ok(parsed) = parsed {
                prop_assert_eq!(
                    nanp_valid(&parsed.national().to_string()),
                    phonenumber::is_valid(&parsed)
                );
            }
        }

        /// A plainly written number reads as the crate's parser reads it, whatever its
        /// digits and separators; what the fast reading declines, the parser gets.
        #[test]
        fn the_plain_reading_is_the_parsers(digits in "[0-9]{9,12}",
                                            separators in proptest::collection::vec("[ .()+-]?", 12),
                                            prefix in "(\\+1 ?|1-?)?") {
            let written: String = prefix.chars().chain(
                digits.chars().zip(&separators).flat_map(|(d, sep)| std::iter::once(d).chain(sep.chars())),
            ).collect();
            let written = written.trim();
            if plain_nanp(written).is_some() {
                let fast = phone(written).unwrap().unwrap();
                prop_assert_eq!(Ok(fast), parsed(written), "{}", written);
            }
        }
    }

    #[test]
    fn validity_agrees_with_the_crate_on_known_numbers() {
        for (number, valid) in [
            ("702-374-1129", true),  // Las Vegas
            ("416-123-4567", false), // Toronto, no exchange starts with 1
            ("416-979-2000", true),  // Toronto
            ("268-460-1234", true),  // Antigua, by its leading digits
            ("800-555-0199", true),  // toll free
            ("362-231-1137", false), // unassigned area code
            ("+44 20 7946 0958", true),
        ] {
            let crate_says =
                phonenumber::is_valid(&phonenumber::parse(Some(country::Id::US), number).unwrap());
            assert_eq!(
                (phone(number).unwrap().unwrap().valid, crate_says),
                (valid, valid),
                "{number}"
            );
        }
    }
}
