//! The points of a run where a stage plugs in. A stage is one module that implements
//! [`Stage`] at the points it works at: enrichment after each record is normalized,
//! guards and checks before a snapshot is applied, resolution and table checks after the
//! files, and whatever must hold before the run commits.

use super::report::RunReport;
use crate::map::MappedLead;
use crate::spec::Spec;
use crate::store::{FileCounts, FileInfo, Store, StoreError};

/// A step of a run at one or more of its named points. Every hook does nothing unless the
/// stage says otherwise. Hooks run in the order the stages are given.
pub trait Stage: Sync {
    /// The stage's name, in the ledger and in errors.
    fn name(&self) -> &'static str;

    /// After a record is mapped and normalized, in the mapping workers, before its lead is
    /// written: may change the lead's values and note issues. Leads its source already has,
    /// as they are, are not mapped again and do not come here.
    fn after_normalize(&self, _spec: &Spec, _lead: &mut MappedLead) {}

    /// Before a file's snapshot is applied: every record is read and written to the
    /// file's work tables, nothing is merged yet. Holding it rolls the file back; the
    /// other files still load.
    fn before_apply(&self, _snapshot: &Snapshot) -> Decision {
        Decision::Apply
    }

    /// After the run's files, in the run's transaction.
    fn after_files(&self, _store: &mut Store, _report: &RunReport) -> Result<(), StageError> {
        Ok(())
    }

    /// Just before the run commits, once its data is written: may add to the run's account
    /// (the checks' results); an error rolls the whole run back.
    fn before_commit(&self, _store: &mut Store, _report: &mut RunReport) -> Result<(), StageError> {
        Ok(())
    }
}

/// A file's snapshot, read and not yet applied.
#[derive(Debug)]
pub struct Snapshot<'a> {
    pub spec: &'a Spec,
    pub file: &'a FileInfo,
    /// Records read, loaded and rejected.
    pub counts: &'a FileCounts,
    /// How many leads the source had before the snapshot, when it had any.
    pub known_leads: Option<usize>,
}

/// Whether a snapshot is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Apply,
    /// Not applied, for this reason: the file is recorded as skipped with it.
    Hold(String),
}

/// A stage that failed; the run is rolled back.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Failed(String),
}
