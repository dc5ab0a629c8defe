//! North American phone numbers to E.164, by libphonenumber's rules.

use phonenumber::{Mode, country};

use super::Issue;

/// A phone number in E.164 form, and its extension when one was written.
#[derive(Debug, PartialEq, Eq)]
pub struct Phone {
    pub e164: String,
    pub extension: Option<String>,
}

/// Parses a phone number written any usual way (`346-393-9400`, `(209) 747-1797`,
/// `2097471797`, `702-374-1129 x12`). A number of the right shape that is not a valid
/// assignment is returned together with an `unassigned_phone` issue, never dropped.
pub fn phone(s: &str) -> Result<Option<(Phone, Option<Issue>)>, Issue> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // Older libphonenumber ports panicked on odd input; a panic must not end a load.
    let parsed = std::panic::catch_unwind(|| phonenumber::parse(Some(country::Id::US), s))
        .map_err(|_| Issue::new("invalid_phone", format!("`{s}` is not a phone number")))?
        .map_err(|e| Issue::new("invalid_phone", format!("`{s}` is not a phone number: {e}")))?;
    let phone = Phone {
        e164: parsed.format().mode(Mode::E164).to_string(),
        extension: parsed.extension().map(|e| e.to_string()),
    };
    let issue = (!phonenumber::is_valid(&parsed)).then(|| {
        Issue::new(
            "unassigned_phone",
            format!("`{s}` is not an assigned number in its numbering plan"),
        )
    });
    Ok(Some((phone, issue)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(s: &str) -> String {
        phone(s).unwrap().unwrap().0.e164
    }

    #[test]
    fn writes_every_us_form_as_e164() {
        assert_eq!(e164("346-393-9400"), "+13463939400");
        assert_eq!(e164("(209) 747-1797"), "+12097471797");
        assert_eq!(e164("2097471797"), "+12097471797");
        assert_eq!(e164("+1 209.747.1797"), "+12097471797");
    }

    #[test]
    fn keeps_the_extension_apart() {
        let (p, issue) = phone("702-374-1129 x12").unwrap().unwrap();
        assert_eq!(p.e164, "+17023741129");
        assert_eq!(p.extension.as_deref(), Some("12"));
        assert!(issue.is_none());
    }

    #[test]
    fn flags_but_keeps_an_unassigned_number() {
        let (p, issue) = phone("555-123-4567").unwrap().unwrap();
        assert_eq!(p.e164, "+15551234567");
        assert_eq!(issue.unwrap().reason, "unassigned_phone");
    }

    #[test]
    fn refuses_text_that_is_no_number() {
        assert_eq!(phone("call us").unwrap_err().reason, "invalid_phone");
        assert_eq!(phone(" "), Ok(None));
    }
}
