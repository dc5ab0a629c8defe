//! End to end over the agencies' real files, as published (`raw/`) and as hand-edited by
//! the original pipeline's author (`sources/`).

mod util;

use util::{NEVADA, OKLAHOMA, TEXAS, Workdir, assert_exit, raw_dir, sources_dir, stdout};

fn per_source(w: &Workdir) -> Vec<(String, i64)> {
    w.pairs("SELECT source, count(*) FROM leads GROUP BY source ORDER BY source")
}

fn counts(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

#[test]
fn the_raw_files_load_248_leads_and_reject_the_cut_off_record() {
    let w = Workdir::new();
    let output = w.ingest(&[&raw_dir()]);
    assert_exit(&output, 0);
    assert_eq!(
        per_source(&w),
        counts(&[("nevada", 100), ("oklahoma", 49), ("texas", 99)])
    );

    let (line, reason, raw): (i64, String, String) = w
        .db()
        .query_row(
            "SELECT source_line, reason, raw_text FROM rejects",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((line, reason.as_str()), (100, "unterminated_quote"));
    assert!(
        raw.starts_with("CHILD CARE FAMILY - K820050012,\"KALER, MONICA\","),
        "{raw}"
    );
    assert!(raw.ends_with(",CLOSED,CLOSED,\"Monica Kaler"), "{raw}");
    assert_eq!(w.query::<i64>("SELECT count(*) FROM rejects"), 1);
    assert!(
        stdout(&output).contains("249 read = 248 loaded + 1 rejected"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn every_file_and_the_run_reconcile() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir()]), 0);
    let files: Vec<(String, String)> = w.pairs(
        "SELECT source, records_read || '=' || records_loaded || '+' || records_rejected
         FROM source_files WHERE status = 'loaded' ORDER BY source",
    );
    assert_eq!(
        files,
        [
            ("nevada", "100=100+0"),
            ("oklahoma", "50=49+1"),
            ("texas", "99=99+0")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let run: (String, String) = w.pairs(
        "SELECT status, records_read || '=' || records_loaded || '+' || records_rejected FROM runs",
    )[0]
    .clone();
    assert_eq!(run, ("completed".to_string(), "249=248+1".to_string()));
    let hashes: i64 = w.query(
        "SELECT count(DISTINCT content_sha256) FROM source_files WHERE length(content_sha256) = 64",
    );
    assert_eq!(hashes, 3);
}

#[test]
fn the_stray_windows_1252_apostrophe_becomes_u2019() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir().join(NEVADA)]), 0);
    let company: String = w.query("SELECT company FROM leads WHERE source_line = 12");
    assert_eq!(company, "MY LITTLE ANGEL\u{2019}S HOME DAYCARE LLC");
    let encoding: String = w.query("SELECT encoding FROM source_files");
    assert_eq!(encoding, "utf-8 (1 field as windows-1252)");
}

#[test]
fn every_lead_carries_its_lineage() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir()]), 0);
    let incomplete: i64 = w.query(
        "SELECT count(*) FROM leads WHERE lead_id IS NULL OR source IS NULL OR source_file IS NULL
         OR source_line < 2 OR ingested_at IS NULL OR run_id IS NULL OR source_record IS NULL",
    );
    assert_eq!(incomplete, 0);
    let run_ids: i64 = w.query("SELECT count(DISTINCT run_id) FROM leads");
    assert_eq!(run_ids, 1);
    let (lead_id, file, line, record): (String, String, i64, String) = w
        .db()
        .query_row(
            "SELECT lead_id, source_file, source_line, source_record FROM leads WHERE license_number = '1239246'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(lead_id, "texas:1239246");
    assert!(file.ends_with(TEXAS), "{file}");
    assert_eq!(line, 2);
    let record: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(
        record["Operation/Caregiver Name"],
        "K\" Street Learning Center LLC\""
    );
    assert_eq!(record["Address"], "19290 K ST ");
    assert_eq!(record.as_object().unwrap().len(), 20);
}

#[test]
fn the_oklahoma_caregiver_spans_two_lines_and_lines_count_from_the_header() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir().join(OKLAHOMA)]), 0);
    let lines: Vec<(String, i64)> =
        w.pairs("SELECT license_number, source_line FROM leads ORDER BY source_line LIMIT 3");
    assert_eq!(
        lines,
        [("K820055232", 2), ("K820055484", 4), ("K830056761", 6)].map(|(k, l)| (k.to_string(), l))
    );
    let (first, title): (String, String) =
        w.pairs("SELECT first_name || ' ' || last_name, title FROM leads WHERE license_number = 'K830056761'")[0].clone();
    assert_eq!(
        (first.as_str(), title.as_str()),
        ("Symira Clifton", "Director")
    );
}

#[test]
fn the_hand_edited_copies_load_too_and_the_closed_quote_is_a_short_record() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&sources_dir()]), 0);
    assert_eq!(
        per_source(&w),
        counts(&[("nevada", 100), ("oklahoma", 49), ("texas", 99)])
    );
    let rejects: Vec<(String, i64)> = w.pairs("SELECT reason, source_line FROM rejects");
    assert_eq!(rejects, [("too_few_fields".to_string(), 100)]);
    let company: String = w.query("SELECT company FROM leads WHERE license_number = '2907-23'");
    assert_eq!(company, "MY LITTLE ANGEL'S HOME DAYCARE LLC");
}

#[test]
fn a_second_run_over_the_same_files_loads_nothing_twice() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir()]), 0);
    let first_ingested: String = w.query("SELECT max(ingested_at) FROM leads");
    let output = w.ingest(&[&raw_dir()]);
    assert_exit(&output, 99);
    let out = stdout(&output);
    assert_eq!(
        out.matches("already loaded: same content as").count(),
        3,
        "{out}"
    );
    assert!(out.contains("0 read = 0 loaded + 0 rejected"), "{out}");
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 248);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM rejects"), 1);
    assert_eq!(
        w.query::<String>("SELECT max(ingested_at) FROM leads"),
        first_ingested
    );
    let statuses: Vec<(String, i64)> =
        w.pairs("SELECT status, count(*) FROM source_files GROUP BY status ORDER BY status");
    assert_eq!(statuses, counts(&[("loaded", 3), ("skipped", 3)]));
    assert_eq!(w.query::<i64>("SELECT count(*) FROM runs"), 2);
}

/// The real Texas file with some names edited; every record still accounted for.
fn edited_texas(w: &Workdir, edits: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = std::fs::read_to_string(raw_dir().join(TEXAS)).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    w.write(&format!("edited/{TEXAS}"), text)
}

#[test]
fn quotes_inside_unquoted_fields_lose_no_record() {
    let w = Workdir::new();
    let texas = edited_texas(
        &w,
        &[
            ("1.2..me Kidz", "1.2..me 5\" Kidz"),
            ("123-Abc Learning", "123-Abc 3\" Learning"),
        ],
    );
    let output = w.ingest(&[&texas]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("99 read = 99 loaded + 0 rejected"),
        "{}",
        stdout(&output)
    );
    let company: String = w.query("SELECT company FROM leads WHERE license_number = '1687698'");
    assert_eq!(company, "1.2..me 5\" Kidz");
}

#[test]
fn a_quote_that_opens_and_never_closes_is_read_as_text_and_loses_nothing() {
    let w = Workdir::new();
    let texas = edited_texas(
        &w,
        &[("1 on 1 Childcare Academy,11925", "Kid\"s Academy,\"11925")],
    );
    let output = w.ingest(&[&texas]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("99 read = 99 loaded + 0 rejected"),
        "{}",
        stdout(&output)
    );
    let lead: Vec<(String, String)> =
        w.pairs("SELECT company, address1 FROM leads WHERE source_line = 3");
    assert_eq!(
        lead,
        [(
            "Kid\"s Academy".to_string(),
            "\"11925 GLOGER ST".to_string()
        )]
    );
    // The quote that closes nothing there would close in a later record's field: the
    // next record still reads on its own line.
    assert_eq!(
        w.query::<i64>("SELECT min(source_line) FROM leads WHERE source_line > 3"),
        4
    );
}
