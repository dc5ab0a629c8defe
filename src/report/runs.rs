//! Runs: the last runs, the newest first, with their command, status, files, records and
//! how long each took.

use maud::{Markup, html};

use super::Report;
use super::format::count;
use super::page::{filter, from, heading};
use crate::store::report::{RUNS, Row};
use crate::store::time_text;

/// The count columns of a run, by heading.
const COUNTS: [(&str, &str); 7] = [
    ("files loaded", "files_loaded"),
    ("skipped", "files_skipped"),
    ("failed", "files_failed"),
    ("held", "files_held"),
    ("records read", "records_read"),
    ("loaded", "records_loaded"),
    ("rejected", "records_rejected"),
];

pub(super) fn draw(report: &Report) -> Markup {
    let runs = report.table(RUNS.name);
    html! {
        @if runs.rows.is_empty() {
            p.none { "No run in the period." }
        } @else {
            (filter("run-list", "runs"))
            table.sortable #run-list {
                thead { tr {
                    (heading("started", false)) (heading("command", false)) (heading("status", false))
                    (heading("seconds", true))
                    @for (label, _) in COUNTS { (heading(label, true)) }
                    (heading("run", false))
                } }
                tbody {
                    @for row in runs.rows() {
                        @let status = row.text("status").unwrap_or("");
                        tr data-run=(row.text("run_id").unwrap_or("")) {
                            td { @if let Some(time) = row.time("started_at") { (time_text(time)) } }
                            td { (row.text("command").unwrap_or("")) }
                            td.fail[status != "completed"] { (status) }
                            td.num { (seconds(&row)) }
                            @for (_, column) in COUNTS {
                                td.num data-col=(column) { (count(row.count(column))) }
                            }
                            td { code { (row.text("run_id").unwrap_or("")) } }
                        }
                    }
                }
            }
        }
        (from(&[&RUNS]))
    }
}

/// How long a run took, to the tenth of a second; nothing for one that has not finished.
fn seconds(row: &Row) -> Markup {
    match (row.time("started_at"), row.time("finished_at")) {
        (Some(started), Some(finished)) => {
            let seconds = (finished - started).num_milliseconds() as f64 / 1000.0;
            html! { data value=(seconds) { (format!("{seconds:.1}")) } }
        }
        _ => html! {},
    }
}
