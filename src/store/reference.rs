//! How a reference source's export is merged into `reference_records`: the export replaces
//! the one before it. A record new to the table is inserted as its batch is written; a
//! staged one (its record as published differs, or it is listed again after it was
//! removed) is written over the stored one, and counted updated when a lead column
//! differs or it comes back; a record the export no longer lists is marked `removed`. No
//! history is kept: a CRM's records are not leads, and its next export says what it holds.

use super::merge::{Builder, Counted, Dialect, Param, Statement, written_columns};
use crate::lead::LEAD_COLUMNS;

impl Dialect {
    /// The statements that merge a reference file's staged records, when it loaded
    /// `loaded` of them; `fresh`: its source had no records before it.
    pub(crate) fn reference_merge_statements(self, fresh: bool, loaded: u64) -> Vec<Statement> {
        let columns: Vec<&str> = written_columns().collect();
        let sets: Vec<String> = columns
            .iter()
            .filter(|c| !matches!(**c, "lead_id" | "first_file_id"))
            .map(|c| format!("{c} = s.{c}"))
            .collect();
        let values: Vec<String> = columns.iter().map(|c| format!("s.{c}")).collect();
        let differs: Vec<String> = LEAD_COLUMNS
            .iter()
            .map(|c| self.differs(c.name, Some(c.ty)))
            .collect();
        let mut changed = Builder::new(self);
        let file = changed.param(Param::FileId);
        let mut statements = vec![
            Builder::new(self).finish(
                "CREATE UNIQUE INDEX staged_leads_id ON staged_leads (lead_id)".into(),
                Counted::Nothing,
            ),
            self.analyze("staged_leads"),
            changed.finish(
                format!(
                    "UPDATE reference_records AS l SET {}, removed = FALSE, removed_at = NULL,
                         changed_file_id = {file}
                     FROM staged_leads s WHERE l.lead_id = s.lead_id AND (l.removed OR {})",
                    sets.join(", "),
                    differs.join(" OR ")
                ),
                Counted::Updated,
            ),
            // The same values in another record as published (a new custom field, another
            // order of columns): kept, and not counted.
            Builder::new(self).finish(
                format!(
                    "UPDATE reference_records AS l SET {} FROM staged_leads s
                     WHERE l.lead_id = s.lead_id AND l.record_hash <> s.record_hash",
                    sets.join(", "),
                ),
                Counted::Nothing,
            ),
            // A staged record that no stored one has the id of is new after all.
            Builder::new(self).finish(
                format!(
                    "INSERT INTO reference_records ({}) SELECT {} FROM staged_leads s
                     WHERE NOT EXISTS (SELECT 1 FROM reference_records r WHERE r.lead_id = s.lead_id)",
                    columns.join(", "),
                    values.join(", ")
                ),
                Counted::Inserted,
            ),
        ];
        // An export without a single record must not empty its source.
        if !fresh && loaded > 0 {
            if self == Dialect::Sqlite {
                statements.push(Builder::new(self).finish(
                    "CREATE INDEX seen_leads_id ON seen_leads (lead_id)".into(),
                    Counted::Nothing,
                ));
            }
            statements.push(self.analyze("seen_leads"));
            let mut builder = Builder::new(self);
            let (source, now) = (builder.param(Param::Source), builder.param(Param::Now));
            let file = builder.param(Param::FileId);
            statements.push(builder.finish(
                format!(
                    "UPDATE reference_records SET removed = TRUE, removed_at = {now},
                         changed_file_id = {file}
                     WHERE source = {source} AND NOT removed
                     AND NOT EXISTS (SELECT 1 FROM seen_leads s WHERE s.lead_id = reference_records.lead_id)"
                ),
                Counted::Deactivated,
            ));
        }
        statements
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_export_writes_only_reference_records() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let sql: Vec<String> = dialect
                .reference_merge_statements(false, 3)
                .into_iter()
                .map(|s| s.sql)
                .collect();
            let writes = |table: &str| {
                sql.iter()
                    .filter(|s| {
                        s.contains(&format!("UPDATE {table} "))
                            || s.contains(&format!("INSERT INTO {table} "))
                    })
                    .count()
            };
            assert_eq!(writes("reference_records"), 4, "{sql:?}");
            assert_eq!(writes("leads"), 0);
            assert_eq!(writes("lead_updates"), 0, "no history of a CRM's records");
            assert!(sql.iter().any(|s| s.contains("removed = TRUE")));
        }
        let fresh = Dialect::Postgres.reference_merge_statements(true, 3);
        assert!(
            !fresh.iter().any(|s| s.sql.contains("removed = TRUE")),
            "nothing to remove"
        );
        let empty = Dialect::Sqlite.reference_merge_statements(false, 0);
        assert!(
            !empty.iter().any(|s| s.sql.contains("removed = TRUE")),
            "an empty export removes nothing"
        );
    }
}
