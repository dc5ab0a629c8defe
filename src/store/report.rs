//! The queries behind `leadpipe report`: every figure on its page is a cell of one of
//! these, and the README lists their SQL (a test holds the two together). Each is read
//! whole into a [`Table`]: they group and limit in the database, so none returns more
//! than a few thousand rows, whatever the number of leads.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::backend::Query;
use super::merge::Dialect;
use super::schema::SqlType;
use super::value::{Bind, Cell, time_text};
use super::{Store, StoreError};

use ColumnKind::{Count, Day, Flag, Text, Time};

/// One query of the report: its name (the key of its rows in the page's data), its SQL and
/// the types of its columns.
#[derive(Debug)]
pub struct ReportQuery {
    pub name: &'static str,
    /// The columns' names, in order: the keys a section reads cells by.
    pub columns: &'static [(&'static str, ColumnKind)],
    pub sql: ReportSql,
    pub takes: Takes,
}

/// What a query's placeholders take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takes {
    Nothing,
    /// `$1`: the start of the period the report covers (runs started, files processed since).
    Since,
    /// `$1` and `$2`: the weights (in bits) of the band of links under review.
    ReviewBand,
}

/// A query's text: one for both databases, or each its own where their JSON functions
/// differ.
#[derive(Debug)]
pub enum ReportSql {
    Same(&'static str),
    PerDialect {
        sqlite: &'static str,
        postgres: &'static str,
    },
}

impl ReportSql {
    /// Every text of the query, for the README's list.
    pub fn texts(&self) -> Vec<&'static str> {
        match self {
            ReportSql::Same(sql) => vec![sql],
            ReportSql::PerDialect { sqlite, postgres } => vec![sqlite, postgres],
        }
    }

    fn text(&self, dialect: Dialect) -> &'static str {
        match (self, dialect) {
            (ReportSql::Same(sql), _) => sql,
            (ReportSql::PerDialect { sqlite, .. }, Dialect::Sqlite) => sqlite,
            (ReportSql::PerDialect { postgres, .. }, Dialect::Postgres) => postgres,
        }
    }
}

/// What a column of a report query holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Count,
    Number,
    Flag,
    Day,
    Time,
}

impl ColumnKind {
    fn sql_type(self) -> SqlType {
        match self {
            ColumnKind::Text => SqlType::Text,
            ColumnKind::Count => SqlType::BigInt,
            ColumnKind::Number => SqlType::Double,
            ColumnKind::Flag => SqlType::Boolean,
            ColumnKind::Day => SqlType::Date,
            ColumnKind::Time => SqlType::Timestamp,
        }
    }
}

/// A value of a report query's row.
#[derive(Clone, Debug, PartialEq)]
pub enum Datum {
    Null,
    Count(i64),
    Number(f64),
    Flag(bool),
    Text(String),
    Day(NaiveDate),
    Time(DateTime<Utc>),
}

/// As JSON: a count or a number, `true`/`false`, a text, a day as `2023-07-07`, a time as
/// the ledger shows it (RFC 3339, UTC), or `null`.
impl Serialize for Datum {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Datum::Null => serializer.serialize_none(),
            Datum::Count(n) => serializer.serialize_i64(*n),
            Datum::Number(x) => serializer.serialize_f64(*x),
            Datum::Flag(b) => serializer.serialize_bool(*b),
            Datum::Text(text) => serializer.serialize_str(text),
            Datum::Day(day) => serializer.collect_str(day),
            Datum::Time(time) => serializer.serialize_str(&time_text(*time)),
        }
    }
}

impl Datum {
    fn of(cell: Cell) -> Datum {
        match cell {
            Cell::Null => Datum::Null,
            Cell::Text(text) => Datum::Text(text.to_string()),
            Cell::Int(n) => Datum::Count(n),
            Cell::Float(x) => Datum::Number(x),
            Cell::Bool(b) => Datum::Flag(b),
            Cell::Date(day) => Datum::Day(day),
            Cell::Time(time) => Datum::Time(time),
        }
    }
}

/// The rows a report query returned.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Datum>>,
}

/// The values of the queries' placeholders ([`Takes`]); without a resolution model there is
/// no band under review, and its query returns nothing.
#[derive(Clone, Copy, Debug)]
pub struct ReportBinds {
    pub since: DateTime<Utc>,
    pub review: Option<(f64, f64)>,
}

impl Store {
    /// Runs one report query, and keeps its rows.
    pub fn report_table(
        &mut self,
        query: &ReportQuery,
        binds: ReportBinds,
    ) -> Result<Table, StoreError> {
        let mut rows = Vec::new();
        self.report_rows(query, binds, |row| {
            rows.push(row.cells.to_vec());
            Ok(())
        })?;
        Ok(Table {
            columns: query.columns.iter().map(|(name, _)| *name).collect(),
            rows,
        })
    }

    /// Streams the rows of one report query to `each`.
    pub fn report_rows(
        &mut self,
        query: &ReportQuery,
        binds: ReportBinds,
        mut each: impl FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let columns: Vec<&'static str> = query.columns.iter().map(|(name, _)| *name).collect();
        let sql = query.sql.text(self.backend.dialect());
        let values: Vec<Bind> = match query.takes {
            Takes::Nothing => Vec::new(),
            Takes::Since => vec![binds.since.into()],
            Takes::ReviewBand => {
                let (low, high) = binds.review.unwrap_or((1.0, 0.0));
                vec![low.into(), high.into()]
            }
        };
        let types: Vec<SqlType> = query.columns.iter().map(|(_, k)| k.sql_type()).collect();
        let mut cells = Vec::with_capacity(columns.len());
        self.backend.query(
            &Query {
                sql,
                binds: &values,
                types: &types,
            },
            &mut |row| {
                cells.clear();
                cells.extend(row.iter().copied().map(Datum::of));
                each(Row {
                    columns: &columns,
                    cells: &cells,
                })
            },
        )
    }

    /// Readies a read-only connection for the report, whose queries scan whole tables (on
    /// SQLite, the file is mapped: a mapped file that another process truncates meanwhile
    /// ends the reading process, so the report alone asks for it).
    pub fn prepare_to_scan(&mut self) -> Result<(), StoreError> {
        self.backend.prepare_to_scan()
    }

    /// The database as the report names it: its URL, without a password.
    pub fn shown(&self) -> &str {
        self.backend.shown()
    }
}

/// Every lead, with its source, state, whether it is active and its entity (none when
/// it was never resolved): streamed, and counted by `leads_by_source` and `entities`.
pub const LEAD_ENTITIES: ReportQuery = ReportQuery {
    name: "lead_entities",
    columns: &[
        ("source", Text),
        ("state", Text),
        ("active", Flag),
        ("entity_id", Count),
    ],
    sql: ReportSql::Same(
        "SELECT l.source, l.state, l.is_active AS active, m.entity_id
FROM leads l LEFT JOIN entity_members m ON m.lead_id = l.lead_id",
    ),
    takes: Takes::Nothing,
};

/// The entities that a record of a CRM's newest export is one of: streamed, for the
/// net-new counts.
pub const CRM_ENTITIES: ReportQuery = ReportQuery {
    name: "crm_entities",
    columns: &[("entity_id", Count)],
    sql: ReportSql::Same(
        "SELECT DISTINCT m.entity_id FROM entity_members m
JOIN reference_records c ON c.lead_id = m.lead_id WHERE NOT c.removed",
    ),
    takes: Takes::Nothing,
};

/// The records of the CRMs' newest exports.
pub const CRM_RECORDS: ReportQuery = ReportQuery {
    name: "crm_records",
    columns: &[("crm_records", Count)],
    sql: ReportSql::Same("SELECT count(*) AS crm_records FROM reference_records WHERE NOT removed"),
    takes: Takes::Nothing,
};

/// Per source, its newest applied snapshot, how many it has, when the newest was loaded,
/// and whether it is a reference source (a CRM's export).
pub const FRESHNESS: ReportQuery = ReportQuery {
    name: "freshness",
    columns: &[
        ("source", Text),
        ("newest_snapshot", Day),
        ("snapshots", Count),
        ("loaded_at", Time),
        ("reference", Flag),
    ],
    sql: ReportSql::Same(
        "SELECT f.source, max(f.snapshot_date) AS newest_snapshot, count(*) AS snapshots,
    max(f.processed_at) AS loaded_at,
    EXISTS (SELECT 1 FROM reference_records r WHERE r.source = f.source) AS reference
FROM source_files f WHERE f.status = 'loaded'
GROUP BY f.source ORDER BY f.source",
    ),
    takes: Takes::Nothing,
};

/// Each snapshot applied, held or undone since `$1`: what it inserted, updated (values
/// changed; reactivations apart), deactivated and reactivated, and a held one's guard.
pub const SNAPSHOTS: ReportQuery = ReportQuery {
    name: "snapshots",
    columns: &[
        ("source", Text),
        ("snapshot_date", Day),
        ("status", Text),
        ("inserted", Count),
        ("updated", Count),
        ("deactivated", Count),
        ("reactivated", Count),
        ("message", Text),
    ],
    sql: ReportSql::Same(
        "SELECT f.source, f.snapshot_date, f.status, f.records_inserted AS inserted,
    f.records_updated - coalesce(r.reactivated, 0) AS updated,
    f.records_deactivated AS deactivated, coalesce(r.reactivated, 0) AS reactivated, f.message
FROM source_files f LEFT JOIN (SELECT source_file_id, count(*) AS reactivated
    FROM lead_updates WHERE change = 'reactivated' GROUP BY source_file_id) r
    ON r.source_file_id = f.id
WHERE f.status IN ('loaded', 'held', 'undone') AND f.processed_at >= $1
ORDER BY f.source, f.snapshot_date, f.id",
    ),
    takes: Takes::Since,
};

/// Per source, its current snapshot's leads and, per lead column, how many have a value
/// and how many a doubtful one (an invalid phone, e-mail or date): the guards' profile.
pub const FILL_RATES: ReportQuery = ReportQuery {
    name: "fill_rates",
    columns: &[
        ("source", Text),
        ("column_name", Text),
        ("leads", Count),
        ("filled", Count),
        ("flagged", Count),
    ],
    sql: ReportSql::Same(
        "SELECT f.source, c.column_name, f.records_loaded AS leads, c.filled, c.flagged
FROM source_files f JOIN snapshot_columns c ON c.source_file_id = f.id
WHERE f.id IN (SELECT max(g.id) FROM source_files g WHERE g.status = 'loaded' GROUP BY g.source)
ORDER BY f.source, c.column_name",
    ),
    takes: Takes::Nothing,
};

/// The doubtful values noted on active leads (`leads.issues`), by source and reason.
pub const ISSUE_REASONS: ReportQuery = ReportQuery {
    name: "issue_reasons",
    columns: &[("source", Text), ("reason", Text), ("issues", Count)],
    sql: ReportSql::PerDialect {
        sqlite: "SELECT l.source, i.value ->> 'reason' AS reason, count(*) AS issues
FROM leads l, json_each(l.issues) i WHERE l.issues IS NOT NULL AND l.is_active
GROUP BY l.source, reason ORDER BY issues DESC, l.source, reason",
        postgres: "SELECT l.source, i.value ->> 'reason' AS reason, count(*) AS issues
FROM leads l, jsonb_array_elements(l.issues) i WHERE l.issues IS NOT NULL AND l.is_active
GROUP BY l.source, reason ORDER BY issues DESC, l.source, reason",
    },
    takes: Takes::Nothing,
};

/// The latest result of each check of each source, failures first.
pub const CHECKS: ReportQuery = ReportQuery {
    name: "checks",
    columns: &[
        ("source", Text),
        ("check_name", Text),
        ("severity", Text),
        ("status", Text),
        ("observed", Text),
        ("threshold", Text),
        ("checked_at", Time),
    ],
    sql: ReportSql::Same(
        "SELECT c.source, c.check_name, c.severity, c.status, c.observed, c.threshold, c.checked_at
FROM check_results c
WHERE c.id IN (SELECT max(id) FROM check_results GROUP BY source, check_name)
ORDER BY c.status = 'pass', c.source, c.check_name",
    ),
    takes: Takes::Nothing,
};

/// Rejected records of runs since `$1`, by reason, the most first.
pub const REJECT_REASONS: ReportQuery = ReportQuery {
    name: "reject_reasons",
    columns: &[("reason", Text), ("rejects", Count)],
    sql: ReportSql::Same(
        "SELECT j.reason, count(*) AS rejects
FROM rejects j JOIN runs r ON r.run_id = j.run_id WHERE r.started_at >= $1
GROUP BY j.reason ORDER BY rejects DESC, j.reason",
    ),
    takes: Takes::Since,
};

/// Rejected records of runs since `$1`, by source, file and reason: the 200 groups with
/// the most.
pub const REJECTS: ReportQuery = ReportQuery {
    name: "rejects",
    columns: &[
        ("source", Text),
        ("source_file", Text),
        ("reason", Text),
        ("rejects", Count),
    ],
    sql: ReportSql::Same(
        "SELECT j.source, j.source_file, j.reason, count(*) AS rejects
FROM rejects j JOIN runs r ON r.run_id = j.run_id WHERE r.started_at >= $1
GROUP BY j.source, j.source_file, j.reason
ORDER BY rejects DESC, j.source, j.source_file, j.reason LIMIT 200",
    ),
    takes: Takes::Since,
};

/// The first three rejected records of each of those groups, as published (their first
/// 400 characters, and their length).
pub const REJECT_SAMPLES: ReportQuery = ReportQuery {
    name: "reject_samples",
    columns: &[
        ("source", Text),
        ("source_file", Text),
        ("reason", Text),
        ("source_line", Count),
        ("raw_text", Text),
        ("raw_length", Count),
    ],
    sql: ReportSql::Same(
        "SELECT s.source, s.source_file, s.reason, s.source_line,
    substr(s.raw_text, 1, 400) AS raw_text, CAST(length(s.raw_text) AS BIGINT) AS raw_length
FROM (SELECT j.source, j.source_file, j.reason, j.source_line, j.raw_text,
        ROW_NUMBER() OVER (PARTITION BY j.source, j.source_file, j.reason ORDER BY j.id) AS n
    FROM rejects j JOIN runs r ON r.run_id = j.run_id WHERE r.started_at >= $1) s
JOIN (SELECT j.source, j.source_file, j.reason
    FROM rejects j JOIN runs r ON r.run_id = j.run_id WHERE r.started_at >= $1
    GROUP BY j.source, j.source_file, j.reason
    ORDER BY count(*) DESC, j.source, j.source_file, j.reason LIMIT 200) g
    ON g.source = s.source AND g.source_file = s.source_file AND g.reason = s.reason
WHERE s.n <= 3 ORDER BY s.source, s.source_file, s.reason, s.source_line",
    ),
    takes: Takes::Since,
};

/// The members of the ten largest entities (by records: leads, and the records of the
/// CRMs' newest exports), never a phone or an e-mail; the page orders them by size.
pub const LARGEST_ENTITIES: ReportQuery = ReportQuery {
    name: "largest_entities",
    columns: &[
        ("entity_id", Count),
        ("lead_id", Text),
        ("source", Text),
        ("company", Text),
        ("city", Text),
    ],
    sql: ReportSql::Same(
        "SELECT m.entity_id, m.lead_id, coalesce(l.source, c.source) AS source,
    coalesce(l.company, c.company) AS company, coalesce(l.city, c.city) AS city
FROM entity_members m LEFT JOIN leads l ON l.lead_id = m.lead_id
LEFT JOIN reference_records c ON c.lead_id = m.lead_id
WHERE (c.lead_id IS NULL OR NOT c.removed)
AND m.entity_id IN (SELECT entity_id FROM entity_members
    WHERE lead_id NOT IN (SELECT lead_id FROM reference_records WHERE removed)
    GROUP BY entity_id HAVING count(*) > 1 ORDER BY count(*) DESC, entity_id LIMIT 10)
ORDER BY m.entity_id, m.lead_id",
    ),
    takes: Takes::Nothing,
};

/// The links the model is least sure of and no one has labelled: weight (in bits) from
/// `$1`, the threshold, up to `$2`, one bit above it (the upper half of `leadpipe
/// review`'s band); the nearest first.
pub const REVIEW_PAIRS: ReportQuery = ReportQuery {
    name: "review_pairs",
    columns: &[
        ("lead_a", Text),
        ("lead_b", Text),
        ("weight", ColumnKind::Number),
        ("company_a", Text),
        ("company_b", Text),
        ("in_band", Count),
    ],
    sql: ReportSql::Same(
        "SELECT k.lead_a, k.lead_b, k.weight, coalesce(a.company, ra.company) AS company_a,
    coalesce(b.company, rb.company) AS company_b,
    (SELECT count(*) FROM entity_links n WHERE n.weight >= $1 AND n.weight <= $2
        AND NOT EXISTS (SELECT 1 FROM match_labels x
            WHERE x.lead_a = n.lead_a AND x.lead_b = n.lead_b)) AS in_band
FROM entity_links k
LEFT JOIN leads a ON a.lead_id = k.lead_a LEFT JOIN reference_records ra ON ra.lead_id = k.lead_a
LEFT JOIN leads b ON b.lead_id = k.lead_b LEFT JOIN reference_records rb ON rb.lead_id = k.lead_b
WHERE k.weight >= $1 AND k.weight <= $2
AND NOT EXISTS (SELECT 1 FROM match_labels x WHERE x.lead_a = k.lead_a AND x.lead_b = k.lead_b)
ORDER BY k.weight, k.lead_a, k.lead_b LIMIT 20",
    ),
    takes: Takes::ReviewBand,
};

/// The pairs people labelled, by label.
pub const LABELS: ReportQuery = ReportQuery {
    name: "labels",
    columns: &[("label", Text), ("pairs", Count)],
    sql: ReportSql::Same(
        "SELECT label, count(*) AS pairs FROM match_labels GROUP BY label ORDER BY label",
    ),
    takes: Takes::Nothing,
};

/// The last fifty runs since `$1`, the newest first.
pub const RUNS: ReportQuery = ReportQuery {
    name: "runs",
    columns: &[
        ("run_id", Text),
        ("command", Text),
        ("status", Text),
        ("started_at", Time),
        ("finished_at", Time),
        ("files_loaded", Count),
        ("files_skipped", Count),
        ("files_failed", Count),
        ("files_held", Count),
        ("records_read", Count),
        ("records_loaded", Count),
        ("records_rejected", Count),
    ],
    sql: ReportSql::Same(
        "SELECT run_id, command, status, started_at, finished_at, files_loaded, files_skipped,
    files_failed, CAST(files_held AS BIGINT) AS files_held, records_read, records_loaded,
    records_rejected
FROM runs WHERE started_at >= $1 ORDER BY started_at DESC LIMIT 50",
    ),
    takes: Takes::Since,
};

/// The queries whose rows the page shows, in the order of its page.
pub const REPORT_QUERIES: [&ReportQuery; 13] = [
    &CRM_RECORDS,
    &FRESHNESS,
    &SNAPSHOTS,
    &FILL_RATES,
    &ISSUE_REASONS,
    &CHECKS,
    &REJECT_REASONS,
    &REJECTS,
    &REJECT_SAMPLES,
    &LARGEST_ENTITIES,
    &REVIEW_PAIRS,
    &LABELS,
    &RUNS,
];

/// The queries whose rows are counted rather than shown: a million leads, one row each.
pub const STREAMED_QUERIES: [&ReportQuery; 2] = [&LEAD_ENTITIES, &CRM_ENTITIES];

impl Table {
    /// The rows, each read by column name.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> {
        self.rows.iter().map(|cells| Row {
            columns: &self.columns,
            cells,
        })
    }
}

/// A row of a report query's table, its cells read by column name. A name the query does
/// not have is a mistake of the code that reads it, and panics.
#[derive(Clone, Copy, Debug)]
pub struct Row<'t> {
    columns: &'t [&'static str],
    cells: &'t [Datum],
}

impl<'t> Row<'t> {
    pub fn get(&self, column: &str) -> &'t Datum {
        let i = self.columns.iter().position(|c| *c == column);
        &self.cells[i.unwrap_or_else(|| panic!("the report query has no column {column}"))]
    }

    /// A count, 0 for none.
    pub fn count(&self, column: &str) -> i64 {
        match self.get(column) {
            Datum::Count(n) => *n,
            _ => 0,
        }
    }

    /// A count as unsigned, for charts: a negative count (which no query gives) as 0.
    pub fn amount(&self, column: &str) -> u64 {
        self.count(column).max(0) as u64
    }

    pub fn number(&self, column: &str) -> Option<f64> {
        match self.get(column) {
            Datum::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// A text, `None` for a NULL.
    pub fn text(&self, column: &str) -> Option<&'t str> {
        match self.get(column) {
            Datum::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn flag(&self, column: &str) -> bool {
        matches!(self.get(column), Datum::Flag(true))
    }

    pub fn day(&self, column: &str) -> Option<NaiveDate> {
        match self.get(column) {
            Datum::Day(day) => Some(*day),
            _ => None,
        }
    }

    pub fn time(&self, column: &str) -> Option<DateTime<Utc>> {
        match self.get(column) {
            Datum::Time(time) => Some(*time),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's list of the report's queries, as it should read.
    fn readme_list() -> String {
        let mut list = String::new();
        for query in REPORT_QUERIES.iter().chain(&STREAMED_QUERIES) {
            let texts = query.sql.texts();
            let dialects: &[&str] = match texts.len() {
                1 => &[""],
                _ => &[" (SQLite)", " (PostgreSQL)"],
            };
            for (sql, dialect) in texts.iter().zip(dialects) {
                list.push_str(&format!(
                    "`{}`{dialect}:\n\n```sql\n{sql}\n```\n\n",
                    query.name
                ));
            }
        }
        list
    }

    #[test]
    fn the_readme_lists_every_query_of_the_report() {
        let readme = include_str!("../../README.md");
        let expected = readme_list();
        assert!(
            readme.contains(&expected),
            "the README's list of report queries differs; it should read:\n\n{expected}"
        );
    }

    /// Sorted, without repeats.
    fn distinct<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        let mut names: Vec<&str> = names.collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    #[test]
    fn queries_and_their_columns_have_names_of_their_own() {
        for query in REPORT_QUERIES.iter().chain(&STREAMED_QUERIES) {
            let columns = distinct(query.columns.iter().map(|(name, _)| *name));
            assert_eq!(columns.len(), query.columns.len(), "{}", query.name);
        }
        let all = REPORT_QUERIES.iter().chain(&STREAMED_QUERIES);
        let queries = distinct(all.map(|q| q.name));
        assert_eq!(queries.len(), REPORT_QUERIES.len() + STREAMED_QUERIES.len());
    }
}
