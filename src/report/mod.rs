//! `leadpipe report`: one self-contained HTML page of the leads, the runs and their
//! quality, for people who would rather look than write SQL.
//!
//! [`collect`] runs the report's queries ([`crate::store::report`], each listed in the
//! README) and keeps their rows; [`Report::render`] draws the page from those rows alone:
//! each section is a module here, its charts drawn by [`svg`], the rows embedded as JSON.
//! Nothing on the page is fetched: it opens offline, from an e-mail attachment, and prints.

mod entities;
mod format;
mod over_time;
mod overview;
mod page;
mod quality;
mod rejects;
mod runs;
pub(crate) mod svg;

use chrono::{DateTime, NaiveDate, Utc};

use crate::store::report::{REPORT_QUERIES, ReportBinds, ReportQuery, Table};
use crate::store::{Store, StoreError};

/// The rows of every report query, with what the page says of itself.
#[derive(Debug)]
pub struct Report {
    /// The database, as shown to people: never with its password.
    pub database: String,
    pub made_at: DateTime<Utc>,
    /// The first day the time-bound sections (snapshots, rejects, runs) cover.
    pub since: Option<NaiveDate>,
    /// The stored resolution's link threshold, in bits, when leads were resolved.
    pub link_weight: Option<f64>,
    tables: Vec<(&'static str, Table)>,
}

/// Runs every report query on `store`; the time-bound ones from `since` on.
pub fn collect(
    store: &mut Store,
    since: Option<NaiveDate>,
    made_at: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let link_weight = match store.resolve_parameters() {
        Ok(parameters) => parameters.map(|p| p.link_weight()),
        // Parameters of an earlier leadpipe still resolved the entities shown; only the
        // band under review needs them, and is left out.
        Err(StoreError::StaleParameters) => None,
        Err(error) => return Err(error),
    };
    let binds = ReportBinds {
        since: since.map_or(DateTime::UNIX_EPOCH, |day| {
            day.and_hms_opt(0, 0, 0).expect("midnight").and_utc()
        }),
        // One bit above the threshold: the upper half of `leadpipe review`'s band.
        review: link_weight.map(|link| (link, link + 1.0)),
    };
    let mut tables = Vec::with_capacity(REPORT_QUERIES.len());
    for query in REPORT_QUERIES {
        let started = std::time::Instant::now();
        let table = store.report_table(query, binds)?;
        tracing::debug!(
            "report query {}: {} rows in {:.3} s",
            query.name,
            table.rows.len(),
            started.elapsed().as_secs_f64()
        );
        tables.push((query.name, table));
    }
    Ok(Report {
        database: store.shown().to_string(),
        made_at,
        since,
        link_weight,
        tables,
    })
}

impl Report {
    /// The page, as one HTML document.
    pub fn render(&self) -> String {
        page::render(self).into_string()
    }

    /// The rows of one of the report's queries.
    pub fn table(&self, query: &ReportQuery) -> &Table {
        self.tables
            .iter()
            .find(|(name, _)| *name == query.name)
            .map(|(_, table)| table)
            .expect("every report query is collected")
    }

    /// Every query's rows, by name, as the page embeds them.
    fn data(&self) -> serde_json::Value {
        let tables = self.tables.iter().map(|(name, table)| {
            let table = serde_json::to_value(table).expect("report rows serialize");
            (name.to_string(), table)
        });
        serde_json::Value::Object(tables.collect())
    }
}
