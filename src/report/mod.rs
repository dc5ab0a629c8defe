//! `leadpipe report`: one self-contained HTML page of the leads, the runs and their
//! quality, for people who would rather look than write SQL.
//!
//! [`collect`] runs the report's queries ([`crate::store::report`], each listed in the
//! README) and keeps their rows, or counts them where they are one per lead ([`tally`]);
//! [`Report::render`] draws the page from those tables alone:
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
mod tally;

use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use tracing::debug;

use crate::store::report::{REPORT_QUERIES, ReportBinds, Table};
use crate::store::{DatabaseUrl, Store, StoreError};

/// The rows of every report query, with what the page says of itself.
#[derive(Debug)]
pub struct Report {
    /// The database, as shown to people: never with its password.
    pub database: String,
    pub made_at: DateTime<Utc>,
    /// The first day the time-bound sections (snapshots, rejects, runs) cover.
    pub since: Option<NaiveDate>,
    /// The resolution model in force, whose threshold bounds the links under review.
    pub model: Model,
    tables: Vec<(&'static str, Table)>,
}

/// The resolution model stored in the database.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Model {
    /// Never trained: the leads were not resolved.
    None,
    /// Trained by an earlier leadpipe, which this one cannot read.
    Stale,
    Trained {
        /// The match threshold, in bits.
        link_weight: f64,
    },
}

/// Runs every report query on the database at `url`, the time-bound ones from `since` on:
/// the per-lead count on a connection of its own, beside the others, one core each.
pub fn collect(
    url: &DatabaseUrl,
    since: Option<NaiveDate>,
    made_at: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let mut store = Store::open_read_only(url)?;
    store.prepare_to_scan()?;
    let model = match store.resolve_parameters() {
        Ok(Some(parameters)) => Model::Trained {
            link_weight: parameters.link_weight(),
        },
        Ok(None) => Model::None,
        // Parameters of an earlier leadpipe still resolved the entities shown; only the
        // band under review needs them, and is left out.
        Err(StoreError::StaleParameters) => Model::Stale,
        Err(error) => return Err(error),
    };
    let binds = ReportBinds {
        since: since.map_or(DateTime::UNIX_EPOCH, |day| {
            day.and_hms_opt(0, 0, 0).expect("midnight").and_utc()
        }),
        // One bit above the threshold: the upper half of `leadpipe review`'s band.
        review: match model {
            Model::Trained { link_weight } => Some((link_weight, link_weight + 1.0)),
            Model::None | Model::Stale => None,
        },
    };
    let (tables, counted) = std::thread::scope(|scope| {
        let counted = scope.spawn(|| {
            let started = Instant::now();
            let mut counting = Store::open_read_only(url)?;
            counting.prepare_to_scan()?;
            let counted = tally::tally(&mut counting, binds);
            debug!(
                "report: leads and entities counted in {:.3} s",
                seconds(started)
            );
            counted
        });
        let tables = queries(&mut store, binds);
        (tables, counted.join().expect("counting does not panic"))
    });
    let mut tables = tables?;
    tables.extend(counted?);
    Ok(Report {
        database: store.shown().to_string(),
        made_at,
        since,
        model,
        tables,
    })
}

/// The rows of every query whose rows are shown.
fn queries(
    store: &mut Store,
    binds: ReportBinds,
) -> Result<Vec<(&'static str, Table)>, StoreError> {
    let mut tables = Vec::new();
    for query in REPORT_QUERIES {
        let started = Instant::now();
        let table = store.report_table(query, binds)?;
        let rows = table.rows.len();
        debug!(
            "report query {}: {rows} rows in {:.3} s",
            query.name,
            seconds(started)
        );
        tables.push((query.name, table));
    }
    Ok(tables)
}

fn seconds(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

impl Report {
    /// The page, as one HTML document.
    pub fn render(&self) -> String {
        page::render(self).into_string()
    }

    /// The rows of one of the report's queries, or of what it counted, by name.
    pub fn table(&self, name: &str) -> &Table {
        self.tables
            .iter()
            .find(|(table, _)| *table == name)
            .map(|(_, table)| table)
            .unwrap_or_else(|| panic!("the report has no table {name}"))
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
