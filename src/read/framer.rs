//! Splits a byte stream into raw CSV records, and finds quotes that never close.
//!
//! The `csv` crate reads an unclosed quote as a field running to the end of the file, with
//! no error. The framer follows quotes with the same rules as the `csv-core` parser that
//! later splits each record into fields (a quote opens a quoted field only at the start of
//! a field; `""` inside one is a quote), so both agree on where records end. A quoted field
//! still open at the end of the input is taken to be missing its closing quote: that record
//! is only its first line, marked [`Problem::UnterminatedQuote`], and reading resumes on the
//! next line, so one stray quote costs one line, not the rest of the file.
//!
//! A quoted field that runs past `max_record_lines` lines is read on, up to
//! [`LONG_FIELD_BYTES`], and kept whole only if its quote closes cleanly (followed by a
//! delimiter or a line break). A stray quote pairs with the opening quote of a later quoted
//! field, so the character after it is that field's first: its record is cut to its first
//! line. Cutting a long field that does close would read its inner lines as records with
//! their quotes inverted, and its last line as a lead with a wrong first field.

use std::io::{self, BufRead};

use memchr::memchr3;

use super::dialect::Dialect;

/// A record longer than this is cut off at its first line break ([`Problem::Oversized`]).
pub(crate) const MAX_RECORD_BYTES: usize = 1 << 20;

/// How far a quoted field still open after `max_record_lines` lines is read on, to see
/// whether its quote closes cleanly: a stray quote costs this much reading (and reading
/// again), not a whole [`MAX_RECORD_BYTES`].
const LONG_FIELD_BYTES: usize = 64 << 10;

/// Why a raw record is not a sound record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// A quote opened in the record never closes; the record is its first line.
    UnterminatedQuote,
    /// The line is longer than [`MAX_RECORD_BYTES`]; the record holds its first bytes.
    Oversized,
}

/// One record's text as published, without its line break.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RawRecord {
    /// The line the record starts on, counting from 1.
    pub line: u64,
    pub bytes: Vec<u8>,
    /// How many lines the record spans (line breaks inside quotes make it more than 1).
    pub lines: u64,
    pub problem: Option<Problem>,
}

/// Yields the records of a byte stream. Blank lines are skipped.
pub(crate) struct Framer<R> {
    input: R,
    syntax: Syntax,
    max_record_lines: usize,
    /// Text already read that must be scanned again, before `input`.
    replay: Vec<u8>,
    replay_pos: usize,
    next_line: u64,
    /// The last line break was `\r`: a `\n` right after it belongs to it.
    after_cr: bool,
    /// The line break that ended the last record; `None` at the end of the input.
    last_terminator: Option<u8>,
    bytes_read: u64,
}

/// The bytes that end records and fields, and open and close quoted ones.
#[derive(Clone, Copy)]
struct Syntax {
    delimiter: u8,
    quote: Option<u8>,
    escape: Option<u8>,
}

/// Where a field stands, as `csv-core` would see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Field {
    #[default]
    Start,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: it closes the field, or escapes a second quote.
    QuoteInQuoted,
    /// The escape byte inside a quoted field: the next byte is a plain character.
    Escaped,
}

/// Where the scan of the current record stands.
#[derive(Default)]
struct Scan {
    field: Field,
    /// Line breaks inside quotes so far (`\r\n` counts once).
    newlines: usize,
    /// Offset in the record of its first line break inside quotes.
    first_newline: Option<usize>,
    /// The last byte was a `\r` inside quotes.
    cr_in_quotes: bool,
    /// The open quoted field has run past `max_record_lines` lines: it must close cleanly.
    long_field: bool,
}

/// Where the scan of a chunk stopped.
enum Stop {
    /// The record ends at this line break (`\n` or `\r`) outside quotes.
    End { at: usize, terminator: u8 },
    /// A quoted field that went on for too many lines closed on something else than a
    /// delimiter or a line break; stopped before this byte.
    Runaway { at: usize },
    /// The record goes on past the chunk.
    NotYet,
}

impl<R: BufRead> Framer<R> {
    /// Frames `input`, whose first line is line `first_line`.
    pub(crate) fn new(input: R, dialect: &Dialect, first_line: u64) -> Framer<R> {
        Framer {
            input,
            syntax: Syntax {
                delimiter: dialect.delimiter.byte(),
                quote: dialect.quote,
                escape: dialect.escape,
            },
            max_record_lines: dialect.max_record_lines,
            replay: Vec::new(),
            replay_pos: 0,
            next_line: first_line,
            after_cr: false,
            last_terminator: None,
            bytes_read: 0,
        }
    }

    /// Bytes taken from the input so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next record, or `None` at the end of the input.
    pub(crate) fn next_record(&mut self) -> io::Result<Option<RawRecord>> {
        let mut bytes = Vec::new();
        let mut scan = Scan::default();
        loop {
            let (chunk, from_replay) =
                next_chunk(&self.replay[self.replay_pos..], &mut self.input)?;
            if chunk.is_empty() {
                return Ok(self.end_of_input(bytes, &scan));
            }
            if self.after_cr && bytes.is_empty() && chunk[0] == b'\n' {
                self.after_cr = false;
                self.consume(1, from_replay);
                continue;
            }
            self.after_cr = false;
            let stop = find_record_end(
                chunk,
                bytes.len(),
                self.syntax,
                self.max_record_lines,
                &mut scan,
            );
            match stop {
                Stop::End { at, terminator } => {
                    bytes.extend_from_slice(&chunk[..at]);
                    self.consume(at + 1, from_replay);
                    self.after_cr = terminator == b'\r';
                    self.last_terminator = Some(terminator);
                    let line = self.next_line;
                    self.next_line += 1 + scan.newlines as u64;
                    if bytes.is_empty() {
                        scan = Scan::default();
                        continue;
                    }
                    return Ok(Some(complete(line, bytes, &scan)));
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
                    if scan.long_field && bytes.len() > LONG_FIELD_BYTES {
                        return Ok(Some(self.first_line_only(bytes, &scan)));
                    }
                    if bytes.len() > MAX_RECORD_BYTES {
                        return self.oversized(bytes, &scan).map(Some);
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

    /// Takes back the last record returned, which spans several lines, as a record with a
    /// quote that never closes: it becomes its first line, and the lines after it are read
    /// again. For a reader that finds the record malformed, a stray quote being the likely
    /// cause.
    pub(crate) fn take_back_as_unterminated(&mut self, record: RawRecord) -> RawRecord {
        let Some(at) = record.bytes.iter().position(|&b| b == b'\n' || b == b'\r') else {
            return record;
        };
        let mut bytes = record.bytes;
        let crlf = bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n');
        let mut rest = bytes.split_off(at + 1 + usize::from(crlf));
        bytes.truncate(at);
        rest.extend(self.last_terminator.take());
        rest.extend_from_slice(&self.replay[self.replay_pos..]);
        self.replay = rest;
        self.replay_pos = 0;
        self.after_cr = false;
        self.next_line = record.line + 1;
        RawRecord {
            line: record.line,
            bytes,
            lines: 1,
            problem: Some(Problem::UnterminatedQuote),
        }
    }

    fn end_of_input(&mut self, bytes: Vec<u8>, scan: &Scan) -> Option<RawRecord> {
        self.last_terminator = None;
        if bytes.is_empty() {
            return None;
        }
        if scan.field == Field::Quoted {
            return Some(self.first_line_only(bytes, scan));
        }
        let line = self.next_line;
        self.next_line += 1 + scan.newlines as u64;
        Some(complete(line, bytes, scan))
    }

    /// Cuts an unterminated record to its first line and queues the rest to be read again.
    fn first_line_only(&mut self, mut bytes: Vec<u8>, scan: &Scan) -> RawRecord {
        let line = self.next_line;
        self.next_line += 1;
        if let Some(at) = scan.first_newline {
            let crlf = bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n');
            let mut rest = bytes.split_off(at + 1 + usize::from(crlf));
            bytes.truncate(at);
            rest.extend_from_slice(&self.replay[self.replay_pos..]);
            self.replay = rest;
            self.replay_pos = 0;
        }
        RawRecord {
            line,
            bytes,
            lines: 1,
            problem: Some(Problem::UnterminatedQuote),
        }
    }

    /// Ends a record that outgrew [`MAX_RECORD_BYTES`]: an open quote with a line break in
    /// it is cut back to its first line; otherwise the rest of the physical line is skipped.
    fn oversized(&mut self, mut bytes: Vec<u8>, scan: &Scan) -> io::Result<RawRecord> {
        if scan.field == Field::Quoted && scan.first_newline.is_some() {
            return Ok(self.first_line_only(bytes, scan));
        }
        bytes.truncate(MAX_RECORD_BYTES);
        loop {
            let (chunk, from_replay) =
                next_chunk(&self.replay[self.replay_pos..], &mut self.input)?;
            if chunk.is_empty() {
                break;
            }
            match chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(at) => {
                    self.after_cr = chunk[at] == b'\r';
                    self.consume(at + 1, from_replay);
                    break;
                }
                None => {
                    let n = chunk.len();
                    self.consume(n, from_replay);
                }
            }
        }
        let line = self.next_line;
        self.next_line += 1;
        Ok(RawRecord {
            line,
            bytes,
            lines: 1,
            problem: Some(Problem::Oversized),
        })
    }
}

/// The next bytes to scan: what is left to replay, else the input's; and whether they are
/// replayed.
fn next_chunk<'a>(replay: &'a [u8], input: &'a mut impl BufRead) -> io::Result<(&'a [u8], bool)> {
    if replay.is_empty() {
        Ok((input.fill_buf()?, false))
    } else {
        Ok((replay, true))
    }
}

/// A record whose end was found; an oversized one keeps its first bytes.
fn complete(line: u64, mut bytes: Vec<u8>, scan: &Scan) -> RawRecord {
    let problem = (bytes.len() > MAX_RECORD_BYTES).then(|| {
        bytes.truncate(MAX_RECORD_BYTES);
        Problem::Oversized
    });
    RawRecord {
        line,
        bytes,
        lines: 1 + scan.newlines as u64,
        problem,
    }
}

/// Scans `chunk`, which continues a record already `offset` bytes long.
fn find_record_end(
    chunk: &[u8],
    offset: usize,
    syntax: Syntax,
    max_lines: usize,
    scan: &mut Scan,
) -> Stop {
    let Syntax {
        delimiter,
        quote,
        escape,
    } = syntax;
    let is_quote = |b: u8| Some(b) == quote;
    let mut i = 0;
    while i < chunk.len() {
        // Inside a field, only a line break, a delimiter (unquoted) or a quote (quoted) can
        // change the scan: the bytes before the next of them are skipped in one search.
        let next = match (scan.field, scan.cr_in_quotes) {
            (Field::Unquoted, _) => memchr3(delimiter, b'\n', b'\r', &chunk[i..]),
            (Field::Quoted, false) => match (quote, escape) {
                (Some(q), None) => memchr3(q, b'\n', b'\r', &chunk[i..]),
                _ => chunk[i..]
                    .iter()
                    .position(|&b| is_quote(b) || Some(b) == escape || b == b'\n' || b == b'\r'),
            },
            _ => Some(0),
        };
        let Some(skip) = next else {
            return Stop::NotYet;
        };
        let at = i + skip;
        let b = chunk[at];
        i = at + 1;
        let cr_before = std::mem::take(&mut scan.cr_in_quotes);
        if scan.field == Field::QuoteInQuoted
            && !is_quote(b)
            && std::mem::take(&mut scan.long_field)
        {
            let clean = b == delimiter || b == b'\n' || b == b'\r';
            if !clean {
                return Stop::Runaway { at };
            }
        }
        if scan.field == Field::Escaped {
            scan.field = Field::Quoted;
            if b != b'\n' && b != b'\r' {
                continue;
            }
        }
        match (scan.field, b) {
            (Field::Quoted, q) if is_quote(q) => scan.field = Field::QuoteInQuoted,
            (Field::Quoted, e) if Some(e) == escape => scan.field = Field::Escaped,
            (Field::Quoted, b'\n' | b'\r') => {
                scan.cr_in_quotes = b == b'\r';
                if b == b'\n' && cr_before {
                    continue;
                }
                if scan.newlines >= max_lines {
                    scan.long_field = true;
                }
                scan.newlines += 1;
                scan.first_newline.get_or_insert(offset + at);
            }
            (Field::Quoted | Field::Escaped, _) => {}
            (Field::QuoteInQuoted, q) if is_quote(q) => scan.field = Field::Quoted,
            (_, b'\n' | b'\r') => {
                return Stop::End { at, terminator: b };
            }
            (_, d) if d == delimiter => scan.field = Field::Start,
            (Field::Start, q) if is_quote(q) => scan.field = Field::Quoted,
            (Field::Start | Field::QuoteInQuoted | Field::Unquoted, _) => {
                scan.field = Field::Unquoted
            }
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

    fn dialect(max_record_lines: usize) -> Dialect {
        Dialect {
            max_record_lines,
            ..Dialect::default()
        }
    }

    fn frame_with(input: impl BufRead, max_lines: usize) -> Vec<(u64, String, Option<Problem>)> {
        frame_in(input, &dialect(max_lines))
    }

    fn frame_in(input: impl BufRead, dialect: &Dialect) -> Vec<(u64, String, Option<Problem>)> {
        Framer::new(input, dialect, 1)
            .map(|r| {
                let r = r.unwrap();
                (r.line, String::from_utf8(r.bytes).unwrap(), r.problem)
            })
            .collect()
    }

    fn frame(text: &str, max_lines: usize) -> Vec<(u64, String, Option<Problem>)> {
        frame_with(text.as_bytes(), max_lines)
    }

    fn ok(line: u64, text: &str) -> (u64, String, Option<Problem>) {
        (line, text.to_string(), None)
    }

    fn cut(line: u64, text: &str) -> (u64, String, Option<Problem>) {
        (line, text.to_string(), Some(Problem::UnterminatedQuote))
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
        assert_eq!(
            frame("h\r\"a\rb\",x\ry,1\r", 20),
            [ok(1, "h"), ok(2, "\"a\rb\",x"), ok(4, "y,1")]
        );
    }

    #[test]
    fn skips_blank_lines_but_counts_them() {
        assert_eq!(frame("a\n\n\r\nb\n", 20), [ok(1, "a"), ok(4, "b")]);
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_a_plain_character() {
        assert_eq!(
            frame("x,5\" wide,1\ny,2\nz,3\" tall\nw,4\n", 20),
            [
                ok(1, "x,5\" wide,1"),
                ok(2, "y,2"),
                ok(3, "z,3\" tall"),
                ok(4, "w,4")
            ]
        );
        assert_eq!(
            frame("Kid\"s,\"1 A ST\nb,2\n", 1),
            [cut(1, "Kid\"s,\"1 A ST"), ok(2, "b,2")]
        );
    }

    #[test]
    fn escaped_and_closed_quotes_follow_csv_core() {
        assert_eq!(
            frame("\"K\"\" Street LLC\"\"\",1\n\"ab\"cd,2\n", 20),
            [ok(1, "\"K\"\" Street LLC\"\"\",1"), ok(2, "\"ab\"cd,2")]
        );
    }

    #[test]
    fn an_unclosed_quote_at_the_end_of_the_file_is_marked() {
        assert_eq!(
            frame("h\r\nx,\"Monica Kaler", 20),
            [ok(1, "h"), cut(2, "x,\"Monica Kaler")]
        );
    }

    #[test]
    fn an_unclosed_quote_costs_one_line_not_the_rest_of_the_file() {
        assert_eq!(
            frame("h\r\nx,\"open\r\ny,1\r\nz,2\r\n", 20),
            [ok(1, "h"), cut(2, "x,\"open"), ok(3, "y,1"), ok(4, "z,2")]
        );
        assert_eq!(
            frame("h\rx,\"open\ry,1\rz,2\r", 20),
            [ok(1, "h"), cut(2, "x,\"open"), ok(3, "y,1"), ok(4, "z,2")]
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
                cut(1, "x,\"open"),
                ok(2, "y,1"),
                cut(3, "z,\"2"),
                ok(4, "w,3")
            ]
        );
    }

    #[test]
    fn a_stray_quote_is_read_on_a_bounded_way_only() {
        // Past the line limit, lines without a quote: the quote never closes.
        let lines = "y,1\n".repeat(3 * LONG_FIELD_BYTES / 4);
        let text = format!("x,\"open\n{lines}z,2\n");
        let mut framer = Framer::new(
            io::BufReader::with_capacity(4096, text.as_bytes()),
            &dialect(20),
            1,
        );
        framer.next_record().unwrap();
        let read = framer.bytes_read() as usize;
        assert!(
            read < LONG_FIELD_BYTES + 8192,
            "{read} of {} bytes read",
            text.len()
        );
        let records = frame_with(io::BufReader::with_capacity(4096, text.as_bytes()), 20);
        assert_eq!(records[0], cut(1, "x,\"open"));
        assert_eq!(records[1], ok(2, "y,1"));
        assert_eq!(records.len(), 2 + 3 * LONG_FIELD_BYTES / 4);
    }

    #[test]
    fn a_long_quoted_field_that_closes_cleanly_is_one_record() {
        let text = "h,n\n\"a\nb\nc\nd\",1\n\"e\r\nf\r\n\"\"g\"\"\r\nh\"\r\nz,2\n";
        assert_eq!(
            frame(text, 1),
            [
                ok(1, "h,n"),
                ok(2, "\"a\nb\nc\nd\",1"),
                ok(6, "\"e\r\nf\r\n\"\"g\"\"\r\nh\""),
                ok(10, "z,2")
            ]
        );
        let mut framer = Framer::new(text.as_bytes(), &dialect(1), 1);
        let lines: Vec<_> = framer.by_ref().map(|r| r.unwrap().lines).collect();
        assert_eq!(lines, [1, 4, 4, 1]);
        for capacity in 1..6 {
            let chunked = std::io::BufReader::with_capacity(capacity, text.as_bytes());
            assert_eq!(
                frame_with(chunked, 1),
                frame(text, 1),
                "capacity {capacity}"
            );
        }
    }

    #[test]
    fn a_long_quoted_field_closed_by_a_later_fields_opening_quote_is_cut() {
        // A stray quote on line 1 pairs with the quote that opens line 4's second field.
        let text = "x,\"open\ny,1\nz,2\nw,\"Little Stars\" Care\n";
        assert_eq!(
            frame(text, 1),
            [
                cut(1, "x,\"open"),
                ok(2, "y,1"),
                ok(3, "z,2"),
                ok(4, "w,\"Little Stars\" Care")
            ]
        );
        // Within the limit, the reader's field count is what decides.
        assert_eq!(
            frame(text, 20),
            [ok(1, "x,\"open\ny,1\nz,2\nw,\"Little Stars\" Care")]
        );
    }

    #[test]
    fn the_same_records_from_tiny_chunks() {
        let text = "h\r\n\"a\r\nb\",x\r\nc,\"open\r\nd,1\r\ne,\"\"\"q\"\"\"\r\n";
        let expected = frame(text, 20);
        for capacity in 1..6 {
            let chunked = std::io::BufReader::with_capacity(capacity, text.as_bytes());
            assert_eq!(frame_with(chunked, 20), expected, "capacity {capacity}");
        }
    }

    #[test]
    fn an_oversized_line_is_cut_and_costs_one_line() {
        let long = "x".repeat(MAX_RECORD_BYTES + 10);
        let text = format!("a,1\n\"{long}\",2\nb,3\n");
        let records = frame(&text, 20);
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].0, 2);
        assert_eq!(records[1].2, Some(Problem::Oversized));
        assert_eq!(records[1].1.len(), MAX_RECORD_BYTES);
        assert_eq!(records[2], ok(3, "b,3"));
        let chunked = std::io::BufReader::with_capacity(4096, text.as_bytes());
        assert_eq!(frame_with(chunked, 20), records);
    }

    #[test]
    fn a_record_taken_back_is_read_again_from_its_second_line() {
        for text in ["x,\"a\r\ny,1\r\nz,\"2\r\nw,3\r\n", "x,\"a\ny,1\nz,\"2\nw,3"] {
            let mut framer = Framer::new(text.as_bytes(), &dialect(20), 1);
            let joined = framer.next_record().unwrap().unwrap();
            assert_eq!((joined.line, joined.problem), (1, None));
            let first = framer.take_back_as_unterminated(joined);
            assert_eq!((first.line, first.bytes.as_slice()), (1, &b"x,\"a"[..]));
            assert_eq!(first.problem, Some(Problem::UnterminatedQuote));
            let rest: Vec<_> = framer
                .map(|r| r.unwrap())
                .map(|r| (r.line, r.bytes))
                .collect();
            assert_eq!(
                rest,
                [
                    (2, b"y,1".to_vec()),
                    (3, b"z,\"2".to_vec()),
                    (4, b"w,3".to_vec())
                ],
                "{text:?}"
            );
        }
    }

    #[test]
    fn counts_bytes_read() {
        let mut framer = Framer::new("a,b\nc,d".as_bytes(), &dialect(20), 1);
        while framer.next_record().unwrap().is_some() {}
        assert_eq!(framer.bytes_read(), 7);
    }

    #[test]
    fn follows_the_dialects_quote_and_escape() {
        let single = Dialect {
            quote: Some(b'\''),
            ..Dialect::default()
        };
        assert_eq!(
            frame_in("'a\nb',\"x\ny\n".as_bytes(), &single),
            [ok(1, "'a\nb',\"x"), ok(3, "y")]
        );
        let escaped = Dialect {
            escape: Some(b'\\'),
            ..Dialect::default()
        };
        assert_eq!(
            frame_in("\"a\\\"\nb\",1\n\"c\\\n\",2\n".as_bytes(), &escaped),
            [ok(1, "\"a\\\"\nb\",1"), ok(3, "\"c\\\n\",2")]
        );
        let unquoted = Dialect {
            quote: None,
            ..Dialect::default()
        };
        assert_eq!(
            frame_in("\"a\nb\"\n".as_bytes(), &unquoted),
            [ok(1, "\"a"), ok(2, "b\"")]
        );
        assert_eq!(
            Framer::new("x\n".as_bytes(), &Dialect::default(), 4)
                .next_record()
                .unwrap()
                .map(|r| r.line),
            Some(4)
        );
    }
}
