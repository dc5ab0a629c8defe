//! Reading the store back: leads and their history, streamed row by row, for what runs
//! after a load (resolution, exports, reports).

use super::backend::Query;
use super::schema::SqlType;
use super::status::Change;
use super::value::{Bind, Cell, lead_values};
use super::{Store, StoreError};
use crate::lead::{LEAD_COLUMNS, LeadValues};

/// A lead as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredLead {
    pub lead_id: String,
    pub source: String,
    /// Listed by the newest snapshot of its source.
    pub is_active: bool,
    /// The line of its record in the file that last wrote it.
    pub source_line: i64,
    pub values: LeadValues,
}

/// One entry of a lead's history (the view `lead_changes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeadChange {
    pub lead_id: String,
    /// The ledger id of the file that made the change.
    pub file_id: i64,
    pub change: Change,
    /// For an update, the column that changed, with its old and new values as text.
    pub column: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

impl Store {
    /// Streams the leads of `source` (of every source with `None`) to `each`, in the order
    /// of their ids; a million leads are never held at once.
    pub fn leads(
        &mut self,
        source: Option<&str>,
        mut each: impl FnMut(StoredLead) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let data: Vec<&str> = LEAD_COLUMNS.iter().map(|c| c.name).collect();
        let filter = if source.is_some() {
            "WHERE source = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT lead_id, source, is_active, source_line, {} FROM leads {filter} ORDER BY lead_id",
            data.join(", ")
        );
        let mut types = vec![
            SqlType::Text,
            SqlType::Text,
            SqlType::Boolean,
            SqlType::BigInt,
        ];
        types.extend(LEAD_COLUMNS.iter().map(|c| SqlType::of(c.ty)));
        let binds: Vec<Bind> = source.map(Bind::Text).into_iter().collect();
        let query = Query {
            sql: &sql,
            binds: &binds,
            types: &types,
        };
        self.backend.query(&query, &mut |row| {
            let values = lead_values(&row[4..]);
            each(StoredLead {
                lead_id: text(row[0]),
                source: text(row[1]),
                is_active: row[2].bool().unwrap_or(false),
                source_line: row[3].int().unwrap_or_default(),
                values,
            })
        })
    }

    /// Streams the history of the leads of `source` to `each`: file by file as they were
    /// loaded, and within a file by lead.
    pub fn changes(
        &mut self,
        source: &str,
        mut each: impl FnMut(LeadChange) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let sql =
            "SELECT c.lead_id, c.source_file_id, c.change, c.column_name, c.old_value, c.new_value
                   FROM lead_changes c JOIN leads l ON l.lead_id = c.lead_id
                   WHERE l.source = $1
                   ORDER BY c.source_file_id, c.lead_id, c.change, c.column_name";
        let types = [
            SqlType::Text,
            SqlType::BigInt,
            SqlType::Text,
            SqlType::Text,
            SqlType::Text,
            SqlType::Text,
        ];
        self.backend.query(
            &Query {
                sql,
                binds: &[source.into()],
                types: &types,
            },
            &mut |row| {
                let optional = |cell: Cell| cell.text().map(str::to_string);
                each(LeadChange {
                    lead_id: text(row[0]),
                    file_id: row[1].int().unwrap_or_default(),
                    change: Change::parse(row[2].text().unwrap_or_default()).ok_or_else(|| {
                        StoreError::Unreadable(format!("`lead_changes.change` {:?}", row[2]))
                    })?,
                    column: optional(row[3]),
                    old_value: optional(row[4]),
                    new_value: optional(row[5]),
                })
            },
        )
    }
}

fn text(cell: Cell) -> String {
    cell.text().unwrap_or_default().to_string()
}
