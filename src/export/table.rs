//! A table written out whole: to one file (or standard output), or to a folder or an
//! `s3://` prefix as part files, one folder per partition (`state=NV/snapshot_date=…/`,
//! Hive-style), with a manifest in Redshift's layout (`COPY … FORMAT AS PARQUET MANIFEST`).
//!
//! Rows stream from the store in partition order, so one part file is open at a time: it
//! is written beside its place (or to a temporary file, for S3) and moved there (or
//! uploaded) when its partition ends. Memory holds a row group, whatever the table's size.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::parquet::ParquetFile;
use super::{Format, Sink};
use crate::read::s3::{S3Destination, S3Error, S3Url};
use crate::store::{
    Cell, Column, ExportTable, PartitionKey, Since, SqlType, Store, StoreError, time_text,
};

/// How a table is written: a row format, or Parquet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Rows(Format),
    Parquet,
}

impl TableFormat {
    /// The part files' extension.
    fn extension(self) -> &'static str {
        match self {
            TableFormat::Rows(Format::Csv) => "csv",
            TableFormat::Rows(Format::Jsonl) => "jsonl",
            TableFormat::Parquet => "parquet",
        }
    }
}

/// Where a table goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    /// One file.
    File(PathBuf),
    /// A folder of part files and their manifest.
    Folder(PathBuf),
    /// An S3 prefix, as a folder.
    S3 {
        bucket: String,
        prefix: String,
    },
}

impl Destination {
    /// `-` is standard output, `s3://bucket/prefix` a folder in S3, a path that ends in `/`
    /// or is a folder (or `folder`, when partitions ask for one) a folder, else a file.
    pub fn parse(out: &str, folder: bool) -> Destination {
        if out == "-" {
            return Destination::Stdout;
        }
        if let Some(url) = S3Url::parse(out) {
            return Destination::S3 {
                bucket: url.bucket,
                prefix: url.prefix.trim_end_matches('/').to_string(),
            };
        }
        let path = PathBuf::from(out);
        match folder || out.ends_with('/') || path.is_dir() {
            true => Destination::Folder(path),
            false => Destination::File(path),
        }
    }
}

/// Why a table was not exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot write {path}: {error}")]
    Write { path: String, error: io::Error },
    #[error(transparent)]
    S3(#[from] S3Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A part file written, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Its address: a path, or `s3://bucket/key`.
    pub url: String,
    pub bytes: u64,
    pub rows: u64,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exported {
    pub rows: u64,
    /// The part files, for a folder or S3; empty for one file.
    pub parts: Vec<Part>,
    /// The manifest's address, for a folder or S3.
    pub manifest: Option<String>,
}

/// Writes `table` (what runs after `since` changed, when given) to `destination` in
/// `format`, in part files by `partitions`.
pub fn export_table(
    store: &mut Store,
    table: ExportTable,
    format: TableFormat,
    partitions: &[PartitionKey],
    since: Option<&Since>,
    destination: &Destination,
) -> Result<Exported, ExportError> {
    if let Some(key) = partitions.iter().find(|key| !table.partitions_by(**key)) {
        return Err(ExportError::Usage(format!(
            "`{}` has no `{}` to partition by",
            table.name(),
            key.column()
        )));
    }
    let columns = table.columns();
    match destination {
        Destination::Stdout | Destination::File(_) if !partitions.is_empty() => {
            Err(ExportError::Usage(
                "partitions are folders: give --out a folder or an s3:// prefix".into(),
            ))
        }
        Destination::Stdout => {
            let failed = |e| write_error("standard output", e);
            let out = BufWriter::new(io::stdout());
            let mut writer = PartWriter::new(format, &columns, out).map_err(failed)?;
            store.export_rows(table, partitions, since, &mut |row| {
                writer.push(row).map_err(StoreError::Sink)
            })?;
            let rows = writer.finish().map_err(failed)?;
            Ok(Exported {
                rows,
                ..Exported::default()
            })
        }
        Destination::File(path) => {
            let failed = |e| write_error(path.display().to_string(), e);
            let (rows, _) = to_file::<_, ExportError>(path, |out| {
                let mut writer = PartWriter::new(format, &columns, out).map_err(failed)?;
                store.export_rows(table, partitions, since, &mut |row| {
                    writer.push(row).map_err(StoreError::Sink)
                })?;
                writer.finish().map_err(failed)
            })?;
            Ok(Exported {
                rows,
                ..Exported::default()
            })
        }
        Destination::Folder(_) | Destination::S3 { .. } => {
            let mut place = Place::open(destination)?;
            let at = partitions
                .iter()
                .map(|key| {
                    let at = columns.iter().position(|c| c.name == key.column());
                    at.expect("a column the table partitions by")
                })
                .collect();
            let mut parts = Parts {
                format,
                columns: &columns,
                partitions,
                at,
                place: &mut place,
                open: None,
                written: Vec::new(),
            };
            let mut failure = None;
            let read = store.export_rows(table, partitions, since, &mut |row| {
                parts.push(row).map_err(|e| {
                    let sink = StoreError::Sink(io::Error::other(e.to_string()));
                    failure = Some(e);
                    sink
                })
            });
            if let Some(failure) = failure {
                return Err(failure);
            }
            read?;
            parts.close()?;
            let written = parts.written;
            let manifest = place.manifest(&written)?;
            Ok(Exported {
                rows: written.iter().map(|p| p.rows).sum(),
                parts: written,
                manifest: Some(manifest),
            })
        }
    }
}

fn write_error(path: impl Into<String>, error: io::Error) -> ExportError {
    ExportError::Write {
        path: path.into(),
        error,
    }
}

/// Runs `write` into a temporary file beside `path`, which becomes `path` only when `write`
/// succeeds: a failed export leaves no partial file, and an earlier one stays as it was.
/// Returns what `write` did, and the file's size.
pub fn to_file<T, E: From<ExportError>>(
    path: &Path,
    write: impl FnOnce(BufWriter<File>) -> Result<T, E>,
) -> Result<(T, u64), E> {
    let failed = |e| E::from(write_error(path.display().to_string(), e));
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    let out = BufWriter::new(file.reopen().map_err(failed)?);
    let done = write(out)?;
    let bytes = file.as_file().metadata().map_err(failed)?.len();
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok((done, bytes))
}

/// Rows of one format, written to one file.
enum PartWriter<W: Write + Send + 'static> {
    Parquet(ParquetFile),
    Rows(Sink<W>, Vec<Column>),
}

impl<W: Write + Send + 'static> PartWriter<W> {
    fn new(format: TableFormat, columns: &[Column], out: W) -> io::Result<PartWriter<W>> {
        Ok(match format {
            TableFormat::Parquet => PartWriter::Parquet(ParquetFile::new(columns, out)?),
            TableFormat::Rows(format) => {
                let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
                PartWriter::Rows(Sink::new(format, &names, out)?, columns.to_vec())
            }
        })
    }

    fn push(&mut self, row: &[Cell]) -> io::Result<()> {
        match self {
            PartWriter::Parquet(file) => file.push(row),
            PartWriter::Rows(sink, columns) => sink.write(
                row.iter()
                    .zip(columns.iter())
                    .map(|(c, col)| json_value(*c, col.ty))
                    .collect(),
            ),
        }
    }

    fn finish(self) -> io::Result<u64> {
        match self {
            PartWriter::Parquet(file) => file.finish(),
            PartWriter::Rows(sink, _) => sink.finish(),
        }
    }
}

/// A cell as JSON: a JSON column as the value it holds, dates ISO, times RFC 3339 UTC.
fn json_value(cell: Cell, ty: SqlType) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Text(text) if matches!(ty, SqlType::Json | SqlType::Jsonb) => {
            serde_json::from_str(text).unwrap_or_else(|_| json!(text))
        }
        Cell::Text(text) => json!(text),
        Cell::Int(n) => json!(n),
        Cell::Float(x) => json!(x),
        Cell::Bool(b) => json!(b),
        Cell::Date(date) => json!(date.to_string()),
        Cell::Time(time) => json!(time_text(time)),
    }
}

/// A folder, local or in S3, that part files are placed in.
enum Place {
    Folder(PathBuf),
    S3 {
        bucket: S3Destination,
        prefix: String,
        staging: tempfile::TempDir,
    },
}

impl Place {
    fn open(destination: &Destination) -> Result<Place, ExportError> {
        Ok(match destination {
            // Absolute, for the manifest's addresses.
            Destination::Folder(path) => {
                let failed = |e| write_error(path.display().to_string(), e);
                std::fs::create_dir_all(path).map_err(failed)?;
                Place::Folder(std::fs::canonicalize(path).map_err(failed)?)
            }
            Destination::S3 { bucket, prefix } => Place::S3 {
                bucket: S3Destination::connect(bucket)?,
                prefix: prefix.clone(),
                staging: tempfile::tempdir().map_err(|e| write_error("a temporary folder", e))?,
            },
            Destination::Stdout | Destination::File(_) => unreachable!("one file has no parts"),
        })
    }

    /// Where a part file named `relative` (`state=NV/part-00000.parquet`) is written
    /// first: beside its place, or in the staging folder for S3.
    fn local(&self, relative: &str) -> PathBuf {
        match self {
            Place::Folder(root) => root.join(relative),
            Place::S3 { staging, .. } => staging.path().join(relative.replace('/', "%2F")),
        }
    }

    /// Puts a finished part in its place; returns its address.
    fn place(&self, relative: &str, local: &Path) -> Result<String, ExportError> {
        match self {
            Place::Folder(_) => Ok(local.display().to_string()),
            Place::S3 { bucket, prefix, .. } => {
                let key = key(prefix, relative);
                bucket.upload(&key, local)?;
                let _ = std::fs::remove_file(local);
                Ok(format!("s3://{}/{key}", bucket.name()))
            }
        }
    }

    /// Writes the manifest of the parts, `manifest.json` at the place's root; returns its
    /// address.
    fn manifest(&self, parts: &[Part]) -> Result<String, ExportError> {
        let entries: Vec<Value> = parts
            .iter()
            .map(|p| json!({"url": p.url, "mandatory": true, "meta": {"content_length": p.bytes}}))
            .collect();
        let text = serde_json::to_string_pretty(&json!({ "entries": entries })).expect("JSON");
        let local = self.local("manifest.json");
        to_file::<_, ExportError>(&local, |mut out| {
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| write_error(local.display().to_string(), e))
        })?;
        self.place("manifest.json", &local)
    }
}

/// An S3 key under a prefix.
fn key(prefix: &str, relative: &str) -> String {
    match prefix.is_empty() {
        true => relative.to_string(),
        false => format!("{prefix}/{relative}"),
    }
}

/// The part files of a folder export: one open at a time, for the partition being read.
struct Parts<'a> {
    format: TableFormat,
    columns: &'a [Column],
    partitions: &'a [PartitionKey],
    /// Where each partition's column is in a row, found once.
    at: Vec<usize>,
    place: &'a mut Place,
    open: Option<OpenPart>,
    written: Vec<Part>,
}

/// The part file being written, with its partition's values.
struct OpenPart {
    values: Vec<String>,
    relative: String,
    local: PathBuf,
    temporary: tempfile::NamedTempFile,
    writer: PartWriter<BufWriter<File>>,
}

impl Parts<'_> {
    fn push(&mut self, row: &[Cell]) -> Result<(), ExportError> {
        let values: Vec<String> = self.at.iter().map(|&at| partition_value(row[at])).collect();
        if self.open.as_ref().is_none_or(|open| open.values != values) {
            self.close()?;
            self.open = Some(self.start(values)?);
        }
        let open = self.open.as_mut().expect("a part open");
        open.writer
            .push(row)
            .map_err(|e| write_error(open.local.display().to_string(), e))
    }

    fn start(&self, values: Vec<String>) -> Result<OpenPart, ExportError> {
        let folders: Vec<String> = self
            .partitions
            .iter()
            .zip(&values)
            .map(|(key, value)| format!("{}={value}", key.column()))
            .collect();
        let file = format!("part-{:05}.{}", self.written.len(), self.format.extension());
        let relative = folders
            .into_iter()
            .chain([file])
            .collect::<Vec<_>>()
            .join("/");
        let local = self.place.local(&relative);
        let failed = |e| write_error(local.display().to_string(), e);
        let dir = local.parent().expect("a part's folder");
        std::fs::create_dir_all(dir).map_err(failed)?;
        let temporary = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
        let out = BufWriter::new(temporary.reopen().map_err(failed)?);
        let writer = PartWriter::new(self.format, self.columns, out).map_err(failed)?;
        Ok(OpenPart {
            values,
            relative,
            local,
            temporary,
            writer,
        })
    }

    /// Finishes the open part and puts it in its place.
    fn close(&mut self) -> Result<(), ExportError> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        let failed = |e| write_error(open.local.display().to_string(), e);
        let rows = open.writer.finish().map_err(failed)?;
        let bytes = open.temporary.as_file().metadata().map_err(failed)?.len();
        open.temporary
            .persist(&open.local)
            .map_err(|e| failed(e.error))?;
        let url = self.place.place(&open.relative, &open.local)?;
        self.written.push(Part { url, bytes, rows });
        Ok(())
    }
}

/// A partition's value as a folder name: letters, digits, `-`, `_` and `.` as they are,
/// any other byte `%XX`; no value is Hive's `__HIVE_DEFAULT_PARTITION__`.
fn partition_value(cell: Cell) -> String {
    let text = match cell {
        Cell::Null => return "__HIVE_DEFAULT_PARTITION__".into(),
        Cell::Text(text) => text.to_string(),
        Cell::Date(date) => date.to_string(),
        Cell::Int(n) => n.to_string(),
        other => format!("{other:?}"),
    };
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
