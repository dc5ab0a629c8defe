//! How a file is written: a CSV file's dialect (delimiter, quote, escape) and the layout of
//! any file (lines or rows before the header, header rows, notes after the records), as its
//! spec's `[format]` says.

use std::io::{self, BufRead, Read};

/// How a file's text is cut into records and fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: Delimiter,
    /// Opens and closes a quoted field (`"`, `'`); `None` when no field is ever quoted.
    pub quote: Option<u8>,
    /// Inside a quoted field, makes the next byte a plain character (`\`). A doubled quote
    /// always stands for a quote, with or without it.
    pub escape: Option<u8>,
    /// A quoted field still open after this many lines is taken to be missing its closing
    /// quote.
    pub max_record_lines: usize,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            delimiter: Delimiter::One(b','),
            quote: Some(b'"'),
            escape: None,
            max_record_lines: 20,
        }
    }
}

/// What separates fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    /// One ASCII byte: `,`, `;`, tab, `|`.
    One(u8),
    /// Two ASCII bytes, such as `, `: read as one, so that a lone `,` stays text.
    Two([u8; 2]),
}

/// The byte a two-byte delimiter is read as: the ASCII unit separator, made for the job and
/// absent from the text of agencies' files.
const UNIT_SEPARATOR: u8 = 0x1f;

impl Delimiter {
    /// The byte the framer and the field splitter split on.
    pub(crate) fn byte(self) -> u8 {
        match self {
            Delimiter::One(byte) => byte,
            Delimiter::Two(_) => UNIT_SEPARATOR,
        }
    }

    /// How the delimiter is written in a spec: `,`, `\t`, `, `.
    pub fn text(self) -> String {
        let bytes = match self {
            Delimiter::One(byte) => vec![byte],
            Delimiter::Two(pair) => pair.to_vec(),
        };
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Where a file's header and records are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Lines before the header (a title, a date, a blank line), skipped.
    pub preamble_lines: usize,
    /// The rows the header takes: 1; 0 when the file has none (its spec's `header` names the
    /// columns by position); 2 or more when each column's name is spread over rows, which are
    /// read as one name, their parts joined by a space.
    pub header_rows: usize,
    /// Records after the last one that are notes (a total, a disclaimer), skipped.
    pub footnote_lines: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            preamble_lines: 0,
            header_rows: 1,
            footnote_lines: 0,
        }
    }
}

/// Adds one row of a header to the column names read so far: each column's parts joined by
/// a space, as a header whose names run over several rows is read (a CSV file's or a
/// sheet's).
pub(crate) fn join_header_row<'a>(
    header: &mut Vec<String>,
    row: impl ExactSizeIterator<Item = &'a str>,
) {
    if header.len() < row.len() {
        header.resize(row.len(), String::new());
    }
    for (name, part) in header.iter_mut().zip(row) {
        let part = part.trim();
        if !part.is_empty() && !name.is_empty() {
            name.push(' ');
        }
        name.push_str(part);
    }
}

/// A stream read with a two-byte delimiter: each delimiter outside quotes becomes
/// [`UNIT_SEPARATOR`], everything else passes unchanged. Quotes are followed by pairing
/// them (and skipping escaped bytes), as a file written with such a delimiter quotes.
pub(crate) struct JoinedDelimiter<R> {
    input: R,
    pair: [u8; 2],
    quotes: Quotes,
    /// The last chunk ended on the pair's first byte, outside quotes.
    pending_first: bool,
}

/// Whether the bytes so far leave a quoted field open.
struct Quotes {
    quote: Option<u8>,
    escape: Option<u8>,
    open: bool,
    escaped: bool,
}

impl Quotes {
    fn follow(&mut self, byte: u8) {
        if !self.open {
            self.open = Some(byte) == self.quote;
        } else if self.escaped {
            self.escaped = false;
        } else if Some(byte) == self.escape {
            self.escaped = true;
        } else if Some(byte) == self.quote {
            self.open = false;
        }
    }
}

impl<R: BufRead> JoinedDelimiter<R> {
    pub(crate) fn new(input: R, pair: [u8; 2], dialect: &Dialect) -> JoinedDelimiter<R> {
        JoinedDelimiter {
            input,
            pair,
            quotes: Quotes {
                quote: dialect.quote,
                escape: dialect.escape,
                open: false,
                escaped: false,
            },
            pending_first: false,
        }
    }
}

impl<R: BufRead> Read for JoinedDelimiter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                let first = std::mem::take(&mut self.pending_first);
                if first {
                    out[0] = self.pair[0];
                }
                return Ok(usize::from(first));
            }
            let (mut read, mut written) = (0, 0);
            if std::mem::take(&mut self.pending_first) {
                if chunk[0] == self.pair[1] {
                    out[0] = UNIT_SEPARATOR;
                    read = 1;
                } else {
                    out[0] = self.pair[0];
                }
                written = 1;
            }
            while read < chunk.len() && written < out.len() {
                let byte = chunk[read];
                if !self.quotes.open && byte == self.pair[0] {
                    match chunk.get(read + 1) {
                        Some(&next) if next == self.pair[1] => {
                            out[written] = UNIT_SEPARATOR;
                            (read, written) = (read + 2, written + 1);
                            continue;
                        }
                        Some(_) => {}
                        None => {
                            self.pending_first = true;
                            read += 1;
                            break;
                        }
                    }
                }
                out[written] = byte;
                (read, written) = (read + 1, written + 1);
                self.quotes.follow(byte);
            }
            self.input.consume(read);
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

/// A record's bytes with each [`UNIT_SEPARATOR`] written back as the two-byte delimiter it
/// was read for: the record as published.
pub(crate) fn restore_pairs(bytes: &[u8], pair: [u8; 2]) -> Vec<u8> {
    let mut restored = Vec::with_capacity(bytes.len() + 16);
    for &byte in bytes {
        if byte == UNIT_SEPARATOR {
            restored.extend_from_slice(&pair);
        } else {
            restored.push(byte);
        }
    }
    restored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str, chunk: usize) -> String {
        let dialect = Dialect {
            delimiter: Delimiter::Two(*b", "),
            ..Dialect::default()
        };
        let input = io::BufReader::with_capacity(chunk, text.as_bytes());
        let mut out = Vec::new();
        JoinedDelimiter::new(input, *b", ", &dialect)
            .read_to_end(&mut out)
            .unwrap();
        String::from_utf8(out).unwrap().replace('\u{1f}', "|")
    }

    #[test]
    fn a_two_byte_delimiter_becomes_one_outside_quotes_only() {
        let text = "a, b,c, \"x, y\", \"q\"\"\", z\r\n1, 2,\r\n";
        let expected = "a|b,c|\"x, y\"|\"q\"\"\"|z\r\n1|2,\r\n";
        for chunk in [1, 2, 3, 64] {
            assert_eq!(joined(text, chunk), expected, "chunks of {chunk}");
        }
        assert_eq!(joined("a,", 1), "a,");
        assert_eq!(
            restore_pairs("a\u{1f}b".as_bytes(), *b", "),
            b"a, b".to_vec()
        );
    }
}
