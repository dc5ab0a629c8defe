//! Rows of typed cells as a Parquet file: arrow-rs's writer, fed a record batch at a time.
//! Types follow the tables: text (and JSON) as UTF8, `INTEGER` as INT32, `BIGINT` as
//! INT64, `DOUBLE PRECISION` as DOUBLE, BOOLEAN, DATE, and times as microsecond timestamps
//! adjusted to UTC. Row groups are closed by rows or bytes, whichever comes first, so
//! memory holds one row group being encoded and a few batches, however large the table.
//!
//! The rows are gathered into batches on the thread that reads them, and encoded on a
//! thread of the file's own: reading a table out and encoding it take about as long, and
//! side by side they take half.

use std::io::{self, Write};
use std::sync::Arc;
use std::thread::JoinHandle;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::NaiveDate;
use crossbeam_channel::Sender;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use crate::store::{Cell, Column, SqlType};

/// Rows per record batch handed to the writer.
const BATCH_ROWS: usize = 8192;
/// The most rows in a row group: DuckDB's default.
const GROUP_ROWS: usize = 122_880;
/// The most bytes a row group may take encoded: a table of long records is cut sooner.
const GROUP_BYTES: usize = 64 << 20;

/// Batches waiting to be encoded: enough to keep both threads busy.
const QUEUED_BATCHES: usize = 2;

/// A Parquet file being written.
pub(crate) struct ParquetFile {
    schema: SchemaRef,
    columns: Vec<Column>,
    builders: Vec<Builder>,
    buffered: usize,
    rows: u64,
    /// To the encoding thread; `None` once finished.
    batches: Option<Sender<RecordBatch>>,
    encoder: Option<JoinHandle<Result<(), ParquetError>>>,
}

impl ParquetFile {
    /// A file of rows of `columns`, written to `out` by a thread of its own.
    pub(crate) fn new<W: Write + Send + 'static>(
        columns: &[Column],
        out: W,
    ) -> io::Result<ParquetFile> {
        let fields: Vec<Field> = columns
            .iter()
            .map(|c| Field::new(c.name, data_type(c.ty), true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let mut writer = ArrowWriter::try_new(out, Arc::clone(&schema), Some(properties(columns)))
            .map_err(io::Error::other)?;
        let (batches, queued) = crossbeam_channel::bounded::<RecordBatch>(QUEUED_BATCHES);
        let encoder = std::thread::Builder::new()
            .name("parquet".into())
            .spawn(move || {
                for batch in queued {
                    writer.write(&batch)?;
                }
                writer.close().map(drop)
            })?;
        Ok(ParquetFile {
            schema,
            columns: columns.to_vec(),
            builders: columns.iter().map(|c| Builder::new(c.ty)).collect(),
            buffered: 0,
            rows: 0,
            batches: Some(batches),
            encoder: Some(encoder),
        })
    }

    /// Adds a row: one cell per column, in order.
    pub(crate) fn push(&mut self, row: &[Cell]) -> io::Result<()> {
        for ((builder, cell), column) in self.builders.iter_mut().zip(row).zip(&self.columns) {
            builder.push(*cell).map_err(|found| {
                io::Error::other(format!(
                    "column `{}` ({:?}) cannot hold {found:?}",
                    column.name, column.ty
                ))
            })?;
        }
        self.buffered += 1;
        if self.buffered == BATCH_ROWS {
            self.send_batch()?;
        }
        Ok(())
    }

    /// Writes what is buffered and the file's footer; returns the rows written.
    pub(crate) fn finish(mut self) -> io::Result<u64> {
        self.send_batch()?;
        self.batches = None;
        self.encoded()?;
        Ok(self.rows)
    }

    /// Hands the buffered rows to the encoder as a batch.
    fn send_batch(&mut self) -> io::Result<()> {
        if self.buffered == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch =
            RecordBatch::try_new(Arc::clone(&self.schema), arrays).map_err(io::Error::other)?;
        let sent = self.batches.as_ref().map(|batches| batches.send(batch));
        if !matches!(sent, Some(Ok(()))) {
            // The encoder stopped: its error says why.
            self.batches = None;
            self.encoded()?;
            return Err(io::Error::other("the Parquet encoder stopped"));
        }
        self.rows += self.buffered as u64;
        self.buffered = 0;
        Ok(())
    }

    /// Waits for the encoder to end; its error, if it failed.
    fn encoded(&mut self) -> io::Result<()> {
        match self.encoder.take().map(JoinHandle::join) {
            Some(Ok(Ok(()))) | None => Ok(()),
            Some(Ok(Err(ParquetError::External(error)))) => match error.downcast::<io::Error>() {
                Ok(error) => Err(*error),
                Err(error) => Err(io::Error::other(error)),
            },
            Some(Ok(Err(error))) => Err(io::Error::other(error)),
            Some(Err(_)) => Err(io::Error::other("the Parquet encoder panicked")),
        }
    }
}

/// How the file is written.
fn properties(columns: &[Column]) -> WriterProperties {
    let mut properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(GROUP_ROWS))
        .set_max_row_group_bytes(Some(GROUP_BYTES));
    // A record as published is long and its own: a dictionary of them never pays, and
    // nobody filters on their minimum and maximum.
    for column in columns
        .iter()
        .filter(|c| matches!(c.ty, SqlType::Json | SqlType::Jsonb))
    {
        let path = ColumnPath::from(column.name);
        properties = properties
            .set_column_dictionary_enabled(path.clone(), false)
            .set_column_statistics_enabled(path, EnabledStatistics::None);
    }
    properties.build()
}

/// The Parquet (Arrow) type of a column.
fn data_type(ty: SqlType) -> DataType {
    match ty {
        SqlType::Text | SqlType::Json | SqlType::Jsonb => DataType::Utf8,
        SqlType::Integer => DataType::Int32,
        SqlType::BigInt => DataType::Int64,
        SqlType::Double => DataType::Float64,
        SqlType::Boolean => DataType::Boolean,
        SqlType::Date => DataType::Date32,
        SqlType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
    }
}

/// One column's values being gathered, in its type.
enum Builder {
    Text(StringBuilder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Boolean(BooleanBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
}

/// Days since the Unix epoch, as Parquet's DATE counts them.
fn days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")).num_days() as i32
}

impl Builder {
    fn new(ty: SqlType) -> Builder {
        match ty {
            SqlType::Text | SqlType::Json | SqlType::Jsonb => Builder::Text(StringBuilder::new()),
            SqlType::Integer => Builder::Int32(Int32Builder::new()),
            SqlType::BigInt => Builder::Int64(Int64Builder::new()),
            SqlType::Double => Builder::Float64(Float64Builder::new()),
            SqlType::Boolean => Builder::Boolean(BooleanBuilder::new()),
            SqlType::Date => Builder::Date(Date32Builder::new()),
            SqlType::Timestamp => {
                Builder::Timestamp(TimestampMicrosecondBuilder::new().with_timezone("UTC"))
            }
        }
    }

    /// Appends a cell; a cell of another type is given back.
    fn push<'c>(&mut self, cell: Cell<'c>) -> Result<(), Cell<'c>> {
        match (self, cell) {
            (Builder::Text(b), Cell::Null) => b.append_null(),
            (Builder::Int32(b), Cell::Null) => b.append_null(),
            (Builder::Int64(b), Cell::Null) => b.append_null(),
            (Builder::Float64(b), Cell::Null) => b.append_null(),
            (Builder::Boolean(b), Cell::Null) => b.append_null(),
            (Builder::Date(b), Cell::Null) => b.append_null(),
            (Builder::Timestamp(b), Cell::Null) => b.append_null(),
            (Builder::Text(b), Cell::Text(text)) => b.append_value(text),
            (Builder::Int32(b), Cell::Int(n)) => {
                b.append_value(i32::try_from(n).map_err(|_| cell)?)
            }
            (Builder::Int64(b), Cell::Int(n)) => b.append_value(n),
            (Builder::Float64(b), Cell::Float(x)) => b.append_value(x),
            (Builder::Boolean(b), Cell::Bool(v)) => b.append_value(v),
            (Builder::Date(b), Cell::Date(date)) => b.append_value(days(date)),
            (Builder::Timestamp(b), Cell::Time(time)) => b.append_value(time.timestamp_micros()),
            _ => return Err(cell),
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Int32(b) => Arc::new(b.finish()),
            Builder::Int64(b) => Arc::new(b.finish()),
            Builder::Float64(b) => Arc::new(b.finish()),
            Builder::Boolean(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Timestamp(b) => Arc::new(b.finish()),
        }
    }
}
