//! The ingest pipeline. A run goes through named stages, in one database transaction:
//!
//! 1. **plan** ([`plan`]): claim each file for a spec, date its snapshot, order the
//!    snapshots; then, per file, skip what would change nothing or roll leads back;
//! 2. **per file** ([`file`]): read → map → write, in threads ([`workers`]); every record
//!    passes [`Stage::after_normalize`] once normalized, and the snapshot passes
//!    [`Stage::before_apply`] before it is merged;
//! 3. **after the files**: [`Stage::after_files`];
//! 4. **before commit**: [`Stage::before_commit`], then the commit.
//!
//! A feature that works at one of these points is a [`Stage`] in a module of its own.

mod file;
mod fingerprint;
mod plan;
mod report;
mod stage;
mod workers;

use std::io;

use crate::read::input::InputFile;
use crate::spec::Specs;
use crate::store::{RunInfo, RunStatus, Store, StoreError, now};
use plan::Planned;
pub use report::{FileOutcome, FileReport, RunReport};
pub use stage::{Decision, Snapshot, Stage, StageError};
pub use workers::BATCH_SIZE;

/// Hears how far the run has come, to show progress.
pub trait Progress {
    fn file_started(&self, _path: &str, _size: u64) {}
    fn advanced(&self, _bytes: u64) {}
}

/// Shows nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A failure that ends the whole run; the database is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Database(#[from] StoreError),
    /// A file's bytes could not be read (a disk or network failure, after retries).
    #[error("cannot read {file}: {error}")]
    Read { file: String, error: io::Error },
    #[error("stage `{stage}` failed: {error}")]
    Stage {
        stage: &'static str,
        error: StageError,
    },
}

/// Loads the input files into the database as one run: all of it is committed, or none.
/// Each file is a full snapshot of its source, applied in the order of the snapshots' dates
/// (from the file name by the spec's `files.date` rule, else the file's modification time),
/// whatever the order of the inputs. A file that cannot be loaded (unreadable, a header
/// that breaks its spec's contract) is reported and leaves nothing of itself; the others
/// still load. `stages` run at their points, in order.
pub fn ingest(
    db: &mut Store,
    specs: &Specs,
    files: &[InputFile],
    stages: &[&dyn Stage],
    progress: &dyn Progress,
) -> Result<RunReport, RunError> {
    let run = RunInfo {
        run_id: uuid::Uuid::now_v7().to_string(),
        started_at: now(),
    };
    let planned = plan::plan(specs, files)?;
    db.begin_run(&run)?;
    let mut report = RunReport {
        run_id: run.run_id.clone(),
        files: Vec::with_capacity(files.len()),
    };
    for planned in planned {
        let size = planned.input().size();
        let file = match planned {
            Planned::Load(file) => file::ingest_file(db, &run, &file, stages, progress)?,
            Planned::Done { report, .. } => report,
        };
        if file.outcome != FileOutcome::Loaded {
            // The bar counts every input byte; a file not read passes at once.
            progress.advanced(size);
        }
        report.files.push(file);
    }
    for stage in stages {
        stage
            .after_files(db, &report)
            .map_err(|error| RunError::Stage {
                stage: stage.name(),
                error,
            })?;
    }
    for stage in stages {
        stage
            .before_commit(db, &report)
            .map_err(|error| RunError::Stage {
                stage: stage.name(),
                error,
            })?;
    }
    let status = match report.failed_files() {
        0 => RunStatus::Completed,
        _ => RunStatus::CompletedWithFailures,
    };
    db.commit_run(&run, status)?;
    Ok(report)
}
