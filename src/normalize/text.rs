//! Whitespace clean-up and letter case, shared by the other normalizers.

/// Trims and collapses every run of whitespace (spaces, tabs, line breaks) to one space,
/// and moves a comma that stands apart onto the word before it (`GIGGLES ,LLC` →
/// `GIGGLES, LLC`).
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        match word.strip_prefix(',') {
            // A word that starts with a comma belongs to the word before it.
            Some(rest) if !out.is_empty() => {
                out.push(',');
                if !rest.is_empty() && !rest.starts_with(',') {
                    out.push(' ');
                }
                out.push_str(rest);
            }
            _ => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
    }
    out
}

/// Capitalises the first letter of each word (after a space, hyphen or apostrophe) and
/// lower-cases the rest: `HELAIRE-SMITH` → `Helaire-Smith`, `o'neil` → `O'Neil`.
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at_word_start = true;
    for c in s.chars() {
        if at_word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        at_word_start = matches!(c, ' ' | '-' | '\'' | '’' | '.' | '(');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_and_collapses_all_whitespace() {
        assert_eq!(clean("  19290 K ST "), "19290 K ST");
        assert_eq!(clean("RANI  & ARGIE\r\nGRAY"), "RANI & ARGIE GRAY");
        assert_eq!(clean(" \t "), "");
    }

    #[test]
    fn clean_joins_a_comma_to_the_word_before_it() {
        assert_eq!(
            clean("WIGGLES AND GIGGLES ,LLC"),
            "WIGGLES AND GIGGLES, LLC"
        );
        assert_eq!(clean("A , B"), "A, B");
        assert_eq!(clean(",A"), ",A");
    }

    proptest::proptest! {
        #[test]
        fn clean_is_idempotent_and_trimmed(s in "[ A-Za-z,\t\r\n'-]{0,40}") {
            let once = clean(&s);
            proptest::prop_assert_eq!(clean(&once), once.clone());
            proptest::prop_assert_eq!(once.trim(), once.as_str());
            proptest::prop_assert!(!once.contains("  "));
        }

        #[test]
        fn title_case_is_idempotent(s in "[ A-Za-z'-]{0,40}") {
            let once = title_case(&s);
            proptest::prop_assert_eq!(title_case(&once), once);
        }
    }

    #[test]
    fn title_case_handles_hyphens_and_apostrophes() {
        assert_eq!(
            title_case("KIMBERLI HELAIRE-SMITH"),
            "Kimberli Helaire-Smith"
        );
        assert_eq!(title_case("o'neil"), "O'Neil");
        assert_eq!(title_case("LAS VEGAS"), "Las Vegas");
    }
}
