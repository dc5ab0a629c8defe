//! `leadpipe export`: what the CRM and its sales team take from the database.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};

use leadpipe::export::{Format, Sink, crm};
use leadpipe::store::{Store, StoreError};

use super::exit::Exit;
use super::printable::printable;

/// Export the providers the CRM does not have yet, or the CRM records with what this week's
/// data says differently.
///
/// `net-new`: every active provider (one row per entity) that no record of a reference
/// source (a CRM export; see `role = "reference"`) is one entity with, in the field names of
/// Salesforce's Data Import Wizard (`First Name`, `Last Name`, `Company`, `Street`,
/// `State/Province`, `Zip/Postal Code`, …; a required field nobody filled is `[not
/// provided]`, as Salesforce writes it), then its lineage: the entity id, its leads' ids and
/// their sources.
///
/// `matched`: every CRM record its newest export lists that is one entity with a provider:
/// its CRM id, the entity, the strongest link's weight and probability, the fields (in
/// Salesforce's API names) where the provider's value differs from the CRM's, ignoring case
/// and punctuation, and in each field's column the provider's value where it differs (blank
/// elsewhere): an update file for Data Loader. As JSON Lines, `differs` maps each field to
/// `{crm, leads}`.
///
/// Reads only. A file is written whole or not at all (to a temporary file beside it,
/// renamed when complete).
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// What to export.
    #[arg(value_enum, value_name = "WHAT")]
    pub what: What,

    /// How to write it.
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    pub format: FormatArg,

    /// The file to write; `-` for standard output.
    #[arg(long, short, value_name = "PATH", default_value = "-")]
    pub out: PathBuf,

    #[command(flatten)]
    pub db: super::DbArg,
}

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum What {
    /// Active providers with no CRM record: to import.
    NetNew,
    /// CRM records with their provider and what differs: to update.
    Matched,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Csv,
    Jsonl,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::Jsonl,
        }
    }
}

pub(crate) fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.parse()?;
    let mut db = Store::open(&url, Duration::ZERO)?;
    if args.out == Path::new("-") {
        return match export(&mut db, &args, io::stdout().lock()) {
            // A reader that has gone away (`| head`) took what it wanted.
            Err(error) if broken_pipe(&error) => Ok(Exit::Success.into()),
            result => result
                .map(|_| Exit::Success.into())
                .with_context(|| format!("cannot export from {url}")),
        };
    }
    let rows = to_file(&args.out, |out| export(&mut db, &args, out))
        .with_context(|| format!("cannot export from {url}"))?;
    eprintln!(
        "{rows} rows written to {}",
        printable(&args.out.display().to_string())
    );
    Ok(Exit::Success.into())
}

/// Writes what `args` asks to `out`; returns how many rows.
fn export(db: &mut Store, args: &ExportArgs, out: impl Write) -> anyhow::Result<u64> {
    let format = args.format.format();
    let sink_error = StoreError::Sink;
    match (args.what, format) {
        (What::NetNew, _) => {
            let mut sink = Sink::new(format, &crm::net_new_columns(), out)?;
            db.net_new_providers(|provider| {
                sink.write(crm::net_new_row(&provider)).map_err(sink_error)
            })?;
            Ok(sink.finish()?)
        }
        (What::Matched, Format::Csv) => {
            let mut sink = Sink::new(format, &crm::matched_columns(), out)?;
            db.crm_matches(|matched| sink.write(crm::matched_row(&matched)).map_err(sink_error))?;
            Ok(sink.finish()?)
        }
        (What::Matched, Format::Jsonl) => {
            let mut sink = Sink::new(format, &crm::matched_json_columns(), out)?;
            db.crm_matches(|matched| {
                sink.write(crm::matched_json_row(&matched))
                    .map_err(sink_error)
            })?;
            Ok(sink.finish()?)
        }
    }
}

/// Whether an error is standard output's reader going away.
fn broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Runs `write` into a temporary file beside `path`, which becomes `path` only when `write`
/// succeeds: a failed export leaves no partial file, and an earlier one stays as it was.
fn to_file(
    path: &Path,
    write: impl FnOnce(BufWriter<&File>) -> anyhow::Result<u64>,
) -> anyhow::Result<u64> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let rows = write(BufWriter::new(file.as_file()))?;
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(rows)
}
