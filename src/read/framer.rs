//! Splits a byte stream into raw CSV records, and finds quotes that never close.
//!
//! The `csv` crate reads an unclosed quote as a field running to the end of the file, with
//! no error. The framer tracks quotes itself: a record ends at a line break outside quotes;
//! a quoted field still open after `max_record_lines` lines, or at the end of the file, is
//! taken to be missing its closing quote. That record is then only its first line, marked
//! [`RawRecord::unterminated`], and reading resumes on the next line, so one stray quote
//! costs one line, not the rest of the file.

use std::io::{self, BufRead};

/// A quoted field longer than this is taken to be missing its closing quote.
const MAX_RECORD_BYTES: usize = 1 << 20;

/// One record's text as published, without its line break.
#[derive(Debug, PartialEq, Eq)]
pub struct RawRecord {
    /// The line the record starts on, counting from 1.
    pub line: u64,
    pub bytes: Vec<u8>,
    /// A quote opened in this record never closes; `bytes` is the record's first line.
    pub unterminated: bool,
}

/// Yields the records of a byte stream. Blank lines are skipped.
pub struct Framer<R> {
    input: R,
    /// Text already read that must be scanned again, before `input`.
    replay: Vec<u8>,
    replay_pos: usize,
    next_line: u64,
    /// The last record ended with `\r`: a `\n` right after it belongs to that line break.
    after_cr: bool,
    max_record_lines: usize,
    bytes_read: u64,
}

/// Where a scan of the current record stands.
#[derive(Default)]
struct Scan {
    in_quotes: bool,
    /// Line breaks inside quotes so far.
    newlines: usize,
    /// Offset in the record of its first line break inside quotes.
    first_newline: Option<usize>,
}

impl<R: BufRead> Framer<R> {
    pub fn new(input: R, max_record_lines: usize) -> Framer<R> {
        Framer {
            input,
            replay: Vec::new(),
            replay_pos: 0,
            next_line: 1,
            after_cr: false,
            max_record_lines,
            bytes_read: 0,
        }
    }

    /// Bytes taken from the input so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next record, or `None` at the end of the input.
    pub fn next_record(&mut self) -> io::Result<Option<RawRecord>> {
        let mut bytes = Vec::new();
        let mut scan = Scan::default();
        loop {
            let from_replay = self.replay_pos < self.replay.len();
            let chunk = if from_replay {
                &self.replay[self.replay_pos..]
            } else {
                self.input.fill_buf()?
            };
            if chunk.is_empty() {
                return Ok(self.end_of_input(bytes, &scan));
            }
            if self.after_cr && bytes.is_empty() && chunk[0] == b'\n' {
                self.after_cr = false;
                self.consume(1, from_replay);
                continue;
            }
            self.after_cr = false;
            match find_record_end(chunk, bytes.len(), self.max_record_lines, &mut scan) {
                Stop::End { at, terminator } => {
                    bytes.extend_from_slice(&chunk[..at]);
                    self.consume(at + 1, from_replay);
                    self.after_cr = terminator == b'\r';
                    let line = self.next_line;
                    self.next_line += 1 + scan.newlines as u64;
                    if bytes.is_empty() {
                        scan = Scan::default();
                        continue;
                    }
                    return Ok(Some(RawRecord {
                        line,
                        bytes,
                        unterminated: false,
                    }));
                }
                Stop::Runaway { at } => {
                    bytes.extend_from_slice(&chunk[..at]);
                    self.consume(at, from_replay);
                    return Ok(Some(self.first_line_only(bytes, &scan)));
                }
                Stop::NotYet => {
                    let n = chunk.len();
                    bytes.extend_from_slice(chunk);
                    self.consume(n, from_replay);
                    if scan.in_quotes && bytes.len() > MAX_RECORD_BYTES {
                        return Ok(Some(self.first_line_only(bytes, &scan)));
                    }
                }
            }
        }
    }

    fn consume(&mut self, n: usize, from_replay: bool) {
        if from_replay {
            self.replay_pos += n;
        } else {
            self.input.consume(n);
            self.bytes_read += n as u64;
        }
    }

    fn end_of_input(&mut self, bytes: Vec<u8>, scan: &Scan) -> Option<RawRecord> {
        if bytes.is_empty() {
            return None;
        }
        if scan.in_quotes && scan.first_newline.is_some() {
            return Some(self.first_line_only(bytes, scan));
        }
        let line = self.next_line;
        self.next_line += 1 + scan.newlines as u64;
        Some(RawRecord {
            line,
            bytes,
            unterminated: scan.in_quotes,
        })
    }

    /// Cuts an unterminated record to its first line and queues the rest to be read again.
    fn first_line_only(&mut self, mut bytes: Vec<u8>, scan: &Scan) -> RawRecord {
        let line = self.next_line;
        self.next_line += 1;
        if let Some(at) = scan.first_newline {
            let mut rest = bytes.split_off(at + 1);
            bytes.truncate(at);
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
            rest.extend_from_slice(&self.replay[self.replay_pos..]);
            self.replay = rest;
            self.replay_pos = 0;
        }
        RawRecord {
            line,
            bytes,
            unterminated: true,
        }
    }
}

/// Where the scan of a chunk stopped.
enum Stop {
    /// The record ends at this line break (`\n` or `\r`) outside quotes.
    End { at: usize, terminator: u8 },
    /// A quoted field has gone on for too many lines; stopped before this byte.
    Runaway { at: usize },
    /// The record goes on past the chunk.
    NotYet,
}

/// Scans `chunk`, which continues a record already `offset` bytes long.
fn find_record_end(chunk: &[u8], offset: usize, max_lines: usize, scan: &mut Scan) -> Stop {
    for (i, &b) in chunk.iter().enumerate() {
        match b {
            b'"' => scan.in_quotes = !scan.in_quotes,
            b'\n' | b'\r' if !scan.in_quotes => {
                return Stop::End {
                    at: i,
                    terminator: b,
                };
            }
            b'\n' if scan.newlines >= max_lines => return Stop::Runaway { at: i },
            b'\n' => {
                scan.newlines += 1;
                scan.first_newline.get_or_insert(offset + i);
            }
            _ => {}
        }
    }
    Stop::NotYet
}

impl<R: BufRead> Iterator for Framer<R> {
    type Item = io::Result<RawRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(text: &str, max_lines: usize) -> Vec<(u64, String, bool)> {
        Framer::new(text.as_bytes(), max_lines)
            .map(|r| {
                let r = r.unwrap();
                (r.line, String::from_utf8(r.bytes).unwrap(), r.unterminated)
            })
            .collect()
    }

    fn ok(line: u64, text: &str) -> (u64, String, bool) {
        (line, text.to_string(), false)
    }

    #[test]
    fn splits_lf_crlf_and_cr_lines() {
        assert_eq!(
            frame("a,b\nc,d\r\ne,f\rg,h", 20),
            [ok(1, "a,b"), ok(2, "c,d"), ok(3, "e,f"), ok(4, "g,h")]
        );
    }

    #[test]
    fn keeps_line_breaks_inside_quotes_and_counts_lines() {
        assert_eq!(
            frame("h\r\n\"Name\r\nTitle\",x\r\nnext,y\r\n", 20),
            [ok(1, "h"), ok(2, "\"Name\r\nTitle\",x"), ok(4, "next,y")]
        );
    }

    #[test]
    fn skips_blank_lines_but_counts_them() {
        assert_eq!(frame("a\n\n\r\nb\n", 20), [ok(1, "a"), ok(4, "b")]);
    }

    #[test]
    fn an_unclosed_quote_at_the_end_of_the_file_is_marked() {
        assert_eq!(
            frame("h\r\nx,\"Monica Kaler", 20),
            [ok(1, "h"), (2, "x,\"Monica Kaler".into(), true)]
        );
    }

    #[test]
    fn an_unclosed_quote_costs_one_line_not_the_rest_of_the_file() {
        assert_eq!(
            frame("h\nx,\"open\ny,1\nz,2\n", 20),
            [
                ok(1, "h"),
                (2, "x,\"open".into(), true),
                ok(3, "y,1"),
                ok(4, "z,2")
            ]
        );
    }

    #[test]
    fn a_quote_open_for_too_many_lines_is_cut_back_to_one() {
        let text = "x,\"open\ny,1\nz,\"2\nw,3\n";
        assert_eq!(
            frame(text, 20),
            [ok(1, "x,\"open\ny,1\nz,\"2"), ok(4, "w,3")]
        );
        assert_eq!(
            frame(text, 1),
            [
                (1, "x,\"open".into(), true),
                ok(2, "y,1"),
                (3, "z,\"2".into(), true),
                ok(4, "w,3")
            ]
        );
    }

    #[test]
    fn counts_bytes_read() {
        let mut framer = Framer::new("a,b\nc,d".as_bytes(), 20);
        while framer.next_record().unwrap().is_some() {}
        assert_eq!(framer.bytes_read(), 7);
    }
}
