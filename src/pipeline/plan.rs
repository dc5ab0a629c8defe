//! Planning a run: which spec claims each file, the order snapshots apply in, and the
//! files that are skipped because applying them would change nothing or roll leads back.

use std::io;

use chrono::NaiveDate;

use super::RunError;
use super::fingerprint::content_sha256;
use super::report::{FileOutcome, FileReport};
use crate::read;
use crate::read::input::InputFile;
use crate::spec::{Claim, Spec, Specs};
use crate::store::{FileInfo, FileStatus, Identity, RunInfo, Store, now, time_text};

/// What to do with an input file, decided before the run takes its lock.
pub(crate) enum Planned<'a> {
    Load(ClaimedFile<'a>),
    Done {
        input: InputFile,
        report: Box<FileReport>,
    },
}

/// A file with the spec that claims it, and the day of its snapshot.
pub(crate) struct ClaimedFile<'a> {
    pub(crate) input: InputFile,
    pub(crate) spec: &'a Spec,
    pub(crate) claimed_by: ClaimedBy,
    pub(crate) snapshot_date: NaiveDate,
    /// Applied even if its snapshot is older than its source's newest (`--reapply`).
    pub(crate) reapply: bool,
}

/// How a spec claimed a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimedBy {
    /// One of its `files.names` patterns matches the file's name.
    FileName,
    /// No pattern matches, and the file's header is the spec's.
    Header,
}

impl Planned<'_> {
    pub(crate) fn input(&self) -> &InputFile {
        match self {
            Planned::Load(ClaimedFile { input, .. }) | Planned::Done { input, .. } => input,
        }
    }

    fn snapshot_date(&self) -> NaiveDate {
        match self {
            Planned::Load(file) => file.snapshot_date,
            Planned::Done { .. } => NaiveDate::MIN,
        }
    }
}

/// Claims and dates every file, in the order their snapshots apply: by date, whatever the
/// order of the inputs, and by address within a day.
pub(crate) fn plan<'a>(
    specs: &'a Specs,
    files: &[InputFile],
    reapply: &[String],
) -> Result<Vec<Planned<'a>>, RunError> {
    let mut planned: Vec<Planned> = files
        .iter()
        .map(|file| claim(specs, file, reapply))
        .collect::<Result<_, _>>()?;
    planned.sort_by_key(|p| (p.snapshot_date(), p.input().address()));
    Ok(planned)
}

/// Claims a file for a spec and dates its snapshot: by the spec's `files.date` rule, else
/// the file's modification time, else today.
pub(super) fn claim<'a>(
    specs: &'a Specs,
    input: &InputFile,
    reapply: &[String],
) -> Result<Planned<'a>, RunError> {
    let path = input.address();
    let done = |outcome| Planned::Done {
        input: input.clone(),
        report: Box::new(FileReport::new(path.clone(), None, outcome)),
    };
    let file_name = input.name();
    let claim = specs
        .claim(&file_name, || read::file_start(input.open()?))
        .map_err(|error| RunError::Read {
            file: path.clone(),
            error,
        })?;
    let (spec, claimed_by) = match claim {
        Claim::ByName(spec) => {
            tracing::debug!(file = %path, source = %spec.id, "claimed by file name");
            (spec, ClaimedBy::FileName)
        }
        Claim::ByHeader(spec) => {
            tracing::debug!(file = %path, source = %spec.id, "claimed by header");
            (spec, ClaimedBy::Header)
        }
        Claim::Ambiguous(ids) => {
            let error = format!(
                "claimed by several specs ({}); make their `files.names` patterns exclusive",
                ids.join(", ")
            );
            return Ok(done(FileOutcome::Failed { error }));
        }
        Claim::Unclaimed if input.named => {
            let error = "no source spec claims this file by its name or its header; add a spec with --specs".to_string();
            return Ok(done(FileOutcome::Failed { error }));
        }
        Claim::Unclaimed => return Ok(done(FileOutcome::Unclaimed)),
    };
    let snapshot_date = spec
        .snapshot_date(&file_name)
        .or_else(|| input.modified().map(|m| m.date_naive()))
        .unwrap_or_else(|| now().date_naive());
    let named = |name: &String| *name == path || *name == file_name;
    Ok(Planned::Load(ClaimedFile {
        input: input.clone(),
        spec,
        claimed_by,
        snapshot_date,
        reapply: reapply.iter().any(named),
    }))
}

/// Identifies a claimed file for the ledger: an object whose version tag was loaded
/// before is known without downloading it; any other file is hashed.
pub(crate) fn identify(db: &mut Store, file: &ClaimedFile) -> Result<FileInfo, RunError> {
    let ClaimedFile { input, spec, .. } = file;
    let read_error = |error: io::Error| RunError::Read {
        file: input.address(),
        error,
    };
    let by_tag = match input.e_tag() {
        Some(e_tag) => db.prior_load(
            &spec.id,
            Identity::Tag {
                e_tag,
                size: input.size(),
            },
        )?,
        None => None,
    };
    let content_sha256 = match by_tag {
        Some(prior) => prior.content_sha256,
        None => content_sha256(input.open().map_err(read_error)?).map_err(read_error)?,
    };
    Ok(FileInfo {
        source: spec.id.clone(),
        role: spec.role,
        path: input.address(),
        content_sha256,
        size_bytes: input.size(),
        e_tag: input.e_tag().map(str::to_string),
        snapshot_date: file.snapshot_date,
    })
}

/// Whether a file is skipped, and why: its content is the newest applied snapshot of its
/// source, or its snapshot is older than one already loaded (unless it is to be applied
/// again, `reapply`). A skipped file is recorded.
pub(crate) fn skip(
    db: &mut Store,
    run: &RunInfo,
    info: &FileInfo,
    reapply: bool,
) -> Result<Option<FileOutcome>, RunError> {
    let Some((outcome, message)) = would_skip(db, Some(&run.run_id), info, reapply)? else {
        return Ok(None);
    };
    db.record_file(run, info, FileStatus::Skipped, &message)?;
    Ok(Some(outcome))
}

/// Whether a file would be skipped, and the ledger's message why; nothing is written.
/// `run_id` is the run's that asks, when one does.
pub(super) fn would_skip(
    db: &mut Store,
    run_id: Option<&str>,
    info: &FileInfo,
    reapply: bool,
) -> Result<Option<(FileOutcome, String)>, RunError> {
    if let Some(prior) = db.prior_load(&info.source, Identity::Content(&info.content_sha256))? {
        let by = if Some(prior.run_id.as_str()) == run_id {
            format!("{}, earlier in this run", prior.path)
        } else {
            let at = time_text(prior.processed_at);
            format!("{} in run {} at {at}", prior.path, prior.run_id)
        };
        let message = format!("same content as {by}");
        return Ok(Some((FileOutcome::AlreadyLoaded { by }, message)));
    }
    let older = db
        .latest_snapshot(&info.source)?
        .filter(|loaded| *loaded > info.snapshot_date && !reapply);
    Ok(older.map(|loaded| {
        let snapshot = info.snapshot_date;
        let message = format!(
            "snapshot of {snapshot} is older than the {loaded} snapshot of `{}` already loaded; not applied",
            info.source
        );
        (FileOutcome::OlderSnapshot { snapshot, loaded }, message)
    }))
}
