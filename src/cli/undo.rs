//! `leadpipe undo`: take back a source's newest applied snapshot.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use leadpipe::store::Store;

use super::exit::Exit;
use super::printable::printable;
use super::stdout;

/// Undo the newest applied snapshot of a source, as a run of its own.
///
/// Every lead the snapshot updated, reactivated or deactivated is written back exactly as
/// it was before it (values, lineage, `issues`, record hash, state), and every lead it
/// brought is made inactive (leads are never deleted). Each change is kept in
/// `lead_changes` as `undone`, and the file is recorded `undone`: the snapshot applied
/// before it is the source's newest again. To go back further, undo again. Loading the
/// undone file again applies it again (or holds it, if a guard finds it suspicious).
#[derive(Debug, Args)]
pub(crate) struct UndoArgs {
    /// The source (its spec id, as in `leads.source`).
    #[arg(value_name = "SOURCE")]
    pub source: String,

    #[command(flatten)]
    pub db: super::DbArg,

    /// How long to wait, in seconds, for another run on the same database to finish.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub lock_timeout: u64,
}

pub(crate) fn run(args: UndoArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.parse()?;
    let mut db = Store::open(&url, Duration::from_secs(args.lock_timeout))?;
    let undone = db
        .undo(&args.source)
        .with_context(|| format!("nothing was undone; {url} is as it was"))?;
    stdout::print(|out| {
        writeln!(
            out,
            "undid {} of `{}` (run {} into {url}): {} leads as they were before it, {} leads \
             it brought made inactive",
            printable(&undone.file.path),
            printable(&args.source),
            undone.run_id,
            undone.restored,
            undone.withdrawn
        )
    })?;
    Ok(Exit::Success.into())
}
