//! The tables `leadpipe export` writes out, each as typed columns read in one streamed
//! query: `leads`, `providers`, `lead_changes` and `rejects`, each with the snapshot date
//! it can be partitioned by; whole, or only what runs after one changed ([`Since`]). And
//! the ledger of exports, which remembers how far each export went. The SQL is the same
//! text for both targets.

use super::backend::Query;
use super::schema::{Column, SqlType};
use super::value::{Bind, Cell};
use super::{Store, StoreError, now};
use crate::lead::LEAD_COLUMNS;

/// The rows that runs after run `run_id` changed: an incremental export's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Since {
    pub run_id: String,
}

/// The runs after run `$1`.
const LATER_RUNS: &str =
    "SELECT run_id FROM runs WHERE started_at > (SELECT started_at FROM runs WHERE run_id = $1)";

/// The newest source file that run `$1` and those before it recorded.
const THROUGH_FILE: &str = "(SELECT COALESCE(max(f.id), 0) FROM source_files f
    JOIN runs r ON r.run_id = f.run_id
    WHERE r.started_at <= (SELECT started_at FROM runs WHERE run_id = $1))";

/// The newest lead update that run `$1` and those before it wrote.
const THROUGH_UPDATE: &str = "(SELECT COALESCE(max(u.id), 0) FROM lead_updates u
    JOIN runs r ON r.run_id = u.run_id
    WHERE r.started_at <= (SELECT started_at FROM runs WHERE run_id = $1))";

/// The leads that runs after run `$1` brought or changed (updated, deactivated,
/// reactivated, undone): new since the newest file, or with a history row since the newest
/// update, that run `$1` and those before it wrote.
fn changed_leads() -> String {
    format!(
        "SELECT lead_id FROM leads WHERE first_file_id > {THROUGH_FILE}
         UNION SELECT lead_id FROM lead_updates WHERE id > {THROUGH_UPDATE}"
    )
}

/// The entities whose golden record, or whose place in the CRM, runs after run `$1` can
/// have changed: one of their leads changed, one of their CRM records was brought, changed
/// or removed, or resolution created, grew, merged or split them.
pub(super) fn changed_entities() -> String {
    format!(
        "SELECT m.entity_id FROM entity_members m WHERE m.lead_id IN ({})
         UNION SELECT m.entity_id FROM entity_members m JOIN reference_records c
             ON c.lead_id = m.lead_id
             WHERE c.first_file_id > {THROUGH_FILE} OR c.changed_file_id > {THROUGH_FILE}
         UNION SELECT entity_id FROM entity_changes WHERE run_id IN ({LATER_RUNS})",
        changed_leads()
    )
}

/// A table an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportTable {
    Leads,
    Providers,
    LeadChanges,
    Rejects,
}

/// A column rows can be partitioned by (a folder per value, Hive-style).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionKey {
    /// The lead's (or provider's) state.
    State,
    /// The date of the snapshot: that first brought the lead, of the change, of the file
    /// whose record was rejected.
    SnapshotDate,
}

impl PartitionKey {
    /// The column's name, as the export has it and a partition folder names it.
    pub fn column(self) -> &'static str {
        match self {
            PartitionKey::State => "state",
            PartitionKey::SnapshotDate => "snapshot_date",
        }
    }
}

/// A column and the SQL that reads it.
struct Read {
    column: Column,
    sql: String,
}

fn read(name: &'static str, ty: SqlType, sql: impl Into<String>) -> Read {
    Read {
        column: Column { name, ty },
        sql: sql.into(),
    }
}

/// `alias.name`, of type `ty`.
fn own(alias: &str, name: &'static str, ty: SqlType) -> Read {
    let sql = match ty {
        // PostgreSQL's JSON is read as text.
        SqlType::Json | SqlType::Jsonb => format!("CAST({alias}.{name} AS TEXT)"),
        _ => format!("{alias}.{name}"),
    };
    read(name, ty, sql)
}

/// Every data column of a lead, from table alias `alias`.
fn data(alias: &str) -> impl Iterator<Item = Read> + '_ {
    LEAD_COLUMNS
        .iter()
        .map(move |c| own(alias, c.name, SqlType::of(c.ty)))
}

impl ExportTable {
    /// Every table, in the order `export` lists them.
    pub const ALL: [ExportTable; 4] = [
        ExportTable::Leads,
        ExportTable::Providers,
        ExportTable::LeadChanges,
        ExportTable::Rejects,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ExportTable::Leads => "leads",
            ExportTable::Providers => "providers",
            ExportTable::LeadChanges => "lead_changes",
            ExportTable::Rejects => "rejects",
        }
    }

    /// Whether the table has the column a key partitions by.
    pub fn partitions_by(self, key: PartitionKey) -> bool {
        self.columns().iter().any(|c| c.name == key.column())
    }

    /// The columns, in order, with their types.
    pub(crate) fn columns(self) -> Vec<Column> {
        self.reads().into_iter().map(|r| r.column).collect()
    }

    fn reads(self) -> Vec<Read> {
        use SqlType::*;
        match self {
            ExportTable::Leads => data("l")
                .chain([
                    own("l", "lead_id", Text),
                    own("l", "source", Text),
                    own("l", "source_file", Text),
                    own("l", "source_line", BigInt),
                    own("l", "ingested_at", Timestamp),
                    own("l", "run_id", Text),
                    own("l", "first_file_id", BigInt),
                    own("f", "snapshot_date", Date),
                    own("l", "source_record", Json),
                    own("l", "issues", Jsonb),
                    own("l", "derived", Json),
                    own("l", "record_hash", Text),
                    own("l", "is_active", Boolean),
                    own("l", "deactivated_at", Timestamp),
                ])
                .collect(),
            ExportTable::Providers => [
                own("p", "entity_id", BigInt),
                own("p", "members", BigInt),
                own("p", "member_lead_ids", Text),
                own("p", "sources", Text),
                own("p", "is_active", Boolean),
                own("p", "in_crm", Boolean),
            ]
            .into_iter()
            .chain(data("p"))
            .collect(),
            ExportTable::LeadChanges => vec![
                own("c", "run_id", Text),
                own("c", "source_file_id", BigInt),
                own("f", "source", Text),
                own("f", "snapshot_date", Date),
                own("c", "lead_id", Text),
                own("c", "change", Text),
                own("c", "column_name", Text),
                own("c", "old_value", Text),
                own("c", "new_value", Text),
            ],
            ExportTable::Rejects => vec![
                own("r", "id", BigInt),
                own("r", "run_id", Text),
                own("r", "source", Text),
                own("r", "source_file", Text),
                own("f", "snapshot_date", Date),
                own("r", "source_line", BigInt),
                own("r", "reason", Text),
                own("r", "message", Text),
                own("r", "raw_text", Text),
            ],
        }
    }

    /// The tables read, with their aliases.
    fn from(self) -> &'static str {
        match self {
            ExportTable::Leads => "leads l LEFT JOIN source_files f ON f.id = l.first_file_id",
            ExportTable::Providers => "providers p",
            ExportTable::LeadChanges => {
                "lead_changes c LEFT JOIN source_files f ON f.id = c.source_file_id"
            }
            ExportTable::Rejects => {
                "rejects r LEFT JOIN source_files f
                 ON f.run_id = r.run_id AND f.path = r.source_file AND f.source = r.source"
            }
        }
    }

    /// The condition on its rows of those that runs after run `$1` changed.
    fn changed(self) -> String {
        match self {
            ExportTable::Leads => format!("l.lead_id IN ({})", changed_leads()),
            ExportTable::Providers => format!("p.entity_id IN ({})", changed_entities()),
            ExportTable::LeadChanges => format!("c.run_id IN ({LATER_RUNS})"),
            ExportTable::Rejects => format!("r.run_id IN ({LATER_RUNS})"),
        }
    }

    /// The statement that reads the table (only what runs after run `$1` changed, when
    /// `since`), its rows ordered by `partitions` (else as the database finds them:
    /// ordering a million rows by id reads the table in the index's order, page by random
    /// page).
    fn select(self, partitions: &[PartitionKey], since: bool) -> String {
        let reads = self.reads();
        let columns: Vec<&str> = reads.iter().map(|r| r.sql.as_str()).collect();
        let order: Vec<&str> = partitions
            .iter()
            .filter_map(|key| {
                let at = reads.iter().position(|r| r.column.name == key.column())?;
                Some(columns[at])
            })
            .collect();
        let order = match order.is_empty() {
            true => String::new(),
            false => format!(" ORDER BY {}", order.join(", ")),
        };
        let filter = match since {
            true => format!(" WHERE {}", self.changed()),
            false => String::new(),
        };
        format!(
            "SELECT {} FROM {}{filter}{order}",
            columns.join(", "),
            self.from()
        )
    }
}

impl Store {
    /// Streams every row of `table` (that runs after `since` changed, when given) to
    /// `each`, as cells of [`ExportTable::columns`], ordered by `partitions` when there are
    /// any.
    pub(crate) fn export_rows(
        &mut self,
        table: ExportTable,
        partitions: &[PartitionKey],
        since: Option<&Since>,
        each: &mut dyn FnMut(&[Cell]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let types: Vec<SqlType> = table.columns().iter().map(|c| c.ty).collect();
        let sql = table.select(partitions, since.is_some());
        let binds: Vec<Bind> = since.map(|s| Bind::Text(&s.run_id)).into_iter().collect();
        let query = Query {
            sql: &sql,
            binds: &binds,
            types: &types,
        };
        self.backend.query(&query, each)
    }

    /// Whether a committed run of this id exists.
    pub fn has_run(&mut self, run_id: &str) -> Result<bool, StoreError> {
        let sql = "SELECT count(*) FROM runs WHERE run_id = $1";
        Ok(self.count(sql, &[Bind::Text(run_id)])? > 0)
    }

    /// The newest committed run, if any: how far an export that starts now goes.
    pub fn newest_run(&mut self) -> Result<Option<String>, StoreError> {
        self.one_text(
            "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1",
            &[],
        )
    }

    /// The newest run the last export of `what` held the changes of: `Some(None)` when that
    /// export came before any run, `None` when `what` was never exported.
    pub fn last_export(&mut self, what: &str) -> Result<Option<Option<String>>, StoreError> {
        let mut found = None;
        let query = Query {
            sql: "SELECT through_run_id FROM exports WHERE what = $1 ORDER BY id DESC LIMIT 1",
            binds: &[Bind::Text(what)],
            types: &[SqlType::Text],
        };
        self.backend.query(&query, &mut |row| {
            found = Some(row[0].text().map(str::to_string));
            Ok(())
        })?;
        Ok(found)
    }

    /// Records an export of `what` to `destination`: the changes after `since` (all, when
    /// `None`) through run `through`, `rows` rows.
    pub fn record_export(
        &mut self,
        what: &str,
        destination: &str,
        since: Option<&Since>,
        through: Option<&str>,
        rows: u64,
    ) -> Result<(), StoreError> {
        let binds = [
            Bind::Time(now()),
            Bind::Text(what),
            Bind::Text(destination),
            since.map_or(Bind::Null, |s| Bind::Text(&s.run_id)),
            through.map_or(Bind::Null, Bind::Text),
            Bind::Int(rows as i64),
        ];
        self.backend.execute(
            "INSERT INTO exports (exported_at, what, destination, since_run_id, through_run_id, rows)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &binds,
        )?;
        Ok(())
    }

    fn one_text(&mut self, sql: &str, binds: &[Bind]) -> Result<Option<String>, StoreError> {
        let mut found = None;
        let query = Query {
            sql,
            binds,
            types: &[SqlType::Text],
        };
        self.backend.query(&query, &mut |row| {
            found = row[0].text().map(str::to_string);
            Ok(())
        })?;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_partitioned_only_by_what_it_has() {
        assert!(ExportTable::Leads.partitions_by(PartitionKey::State));
        assert!(ExportTable::Leads.partitions_by(PartitionKey::SnapshotDate));
        assert!(!ExportTable::Providers.partitions_by(PartitionKey::SnapshotDate));
        assert!(!ExportTable::Rejects.partitions_by(PartitionKey::State));
        let partitions = [PartitionKey::State, PartitionKey::SnapshotDate];
        let sql = ExportTable::Leads.select(&partitions, false);
        assert!(sql.ends_with("ORDER BY l.state, f.snapshot_date"), "{sql}");
        assert!(sql.contains("CAST(l.source_record AS TEXT)"), "{sql}");
        assert!(!sql.contains("WHERE"), "{sql}");
        assert!(!ExportTable::Rejects.select(&[], false).contains("ORDER BY"));
        let since = ExportTable::Rejects.select(&[], true);
        assert!(
            since.contains("WHERE r.run_id IN (SELECT run_id FROM runs WHERE started_at >"),
            "{since}"
        );
    }
}
