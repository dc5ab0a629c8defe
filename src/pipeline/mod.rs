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

pub mod check;
mod file;
mod fingerprint;
mod plan;
mod report;
mod stage;
mod workers;

use std::io;
use std::time::Instant;

use crate::read::input::InputFile;
use crate::spec::Specs;
use crate::store::{RunCommand, RunInfo, RunStatus, Store, StoreError};
pub use plan::ClaimedBy;
use plan::Planned;
pub use report::{FileOutcome, FileReport, RunReport};
pub use stage::{Decision, Finding, Measure, Snapshot, SourceBefore, Stage, StageError};
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
    /// The stage's error is its source: a database error's own cause follows it.
    #[error("stage `{stage}` failed")]
    Stage {
        stage: &'static str,
        #[source]
        error: StageError,
    },
}

/// Loads the input files into the database as one run: all of it is committed, or none.
/// Each file is a full snapshot of its source, applied in the order of the snapshots' dates
/// (from the file name by the spec's `files.date` rule, else the file's modification time),
/// whatever the order of the inputs. A file that cannot be loaded (unreadable, a header
/// that breaks its spec's contract) is reported and leaves nothing of itself; the others
/// still load. A file that `reapply` names (by its path or its name) is applied even if
/// its snapshot is older than its source's newest: it becomes the source's state again.
/// `stages` run at their points, in order.
pub fn ingest(
    db: &mut Store,
    specs: &Specs,
    files: &[InputFile],
    reapply: &[String],
    stages: &[&dyn Stage],
    progress: &dyn Progress,
) -> Result<RunReport, RunError> {
    let run = RunInfo::new(RunCommand::Ingest);
    let planned = plan::plan(specs, files, reapply)?;
    db.begin_run(&run)?;
    let mut report = RunReport {
        run_id: run.run_id.clone(),
        files: Vec::with_capacity(files.len()),
        checks: Vec::new(),
        resolution: None,
    };
    for planned in planned {
        let size = planned.input().size();
        let started = Instant::now();
        let mut file = match planned {
            Planned::Load(file) => file::ingest_file(db, &run, &file, stages, progress)?,
            Planned::Done { report, .. } => *report,
        };
        file.elapsed = started.elapsed();
        if file.outcome != FileOutcome::Loaded {
            // The bar counts every input byte; a file not read passes at once.
            progress.advanced(size);
        }
        report.files.push(file);
    }
    each_stage(stages, |stage| stage.after_files(db, &mut report))?;
    each_stage(stages, |stage| stage.before_commit(db, &mut report))?;
    let status = match report.failed_files() {
        0 => RunStatus::Completed,
        _ => RunStatus::CompletedWithFailures,
    };
    db.commit_run(&run, status)?;
    Ok(report)
}

/// Runs one run-wide hook of every stage, in order; the first that fails ends the run.
fn each_stage(
    stages: &[&dyn Stage],
    mut hook: impl FnMut(&dyn Stage) -> Result<(), StageError>,
) -> Result<(), RunError> {
    for &stage in stages {
        hook(stage).map_err(|error| RunError::Stage {
            stage: stage.name(),
            error,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::lead::{Value, column_index};
    use crate::map::MappedLead;
    use crate::read::input;
    use crate::spec::Spec;
    use crate::store::DatabaseUrl;

    /// Plugs into every point of a run, and counts what it saw.
    #[derive(Default)]
    struct Probe {
        after_files: AtomicUsize,
        before_commit: AtomicUsize,
        /// The source whose snapshots it holds.
        hold: Option<&'static str>,
        fail_commit: bool,
    }

    impl Stage for Probe {
        fn name(&self) -> &'static str {
            "probe"
        }

        fn after_normalize(&self, _spec: &Spec, lead: &mut MappedLead) {
            let website = column_index("website_address").unwrap();
            lead.values[website] = Value::text("https://example.test");
        }

        fn before_apply(&self, snapshot: &Snapshot) -> Decision {
            if self.hold == Some(snapshot.spec.id.as_str()) {
                Decision::Hold(vec![read_finding(snapshot.counts.read)])
            } else {
                Decision::Apply
            }
        }

        fn after_files(
            &self,
            _store: &mut Store,
            report: &mut RunReport,
        ) -> Result<(), StageError> {
            self.after_files
                .fetch_add(report.files.len(), Ordering::SeqCst);
            Ok(())
        }

        fn before_commit(&self, _: &mut Store, _: &mut RunReport) -> Result<(), StageError> {
            self.before_commit.fetch_add(1, Ordering::SeqCst);
            match self.fail_commit {
                true => Err(StageError::Failed("refused".into())),
                false => Ok(()),
            }
        }
    }

    fn read_finding(read: u64) -> Finding {
        Finding {
            rule: "probe",
            column: None,
            measure: Measure::Count,
            observed: read as f64,
            threshold: 0.0,
            message: format!("{read} records read"),
        }
    }

    fn websites(db: &mut Store) -> Vec<(String, Value)> {
        let website = column_index("website_address").unwrap();
        let mut found = Vec::new();
        db.leads(None, |lead| {
            found.push((lead.source, lead.values[website].clone()));
            Ok(())
        })
        .unwrap();
        found
    }

    #[test]
    fn stages_run_at_their_points_and_a_held_snapshot_is_not_applied() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite(dir.path().join("leads.db"));
        let mut db = Store::open(&url, Duration::ZERO).unwrap();
        let specs = Specs::load(None).unwrap();
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data").to_string();
        let files = input::expand(&[examples], None).unwrap().files;

        let probe = Probe {
            hold: Some("texas"),
            ..Probe::default()
        };
        let report = ingest(&mut db, &specs, &files, &[], &[&probe], &NoProgress).unwrap();
        let outcomes: Vec<_> = report.files.iter().map(|f| &f.outcome).collect();
        let held = FileOutcome::Held {
            stage: "probe",
            findings: vec![read_finding(3)],
        };
        assert_eq!(
            outcomes,
            [&FileOutcome::Loaded, &FileOutcome::Loaded, &held]
        );
        assert_eq!(probe.after_files.load(Ordering::SeqCst), 3);
        assert_eq!(probe.before_commit.load(Ordering::SeqCst), 1);
        let stored = websites(&mut db);
        assert_eq!(stored.len(), 6, "Nevada's 4 and Oklahoma's 2; Texas held");
        assert!(stored.iter().all(|(source, website)| source != "texas"
            && *website == Value::text("https://example.test")));

        let refusing = Probe {
            fail_commit: true,
            ..Probe::default()
        };
        let error = ingest(&mut db, &specs, &files, &[], &[&refusing], &NoProgress).unwrap_err();
        assert_eq!(error.to_string(), "stage `probe` failed");
        let cause = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("refused"));
        drop(db);
        let mut db = Store::open(&url, Duration::ZERO).unwrap();
        assert_eq!(
            websites(&mut db).len(),
            6,
            "the refused run, which applied Texas, left nothing"
        );
    }
}
