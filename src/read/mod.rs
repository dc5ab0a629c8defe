//! Reading: a published file, exactly as it is, to decoded records with their line numbers.

pub mod decode;
pub mod fields;
pub mod framer;
pub mod input;

use std::io::{self, BufRead, Read};

use encoding_rs::Encoding;

use decode::decode_field;
use fields::FieldSplitter;
use framer::{Framer, RawRecord};

/// What is wrong with a record's structure, before any field is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Defect {
    /// A quote opened in the record never closes (the file was cut off, or a stray quote).
    UnterminatedQuote,
    TooFewFields {
        found: usize,
        expected: usize,
    },
    TooManyFields {
        found: usize,
        expected: usize,
    },
}

impl Defect {
    /// The machine-readable reason stored with a reject.
    pub fn reason(&self) -> &'static str {
        match self {
            Defect::UnterminatedQuote => "unterminated_quote",
            Defect::TooFewFields { .. } => "too_few_fields",
            Defect::TooManyFields { .. } => "too_many_fields",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Defect::UnterminatedQuote => {
                "a quoted field is never closed: the record is cut off or holds a stray quote"
                    .into()
            }
            Defect::TooFewFields { found, expected } => {
                format!("{found} fields where the header has {expected}")
            }
            Defect::TooManyFields { found, expected } => {
                format!(
                    "{found} fields where the header has {expected}; the extra ones are not empty"
                )
            }
        }
    }
}

/// One record of a file, decoded.
#[derive(Debug)]
pub struct Record {
    /// The line the record starts on (the header is line 1 of most files).
    pub line: u64,
    /// The record's text as published (decoded for display), without its line break.
    pub raw: String,
    /// One value per header column when the record is sound.
    pub fields: Vec<String>,
    pub defect: Option<Defect>,
}

/// Reads the records of one file after its header.
pub struct SourceReader {
    framer: Framer<Box<dyn BufRead>>,
    splitter: FieldSplitter,
    header: Vec<String>,
    encoding: &'static str,
    repaired_fields: u64,
}

impl SourceReader {
    /// Opens a byte stream and reads its header. `encoding` is the spec's (`None` for auto).
    pub fn new(
        input: impl Read + 'static,
        encoding: Option<&'static Encoding>,
        delimiter: u8,
        max_record_lines: usize,
    ) -> io::Result<SourceReader> {
        let (input, encoding) = decode::open_as_utf8(input, encoding)?;
        let mut reader = SourceReader {
            framer: Framer::new(input, max_record_lines),
            splitter: FieldSplitter::new(delimiter),
            header: Vec::new(),
            encoding,
            repaired_fields: 0,
        };
        let Some(first) = reader.framer.next_record()? else {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file is empty: no header",
            ));
        };
        reader.header = reader.split(&first.bytes);
        Ok(reader)
    }

    /// The header's column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The encoding the file was read in, with the per-field repairs noted:
    /// `utf-8`, `utf-8 (1 field as windows-1252)`, `UTF-16LE`.
    pub fn encoding(&self) -> String {
        match self.repaired_fields {
            0 => self.encoding.to_string(),
            1 => format!("{} (1 field as windows-1252)", self.encoding),
            n => format!("{} ({n} fields as windows-1252)", self.encoding),
        }
    }

    /// Bytes read from the file so far.
    pub fn bytes_read(&self) -> u64 {
        self.framer.bytes_read()
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_record(&mut self) -> io::Result<Option<Record>> {
        let Some(RawRecord {
            line,
            bytes,
            unterminated,
        }) = self.framer.next_record()?
        else {
            return Ok(None);
        };
        let raw = decode_field(&bytes).0;
        if unterminated {
            return Ok(Some(Record {
                line,
                raw,
                fields: Vec::new(),
                defect: Some(Defect::UnterminatedQuote),
            }));
        }
        let mut fields = self.split(&bytes);
        let expected = self.header.len();
        let defect = if fields.len() < expected {
            Some(Defect::TooFewFields {
                found: fields.len(),
                expected,
            })
        } else if fields[expected..].iter().any(|f| !f.trim().is_empty()) {
            Some(Defect::TooManyFields {
                found: fields.len(),
                expected,
            })
        } else {
            fields.truncate(expected);
            None
        };
        Ok(Some(Record {
            line,
            raw,
            fields,
            defect,
        }))
    }

    fn split(&mut self, record: &[u8]) -> Vec<String> {
        self.splitter.split(record);
        self.splitter
            .fields()
            .map(|bytes| {
                let (text, repairs) = decode_field(bytes);
                self.repaired_fields += u64::from(repairs.windows_1252);
                text
            })
            .collect()
    }
}

/// The header of a file read with default settings (for claiming a file by its header),
/// or `None` when it cannot be read.
pub fn peek_header(input: impl Read + 'static) -> Option<Vec<String>> {
    let limited = input.take(1 << 16);
    SourceReader::new(limited, None, b',', 1)
        .ok()
        .map(|r| r.header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &'static [u8]) -> (Vec<String>, Vec<Record>) {
        let mut reader = SourceReader::new(text, None, b',', 20).unwrap();
        let mut records = Vec::new();
        while let Some(r) = reader.next_record().unwrap() {
            records.push(r);
        }
        (reader.header().to_vec(), records)
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
            records[0].fields,
            ["MY LITTLE ANGEL\u{2019}S", "1 A ST\r\nUNIT 2", "", "702"]
        );
        assert_eq!(records[1].line, 5);
        assert_eq!(records[1].fields, ["BOB", "2 B ST", "", "703"]);
        assert!(records.iter().all(|r| r.defect.is_none()));
    }

    #[test]
    fn marks_structural_defects_and_keeps_the_raw_text() {
        let (_, records) = read(b"a,b\n1\n1,2,3\n1,\"cut off");
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
        assert_eq!(records[2].raw, "1,\"cut off");
        assert_eq!(records[2].line, 4);
    }

    #[test]
    fn reports_the_encoding_and_repairs() {
        let mut reader = SourceReader::new(&b"a\n\x92\n\x93\n"[..], None, b',', 20).unwrap();
        while reader.next_record().unwrap().is_some() {}
        assert_eq!(reader.encoding(), "utf-8 (2 fields as windows-1252)");
    }

    #[test]
    fn an_empty_file_has_no_header() {
        let err = SourceReader::new(&b""[..], None, b',', 20).err().unwrap();
        assert_eq!(err.to_string(), "the file is empty: no header");
        assert_eq!(
            peek_header(&b"x,y\n1,2\n"[..]),
            Some(vec!["x".into(), "y".into()])
        );
    }
}
