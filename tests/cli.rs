//! The command line: help, defaults, specs, inputs and errors.

mod util;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use util::{TEXAS, Workdir, assert_exit, raw_dir, stderr, stdout};

#[test]
fn help_explains_every_ingest_option() {
    let w = Workdir::new();
    let output = w.command(&["ingest", "--help"]).output().unwrap();
    assert_exit(&output, 0);
    let help = stdout(&output);
    for needle in [
        "--db <URL>",
        "DATABASE_URL",
        "sqlite:leads.db",
        "--specs <DIR>",
        "glob patterns",
        "--accept <FILE_OR_SOURCE>",
        "--reapply <FILE>",
        "--results <FILE>",
        "--notify <URL>",
        "--checks <FILE>",
    ] {
        assert!(help.contains(needle), "missing {needle:?} in:\n{help}");
    }
}

#[test]
fn every_commands_help_ends_with_the_table_of_exit_statuses() {
    let w = Workdir::new();
    for command in [
        &["--help"][..],
        &["ingest", "--help"],
        &["verify", "--help"],
        &["undo", "--help"],
        &["migrate", "--help"],
        &["specs", "--help"],
    ] {
        let output = w.command(command).output().unwrap();
        assert_exit(&output, 0);
        let help = stdout(&output);
        assert!(
            help.contains("Exit status (when several apply, the first in this table):"),
            "{command:?}:\n{help}"
        );
        assert!(
            help.contains("| 4 | a snapshot was held by a guard"),
            "{command:?}"
        );
        assert!(help.contains("| 99 | nothing new to load"), "{command:?}");
    }
}

#[test]
fn the_default_database_is_leads_db_here_and_database_url_overrides_it() {
    let w = Workdir::new();
    let texas = raw_dir().join(TEXAS);
    assert_exit(
        &w.command(&["ingest", texas.to_str().unwrap()])
            .output()
            .unwrap(),
        0,
    );
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 99);

    let other = w.path().join("other.db");
    let output = w
        .command(&["ingest", texas.to_str().unwrap()])
        .env("DATABASE_URL", format!("sqlite:{}", other.display()))
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let count: i64 = rusqlite::Connection::open(other)
        .unwrap()
        .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 99);
}

#[test]
fn files_no_spec_claims_are_listed_in_a_folder_and_refused_by_name() {
    let w = Workdir::new();
    let notes = w.write("drop/notes.txt", "just notes\n");
    std::fs::copy(raw_dir().join(TEXAS), w.path().join("drop").join(TEXAS)).unwrap();
    let output = w.ingest(&[&w.path().join("drop")]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("no source spec claims this file"),
        "{}",
        stdout(&output)
    );
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 99);

    let output = w.ingest(&[&notes]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("notes.txt: no source spec claims this file"),
        "{}",
        stderr(&output)
    );
}

/// A user spec for a county list: `Lic,Name,Phone,Opened`.
const ACME_SPEC: &str = r#"
        id = "acme"
        name = "Acme county list"
        key = "license_number"
        header = ["Lic", "Name", "Phone", "Opened"]
        [[map]]
        from = "Lic"
        to = "license_number"
        required = true
        [[map]]
        from = "Name"
        to = "company"
        [[map]]
        from = "Phone"
        with = "phone"
        to = "phone"
        [[map]]
        from = "Opened"
        with = "date"
        to = "license_issued"
        "#;

#[test]
fn a_user_spec_claims_a_new_source_by_its_header() {
    let w = Workdir::new();
    w.write("specs/acme.toml", ACME_SPEC);
    let export = w.write(
        "export.csv",
        "Lic,Name,Phone,Opened\nA-1, Tiny Tots ,(702) 555-0100,3/4/21\n,No Key,,\n",
    );
    let specs = w.path().join("specs");
    let output = w.ingest_with(&[&export], &["--specs", specs.to_str().unwrap()]);
    assert_exit(&output, 0);
    let lead: Vec<(String, String)> =
        w.pairs("SELECT lead_id, company || '|' || phone || '|' || license_issued FROM leads");
    assert_eq!(
        lead,
        [(
            "acme:A-1".to_string(),
            "Tiny Tots|+17025550100|2021-03-04".to_string()
        )]
    );
    let reject: Vec<(String, i64)> = w.pairs("SELECT reason, source_line FROM rejects");
    assert_eq!(reject, [("missing_required".to_string(), 3)]);
}

#[test]
fn a_quoted_field_longer_than_max_record_lines_loads_whole_and_a_stray_quote_is_read_as_text() {
    let w = Workdir::new();
    w.write(
        "specs/acme.toml",
        format!("{ACME_SPEC}\n[format]\nmax_record_lines = 2\n"),
    );
    let export = w.write(
        "export.csv",
        "Lic,Name,Phone,Opened\n\
         A-1,\"Tiny Tots\nDaycare\nand Preschool\nCenter, LLC\",(702) 555-0100,3/4/21\n\
         A-2,Small World,(702) 555-0101,3/4/21\n\
         A-3,\"Bright Stars,(702) 555-0102,3/4/21\n\
         A-4,Sunny,(702) 555-0103,3/4/21\n\
         A-5,Acorn,(702) 555-0104,3/4/21\n\
         A-6,\"Little Stars\" Care,(702) 555-0105,3/4/21\n",
    );
    let specs = w.path().join("specs");
    let output = w.ingest_with(&[&export], &["--specs", specs.to_str().unwrap()]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("6 read = 6 loaded + 0 rejected"),
        "{}",
        stdout(&output)
    );
    let leads: Vec<(String, String)> = w.pairs(
        "SELECT lead_id, source_line || '|' || company || '|' || \
         coalesce(json_extract(issues, '$[0].reason'), '') FROM leads ORDER BY source_line",
    );
    let lead = |id: &str, rest: &str| (format!("acme:{id}"), rest.to_string());
    assert_eq!(
        leads,
        [
            lead(
                "A-1",
                "2|Tiny Tots Daycare and Preschool Center, LLC|long_record"
            ),
            lead("A-2", "6|Small World|"),
            // Its quote closes nothing before the line's end: read again as a character.
            lead("A-3", "7|\"Bright Stars|stray_quote"),
            lead("A-4", "8|Sunny|"),
            lead("A-5", "9|Acorn|"),
            lead("A-6", "10|Little Stars Care|"),
        ]
    );
    let message: String = w
        .query("SELECT json_extract(issues, '$[0].message') FROM leads WHERE lead_id = 'acme:A-1'");
    assert_eq!(
        message,
        "the record spans 4 lines, lines 2-5: a quoted field runs past format.max_record_lines (2)"
    );
    let rejects: i64 = w.query("SELECT count(*) FROM rejects");
    assert_eq!(rejects, 0);
}

#[test]
fn a_spec_with_an_unknown_key_names_the_key_and_the_file() {
    let w = Workdir::new();
    let bad = include_str!("../specs/texas.toml").replace("required = true", "requried = true");
    let spec = w.write("specs/texas.toml", bad);
    let output = w
        .command(&["specs", "--specs", spec.parent().unwrap().to_str().unwrap()])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("specs/texas.toml"), "{err}");
    assert!(err.contains("unknown field `requried`"), "{err}");
}

#[test]
fn specs_lists_the_built_in_sources() {
    let w = Workdir::new();
    let output = w.command(&["specs"]).output().unwrap();
    assert_exit(&output, 0);
    let out = stdout(&output);
    let ids: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "nevada",
            "oklahoma",
            "texas",
            "salesforce_leads",
            "hubspot_companies"
        ]
    );
    assert!(
        out.contains("salesforce_leads Salesforce Lead export [reference, 14 columns, 12 rules;"),
        "{out}"
    );
}

#[test]
fn specs_lists_the_normalizers_a_spec_can_name() {
    let w = Workdir::new();
    let output = w.command(&["specs", "--normalizers"]).output().unwrap();
    assert_exit(&output, 0);
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "| normalizer | reads | gives |");
    assert_eq!(lines.len(), 2 + 23, "a row per normalizer");
    assert!(lines.contains(&"| `street` | 1–2 | [`address1`, `address2`]: units split off the street, joined with a second line |"), "{out}");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&out),
        "the README's table is the one the binary prints"
    );
}

#[test]
fn a_missing_input_or_an_unknown_database_fails_clearly() {
    let w = Workdir::new();
    let output = w.command(&["ingest", "no-such.csv"]).output().unwrap();
    assert_exit(&output, 2);
    assert_eq!(
        stderr(&output).trim(),
        "error: no-such.csv: no such file or folder"
    );

    let texas = raw_dir().join(TEXAS);
    let output = w
        .command(&["ingest", texas.to_str().unwrap(), "--db", "mysql://x"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("use `sqlite:<path>`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_mistyped_database_url_is_echoed_without_its_password() {
    let w = Workdir::new();
    let texas = raw_dir().join(TEXAS);
    let texas = texas.to_str().unwrap();
    for url in [
        "postgress://sales:hunter2@db.internal:5432/leads",
        "POSTGRES://sales:hunter2@db.internal:5432/leads",
        " postgres://sales:hunter2@db.internal:5432/leads",
        "mysql://sales:hunter2@db.internal/leads",
    ] {
        let by_flag = w.command(&["ingest", texas, "--db", url]).output().unwrap();
        let mut by_env = w.command(&["ingest", texas]);
        let by_env = by_env.env("DATABASE_URL", url).output().unwrap();
        for output in [by_flag, by_env] {
            assert_exit(&output, 2);
            let err = stderr(&output);
            assert!(!err.contains("hunter2"), "{err}");
            assert!(err.contains("://sales:***@db.internal"), "{err}");
        }
    }
    assert!(!w.db_path().exists(), "no database was made");
}

/// Runs `leadpipe <args>` with stdout a pipe whose reader has gone away before the run
/// starts, as under `leadpipe ingest … | head -0`; stderr is captured.
fn run_into_a_closed_pipe(w: &Workdir, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    w.process(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
        .wait_with_output()
        .unwrap()
}

/// `leadpipe ingest <inputs>` into this folder's `leads.db`, with stdout's reader gone.
fn ingest_into_a_closed_pipe(w: &Workdir, inputs: &[&Path]) -> Output {
    let db = format!("sqlite:{}", w.db_path().display());
    let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["ingest", "--db", &db];
    args.extend(inputs.iter().map(String::as_str));
    run_into_a_closed_pipe(w, &args)
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data")
}

#[test]
fn a_reader_gone_from_stdout_ends_a_clean_run_quietly_with_its_leads_committed() {
    let w = Workdir::new();
    let output = ingest_into_a_closed_pipe(&w, &[&examples()]);
    assert_exit(&output, 0);
    assert_eq!(stderr(&output), "");
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 9);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM rejects"), 1);
}

#[test]
fn a_reader_gone_from_stdout_keeps_the_exit_status_and_the_error_of_a_failed_file() {
    let w = Workdir::new();
    let notes = w.write("notes.txt", "just notes\n");
    let output = ingest_into_a_closed_pipe(&w, &[&examples(), &notes]);
    assert_exit(&output, 1);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}: no source spec claims this file by its name or its header; \
             add a spec with --specs\n",
            notes.display()
        )
    );
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 9);
}

#[test]
fn a_reader_gone_from_stdout_ends_migrate_and_specs_quietly() {
    let w = Workdir::new();
    let db = format!("sqlite:{}", w.db_path().display());
    for args in [vec!["migrate", "--db", &db], vec!["specs"]] {
        let output = run_into_a_closed_pipe(&w, &args);
        assert_exit(&output, 0);
        assert_eq!(stderr(&output), "", "{args:?}");
    }
    // migrate ran before its output was refused: the schema is there, empty.
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 0);
}
