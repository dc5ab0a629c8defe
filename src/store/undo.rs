//! Undoing a source's newest applied snapshot, as a run of its own: every lead it changed
//! is written back as `lead_priors` kept it, every lead it brought is made inactive (leads
//! are never deleted), each of those changes is kept in the history as `undone`, and the
//! file is recorded `undone`. The snapshot applied before it is then the source's newest.

use super::backend::Backend;
use super::merge::prior_columns;
use super::status::{Change, FileStatus, RunCommand, RunStatus};
use super::value::Bind;
use super::{AppliedSnapshot, RunInfo, Store, StoreError, now};

/// What an undo did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undone {
    pub run_id: String,
    /// The snapshot undone.
    pub file: AppliedSnapshot,
    /// Leads written back as they were before it (updated, reactivated or deactivated by it).
    pub restored: u64,
    /// Leads it brought, now inactive.
    pub withdrawn: u64,
}

/// Why nothing was undone.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("source `{0}` has no applied snapshot to undo")]
    NothingToUndo(String),
    #[error(
        "the newest snapshot of `{of}`, {path}, was applied by a leadpipe older than undo, \
         which kept no copy of what it changed: apply the older good file again with \
         `leadpipe ingest --reapply FILE` instead"
    )]
    NothingKept { of: String, path: String },
    #[error(
        "`{0}` is a reference source (a CRM's export), which keeps no history to undo: \
         load the export that should stand instead; the newest export loaded replaces the others"
    )]
    Reference(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The history an undo of `file` by run `run_id` records, each statement with its values;
/// recorded first, while the leads still hold what the file made of them.
fn history<'a>(run_id: &'a str, file: i64) -> Vec<(String, Vec<Bind<'a>>)> {
    let undone = Change::Undone.as_str();
    let history = "INSERT INTO lead_updates
        (run_id, source_file_id, lead_id, change, column_name, old_value, new_value)
        SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT),";
    let flag = |expr: &str| format!("CASE WHEN {expr} THEN 'true' ELSE 'false' END");
    [
        // Each column the file updated, back: the undone value becomes the old one.
        format!(
            "{history} lead_id, '{undone}', column_name, new_value, old_value
             FROM lead_updates WHERE source_file_id = $2 AND change = '{}'",
            Change::Updated.as_str()
        ),
        // Leads it deactivated or reactivated, back to their state.
        format!(
            "{history} p.lead_id, '{undone}', 'is_active', {}, {}
             FROM lead_priors p JOIN leads l ON l.lead_id = p.lead_id
             WHERE p.changed_by_file_id = $2 AND p.is_active <> l.is_active",
            flag("l.is_active"),
            flag("p.is_active")
        ),
        // Leads it brought, to be made inactive.
        format!(
            "{history} lead_id, '{undone}', 'is_active', 'true', 'false'
             FROM leads WHERE first_file_id = $2 AND is_active"
        ),
    ]
    .into_iter()
    .map(|sql| (sql, vec![Bind::Text(run_id), Bind::Int(file)]))
    .collect()
}

/// Makes the leads file `$1` brought inactive, at `$2`.
const WITHDRAW_SQL: &str = "UPDATE leads SET is_active = FALSE, deactivated_at = $2
    WHERE first_file_id = $1 AND is_active";

/// Writes back, every column, the leads file `$1` changed.
fn restore_sql() -> String {
    let columns: Vec<String> = prior_columns()
        .filter(|c| *c != "lead_id")
        .map(|c| format!("{c} = p.{c}"))
        .collect();
    format!(
        "UPDATE leads SET {} FROM lead_priors p
         WHERE p.changed_by_file_id = $1 AND leads.lead_id = p.lead_id",
        columns.join(", ")
    )
}

/// Marks file `$1` undone (`$2`), by run `$3`.
const MARK_UNDONE_SQL: &str = "UPDATE source_files SET status = $2,
    message = 'undone by run ' || $3 WHERE id = $1";

impl Store {
    /// Undoes the newest applied snapshot of `source`, in a run of its own.
    pub fn undo(&mut self, source: &str) -> Result<Undone, UndoError> {
        let reference = "SELECT count(*) FROM reference_records WHERE source = $1";
        if self.count(reference, &[Bind::Text(source)])? > 0 {
            return Err(UndoError::Reference(source.to_string()));
        }
        let run = RunInfo::new(RunCommand::Undo);
        self.begin_run(&run)?;
        let file = self
            .last_applied(source)?
            .ok_or_else(|| UndoError::NothingToUndo(source.to_string()))?;
        // A snapshot applied before V9 kept no prior state of what it changed (nor its
        // profile, which V9 began keeping with it).
        if file.profile.is_none() {
            return Err(UndoError::NothingKept {
                of: source.to_string(),
                path: file.path,
            });
        }
        let (restored, withdrawn) = apply_undo(self.backend.as_mut(), &run, &file)?;
        self.commit_run(&run, RunStatus::Completed)?;
        Ok(Undone {
            run_id: run.run_id,
            file,
            restored,
            withdrawn,
        })
    }
}

/// Runs an undo's statements; returns the leads restored and the leads withdrawn.
fn apply_undo(
    backend: &mut dyn Backend,
    run: &RunInfo,
    file: &AppliedSnapshot,
) -> Result<(u64, u64), StoreError> {
    for (sql, binds) in history(&run.run_id, file.file_id) {
        backend.execute(&sql, &binds)?;
    }
    let withdrawn = backend.execute(WITHDRAW_SQL, &[Bind::Int(file.file_id), Bind::Time(now())])?;
    let restored = backend.execute(&restore_sql(), &[Bind::Int(file.file_id)])?;
    backend.execute(
        MARK_UNDONE_SQL,
        &[
            Bind::Int(file.file_id),
            FileStatus::Undone.as_str().into(),
            (&run.run_id).into(),
        ],
    )?;
    Ok((restored, withdrawn))
}
