//! Names as words in one spelling, and which words of a business name tell it apart.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::normalize::company::business_and_owner;

/// The words of a name, a street or a city in one spelling: upper-case ASCII letters and
/// digits, accents dropped (`JOSÉ` → `JOSE`); an apostrophe or a dot joins (`DEE'S` →
/// `DEES`, `L.L.C.` → `LLC`); any other character separates (`PRE-SCHOOL` → `PRE`,
/// `SCHOOL`; `PLAY & LEARN` → `PLAY`, `LEARN`).
pub fn words(s: &str) -> Vec<String> {
    // Most names are ASCII, which decomposition leaves as they are.
    if s.is_ascii() {
        return words_of(s.chars());
    }
    words_of(s.nfd())
}

/// [`words`] of a name's characters, decomposed.
fn words_of(chars: impl Iterator<Item = char>) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in chars {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_uppercase());
        } else if !word.is_empty() && !joins(c) {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Whether `c` joins the letters around it into one word: an apostrophe, a dot, or an
/// accent decomposed from its letter.
fn joins(c: char) -> bool {
    matches!(c, '\'' | '’' | '.') || (!c.is_ascii() && is_combining_mark(c))
}

/// Legal forms, articles and joining words: `… LLC` and `… INC` are one business
/// re-registered, `&` and `AND` one spelling, `THE` is dropped as often as written.
const NOISE_WORDS: &[&str] = &[
    "A",
    "AN",
    "AND",
    "AT",
    "OF",
    "THE",
    "CO",
    "COMPANY",
    "CORP",
    "CORPORATION",
    "DBA",
    "INC",
    "INCORPORATED",
    "LC",
    "LLC",
    "LLP",
    "LTD",
    "PLLC",
];

/// Words that most childcare providers' names have (`… CHILD CARE CENTER`, `… LEARNING
/// ACADEMY`). They are kept for comparing whole names, but they do not tell one provider
/// from another: a blocking key made of `LEARNING` would put every learning center of a
/// ZIP code in one block, and two names sharing only `ACADEMY` overlap in nothing.
const CHILDCARE_WORDS: &[&str] = &[
    "ACADEMY",
    "CARE",
    "CENTER",
    "CENTRE",
    "CHILD",
    "CHILDCARE",
    "CHILDREN",
    "CHILDRENS",
    "DAY",
    "DAYCARE",
    "DEVELOPMENT",
    "EARLY",
    "EDUCATION",
    "FAMILY",
    "HOME",
    "KIDS",
    "LEARNING",
    "NURSERY",
    "PRE",
    "PRESCHOOL",
    "PROGRAM",
    "SCHOOL",
];

/// The words of a business name that compare: of the business alone when the owner is
/// named with it (`BRIGGS, DASHESHIA DBA DEELIGHTFUL LEARNING STATION, LLC` →
/// `DEELIGHTFUL`, `LEARNING`, `STATION`), without legal forms and joining words.
pub fn company_words(company: &str) -> Vec<String> {
    let (business, _owner) = business_and_owner(company);
    words(&business)
        .into_iter()
        .filter(|w| !NOISE_WORDS.contains(&w.as_str()))
        .collect()
}

/// Whether a word of [`company_words`] tells one provider from another: not one of the
/// words most childcare names have.
pub fn is_significant(word: &str) -> bool {
    !CHILDCARE_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_words_one_way() {
        assert_eq!(
            words("DEE'S PLAY & LEARN CHRISTIAN ACADEMY"),
            ["DEES", "PLAY", "LEARN", "CHRISTIAN", "ACADEMY"]
        );
        assert_eq!(words("José  Núñez-Peña"), ["JOSE", "NUNEZ", "PENA"]);
        assert_eq!(words("150 N. WILLOW ST"), ["150", "N", "WILLOW", "ST"]);
        assert_eq!(words(" - "), Vec::<String>::new());
    }

    #[test]
    fn a_business_name_without_owner_or_legal_form() {
        assert_eq!(
            company_words("BRIGGS, DASHESHIA DBA DEELIGHTFUL LEARNING STATION, LLC"),
            ["DEELIGHTFUL", "LEARNING", "STATION"]
        );
        assert_eq!(
            company_words("DISCOVERY GARDENS CHILDCARE L.L.C."),
            ["DISCOVERY", "GARDENS", "CHILDCARE"]
        );
        assert_eq!(
            company_words("Wiggles & Giggles, Inc."),
            ["WIGGLES", "GIGGLES"]
        );
        assert!(is_significant("DEELIGHTFUL"));
        assert!(!is_significant("LEARNING"));
    }
}
