//! `leadpipe export` of the tables, on both targets: the real files' leads as Parquet, to one
//! file, to a local folder partitioned by state and snapshot date, and to a real
//! S3-compatible server (moto), read back with DuckDB and compared with the database value
//! by value; and every other table's rows counted back.

mod util;

use std::collections::BTreeMap;
use std::path::Path;

use util::moto::Moto;
use util::{Db, NEVADA, Workdir, assert_exit, duckdb, raw_dir, stderr};

/// The export's columns with DuckDB's names of their types, as it reads `parquet`.
fn schema(parquet: &str) -> Vec<(String, String)> {
    duckdb::query(&format!(
        "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{parquet}'))"
    ))
    .into_iter()
    .map(|row| (row[0].clone().unwrap(), row[1].clone().unwrap()))
    .collect()
}

/// Every value of the leads read back, each as text in one spelling both sides can give:
/// booleans `true`/`false`, dates ISO, times as microseconds since the epoch.
fn read_back(parquet: &str, schema: &[(String, String)]) -> Vec<Vec<Option<String>>> {
    let columns: Vec<String> = schema
        .iter()
        .map(|(name, ty)| match ty.as_str() {
            "TIMESTAMP WITH TIME ZONE" => format!("CAST(epoch_us({name}) AS VARCHAR)"),
            _ => format!("CAST({name} AS VARCHAR)"),
        })
        .collect();
    duckdb::query(&format!(
        "SELECT {} FROM read_parquet('{parquet}', hive_partitioning = false) ORDER BY lead_id",
        columns.join(", ")
    ))
}

/// The same values read from the database, spelled the same way.
fn stored(db: &Db, schema: &[(String, String)]) -> Vec<Vec<Option<String>>> {
    let sqlite = db.kind() == "sqlite";
    let columns: Vec<String> = schema
        .iter()
        .map(|(name, ty)| {
            let at = match name.as_str() {
                "snapshot_date" => "f.snapshot_date".to_string(),
                _ => format!("l.{name}"),
            };
            match (ty.as_str(), sqlite) {
                ("BOOLEAN", true) => {
                    format!("CASE {at} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END")
                }
                ("TIMESTAMP WITH TIME ZONE", true) => format!(
                    "CAST(CAST(strftime('%s', {at}) AS INTEGER) * 1000000
                        + CAST(substr({at}, 21, 3) AS INTEGER) * 1000 AS TEXT)"
                ),
                ("TIMESTAMP WITH TIME ZONE", false) => {
                    format!("CAST(CAST(extract(epoch FROM {at}) * 1000000 AS BIGINT) AS TEXT)")
                }
                _ => format!("CAST({at} AS TEXT)"),
            }
        })
        .collect();
    db.texts(&format!(
        "SELECT {} FROM leads l LEFT JOIN source_files f ON f.id = l.first_file_id ORDER BY l.lead_id",
        columns.join(", ")
    ))
}

/// PostgreSQL's types of the exported leads' columns, as DuckDB names what they become.
fn postgres_types(db: &Db) -> BTreeMap<String, String> {
    let duckdb = |ty: &str| match ty {
        "boolean" => "BOOLEAN",
        "integer" => "INTEGER",
        "bigint" => "BIGINT",
        "date" => "DATE",
        "double precision" => "DOUBLE",
        "timestamp with time zone" => "TIMESTAMP WITH TIME ZONE",
        "text" | "json" | "jsonb" => "VARCHAR",
        other => panic!("no Parquet type for {other}"),
    };
    db.texts(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_name = 'leads'
         UNION ALL SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_name = 'source_files' AND column_name = 'snapshot_date'",
    )
    .into_iter()
    .map(|row| {
        (
            row[0].clone().unwrap(),
            duckdb(row[1].as_deref().unwrap()).to_string(),
        )
    })
    .collect()
}

fn export(w: &Workdir, db: &Db, args: &[&str], env: &[(&str, String)]) -> String {
    let mut command = w.command(&["export", "--db", &db.url()]);
    command
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    let output = command.output().unwrap();
    assert_exit(&output, 0);
    stderr(&output)
}

/// The manifest's entries, as (address, content length).
fn manifest(path: &Path) -> Vec<(String, u64)> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    manifest["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["mandatory"], true);
            (
                e["url"].as_str().unwrap().to_string(),
                e["meta"]["content_length"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn leads_as_parquet_read_back_value_for_value_from_a_file_a_folder_and_s3() {
    let w = Workdir::new();
    let moto = Moto::start();
    moto.admin(&["bucket", "warehouse"]);
    let aws = vec![
        ("AWS_ACCESS_KEY_ID", "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
        ("AWS_ENDPOINT_URL", moto.endpoint.clone()),
        ("AWS_REGION", "us-east-1".to_string()),
    ];
    let mut schemas = Vec::new();
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let leads = db.count("SELECT count(*) FROM leads");
        assert_eq!(leads, 248, "{kind}");

        // One file.
        let file = w.path().join(format!("{kind}/leads.parquet"));
        let told = export(
            &w,
            &db,
            &[
                "leads",
                "--format",
                "parquet",
                "--out",
                file.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(
            told,
            format!("248 rows of `leads` written to {}\n", file.display()),
            "{kind}"
        );
        let file = file.display().to_string();
        let described = schema(&file);
        assert_eq!(
            read_back(&file, &described),
            stored(&db, &described),
            "{kind}: every value"
        );

        // A folder, by state and snapshot date.
        let folder = w.path().join(format!("{kind}/lake"));
        let told = export(
            &w,
            &db,
            &[
                "leads",
                "--format",
                "parquet",
                "--partition-by",
                "state,snapshot_date",
                "--out",
                folder.to_str().unwrap(),
            ],
            &[],
        );
        assert!(
            told.starts_with("248 rows of `leads` written to"),
            "{kind}: {told}"
        );
        let entries = manifest(&folder.join("manifest.json"));
        let canonical = std::fs::canonicalize(&folder).unwrap();
        let expected: Vec<String> = ["NV", "OK", "TX"]
            .iter()
            .map(|state| {
                canonical
                    .join(format!("state={state}/snapshot_date=2023-07-07"))
                    .display()
                    .to_string()
            })
            .collect();
        let found: Vec<String> = entries
            .iter()
            .map(|(url, _)| Path::new(url).parent().unwrap().display().to_string())
            .collect();
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(sorted, expected, "{kind}");
        for (url, bytes) in &entries {
            assert_eq!(
                std::fs::metadata(url).unwrap().len(),
                *bytes,
                "{kind}: {url}"
            );
            let state = &url[url.find("state=").unwrap() + 6..][..2];
            let counted = duckdb::query(&format!(
                "SELECT count(*), count(DISTINCT state), min(state) FROM read_parquet('{url}')"
            ));
            let in_db = db.count(&format!(
                "SELECT count(*) FROM leads WHERE state = '{state}'"
            ));
            assert_eq!(
                counted[0],
                [
                    Some(in_db.to_string()),
                    Some("1".into()),
                    Some(state.to_string())
                ]
            );
        }
        let lake = format!("{}/**/*.parquet", folder.display());
        assert_eq!(
            read_back(&lake, &described),
            stored(&db, &described),
            "{kind}: every value"
        );

        // S3, read back from the server's own copy.
        let prefix = format!("exports/{kind}");
        let told = export(
            &w,
            &db,
            &[
                "leads",
                "--format",
                "parquet",
                "--partition-by",
                "state",
                "--out",
                &format!("s3://warehouse/{prefix}/"),
            ],
            &aws,
        );
        assert!(
            told.ends_with(&format!(
                "3 part files, manifest s3://warehouse/{prefix}/manifest.json\n"
            )),
            "{kind}: {told}"
        );
        let copy = w.path().join(format!("{kind}/from-s3"));
        let listed = moto.admin(&["get", "warehouse", &prefix, copy.to_str().unwrap()]);
        assert_eq!(
            listed.lines().count(),
            4,
            "{kind}: three parts and the manifest: {listed}"
        );
        let entries = manifest(&copy.join(&prefix).join("manifest.json"));
        for (url, bytes) in &entries {
            let key = url.strip_prefix("s3://warehouse/").unwrap();
            assert!(
                listed.contains(&format!("{key} {bytes}")),
                "{kind}: {url} {bytes}: {listed}"
            );
        }
        let from_s3 = format!("{}/**/*.parquet", copy.join(&prefix).display());
        assert_eq!(
            read_back(&from_s3, &described),
            stored(&db, &described),
            "{kind}: every value"
        );

        // The other tables, counted back.
        for (table, view) in [
            ("providers", "providers"),
            ("lead-changes", "lead_changes"),
            ("rejects", "rejects"),
        ] {
            let file = w.path().join(format!("{kind}/{table}.parquet"));
            export(
                &w,
                &db,
                &[
                    table,
                    "--format",
                    "parquet",
                    "--out",
                    file.to_str().unwrap(),
                ],
                &[],
            );
            let counted = duckdb::query(&format!(
                "SELECT count(*) FROM read_parquet('{}')",
                file.display()
            ));
            let rows = db.count(&format!("SELECT count(*) FROM {view}"));
            assert_eq!(counted[0][0], Some(rows.to_string()), "{kind}: {table}");
        }
        if kind == "postgres" {
            let types = postgres_types(&db);
            for (name, ty) in &described {
                assert_eq!(Some(ty), types.get(name), "{name}: the table's type");
            }
        }
        schemas.push(described);
    }
    assert_eq!(schemas[0], schemas[1], "the same types from both targets");
    assert_eq!(schemas[0].len(), 57);
}

/// `bytes` with each `from` replaced by `to` (the real file is not all UTF-8).
fn replaced(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let (from, to) = (from.as_bytes(), to.as_bytes());
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The next week's Nevada snapshot: one provider renamed, one gone, one new.
fn next_nevada() -> Vec<u8> {
    let bytes = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let renamed = replaced(
        &bytes,
        "SUNSHINE ACADEMY PRE-SCHOOL,CENTER,1106-22",
        "SUNSHINE ACADEMY PRESCHOOL,CENTER,1106-22",
    );
    let lines: Vec<&[u8]> = renamed.split_inclusive(|b| *b == b'\n').collect();
    let gone = |line: &&[u8]| line.windows(9).any(|w| w == b",1288-22,");
    let new = replaced(lines[1], "1106-22", "9999-23");
    let new = replaced(
        &new,
        "SUNSHINE ACADEMY PRESCHOOL",
        "BRAND NEW LEARNING CENTER",
    );
    let mut next: Vec<u8> = lines
        .iter()
        .filter(|l| !gone(l))
        .flat_map(|l| l.iter().copied())
        .collect();
    next.extend(new);
    next
}

#[test]
fn an_incremental_export_writes_what_the_runs_since_changed() {
    let w = Workdir::new();
    let next = w.write(&format!("next/07-14-2023 {}", &NEVADA[11..]), next_nevada());
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let first_run = db.text("SELECT run_id FROM runs");
        let args = ["leads", "--since-last-export", "--format", "jsonl"];
        let mut command = w.command(&["export", "--db", &db.url()]);
        let first = command.args(args).output().unwrap();
        assert_exit(&first, 0);
        assert_eq!(
            stderr(&first),
            "note: `leads` was never exported: exporting all of it\n",
            "{kind}"
        );
        assert_eq!(util::stdout(&first).lines().count(), 248, "{kind}");

        assert_exit(&w.ingest_into(&db, &[&next], &[]), 0);
        let lines = |args: &[&str]| -> Vec<serde_json::Value> {
            let mut command = w.command(&["export", "--db", &db.url()]);
            let output = command.args(args).output().unwrap();
            assert_exit(&output, 0);
            util::stdout(&output)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let mut changed: Vec<(String, bool, String)> = lines(&args)
            .iter()
            .map(|lead| {
                (
                    lead["lead_id"].as_str().unwrap().to_string(),
                    lead["is_active"].as_bool().unwrap(),
                    lead["company"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        changed.sort();
        let expected = [
            ("nevada:1106-22", true, "SUNSHINE ACADEMY PRESCHOOL"),
            (
                "nevada:1288-22",
                false,
                "SUNRISE CHILDREN'S FOUNDATION EARLY HEAD START - SPRING VALLEY",
            ),
            ("nevada:9999-23", true, "BRAND NEW LEARNING CENTER"),
        ]
        .map(|(id, active, company)| (id.to_string(), active, company.to_string()));
        assert_eq!(changed, expected, "{kind}");
        assert!(lines(&args).is_empty(), "{kind}: nothing since");

        // The history since the first run: what the second snapshot did.
        let history = lines(&[
            "lead-changes",
            "--since-run",
            &first_run,
            "--format",
            "jsonl",
        ]);
        let mut changes: Vec<(&str, &str, Option<&str>)> = history
            .iter()
            .map(|c| {
                (
                    c["lead_id"].as_str().unwrap(),
                    c["change"].as_str().unwrap(),
                    c["column_name"].as_str(),
                )
            })
            .collect();
        changes.sort();
        assert_eq!(
            changes,
            [
                ("nevada:1106-22", "updated", Some("company")),
                ("nevada:1106-22", "updated", Some("source_record")),
                ("nevada:1288-22", "deactivated", None),
                ("nevada:9999-23", "inserted", None),
            ],
            "{kind}"
        );
        let remembered = db.texts(
            "SELECT what, since_run_id, through_run_id, CAST(rows AS TEXT) FROM exports ORDER BY id",
        );
        let second_run =
            db.text("SELECT run_id FROM runs WHERE run_id <> (SELECT min(run_id) FROM runs)");
        let (first, second) = (Some(first_run.clone()), Some(second_run));
        let leads = Some("leads".to_string());
        assert_eq!(
            remembered,
            [
                vec![leads.clone(), None, first.clone(), Some("248".into())],
                vec![
                    leads.clone(),
                    first.clone(),
                    second.clone(),
                    Some("3".into())
                ],
                vec![leads, second.clone(), second.clone(), Some("0".into())],
                vec![Some("lead-changes".into()), first, second, Some("4".into())],
            ],
            "{kind}"
        );
    }
}
