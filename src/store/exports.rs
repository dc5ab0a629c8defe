//! The tables `leadpipe export` writes out, each as typed columns read in one streamed
//! query: `leads`, `providers`, `lead_changes` and `rejects`, each with the snapshot date
//! it can be partitioned by. The SQL is the same text for both targets.

use super::backend::Query;
use super::schema::{Column, SqlType};
use super::value::Cell;
use super::{Store, StoreError};
use crate::lead::LEAD_COLUMNS;

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

    /// The statement that reads the table, its rows ordered by `partitions` (else as the
    /// database finds them: ordering a million rows by id reads the table in the index's
    /// order, page by random page).
    fn select(self, partitions: &[PartitionKey]) -> String {
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
        format!("SELECT {} FROM {}{order}", columns.join(", "), self.from())
    }
}

impl Store {
    /// Streams every row of `table` to `each`, as cells of [`ExportTable::columns`], ordered
    /// by `partitions` when there are any.
    pub(crate) fn export_rows(
        &mut self,
        table: ExportTable,
        partitions: &[PartitionKey],
        each: &mut dyn FnMut(&[Cell]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let types: Vec<SqlType> = table.columns().iter().map(|c| c.ty).collect();
        let sql = table.select(partitions);
        let query = Query {
            sql: &sql,
            binds: &[],
            types: &types,
        };
        self.backend.query(&query, each)
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
        let sql = ExportTable::Leads.select(&[PartitionKey::State, PartitionKey::SnapshotDate]);
        assert!(sql.ends_with("ORDER BY l.state, f.snapshot_date"), "{sql}");
        assert!(sql.contains("CAST(l.source_record AS TEXT)"), "{sql}");
        assert!(!ExportTable::Rejects.select(&[]).contains("ORDER BY"));
    }
}
