//! One suite, both targets: every scenario runs against SQLite and against a throwaway
//! PostgreSQL database on the local server, and must end in the same tables.

mod util;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use util::{Db, NEVADA, TEXAS, Workdir, assert_exit, raw_dir, stderr, stdout};

/// A Nevada snapshot of another day, edited from the real one: `1106-22` gone, the phone of
/// `1288-22` changed, `9999-23` new.
fn later_nevada(w: &Workdir, date: &str) -> PathBuf {
    let text = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    lines.retain(|l| !l.starts_with(b"SUNSHINE ACADEMY PRE-SCHOOL,"));
    for line in &mut lines {
        if line.windows(7).any(|w| w == b"1288-22") {
            let text = String::from_utf8(line.clone())
                .unwrap()
                .replace("362-231-1137", "702-555-0199");
            *line = text.into_bytes();
        }
    }
    let new = b"NEW STAR KIDS,CENTER,9999-23,Active,12/31/2024,N,\"1 NEW ST LAS VEGAS, NV 89101\",,NV,CLARK,702-222-3333,7/10/2023,ANNA NEW,Director\r";
    lines.insert(lines.len() - 1, new.to_vec());
    w.write(
        &format!("{date}/{}", NEVADA.replace("07-07-2023", date)),
        lines.join(&b'\n'),
    )
}

/// A copy of a real file under another date.
fn redated(w: &Workdir, file: &str, date: &str) -> PathBuf {
    let bytes = std::fs::read(raw_dir().join(file)).unwrap();
    w.write(
        &format!("{date}/{}", file.replace("07-07-2023", date)),
        bytes,
    )
}

fn rows(db: &Db, sql: &str) -> Vec<Vec<String>> {
    db.texts(sql)
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap_or_default).collect())
        .collect()
}

/// The names of the indexes of `leads`, and whether each is unique.
fn lead_indexes(db: &Db) -> Vec<Vec<String>> {
    let sql = match db {
        Db::Sqlite(_) => {
            "SELECT name, CAST(\"unique\" AS TEXT) FROM pragma_index_list('leads') ORDER BY name"
        }
        Db::Postgres { .. } => {
            "SELECT CAST(c.relname AS TEXT), CAST(CAST(i.indisunique AS INT) AS TEXT)
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = 'leads'::regclass ORDER BY c.relname"
        }
    };
    rows(db, sql)
}

/// The indexes of `leads` that migrations create, by target.
fn migrated_lead_indexes(db: &Db) -> Vec<Vec<String>> {
    let key = match db {
        Db::Sqlite(_) => "sqlite_autoindex_leads_1",
        Db::Postgres { .. } => "leads_pkey",
    };
    let mut indexes = strings(&[[key, "1"], ["leads_first_file", "0"], ["leads_source", "0"]]);
    indexes.sort();
    indexes
}

/// Inserted, updated, unchanged and deactivated records of the snapshots after 07-07-2023.
fn later_snapshot_counts(db: &Db) -> Vec<Vec<String>> {
    rows(
        db,
        "SELECT CAST(records_inserted AS TEXT), CAST(records_updated AS TEXT),
                CAST(records_unchanged AS TEXT), CAST(records_deactivated AS TEXT)
         FROM source_files WHERE snapshot_date > '2023-07-07'",
    )
}

fn strings<const N: usize>(rows: &[[&str; N]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn first_load_of_the_raw_files() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let kind = db.kind();
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE is_active"),
            248,
            "{kind}"
        );
        assert_eq!(db.count("SELECT count(*) FROM rejects"), 1, "{kind}");
        assert_eq!(
            db.count("SELECT count(*) FROM lead_changes WHERE change = 'inserted'"),
            248,
            "{kind}"
        );
        assert_eq!(
            rows(
                &db,
                "SELECT source, CAST(records_inserted AS TEXT), CAST(snapshot_date AS TEXT) FROM source_files ORDER BY source"
            ),
            strings(&[
                ["nevada", "100", "2023-07-07"],
                ["oklahoma", "49", "2023-07-07"],
                ["texas", "99", "2023-07-07"]
            ]),
            "{kind}"
        );
        assert_eq!(
            db.text("SELECT CAST(records_inserted AS TEXT) || '/' || CAST(records_read AS TEXT) FROM runs"),
            "248/249",
            "{kind}"
        );
        assert_eq!(
            db.text("SELECT company FROM leads WHERE lead_id = 'nevada:2907-23'"),
            "MY LITTLE ANGEL\u{2019}S HOME DAYCARE LLC",
            "{kind}"
        );
        if let Db::Postgres { .. } = db {
            // Rebuilt after the first load as migrated: covering what a snapshot compares.
            assert!(
                db.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'leads_source'")
                    .ends_with(
                        "(source) INCLUDE (lead_id, record_hash, is_active, filled_columns, \
                         flagged_columns)"
                    ),
                "{kind}"
            );
        }
        // The record as published keeps the header's order on both targets.
        let record = db
            .text("SELECT CAST(source_record AS TEXT) FROM leads WHERE lead_id = 'texas:1239246'");
        assert!(
            record.starts_with(r#"{"Operation #":"1239246","Agency Number":"#),
            "{kind}: {record}"
        );
    }
}

#[test]
fn reloading_the_same_files_changes_nothing() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let output = w.ingest_into(&db, &[&raw_dir()], &[]);
        assert_exit(&output, 99);
        assert_eq!(
            stdout(&output).matches("already loaded").count(),
            3,
            "{kind}"
        );
        assert_eq!(db.count("SELECT count(*) FROM leads"), 248, "{kind}");
        assert_eq!(db.count("SELECT count(*) FROM lead_changes"), 248, "{kind}");
        assert_eq!(
            db.count("SELECT count(*) FROM source_files WHERE status = 'skipped'"),
            3,
            "{kind}"
        );
    }
}

#[test]
fn a_newer_snapshot_inserts_updates_and_deactivates() {
    let w = Workdir::new();
    let newer = later_nevada(&w, "07-14-2023");
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let output = w.ingest_into(&db, &[&newer], &[]);
        assert_exit(&output, 0);
        assert_eq!(
            later_snapshot_counts(&db),
            strings(&[["1", "1", "98", "1"]]),
            "{kind}"
        );
        // The README's query: what changed since the last load.
        let changed = rows(
            &db,
            "SELECT change, lead_id, coalesce(column_name, ''), coalesce(old_value, ''), coalesce(new_value, '')
             FROM lead_changes
             WHERE run_id = (SELECT run_id FROM runs WHERE files_loaded > 0 ORDER BY started_at DESC LIMIT 1)
               AND coalesce(column_name, '') <> 'source_record'
             ORDER BY change, lead_id, column_name",
        );
        assert_eq!(
            changed,
            strings(&[
                ["deactivated", "nevada:1106-22", "", "", ""],
                ["inserted", "nevada:9999-23", "", "", ""],
                [
                    "updated",
                    "nevada:1288-22",
                    "phone",
                    "+13622311137",
                    "+17025550199"
                ],
                ["updated", "nevada:1288-22", "phone_valid", "false", "true"],
            ]),
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM lead_changes WHERE column_name = 'source_record'"),
            1,
            "{kind}"
        );
        assert_eq!(
            db.text("SELECT CAST(is_active AS TEXT) FROM leads WHERE lead_id = 'nevada:1106-22'"),
            if kind == "sqlite" { "0" } else { "false" },
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE deactivated_at IS NOT NULL"),
            1,
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE is_active"),
            248,
            "{kind}"
        );
        // Unchanged leads are untouched: still from the first run.
        assert_eq!(
            db.count("SELECT count(DISTINCT run_id) FROM leads WHERE source = 'nevada'"),
            2,
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE source = 'nevada' AND source_file LIKE '%07-14-2023%'"),
            2,
            "{kind}"
        );
        // The README's query: net-new leads per file.
        assert_eq!(
            rows(
                &db,
                "SELECT f.source, CAST(count(c.lead_id) AS TEXT) FROM source_files f
                 LEFT JOIN lead_changes c ON c.source_file_id = f.id AND c.change = 'inserted'
                 WHERE f.status = 'loaded' GROUP BY f.id, f.source ORDER BY f.id"
            ),
            strings(&[
                ["nevada", "100"],
                ["oklahoma", "49"],
                ["texas", "99"],
                ["nevada", "1"]
            ]),
            "{kind}"
        );
    }
}

#[test]
fn a_lead_stored_under_another_hash_but_with_the_same_values_is_unchanged() {
    let w = Workdir::new();
    let newer = later_nevada(&w, "07-14-2023");
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        // As if loaded before hashes existed, or hashed by another build of leadpipe.
        db.execute(
            "UPDATE leads SET record_hash = NULL, issues = '[{\"column\":\"stale\"}]' WHERE lead_id = 'nevada:2919-23';
             UPDATE leads SET record_hash = '0' WHERE lead_id = 'nevada:2199-23';",
        );
        assert_exit(&w.ingest_into(&db, &[&newer], &[]), 0);
        assert_eq!(
            later_snapshot_counts(&db),
            strings(&[["1", "1", "98", "1"]]),
            "{kind}"
        );
        assert_eq!(
            db.count(
                "SELECT count(*) FROM leads WHERE lead_id IN ('nevada:2919-23', 'nevada:2199-23')
                 AND length(record_hash) = 32 AND source_file NOT LIKE '%07-14-2023%'"
            ),
            2,
            "{kind}: the hash is brought up to date, the lead left as it was"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE CAST(issues AS TEXT) LIKE '%stale%'"),
            0,
            "{kind}: notes on doubtful values are brought up to date with the hash"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM lead_changes WHERE lead_id IN ('nevada:2919-23', 'nevada:2199-23')"),
            2,
            "{kind}: only their `inserted` rows"
        );
    }
}

#[test]
fn snapshots_apply_in_date_order_and_an_older_one_never_rolls_back() {
    let w = Workdir::new();
    let newer = later_nevada(&w, "07-14-2023");
    for db in Db::both(&w) {
        let kind = db.kind();
        // Given newest first in one run, they still apply oldest first.
        let output = w.ingest_into(&db, &[&newer, &raw_dir().join(NEVADA)], &[]);
        assert_exit(&output, 0);
        // PostgreSQL rebuilt the indexes it dropped for a run into an empty `leads`.
        assert_eq!(lead_indexes(&db), migrated_lead_indexes(&db), "{kind}");
        assert_eq!(
            db.text("SELECT phone FROM leads WHERE lead_id = 'nevada:1288-22'"),
            "+17025550199",
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE NOT is_active"),
            1,
            "{kind}"
        );

        // An older snapshot after them is skipped.
        let older = redated(&w, NEVADA, "06-30-2023");
        let output = w.ingest_into(&db, &[&older], &[]);
        assert_exit(&output, 99);
        assert!(
            stdout(&output).contains("older than the 2023-07-14 snapshot"),
            "{kind}: {}",
            stdout(&output)
        );
        assert_eq!(
            db.text("SELECT phone FROM leads WHERE lead_id = 'nevada:1288-22'"),
            "+17025550199",
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE NOT is_active"),
            1,
            "{kind}"
        );
    }
}

#[test]
fn a_key_that_comes_back_is_reactivated() {
    let w = Workdir::new();
    let newer = later_nevada(&w, "07-14-2023");
    let back = redated(&w, NEVADA, "07-21-2023");
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(
            &w.ingest_into(&db, &[&raw_dir().join(NEVADA), &newer], &[]),
            0,
        );
        // Same content as the first snapshot, published later: applied, not skipped.
        let output = w.ingest_into(&db, &[&back], &[]);
        assert_exit(&output, 0);
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE NOT is_active"),
            1,
            "{kind}: 9999-23 is gone now"
        );
        assert_eq!(
            db.text("SELECT lead_id FROM leads WHERE NOT is_active"),
            "nevada:9999-23",
            "{kind}"
        );
        assert_eq!(db.count("SELECT count(*) FROM leads WHERE deactivated_at IS NULL AND lead_id = 'nevada:1106-22'"), 1, "{kind}");
        assert_eq!(
            rows(
                &db,
                "SELECT change, lead_id FROM lead_updates WHERE change IN ('reactivated', 'deactivated') ORDER BY id"
            ),
            strings(&[
                ["deactivated", "nevada:1106-22"],
                ["reactivated", "nevada:1106-22"],
                ["deactivated", "nevada:9999-23"],
            ]),
            "{kind}"
        );
        assert_eq!(
            db.text("SELECT phone FROM leads WHERE lead_id = 'nevada:1288-22'"),
            "+13622311137",
            "{kind}"
        );
    }
}

#[test]
fn a_repeated_key_in_one_file_is_rejected_not_a_crash() {
    let w = Workdir::new();
    let text = std::fs::read_to_string(raw_dir().join(TEXAS)).unwrap();
    let second = text.lines().nth(2).unwrap().to_string();
    let file = w.write(&format!("dup/{TEXAS}"), format!("{text}\r\n{second}"));
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&file], &[]), 0);
        assert_eq!(db.count("SELECT count(*) FROM leads"), 99, "{kind}");
        assert_eq!(
            rows(&db, "SELECT reason, CAST(source_line AS TEXT) FROM rejects"),
            strings(&[["duplicate_key", "101"]]),
            "{kind}"
        );
    }
}

/// A Texas-format file of `records` providers with distinct operation numbers.
fn large_texas_file(w: &Workdir, records: usize) -> PathBuf {
    let real = std::fs::read_to_string(raw_dir().join(TEXAS)).unwrap();
    let mut lines = real.lines();
    let header = lines.next().unwrap();
    let sample = lines.nth(1).unwrap();
    let (_, rest) = sample.split_once(',').unwrap();
    let mut text = format!("{header}\r\n");
    for i in 0..records {
        text.push_str(&format!("{},{rest}\r\n", 5_000_000 + i));
    }
    w.write(&format!("big/{TEXAS}"), text)
}

fn spawn_ingest(w: &Workdir, db: &Db, input: &Path) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("leadpipe"))
        .current_dir(w.path())
        .env_remove("DATABASE_URL")
        .args(["ingest", input.to_str().unwrap(), "--db", &db.url()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until a load is writing: pages in SQLite's WAL, or spilled to a new file under its
/// rollback journal; or a COPY of leads on PostgreSQL.
fn wait_until_loading(db: &Db, child: &mut Child) {
    let started = Instant::now();
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the load ended before it could be killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the load never started writing"
        );
        let loading = match db {
            Db::Sqlite(path) => {
                let size = |p: PathBuf| p.metadata().map_or(0, |m| m.len());
                size(path.with_extension("db-wal")) > 1 << 20
                    || (path.with_extension("db-journal").exists() && size(path.clone()) > 1 << 20)
            }
            Db::Postgres { name } => {
                let sql = format!(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}' AND query LIKE 'COPY leads %'"
                );
                util::postgres_count(&sql) > 0
            }
        };
        if loading {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_load_killed_mid_way_leaves_the_database_as_it_was() {
    let w = Workdir::new();
    let big = large_texas_file(&w, 60_000);
    for db in Db::both(&w) {
        assert_exit(&w.ingest_into(&db, &[&raw_dir().join(NEVADA)], &[]), 0);
        kill_mid_load_then_load_again(&w, &db, &big, 100);
    }
}

#[test]
fn a_first_load_killed_mid_way_leaves_no_lead() {
    let w = Workdir::new();
    let big = large_texas_file(&w, 60_000);
    for db in Db::both(&w) {
        kill_mid_load_then_load_again(&w, &db, &big, 0);
        if let Db::Sqlite(_) = db {
            // Filled under a rollback journal, then turned to WAL for readers.
            assert_eq!(db.text("PRAGMA journal_mode"), "wal");
        }
    }
}

/// Kills a load of `big` (60,000 leads) into `db`, which holds `before` leads from one
/// run and file, checks that nothing changed, and loads `big` again.
fn kill_mid_load_then_load_again(w: &Workdir, db: &Db, big: &Path, before: i64) {
    let kind = db.kind();
    let mut child = spawn_ingest(w, db, big);
    wait_until_loading(db, &mut child);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let earlier_runs = i64::from(before > 0);
    assert_eq!(db.count("SELECT count(*) FROM leads"), before, "{kind}");
    assert_eq!(
        db.count("SELECT count(*) FROM runs"),
        earlier_runs,
        "{kind}"
    );
    assert_eq!(
        db.count("SELECT count(*) FROM source_files"),
        earlier_runs,
        "{kind}"
    );
    assert_eq!(
        db.count("SELECT count(*) FROM lead_changes"),
        before,
        "{kind}"
    );
    assert_eq!(lead_indexes(db), migrated_lead_indexes(db), "{kind}");

    let output = w.ingest_into(db, &[big], &["--lock-timeout", "30"]);
    assert_exit(&output, 0);
    assert_eq!(
        db.count("SELECT count(*) FROM leads"),
        before + 60_000,
        "{kind}"
    );
    assert_eq!(
        db.count("SELECT count(*) FROM runs WHERE status = 'completed'"),
        earlier_runs + 1,
        "{kind}"
    );
}

#[test]
fn two_concurrent_runs_of_the_same_input_load_it_once() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        let kind = db.kind();
        let raw = raw_dir();
        let children = [spawn_ingest(&w, &db, &raw), spawn_ingest(&w, &db, &raw)];
        let mut codes: Vec<Option<i32>> = children
            .into_iter()
            .map(|child| {
                let output = child.wait_with_output().unwrap();
                eprintln!("{kind}: {}", String::from_utf8_lossy(&output.stderr));
                output.status.code()
            })
            .collect();
        codes.sort();
        assert_eq!(
            codes,
            [Some(0), Some(99)],
            "{kind}: one loads, the other finds nothing new"
        );
        assert_eq!(db.count("SELECT count(*) FROM leads"), 248, "{kind}");
        assert_eq!(db.count("SELECT count(*) FROM lead_changes"), 248, "{kind}");
        assert_eq!(db.count("SELECT count(*) FROM rejects"), 1, "{kind}");
        assert_eq!(
            rows(
                &db,
                "SELECT status, CAST(count(*) AS TEXT) FROM source_files GROUP BY status ORDER BY status"
            ),
            strings(&[["loaded", "3"], ["skipped", "3"]]),
            "{kind}"
        );
    }
}

#[test]
fn a_second_run_gives_up_after_the_lock_timeout_with_a_clear_error() {
    let w = Workdir::new();
    let texas = raw_dir().join(TEXAS);
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(
            &w.command(&["migrate", "--db", &db.url()]).output().unwrap(),
            0,
        );
        let holder = util::hold_run_lock(&db);
        let started = Instant::now();
        let output = w.ingest_into(&db, &[&texas], &["--lock-timeout", "1"]);
        assert_exit(&output, 2);
        assert!(started.elapsed() >= Duration::from_secs(1), "{kind}");
        let err = stderr(&output);
        assert!(
            err.contains("another leadpipe run is loading into"),
            "{kind}: {err}"
        );
        assert!(err.contains("gave up waiting after 1 s"), "{kind}: {err}");
        drop(holder);
        assert_eq!(db.count("SELECT count(*) FROM leads"), 0, "{kind}");
        assert_exit(&w.ingest_into(&db, &[&texas], &[]), 0);
        assert_eq!(db.count("SELECT count(*) FROM leads"), 99, "{kind}");
    }
}

#[test]
fn migrate_creates_the_same_schema_on_both_targets() {
    let w = Workdir::new();
    let [sqlite, postgres] = Db::both(&w);
    let mut columns = Vec::new();
    for db in [&sqlite, &postgres] {
        let output = w.command(&["migrate", "--db", &db.url()]).output().unwrap();
        assert_exit(&output, 0);
        assert!(
            stdout(&output).contains("schema is up to date"),
            "{}",
            stdout(&output)
        );
        let sql = match db {
            Db::Sqlite(_) => "SELECT name FROM pragma_table_info('leads') ORDER BY cid".to_string(),
            Db::Postgres { .. } => {
                "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
                 WHERE table_name = 'leads' ORDER BY ordinal_position"
                    .to_string()
            }
        };
        columns.push(rows(db, &sql));
    }
    assert_eq!(columns[0], columns[1]);
    assert_eq!(columns[0].len(), 32 + 8 + 3 + 2 + 1 + 1 + 2 + 1 + 8);
    assert_eq!(columns[0][0], ["accepts_financial_aid"]);
    assert_eq!(columns[0].last().unwrap(), &["derived"]);
}

#[test]
fn a_schema_from_before_v7_keeps_its_inserted_changes() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        let kind = db.kind();
        db.migrate_to(6);
        db.execute(
            "INSERT INTO runs (run_id, started_at, status, leadpipe_version)
             VALUES ('r1', '2023-07-07T00:00:00Z', 'completed', '0.1.0');
             INSERT INTO source_files (run_id, source, path, content_sha256, size_bytes, status, processed_at)
             VALUES ('r1', 'nevada', 'a.csv', 'x', 1, 'loaded', '2023-07-07T00:00:00Z'),
                    ('r1', 'nevada', 'b.csv', 'y', 1, 'loaded', '2023-07-14T00:00:00Z');
             INSERT INTO leads (lead_id, source, source_file, source_line, ingested_at, run_id, source_record)
             VALUES ('nevada:1', 'nevada', 'b.csv', 2, '2023-07-07T00:00:00Z', 'r1', '{}'),
                    ('nevada:2', 'nevada', 'b.csv', 3, '2023-07-07T00:00:00Z', 'r1', '{}');
             INSERT INTO lead_changes (run_id, source_file_id, lead_id, change, column_name, old_value, new_value)
             VALUES ('r1', 1, 'nevada:1', 'inserted', NULL, NULL, NULL),
                    ('r1', 2, 'nevada:2', 'inserted', NULL, NULL, NULL),
                    ('r1', 2, 'nevada:1', 'updated', 'city', 'RENO', 'ELKO');",
        );
        assert_exit(
            &w.command(&["migrate", "--db", &db.url()]).output().unwrap(),
            0,
        );
        assert_eq!(
            rows(
                &db,
                "SELECT lead_id, CAST(first_file_id AS TEXT) FROM leads ORDER BY lead_id"
            ),
            strings(&[["nevada:1", "1"], ["nevada:2", "2"]]),
            "{kind}"
        );
        assert_eq!(
            rows(
                &db,
                "SELECT run_id, CAST(source_file_id AS TEXT), lead_id, change, column_name, new_value
                 FROM lead_changes ORDER BY source_file_id, lead_id, change"
            ),
            strings(&[
                ["r1", "1", "nevada:1", "inserted", "", ""],
                ["r1", "2", "nevada:1", "updated", "city", "ELKO"],
                ["r1", "2", "nevada:2", "inserted", "", ""],
            ]),
            "{kind}"
        );
        assert_eq!(db.count("SELECT count(*) FROM lead_updates"), 1, "{kind}");
    }
}

#[test]
fn content_loaded_before_loads_again_once_another_snapshot_replaced_it() {
    let w = Workdir::new();
    // Two different files of the same day: the later one loaded wins, and the first one
    // given again is loaded again rather than skipped.
    let same_day = later_nevada(&w, "07-07-2023");
    for db in Db::both(&w) {
        let kind = db.kind();
        for file in [raw_dir().join(NEVADA), same_day.clone()] {
            assert_exit(&w.ingest_into(&db, &[&file], &[]), 0);
        }
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE NOT is_active"),
            1,
            "{kind}"
        );
        let output = w.ingest_into(&db, &[&raw_dir().join(NEVADA)], &[]);
        assert_exit(&output, 0);
        assert!(
            !stdout(&output).contains("already loaded"),
            "{kind}: {}",
            stdout(&output)
        );
        assert_eq!(
            db.text("SELECT lead_id FROM leads WHERE NOT is_active"),
            "nevada:9999-23",
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM source_files WHERE status = 'loaded'"),
            3,
            "{kind}"
        );
    }
}

#[test]
fn a_run_waiting_for_the_postgres_lock_names_the_session_that_holds_it() {
    let w = Workdir::new();
    let db = Db::postgres();
    assert_exit(
        &w.command(&["migrate", "--db", &db.url()]).output().unwrap(),
        0,
    );
    let mut holder = postgres::Client::connect(
        &format!("{}?application_name=holder-test", db.url()),
        postgres::NoTls,
    )
    .unwrap();
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&leadpipe::store::RUN_LOCK])
        .unwrap();
    let pid: i32 = holder
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let output = w.ingest_into(&db, &[&raw_dir().join(TEXAS)], &["--lock-timeout", "1"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "the lock is held by session {pid} (holder-test, from "
        )),
        "{err}"
    );
    assert!(err.contains("connected since 20"), "{err}");
    drop(holder);
}
