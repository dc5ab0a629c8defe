//! Rejects: the records that could not be loaded, by reason and by file, each group with
//! its first raw lines as published (escaped, and cut when long).

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::Report;
use super::format::{count, thousands};
use super::page::{filter, from, heading};
use super::svg::{self, Series, Stack};
use crate::store::report::{REJECT_SAMPLES, REJECTS, Row};

const REJECTED: [Series; 1] = [Series::new("rejected", "s2")];

pub(super) fn draw(report: &Report) -> Markup {
    let rejects = report.table(REJECTS.name);
    let mut by_reason: BTreeMap<&str, u64> = BTreeMap::new();
    for row in rejects.rows() {
        *by_reason
            .entry(row.text("reason").unwrap_or(""))
            .or_default() += row.amount("rejects");
    }
    let mut reasons: Vec<(&str, u64)> = by_reason.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let stacks: Vec<Stack> = reasons
        .iter()
        .map(|(reason, n)| Stack::new(*reason, vec![*n]))
        .collect();
    let samples: Vec<Row> = report.table(REJECT_SAMPLES.name).rows().collect();
    html! {
        @if rejects.rows.is_empty() {
            p.none { "No record was rejected in the period." }
        } @else {
            h3 { "By reason" }
            (svg::bars(&REJECTED, &stacks))
            h3 { "By file and reason" }
            (filter("rejects", "files and reasons"))
            table.sortable #rejects {
                thead { tr {
                    (heading("source", false)) (heading("file", false)) (heading("reason", false))
                    (heading("records", true)) (heading("first lines, as published", false))
                } }
                tbody {
                    @for row in rejects.rows() {
                        @let (file, reason) = (row.text("source_file").unwrap_or(""), row.text("reason").unwrap_or(""));
                        tr data-file=(file) data-reason=(reason) {
                            td { (row.text("source").unwrap_or("")) }
                            td { (file) }
                            td { code { (reason) } }
                            td.num data-col="rejects" { (count(row.count("rejects"))) }
                            td {
                                @for sample in samples.iter().filter(|s| s.text("source_file") == Some(file) && s.text("reason") == Some(reason)) {
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
