//! How a file's snapshot is merged into `leads`, in the SQL of both targets.
//!
//! As a file's batches are written, each lead has been told apart by what its source held
//! when the file began ([`super::KnownLeads`]): a lead new to `leads` is inserted at once;
//! one whose stored record hash matches is unchanged and only noted in `seen_leads`; the
//! others (a different or missing hash, or an inactive lead) are staged in `staged_leads`.
//! At the end of the file, set-based SQL compares the staged leads column by column, keeps
//! one `lead_updates` row per changed column, updates the changed leads, and marks the
//! source's leads that the snapshot no longer lists inactive. (A lead's `inserted` change is
//! not a row: it is the lead's `first_file_id`, which the view `lead_changes` shows.) The
//! database does work in proportion to what changed; unchanged leads are not written.

use super::schema::WRITTEN_COLUMNS;
use super::status::Change;
use crate::lead::{ColumnType, LEAD_COLUMNS};

/// The SQL flavour of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A value a statement is run with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Param {
    RunId,
    FileId,
    Source,
    Now,
}

/// Which count a statement's affected rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counted {
    Nothing,
    Inserted,
    Updated,
    Deactivated,
}

/// One SQL statement with the values its placeholders take, in placeholder order.
#[derive(Debug)]
pub(crate) struct Statement {
    pub(crate) sql: String,
    pub(crate) params: Vec<Param>,
    pub(crate) counted: Counted,
}

/// Every column a lead is written with, to `leads` or `staged_leads`, in order.
pub(super) fn written_columns() -> impl Iterator<Item = &'static str> {
    WRITTEN_COLUMNS.iter().map(|c| c.name)
}

/// Every column of `leads`: what a lead's prior state is, to undo a file's changes.
pub(crate) fn prior_columns() -> impl Iterator<Item = &'static str> {
    written_columns().chain(["is_active", "deactivated_at"])
}

/// Columns whose change makes a lead updated: its data, and its record as published.
fn compared_columns() -> impl Iterator<Item = (&'static str, Option<ColumnType>)> {
    LEAD_COLUMNS
        .iter()
        .map(|c| (c.name, Some(c.ty)))
        .chain(std::iter::once(("source_record", None)))
}

impl Dialect {
    /// Creates the file's work tables afresh: `staged_leads` has the columns of `leads`
    /// that a lead is written with, and their types; `seen_leads` the ids of every lead the
    /// snapshot lists.
    pub(crate) fn prepare_staging(self) -> String {
        let columns: Vec<&str> = written_columns().collect();
        let (on_commit, no_data) = match self {
            Dialect::Sqlite => ("", "WHERE FALSE"),
            Dialect::Postgres => (" ON COMMIT DROP", "WITH NO DATA"),
        };
        format!(
            "DROP TABLE IF EXISTS staged_leads;
             DROP TABLE IF EXISTS seen_leads;
             DROP TABLE IF EXISTS merge_changed;
             DROP TABLE IF EXISTS merge_matched;
             CREATE TEMP TABLE staged_leads{on_commit} AS SELECT {} FROM leads {no_data};
             CREATE TEMP TABLE seen_leads (lead_id TEXT NOT NULL){on_commit};
             CREATE TEMP TABLE merge_changed (lead_id TEXT PRIMARY KEY, reactivated BOOLEAN NOT NULL){on_commit};
             CREATE TEMP TABLE merge_matched (lead_id TEXT PRIMARY KEY, changed BOOLEAN NOT NULL,
                                              reactivated BOOLEAN NOT NULL){on_commit};",
            columns.join(", ")
        )
    }

    /// The statements that merge the staged leads of a file that loaded `loaded` leads;
    /// `fresh`: its source had no leads before it.
    pub(crate) fn merge_statements(self, fresh: bool, loaded: u64) -> Vec<Statement> {
        let mut statements = vec![
            Builder::new(self).finish(
                "CREATE UNIQUE INDEX staged_leads_id ON staged_leads (lead_id)".into(),
                Counted::Nothing,
            ),
            self.analyze("staged_leads"),
            self.match_staged(),
            self.keep_priors("merge_matched"),
            Builder::new(self).finish(
                "INSERT INTO merge_changed (lead_id, reactivated)
                 SELECT lead_id, reactivated FROM merge_matched WHERE changed"
                    .into(),
                Counted::Nothing,
            ),
            // Same values under another hash (loaded before hashes, or by another build of
            // leadpipe): the hash is brought up to date, and so are the notes on doubtful
            // and derived values and the column flags, which are not history.
            Builder::new(self).finish(
                "UPDATE leads SET record_hash = s.record_hash, issues = s.issues, derived = s.derived,
                     filled_columns = s.filled_columns, flagged_columns = s.flagged_columns
                 FROM merge_matched m CROSS JOIN staged_leads s
                 WHERE NOT m.changed AND s.lead_id = m.lead_id AND leads.lead_id = m.lead_id"
                    .into(),
                Counted::Nothing,
            ),
            self.analyze("merge_changed"),
            self.record_updates(),
            self.record(Change::Reactivated, "m", |_| {
                "merge_changed m WHERE m.reactivated".into()
            }),
            self.update_changed(),
        ];
        // A staged lead that no stored lead has the id of is new after all.
        statements.push(self.insert_unmatched(
            "staged_leads s WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.lead_id = s.lead_id)",
        ));
        // A snapshot without a single lead must not empty its source; a fresh source has
        // nothing to deactivate.
        if !fresh && loaded > 0 {
            // SQLite looks each stored lead up in `seen_leads`; PostgreSQL hashes it whole.
            // Either needs its statistics: without them PostgreSQL sorted both sides instead.
            if self == Dialect::Sqlite {
                statements.push(Builder::new(self).finish(
                    "CREATE INDEX seen_leads_id ON seen_leads (lead_id)".into(),
                    Counted::Nothing,
                ));
            }
            statements.push(self.analyze("seen_leads"));
            statements.push(self.record(Change::Deactivated, "l", |b| {
                format!(
                    "leads l WHERE l.source = {} AND l.is_active
                     AND NOT EXISTS (SELECT 1 FROM seen_leads s WHERE s.lead_id = l.lead_id)",
                    b.param(Param::Source)
                )
            }));
            // The leads just recorded, found by their few history rows rather than by
            // comparing the source's leads with the snapshot a second time.
            statements.push(self.keep_priors(&format!(
                "lead_updates WHERE source_file_id = {} AND change = '{}'",
                self.placeholder(1, Param::FileId),
                Change::Deactivated.as_str()
            )));
            let mut builder = Builder::new(self);
            let (now, file) = (builder.param(Param::Now), builder.param(Param::FileId));
            let deactivated = Change::Deactivated.as_str();
            statements.push(builder.finish(
                format!(
                    "UPDATE leads SET is_active = FALSE, deactivated_at = {now}
                     WHERE lead_id IN (SELECT lead_id FROM lead_updates
                                       WHERE source_file_id = {file} AND change = '{deactivated}')"
                ),
                Counted::Deactivated,
            ));
        }
        statements
    }

    /// Keeps the leads whose ids `changing` (a table, and its conditions, with the file's
    /// id as placeholder 1) lists, as they are, in `lead_priors`: what undoing the file
    /// writes back.
    fn keep_priors(self, changing: &str) -> Statement {
        let columns: Vec<&str> = prior_columns().collect();
        let values: Vec<String> = columns.iter().map(|c| format!("l.{c}")).collect();
        let mut builder = Builder::new(self);
        let file = builder.param(Param::FileId);
        builder.finish(
            format!(
                "INSERT INTO lead_priors (changed_by_file_id, {}) SELECT {file}, {} FROM leads l
                 WHERE l.lead_id IN (SELECT lead_id FROM {changing})",
                columns.join(", "),
                values.join(", ")
            ),
            Counted::Nothing,
        )
    }

    fn insert_unmatched(self, unmatched: &str) -> Statement {
        let columns: Vec<&str> = written_columns().collect();
        let values: Vec<String> = columns.iter().map(|c| format!("s.{c}")).collect();
        Builder::new(self).finish(
            format!(
                "INSERT INTO leads ({}) SELECT {} FROM {unmatched}",
                columns.join(", "),
                values.join(", ")
            ),
            Counted::Inserted,
        )
    }

    /// Fresh planner statistics for a table just filled.
    pub(super) fn analyze(self, table: &str) -> Statement {
        Builder::new(self).finish(format!("ANALYZE {table}"), Counted::Nothing)
    }

    /// Compares each staged lead with the stored one: changed when a column differs or the
    /// stored lead is inactive.
    fn match_staged(self) -> Statement {
        let differs: Vec<String> = compared_columns()
            .map(|(c, ty)| self.differs(c, ty))
            .collect();
        Builder::new(self).finish(
            format!(
                "INSERT INTO merge_matched (lead_id, changed, reactivated)
                 SELECT s.lead_id, NOT l.is_active OR {}, NOT l.is_active
                 FROM staged_leads s JOIN leads l ON l.lead_id = s.lead_id",
                differs.join(" OR ")
            ),
            Counted::Nothing,
        )
    }

    /// One `lead_updates` row per changed column of each changed lead, reading each changed
    /// lead once: PostgreSQL unpivots its columns with `LATERAL (VALUES …)`; SQLite, which
    /// has no `LATERAL`, takes the columns one `SELECT` at a time.
    fn record_updates(self) -> Statement {
        let mut builder = Builder::new(self);
        let (run, file) = (builder.param(Param::RunId), builder.param(Param::FileId));
        let updated = Change::Updated.as_str();
        let tables = "merge_changed m CROSS JOIN staged_leads s CROSS JOIN leads l";
        let on = "s.lead_id = m.lead_id AND l.lead_id = m.lead_id";
        let column = |(c, ty): (&'static str, Option<ColumnType>)| {
            let (old, new) = (format!("l.{c}"), format!("s.{c}"));
            (
                c,
                self.text(&old, ty),
                self.text(&new, ty),
                self.differs(c, ty),
            )
        };
        let select = match self {
            Dialect::Postgres => {
                let values: Vec<String> = compared_columns()
                    .map(column)
                    .map(|(c, old, new, differs)| format!("('{c}', {old}, {new}, {differs})"))
                    .collect();
                format!(
                    "SELECT {run}, {file}, m.lead_id, '{updated}', v.column_name, v.old_value, v.new_value
                     FROM {tables}
                     CROSS JOIN LATERAL (VALUES {}) AS v (column_name, old_value, new_value, differs)
                     WHERE {on} AND v.differs",
                    values.join(", ")
                )
            }
            Dialect::Sqlite => compared_columns()
                .map(column)
                .map(|(c, old, new, differs)| {
                    format!("SELECT {run}, {file}, m.lead_id, '{updated}', '{c}', {old}, {new} FROM {tables} WHERE {on} AND {differs}")
                })
                .collect::<Vec<_>>()
                .join(" UNION ALL "),
        };
        builder.finish(
            format!(
                "INSERT INTO lead_updates (run_id, source_file_id, lead_id, change, column_name, old_value, new_value)
                 {select}"
            ),
            Counted::Nothing,
        )
    }

    /// A `lead_updates` row without column values for each lead of `from` (a table alias
    /// `alias`, and its conditions, built with the statement's placeholders).
    fn record(
        self,
        change: Change,
        alias: &str,
        from: impl FnOnce(&mut Builder) -> String,
    ) -> Statement {
        let mut builder = Builder::new(self);
        let (run, file) = (builder.param(Param::RunId), builder.param(Param::FileId));
        let from = from(&mut builder);
        let change = change.as_str();
        builder.finish(
            format!(
                "INSERT INTO lead_updates (run_id, source_file_id, lead_id, change)
                 SELECT {run}, {file}, {alias}.lead_id, '{change}' FROM {from}"
            ),
            Counted::Nothing,
        )
    }

    /// Writes the staged values over the changed leads, and makes them active; a lead keeps
    /// its id and the file that first brought it.
    fn update_changed(self) -> Statement {
        let sets: Vec<String> = written_columns()
            .filter(|c| !matches!(*c, "lead_id" | "first_file_id"))
            .map(|c| format!("{c} = s.{c}"))
            .collect();
        Builder::new(self).finish(
            format!(
                "UPDATE leads SET {}, is_active = TRUE, deactivated_at = NULL
                 FROM staged_leads s JOIN merge_changed m ON m.lead_id = s.lead_id
                 WHERE leads.lead_id = s.lead_id",
                sets.join(", ")
            ),
            Counted::Updated,
        )
    }

    /// Whether compared column `c` of the stored lead `l` and the staged one `s` differ.
    /// The record as published (`ty` `None`) is compared as JSON values on PostgreSQL,
    /// where `json` has no equality: key order and spacing do not count.
    pub(super) fn differs(self, c: &str, ty: Option<ColumnType>) -> String {
        match (self, ty) {
            (Dialect::Postgres, None) => {
                self.distinct(&format!("l.{c}::jsonb"), &format!("s.{c}::jsonb"))
            }
            _ => self.distinct(&format!("l.{c}"), &format!("s.{c}")),
        }
    }

    fn distinct(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{a} IS NOT {b}"),
            Dialect::Postgres => format!("{a} IS DISTINCT FROM {b}"),
        }
    }

    /// A value as the text `lead_changes` keeps, the same on both: booleans `true`/`false`,
    /// dates `YYYY-MM-DD`.
    fn text(self, expr: &str, ty: Option<ColumnType>) -> String {
        match (self, ty) {
            (Dialect::Sqlite, Some(ColumnType::Boolean)) => {
                format!("CASE {expr} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END")
            }
            // ISO whatever the server's DateStyle.
            (Dialect::Postgres, Some(ColumnType::Date)) => format!("to_char({expr}, 'YYYY-MM-DD')"),
            _ => format!("CAST({expr} AS TEXT)"),
        }
    }

    /// Placeholder `n` for a value; PostgreSQL is told its type, which a `UNION` hides.
    fn placeholder(self, n: usize, param: Param) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => {
                let ty = match param {
                    Param::RunId | Param::Source => "text",
                    Param::FileId => "bigint",
                    Param::Now => "timestamptz",
                };
                format!("${n}::{ty}")
            }
        }
    }
}

/// Numbers a statement's placeholders in the order its values first appear.
pub(super) struct Builder {
    dialect: Dialect,
    params: Vec<Param>,
}

impl Builder {
    pub(super) fn new(dialect: Dialect) -> Builder {
        Builder {
            dialect,
            params: Vec::new(),
        }
    }

    pub(super) fn param(&mut self, param: Param) -> String {
        let n = match self.params.iter().position(|p| *p == param) {
            Some(i) => i + 1,
            None => {
                self.params.push(param);
                self.params.len()
            }
        };
        self.dialect.placeholder(n, param)
    }

    pub(super) fn finish(self, sql: String, counted: Counted) -> Statement {
        Statement {
            sql,
            params: self.params,
            counted,
        }
    }
}

/// What merging a file's staged leads did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Merged {
    /// Staged leads that no stored lead had the id of (see [`super::Known::Compare`]).
    pub(crate) inserted: u64,
    pub(crate) updated: u64,
    pub(crate) deactivated: u64,
}

impl Merged {
    /// Counts the rows a statement affected, as what the statement counts.
    pub(crate) fn count(&mut self, counted: Counted, rows: u64) {
        match counted {
            Counted::Inserted => self.inserted = rows,
            Counted::Updated => self.updated = rows,
            Counted::Deactivated => self.deactivated = rows,
            Counted::Nothing => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_rows_of_the_statements_that_count() {
        let mut merged = Merged::default();
        merged.count(Counted::Inserted, 1);
        merged.count(Counted::Updated, 3);
        merged.count(Counted::Nothing, 9);
        merged.count(Counted::Deactivated, 4);
        assert_eq!(
            merged,
            Merged {
                inserted: 1,
                updated: 3,
                deactivated: 4
            }
        );
    }

    #[test]
    fn only_a_source_with_leads_is_deactivated() {
        let sql = |dialect: Dialect, fresh: bool| -> Vec<String> {
            let statements = dialect.merge_statements(fresh, 5);
            statements.into_iter().map(|s| s.sql).collect()
        };
        let fresh_sql = sql(Dialect::Postgres, true);
        assert!(
            !fresh_sql.iter().any(|s| s.contains("seen_leads")),
            "nothing to deactivate"
        );
        let existing_sql = sql(Dialect::Sqlite, false);
        assert!(existing_sql.iter().any(|s| s.contains("is_active = FALSE")));
        assert!(
            !fresh_sql
                .iter()
                .chain(&existing_sql)
                .any(|s| s.contains("'inserted'")),
            "an inserted lead is its first_file_id, not a row"
        );
    }

    #[test]
    fn an_update_keeps_the_file_that_first_brought_the_lead() {
        let update = Dialect::Postgres.update_changed().sql;
        assert!(update.contains("source_file = s.source_file"), "{update}");
        assert!(!update.contains("first_file_id"), "{update}");
        assert!(!update.contains("lead_id = s.lead_id,"), "{update}");
    }
}
