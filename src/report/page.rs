//! The page around the sections: its head (styles inline), what it says of itself (the
//! database, when it was made, the period), the sections in order, the data as JSON and
//! the few lines of script that sort and filter its tables.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{Report, entities, over_time, overview, quality, rejects, runs};
use crate::store::report::ReportQuery;
use crate::store::time_text;

/// A section of the page: its anchor, its heading and how it is drawn.
struct Section {
    id: &'static str,
    title: &'static str,
    draw: fn(&Report) -> Markup,
}

const SECTIONS: [Section; 6] = [
    Section {
        id: "overview",
        title: "Overview",
        draw: overview::draw,
    },
    Section {
        id: "over-time",
        title: "Over time",
        draw: over_time::draw,
    },
    Section {
        id: "quality",
        title: "Quality",
        draw: quality::draw,
    },
    Section {
        id: "rejects",
        title: "Rejects",
        draw: rejects::draw,
    },
    Section {
        id: "entities",
        title: "Entities",
        draw: entities::draw,
    },
    Section {
        id: "runs",
        title: "Runs",
        draw: runs::draw,
    },
];

pub(super) fn render(report: &Report) -> Markup {
    let made = time_text(report.made_at);
    let period = match report.since {
        Some(day) => format!("since {day}"),
        None => "all time".to_string(),
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={"leadpipe " (env!("CARGO_PKG_VERSION"))};
                title { "Leads report: " (report.database) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Leads report" }
                    p.about {
                        "Database " code data-figure="database" { (report.database) }
                        " · made " time datetime=(made) data-figure="made_at" { (made) }
                        " by leadpipe " (env!("CARGO_PKG_VERSION"))
                        " · snapshots, rejects and runs: " span data-figure="period" { (period) }
                    }
                    nav {
                        @for section in &SECTIONS {
                            a href={"#" (section.id)} { (section.title) }
                        }
                    }
                }
                main {
                    @for section in &SECTIONS {
                        section id=(section.id) {
                            h2 { (section.title) }
                            ((section.draw)(report))
                        }
                    }
                }
                footer {
                    "Every figure is a row of a query the README lists (Report); the rows are in "
                    "this page as JSON (" code { "#report-data" } ")."
                }
                script type="application/json" id="report-data" { (PreEscaped(json(report))) }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

/// The queries a part of the page comes from, by the names the README lists them under.
pub(super) fn from(queries: &[&ReportQuery]) -> Markup {
    html! {
        p.from {
            "From "
            @for (i, query) in queries.iter().enumerate() {
                @if i > 0 { ", " }
                code { (query.name) }
            }
            "."
        }
    }
}

/// A sortable table's heading cell; `numeric` ones are right-aligned.
pub(super) fn heading(label: &str, numeric: bool) -> Markup {
    html! { th.num[numeric] scope="col" { (label) } }
}

/// A filter box for the table `id`.
pub(super) fn filter(id: &str, what: &str) -> Markup {
    html! {
        input.filter type="search" data-filter=(id) placeholder={"Filter " (what) "…"}
            aria-label={"Filter " (what)};
    }
}

/// The data as JSON that no text in it can end the script element it is in: every `<`
/// is escaped, so neither `</script>` nor `<!--` appears.
fn json(report: &Report) -> String {
    report.data().to_string().replace('<', "\\u003c")
}

const STYLE: &str = r#"
:root { --ink: #1d2733; --muted: #5b6776; --line: #d8dee6; --s0: #3a6ea5; --s1: #9fb7d4;
  --s2: #e0a030; --s3: #6aa56a; --bad: #c0392b; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1180px; padding: 0 20px 40px; }
header { border-bottom: 2px solid var(--line); padding: 12px 0 8px; }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { margin: 32px 0 8px; font-size: 19px; border-bottom: 1px solid var(--line); }
h3 { margin: 20px 0 6px; font-size: 15px; }
.about, .from, footer, .none { color: var(--muted); }
.from { font-size: 12px; }
nav a { margin-right: 14px; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.figure data { display: block; font-size: 22px; font-weight: 600; }
.figure span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: left;
  vertical-align: top; }
th { cursor: pointer; font-size: 12px; color: var(--muted); white-space: nowrap; }
.num { text-align: right; }
.fail, .held { color: var(--bad); font-weight: 600; }
pre.raw { margin: 2px 0; padding: 3px 6px; background: #f5f6f8; font-size: 12px;
  white-space: pre-wrap; word-break: break-all; max-width: 760px; }
input.filter { margin: 4px 0; padding: 3px 6px; width: 260px; }
svg.chart { display: block; margin: 8px 0; font-size: 11px; fill: var(--ink); }
svg .s0 { fill: var(--s0); } svg .s1 { fill: var(--s1); } svg .s2 { fill: var(--s2); }
svg .s3 { fill: var(--s3); }
svg .axis { stroke: var(--line); }
svg rect.mark { fill: none; stroke: var(--bad); stroke-dasharray: 3 2; }
svg text.mark { fill: var(--bad); font-weight: 700; }
svg path.break { fill: none; stroke: #fff; stroke-width: 3; }
svg text.cut { font-weight: 600; }
svg .warning { fill: var(--bad); }
svg .on-dark { fill: #fff; } svg .on-light { fill: var(--ink); }
@media print {
  body { max-width: none; font-size: 11px; }
  nav, input.filter { display: none; }
  section, svg.chart, table { break-inside: avoid; }
}
"#;

/// Sorting by a heading's column (by a cell's `data-sort`, else its `<data>` value, else
/// its text), and filtering a table by the text of its rows.
const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable th").forEach(th => th.addEventListener("click", () => {
  const body = th.closest("table").tBodies[0], i = th.cellIndex, dir = th.dataset.dir = th.dataset.dir === "up" ? "down" : "up";
  const key = row => { const c = row.cells[i], d = c.dataset.sort ?? c.querySelector("data")?.value; return d === undefined ? c.textContent : Number(d); };
  const rows = [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (dir === "up" ? 1 : -1); });
  body.append(...rows);
}));
document.querySelectorAll("input[data-filter]").forEach(input => input.addEventListener("input", () => {
  const text = input.value.toLowerCase();
  for (const row of document.getElementById(input.dataset.filter).tBodies[0].rows) row.hidden = !row.textContent.toLowerCase().includes(text);
}));
"#;
