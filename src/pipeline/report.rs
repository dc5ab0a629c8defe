//! The account of a run: what became of each file, and of its records.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;

use super::stage::Finding;
use crate::checks::CheckResult;
use crate::reason::Reason;
use crate::resolve::Linked;
use crate::spec::Role;
use crate::store::FileCounts;

/// What became of one input file.
#[derive(Clone, Debug, PartialEq)]
pub enum FileOutcome {
    Loaded,
    /// Content already loaded, by an earlier run or earlier in this one.
    AlreadyLoaded {
        by: String,
    },
    /// A snapshot older than one of its source already loaded: applying it would roll
    /// leads back.
    OlderSnapshot {
        snapshot: NaiveDate,
        loaded: NaiveDate,
    },
    /// Read, but not applied: a stage held the snapshot back (see
    /// [`super::Stage::before_apply`]).
    Held {
        stage: &'static str,
        findings: Vec<Finding>,
    },
    /// No spec claims the file (found in a folder or by a pattern).
    Unclaimed,
    /// Nothing of the file was loaded.
    Failed {
        error: String,
    },
}

impl FileOutcome {
    /// The outcome's name, as the results document gives it.
    pub fn name(&self) -> &'static str {
        match self {
            FileOutcome::Loaded => "loaded",
            FileOutcome::AlreadyLoaded { .. } => "already_loaded",
            FileOutcome::OlderSnapshot { .. } => "older_snapshot",
            FileOutcome::Held { .. } => "held",
            FileOutcome::Unclaimed => "unclaimed",
            FileOutcome::Failed { .. } => "failed",
        }
    }

    /// Why the file was not loaded, in a sentence; `None` when it was.
    pub fn why(&self) -> Option<String> {
        Some(match self {
            FileOutcome::Loaded => return None,
            FileOutcome::AlreadyLoaded { by } => format!("already loaded: same content as {by}"),
            FileOutcome::OlderSnapshot { snapshot, loaded } => format!(
                "snapshot of {snapshot} is older than the {loaded} snapshot already loaded; \
                 not applied"
            ),
            FileOutcome::Held { stage, findings } => format!(
                "held by {stage}: {}; not applied",
                Finding::sentences(findings)
            ),
            FileOutcome::Unclaimed => "no source spec claims this file".to_string(),
            FileOutcome::Failed { error } => error.clone(),
        })
    }
}

/// The account of one input file.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub path: String,
    pub source: Option<String>,
    /// Whether its records are leads or a reference source's (then its counts are of
    /// `reference_records`, and `deactivated` counts the records its export no longer lists).
    pub role: Role,
    pub outcome: FileOutcome,
    pub encoding: Option<String>,
    pub counts: FileCounts,
    /// Rejected records by reason.
    pub reject_reasons: BTreeMap<Reason, u64>,
    /// Leads the file wrote (new or changed) with doubtful values, by issue reason; a lead
    /// its source already had, as it is, is not mapped again.
    pub issue_reasons: BTreeMap<Reason, u64>,
    /// What would have held the snapshot, had it not been applied as the user asked.
    pub accepted: Vec<Finding>,
    /// How long the file took, from being identified to being applied or set aside.
    pub elapsed: Duration,
}

impl FileReport {
    pub(crate) fn new(path: String, source: Option<String>, outcome: FileOutcome) -> FileReport {
        FileReport {
            path,
            source,
            role: Role::Leads,
            outcome,
            encoding: None,
            counts: FileCounts::default(),
            reject_reasons: BTreeMap::new(),
            issue_reasons: BTreeMap::new(),
            accepted: Vec::new(),
            elapsed: Duration::ZERO,
        }
    }
}

/// The account of a whole run.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub run_id: String,
    pub files: Vec<FileReport>,
    /// The checks' results, evaluated before the run committed.
    pub checks: Vec<CheckResult>,
    /// What linking the run's leads into entities did, when it ran.
    pub resolution: Option<Linked>,
}

impl RunReport {
    pub fn failed_files(&self) -> usize {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Failed { .. }))
            .count()
    }
}
