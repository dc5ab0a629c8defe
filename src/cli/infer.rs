//! `leadpipe infer`: a draft spec for a new source, from its files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use leadpipe::infer::{self, Sample};
use leadpipe::read::input;

use super::exit::Exit;
use super::printable::printable;

/// Draft a spec for a source leadpipe has never seen, from one or more of its files.
///
/// Reads the first 256 KiB of each file (fast on any size) and prints a complete, commented
/// spec: the encoding, delimiter, quote and escape, whether the files have a header (and
/// how many lines come before it), each column's role (the lead columns it maps to, with
/// which normalizer) with a confidence and the evidence (header synonyms, and the shapes of
/// its values: phone, ZIP, e-mail, date, state, Y/N, one-field address, person name), the
/// key, the file-name date rule, and a `lookup` draft for `facility_type` from a type
/// column's values. Several files of one source refine one spec (another file's names
/// for the same columns become `aliases`). Save it in a specs folder, check it with
/// `leadpipe check FILE --specs DIR`, and correct what it guessed.
#[derive(Debug, Args)]
pub(crate) struct InferArgs {
    /// Files of one source (paths, folders, globs or S3 prefixes, as `ingest` takes them).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// The spec's id (default: from the first file's name).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// Write the draft to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(crate) fn run(args: InferArgs) -> anyhow::Result<ExitCode> {
    let files = input::expand(&args.inputs, None)?.files;
    if files.is_empty() {
        anyhow::bail!("no file found in {}", args.inputs.join(", "));
    }
    let mut samples = Vec::with_capacity(files.len());
    for file in &files {
        let address = file.address();
        let shown = printable(&address);
        let opened = file
            .open()
            .with_context(|| format!("cannot read {shown}"))?;
        samples.push(
            Sample::read(file.name(), opened).with_context(|| format!("cannot read {shown}"))?,
        );
    }
    let draft = infer::infer(&samples, args.id.as_deref())?;
    match &args.out {
        Some(path) => std::fs::write(path, draft)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(draft.as_bytes())?,
    }
    Ok(Exit::Success.into())
}
