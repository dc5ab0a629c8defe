//! Exports: rows read from the store, written as CSV or JSON Lines. Each export names its
//! columns once ([`Sink::new`]) and gives each row's values in that order; the format is
//! the sink's, apart from what the rows are.

pub mod crm;
mod parquet;
pub mod table;

use std::io::{self, Write};

use serde_json::Value;

/// How an export is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A header, then one row per record; every field quoted where it must be (RFC 4180).
    Csv,
    /// One JSON object per line, keyed by the columns; a missing value is `null`.
    Jsonl,
}

/// Rows written in one format to one writer.
pub struct Sink<W: Write> {
    columns: Vec<String>,
    out: Out<W>,
    rows: u64,
}

/// A sink's writer, in its format.
enum Out<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
}

impl<W: Write> Sink<W> {
    /// A sink of rows of these columns; a CSV gets its header at once.
    pub fn new(format: Format, columns: &[&str], out: W) -> io::Result<Sink<W>> {
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let out = match format {
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(&columns).map_err(io_error)?;
                Out::Csv(Box::new(writer))
            }
            Format::Jsonl => Out::Jsonl(out),
        };
        Ok(Sink {
            columns,
            out,
            rows: 0,
        })
    }

    /// Writes a row: one value per column, in order.
    pub fn write(&mut self, values: Vec<Value>) -> io::Result<()> {
        debug_assert_eq!(values.len(), self.columns.len());
        match &mut self.out {
            Out::Csv(writer) => writer
                .write_record(values.iter().map(csv_field))
                .map_err(io_error)?,
            Out::Jsonl(out) => {
                let object: serde_json::Map<String, Value> =
                    self.columns.iter().cloned().zip(values).collect();
                serde_json::to_writer(&mut *out, &object)?;
                out.write_all(b"\n")?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Flushes what is written; returns how many rows were.
    pub fn finish(self) -> io::Result<u64> {
        match self.out {
            Out::Csv(mut writer) => writer.flush()?,
            Out::Jsonl(mut out) => out.flush()?,
        }
        Ok(self.rows)
    }
}

/// A CSV writer's error as the I/O error it is (a closed pipe stays one), or as other.
pub fn io_error(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A value as a CSV field: text as it is, `null` empty, numbers and booleans as JSON
/// writes them.
fn csv_field(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn written(format: Format) -> String {
        let mut bytes = Vec::new();
        let mut sink = Sink::new(format, &["Id", "Company", "Weight"], &mut bytes).unwrap();
        sink.write(vec![
            json!("00Q1"),
            json!("Sunshine, \"Academy\""),
            json!(22.5),
        ])
        .unwrap();
        sink.write(vec![json!("00Q2"), Value::Null, Value::Null])
            .unwrap();
        assert_eq!(sink.finish().unwrap(), 2);
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn csv_quotes_what_it_must_and_leaves_nulls_empty() {
        assert_eq!(
            written(Format::Csv),
            "Id,Company,Weight\n00Q1,\"Sunshine, \"\"Academy\"\"\",22.5\n00Q2,,\n"
        );
    }

    #[test]
    fn json_lines_key_each_value_by_its_column() {
        assert_eq!(
            written(Format::Jsonl),
            "{\"Id\":\"00Q1\",\"Company\":\"Sunshine, \\\"Academy\\\"\",\"Weight\":22.5}\n\
             {\"Id\":\"00Q2\",\"Company\":null,\"Weight\":null}\n"
        );
    }
}
