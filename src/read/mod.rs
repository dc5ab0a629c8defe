//! Reading: a published file, exactly as it is, to decoded records with their line numbers.

mod cell;
mod csv;
pub(crate) mod decode;
pub mod dialect;
mod excel;
pub(crate) mod fields;
mod footnotes;
pub(crate) mod framer;
pub mod input;
mod ods;
pub(crate) mod reorder;
pub(crate) mod s3;
mod stray_quotes;

use std::io::{self, Read};

pub use excel::SheetChoice;

/// When a file whose first bytes are `start` (the rest to read from `input`) is a workbook:
/// its fullest sheet's name and first `limit` rows as CSV, for drafting a spec.
pub(crate) fn workbook_as_csv(
    start: &[u8],
    input: impl io::Read,
    limit: usize,
) -> Option<io::Result<(String, Vec<u8>)>> {
    let kind = excel::Kind::of(start)?;
    let sheet = excel::read_whole(start.to_vec(), input)
        .and_then(|bytes| excel::fullest_sheet_as_csv(bytes, kind, limit).map_err(io::Error::from));
    Some(sheet)
}

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

/// The defect of a record of `fields` under a header of `expected` columns: too few fields,
/// or extra fields that are not empty; empty extra fields are dropped.
pub(crate) fn width_defect(fields: &mut Fields, expected: usize) -> Option<Defect> {
    if fields.len() < expected {
        Some(Defect::TooFewFields {
            found: fields.len(),
            expected,
        })
    } else if (expected..fields.len()).any(|i| !fields[i].trim().is_empty()) {
        Some(Defect::TooManyFields {
            found: fields.len(),
            expected,
        })
    } else {
        fields.truncate(expected);
        None
    }
}

/// One record of a file, decoded.
#[derive(Debug)]
pub struct Record {
    /// The line the record starts on (the header is line 1 of most files); a workbook's
    /// row number.
    pub line: u64,
    /// The record's bytes as published, without its line break; a workbook row's values
    /// as a CSV line.
    pub bytes: Vec<u8>,
    /// How many lines the record spans: more than one when a quoted field holds line breaks.
    pub lines: u64,
    /// One value per header column when the record is sound.
    pub fields: Fields,
    pub defect: Option<Defect>,
    /// The record was read again with quotes that close nothing as characters (it did not
    /// parse as it was quoted): said in its lead's issues.
    pub stray_quotes: bool,
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

/// A file's records, one at a time, as its format reads them: a CSV file's, a workbook
/// sheet's. The pipeline reads every file through this.
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

/// Opens a file's bytes as its spec reads them, after its header: a workbook (.xlsx, .xls,
/// .ods, told by its first bytes) on its spec's sheet, any other file as CSV. An empty file,
/// or one whose header is no record, is an error of kind `UnexpectedEof` or `InvalidData`,
/// as is a workbook that cannot be read.
pub fn open(
    input: impl io::Read + Send + 'static,
    spec: &crate::spec::Spec,
) -> io::Result<Box<dyn RecordSource>> {
    let mut input = input;
    let mut signature = Vec::new();
    (&mut input)
        .take(excel::SIGNATURE_BYTES)
        .read_to_end(&mut signature)?;
    let Some(kind) = excel::Kind::of(&signature) else {
        let input = io::Cursor::new(signature).chain(input);
        return open_as(
            input,
            spec.encoding,
            &spec.dialect,
            &spec.layout,
            &spec.header,
        );
    };
    let bytes = excel::read_whole(signature, input)?;
    let reader = Box::new(excel::ExcelReader::open(bytes, kind, spec)?);
    Ok(without_footnotes(reader, spec.layout.footnote_lines))
}

/// Opens a CSV file's bytes in a dialect and layout (`names`: the columns of a headerless
/// file), as [`open`] does for a spec's.
pub(crate) fn open_as(
    input: impl io::Read + Send + 'static,
    encoding: Option<&'static encoding_rs::Encoding>,
    dialect: &dialect::Dialect,
    layout: &dialect::Layout,
    names: &[String],
) -> io::Result<Box<dyn RecordSource>> {
    let reader = Box::new(csv::CsvReader::new(
        input, encoding, dialect, layout, names,
    )?);
    Ok(without_footnotes(reader, layout.footnote_lines))
}

/// The records of `reader` but its last `count`, a layout's footnotes.
fn without_footnotes(reader: Box<dyn RecordSource>, count: usize) -> Box<dyn RecordSource> {
    match count {
        0 => reader,
        count => Box::new(footnotes::WithoutFootnotes::new(reader, count)),
    }
}

/// How much of a text file is read to claim it by its header.
const START_BYTES: u64 = 1 << 16;

/// A file's beginning, enough to read its header as any spec would, to claim it: a text
/// file's first 64 KiB, or the first rows of each sheet of a workbook.
#[derive(Debug)]
pub struct FileStart(Start);

#[derive(Debug)]
enum Start {
    Text(Vec<u8>),
    Workbook(excel::SheetStarts),
}

impl FileStart {
    /// A text file's first bytes.
    pub fn text(bytes: Vec<u8>) -> FileStart {
        FileStart(Start::Text(bytes))
    }

    /// The headers `spec` would read in the file: a text file's as the spec reads its
    /// files, or that of each sheet of a workbook the spec would read.
    pub(crate) fn headers(&self, spec: &crate::spec::Spec) -> Vec<Vec<String>> {
        match &self.0 {
            Start::Text(start) => csv::peek_header(start, spec).into_iter().collect(),
            Start::Workbook(sheets) => sheets.headers(spec).map(|(_, header)| header).collect(),
        }
    }
}

/// A file's beginning (see [`FileStart`]): a workbook is read whole to reach its sheets. A
/// workbook that cannot be read has no header to claim it by.
pub fn file_start(input: impl io::Read) -> io::Result<FileStart> {
    let mut input = input;
    let mut start = Vec::with_capacity(START_BYTES as usize);
    (&mut input).take(START_BYTES).read_to_end(&mut start)?;
    let Some(kind) = excel::Kind::of(&start) else {
        return Ok(FileStart::text(start));
    };
    let sheets = match excel::read_whole(start, input) {
        Ok(bytes) => excel::SheetStarts::of(bytes, kind),
        Err(error) if error.kind() == io::ErrorKind::InvalidData => {
            tracing::debug!("a workbook that cannot be claimed by its header: {error}");
            excel::SheetStarts::default()
        }
        Err(error) => return Err(error),
    };
    Ok(FileStart(Start::Workbook(sheets)))
}
