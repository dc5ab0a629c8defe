//! Overview: leads and providers, by source and state, active and not, net-new against
//! the CRM where a reference source is loaded, and each source's newest snapshot and age.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::Report;
use super::format::{count, figure};
use super::page::{filter, from, heading};
use super::svg::{self, Series, Stack};
use super::tally::{BY_SOURCE, ENTITIES};
use crate::store::report::{CRM_ENTITIES, CRM_RECORDS, FRESHNESS, LEAD_ENTITIES};

const ACTIVITY: [Series; 2] = [Series::new("active", "s0"), Series::new("inactive", "s1")];

pub(super) fn draw(report: &Report) -> Markup {
    let by_source = report.table(BY_SOURCE);
    let entities = report.table(ENTITIES);
    let crm_records = report
        .table(CRM_RECORDS.name)
        .rows()
        .next()
        .map_or(0, |row| row.count("crm_records"));
    let freshness = report.table(FRESHNESS.name);
    let (leads, active) = by_source.rows().fold((0, 0), |(leads, active), row| {
        (leads + row.count("leads"), active + row.count("active"))
    });
    let totals = entities.rows().next();
    let total = |column| totals.map_or(0, |row| row.count(column));
    let crm_loaded = freshness.rows().any(|row| row.flag("reference"));
    // Per source, for the chart: active and inactive leads over its states.
    let mut per_source: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for row in by_source.rows() {
        let entry = per_source
            .entry(row.text("source").unwrap_or(""))
            .or_default();
        entry.0 += row.amount("active");
        entry.1 += row.amount("leads") - row.amount("active");
    }
    let stacks: Vec<Stack> = per_source
        .iter()
        .map(|(source, (active, inactive))| Stack::new(*source, vec![*active, *inactive]))
        .collect();
    html! {
        div.figures {
            (figure("leads", "leads", leads))
            (figure("active_leads", "active leads", active))
            (figure("inactive_leads", "inactive leads", leads - active))
            (figure("providers", "providers (entities with an active lead)", total("providers")))
            @if crm_loaded {
                (figure("net_new", "net-new providers (not in the CRM)", total("net_new")))
                (figure("crm_records", "CRM records", crm_records))
            }
            (figure("sources", "sources", freshness.rows().len() as i64))
        }
        @if !crm_loaded {
            p.none { "No reference source (a CRM's export) is loaded: net-new providers are not counted." }
        }
        @if stacks.is_empty() {
            p.none { "No leads yet." }
        } @else {
            h3 { "Leads by source" }
            (svg::bars(&ACTIVITY, &stacks))
        }
        h3 { "By source and state" }
        (filter("leads-by-source", "sources and states"))
        table.sortable #leads-by-source {
            thead { tr {
                (heading("source", false)) (heading("state", false)) (heading("leads", true))
                (heading("active", true)) (heading("inactive", true))
                (heading("providers", true))
                @if crm_loaded { (heading("net-new", true)) }
            } }
            tbody {
                @for row in by_source.rows() {
                    tr data-source=(row.text("source").unwrap_or("")) data-state=(row.text("state").unwrap_or("")) {
                        td { (row.text("source").unwrap_or("")) }
                        td { (row.text("state").unwrap_or("(none)")) }
                        td.num data-col="leads" { (count(row.count("leads"))) }
                        td.num data-col="active" { (count(row.count("active"))) }
                        td.num data-col="inactive" { (count(row.count("leads") - row.count("active"))) }
                        td.num data-col="providers" { (count(row.count("providers"))) }
                        @if crm_loaded { td.num data-col="net_new" { (count(row.count("net_new"))) } }
                    }
                }
            }
        }
        p.from { "A provider with leads in two sources or states counts in each row, once in the totals above." }
        h3 { "Freshness" }
        table.sortable #freshness {
            thead { tr {
                (heading("source", false)) (heading("kind", false)) (heading("newest snapshot", false))
                (heading("age (days)", true)) (heading("snapshots", true)) (heading("loaded at", false))
            } }
            tbody {
                @for row in freshness.rows() {
                    @let newest = row.day("newest_snapshot");
                    tr data-source=(row.text("source").unwrap_or("")) {
                        td { (row.text("source").unwrap_or("")) }
                        td { @if row.flag("reference") { "CRM" } @else { "leads" } }
                        td { @if let Some(day) = newest { (day) } }
                        td.num data-col="age" {
                            @if let Some(day) = newest {
                                (count((report.made_at.date_naive() - day).num_days()))
                            }
                        }
                        td.num data-col="snapshots" { (count(row.count("snapshots"))) }
                        td { @if let Some(time) = row.time("loaded_at") { (crate::store::time_text(time)) } }
                    }
                }
            }
        }
        (from(&[&LEAD_ENTITIES, &CRM_ENTITIES, &CRM_RECORDS, &FRESHNESS]))
    }
}
