//! Entities: the duplicate groups resolution found, the largest of them, and the links
//! the model is least sure of, which `leadpipe review` would ask a person about.

use maud::{Markup, html};

use super::format::{count, figure};
use super::page::{from, heading};
use super::tally::ENTITIES;
use super::{Model, Report};
use crate::resolve::model::probability;
use crate::store::report::{LABELS, LARGEST_ENTITIES, LEAD_ENTITIES, REVIEW_PAIRS, Row};

pub(super) fn draw(report: &Report) -> Markup {
    let entities = report.table(ENTITIES);
    let totals = entities.rows().next();
    let total = |column| totals.map_or(0, |row| row.count(column));
    let labels = report.table(LABELS.name);
    let labelled = |label| {
        labels
            .rows()
            .find(|row| row.text("label") == Some(label))
            .map_or(0, |row| row.count("pairs"))
    };
    let members: Vec<Row> = report.table(LARGEST_ENTITIES.name).rows().collect();
    let mut largest: Vec<&[Row]> = members
        .chunk_by(|a, b| a.count("entity_id") == b.count("entity_id"))
        .collect();
    largest.sort_by_key(|group| std::cmp::Reverse(group.len()));
    html! {
        @if report.model == Model::None && total("duplicate_groups") == 0 {
            p.none { "The leads have not been resolved into entities (`leadpipe resolve`)." }
        }
        div.figures {
            (figure("duplicate_groups", "duplicate groups (entities of two leads or more)", total("duplicate_groups")))
            (figure("leads_in_groups", "leads in them", total("leads_in_groups")))
            (figure("across_sources", "entities across sources", total("across_sources")))
            (figure("must_link", "pairs labelled must-link", labelled("must_link")))
            (figure("cannot_link", "pairs labelled cannot-link", labelled("cannot_link")))
        }
        (from(&[&LEAD_ENTITIES, &LABELS]))
        h3 { "Largest entities" }
        @if members.is_empty() {
            p.none { "No entity has more than one record." }
        } @else {
            table.sortable #largest-entities {
                thead { tr {
                    (heading("entity", true)) (heading("records", true)) (heading("sources", false))
                    (heading("names", false)) (heading("cities", false))
                } }
                tbody {
                    @for group in largest {
                        tr data-entity=(group[0].count("entity_id")) {
                            td.num { (count(group[0].count("entity_id"))) }
                            td.num data-col="records" { (count(group.len() as i64)) }
                            td { (distinct(group, "source")) }
                            td { (distinct(group, "company")) }
                            td { (distinct(group, "city")) }
                        }
                    }
                }
            }
        }
        (from(&[&LARGEST_ENTITIES]))
        h3 { "Pairs under review" }
        (review(report))
        (from(&[&REVIEW_PAIRS]))
    }
}

/// The links within one bit above the threshold, the nearest first.
fn review(report: &Report) -> Markup {
    let pairs: Vec<Row> = report.table(REVIEW_PAIRS.name).rows().collect();
    let in_band = pairs.first().map_or(0, |row| row.count("in_band"));
    html! {
        @match report.model {
            Model::None => p.none { "No resolution model is stored." },
            Model::Stale => p.none {
                "The stored resolution model was trained by an earlier leadpipe: `leadpipe resolve --retrain` trains it again, and the pairs under review show here."
            },
            Model::Trained { link_weight: link } => {
                p {
                    data value=(in_band) data-figure="pairs_under_review" { (super::format::thousands(in_band)) }
                    " links weigh between the threshold (" (format!("{link:.2}")) " bits) and one bit above it: "
                    "the model is least sure of these. `leadpipe review` lists them with the pairs just below, for labels."
                }
                @if !pairs.is_empty() {
                    table.sortable #review-pairs {
                        thead { tr {
                            (heading("lead", false)) (heading("name", false)) (heading("lead", false))
                            (heading("name", false)) (heading("weight (bits)", true)) (heading("probability", true))
                        } }
                        tbody {
                            @for pair in &pairs {
                                @let weight = pair.number("weight").unwrap_or(0.0);
                                tr {
                                    td { (pair.text("lead_a").unwrap_or("")) }
                                    td { (pair.text("company_a").unwrap_or("")) }
                                    td { (pair.text("lead_b").unwrap_or("")) }
                                    td { (pair.text("company_b").unwrap_or("")) }
                                    td.num { data value=(weight) { (format!("{weight:.2}")) } }
                                    td.num { (format!("{:.3}", probability(weight))) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The distinct values of a column among an entity's members, in order of first mention.
fn distinct(group: &[Row], column: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for value in group.iter().filter_map(|row| row.text(column)) {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    let more = seen.len().saturating_sub(3);
    let mut text = seen[..seen.len().min(3)].join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    text
}
