//! One file of a run: read → map → apply. The file is identified and maybe skipped
//! ([`super::plan`]), its records stream through the workers into the snapshot writer,
//! the stages decide whether the snapshot is applied, and it is merged.

use std::io;

use super::plan::{ClaimedFile, identify, skip};
use super::report::{FileOutcome, FileReport};
use super::stage::{Decision, Finding, Snapshot, SourceBefore, Stage};
use super::{Progress, RunError, workers};
use crate::read::reorder::Reordered;
use crate::read::{self, RecordSource};
use crate::spec::header::{self, Columns};
use crate::store::{FileInfo, FileStatus, RunInfo, Store};

/// Loads one claimed file, or records why it is not loaded.
pub(crate) fn ingest_file(
    db: &mut Store,
    run: &RunInfo,
    file: &ClaimedFile,
    stages: &[&dyn Stage],
    progress: &dyn Progress,
) -> Result<FileReport, RunError> {
    let info = identify(db, file)?;
    let source = Some(info.source.clone());
    if let Some(outcome) = skip(db, run, &info, file.reapply)? {
        return Ok(FileReport::new(info.path.clone(), source, outcome));
    }
    progress.file_started(&info.path, info.size_bytes);
    let mut reader = match open_checked(file, &info)? {
        Ok(reader) => reader,
        Err(error) => return fail_file(db, run, &info, error),
    };
    let spec = file.spec;
    let last_applied = db.last_applied(&info.source)?;
    let mut writer = db.begin_file(run, &info)?;
    let known = writer.known_leads()?;
    let before = known.as_ref().map(|known| SourceBefore {
        active: known.active(),
        last_applied,
    });
    let (mut report, profile) = workers::load_records(
        &mut writer,
        spec,
        known,
        stages,
        &info,
        reader.as_mut(),
        progress,
    )?
    .map_err(|error| read_error(&info, error))?;
    let snapshot = Snapshot {
        spec,
        file: &info,
        counts: &report.counts,
        profile: &profile,
        before,
    };
    match decide(stages, &snapshot) {
        Some((stage, Decision::Hold(findings))) => {
            // Dropping the writer rolls the file back.
            drop(writer);
            let message = format!("held by {stage}: {}", Finding::sentences(&findings));
            db.record_file(run, &info, FileStatus::Held, &message)?;
            tracing::warn!(file = %info.path, stage, "{message}");
            // Nothing of it was kept: like a skipped file, it counts no record and no
            // reject in the run's account (the findings name its figures).
            let outcome = FileOutcome::Held { stage, findings };
            return Ok(FileReport::new(info.path.clone(), source, outcome));
        }
        Some((stage, Decision::Accept(findings))) => {
            for finding in &findings {
                writer.record_override(&finding.as_override())?;
            }
            tracing::warn!(file = %info.path, stage, "applied as asked, although {}",
                Finding::sentences(&findings));
            report.accepted = findings;
        }
        Some((_, Decision::Apply)) | None => {}
    }
    let encoding = reader.encoding();
    let merged = writer.finish(&encoding, &report.counts, &profile)?;
    report.counts.inserted = merged.inserted;
    report.counts.updated = merged.updated;
    report.counts.unchanged = merged.unchanged;
    report.counts.deactivated = merged.deactivated;
    report.role = info.role;
    report.encoding = Some(encoding);
    tracing::info!(file = %info.path, read = report.counts.read, loaded = report.counts.loaded,
        rejected = report.counts.rejected, "file loaded");
    Ok(report)
}

/// Opens a file as its spec reads it and checks its header. The inner error is the file's
/// own fault (empty, no header, a header that breaks the spec's contract), told in a line.
pub(super) fn open_checked(
    file: &ClaimedFile,
    info: &FileInfo,
) -> Result<Result<Box<dyn RecordSource>, String>, RunError> {
    let spec = file.spec;
    let bytes = file.input.open().map_err(|e| read_error(info, e))?;
    let reader = match read::open(bytes, spec) {
        Ok(reader) => reader,
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData
            ) =>
        {
            return Ok(Err(format!("cannot read the file: {e}")));
        }
        Err(e) => return Err(read_error(info, e)),
    };
    Ok(match header::check(spec, reader.header()) {
        Ok(Columns::AsPublished) => Ok(reader),
        Ok(Columns::Reordered(order)) => Ok(Box::new(Reordered::new(reader, order))),
        Err(mismatch) => Err(format!(
            "the header does not match spec `{}` ({}): {mismatch}. If the agency renamed a \
             column, list the new name under the spec's `aliases`, in a spec folder given with --specs",
            spec.id, spec.origin
        )),
    })
}

/// What the stages decide: the first that holds the snapshot holds it; else it is applied,
/// over what the stages that accepted it found (every stage is asked: one that accepts does
/// not speak for the others).
pub(super) fn decide(
    stages: &[&dyn Stage],
    snapshot: &Snapshot,
) -> Option<(&'static str, Decision)> {
    let mut accepted: Option<(&'static str, Vec<Finding>)> = None;
    for stage in stages {
        match stage.before_apply(snapshot) {
            Decision::Apply => {}
            Decision::Hold(findings) => return Some((stage.name(), Decision::Hold(findings))),
            Decision::Accept(findings) => match &mut accepted {
                Some((_, all)) => all.extend(findings),
                None => accepted = Some((stage.name(), findings)),
            },
        }
    }
    accepted.map(|(stage, findings)| (stage, Decision::Accept(findings)))
}

/// The file's bytes could not be read: the run fails.
pub(super) fn read_error(info: &FileInfo, error: io::Error) -> RunError {
    RunError::Read {
        file: info.path.clone(),
        error,
    }
}

/// Records a file that loads nothing, for a fault of its own.
fn fail_file(
    db: &mut Store,
    run: &RunInfo,
    info: &FileInfo,
    error: String,
) -> Result<FileReport, RunError> {
    db.record_file(run, info, FileStatus::Failed, &error)?;
    Ok(FileReport::new(
        info.path.clone(),
        Some(info.source.clone()),
        FileOutcome::Failed { error },
    ))
}
