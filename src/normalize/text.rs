//! Whitespace clean-up and letter case, shared by the other normalizers.

/// Trims and collapses every run of whitespace (spaces, tabs, line breaks) to one space.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
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
    fn title_case_handles_hyphens_and_apostrophes() {
        assert_eq!(
            title_case("KIMBERLI HELAIRE-SMITH"),
            "Kimberli Helaire-Smith"
        );
        assert_eq!(title_case("o'neil"), "O'Neil");
        assert_eq!(title_case("LAS VEGAS"), "Las Vegas");
    }
}
