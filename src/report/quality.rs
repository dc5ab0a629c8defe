//! Quality: how full each lead column is per source (a heatmap of the current snapshots),
//! the shares of invalid phones, e-mails and dates, the reasons of doubtful values, and
//! the checks' latest results with their thresholds.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::Report;
use super::format::{count, percent};
use super::page::{filter, from, heading};
use super::svg::{self, HeatCell};
use crate::lead::{ColumnType, LEAD_COLUMNS, column_index};
use crate::store::report::{CHECKS, FILL_RATES, ISSUE_REASONS};

/// A source's current snapshot, per lead column: its leads, filled and doubtful values.
type Profile = BTreeMap<usize, (u64, u64, u64)>;

pub(super) fn draw(report: &Report) -> Markup {
    let profiles = profiles(report);
    let sources: Vec<String> = profiles.keys().cloned().collect();
    let rows: Vec<String> = LEAD_COLUMNS.iter().map(|c| c.name.to_string()).collect();
    let heat = |r: usize, c: usize| {
        let (leads, filled, flagged) = *profiles[&sources[c]].get(&r)?;
        Some(HeatCell {
            part: filled,
            whole: leads,
            warning: (flagged > 0).then(|| format!("{} doubtful", percent(flagged, filled))),
        })
    };
    html! {
        h3 { "Fill rate of the current snapshots" }
        @if sources.is_empty() {
            p.none { "No snapshot applied yet." }
        } @else {
            p.from { "Each cell: the share of the source's current snapshot's leads with a value in the column; a red corner: some values are doubtful (the tooltip says how many)." }
            (svg::heatmap(&rows, &sources, heat))
            h3 { "Invalid values" }
            table.sortable #invalid {
                thead { tr {
                    (heading("source", false))
                    @for (name, _) in INVALID { (heading(name, true)) }
                } }
                tbody {
                    @for source in &sources {
                        tr data-source=(source) {
                            td { (source) }
                            @for (name, columns) in INVALID {
                                @let (filled, flagged) = invalid(&profiles[source], columns);
                                td.num data-col=(name) data-part=(flagged) data-whole=(filled)
                                    data-sort=(share(flagged, filled)) {
                                    (percent(flagged, filled)) " "
                                    span.from { "(" (count(flagged as i64)) " of " (count(filled as i64)) ")" }
                                }
                            }
                        }
                    }
                }
            }
        }
        (from(&[&FILL_RATES]))
        (issues(report))
        (checks(report))
    }
}

/// The values checked for validity, by what people call them: each a column or the date
/// columns together.
const INVALID: [(&str, Validity); 3] = [
    ("invalid phones", Validity::Column("phone")),
    ("invalid e-mails", Validity::Column("email")),
    ("doubtful dates", Validity::Dates),
];

#[derive(Clone, Copy)]
enum Validity {
    Column(&'static str),
    Dates,
}

/// A share, for sorting by it.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The filled and doubtful values of a profile in the columns of `validity`.
fn invalid(profile: &Profile, validity: Validity) -> (u64, u64) {
    let columns: Vec<usize> = match validity {
        Validity::Column(name) => column_index(name).into_iter().collect(),
        Validity::Dates => (0..LEAD_COLUMNS.len())
            .filter(|i| LEAD_COLUMNS[*i].ty == ColumnType::Date)
            .collect(),
    };
    columns
        .iter()
        .filter_map(|i| profile.get(i))
        .fold((0, 0), |(filled, flagged), (_, f, d)| {
            (filled + f, flagged + d)
        })
}

/// Per source, its profile by lead column index (columns leadpipe no longer has are left out).
fn profiles(report: &Report) -> BTreeMap<String, Profile> {
    let mut profiles: BTreeMap<String, Profile> = BTreeMap::new();
    for row in report.table(FILL_RATES.name).rows() {
        let source = row.text("source").unwrap_or("").to_string();
        let profile = profiles.entry(source).or_default();
        if let Some(i) = row.text("column_name").and_then(column_index) {
            let figures = (
                row.amount("leads"),
                row.amount("filled"),
                row.amount("flagged"),
            );
            profile.insert(i, figures);
        }
    }
    profiles
}

fn issues(report: &Report) -> Markup {
    let issues = report.table(ISSUE_REASONS.name);
    html! {
        h3 { "Doubtful values, by reason" }
        @if issues.rows.is_empty() {
            p.none { "No active lead has a doubtful value." }
        } @else {
            (filter("issue-reasons", "reasons"))
            table.sortable #issue-reasons {
                thead { tr { (heading("source", false)) (heading("reason", false)) (heading("values", true)) } }
                tbody {
                    @for row in issues.rows() {
                        tr data-source=(row.text("source").unwrap_or("")) data-reason=(row.text("reason").unwrap_or("")) {
                            td { (row.text("source").unwrap_or("")) }
                            td { code { (row.text("reason").unwrap_or("")) } }
                            td.num data-col="issues" { (count(row.count("issues"))) }
                        }
                    }
                }
            }
        }
        (from(&[&ISSUE_REASONS]))
    }
}

fn checks(report: &Report) -> Markup {
    let checks = report.table(CHECKS.name);
    html! {
        h3 { "Checks" }
        @if checks.rows.is_empty() {
            p.none { "No check has run (`leadpipe verify`, or `[[checks]]` in a spec)." }
        } @else {
            table.sortable #checks {
                thead { tr {
                    (heading("source", false)) (heading("check", false)) (heading("severity", false))
                    (heading("status", false)) (heading("observed", false)) (heading("threshold", false))
                    (heading("checked at", false))
                } }
                tbody {
                    @for row in checks.rows() {
                        @let status = row.text("status").unwrap_or("");
                        tr data-source=(row.text("source").unwrap_or("")) data-check=(row.text("check_name").unwrap_or("")) {
                            td { (row.text("source").unwrap_or("")) }
                            td { (row.text("check_name").unwrap_or("")) }
                            td { (row.text("severity").unwrap_or("")) }
                            td.fail[status == "fail"] data-col="status" { (status) }
                            td { (row.text("observed").unwrap_or("")) }
                            td { (row.text("threshold").unwrap_or("")) }
                            td { @if let Some(time) = row.time("checked_at") { (crate::store::time_text(time)) } }
                        }
                    }
                }
            }
        }
        (from(&[&CHECKS]))
    }
}
