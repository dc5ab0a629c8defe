//! Over time: per source, what each snapshot inserted, updated, deactivated and
//! reactivated, as columns over the snapshot dates; held and undone snapshots marked.

use maud::{Markup, html};

use super::Report;
use super::format::count;
use super::page::{filter, from, heading};
use super::svg::{self, Series, Stack};
use crate::store::report::{Row, SNAPSHOTS};

const CHANGES: [Series; 4] = [
    Series::new("inserted", "s0"),
    Series::new("updated", "s1"),
    Series::new("deactivated", "s2"),
    Series::new("reactivated", "s3"),
];

pub(super) fn draw(report: &Report) -> Markup {
    let snapshots = report.table(SNAPSHOTS.name);
    let rows: Vec<Row> = snapshots.rows().collect();
    // The query orders by source: each source's snapshots are one run of rows.
    let by_source = rows.chunk_by(|a, b| a.text("source") == b.text("source"));
    html! {
        @if rows.is_empty() {
            p.none { "No snapshots in the period." }
        }
        @for snapshots in by_source {
            h3 { (snapshots[0].text("source").unwrap_or("")) }
            (svg::columns(&CHANGES, &snapshots.iter().map(stack).collect::<Vec<_>>()))
        }
        @if !rows.is_empty() {
            (filter("snapshots", "snapshots"))
            table.sortable #snapshots {
                thead { tr {
                    (heading("source", false)) (heading("snapshot", false)) (heading("status", false))
                    @for series in &CHANGES { (heading(series.name, true)) }
                    (heading("guard", false))
                } }
                tbody {
                    @for row in &rows {
                        @let status = row.text("status").unwrap_or("");
                        tr data-source=(row.text("source").unwrap_or(""))
                            data-date=(row.day("snapshot_date").map(|d| d.to_string()).unwrap_or_default())
                            data-status=(status) {
                            td { (row.text("source").unwrap_or("")) }
                            td { @if let Some(day) = row.day("snapshot_date") { (day) } }
                            td.held[status != "loaded"] { (status) }
                            @for series in &CHANGES {
                                td.num data-col=(series.name) { (count(row.count(series.name))) }
                            }
                            td { @if status == "held" { (row.text("message").unwrap_or("")) } }
                        }
                    }
                }
            }
        }
        (from(&[&SNAPSHOTS]))
    }
}

/// A snapshot's column: its four counts, marked when it was held or undone.
fn stack(row: &Row) -> Stack {
    let label = row
        .day("snapshot_date")
        .map_or_else(String::new, |day| day.to_string());
    let values = CHANGES.iter().map(|s| row.amount(s.name)).collect();
    let mut stack = Stack::new(label, values);
    stack.mark = match row.text("status") {
        Some("held") => Some(row.text("message").unwrap_or("held").to_string()),
        Some("undone") => Some("undone".to_string()),
        _ => None,
    };
    stack
}
