//! The states a run and a file are recorded in, each with the text the ledger stores.

use std::fmt;

/// Where a file of a run stands, as `source_files.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileStatus {
    /// Being loaded by the run that recorded it; never seen committed.
    Loading,
    Loaded,
    /// Not loaded, and rightly so: its content was loaded before, or its snapshot is older
    /// than one already applied.
    Skipped,
    /// Nothing of it was loaded, for a fault of the file's own.
    Failed,
    /// Read, and not applied: a guard held its snapshot back (the message says why).
    Held,
    /// Applied, then undone by a later run (`leadpipe undo`).
    Undone,
}

impl FileStatus {
    /// The text stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Loading => "loading",
            FileStatus::Loaded => "loaded",
            FileStatus::Skipped => "skipped",
            FileStatus::Failed => "failed",
            FileStatus::Held => "held",
            FileStatus::Undone => "undone",
        }
    }
}

/// How a run ended, as `runs.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Recorded when the run begins; never seen committed.
    Running,
    Completed,
    /// Committed, with at least one file that failed.
    CompletedWithFailures,
}

impl RunStatus {
    /// The text stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::CompletedWithFailures => "completed_with_failures",
        }
    }
}

/// What a run was for, as `runs.command`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunCommand {
    /// `leadpipe ingest`: files loaded.
    Ingest,
    /// `leadpipe verify`: checks only, nothing loaded.
    Verify,
    /// `leadpipe undo`: a snapshot taken back.
    Undo,
    /// `leadpipe resolve`: entities rebuilt, or the model retrained.
    Resolve,
}

impl RunCommand {
    /// The text stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            RunCommand::Ingest => "ingest",
            RunCommand::Verify => "verify",
            RunCommand::Undo => "undo",
            RunCommand::Resolve => "resolve",
        }
    }
}

/// What a file did to a lead, as `lead_changes.change`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// The file brought the lead first (kept as the lead's `first_file_id`).
    Inserted,
    /// A column changed: one entry per column, with its old and new values.
    Updated,
    /// The file's snapshot no longer lists the lead.
    Deactivated,
    /// An inactive lead that the file's snapshot lists again.
    Reactivated,
    /// The file's snapshot was undone: the lead is as it was before it (a column's value
    /// back, with the undone value as the old one), or, brought by it, made inactive.
    Undone,
}

impl Change {
    const ALL: [Change; 5] = [
        Change::Inserted,
        Change::Updated,
        Change::Deactivated,
        Change::Reactivated,
        Change::Undone,
    ];

    /// The text stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Inserted => "inserted",
            Change::Updated => "updated",
            Change::Deactivated => "deactivated",
            Change::Reactivated => "reactivated",
            Change::Undone => "undone",
        }
    }

    /// The change a stored text names.
    pub fn parse(text: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for FileStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_back_as_it_is_stored() {
        for change in Change::ALL {
            assert_eq!(Change::parse(change.as_str()), Some(change));
        }
        assert_eq!(Change::parse("deleted"), None);
    }
}
