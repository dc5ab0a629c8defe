//! `--results FILE`: the JSON document an orchestrator reads, checked against the committed
//! JSON Schema, for a committed run with a held snapshot and for a run that could not happen.

mod util;

use std::path::Path;

use serde_json::Value;
use util::{NEVADA, Workdir, assert_exit, raw_dir};

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/results-v1.schema.json"),
    )
    .unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

/// The document at `path`, once it is valid against the schema.
fn valid_results(path: &Path) -> Value {
    let results: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let errors: Vec<String> = schema()
        .iter_errors(&results)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{results:#}");
    results
}

#[test]
fn a_held_run_is_told_file_by_file_with_its_guard_figures() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir()]), 0);
    // Half of Nevada's list, published a week later.
    let text = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let half: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').take(51).collect();
    let partial = w.write(&NEVADA.replace("07-07-2023", "07-14-2023"), half.concat());
    let results = w.path().join("out/results.json");
    std::fs::create_dir_all(results.parent().unwrap()).unwrap();
    let output = w.ingest_with(
        &[&partial, &raw_dir()],
        &["--results", results.to_str().unwrap()],
    );
    assert_exit(&output, 4);

    let doc = valid_results(&results);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["command"], "ingest");
    assert_eq!(doc["status"], "committed");
    assert_eq!(doc["exit_code"], 4);
    assert_eq!(doc["exit_status"], "held");
    assert_eq!(doc["error"], Value::Null);
    assert_eq!(doc["run_id"].as_str().unwrap().len(), 36);
    assert!(doc["database"].as_str().unwrap().starts_with("sqlite:"));
    // Nothing new was applied: nothing to link, with the parameters the first load trained.
    assert_eq!(doc["entities"]["leads"], 0);
    assert_eq!(doc["entities"]["trained"], false);
    let threshold = &doc["entities"]["threshold"];
    let probability = threshold["probability"].as_f64().unwrap();
    assert!(probability > 0.0 && probability < 1.0, "{threshold}");
    assert!(threshold["precision"].as_f64().is_some(), "{threshold}");
    let files = doc["files"].as_array().unwrap();
    let statuses: Vec<&str> = files
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["already_loaded", "already_loaded", "already_loaded", "held"]
    );
    let held = &files[3];
    assert_eq!(held["source"], "nevada");
    assert_eq!(held["counts"]["read"], 0, "a held file counts nothing");
    let guards: Vec<(&str, f64, f64)> = held["held_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let n = |k: &str| (f[k].as_f64().unwrap() * 100.0).round() / 100.0;
            (f["guard"].as_str().unwrap(), n("observed"), n("threshold"))
        })
        .collect();
    assert_eq!(
        guards,
        [
            ("max_deactivated", 0.5, 0.1),
            ("min_records_ratio", 0.5, 0.9)
        ]
    );
    let measures: Vec<&str> = held["held_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["measure"].as_str().unwrap())
        .collect();
    assert_eq!(measures, ["share", "ratio"]);
    assert!(
        held["message"]
            .as_str()
            .unwrap()
            .contains("it would deactivate 50 of the source's 100 active leads"),
        "{held:#}"
    );
    // Written through a temporary file renamed over the target: nothing else is left.
    let left: Vec<_> = std::fs::read_dir(results.parent().unwrap())
        .unwrap()
        .collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn a_run_that_could_not_happen_still_writes_its_results() {
    let w = Workdir::new();
    let results = w.path().join("results.json");
    let raw = raw_dir();
    let output = w
        .command(&[
            "ingest",
            raw.to_str().unwrap(),
            "--db",
            "postgres://leadpipe:s3cret@127.0.0.1:1/nowhere",
            "--results",
            results.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    let doc = valid_results(&results);
    assert_eq!(doc["status"], "failed");
    assert_eq!(doc["exit_code"], 2);
    assert_eq!(doc["exit_status"], "impossible");
    assert_eq!(doc["run_id"], Value::Null);
    assert_eq!(doc["files"], Value::Array(Vec::new()));
    let error = doc["error"].as_str().unwrap();
    assert!(
        error.contains("cannot connect to PostgreSQL at postgres://leadpipe@127.0.0.1:1/nowhere"),
        "{error}"
    );
    assert!(
        !std::fs::read_to_string(&results)
            .unwrap()
            .contains("s3cret")
    );
}

/// The command line of the example Airflow DAG, with its templates filled in.
fn airflow_command(since: &str, day: &str) -> String {
    let dag = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/airflow/leadpipe_weekly.py"),
    )
    .unwrap();
    let start = dag.find("# command:\n").unwrap();
    let end = dag.find("# /command").unwrap();
    // The Python string literals of the block, joined as Python joins adjacent ones.
    let literals: String = dag[start..end].split('\'').skip(1).step_by(2).collect();
    assert!(literals.starts_with("leadpipe ingest "), "{literals}");
    literals
        .replace("{{ data_interval_start | ds }}", since)
        .replace("{{ ds }}", day)
}

#[test]
fn the_airflow_example_loads_then_skips_a_week_with_nothing_new() {
    let w = Workdir::new();
    let bin = Path::new(env!("CARGO_BIN_EXE_leadpipe")).parent().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let results = w.path().join("results");
    std::fs::create_dir_all(&results).unwrap();
    let run = |day: &str| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(airflow_command("2000-01-01", day))
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("LEADPIPE_INPUT", &examples)
            .env("LEADPIPE_RESULTS", &results)
            .env("DATABASE_URL", format!("sqlite:{}", w.db_path().display()))
            .current_dir(w.path())
            .output()
            .unwrap()
    };
    assert_exit(&run("2026-01-05"), 0);
    let first = valid_results(&results.join("2026-01-05.json"));
    assert_eq!(first["exit_status"], "success");
    assert_eq!(first["files"].as_array().unwrap().len(), 3);
    // The first load trains the matcher on what it loaded and links all of it.
    let loaded: u64 = first["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["counts"]["loaded"].as_u64().unwrap())
        .sum();
    assert_eq!(first["entities"]["leads"].as_u64(), Some(loaded));
    assert_eq!(first["entities"]["trained"], true);
    // A week later nothing was published: 99, which the DAG skips on.
    assert_exit(&run("2026-01-12"), 99);
    let second = valid_results(&results.join("2026-01-12.json"));
    assert_eq!(second["exit_status"], "nothing_new");
    assert_eq!(second["status"], "committed");
}

#[test]
fn a_verify_writes_its_checks_in_the_results() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir()]), 0);
    let checks = w.write(
        "checks.toml",
        "[[checks]]\nkind = \"freshness\"\nmax_age_days = 7\nsource = \"texas\"\nseverity = \"warn\"\n",
    );
    let results = w.path().join("verify.json");
    let db = format!("sqlite:{}", w.db_path().display());
    let output = w
        .command(&[
            "verify",
            "--db",
            &db,
            "--checks",
            checks.to_str().unwrap(),
            "--as-of",
            "2023-07-20",
            "--results",
            results.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let doc = valid_results(&results);
    assert_eq!(doc["command"], "verify");
    assert_eq!(doc["exit_status"], "success");
    assert_eq!(doc["files"], Value::Array(Vec::new()));
    assert_eq!(doc["entities"], Value::Null);
    assert_eq!(
        doc["checks"],
        serde_json::json!([{
            "source": "texas",
            "check": "freshness",
            "severity": "warn",
            "status": "fail",
            "observed": "newest snapshot 2023-07-07, 13 days old",
            "threshold": "at most 7 days old on 2023-07-20"
        }])
    );
}
