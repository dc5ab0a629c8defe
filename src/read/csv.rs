//! CSV files as agencies publish them: any encoding, quoted line breaks, stray quotes,
//! ragged rows. The [`RecordSource`] for every spec today.

use std::io::{self, BufRead, Read};

use encoding_rs::Encoding;

use super::decode::{self, decode_field_into};
use super::dialect::{Delimiter, Dialect, JoinedDelimiter, Layout, join_header_row, restore_pairs};
use super::fields::{FieldSplitter, Fields};
use super::framer::{Framer, Problem, RawRecord};
use super::stray_quotes;
use super::{Defect, Record, RecordSource, width_defect};

/// Reads the records of one file after its header.
pub(crate) struct CsvReader {
    framer: Framer<Box<dyn BufRead + Send>>,
    splitter: FieldSplitter,
    /// A two-byte delimiter, which the framer sees as one byte: written back in a record's
    /// bytes as published.
    pair: Option<[u8; 2]>,
    dialect: Dialect,
    header: Vec<String>,
    encoding: &'static str,
    repaired_fields: u64,
}

impl CsvReader {
    /// Opens a byte stream and reads its header as `layout` places it (`names` are the
    /// columns of a file without one). `encoding` is the spec's (`None` for auto).
    pub(crate) fn new(
        input: impl Read + Send + 'static,
        encoding: Option<&'static Encoding>,
        dialect: &Dialect,
        layout: &Layout,
        names: &[String],
    ) -> io::Result<CsvReader> {
        let (mut input, encoding) = decode::open_as_utf8(input, encoding)?;
        if let Delimiter::Two(pair) = dialect.delimiter {
            let joined = JoinedDelimiter::new(input, pair, dialect);
            input = Box::new(io::BufReader::with_capacity(1 << 16, joined));
        }
        skip_lines(&mut input, layout.preamble_lines)?;
        let first_line = layout.preamble_lines as u64 + 1;
        let mut reader = CsvReader {
            framer: Framer::new(input, dialect, first_line),
            splitter: FieldSplitter::new(dialect),
            pair: match dialect.delimiter {
                Delimiter::Two(pair) => Some(pair),
                Delimiter::One(_) => None,
            },
            dialect: *dialect,
            header: Vec::new(),
            encoding,
            repaired_fields: 0,
        };
        reader.header = match layout.header_rows {
            0 => names.to_vec(),
            rows => reader.read_header(rows)?,
        };
        Ok(reader)
    }

    /// The column names of a header that takes `rows` rows: each column's parts joined by a
    /// space.
    fn read_header(&mut self, rows: usize) -> io::Result<Vec<String>> {
        let mut header: Vec<String> = Vec::new();
        for row in 0..rows {
            let Some(record) = self.framer.next_record()? else {
                let message = match row {
                    0 => "the file is empty: no header".to_string(),
                    _ => format!("the file ends within its {rows}-row header"),
                };
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, message));
            };
            let Some(cells) = record
                .problem
                .is_none()
                .then(|| self.split(&record.bytes))
                .flatten()
            else {
                let message = format!(
                    "the header (line {}) is not a sound CSV record",
                    record.line
                );
                return Err(io::Error::new(io::ErrorKind::InvalidData, message));
            };
            join_header_row(&mut header, cells.iter());
        }
        Ok(header)
    }

    /// A one-line record that does not parse, read again with its stray quotes as text
    /// ([`stray_quotes`]): its fields, when it then has the header's width.
    fn with_stray_quotes(&mut self, line: &[u8]) -> Option<Fields> {
        let quote = self.dialect.quote?;
        memchr::memchr(quote, line)?;
        let read = stray_quotes::fields(line, &self.dialect);
        if read.len() != self.header.len() {
            return None;
        }
        let mut fields = Fields::with_capacity(line.len());
        for bytes in &read {
            let repairs = decode_field_into(bytes, fields.text_mut());
            fields.end_field();
            self.repaired_fields += u64::from(repairs.windows_1252);
        }
        Some(fields)
    }

    /// The decoded fields of one record's text, or `None` when it is not one record.
    fn split(&mut self, record: &[u8]) -> Option<Fields> {
        if !self.splitter.split(record) {
            return None;
        }
        if let Some(fields) = self.splitter.plain_text_fields() {
            return Some(fields);
        }
        let mut fields = Fields::with_capacity(record.len());
        for bytes in self.splitter.fields() {
            let repairs = decode_field_into(bytes, fields.text_mut());
            fields.end_field();
            self.repaired_fields += u64::from(repairs.windows_1252);
        }
        Some(fields)
    }
}

impl RecordSource for CsvReader {
    /// The header's column names.
    fn header(&self) -> &[String] {
        &self.header
    }

    /// The encoding the file was read in, with the per-field repairs noted:
    /// `utf-8`, `utf-8 (1 field as windows-1252)`, `UTF-16LE`.
    fn encoding(&self) -> String {
        match self.repaired_fields {
            0 => self.encoding.to_string(),
            1 => format!("{} (1 field as windows-1252)", self.encoding),
            n => format!("{} ({n} fields as windows-1252)", self.encoding),
        }
    }

    /// Bytes read from the file so far.
    fn bytes_read(&self) -> u64 {
        self.framer.bytes_read()
    }

    /// The next record, or `None` at the end of the file. A record that spans several lines
    /// but does not have the header's number of fields is taken to hold a stray quote that
    /// swallowed the lines after it: it is rejected as its first line, and those lines are
    /// read again.
    fn next_record(&mut self) -> io::Result<Option<Record>> {
        let Some(mut raw_record) = self.framer.next_record()? else {
            return Ok(None);
        };
        let mut fields = None;
        if raw_record.problem.is_none() {
            fields = self.split(&raw_record.bytes);
            let multiline = memchr::memchr2(b'\n', b'\r', &raw_record.bytes).is_some();
            let width_ok = fields
                .as_ref()
                .is_some_and(|f| f.len() == self.header.len());
            if multiline && !width_ok {
                raw_record = self.framer.take_back_as_unterminated(raw_record);
                fields = None;
            }
        }
        let RawRecord {
            line,
            mut bytes,
            lines,
            problem,
        } = raw_record;
        let mut defect = match (problem, fields.as_mut()) {
            (Some(Problem::UnterminatedQuote), _) => Some(Defect::UnterminatedQuote),
            (Some(Problem::Oversized), _) => Some(Defect::Oversized),
            (None, None) => Some(Defect::Unparsable),
            (None, Some(fields)) => width_defect(fields, self.header.len()),
        };
        let mut stray_quotes = false;
        if !matches!(defect, None | Some(Defect::Oversized))
            && lines == 1
            && let Some(read_again) = self.with_stray_quotes(&bytes)
        {
            (fields, defect, stray_quotes) = (Some(read_again), None, true);
        }
        // A ragged record keeps its fields as read (`leadpipe records` shows them); ingest
        // rejects it by its defect.
        let fields = match defect {
            Some(Defect::TooFewFields { .. } | Defect::TooManyFields { .. }) | None => {
                fields.unwrap_or_default()
            }
            Some(_) => Fields::default(),
        };
        if let Some(pair) = self.pair {
            bytes = restore_pairs(&bytes, pair);
        }
        Ok(Some(Record {
            line,
            bytes,
            lines,
            fields,
            defect,
            stray_quotes,
        }))
    }
}

/// Skips the first `count` lines of `input` (ended by `\n`, `\r\n` or `\r`).
fn skip_lines(input: &mut impl BufRead, count: usize) -> io::Result<()> {
    let mut skipped = 0;
    let mut after_cr = false;
    while skipped < count || after_cr {
        let chunk = input.fill_buf()?;
        let Some(&first) = chunk.first() else {
            break;
        };
        if std::mem::take(&mut after_cr) {
            if first == b'\n' {
                input.consume(1);
            }
            continue;
        }
        match memchr::memchr2(b'\n', b'\r', chunk) {
            Some(at) => {
                after_cr = chunk[at] == b'\r';
                skipped += 1;
                input.consume(at + 1);
            }
            None => {
                let n = chunk.len();
                input.consume(n);
            }
        }
    }
    Ok(())
}

/// The header of a file's first bytes as `spec` reads them (for claiming a file by its
/// header): `None` when they hold none that reads so.
pub(crate) fn peek_header(start: &[u8], spec: &crate::spec::Spec) -> Option<Vec<String>> {
    let dialect = Dialect {
        max_record_lines: 1,
        ..spec.dialect
    };
    let input = io::Cursor::new(start.to_vec());
    CsvReader::new(input, spec.encoding, &dialect, &spec.layout, &spec.header)
        .ok()
        .map(|reader| reader.header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: impl Read + Send + 'static, max_record_lines: usize) -> io::Result<CsvReader> {
        let dialect = Dialect {
            max_record_lines,
            ..Dialect::default()
        };
        CsvReader::new(text, None, &dialect, &Layout::default(), &[])
    }

    fn read_as(
        text: &'static [u8],
        dialect: Dialect,
        layout: Layout,
    ) -> (Vec<String>, Vec<(u64, Vec<String>)>) {
        let names = ["x".to_string(), "y".to_string()];
        let mut reader = CsvReader::new(text, None, &dialect, &layout, &names).unwrap();
        let mut records = Vec::new();
        while let Some(r) = reader.next_record().unwrap() {
            assert_eq!(r.defect, None, "line {}", r.line);
            records.push((r.line, values(&r)));
        }
        (reader.header().to_vec(), records)
    }

    fn row(line: u64, values: &[&str]) -> (u64, Vec<String>) {
        (line, values.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn reads_a_preamble_a_multi_row_header_and_a_two_byte_delimiter() {
        let layout = Layout {
            preamble_lines: 2,
            header_rows: 2,
            footnote_lines: 0,
        };
        let dialect = Dialect {
            delimiter: Delimiter::Two(*b", "),
            ..Dialect::default()
        };
        let (header, records) = read_as(
            b"Providers, as of May\r\r\nLicense, Facility\rNo., Name\r\"1,2\", \"A, B\"\r",
            dialect,
            layout,
        );
        assert_eq!(header, ["License No.", "Facility Name"]);
        assert_eq!(records, [row(5, &["1,2", "A, B"])]);
    }

    #[test]
    fn a_headerless_file_takes_its_names_from_the_spec() {
        let layout = Layout {
            header_rows: 0,
            ..Layout::default()
        };
        let dialect = Dialect {
            delimiter: Delimiter::One(b'|'),
            quote: Some(b'\''),
            escape: Some(b'\\'),
            ..Dialect::default()
        };
        let (header, records) = read_as(b"1|'Kid\\'s Place'\n2|'a|b'\n", dialect, layout);
        assert_eq!(header, ["x", "y"]);
        assert_eq!(
            records,
            [row(1, &["1", "Kid's Place"]), row(2, &["2", "a|b"])]
        );
    }

    fn read(text: &'static [u8]) -> (Vec<String>, Vec<Record>) {
        let mut reader = open(text, 20).unwrap();
        let mut records = Vec::new();
        while let Some(r) = reader.next_record().unwrap() {
            records.push(r);
        }
        (reader.header().to_vec(), records)
    }

    fn values(record: &Record) -> Vec<String> {
        record.fields.iter().map(String::from).collect()
    }

    #[test]
    fn reads_a_quirky_file() {
        let (header, records) = read(
            b"\xEF\xBB\xBFName,Address,,Phone#\r\n\
              MY LITTLE ANGEL\x92S,\"1 A ST\r\nUNIT 2\",,702\r\n\
              \r\n\
              B\0OB,2 B ST,,703,,\r\n",
        );
        assert_eq!(header, ["Name", "Address", "", "Phone#"]);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].line, 2);
        assert_eq!(
            values(&records[0]),
            ["MY LITTLE ANGEL\u{2019}S", "1 A ST\r\nUNIT 2", "", "702"]
        );
        assert_eq!(records[1].line, 5);
        assert_eq!(values(&records[1]), ["BOB", "2 B ST", "", "703"]);
        assert!(records.iter().all(|r| r.defect.is_none()));
    }

    #[test]
    fn marks_structural_defects_and_keeps_the_raw_text() {
        let (_, records) = read(b"a,b\n1\n1,2,3\n1,\"cut, off");
        let defects: Vec<_> = records.iter().map(|r| r.defect.clone()).collect();
        assert_eq!(
            defects,
            [
                Some(Defect::TooFewFields {
                    found: 1,
                    expected: 2
                }),
                Some(Defect::TooManyFields {
                    found: 3,
                    expected: 2
                }),
                Some(Defect::UnterminatedQuote),
            ]
        );
        assert_eq!(records[2].raw_text(), "1,\"cut, off");
        assert_eq!(records[2].line, 4);
    }

    #[test]
    fn a_record_with_a_quote_that_closes_nothing_is_read_again_with_it_as_text() {
        let (_, records) = read(b"a,b,c,d\n\"17/02,03:00,\"x, y\",z\n1,2,3,\"\n\"cut,off\n");
        let read: Vec<_> = records
            .iter()
            .map(|r| (values(r), r.defect.clone()))
            .collect();
        let row = |v: [&str; 4]| (v.iter().map(|s| s.to_string()).collect::<Vec<_>>(), None);
        assert_eq!(
            read,
            [
                row(["\"17/02", "03:00", "x, y", "z"]),
                row(["1", "2", "3", "\""]),
                (vec![], Some(Defect::UnterminatedQuote)),
            ]
        );
    }

    #[test]
    fn stray_quotes_inside_fields_lose_no_record() {
        let (_, records) = read(b"a,b\n5\" wide,1\nx,2\n3\" tall,3\ny,4\nKid\"s,\"1 A ST\nz,5\n");
        let lines: Vec<_> = records
            .iter()
            .map(|r| (r.line, values(r), r.defect.clone()))
            .collect();
        let sound = |line: u64, a: &str, b: &str| (line, vec![a.to_string(), b.to_string()], None);
        assert_eq!(
            lines,
            [
                sound(2, "5\" wide", "1"),
                sound(3, "x", "2"),
                sound(4, "3\" tall", "3"),
                sound(5, "y", "4"),
                // Read again with the quote that closes nothing as text.
                sound(6, "Kid\"s", "\"1 A ST"),
                sound(7, "z", "5"),
            ]
        );
    }

    proptest::proptest! {
        /// Whatever the fields hold, a file written by the `csv` crate reads back the same,
        /// record for record, with the line each record starts on.
        #[test]
        fn reads_back_what_the_csv_crate_writes(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-c\", \r\n]{0,6}", 3),
                1..12,
            ),
            crlf in proptest::bool::ANY,
        ) {
            let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
            let mut writer = csv::WriterBuilder::new().terminator(terminator).from_writer(Vec::new());
            writer.write_record(["x", "y", "z"]).unwrap();
            for row in &rows {
                writer.write_record(row).unwrap();
            }
            let bytes = std::io::Cursor::new(writer.into_inner().unwrap());
            let mut reader = open(bytes, 20).unwrap();
            let mut line = 2;
            let mut read = Vec::new();
            while let Some(record) = reader.next_record().unwrap() {
                proptest::prop_assert_eq!(&record.defect, &None);
                proptest::prop_assert_eq!(record.line, line);
                let raw = record.raw_text();
                line += 1 + raw.matches('\n').count() as u64
                    + raw.matches('\r').count() as u64
                    - raw.matches("\r\n").count() as u64;
                read.push(values(&record));
            }
            proptest::prop_assert_eq!(read, rows);
        }
    }

    #[test]
    fn a_header_with_an_open_quote_is_an_error() {
        let err = open(&b"a,\"b\n1,2\n"[..], 1).err().unwrap();
        assert_eq!(
            err.to_string(),
            "the header (line 1) is not a sound CSV record"
        );
    }

    #[test]
    fn reports_the_encoding_and_repairs() {
        let mut reader = open(&b"a\n\x92\n\x93\n"[..], 20).unwrap();
        while reader.next_record().unwrap().is_some() {}
        assert_eq!(reader.encoding(), "utf-8 (2 fields as windows-1252)");
    }

    #[test]
    fn an_empty_file_has_no_header() {
        let err = open(&b""[..], 20).err().unwrap();
        assert_eq!(err.to_string(), "the file is empty: no header");
    }
}
