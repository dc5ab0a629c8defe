//! `leadpipe check`: a dry run that reads, maps and judges files like ingest and writes
//! nothing: the database (opened read-only, never migrated) and the files are
//! byte-identical before and after.

mod util;

use std::path::{Path, PathBuf};

use util::{Db, NEVADA, OKLAHOMA, TEXAS, Workdir, assert_exit, raw_dir, stdout};

/// Every file under `dir` (the database and anything beside it) with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir(dir)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walkdir(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The real Nevada file's header and first `records` records, under another date.
fn nevada_first(w: &Workdir, records: usize) -> PathBuf {
    let text = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&text[..]);
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in reader.byte_records().take(records + 1) {
        writer.write_byte_record(&record.unwrap()).unwrap();
    }
    w.write(
        "07-14-2023 Nevada Dept of Public _ Behavioral Health.csv",
        writer.into_inner().unwrap(),
    )
}

#[test]
fn check_reads_maps_and_counts_the_real_files_without_a_database() {
    let w = Workdir::new();
    let files: Vec<String> = [NEVADA, OKLAHOMA, TEXAS]
        .iter()
        .map(|f| raw_dir().join(f).display().to_string())
        .collect();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let output = w.command(&args).output().unwrap();
    assert_exit(&output, 0);
    let text = stdout(&output);
    for expected in [
        "  spec      `nevada` (built-in nevada.toml), claimed by its file name",
        "  header    14 columns, matching the spec's exactly",
        "  encoding  utf-8 (1 field as windows-1252)",
        "  records   100 read = 100 would load + 0 rejected",
        "  issues    unassigned_phone: 2",
        "  records   50 read = 49 would load + 1 rejected",
        "  rejected  unterminated_quote: 1",
        "    line 100: a quoted field is never closed: the record is cut off or holds a stray quote",
        "  records   99 read = 99 would load + 0 rejected",
        "    phone                         100.0%     2.0%",
        // Enrichment runs as in a load: its columns are shown, each lead's zone from its ZIP.
        "    time_zone                     100.0%     0.0%",
        "    email_kind                     60.6%     0.0%",
        "  guards    not judged: give --db to compare with a database",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let samples: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("    {\"lead_id\":"))
        .collect();
    assert_eq!(samples.len(), 15);
    assert!(samples[0].starts_with(
        "    {\"lead_id\":\"nevada:1106-22\",\"certificate_expiration_date\":\"2023-11-30\",\"city\":\"MESQUITE\""
    ));
    // Oklahoma publishes no county: it comes from the ZIP code, and the hours from the
    // published schedule.
    let oklahoma = samples[5];
    for derived in [
        "\"county\":\"CANADIAN\"",
        "\"time_zone\":\"America/Chicago\"",
        "\"calling_hours\":\"Mon-Fri 07:30-17:30; Sat-Sun closed\"",
    ] {
        assert!(oklahoma.contains(derived), "{derived} in {oklahoma}");
    }
    // Nothing was written: not even a database file.
    assert_eq!(walkdir(w.path()), Vec::<PathBuf>::new());
}

#[test]
fn check_judges_a_partial_snapshot_against_a_database_and_writes_nothing() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        let url = db.url();
        let loaded = w.ingest_into(&db, &[&raw_dir().join(NEVADA)], &[]);
        assert_exit(&loaded, 0);
        let partial = nevada_first(&w, 60);
        let tables = "SELECT CAST((SELECT count(*) FROM runs) AS TEXT), \
                      CAST((SELECT count(*) FROM source_files) AS TEXT), \
                      CAST((SELECT count(*) FROM leads WHERE is_active) AS TEXT), \
                      CAST((SELECT count(*) FROM rejects) AS TEXT)";
        let before_rows = db.texts(tables);
        let before_files = snapshot(w.path());

        let output = w
            .command(&["check", partial.to_str().unwrap(), "--db", &url])
            .output()
            .unwrap();
        assert_exit(&output, 4);
        let text = stdout(&output);
        assert!(
            text.contains("  records   60 read = 60 would load + 0 rejected"),
            "{}: {text}",
            db.kind()
        );
        assert!(
            text.contains(
                "  guards    would hold it: it would deactivate 40 of the source's 100 active leads (40.0%; max_deactivated is 10.0%)"
            ),
            "{}: {text}",
            db.kind()
        );

        let same = w
            .command(&[
                "check",
                raw_dir().join(NEVADA).to_str().unwrap(),
                "--db",
                &url,
            ])
            .output()
            .unwrap();
        assert_exit(&same, 99);
        assert!(
            stdout(&same).contains("  ingest    would skip it: same content as "),
            "{}",
            stdout(&same)
        );

        assert_eq!(db.texts(tables), before_rows, "{}", db.kind());
        assert_eq!(snapshot(w.path()), before_files, "{}", db.kind());
        assert_eq!(
            before_rows,
            [[
                Some("1".into()),
                Some("1".into()),
                Some("100".into()),
                Some("0".into())
            ]]
        );
    }
}

#[test]
fn check_never_creates_or_migrates_a_database() {
    let w = Workdir::new();
    let file = raw_dir().join(NEVADA);
    let missing = w.path().join("none.db");
    let output = w
        .command(&[
            "check",
            file.to_str().unwrap(),
            "--db",
            &format!("sqlite:{}", missing.display()),
        ])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert!(!missing.exists());
    let old = Db::postgres();
    old.migrate_to(3);
    let output = w
        .command(&["check", file.to_str().unwrap(), "--db", &old.url()])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    let stderr = util::stderr(&output);
    assert!(
        stderr.contains("has schema version 3, this leadpipe's is"),
        "{stderr}"
    );
    assert!(stderr.contains("(a dry run never migrates)"), "{stderr}");
    assert_eq!(
        old.text("SELECT max(version)::text FROM refinery_schema_history"),
        "3"
    );
}

#[test]
fn check_says_why_a_file_would_fail_its_header_contract() {
    let w = Workdir::new();
    let original = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let renamed = String::from_utf8_lossy(&original).replacen("Phone#", "Phone", 1);
    let file = w.write(
        "07-14-2023 Nevada Dept of Public _ Behavioral Health.csv",
        renamed,
    );
    let output = w
        .command(&["check", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(
        text.contains("  spec      `nevada` (built-in nevada.toml), claimed by its file name\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  would fail: the header does not match spec `nevada` (built-in nevada.toml): \
             column 11: expected `Phone#`, found `Phone`"
        ),
        "{text}"
    );
    let unclaimed = w.write("notes.csv", "a,b\n1,2\n");
    let output = w
        .command(&["check", unclaimed.to_str().unwrap()])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    assert!(
        stdout(&output).contains(
            "  spec      none: no source spec claims this file by its name or its header"
        ),
        "{}",
        stdout(&output)
    );
}
