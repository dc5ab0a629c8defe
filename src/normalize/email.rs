//! E-mail addresses: lower-cased, and checked for the shape `local@domain.tld`.

use super::Issue;

/// Lower-cases an address. One that is not shaped like `local@domain.tld` is kept as written
/// (trimmed) together with an `invalid_email` issue.
pub fn email(s: &str) -> Option<(String, Option<Issue>)> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let lower = s.to_lowercase();
    let issue = (!looks_like_email(&lower))
        .then(|| Issue::new("invalid_email", format!("`{s}` is not an e-mail address")));
    Some((lower, issue))
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let labels_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    !local.is_empty() && !local.contains(char::is_whitespace) && domain.contains('.') && labels_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_cases_a_valid_address() {
        assert_eq!(
            email(" Azenneth1090@icloud.com "),
            Some(("azenneth1090@icloud.com".into(), None))
        );
    }

    #[test]
    fn keeps_and_flags_an_invalid_address() {
        let (kept, issue) = email("sylvia at kstreet.com").unwrap();
        assert_eq!(kept, "sylvia at kstreet.com");
        assert_eq!(issue.unwrap().reason, "invalid_email");
        assert_eq!(email("a@b").unwrap().1.unwrap().reason, "invalid_email");
        assert_eq!(email(""), None);
    }
}
