//! What the checks measure, counted in the database over one source's active leads, and
//! their results recorded in `check_results`. The SQL is the same text for both targets.

use chrono::{DateTime, Utc};

use super::backend::Query;
use super::schema::SqlType;
use super::status::FileStatus;
use super::value::Bind;
use super::{Store, StoreError};
use crate::checks::CheckResult;
use crate::lead::LEAD_COLUMNS;

/// Records one result: `$1` run, `$2` source, `$3` check, `$4` severity, `$5` status, `$6`
/// observed, `$7` threshold, `$8` time.
const RECORD_CHECK_SQL: &str = "INSERT INTO check_results
    (run_id, source, check_name, severity, status, observed, threshold, checked_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// The sources that have leads, active or not: those with a file applied (`$1` loaded, `$2`
/// undone), read from the ledger rather than from every lead; not a reference source (a
/// CRM's export), whose records are no leads.
const SOURCES_SQL: &str = "SELECT DISTINCT f.source FROM source_files f
    WHERE f.status IN ($1, $2)
    AND NOT EXISTS (SELECT 1 FROM reference_records r WHERE r.source = f.source)
    ORDER BY f.source";

/// Counts of a source's active leads (`$1` the source).
const ACTIVE: &str = "FROM leads WHERE source = $1 AND is_active";

impl Store {
    /// The sources that have leads, by name.
    pub(crate) fn sources_with_leads(&mut self) -> Result<Vec<String>, StoreError> {
        let mut sources = Vec::new();
        let applied = [FileStatus::Loaded, FileStatus::Undone].map(|s| Bind::Text(s.as_str()));
        let query = Query {
            sql: SOURCES_SQL,
            binds: &applied,
            types: &[SqlType::Text],
        };
        self.backend.query(&query, &mut |row| {
            sources.push(row[0].text().unwrap_or_default().to_string());
            Ok(())
        })?;
        Ok(sources)
    }

    /// How many active leads `source` has.
    pub(crate) fn active_leads(&mut self, source: &str) -> Result<u64, StoreError> {
        self.count(&format!("SELECT count(*) {ACTIVE}"), &[source.into()])
    }

    /// How many active leads of `source` have a value in lead column `column`.
    pub(crate) fn filled(&mut self, source: &str, column: usize) -> Result<u64, StoreError> {
        let name = LEAD_COLUMNS[column].name;
        let sql = format!("SELECT count({name}) {ACTIVE}");
        self.count(&sql, &[source.into()])
    }

    /// How many active leads of `source` have a value in `column` that is none of `values`.
    pub(crate) fn outside(
        &mut self,
        source: &str,
        column: usize,
        values: &[&str],
    ) -> Result<u64, StoreError> {
        let name = LEAD_COLUMNS[column].name;
        let placeholders: Vec<String> = (2..values.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT count(*) {ACTIVE} AND {name} IS NOT NULL AND {name} NOT IN ({})",
            placeholders.join(", ")
        );
        let mut binds: Vec<Bind> = vec![source.into()];
        binds.extend(values.iter().map(|v| Bind::Text(v)));
        self.count(&sql, &binds)
    }

    /// How many values of `column` more than one active lead of `source` holds.
    pub(crate) fn repeated(&mut self, source: &str, column: usize) -> Result<u64, StoreError> {
        let name = LEAD_COLUMNS[column].name;
        let sql = format!(
            "SELECT count(*) FROM (SELECT {name} {ACTIVE} AND {name} IS NOT NULL
             GROUP BY {name} HAVING count(*) > 1) repeated"
        );
        self.count(&sql, &[source.into()])
    }

    /// How many active leads of `source` have a phone number, and how many of those are
    /// valid.
    pub(crate) fn valid_phones(&mut self, source: &str) -> Result<(u64, u64), StoreError> {
        let phones = self.filled(source, column("phone"))?;
        let sql = format!("SELECT count(*) {ACTIVE} AND phone IS NOT NULL AND phone_valid");
        let valid = self.count(&sql, &[source.into()])?;
        Ok((phones, valid))
    }

    /// Records check results under their runs, checked at `at`.
    pub(crate) fn record_checks(
        &mut self,
        results: &[CheckResult],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for result in results {
            self.backend.execute(
                RECORD_CHECK_SQL,
                &[
                    (&result.run_id).into(),
                    (&result.source).into(),
                    (&result.check).into(),
                    result.severity.as_str().into(),
                    result.status.as_str().into(),
                    (&result.observed).into(),
                    (&result.threshold).into(),
                    at.into(),
                ],
            )?;
        }
        Ok(())
    }

    /// The one count a query gives.
    pub(super) fn count(&mut self, sql: &str, binds: &[Bind]) -> Result<u64, StoreError> {
        let mut count = 0;
        let query = Query {
            sql,
            binds,
            types: &[SqlType::BigInt],
        };
        self.backend.query(&query, &mut |row| {
            count = row[0].int().unwrap_or_default().max(0) as u64;
            Ok(())
        })?;
        Ok(count)
    }
}

/// The index of a lead column named here.
fn column(name: &str) -> usize {
    crate::lead::column_index(name).expect("a lead column")
}
