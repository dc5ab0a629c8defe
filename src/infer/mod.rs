//! `leadpipe infer`: a draft spec for a source never seen, from a bounded sample of its
//! files: the dialect and layout ([`dialect`]), each column's role from its header and its
//! values ([`shape`], [`role`]), the key, the file-name date, a `lookup` draft for the
//! facility type; written as a commented TOML spec ([`draft`]).

mod dialect;
mod draft;
mod role;
mod shape;

use std::io::{self, Read};

use crate::read::dialect::{Dialect, Layout};
use crate::read::{self, RecordSource};
use role::{Judged, Role};
use shape::Profile;

/// How much of each file is read: the dialect, the header and the columns' values are
/// judged on this much, whatever the file's size.
pub const SAMPLE_BYTES: u64 = 1 << 18;

/// Records of each file whose values are judged.
const SAMPLE_RECORDS: usize = 1_000;

/// The start of one file of the source.
#[derive(Debug)]
pub struct Sample {
    /// The file's name (the date rule and name patterns come from it).
    pub name: String,
    /// Its first [`SAMPLE_BYTES`] bytes, or all of it.
    pub bytes: Vec<u8>,
    /// The file is longer than the sample.
    pub truncated: bool,
    /// A workbook's: the sheet sampled, whose first rows `bytes` holds as CSV.
    pub sheet: Option<String>,
}

impl Sample {
    /// Reads the start of a file; of a workbook, its fullest sheet's first rows.
    pub fn read(name: String, mut input: impl io::Read) -> io::Result<Sample> {
        let mut bytes = Vec::new();
        (&mut input)
            .take(SAMPLE_BYTES + 1)
            .read_to_end(&mut bytes)?;
        if let Some(sheet) = read::workbook_as_csv(&bytes, input, SAMPLE_RECORDS) {
            let (sheet, rows) = sheet?;
            return Ok(Sample {
                name,
                bytes: rows,
                truncated: false,
                sheet: Some(sheet),
            });
        }
        let truncated = bytes.len() as u64 > SAMPLE_BYTES;
        bytes.truncate(SAMPLE_BYTES as usize);
        Ok(Sample {
            name,
            bytes,
            truncated,
            sheet: None,
        })
    }
}

/// Why no draft could be made.
#[derive(Debug, thiserror::Error)]
pub enum InferError {
    #[error("{file}: {message}")]
    Unreadable { file: String, message: String },
}

/// One column as the samples show it.
#[derive(Debug)]
struct Column {
    name: String,
    /// The sampled values.
    values: Vec<String>,
    profile: Profile,
    judged: Option<Judged>,
}

/// What the samples show of a source: how its files are written and what its columns are.
#[derive(Debug)]
struct Source {
    /// The sampled files' names.
    files: Vec<String>,
    /// The first file is a workbook: the sheet read.
    sheet: Option<String>,
    dialect: Dialect,
    layout: Layout,
    /// How the first file reads: its encoding, and how consistent and clean its records are.
    encoding: String,
    consistency: f64,
    cleanliness: f64,
    records: usize,
    columns: Vec<Column>,
    /// Other names a later file gives a column: (column, name).
    aliases: Vec<(String, String)>,
}

/// A draft spec (TOML, commented) for the source whose files `samples` begin; `id` names
/// it (else a name made from the first file's).
pub fn infer(samples: &[Sample], id: Option<&str>) -> Result<String, InferError> {
    let source = read_source(samples)?;
    Ok(draft::write(&source, id))
}

/// Reads the samples in the first one's dialect and judges each column on all of them.
fn read_source(samples: &[Sample]) -> Result<Source, InferError> {
    let first = samples.first().ok_or_else(|| InferError::Unreadable {
        file: "(none)".into(),
        message: "no file given".into(),
    })?;
    let detected = dialect::detect(&first.bytes, first.truncated);
    let positional: Vec<String> = (1..=detected.width.max(1))
        .map(|n| format!("column_{n}"))
        .collect();
    let mut header: Option<Vec<String>> = None;
    let mut values: Vec<Vec<String>> = Vec::new();
    let mut aliases = Vec::new();
    let mut encoding = String::new();
    let mut records = 0;
    for sample in samples {
        let unreadable = |e: io::Error| InferError::Unreadable {
            file: sample.name.clone(),
            message: e.to_string(),
        };
        let input = io::Cursor::new(sample.bytes.clone());
        let mut reader = read::open_as(
            input,
            None,
            &detected.dialect,
            &detected.layout,
            &positional,
        )
        .map_err(unreadable)?;
        let names = reader.header().to_vec();
        match &header {
            None => {
                values = vec![Vec::new(); names.len()];
                header = Some(names);
            }
            Some(first) => {
                for (column, name) in first.iter().zip(&names) {
                    if column != name && !aliases.contains(&(column.clone(), name.clone())) {
                        aliases.push((column.clone(), name.clone()));
                    }
                }
            }
        }
        let read = sample_records(reader.as_mut(), sample.truncated, &mut values);
        records += read.map_err(unreadable)?;
        if encoding.is_empty() {
            encoding = reader.encoding();
        }
    }
    let names = header.unwrap_or_default();
    let columns = names
        .iter()
        .zip(values)
        .map(|(name, values)| {
            let texts: Vec<&str> = values.iter().map(String::as_str).collect();
            let profile = Profile::of(&texts);
            let judged = role::judge(name, &profile);
            Column {
                name: name.clone(),
                values,
                profile,
                judged,
            }
        })
        .collect();
    Ok(Source {
        files: samples.iter().map(|s| s.name.clone()).collect(),
        sheet: first.sheet.clone(),
        dialect: detected.dialect,
        layout: detected.layout,
        encoding,
        consistency: detected.consistency,
        cleanliness: detected.cleanliness,
        records,
        columns,
        aliases,
    })
}

/// Adds the values of a file's first sound records to each column's; returns how many
/// records were read. A sample's last record, which may be cut off, is left out.
fn sample_records(
    reader: &mut dyn RecordSource,
    truncated: bool,
    values: &mut [Vec<String>],
) -> io::Result<usize> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut read = 0;
    while rows.len() < SAMPLE_RECORDS {
        let Some(record) = reader.next_record()? else {
            break;
        };
        read += 1;
        if record.defect.is_none() {
            rows.push(record.fields.iter().map(String::from).collect());
        }
    }
    if truncated && rows.len() < SAMPLE_RECORDS {
        rows.pop();
    }
    for row in rows {
        for (column, value) in values.iter_mut().zip(row) {
            column.push(value);
        }
    }
    Ok(read)
}

impl Source {
    /// The column judged to have `role`, with the highest confidence.
    fn column(&self, role: Role) -> Option<&Column> {
        self.columns
            .iter()
            .filter(|c| c.judged.as_ref().is_some_and(|j| j.role == role))
            .max_by(|a, b| confidence(a).total_cmp(&confidence(b)))
    }
}

fn confidence(column: &Column) -> f64 {
    column.judged.as_ref().map_or(0.0, |j| j.confidence)
}
