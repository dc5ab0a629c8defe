//! `leadpipe check`: a dry run of files, which writes nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde_json::{Map, Value as Json};

use leadpipe::lead::{LEAD_COLUMNS, Value};
use leadpipe::pipeline::check::{FileCheck, ReadCheck, Verdict, check_file};
use leadpipe::pipeline::{ClaimedBy, Decision, Finding};
use leadpipe::read::input;
use leadpipe::spec::{HeaderMatch, Specs};
use leadpipe::stages::enrich::Enrichment;
use leadpipe::stages::guards::Guards;
use leadpipe::store::{DatabaseUrl, Store};

use super::exit::Exit;
use super::printable::printable;

/// Check files as ingest would read them, without loading anything: a dry run.
///
/// For each file: which spec claims it and why, the header contract's verdict, every record
/// read, mapped and validated (read = would load + rejected), rejects by reason with
/// examples, each lead column's fill rate and share of doubtful values, and five mapped
/// sample leads. With --db, also whether ingest would skip the file and what the snapshot
/// guards decide against the source as it stands there; the database is opened read-only
/// and never migrated. Nothing is written: no database, no file.
///
/// Exits as ingest would: 0 when every file would load, 1 when one could not (unclaimed,
/// unreadable, a header that breaks its contract), 4 when a guard would hold one, 99 when
/// ingest would skip it.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files, folders, glob patterns or S3 prefixes, as `ingest` takes them.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Source specs besides the built-in ones: a folder of `*.toml`.
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,

    /// A database to judge the files against, opened read-only (`sqlite:<path>`,
    /// `postgres://…`): the guards' verdict, and whether a file was loaded already.
    #[arg(long = "db", value_name = "URL")]
    pub db: Option<String>,
}

pub(crate) fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let specs = Specs::load(args.specs.as_deref())?;
    let mut db = match &args.db {
        Some(url) => {
            let url = DatabaseUrl::parse(url, |name| std::env::var(name).ok())?;
            Some(Store::open_read_only(&url).with_context(|| format!("cannot open {url}"))?)
        }
        None => None,
    };
    let files = input::expand(&args.inputs, None)?.files;
    if files.is_empty() {
        anyhow::bail!("no file found in {}", args.inputs.join(", "));
    }
    let guards = Guards::default();
    let mut exit = Exit::Success;
    for (n, file) in files.iter().enumerate() {
        let checked = check_file(&specs, file, db.as_mut(), &[&Enrichment, &guards])?;
        if n > 0 {
            println!();
        }
        exit = exit.max(print(&checked));
    }
    Ok(exit.into())
}

/// Prints one file's check; returns the exit status it calls for.
fn print(checked: &FileCheck) -> Exit {
    println!("{}", printable(&checked.path));
    match &checked.verdict {
        Verdict::Unclaimed(why) => {
            println!("  spec      none: {why}");
            Exit::FileFailed
        }
        Verdict::Unreadable {
            spec,
            claimed_by,
            error,
        } => {
            println!(
                "  spec      {}",
                claim_text(&spec.id, &spec.origin, *claimed_by)
            );
            println!("  would fail: {}", printable(error));
            Exit::FileFailed
        }
        Verdict::Read(read) => print_read(read),
    }
}

fn claim_text(id: &str, origin: &str, claimed_by: ClaimedBy) -> String {
    let how = match claimed_by {
        ClaimedBy::FileName => "by its file name",
        ClaimedBy::Header => "by its header",
    };
    format!("`{id}` ({origin}), claimed {how}")
}

fn print_read(read: &ReadCheck) -> Exit {
    let spec = read.spec;
    println!(
        "  spec      {}",
        claim_text(&spec.id, &spec.origin, read.claimed_by)
    );
    let contract = match spec.header_match {
        HeaderMatch::Exact => "exactly",
        HeaderMatch::Subset => "as a subset",
    };
    println!(
        "  header    {} columns, matching the spec's {contract}",
        read.header.len()
    );
    println!("  encoding  {}", read.encoding);
    let counts = &read.counts;
    println!(
        "  records   {} read = {} would load + {} rejected",
        counts.read, counts.loaded, counts.rejected
    );
    for (reason, rejects) in &read.rejects {
        println!("  rejected  {}: {}", reason.as_str(), rejects.count);
        for (line, message, text) in &rejects.examples {
            println!("    line {line}: {}", printable(message));
            println!("      {}", printable(&shortened(text, 120)));
        }
    }
    for (reason, count) in &read.issues {
        println!("  issues    {}: {count}", reason.as_str());
    }
    println!("  column                         filled  doubtful");
    for column in written_columns(read) {
        println!(
            "    {:<28} {:>6.1}%  {:>6.1}%",
            LEAD_COLUMNS[column].name,
            read.profile.fill_percent(column),
            read.profile.flagged_percent(column)
        );
    }
    let exit = match (&read.skipped, &read.guards) {
        (Some(why), _) => {
            println!("  ingest    would skip it: {}", printable(why));
            Exit::NothingNew
        }
        (None, Some(Decision::Hold(findings))) => {
            println!(
                "  guards    would hold it: {}",
                Finding::sentences(findings)
            );
            Exit::Held
        }
        (None, Some(_)) => {
            println!("  guards    would apply it");
            Exit::Success
        }
        (None, None) => {
            println!("  guards    not judged: give --db to compare with a database");
            Exit::Success
        }
    };
    println!(
        "  samples   the first {} leads, as stored:",
        read.samples.len()
    );
    for lead in &read.samples {
        println!(
            "    {}",
            printable(&sample_json(&lead.lead_id, &lead.values))
        );
    }
    exit
}

/// The lead columns the spec's rules write, and those enrichment filled for some lead, in
/// table order.
fn written_columns(read: &ReadCheck) -> Vec<usize> {
    let derived = (0..LEAD_COLUMNS.len()).filter(|&column| read.profile.fill_percent(column) > 0.0);
    let mut columns: Vec<usize> = read
        .spec
        .rules
        .iter()
        .flat_map(|rule| rule.outputs.iter().map(|&(_, column)| column))
        .chain(derived)
        .collect();
    columns.sort_unstable();
    columns.dedup();
    columns
}

/// A lead's id and filled columns, as one JSON object.
fn sample_json(lead_id: &str, values: &[Value]) -> String {
    let mut object = Map::new();
    object.insert("lead_id".into(), lead_id.into());
    for (column, value) in LEAD_COLUMNS.iter().zip(values) {
        let json = match value {
            Value::Null => continue,
            Value::Text(text) => Json::from(text.as_str()),
            Value::Integer(n) => Json::from(*n),
            Value::Boolean(b) => Json::from(*b),
            Value::Date(date) => Json::from(date.to_string()),
            Value::Real(x) => Json::from(*x),
        };
        object.insert(column.name.into(), json);
    }
    Json::Object(object).to_string()
}

/// `text`, cut to `max` characters with an ellipsis.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
