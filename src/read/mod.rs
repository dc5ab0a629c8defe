//! Reading: a published file, exactly as it is, to decoded records with their line numbers.

mod csv;
pub(crate) mod decode;
pub mod dialect;
pub(crate) mod fields;
mod footnotes;
pub(crate) mod framer;
pub mod input;
pub(crate) mod reorder;
pub(crate) mod s3;
mod stray_quotes;

use std::io::{self, Read};

use crate::reason::Reason;
use decode::decode_field;
use fields::Fields;
use framer::MAX_RECORD_BYTES;

/// What is wrong with a record's structure, before any field is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Defect {
    /// A quote opened in the record never closes (the file was cut off, or a stray quote).
    UnterminatedQuote,
    /// The record is longer than any sound record; its first bytes are kept.
    Oversized,
    /// The text does not parse as one record.
    Unparsable,
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
    pub fn reason(&self) -> Reason {
        match self {
            Defect::UnterminatedQuote => Reason::UnterminatedQuote,
            Defect::Oversized => Reason::OversizedRecord,
            Defect::Unparsable => Reason::UnparsableRecord,
            Defect::TooFewFields { .. } => Reason::TooFewFields,
            Defect::TooManyFields { .. } => Reason::TooManyFields,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Defect::UnterminatedQuote => {
                "a quoted field is never closed: the record is cut off or holds a stray quote"
                    .into()
            }
            Defect::Oversized => {
                format!(
                    "the line is longer than {MAX_RECORD_BYTES} bytes; its first bytes are kept"
                )
            }
            Defect::Unparsable => "the text does not parse as one CSV record".into(),
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
    /// The record's bytes as published, without its line break.
    pub bytes: Vec<u8>,
    /// How many lines the record spans: more than one when a quoted field holds line breaks.
    pub lines: u64,
    /// One value per header column when the record is sound.
    pub fields: Fields,
    pub defect: Option<Defect>,
}

impl Record {
    /// The record's text as published, decoded for display (for a reject; sound records
    /// never need it).
    pub fn raw_text(&self) -> String {
        raw_text(&self.bytes)
    }
}

/// A record's bytes as published, decoded for display.
pub fn raw_text(bytes: &[u8]) -> String {
    decode_field(bytes).0
}

/// A file's records, one at a time, as its format reads them: CSV today, and an Excel
/// sheet or a headerless file is one more implementation. The pipeline reads every file
/// through this.
pub trait RecordSource: Send {
    /// The header's column names.
    fn header(&self) -> &[String];

    /// The next record, or `None` at the end of the file; an error when the file's bytes
    /// can no longer be read.
    fn next_record(&mut self) -> io::Result<Option<Record>>;

    /// Bytes of the file read so far, for progress.
    fn bytes_read(&self) -> u64;

    /// The encoding the file was read in, with any repairs noted.
    fn encoding(&self) -> String;
}

/// Opens a file's bytes as its spec reads them, after its header. An empty file, or one
/// whose header is no record, is an error of kind `UnexpectedEof` or `InvalidData`.
pub fn open(
    input: impl io::Read + Send + 'static,
    spec: &crate::spec::Spec,
) -> io::Result<Box<dyn RecordSource>> {
    open_as(
        input,
        spec.encoding,
        &spec.dialect,
        &spec.layout,
        &spec.header,
    )
}

/// Opens a file's bytes in a dialect and layout (`names`: the columns of a headerless
/// file), as [`open`] does for a spec's.
pub(crate) fn open_as(
    input: impl io::Read + Send + 'static,
    encoding: Option<&'static encoding_rs::Encoding>,
    dialect: &dialect::Dialect,
    layout: &dialect::Layout,
    names: &[String],
) -> io::Result<Box<dyn RecordSource>> {
    let reader = csv::CsvReader::new(input, encoding, dialect, layout, names)?;
    Ok(match layout.footnote_lines {
        0 => Box::new(reader),
        count => Box::new(footnotes::WithoutFootnotes::new(Box::new(reader), count)),
    })
}

pub(crate) use csv::peek_header;

/// How much of a file is read to claim it by its header.
const START_BYTES: u64 = 1 << 16;

/// A file's first bytes, enough to read its header in any spec's format.
pub fn file_start(input: impl io::Read) -> io::Result<Vec<u8>> {
    let mut start = Vec::with_capacity(START_BYTES as usize);
    input.take(START_BYTES).read_to_end(&mut start)?;
    Ok(start)
}
