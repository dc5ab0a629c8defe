//! The points of a run where a stage plugs in. A stage is one module that implements
//! [`Stage`] at the points it works at: enrichment after each record is normalized,
//! guards and checks before a snapshot is applied, resolution and table checks after the
//! files, and whatever must hold before the run commits.

use super::report::RunReport;
use crate::map::MappedLead;
use crate::spec::Spec;
use crate::store::{
    AppliedSnapshot, FileCounts, FileInfo, GuardOverride, SnapshotProfile, Store, StoreError,
};

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
    /// other files still load. The first stage that does not apply it decides.
    fn before_apply(&self, _snapshot: &Snapshot) -> Decision {
        Decision::Apply
    }

    /// After the run's files, in the run's transaction: may add to the run's account (what
    /// resolution did).
    fn after_files(&self, _store: &mut Store, _report: &mut RunReport) -> Result<(), StageError> {
        Ok(())
    }

    /// Just before the run commits, once its data is written: may add to the run's account
    /// (the checks' results); an error rolls the whole run back.
    fn before_commit(&self, _store: &mut Store, _report: &mut RunReport) -> Result<(), StageError> {
        Ok(())
    }
}

/// Hands a normalized lead to every stage's [`Stage::after_normalize`], in order.
pub(crate) fn after_normalize(stages: &[&dyn Stage], spec: &Spec, lead: &mut MappedLead) {
    stages.iter().for_each(|s| s.after_normalize(spec, lead));
}

/// A file's snapshot, read and not yet applied.
#[derive(Debug)]
pub struct Snapshot<'a> {
    pub spec: &'a Spec,
    pub file: &'a FileInfo,
    /// Records read, loaded and rejected.
    pub counts: &'a FileCounts,
    /// What its leads hold, column by column.
    pub profile: &'a SnapshotProfile,
    /// What its source had before it; `None` for a source's first snapshot.
    pub before: Option<SourceBefore>,
}

/// A source's state before a snapshot of it.
#[derive(Clone, Debug)]
pub struct SourceBefore {
    /// Its active leads.
    pub active: usize,
    /// Its newest applied snapshot, when the ledger has one.
    pub last_applied: Option<AppliedSnapshot>,
}

impl Snapshot<'_> {
    /// How many of its source's active leads applying it would deactivate: the ones it
    /// does not list (and none, like the merge, when it has no lead at all).
    pub fn would_deactivate(&self) -> usize {
        match &self.before {
            Some(before) if self.counts.loaded > 0 => before
                .active
                .saturating_sub(self.profile.listed_active as usize),
            _ => 0,
        }
    }
}

/// Whether a snapshot is applied.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    Apply,
    /// Not applied, for these findings: the file is recorded as held with them.
    Hold(Vec<Finding>),
    /// Applied although it would be held, as the user asked: the findings are recorded as
    /// overridden.
    Accept(Vec<Finding>),
}

/// What a finding's figures are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// A share of a whole, from 0 to 1.
    Share,
    /// One count over another.
    Ratio,
    /// A difference of percentages, in points.
    Points,
    /// A number of records or leads.
    Count,
}

impl Measure {
    /// Its name, as the results document gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Share => "share",
            Measure::Ratio => "ratio",
            Measure::Points => "points",
            Measure::Count => "count",
        }
    }
}

/// One figure of a snapshot that a stage judged out of bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The rule, by its name in the spec (`max_deactivated`, …).
    pub rule: &'static str,
    /// The lead column it concerns, when it concerns one.
    pub column: Option<&'static str>,
    /// What `observed` and `threshold` measure.
    pub measure: Measure,
    pub observed: f64,
    pub threshold: f64,
    /// The figures, in a sentence.
    pub message: String,
}

impl Finding {
    /// The findings' sentences, as one.
    pub fn sentences(findings: &[Finding]) -> String {
        let sentences: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        sentences.join("; ")
    }

    /// The finding as the ledger records an override of it.
    pub fn as_override(&self) -> GuardOverride<'_> {
        GuardOverride {
            guard: self.rule,
            column: self.column,
            observed: self.observed,
            threshold: self.threshold,
        }
    }
}

/// A stage that failed; the run is rolled back.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Failed(String),
}
