//! Placeholders: values typed to fill a required field (`1234567890`, `test1@gmail.com`,
//! `N/A`). Many unrelated leads carry the same placeholder, so agreeing on one says nothing
//! about being one provider: such a value gives no blocking key and compares as null.

/// What kind of value a field holds, which decides what a placeholder of it looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A phone number, as E.164 (`+17025550123`) or as ten digits written any usual way.
    Phone,
    /// An e-mail address.
    Email,
    /// An identifier: a license or provider number.
    Id,
    /// Any other text: a name, a street, a city.
    Text,
}

/// Whether `value` is a placeholder of its kind, a value that must never create a match.
pub fn is_placeholder(kind: ValueKind, value: &str) -> bool {
    match kind {
        ValueKind::Phone => is_placeholder_phone(value),
        ValueKind::Email => is_placeholder_email(value),
        ValueKind::Id => is_placeholder_id(value),
        ValueKind::Text => is_placeholder_text(value),
    }
}

/// The texts that stand for "no value", compared upper-cased without blanks, dots and
/// slashes (`n/a`, `N. A.` and `NA` are one).
const TEXT_PLACEHOLDERS: &[&str] = &[
    "NA",
    "NONE",
    "NULL",
    "NIL",
    "UNKNOWN",
    "UNK",
    "TBD",
    "TBA",
    "NOTAPPLICABLE",
    "NOTAVAILABLE",
];

/// The most letters of a [`TEXT_PLACEHOLDERS`] word.
const LONGEST_TEXT_PLACEHOLDER: usize = {
    let (mut longest, mut i) = (0, 0);
    while i < TEXT_PLACEHOLDERS.len() {
        if TEXT_PLACEHOLDERS[i].len() > longest {
            longest = TEXT_PLACEHOLDERS[i].len();
        }
        i += 1;
    }
    longest
};

/// Nothing but punctuation (`-`, `.`, `?`), or a word for "no value". Every name, street
/// and city is checked, so the word is squeezed in place: a value longer than the
/// longest such word, or with a letter that is not ASCII upper-cased, is none of them.
fn is_placeholder_text(value: &str) -> bool {
    if !value.chars().any(char::is_alphanumeric) {
        return true;
    }
    let mut squeezed = [0u8; LONGEST_TEXT_PLACEHOLDER];
    let mut len = 0;
    let mut squeeze = |upper: char| {
        let fits = upper.is_ascii() && len < squeezed.len();
        if fits {
            squeezed[len] = upper as u8;
            len += 1;
        }
        fits
    };
    let kept = value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '/'));
    for c in kept {
        let fits = match c.is_ascii() {
            true => squeeze(c.to_ascii_uppercase()),
            false => c.to_uppercase().all(&mut squeeze),
        };
        if !fits {
            return false;
        }
    }
    TEXT_PLACEHOLDERS
        .iter()
        .any(|word| word.as_bytes() == &squeezed[..len])
}

/// The fewest digits a number that identifies a line has: a US subscriber number.
const MIN_PHONE_DIGITS: usize = 7;

/// The digits a sequential run is read from, both ways and wrapping around (`2345678901`).
const ASCENDING: &str = "01234567890123456789";
const DESCENDING: &str = "98765432109876543210";

/// A number no line has: too short, one or two digits repeated (`0000000000`,
/// `7007007000`), a sequential run (`1234567890`, `9876543210`), a subscriber number of one
/// digit or a run (`702-000-0000`, `702-123-4567`), or one of the fictional `555-01xx`
/// numbers and directory assistance (`555-1212`).
fn is_placeholder_phone(value: &str) -> bool {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    // A North American number in E.164 has its country code 1 before the ten digits.
    let national = match digits.strip_prefix('1') {
        Some(ten) if ten.len() == 10 => ten,
        _ => digits.as_str(),
    };
    if national.len() < MIN_PHONE_DIGITS || distinct_digits(national) <= 2 {
        return true;
    }
    let subscriber = &national[national.len() - MIN_PHONE_DIGITS..];
    let sequential = |s: &str| ASCENDING.contains(s) || DESCENDING.contains(s);
    let fictional = national.len() == 10
        && national[3..6] == *"555"
        && (national[6..8] == *"01" || national[6..] == *"1212");
    sequential(national) || sequential(subscriber) || distinct_digits(subscriber) == 1 || fictional
}

/// A placeholder text, or digits that number nothing: one digit repeated (`000`,
/// `999-99-9999`) or a sequential run of five or more (`123456789`; a short run such as
/// `1234` can be a small agency's real number).
fn is_placeholder_id(value: &str) -> bool {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let only_digits = value
        .chars()
        .all(|c| c.is_ascii_digit() || !c.is_alphanumeric());
    let sequential =
        digits.len() >= 5 && (ASCENDING.contains(&digits) || DESCENDING.contains(&digits));
    is_placeholder_text(value)
        || (only_digits && ((digits.len() >= 3 && distinct_digits(&digits) == 1) || sequential))
}

fn distinct_digits(digits: &str) -> usize {
    let seen = digits.bytes().fold(0u16, |seen, b| seen | 1 << (b - b'0'));
    seen.count_ones() as usize
}

/// Local parts typed when there is no address, compared without trailing digits (`test1`
/// is `test`).
const EMAIL_LOCAL_PLACEHOLDERS: &[&str] = &[
    "test",
    "none",
    "noemail",
    "no-email",
    "no_email",
    "nomail",
    "no",
    "na",
    "n/a",
    "example",
    "email",
    "unknown",
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "asdf",
];

/// Domains reserved for examples (RFC 2606) or typed as placeholders.
const EMAIL_DOMAIN_PLACEHOLDERS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "test.com",
    "none.com",
    "noemail.com",
    "nomail.com",
    "domain.com",
];

/// Whether a lower-cased e-mail domain is one reserved for examples and tests (RFC 2606:
/// `example.com`, a `.test` or `.invalid` name) or typed as a placeholder (`test.com`,
/// `none.com`).
pub(crate) fn is_placeholder_domain(domain: &str) -> bool {
    const RESERVED_TOPS: [&str; 4] = ["test", "example", "invalid", "localhost"];
    let top = domain.rsplit('.').next().unwrap_or_default();
    EMAIL_DOMAIN_PLACEHOLDERS.contains(&domain) || RESERVED_TOPS.contains(&top)
}

/// A placeholder local part (`test1@gmail.com`, `noemail@yahoo.com`) or one character
/// repeated (`xxx@`), a placeholder domain (`@example.com`), or, without an `@`, a
/// placeholder text (`N/A`).
fn is_placeholder_email(value: &str) -> bool {
    let lower = value.trim().to_lowercase();
    let Some((local, domain)) = lower.rsplit_once('@') else {
        return is_placeholder_text(&lower);
    };
    let base = local.trim_end_matches(|c: char| c.is_ascii_digit());
    let mut chars = local.chars();
    let repeated = chars.next().is_none_or(|first| chars.all(|c| c == first));
    repeated || EMAIL_LOCAL_PLACEHOLDERS.contains(&base) || is_placeholder_domain(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_placeholder_phones() {
        for phone in [
            "1234567890",
            "+11234567890",
            "0123456789",
            "9876543210",
            "(000) 000-0000",
            "+17777777777",
            "7007007000",
            "702-555-0123",
            "+17025550199",
            "702-555-1212",
            "702-000-0000",
            "702-123-4567",
            "12345",
            "",
        ] {
            assert!(is_placeholder(ValueKind::Phone, phone), "{phone}");
        }
    }

    #[test]
    fn keeps_real_phones() {
        // From the Nevada, Oklahoma and Texas files in tests/data/raw; `702-270-7770` has
        // only three distinct digits.
        for phone in [
            "346-393-9400",
            "+13463939400",
            "(209) 747-1797",
            "830-429-1010",
            "+15122512276",
            "702-270-7770",
            "702-555-0200",
            "+442079460000",
        ] {
            assert!(!is_placeholder(ValueKind::Phone, phone), "{phone}");
        }
    }

    #[test]
    fn no_phone_or_e_mail_of_the_published_files_is_a_placeholder() {
        let phone = regex::Regex::new(r"\(?\b[2-9]\d{2}\)?[ .-]?\d{3}[ .-]?\d{4}\b").unwrap();
        let email = regex::Regex::new(r"[\w.+-]+@[\w-]+\.[\w.]+").unwrap();
        let raw = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/raw");
        let (mut phones, mut emails) = (0, 0);
        for file in std::fs::read_dir(raw).unwrap() {
            let text =
                String::from_utf8_lossy(&std::fs::read(file.unwrap().path()).unwrap()).into_owned();
            for (shape, kind, count) in [
                (&phone, ValueKind::Phone, &mut phones),
                (&email, ValueKind::Email, &mut emails),
            ] {
                for value in shape.find_iter(&text).map(|m| m.as_str()) {
                    assert!(!is_placeholder(kind, value), "{value}");
                    *count += 1;
                }
            }
        }
        assert!(
            phones > 200 && emails > 100,
            "{phones} phones, {emails} e-mails"
        );
    }

    #[test]
    fn flags_placeholder_emails() {
        for email in [
            "test@gmail.com",
            "test1@gmail.com",
            "TEST123@YAHOO.COM",
            "none@none.com",
            "noemail@gmail.com",
            "na@gmail.com",
            "n/a@aol.com",
            "example@outlook.com",
            "sylvia@example.com",
            "director@test.com",
            "xxx@gmail.com",
            "N/A",
            "none",
            "-",
        ] {
            assert!(is_placeholder(ValueKind::Email, email), "{email}");
        }
    }

    #[test]
    fn keeps_real_emails() {
        for email in [
            "doubletroubledaycareok@gmail.com",
            "sylvia@kstreetlearningcenter.com",
            "lorena123abc@aol.com",
            "1on1childcareacademy@gmail.com",
            "testimonials@brightkids.com",
            "nancy@nomadkids.org",
            "info@sunshineacademy.com",
        ] {
            assert!(!is_placeholder(ValueKind::Email, email), "{email}");
        }
    }

    #[test]
    fn flags_placeholder_texts_and_keeps_names() {
        for text in [
            "N/A",
            "n/a",
            "NA",
            "N.A.",
            "NONE",
            "None",
            "UNKNOWN",
            "TBD",
            "-",
            ".",
            "--",
            " ",
            "",
            "Not Applicable",
            "n / a",
        ] {
            assert!(is_placeholder(ValueKind::Text, text), "{text:?}");
        }
        for id in ["0000000", "999-99-9999", "123456789", "N/A", "-"] {
            assert!(is_placeholder(ValueKind::Id, id), "{id}");
        }
        for id in ["1804974", "CCL-1234", "111111A", "12", "1234"] {
            assert!(!is_placeholder(ValueKind::Id, id), "{id}");
        }
        for text in [
            "NANCY",
            "NAPA",
            "NONESUCH LEARNING",
            "A",
            "123 SUNSHINE ACADEMY",
            "MESQUITE",
            "NOT APPLICABLES",
            "NOÑE",
            "ÑA",
        ] {
            assert!(!is_placeholder(ValueKind::Text, text), "{text}");
        }
    }
}
