//! Passwords out of what leadpipe prints: any URL in a message, whatever its scheme, is
//! shown with the password of its userinfo masked. A mistyped `postgress://user:secret@…`
//! is still a secret.

/// `text` with the password of every `scheme://user:password@host` in it shown as `***`.
pub(crate) fn passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        // The userinfo ends at the last `@` before the URL ends: a password with a `/` or
        // a `#` in it, as people mistype them, is masked too (at worst, a little more
        // than the password is).
        let url_end = after
            .find(|c: char| matches!(c, '`' | '\'' | '"' | ')') || c.is_whitespace())
            .unwrap_or(after.len());
        let url = &after[..url_end];
        match url
            .rfind('@')
            .and_then(|at| Some((at, url[..at].find(':')?)))
        {
            Some((at, colon)) => {
                out.push_str(&url[..=colon]);
                out.push_str("***");
                out.push_str(&url[at..]);
            }
            None => out.push_str(url),
        }
        rest = &after[url_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_password_of_every_url_whatever_its_scheme() {
        let cases = [
            (
                "postgress://u:hunter2@db:5432/leads",
                "postgress://u:***@db:5432/leads",
            ),
            (" POSTGRES://u:p@ss@h/db", " POSTGRES://u:***@h/db"),
            ("mysql://root:x@h", "mysql://root:***@h"),
            (
                "endpoint `http://key:secret@127.0.0.1:9000` refused, then https://a:b@c?x",
                "endpoint `http://key:***@127.0.0.1:9000` refused, then https://a:***@c?x",
            ),
            (
                "postgres://postgres@127.0.0.1/db",
                "postgres://postgres@127.0.0.1/db",
            ),
            ("sqlite:leads.db", "sqlite:leads.db"),
            ("no url at all", "no url at all"),
        ];
        for (text, shown) in cases {
            assert_eq!(passwords(text), shown, "{text}");
        }
    }
}
