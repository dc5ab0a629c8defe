//! Snapshot guards, `--accept` and `undo`, on the real files and both targets: a partial or
//! blanked re-export is held with its figures and harms nothing; accepted, it applies and
//! the override is recorded; undone, every lead is exactly as before it.

mod util;

use std::path::PathBuf;

use util::snapshots::{first_records, renamed};
use util::{Db, NEVADA, OKLAHOMA, TEXAS, Workdir, assert_exit, raw_dir, stdout};

/// A real file under another date, with `edit` applied to each of its records (the header
/// first), written back as CSV.
fn edited(w: &Workdir, file: &str, date: &str, edit: impl Fn(usize, &mut Vec<Vec<u8>>)) -> PathBuf {
    let bytes = std::fs::read(raw_dir().join(file)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[..]);
    // Ragged records stay ragged.
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for (n, record) in reader.byte_records().enumerate() {
        let mut fields: Vec<Vec<u8>> = record.unwrap().iter().map(<[u8]>::to_vec).collect();
        edit(n, &mut fields);
        writer.write_record(&fields).unwrap();
    }
    w.write(&renamed(file, date), writer.into_inner().unwrap())
}

/// Where a column is in a real file's header.
fn position(file: &str, column: &str) -> usize {
    let bytes = std::fs::read(raw_dir().join(file)).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let header = reader.byte_headers().unwrap();
    header.iter().position(|h| h == column.as_bytes()).unwrap()
}

/// Each file's status and message, in the order recorded.
fn files(db: &Db) -> Vec<(String, String)> {
    db.texts("SELECT status, coalesce(message, '') FROM source_files ORDER BY id")
        .into_iter()
        .map(|row| (row[0].clone().unwrap(), row[1].clone().unwrap()))
        .collect()
}

#[test]
fn partial_re_exports_are_held_with_their_figures_until_accepted() {
    let w = Workdir::new();
    let partial = [
        first_records(&w, NEVADA, 70, "07-14-2023"),
        first_records(&w, OKLAHOMA, 28, "07-14-2023"),
        first_records(&w, TEXAS, 29, "07-14-2023"),
    ];
    let partial: Vec<&std::path::Path> = partial.iter().map(PathBuf::as_path).collect();
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let output = w.ingest_into(&db, &partial, &[]);
        assert_exit(&output, 4);
        let held = files(&db).split_off(3);
        let figures = [
            (
                "30 of the source's 100 active leads (30.0%",
                "70 records, 0.70 of the 100",
            ),
            (
                "21 of the source's 49 active leads (42.9%",
                "28 records, 0.56 of the 50",
            ),
            (
                "70 of the source's 99 active leads (70.7%",
                "29 records, 0.29 of the 99",
            ),
        ];
        for ((status, message), (deactivated, records)) in held.iter().zip(figures) {
            assert_eq!(status, "held", "{kind}");
            assert!(
                message.starts_with("held by guards: it would deactivate "),
                "{kind}: {message}"
            );
            assert!(message.contains(deactivated), "{kind}: {message}");
            assert!(message.contains(records), "{kind}: {message}");
            assert!(
                message.contains("max_deactivated is 10.0%"),
                "{kind}: {message}"
            );
        }
        assert!(
            stdout(&output).contains("not applied (--accept applies it)"),
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE is_active"),
            248,
            "{kind}"
        );
        assert_eq!(
            db.text("SELECT CAST(files_held AS TEXT) FROM runs ORDER BY started_at DESC LIMIT 1"),
            "3",
            "{kind}"
        );

        // Accepted by its source's name, Oklahoma's applies; the others stay held.
        let output = w.ingest_into(&db, &partial, &["--accept", "oklahoma"]);
        assert_exit(&output, 4);
        assert!(
            stdout(&output).contains("applied as --accept asked, although it would deactivate 21"),
            "{kind}: {}",
            stdout(&output)
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE source = 'oklahoma' AND is_active"),
            28,
            "{kind}"
        );
        assert_eq!(
            db.texts(
                "SELECT guard, CAST(CAST(round(observed * 1000) AS BIGINT) AS TEXT), CAST(threshold AS TEXT)
                 FROM guard_overrides ORDER BY guard"
            ),
            [
                [Some("max_deactivated".into()), Some("429".into()), Some("0.1".into())],
                [Some("min_records_ratio".into()), Some("560".into()), Some("0.9".into())],
            ],
            "{kind}"
        );
        // Both others, accepted by file name, apply too: nothing is held any more.
        let names: Vec<String> = partial[..1]
            .iter()
            .chain(&partial[2..])
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let output = w.ingest_into(
            &db,
            &partial,
            &["--accept", &names[0], "--accept", &names[1]],
        );
        assert_exit(&output, 0);
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE is_active"),
            70 + 28 + 29,
            "{kind}"
        );
    }
}

#[test]
fn a_blanked_column_is_held_and_a_held_snapshot_does_not_count_as_loaded() {
    let w = Workdir::new();
    // Every phone of Texas blanked (the column's values, not its name).
    let phone = position(TEXAS, "Phone");
    let blank_phones = edited(&w, TEXAS, "07-21-2023", |n, fields| {
        if n > 0 {
            fields[phone].clear();
        }
    });
    // A complete snapshot, dated before the held one, with one address changed.
    let address = position(TEXAS, "Address");
    let complete = edited(&w, TEXAS, "07-14-2023", |n, fields| {
        if n == 1 {
            fields[address] = b"19291 K ST".to_vec();
        }
    });
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        assert_exit(&w.ingest_into(&db, &[&blank_phones], &[]), 4);
        let (status, message) = files(&db).pop().unwrap();
        assert_eq!(status, "held", "{kind}");
        assert!(
            message.contains("`phone` is filled in 0.0% of its leads, down from 100.0% (100.0 points; max_fill_drop is 20)"),
            "{kind}: {message}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE source = 'texas' AND phone IS NULL"),
            0,
            "{kind}"
        );
        // The later snapshot was held, not loaded: an earlier complete one still applies.
        let output = w.ingest_into(&db, &[&complete], &[]);
        assert_exit(&output, 0);
        assert_eq!(files(&db).pop().unwrap().0, "loaded", "{kind}");
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE address1 LIKE '19291 K%'"),
            1,
            "{kind}"
        );
    }
}

/// Every column of every lead, as text, in lead order.
fn all_leads(db: &Db) -> Vec<Vec<Option<String>>> {
    let names = match db {
        Db::Sqlite(_) => "SELECT name FROM pragma_table_info('leads') ORDER BY cid",
        Db::Postgres { .. } => {
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_name = 'leads' ORDER BY ordinal_position"
        }
    };
    let columns: Vec<String> = db
        .texts(names)
        .into_iter()
        .map(|row| format!("CAST({} AS TEXT)", row[0].clone().unwrap()))
        .collect();
    assert_eq!(columns.len(), 58);
    db.texts(&format!(
        "SELECT {} FROM leads ORDER BY lead_id",
        columns.join(", ")
    ))
}

#[test]
fn undo_puts_back_every_column_and_withdraws_what_the_snapshot_brought() {
    let w = Workdir::new();
    // A bad Nevada export: 70 of its records, the first company renamed, one provider new.
    let bad = first_records(&w, NEVADA, 70, "07-14-2023");
    let mut bytes = std::fs::read(&bad).unwrap();
    let header_end = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    let name_end = header_end + bytes[header_end..].iter().position(|&b| b == b',').unwrap();
    bytes.splice(header_end..name_end, *b"RENAMED BY MISTAKE");
    bytes.extend_from_slice(b"NEW STAR KIDS,CENTER,9999-23,Active,12/31/2024,N,\"1 NEW ST LAS VEGAS, NV 89101\",,NV,CLARK,702-222-3333,7/10/2023,ANNA NEW,Director\r\n");
    std::fs::write(&bad, bytes).unwrap();
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let before = all_leads(&db);
        assert_exit(&w.ingest_into(&db, &[&bad], &["--accept", "nevada"]), 0);
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE company = 'RENAMED BY MISTAKE'"),
            1,
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE NOT is_active"),
            30,
            "{kind}"
        );

        let output = w
            .command(&["undo", "nevada", "--db", &db.url()])
            .output()
            .unwrap();
        assert_exit(&output, 0);
        assert!(
            stdout(&output)
                .contains(": 31 leads as they were before it, 1 leads it brought made inactive"),
            "{kind}: {}",
            stdout(&output)
        );
        let after = all_leads(&db);
        let new_lead = after
            .iter()
            .position(|row| row.iter().any(|v| v.as_deref() == Some("nevada:9999-23")))
            .unwrap();
        let mut withdrawn = after.clone();
        let new = withdrawn.remove(new_lead);
        assert_eq!(
            withdrawn, before,
            "{kind}: every column of every lead as before"
        );
        assert!(
            new.contains(&Some("false".into())) || new.contains(&Some("0".into())),
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE is_active"),
            248,
            "{kind}"
        );
        assert_eq!(
            db.texts(
                "SELECT column_name, CAST(count(*) AS TEXT) FROM lead_changes
                 WHERE change = 'undone' GROUP BY column_name ORDER BY column_name"
            ),
            [
                [Some("company".into()), Some("1".into())],
                [Some("is_active".into()), Some("31".into())],
                [Some("source_record".into()), Some("1".into())],
            ],
            "{kind}"
        );
        assert_eq!(files(&db).pop().unwrap().0, "undone", "{kind}");
        // The good snapshot is the newest again: loading it once more changes nothing.
        let output = w.ingest_into(&db, &[&raw_dir().join(NEVADA)], &[]);
        assert_exit(&output, 99);
    }
}

#[test]
fn an_older_snapshot_is_applied_again_only_when_asked() {
    let w = Workdir::new();
    let address = position(TEXAS, "Address");
    let later = edited(&w, TEXAS, "07-14-2023", |n, fields| {
        if n == 1 {
            fields[address] = b"19291 K ST".to_vec();
        }
    });
    let older = raw_dir().join(TEXAS);
    let moved = "SELECT count(*) FROM leads WHERE address1 LIKE '19291 K%'";
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&older, &later], &[]), 0);
        assert_eq!(db.count(moved), 1, "{kind}");
        // Without asking, the older snapshot would roll leads back: skipped.
        let output = w.ingest_into(&db, &[&older], &[]);
        assert_exit(&output, 99);
        assert!(
            stdout(&output).contains("is older than the 2023-07-14 snapshot"),
            "{kind}"
        );
        // Asked by its name, it is applied, and the change back is recorded.
        let name = older.file_name().unwrap().to_str().unwrap();
        let output = w.ingest_into(&db, &[&older], &["--reapply", name]);
        assert_exit(&output, 0);
        assert_eq!(db.count(moved), 0, "{kind}");
        assert_eq!(
            db.count("SELECT count(*) FROM lead_changes WHERE change = 'updated' AND column_name = 'address1'"),
            2,
            "{kind}: moved, then moved back"
        );
        // It is now the source's state: the later file applies again, its same content
        // included, as the next snapshot.
        assert_exit(&w.ingest_into(&db, &[&later], &[]), 0);
        assert_eq!(db.count(moved), 1, "{kind}");
    }
}

#[test]
fn a_snapshot_without_a_single_lead_is_held_and_undo_refuses_what_it_cannot_undo_exactly() {
    let w = Workdir::new();
    // Every key blanked: each record is rejected, none loads.
    let key = position(OKLAHOMA, "Type License");
    let keyless = edited(&w, OKLAHOMA, "07-14-2023", |n, fields| {
        if n > 0 {
            fields[key].clear();
        }
    });
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        assert_exit(&w.ingest_into(&db, &[&keyless], &[]), 4);
        let (status, message) = files(&db).pop().unwrap();
        assert_eq!(status, "held", "{kind}");
        assert!(
            message.contains("none of its 50 records loaded, where the source has 49 active leads"),
            "{kind}: {message}"
        );

        // A snapshot applied before undo existed kept no prior state: undo says so, and
        // changes nothing.
        db.execute("DELETE FROM snapshot_columns");
        let before = all_leads(&db);
        let output = w
            .command(&["undo", "oklahoma", "--db", &db.url()])
            .output()
            .unwrap();
        assert_exit(&output, 2);
        assert!(
            util::stderr(&output).contains("was applied by a leadpipe older than undo, which kept no copy of what it changed: apply the older good file again with `leadpipe ingest --reapply FILE` instead"),
            "{kind}: {}",
            util::stderr(&output)
        );
        assert_eq!(all_leads(&db), before, "{kind}");
        assert_eq!(
            db.count("SELECT count(*) FROM source_files WHERE status = 'undone'"),
            0,
            "{kind}"
        );
    }
}

#[test]
fn an_accept_or_reapply_that_names_no_file_is_warned_of() {
    let w = Workdir::new();
    let output = w.ingest_with(
        &[&raw_dir()],
        &["--accept", "nevda", "--reapply", "old.csv"],
    );
    assert_exit(&output, 0);
    let err = util::stderr(&output);
    assert!(
        err.contains("warning: --accept nevda: no file of this run has that path or name, nor is it a source of one"),
        "{err}"
    );
    assert!(
        err.contains("warning: --reapply old.csv: no file of this run has that path or name\n"),
        "{err}"
    );
    let output = w.ingest_with(&[&raw_dir().join(NEVADA)], &["--accept", "nevada"]);
    assert!(
        !util::stderr(&output).contains("--accept"),
        "a source of the run's file matches"
    );
}
