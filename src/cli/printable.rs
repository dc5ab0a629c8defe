//! Text from files and objects, made safe for a terminal: a header name or a file name
//! can hold control characters (`ESC]0;…BEL` retitles a terminal window), which are shown
//! escaped rather than obeyed.

use std::borrow::Cow;

/// `text` with every control character but the line break written as an escape
/// (`\u{1b}`); text without any is returned as it is.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    let control = |c: char| c.is_control() && c != '\n';
    if !text.chars().any(control) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if control(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(
            printable("Phone\u{1b}]0;pwned\u{7}#\r\tx"),
            "Phone\\u{1b}]0;pwned\\u{7}#\\u{d}\\u{9}x"
        );
        assert_eq!(printable("line one\nline two"), "line one\nline two");
        assert!(matches!(printable("MY LITTLE ANGEL’S"), Cow::Borrowed(_)));
    }
}
