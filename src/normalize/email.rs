//! E-mail addresses: lower-cased, and checked by RFC 5322 rules plus a dotted domain.

use email_address::EmailAddress;

use super::text::non_blank;
use super::{Descriptor, Issue, Verdict, part};
use crate::lead::{ColumnType, Value};
use crate::reason::Reason;

pub(crate) static EMAIL: Descriptor = Descriptor::one_field(
    "email",
    &[
        part("value", ColumnType::Text),
        part("valid", ColumnType::Boolean),
    ],
    "[`value`, `valid`]: lower-cased; checked by RFC 5322 with a dotted domain; an invalid one is kept with `valid` false",
    email_parts,
);

fn email_parts(published: &str, out: &mut [Value]) -> Verdict {
    let Some((email, valid)) = email(published) else {
        return Ok(None);
    };
    let issue = (!valid).then(|| {
        Issue::new(
            Reason::InvalidEmail,
            format!("`{email}` is not an e-mail address"),
        )
    });
    out[0] = Value::Text(email);
    out[1] = Value::Boolean(valid);
    Ok(issue)
}

/// Lower-cases an address, and says whether it is a deliverable-looking address: valid by
/// RFC 5322 and with a dotted domain (`name@example.com`, not `name@localhost`). An invalid
/// address is kept as written (trimmed, lower-cased), never dropped.
pub(crate) fn email(s: &str) -> Option<(String, bool)> {
    let s = non_blank(s)?;
    let lower = s.to_lowercase();
    let valid = lower
        .parse::<EmailAddress>()
        .is_ok_and(|address| address.domain().contains('.'));
    Some((lower, valid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_cases_a_valid_address() {
        assert_eq!(
            email(" Azenneth1090@icloud.com "),
            Some(("azenneth1090@icloud.com".into(), true))
        );
        assert_eq!(
            email("cassie.ccg@outlook.com"),
            Some(("cassie.ccg@outlook.com".into(), true))
        );
    }

    #[test]
    fn keeps_an_invalid_address_marked_invalid() {
        assert_eq!(
            email("sylvia at kstreet.com"),
            Some(("sylvia at kstreet.com".into(), false))
        );
        assert_eq!(email("a@localhost"), Some(("a@localhost".into(), false)));
        assert_eq!(
            email("two@@example.com"),
            Some(("two@@example.com".into(), false))
        );
        assert_eq!(email(""), None);
    }
}
