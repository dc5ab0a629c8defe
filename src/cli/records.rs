//! `leadpipe records`: a file's records exactly as leadpipe reads them.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use serde_json::json;

use leadpipe::export::io_error;
use leadpipe::read::input::InputFile;
use leadpipe::read::{self, Record};
use leadpipe::reason::Reason;
use leadpipe::spec::{Claim, Specs};

use super::exit::Exit;
use super::printable::printable;

/// Write a file's records exactly as leadpipe reads them, for debugging a file.
///
/// The spec that claims the file (by name, then by header; or `--spec`) says how it is
/// read: encoding, delimiter, how far a quoted field may run. Every record read is
/// written, the header first, a ragged one with the fields it has: what ingest would
/// reject is still a record here. A record that is no CSV record at all (a quote never
/// closed, an oversized line) is written as its text, one field. The reasons ingest would
/// reject records for are counted on stderr, with each record's line. Writes nothing to the
/// database.
#[derive(Debug, Args)]
pub(crate) struct RecordsArgs {
    /// The file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Source specs besides the built-in ones: a folder of `*.toml`.
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,

    /// Read the file as this spec (its id) says, whichever would claim it.
    #[arg(long, value_name = "ID")]
    pub spec: Option<String>,

    /// `csv`: every field quoted; `jsonl`: `{"line", "fields", "defect"}` per record.
    #[arg(long, value_enum, default_value_t = RecordsFormat::Csv)]
    pub format: RecordsFormat,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum RecordsFormat {
    Csv,
    Jsonl,
}

pub(crate) fn run(args: RecordsArgs) -> anyhow::Result<ExitCode> {
    let specs = Specs::load(args.specs.as_deref())?;
    let input = InputFile::local(&args.file, true);
    let path = args.file.display().to_string();
    let shown = printable(&path);
    let spec = match &args.spec {
        Some(id) => match specs.iter().find(|s| s.id == *id) {
            Some(spec) => spec,
            None => bail!(
                "no spec has id `{}`: `leadpipe specs` lists them",
                printable(id)
            ),
        },
        None => match specs
            .claim(&input.name(), || read::file_start(input.open()?))
            .with_context(|| format!("cannot read {shown}"))?
        {
            Claim::ByName(spec) | Claim::ByHeader(spec) => spec,
            Claim::Ambiguous(ids) => {
                bail!(
                    "{shown} is claimed by several specs ({}): choose one with --spec",
                    ids.join(", ")
                )
            }
            Claim::Unclaimed => {
                bail!("no spec claims {shown} by its name or its header: give one with --spec")
            }
        },
    };
    let bytes = input
        .open()
        .with_context(|| format!("cannot read {shown}"))?;
    let mut reader = read::open(bytes, spec).with_context(|| format!("cannot read {shown}"))?;
    let header = reader.header().to_vec();
    let mut out = Out::new(args.format, io::stdout().lock());
    let mut rejects: BTreeMap<Reason, u64> = BTreeMap::new();
    let mut count = 0u64;
    let written = (|| -> io::Result<()> {
        out.header(&header)?;
        while let Some(record) = reader.next_record()? {
            count += 1;
            if let Some(defect) = &record.defect {
                *rejects.entry(defect.reason()).or_default() += 1;
                eprintln!(
                    "line {}: {}: {}",
                    record.line,
                    defect.reason(),
                    defect.message()
                );
            }
            out.record(&record)?;
        }
        out.flush()
    })();
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(Exit::Success.into()),
        result => result.with_context(|| format!("cannot read {shown}"))?,
    }
    let rejected: u64 = rejects.values().sum();
    let reasons: Vec<String> = rejects.iter().map(|(r, n)| format!("{r}: {n}")).collect();
    eprintln!(
        "{count} records read from {shown} as spec `{}` reads it ({}): {} sound, {rejected} that ingest would reject{}",
        spec.id,
        reader.encoding(),
        count - rejected,
        match reasons.is_empty() {
            true => String::new(),
            false => format!(" ({})", reasons.join(", ")),
        }
    );
    Ok(Exit::Success.into())
}

/// The records' writer, in its format.
enum Out<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
}

impl<W: Write> Out<W> {
    fn new(format: RecordsFormat, out: W) -> Out<W> {
        match format {
            RecordsFormat::Csv => Out::Csv(Box::new(
                csv::WriterBuilder::new()
                    .quote_style(csv::QuoteStyle::Always)
                    .flexible(true)
                    .from_writer(out),
            )),
            RecordsFormat::Jsonl => Out::Jsonl(out),
        }
    }

    fn header(&mut self, header: &[String]) -> io::Result<()> {
        match self {
            Out::Csv(writer) => writer.write_record(header).map_err(io_error),
            Out::Jsonl(_) => Ok(()),
        }
    }

    /// A record's fields, or its text as one field when it has none.
    fn record(&mut self, record: &Record) -> io::Result<()> {
        let fields: Vec<String> = match record.fields.is_empty() && record.defect.is_some() {
            true => vec![record.raw_text()],
            false => record.fields.iter().map(str::to_string).collect(),
        };
        match self {
            Out::Csv(writer) => writer.write_record(&fields).map_err(io_error),
            Out::Jsonl(out) => {
                let defect = record.defect.as_ref().map(|d| d.reason().to_string());
                let line = json!({"line": record.line, "fields": fields, "defect": defect});
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Out::Csv(writer) => writer.flush(),
            Out::Jsonl(out) => out.flush(),
        }
    }
}
