//! Rejects: the records that could not be loaded, by reason and by file, each group with
//! its first raw lines as published (escaped, and cut when long).

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::Report;
use super::format::{count, thousands};
use super::page::{filter, from, heading};
use super::svg::{self, Series, Stack};
use crate::store::report::{REJECT_REASONS, REJECT_SAMPLES, REJECTS, Row};

const REJECTED: [Series; 1] = [Series::new("rejected", "s2")];

pub(super) fn draw(report: &Report) -> Markup {
    let rejects = report.table(REJECTS.name);
    let stacks: Vec<Stack> = report
        .table(REJECT_REASONS.name)
        .rows()
        .map(|row| {
            Stack::new(
                row.text("reason").unwrap_or(""),
                vec![row.amount("rejects")],
            )
        })
        .collect();
    // Each group's samples, by its source, file and reason.
    let mut samples: BTreeMap<[&str; 3], Vec<Row>> = BTreeMap::new();
    for sample in report.table(REJECT_SAMPLES.name).rows() {
        samples.entry(group(&sample)).or_default().push(sample);
    }
    html! {
        @if rejects.rows.is_empty() {
            p.none { "No record was rejected in the period." }
        } @else {
            h3 { "By reason" }
            (svg::bars(&REJECTED, &stacks))
            (from(&[&REJECT_REASONS]))
            h3 { "By file and reason" }
            @if rejects.rows.len() == 200 {
                p.from { "The 200 files and reasons with the most rejects." }
            }
            (filter("reject-groups", "files and reasons"))
            table.sortable #reject-groups {
                thead { tr {
                    (heading("source", false)) (heading("file", false)) (heading("reason", false))
                    (heading("records", true)) (heading("first lines, as published", false))
                } }
                tbody {
                    @for row in rejects.rows() {
                        tr data-file=(row.text("source_file").unwrap_or("")) data-reason=(row.text("reason").unwrap_or("")) {
                            td { (row.text("source").unwrap_or("")) }
                            td { (row.text("source_file").unwrap_or("")) }
                            td { code { (row.text("reason").unwrap_or("")) } }
                            td.num data-col="rejects" { (count(row.count("rejects"))) }
                            td {
                                @for sample in samples.get(&group(&row)).into_iter().flatten() {
                                    (raw(sample))
                                }
                            }
                        }
                    }
                }
            }
        }
        (from(&[&REJECTS, &REJECT_SAMPLES]))
    }
}

/// A row's group of rejects: its source, file and reason.
fn group<'t>(row: &Row<'t>) -> [&'t str; 3] {
    ["source", "source_file", "reason"].map(|column| row.text(column).unwrap_or(""))
}

/// A rejected record's line number and text, with how much was cut.
fn raw(sample: &Row) -> Markup {
    let text = sample.text("raw_text").unwrap_or("");
    let cut = sample.count("raw_length") - text.chars().count() as i64;
    html! {
        pre.raw {
            "line " (sample.count("source_line")) ": " (text)
            @if cut > 0 { " … (" (thousands(cut)) " more characters)" }
        }
    }
}
