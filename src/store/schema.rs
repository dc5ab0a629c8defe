//! The tables leadpipe writes in bulk, as typed column lists: the one place a column's
//! name and SQL type are written down for the code (the migrations declare them for the
//! database, and a test holds the two together).

use crate::lead::{ColumnType, LEAD_COLUMNS};

/// The SQL type of a column, as the PostgreSQL schema declares it; SQLite stores each in
/// the affinity its migrations give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SqlType {
    Text,
    /// 32 bits.
    Integer,
    /// 64 bits.
    BigInt,
    /// A measured figure (`DOUBLE PRECISION`, SQLite's `REAL`).
    Double,
    Boolean,
    Date,
    Timestamp,
    /// Text kept as published (`json` on PostgreSQL).
    Json,
    /// Parsed, for comparisons and queries (`jsonb` on PostgreSQL).
    Jsonb,
}

impl SqlType {
    /// The type of a data column of `leads`.
    pub(crate) const fn of(ty: ColumnType) -> SqlType {
        match ty {
            ColumnType::Text => SqlType::Text,
            ColumnType::Integer => SqlType::Integer,
            ColumnType::Boolean => SqlType::Boolean,
            ColumnType::Date => SqlType::Date,
            ColumnType::Real => SqlType::Double,
        }
    }
}

/// A column a statement writes or reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Column {
    pub(crate) name: &'static str,
    pub(crate) ty: SqlType,
}

const fn col(name: &'static str, ty: SqlType) -> Column {
    Column { name, ty }
}

/// Columns from `name: Type` pairs, in order.
macro_rules! columns {
    ($($name:ident: $ty:ident),* $(,)?) => {
        [$(col(stringify!($name), SqlType::$ty)),*]
    };
}

/// A table and the columns a bulk write fills, in the order its rows give their values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) columns: &'static [Column],
}

impl Table {
    /// The column names, comma-separated, for a statement's column list.
    pub(crate) fn column_list(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|c| c.name).collect();
        names.join(", ")
    }
}

/// The lineage columns of `leads` that a written row fills, after the data columns: then
/// the hash of the record as published, which tells unchanged leads from the others, and
/// last which columns have a value and which a doubtful one ([`super::ColumnFlags`]).
/// `first_file_id`, the file writing the row, is kept by an update: a lead's `inserted`
/// change is the file that first brought it.
#[rustfmt::skip]
pub(crate) const LINEAGE: [Column; 13] = columns![
    lead_id: Text, source: Text, source_file: Text, source_line: BigInt,
    ingested_at: Timestamp, run_id: Text, first_file_id: BigInt,
    source_record: Json, issues: Jsonb, derived: Json, record_hash: Text,
    filled_columns: BigInt, flagged_columns: BigInt,
];

const WRITTEN_LEN: usize = LEAD_COLUMNS.len() + LINEAGE.len();

/// Every column a lead is written with, to `leads` or `staged_leads`, in order: data,
/// then lineage.
pub(crate) const WRITTEN_COLUMNS: [Column; WRITTEN_LEN] = {
    let mut columns = [col("", SqlType::Text); WRITTEN_LEN];
    let mut i = 0;
    while i < LEAD_COLUMNS.len() {
        columns[i] = col(LEAD_COLUMNS[i].name, SqlType::of(LEAD_COLUMNS[i].ty));
        i += 1;
    }
    while i < WRITTEN_LEN {
        columns[i] = LINEAGE[i - LEAD_COLUMNS.len()];
        i += 1;
    }
    columns
};

/// New leads, written as a file's batches come.
pub(crate) const LEADS: Table = Table {
    name: "leads",
    columns: &WRITTEN_COLUMNS,
};

/// A reference source's records (`spec::Role::Reference`), in the columns of a lead.
pub(crate) const REFERENCE_RECORDS: Table = Table {
    name: "reference_records",
    columns: &WRITTEN_COLUMNS,
};

/// Leads to compare with the stored ones when the file ends.
pub(crate) const STAGED_LEADS: Table = Table {
    name: "staged_leads",
    columns: &WRITTEN_COLUMNS,
};

/// The id of every lead a snapshot lists.
pub(crate) const SEEN_LEADS: Table = Table {
    name: "seen_leads",
    columns: &columns![lead_id: Text],
};

/// Each data column's counts in an applied snapshot ([`super::SnapshotProfile`]).
#[rustfmt::skip]
pub(crate) const SNAPSHOT_COLUMNS: Table = Table {
    name: "snapshot_columns",
    columns: &columns![source_file_id: BigInt, column_name: Text, filled: BigInt, flagged: BigInt],
};

/// Each lead's blocking keys (`store/entities.rs`).
pub(crate) const BLOCKING_KEYS: Table = Table {
    name: "blocking_keys",
    columns: &columns![block_key: BigInt, lead_id: Text],
};

/// Entities, as they are created.
pub(crate) const ENTITIES: Table = Table {
    name: "entities",
    columns: &columns![entity_id: BigInt, created_run: Text, status: Text],
};

/// What each run did to entities.
#[rustfmt::skip]
pub(crate) const ENTITY_CHANGES: Table = Table {
    name: "entity_changes",
    columns: &columns![
        run_id: Text, entity_id: BigInt, change: Text, other_entity_id: BigInt, members: BigInt,
    ],
};

/// Each lead's entity, with its record hash when it was resolved.
pub(crate) const ENTITY_MEMBERS: Table = Table {
    name: "entity_members",
    columns: &columns![lead_id: Text, entity_id: BigInt, record_hash: Text],
};

/// The pairs of leads at or above the match threshold.
pub(crate) const ENTITY_LINKS: Table = Table {
    name: "entity_links",
    columns: &columns![lead_a: Text, lead_b: Text, weight: Double],
};

/// The leads a resolution step works on (a temporary table).
pub(crate) const RESOLVE_SCOPE: Table = Table {
    name: "resolve_scope",
    columns: &columns![lead_id: Text],
};

/// The blocking keys a resolution step looks up (a temporary table).
pub(crate) const RESOLVE_KEYS: Table = Table {
    name: "resolve_keys",
    columns: &columns![block_key: BigInt],
};

/// Records that could not be loaded, with why and their text as published.
#[rustfmt::skip]
pub(crate) const REJECTS: Table = Table {
    name: "rejects",
    columns: &columns![
        run_id: Text, source: Text, source_file: Text, source_line: BigInt,
        reason: Text, message: Text, raw_text: Text,
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_columns_are_the_data_columns_then_lineage() {
        assert_eq!(
            WRITTEN_COLUMNS[0],
            col("accepts_financial_aid", SqlType::Boolean)
        );
        assert_eq!(WRITTEN_COLUMNS[2], col("capacity", SqlType::Integer));
        assert_eq!(
            WRITTEN_COLUMNS[LEAD_COLUMNS.len()],
            col("lead_id", SqlType::Text)
        );
        assert_eq!(
            WRITTEN_COLUMNS[WRITTEN_LEN - 3],
            col("record_hash", SqlType::Text)
        );
        assert!(WRITTEN_COLUMNS.iter().all(|c| !c.name.is_empty()));
        assert_eq!(
            REJECTS.column_list(),
            "run_id, source, source_file, source_line, reason, message, raw_text"
        );
    }
}
