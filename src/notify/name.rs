//! Names in alerts: a file, a source, a guard, a check, a column. An alert leaves the
//! machine for a chat channel or another service, so a name is cleaned on the way in: an
//! e-mail address or a phone number in it (a file named after a person, an error quoting a
//! record) is replaced by `[e-mail]` or `[phone]`, a URL's password by `***`, control
//! characters by `�`, and a name is at most [`MAX_CHARS`] characters long.

use std::fmt;

/// The longest name an alert carries, in characters (Slack's fields take 2,000).
pub const MAX_CHARS: usize = 300;

/// A name as an alert may carry it: never an e-mail address, a phone number or a password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    /// `text`, cleaned of e-mail addresses, phone numbers, URL passwords and control
    /// characters, and cut to [`MAX_CHARS`].
    pub fn new(text: &str) -> Name {
        let text = crate::redact::passwords(text);
        let text = without_emails(&text);
        let text = without_phones(&text);
        let mut name: String = text
            .chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .take(MAX_CHARS)
            .collect();
        if text.chars().count() > MAX_CHARS {
            name.pop();
            name.push('…');
        }
        Name(name)
    }

    /// The cleaned name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Characters that end a word that may be an e-mail address.
fn ends_a_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '(' | ')' | '"' | '\'' | '`')
}

/// `text` with every word that has a user, an `@` and a dotted domain replaced.
fn without_emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let email = word
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
        out.push_str(if email { "[e-mail]" } else { word });
        word.clear();
    };
    for c in text.chars() {
        if ends_a_word(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Characters that may separate the digit groups of a phone number (in a file name too:
/// `kids_405_555_0143.csv`).
fn phone_separator(c: char) -> bool {
    matches!(c, ' ' | '(' | ')' | '-' | '.' | '+' | '_' | '/')
}

/// Whether consecutive digit groups of these lengths are a North American phone number,
/// written as people write them: `4055550143`, `1 405 555 0143`, `(405) 555-0143`,
/// `405 5550143`, or the local `555-0143`. Dates (`2024-01-05`, `01-05-2024`,
/// `20240105`) are none of these.
fn is_phone(groups: &[usize]) -> bool {
    matches!(
        groups,
        [10] | [11] | [3, 3, 4] | [1, 3, 3, 4] | [3, 7] | [1, 10] | [3, 4]
    )
}

/// `text` with every phone number in it replaced. The text is cut into runs of digits and
/// separators; within a run, the longest window of digit groups that is a phone number
/// (see [`is_phone`]) is replaced, from left to right.
fn without_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The digit groups of this run, as (start, end) char positions.
        let mut groups = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((start, j));
            let mut k = j;
            while k < chars.len() && phone_separator(chars[k]) {
                k += 1;
            }
            if k == j || k >= chars.len() || !chars[k].is_ascii_digit() {
                break;
            }
            j = k;
        }
        let lengths: Vec<usize> = groups.iter().map(|(s, e)| e - s).collect();
        let mut g = 0;
        let mut written = i;
        while g < groups.len() {
            let longest = (g + 1..=groups.len())
                .rev()
                .find(|&end| is_phone(&lengths[g..end]));
            match longest {
                Some(end) => {
                    out.extend(&chars[written..groups[g].0]);
                    // `+1` and `(` before the digits belong to the number.
                    while out.ends_with(['(', '+']) {
                        out.pop();
                    }
                    out.push_str("[phone]");
                    written = groups[end - 1].1;
                    g = end;
                }
                None => g += 1,
            }
        }
        let run_end = groups.last().expect("a run has a group").1;
        out.extend(&chars[written..run_end]);
        i = run_end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails_are_replaced() {
        let cases = [
            (
                "call 405-555-0143 or kids@example.org",
                "call [phone] or [e-mail]",
            ),
            ("(702) 555 0100, +1 346.393.9400", "[phone], [phone]"),
            ("4055550143", "[phone]"),
            ("kids_405_555_0143.csv", "kids_[phone].csv"),
            ("drops/405/555/0143/list.csv", "drops/[phone]/list.csv"),
            ("local 555-0143.", "local [phone]."),
            ("<jo.smith@mail.example.com>", "<[e-mail]>"),
            ("postgress://u:hunter2@db.example:5432/leads", "[e-mail]"),
        ];
        for (text, name) in cases {
            assert_eq!(Name::new(text).as_str(), name, "{text}");
        }
    }

    #[test]
    fn dates_counts_and_file_names_stay() {
        for text in [
            "01-05-2024 Nevada DPBH example.csv",
            "s3://drops/weekly/ok_2024-01-05.csv",
            "20240105_texas.csv",
            "max_deactivated",
            "fill rate of phone",
            "@channel",
            "12 of 49",
        ] {
            assert_eq!(Name::new(text).as_str(), text);
        }
    }

    #[test]
    fn control_characters_and_length_are_bounded() {
        assert_eq!(
            Name::new("a\u{1b}]0;x\u{7}b").as_str(),
            "a\u{fffd}]0;x\u{fffd}b"
        );
        let long = Name::new(&"x".repeat(1000));
        assert_eq!(long.as_str().chars().count(), MAX_CHARS);
        assert!(long.as_str().ends_with('…'));
        assert_eq!(
            Name::new(&"x".repeat(MAX_CHARS)).as_str(),
            "x".repeat(MAX_CHARS)
        );
    }
}
