//! A second reading of a record that does not parse, with its stray quotes as plain
//! characters: a quote opens a quoted field only if a quote closes it before a delimiter
//! or the end of the line (`"17/02/2018,02:00,…` and a lone `"` as the last field are text).
//! The strict reading, which `csv-core` shares with the framer, pairs such a quote with the
//! next one and shifts every field after it.

use super::dialect::Dialect;

/// The fields of one line (no line break) read so; quoted fields lose their quotes and
/// escapes, as in a strict reading.
pub(crate) fn fields(line: &[u8], dialect: &Dialect) -> Vec<Vec<u8>> {
    let delimiter = dialect.delimiter.byte();
    let mut fields = Vec::new();
    let mut at = 0;
    loop {
        let rest = &line[at..];
        let quoted = match dialect.quote {
            Some(quote) if rest.first() == Some(&quote) => {
                closing(rest, quote, dialect.escape, delimiter)
            }
            _ => None,
        };
        let (field, end) = match quoted {
            Some((field, len)) => (field, at + len),
            None => {
                let len = rest
                    .iter()
                    .position(|&b| b == delimiter)
                    .unwrap_or(rest.len());
                (rest[..len].to_vec(), at + len)
            }
        };
        fields.push(field);
        if end >= line.len() {
            return fields;
        }
        // `end` is a delimiter.
        at = end + 1;
        if at == line.len() {
            fields.push(Vec::new());
            return fields;
        }
    }
}

/// A quoted field at the start of `text`, if a quote closes it right before a delimiter or
/// the end: its value and its length in `text`.
fn closing(text: &[u8], quote: u8, escape: Option<u8>, delimiter: u8) -> Option<(Vec<u8>, usize)> {
    let mut value = Vec::new();
    let mut i = 1;
    while i < text.len() {
        let b = text[i];
        if Some(b) == escape && i + 1 < text.len() {
            value.push(text[i + 1]);
            i += 2;
        } else if b == quote && text.get(i + 1) == Some(&quote) {
            value.push(quote);
            i += 2;
        } else if b == quote {
            return match text.get(i + 1) {
                None => Some((value, i + 1)),
                Some(&next) if next == delimiter => Some((value, i + 1)),
                Some(_) => None,
            };
        } else {
            value.push(b);
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<String> {
        fields(line.as_bytes(), &Dialect::default())
            .into_iter()
            .map(|f| String::from_utf8(f).unwrap())
            .collect()
    }

    #[test]
    fn a_quote_that_closes_nothing_is_text() {
        assert_eq!(
            read("\"17/02/2018,02:00,\"a, b\",x"),
            ["\"17/02/2018", "02:00", "a, b", "x"]
        );
        assert_eq!(read("1,\"a\"\"b\","), ["1", "a\"b", ""]);
        assert_eq!(read("x.html,\""), ["x.html", "\""]);
        assert_eq!(
            read("9,\"CC-9259,$48.00,\"Throw, Pillow\""),
            ["9", "\"CC-9259", "$48.00", "Throw, Pillow"]
        );
        assert_eq!(read(""), [""]);
    }
}
