//! `leadpipe export`: what the CRM and its sales team take from the database, and the
//! tables a warehouse loads.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use leadpipe::export::table::{self, Destination, TableFormat};
use leadpipe::export::{Format, Sink, crm};
use leadpipe::store::{ExportTable, PartitionKey, Since, Store, StoreError};

use super::exit::Exit;
use super::printable::printable;

/// Export the providers the CRM does not have yet, the CRM records with what this week's
/// data says differently, or a table for a warehouse.
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
/// `leads`, `providers`, `lead-changes`, `rejects`: the table, every column in its type, as
/// CSV, JSON Lines or Parquet (`--format parquet`: UTF8, INT32/INT64, DOUBLE, BOOLEAN,
/// DATE, timestamps in UTC; Snappy; row groups streamed). To one file; or to a folder or an
/// `s3://bucket/prefix` (the same AWS setup as reading from S3): part files, one folder per
/// value of `--partition-by` (`state=NV/snapshot_date=2023-07-07/part-00000.parquet`), and
/// `manifest.json` in the layout of Redshift's `COPY … MANIFEST`.
///
/// Incremental: `--since-run ID` writes only what runs after run ID changed (new and
/// changed leads, the providers they or a CRM's newer export changed, the changes, new
/// rejects), `--since-last-export` what
/// changed since the last export of the same WHAT, which the database remembers (table
/// `exports`; the first such export writes everything). A row can come twice, never not at
/// all.
///
/// Reads the data, and records the export in `exports`. A file is written whole or not at
/// all (to a temporary file beside it, renamed when complete).
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// What to export.
    #[arg(value_enum, value_name = "WHAT")]
    pub what: What,

    /// How to write it (`parquet`: the tables only).
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    pub format: FormatArg,

    /// The file to write, `-` for standard output; for a table, also a folder (a path
    /// ending in `/`, or an existing folder) or `s3://bucket/prefix`, for part files and a
    /// manifest.
    #[arg(long, short, value_name = "PATH", default_value = "-")]
    pub out: String,

    /// Part files by these columns, a folder per value (tables only; comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "COLUMN")]
    pub partition_by: Vec<PartitionArg>,

    /// Only what runs after this one (`runs.run_id`) changed.
    #[arg(long, value_name = "RUN_ID", conflicts_with = "since_last_export")]
    pub since_run: Option<String>,

    /// Only what runs after the last export of the same WHAT changed.
    #[arg(long)]
    pub since_last_export: bool,

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
    /// The table `leads`, with each lead's first snapshot date.
    Leads,
    /// The view `providers`: one golden record per entity.
    Providers,
    /// The view `lead_changes`, with each change's source and snapshot date.
    LeadChanges,
    /// The table `rejects`, with each file's snapshot date.
    Rejects,
}

impl What {
    /// The table it is, if it is one.
    fn table(self) -> Option<ExportTable> {
        match self {
            What::NetNew | What::Matched => None,
            What::Leads => Some(ExportTable::Leads),
            What::Providers => Some(ExportTable::Providers),
            What::LeadChanges => Some(ExportTable::LeadChanges),
            What::Rejects => Some(ExportTable::Rejects),
        }
    }
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Csv,
    Jsonl,
    Parquet,
}

impl FormatArg {
    fn table_format(self) -> TableFormat {
        match self {
            FormatArg::Csv => TableFormat::Rows(Format::Csv),
            FormatArg::Jsonl => TableFormat::Rows(Format::Jsonl),
            FormatArg::Parquet => TableFormat::Parquet,
        }
    }
}

/// `--partition-by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PartitionArg {
    State,
    #[value(name = "snapshot_date")]
    SnapshotDate,
}

impl PartitionArg {
    fn key(self) -> PartitionKey {
        match self {
            PartitionArg::State => PartitionKey::State,
            PartitionArg::SnapshotDate => PartitionKey::SnapshotDate,
        }
    }
}

pub(crate) fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.parse()?;
    let mut db = Store::open(&url, Duration::ZERO)?;
    let what = args
        .what
        .to_possible_value()
        .expect("a named value")
        .get_name()
        .to_string();
    let since =
        since(&mut db, &args, &what).with_context(|| format!("nothing was exported from {url}"))?;
    // Read before the rows: a run that commits meanwhile is exported again next time.
    let through = db.newest_run()?;
    let rows = match args.what.table() {
        Some(table) => export_table(&mut db, &args, table, since.as_ref()),
        None => export_crm(&mut db, &args, since.as_ref()),
    }
    .with_context(|| format!("cannot export from {url}"))?;
    if let Some(rows) = rows {
        let destination = match args.out.as_str() {
            "-" => "standard output",
            out => out,
        };
        db.record_export(&what, destination, since.as_ref(), through.as_deref(), rows)?;
    }
    Ok(Exit::Success.into())
}

/// The run an incremental export starts after, as its options say; `None` for everything.
fn since(db: &mut Store, args: &ExportArgs, what: &str) -> anyhow::Result<Option<Since>> {
    if let Some(run_id) = &args.since_run {
        if !db.has_run(run_id)? {
            bail!(
                "there is no run `{}`: give a run id of table `runs` (each ingest's account ends with its own)",
                printable(run_id)
            );
        }
        return Ok(Some(Since {
            run_id: run_id.clone(),
        }));
    }
    if !args.since_last_export {
        return Ok(None);
    }
    Ok(match db.last_export(what)? {
        None => {
            eprintln!("note: `{what}` was never exported: exporting all of it");
            None
        }
        Some(through) => through.map(|run_id| Since { run_id }),
    })
}

/// Writes net-new or matched where `args` says; returns the rows written, or `None` when
/// standard output's reader went away first.
fn export_crm(
    db: &mut Store,
    args: &ExportArgs,
    since: Option<&Since>,
) -> anyhow::Result<Option<u64>> {
    let format = match args.format.table_format() {
        TableFormat::Rows(format) => format,
        TableFormat::Parquet => {
            bail!("net-new and matched are CSV or JSON Lines: give --format csv or jsonl")
        }
    };
    if !args.partition_by.is_empty() {
        bail!("--partition-by is for the tables (leads, providers, lead-changes, rejects)");
    }
    if args.out == "-" {
        return match export(db, args.what, format, since, io::stdout().lock()) {
            // A reader that has gone away (`| head`) took what it wanted.
            Err(error) if broken_pipe(&error) => Ok(None),
            result => result.map(Some),
        };
    }
    let (rows, _) = table::to_file(Path::new(&args.out), |out| {
        export(db, args.what, format, since, out)
    })?;
    eprintln!("{rows} rows written to {}", printable(&args.out));
    Ok(Some(rows))
}

/// Writes a table where `args` says, and tells on stderr what it wrote; returns the rows
/// written, or `None` when standard output's reader went away first.
fn export_table(
    db: &mut Store,
    args: &ExportArgs,
    table: ExportTable,
    since: Option<&Since>,
) -> anyhow::Result<Option<u64>> {
    let partitions: Vec<PartitionKey> = args.partition_by.iter().map(|p| p.key()).collect();
    let destination = Destination::parse(&args.out, !partitions.is_empty());
    let format = args.format.table_format();
    let exported = match table::export_table(db, table, format, &partitions, since, &destination) {
        Ok(exported) => exported,
        Err(error) => {
            let error = anyhow::Error::from(error);
            return match broken_pipe(&error) {
                true => Ok(None),
                false => Err(error),
            };
        }
    };
    let at = printable(&args.out);
    match &exported.manifest {
        Some(manifest) => eprintln!(
            "{} rows of `{}` written to {at}: {} part files, manifest {}",
            exported.rows,
            table.name(),
            exported.parts.len(),
            printable(manifest)
        ),
        None if destination != Destination::Stdout => {
            eprintln!(
                "{} rows of `{}` written to {at}",
                exported.rows,
                table.name()
            )
        }
        None => {}
    }
    Ok(Some(exported.rows))
}

/// Writes `what` (net-new or matched) to `out`; returns how many rows.
fn export(
    db: &mut Store,
    what: What,
    format: Format,
    since: Option<&Since>,
    out: impl Write,
) -> anyhow::Result<u64> {
    let sink_error = StoreError::Sink;
    match (what, format) {
        (What::NetNew, _) => {
            let mut sink = Sink::new(format, &crm::net_new_columns(), out)?;
            db.net_new_providers(since, |provider| {
                sink.write(crm::net_new_row(&provider)).map_err(sink_error)
            })?;
            Ok(sink.finish()?)
        }
        (What::Matched, Format::Csv) => {
            let mut sink = Sink::new(format, &crm::matched_columns(), out)?;
            db.crm_matches(since, |matched| {
                sink.write(crm::matched_row(&matched)).map_err(sink_error)
            })?;
            Ok(sink.finish()?)
        }
        (What::Matched, Format::Jsonl) => {
            let mut sink = Sink::new(format, &crm::matched_json_columns(), out)?;
            db.crm_matches(since, |matched| {
                sink.write(crm::matched_json_row(&matched))
                    .map_err(sink_error)
            })?;
            Ok(sink.finish()?)
        }
        (_, _) => unreachable!("a table is exported by export_table"),
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
