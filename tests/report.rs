//! `leadpipe report`, on both targets, opened in a real browser (headless Chromium,
//! offline): the page renders with no console message, and the figures read from the
//! rendered DOM equal counts taken here with SQL of the test's own (the `providers` view,
//! the ledger, the leads' issues parsed here), never the report's queries. The database
//! holds the real files, three more Nevada snapshots (two leads gone, back, then a partial
//! re-export that the guards hold), a CRM export that matches two providers, and check
//! results. A screenshot of each page is written under `target/` for a person to look at.

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};
use util::chromium::{self, Rendered};
use util::snapshots::{first_records, renamed};
use util::{Db, NEVADA, Workdir, assert_exit, raw_dir, stdout};

/// A CRM's export (the built-in `salesforce_leads` spec): two real Nevada providers as a
/// rep typed them, and a lead of the CRM's own.
const CRM: &str = "\
Id,Status,Company,FirstName,LastName,Title,Street,City,State,PostalCode,Country,Phone,MobilePhone,Email
00Q000000000001AAA,Working,Sunshine Academy Preschool,Janeece,Noel,Director,150 N Willow St,Mesquite,Nevada,89027,United States,(346) 393-9400,,
00Q000000000002AAA,Open,Discovery Gardens Childcare LLC,Sherrita,Myers,Owner,555 Page Street,Las Vegas,NV,89110,USA,503.539.3810,,
00Q000000000003AAA,Open,Bay Roberts Kids,,,,1 Water St,St. John's,Newfoundland,A1C 1A1,Canada,709-555-0100,,
";

const CHECKS: &str = "\
[[checks]]\nkind = \"row_count\"\nmin = 90\nsource = \"texas\"\n\n\
[[checks]]\nname = \"texas_is_large\"\nkind = \"row_count\"\nmin = 1000\nseverity = \"warn\"\nsource = \"texas\"\n";

/// Loads the real files, Nevada's next three snapshots, the CRM's export, then checks.
fn load(w: &Workdir, db: &Db) {
    assert_exit(&w.ingest_into(db, &[&raw_dir()], &[]), 0);
    let without_two = first_records(w, NEVADA, 98, "07-14-2023");
    assert_exit(&w.ingest_into(db, &[&without_two], &[]), 0);
    let all_again = w.write(
        &renamed(NEVADA, "07-21-2023"),
        std::fs::read(raw_dir().join(NEVADA)).unwrap(),
    );
    assert_exit(&w.ingest_into(db, &[&all_again], &[]), 0);
    let partial = first_records(w, NEVADA, 10, "07-28-2023");
    assert_exit(&w.ingest_into(db, &[&partial], &[]), 4);
    let crm = w.write("crm/salesforce-leads-2024-05-01.csv", CRM);
    assert_exit(&w.ingest_into(db, &[&crm], &[]), 0);
    let checks = w.write("checks.toml", CHECKS);
    let verify = ["verify", "--db", &db.url(), "--checks", &path(&checks)];
    assert_exit(&w.command(&verify).output().unwrap(), 0);
}

fn path(path: &Path) -> String {
    path.display().to_string()
}

/// Where the pages and screenshots stay after the run: under `target/`.
fn kept(name: &str) -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
    std::fs::create_dir_all(&folder).unwrap();
    folder.join(name)
}

/// Runs `leadpipe report` into `out`, with `extra` options.
fn report(w: &Workdir, url: &str, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["report", "--db", url, "--out"];
    let out_text = path(out);
    args.push(&out_text);
    args.extend(extra);
    let output = w.command(&args).output().unwrap();
    assert_exit(&output, 0);
    std::fs::read_to_string(out).unwrap()
}

fn select<'a>(dom: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(selector).unwrap();
    dom.select(&selector).collect()
}

/// The exact value of the `<data>` element a selector finds (it must find one).
fn value(dom: &Html, selector: &str) -> i64 {
    let found = select(dom, selector);
    assert_eq!(found.len(), 1, "{selector} finds one element");
    let data = if found[0].value().name() == "data" {
        found[0]
    } else {
        select_in(found[0], "data")
    };
    let value = data.value().attr("value").unwrap();
    // The figure shown is the same number, with separators.
    assert_eq!(data.text().collect::<String>().replace(',', ""), value);
    value.parse().unwrap()
}

fn select_in<'a>(element: ElementRef<'a>, selector: &str) -> ElementRef<'a> {
    let selector = Selector::parse(selector).unwrap();
    element.select(&selector).next().unwrap()
}

fn attr(element: &ElementRef, name: &str) -> i64 {
    element.value().attr(name).unwrap().parse().unwrap()
}

#[test]
fn the_report_renders_offline_and_its_figures_are_the_databases() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        let kind = db.kind();
        load(&w, &db);
        // The URL as a user might give it, with a password (which trust auth ignores).
        let url = db.url().replacen("postgres@", "postgres:s3cret-pw@", 1);
        let page = kept(&format!("report-{kind}.html"));
        let html = report(&w, &url, &page, &[]);
        assert!(
            !html.contains("s3cret-pw"),
            "{kind}: the password is never shown"
        );
        assert!(!html.contains(" src="), "{kind}: nothing to fetch");
        assert!(
            html.split(" href=\"")
                .skip(1)
                .all(|rest| rest.starts_with('#')),
            "{kind}: no link out of the page"
        );

        let Rendered {
            dom,
            console,
            requests,
        } = chromium::render(&page);
        assert_eq!(console, Vec::<String>::new(), "{kind}: no console message");
        assert_eq!(requests, Vec::<String>::new(), "{kind}: nothing fetched");
        let dom = Html::parse_document(&dom);
        let shown = select(&dom, "[data-figure=database]")[0]
            .text()
            .collect::<String>();
        assert_eq!(shown, db.url(), "{kind}");

        // Overview: leads, providers, net-new and CRM records.
        let count = |sql: &str| db.count(sql);
        assert_eq!(value(&dom, "[data-figure=leads]"), 248, "{kind}");
        assert_eq!(
            value(&dom, "[data-figure=active_leads]"),
            count("SELECT count(*) FROM leads WHERE is_active"),
            "{kind}"
        );
        assert_eq!(value(&dom, "[data-figure=active_leads]"), 248, "{kind}");
        let providers = count("SELECT count(*) FROM providers WHERE is_active");
        assert_eq!(value(&dom, "[data-figure=providers]"), providers, "{kind}");
        let net_new = count("SELECT count(*) FROM providers WHERE is_active AND NOT in_crm");
        assert_eq!(value(&dom, "[data-figure=net_new]"), net_new, "{kind}");
        assert_eq!(
            providers - net_new,
            2,
            "{kind}: the CRM has two of the providers"
        );
        assert_eq!(value(&dom, "[data-figure=crm_records]"), 3, "{kind}");
        for source in ["nevada", "oklahoma", "texas"] {
            let row = format!("#leads-by-source tr[data-source={source}]");
            assert_eq!(
                value(&dom, &format!("{row} [data-col=active]")),
                count(&format!(
                    "SELECT count(*) FROM leads WHERE source = '{source}' AND is_active"
                )),
                "{kind} {source}"
            );
            let age = value(
                &dom,
                &format!("#freshness tr[data-source={source}] [data-col=age]"),
            );
            let newest = if source == "nevada" {
                "2023-07-21"
            } else {
                "2023-07-07"
            };
            let newest = chrono::NaiveDate::parse_from_str(newest, "%Y-%m-%d").unwrap();
            let today = chrono::Utc::now().date_naive();
            assert!(
                (age - (today - newest).num_days()).abs() <= 1,
                "{kind} {source}: {age} days old"
            );
        }

        // Over time: Nevada's snapshots, as the ledger has them.
        let snapshot = |date: &str, column: &str| {
            value(
                &dom,
                &format!(
                    "#snapshots tr[data-source=nevada][data-date=\"{date}\"] [data-col={column}]"
                ),
            )
        };
        assert_eq!(snapshot("2023-07-07", "inserted"), 100, "{kind}");
        assert_eq!(snapshot("2023-07-14", "deactivated"), 2, "{kind}");
        assert_eq!(snapshot("2023-07-21", "reactivated"), 2, "{kind}");
        assert_eq!(snapshot("2023-07-21", "updated"), 0, "{kind}");
        let held = select(&dom, "#snapshots tr[data-status=held]");
        assert_eq!(held.len(), 1, "{kind}");
        assert_eq!(held[0].value().attr("data-date"), Some("2023-07-28"));
        let guard = held[0].text().collect::<String>();
        let message = db.text("SELECT message FROM source_files WHERE status = 'held'");
        assert!(
            message.starts_with("held by guards: it would deactivate "),
            "{message}"
        );
        assert!(guard.contains(&message), "{kind}: {guard}");
        assert_eq!(select(&dom, "#over-time svg rect.mark").len(), 1, "{kind}");

        // Quality: the heatmap's cells are the current snapshots' columns.
        for (source, column) in [("nevada", "phone"), ("texas", "email"), ("oklahoma", "zip")] {
            let cell = select(
                &dom,
                &format!("#quality g.cell[data-row={column}][data-column={source}]"),
            );
            assert_eq!(cell.len(), 1, "{kind} {source} {column}");
            let active = format!("FROM leads WHERE source = '{source}' AND is_active");
            assert_eq!(
                attr(&cell[0], "data-part"),
                count(&format!("SELECT count({column}) {active}")),
                "{kind} {source} {column}"
            );
            assert_eq!(
                attr(&cell[0], "data-whole"),
                count(&format!("SELECT count(*) {active}"))
            );
        }
        let invalid = select(
            &dom,
            "#invalid tr[data-source=nevada] [data-col=\"invalid phones\"]",
        );
        assert_eq!(
            attr(&invalid[0], "data-part"),
            count(
                "SELECT count(*) FROM leads WHERE source = 'nevada' AND is_active AND NOT phone_valid"
            ),
            "{kind}"
        );
        for ((source, reason), n) in issue_reasons(&db) {
            let cell = format!(
                "#issue-reasons tr[data-source={source}][data-reason={reason}] [data-col=issues]"
            );
            assert_eq!(value(&dom, &cell), n, "{kind} {source} {reason}");
        }
        let failed = select(
            &dom,
            "#checks tr[data-check=texas_is_large] [data-col=status]",
        );
        assert_eq!(failed[0].text().collect::<String>(), "fail", "{kind}");

        // Rejects: Oklahoma's record cut off inside a quote, with its line as published.
        let rejects = select(&dom, "#reject-groups tbody tr");
        assert_eq!(rejects.len(), 1, "{kind}");
        assert_eq!(
            rejects[0].value().attr("data-reason"),
            Some("unterminated_quote")
        );
        assert_eq!(
            value(&dom, "#reject-groups [data-col=rejects]"),
            count("SELECT count(*) FROM rejects")
        );
        let raw = db.text("SELECT raw_text FROM rejects");
        let shown = select_in(rejects[0], "pre.raw").text().collect::<String>();
        assert!(shown.starts_with("line 100: "), "{kind}: {shown}");
        assert!(
            shown.contains(&raw[..raw.len().min(400)]),
            "{kind}: {shown}"
        );

        // Entities: the groups, and the links under review, as the tables hold them.
        assert_eq!(
            value(&dom, "[data-figure=duplicate_groups]"),
            count("SELECT count(*) FROM providers WHERE members > 1"),
            "{kind}"
        );
        assert_eq!(
            value(&dom, "[data-figure=across_sources]"),
            count("SELECT count(*) FROM providers WHERE sources LIKE '%,%'"),
            "{kind}"
        );
        // An entity of two records or more: two leads, or a lead and a CRM record.
        let largest = select(&dom, "#largest-entities tbody tr");
        let groups = count("SELECT count(*) FROM providers WHERE members > 1 OR in_crm");
        assert_eq!(largest.len() as i64, groups.min(10), "{kind}");
        let crm_match = select(&dom, "#largest-entities tr[data-entity] td")
            .iter()
            .any(|td| td.text().collect::<String>() == "nevada; salesforce_leads");
        assert!(
            crm_match,
            "{kind}: a provider and its CRM record are one entity"
        );
        assert!(
            select(&dom, "[data-figure=pairs_under_review]").len() == 1,
            "{kind}: the model is stored, so the band under review is shown"
        );

        // Runs: every run, the newest first.
        let runs = select(&dom, "#run-list tbody tr");
        assert_eq!(
            runs.len() as i64,
            count("SELECT count(*) FROM runs"),
            "{kind}"
        );
        let newest = db.text("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1");
        assert_eq!(runs[0].value().attr("data-run"), Some(newest.as_str()));

        // The data behind the figures, embedded as JSON.
        let data = select(&dom, "#report-data")[0].text().collect::<String>();
        let data: serde_json::Value = serde_json::from_str(&data).unwrap();
        let rows = data["leads_by_source"]["rows"].as_array().unwrap();
        let leads: i64 = rows.iter().map(|row| row[2].as_i64().unwrap()).sum();
        assert_eq!(leads, 248, "{kind}");

        let png = kept(&format!("report-{kind}.png"));
        chromium::screenshot(&page, &png, 7000);
        let shot = std::fs::read(&png).unwrap();
        assert!(
            shot.starts_with(b"\x89PNG\r\n\x1a\n") && shot.len() > 50_000,
            "{kind}"
        );
        // It prints: the browser's Print makes a PDF of several pages.
        let pdf = kept(&format!("report-{kind}.pdf"));
        chromium::print(&page, &pdf);
        let printed = std::fs::read(&pdf).unwrap();
        let pages = printed.windows(11).filter(|w| w == b"/Type /Page").count();
        assert!(
            printed.starts_with(b"%PDF-") && pages >= 3,
            "{kind}: {pages} pages"
        );
    }
}

/// The doubtful values noted on active leads, by source and reason, from the leads'
/// `issues` JSON as parsed here.
fn issue_reasons(db: &Db) -> BTreeMap<(String, String), i64> {
    let mut counts = BTreeMap::new();
    let rows = db.texts(
        "SELECT source, CAST(issues AS TEXT) FROM leads WHERE is_active AND issues IS NOT NULL",
    );
    for row in rows {
        let issues: Vec<serde_json::Value> =
            serde_json::from_str(row[1].as_ref().unwrap()).unwrap();
        for issue in issues {
            let reason = issue["reason"].as_str().unwrap().to_string();
            *counts.entry((row[0].clone().unwrap(), reason)).or_default() += 1;
        }
    }
    assert!(!counts.is_empty(), "the real files have doubtful values");
    counts
}

#[test]
fn since_limits_the_snapshots_rejects_and_runs_to_the_period() {
    let w = Workdir::new();
    let db = Db::Sqlite(w.path().join("target.db"));
    assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
    let page = w.path().join("later.html");
    report(&w, &db.url(), &page, &["--since", "2999-01-01"]);
    let Rendered { dom, console, .. } = chromium::render(&page);
    assert_eq!(console, Vec::<String>::new());
    let dom = Html::parse_document(&dom);
    assert_eq!(
        select(&dom, "[data-figure=period]")[0]
            .text()
            .collect::<String>(),
        "since 2999-01-01"
    );
    assert_eq!(select(&dom, "#run-list tbody tr").len(), 0);
    assert_eq!(select(&dom, "#snapshots tbody tr").len(), 0);
    assert_eq!(select(&dom, "#reject-groups tbody tr").len(), 0);
    // The overview is the database as it is.
    assert_eq!(value(&dom, "[data-figure=leads]"), 248);
    let text = dom.root_element().text().collect::<String>();
    assert!(text.contains("No run in the period."));
    assert!(text.contains("No record was rejected in the period."));
}

#[test]
fn the_browser_check_sees_a_script_error_and_a_fetch() {
    let w = Workdir::new();
    let broken = w.write(
        "broken.html",
        "<!doctype html><p>x</p><img src=\"https://cdn.example.com/x.png\"><script>null.x</script>",
    );
    let Rendered {
        console, requests, ..
    } = chromium::render(&broken);
    assert_eq!(console.len(), 1, "{console:?}");
    assert!(console[0].contains("Uncaught TypeError"), "{console:?}");
    assert_eq!(requests, ["https://cdn.example.com/x.png"]);
}

#[test]
fn a_report_to_standard_output_and_of_a_missing_database() {
    let w = Workdir::new();
    let db = Db::Sqlite(w.path().join("target.db"));
    assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
    let out = w
        .command(&["report", "--db", &db.url(), "--out", "-"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let page = stdout(&out);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.ends_with("</html>"));

    let missing = w.path().join("missing.db");
    let out = w
        .command(&["report", "--db", &format!("sqlite:{}", missing.display())])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(!missing.exists(), "a report never creates a database");
}

#[test]
fn a_heading_sorts_its_table_and_the_box_above_filters_it() {
    let w = Workdir::new();
    let db = Db::Sqlite(w.path().join("target.db"));
    assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
    let page = w.path().join("report.html");
    let html = report(&w, &db.url(), &page, &[]);
    // What a person does: click a heading of a table low on the page (by its share of
    // invalid phones, ascending), type in a filter box.
    let clicks = r#"<script>
document.querySelector('#invalid th:nth-child(2)').click();
const filter = document.querySelector('input[data-filter="leads-by-source"]');
filter.value = "TEX";
filter.dispatchEvent(new Event("input"));
</script></body>"#;
    let clicked = w.write("clicked.html", html.replace("</body>", clicks));
    let Rendered { dom, console, .. } = chromium::render(&clicked);
    assert_eq!(console, Vec::<String>::new());
    let dom = Html::parse_document(&dom);
    let order: Vec<&str> = select(&dom, "#invalid tbody tr")
        .iter()
        .map(|row| row.value().attr("data-source").unwrap())
        .collect();
    // Nevada has the invalid phones: last; the others keep their order.
    assert_eq!(order, ["oklahoma", "texas", "nevada"]);
    let shown: Vec<&str> = select(&dom, "#leads-by-source tbody tr:not([hidden])")
        .iter()
        .map(|row| row.value().attr("data-source").unwrap())
        .collect();
    assert_eq!(shown, ["texas"]);
}
