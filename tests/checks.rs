//! Declarative checks, through the real binary, on both targets: run before an ingest
//! commits (a failing one does not undo the load) and by `leadpipe verify`, their results
//! in `check_results`.

mod util;

use std::path::Path;

use util::{Db, Workdir, assert_exit, raw_dir, stderr, stdout};

/// The results of a run, as rows of source, check, severity, status, observed, threshold.
fn results(db: &Db, run_id: &str) -> Vec<[String; 6]> {
    db.texts(&format!(
        "SELECT source, check_name, severity, status, observed, threshold FROM check_results
         WHERE run_id = '{run_id}' ORDER BY id"
    ))
    .into_iter()
    .map(|row| std::array::from_fn(|i| row[i].clone().unwrap_or_default()))
    .collect()
}

fn row(cells: [&str; 6]) -> [String; 6] {
    cells.map(String::from)
}

/// The id of the newest run of a command.
fn last_run(db: &Db, command: &str) -> String {
    db.text(&format!(
        "SELECT run_id FROM runs WHERE command = '{command}' ORDER BY started_at DESC LIMIT 1"
    ))
}

fn verify(w: &Workdir, db: &Db, extra: &[&str]) -> std::process::Output {
    let url = db.url();
    let mut args = vec!["verify", "--db", url.as_str()];
    args.extend(extra);
    w.command(&args).output().unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_failing_error_check_sets_the_exit_status_and_the_load_stands() {
    let w = Workdir::new();
    let checks = w.write(
        "checks.toml",
        r#"
        [[checks]]
        kind = "accepted_values"
        column = "state"
        values = ["NM"]
        source = "nevada"
        name = "nevada is in New Mexico"

        [[checks]]
        kind = "accepted_values"
        column = "facility_type"
        "#,
    );
    for db in Db::both(&w) {
        let kind = db.kind();
        let out = w.ingest_into(&db, &[&raw_dir()], &["--checks", path(&checks)]);
        assert_exit(&out, 3);
        assert!(
            stderr(&out).contains(
                "error: check `nevada is in New Mexico` failed on nevada: observed 100 of 100 \
                 leads outside the set; threshold in [NM]\n"
            ),
            "{kind}: {}",
            stderr(&out)
        );
        assert!(
            stdout(&out).contains(
                "checks (table `check_results`): 4 run, 3 passed, 1 failed (error), 0 failed (warn)\n"
            ),
            "{kind}: {}",
            stdout(&out)
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE is_active"),
            248,
            "{kind}: the load stands"
        );
        let run = last_run(&db, "ingest");
        let types = "in [Child Care Center, Family Child Care Home, Group Child Care Home, \
                     Accommodation Facility, Permitted Program]";
        assert_eq!(
            results(&db, &run),
            [
                row([
                    "nevada",
                    "nevada is in New Mexico",
                    "error",
                    "fail",
                    "100 of 100 leads outside the set",
                    "in [NM]"
                ]),
                row([
                    "nevada",
                    "accepted_values(facility_type)",
                    "error",
                    "pass",
                    "0 of 100 leads outside the set",
                    types
                ]),
                row([
                    "oklahoma",
                    "accepted_values(facility_type)",
                    "error",
                    "pass",
                    "0 of 49 leads outside the set",
                    types
                ]),
                row([
                    "texas",
                    "accepted_values(facility_type)",
                    "error",
                    "pass",
                    "0 of 99 leads outside the set",
                    types
                ]),
            ],
            "{kind}"
        );
        assert_eq!(
            db.text("SELECT status FROM runs"),
            "completed",
            "{kind}: committed with its results"
        );
    }
}

#[test]
fn a_failing_warn_check_is_reported_and_recorded_with_exit_status_0() {
    let w = Workdir::new();
    let checks = w.write(
        "checks.toml",
        r#"
        [[checks]]
        kind = "fill_rate"
        column = "email"
        min_share = 0.5
        severity = "warn"
        source = "nevada"
        "#,
    );
    for db in Db::both(&w) {
        let kind = db.kind();
        let out = w.ingest_into(&db, &[&raw_dir()], &["--checks", path(&checks)]);
        assert_exit(&out, 0);
        assert!(
            stderr(&out).contains(
                "warning: check `fill_rate(email)` failed on nevada: observed 0.000 (0 of 100); \
                 threshold at least 0.5\n"
            ),
            "{kind}: {}",
            stderr(&out)
        );
        assert_eq!(
            results(&db, &last_run(&db, "ingest")),
            [row([
                "nevada",
                "fill_rate(email)",
                "warn",
                "fail",
                "0.000 (0 of 100)",
                "at least 0.5"
            ])],
            "{kind}"
        );
    }
}

#[test]
fn verify_judges_freshness_as_of_a_fixed_day_and_stores_its_results() {
    let w = Workdir::new();
    let checks = w.write(
        "checks.toml",
        "[[checks]]\nkind = \"freshness\"\nmax_age_days = 7\nsource = \"texas\"\n\n\
         [[checks]]\nkind = \"row_count\"\nmin = 90\nmax = 100\nsource = \"texas\"\n",
    );
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let leads_before = db.count("SELECT count(*) FROM leads");

        let out = verify(
            &w,
            &db,
            &["--checks", path(&checks), "--as-of", "2023-07-14"],
        );
        assert_exit(&out, 0);
        let first = last_run(&db, "verify");
        assert!(
            stdout(&out).contains(&format!("verify run {first} on ")),
            "{kind}: {}",
            stdout(&out)
        );
        let row_count = row([
            "texas",
            "row_count",
            "error",
            "pass",
            "99",
            "from 90 to 100",
        ]);
        assert_eq!(
            results(&db, &first),
            [
                row([
                    "texas",
                    "freshness",
                    "error",
                    "pass",
                    "newest snapshot 2023-07-07, 7 days old",
                    "at most 7 days old on 2023-07-14"
                ]),
                row_count.clone(),
            ],
            "{kind}"
        );

        let out = verify(
            &w,
            &db,
            &["--checks", path(&checks), "--as-of", "2023-07-15"],
        );
        assert_exit(&out, 3);
        assert!(
            stderr(&out).contains(
                "error: check `freshness` failed on texas: observed newest snapshot 2023-07-07, \
                 8 days old; threshold at most 7 days old on 2023-07-15\n"
            ),
            "{kind}: {}",
            stderr(&out)
        );
        let second = last_run(&db, "verify");
        assert_ne!(first, second, "{kind}: each verify is a run of its own");
        assert_eq!(
            results(&db, &second),
            [
                row([
                    "texas",
                    "freshness",
                    "error",
                    "fail",
                    "newest snapshot 2023-07-07, 8 days old",
                    "at most 7 days old on 2023-07-15"
                ]),
                row_count,
            ],
            "{kind}"
        );
        assert_eq!(
            db.count(
                "SELECT count(*) FROM runs WHERE command = 'verify' AND status = 'completed' \
                 AND records_read = 0"
            ),
            2,
            "{kind}: verify runs load nothing"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads"),
            leads_before,
            "{kind}"
        );
    }
}

#[test]
fn a_spec_carries_its_own_checks() {
    let w = Workdir::new();
    let texas =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/texas.toml"))
            .unwrap();
    let specs = w.path().join("specs");
    w.write(
        "specs/texas.toml",
        format!(
            "{texas}\n[[checks]]\nkind = \"accepted_values\"\ncolumn = \"state\"\n\n\
             [[checks]]\nkind = \"unique\"\ncolumn = \"zip\"\nseverity = \"warn\"\n"
        ),
    );
    for db in Db::both(&w) {
        let kind = db.kind();
        let out = w.ingest_into(&db, &[&raw_dir()], &["--specs", path(&specs)]);
        assert_exit(&out, 0);
        let found = results(&db, &last_run(&db, "ingest"));
        assert_eq!(found.len(), 2, "{kind}: only Texas has checks: {found:?}");
        assert_eq!(
            found[0],
            row([
                "texas",
                "accepted_values(state)",
                "error",
                "pass",
                "0 of 99 leads outside the set",
                "in [TX]"
            ]),
            "{kind}"
        );
        assert_eq!(
            found[1],
            row([
                "texas",
                "unique(zip)",
                "warn",
                "fail",
                "7 value(s) held by more than one lead",
                "no value held twice"
            ]),
            "{kind}: providers share ZIP codes"
        );
    }

    // A mistake is named with its spec and its column, before anything is loaded.
    w.write(
        "specs/texas.toml",
        format!("{texas}\n[[checks]]\nkind = \"fill_rate\"\ncolumn = \"phon\"\nmin_share = 1\n"),
    );
    let out = w
        .command(&["specs", "--specs", path(&specs)])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let expected = format!(
        "error: source spec {}: `[[checks]]` number 1: `column = \"phon\"` is not a \
         lead column\n",
        specs.join("texas.toml").display()
    );
    assert_eq!(stderr(&out), expected);
}

#[test]
fn a_checks_file_naming_an_unknown_source_is_refused_before_the_load() {
    let w = Workdir::new();
    let checks = w.write(
        "checks.toml",
        "[[checks]]\nkind = \"row_count\"\nmin = 1\nsource = \"texs\"\n",
    );
    let out = w.ingest_with(&[&raw_dir()], &["--checks", path(&checks)]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        format!(
            "error: checks file {}: `[[checks]]` number 1: `source = \"texs\"` is no \
             id of a spec of leads (they are nevada, oklahoma, texas)\n",
            checks.display()
        )
    );
    assert!(!w.db_path().exists(), "the database was not touched");
}
