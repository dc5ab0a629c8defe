//! The benchmark harness, run at a tiny scale: it works, and its figures come from real runs.

mod util;

use std::path::Path;
use std::process::Command;

use util::Workdir;

/// Runs a harness at scale 3, twice per step, with the build under test; its results.
fn harness(script: &str) -> serde_json::Value {
    let w = Workdir::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = w.path().join("results.json");
    let output = Command::new("python3")
        .arg(root.join(script))
        .args(["--scale", "3", "--repeat", "2", "--work"])
        .arg(w.path().join("work"))
        .arg("--out")
        .arg(&out)
        .arg("--leadpipe")
        .arg(assert_cmd::cargo::cargo_bin("leadpipe"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap()
}

#[test]
fn the_harness_times_every_step_on_scaled_real_files() {
    let results = harness("bench/bench.py");
    // Three copies of the 249 records, with the one cut-off record kept once at the end.
    assert_eq!(results["records"], 3 * 248 + 1);
    for step in [
        "postgres",
        "copy_floor",
        "sql_elt",
        "sqlite",
        "rerun",
        "changed",
    ] {
        let seconds = results[step]["seconds"].as_f64().unwrap();
        assert!(seconds > 0.0, "{step}: {seconds}");
        // The median of two runs, each timed.
        let runs: Vec<f64> = results[step]["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_f64().unwrap())
            .collect();
        assert_eq!(runs.len(), 2, "{step}");
        assert!((seconds - (runs[0] + runs[1]) / 2.0).abs() < 1e-9, "{step}");
        let rate = results[step]["records_per_second"].as_f64().unwrap();
        assert_eq!(rate, (745.0 / seconds).round(), "{step}");
    }
    for step in ["postgres", "sqlite", "rerun", "changed"] {
        assert!(
            results[step]["peak_rss_kib"].as_u64().unwrap() > 1000,
            "{step}"
        );
    }
    // The 1% changed snapshot changed phones, so it updated leads and inserted none.
    let changed = results["changed"]["summary"].as_str().unwrap();
    assert!(changed.contains("0 inserted"), "{changed}");
    assert!(!changed.contains(" 0 updated"), "{changed}");
}

#[test]
fn the_export_harness_times_leadpipe_the_floor_and_duckdb_on_the_same_rows() {
    let results = harness("bench/export.py");
    // Three copies of the 248 leads (the cut-off record is rejected).
    assert_eq!(results["leads"], 3 * 248);
    let floor = results["copy_floor"]["seconds"].as_f64().unwrap();
    for step in ["copy_floor", "copy_null", "postgres", "sqlite", "duckdb"] {
        let runs: Vec<f64> = results[step]["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_f64().unwrap())
            .collect();
        assert_eq!(runs.len(), 2, "{step}");
        let seconds = results[step]["seconds"].as_f64().unwrap();
        assert!((seconds - (runs[0] + runs[1]) / 2.0).abs() < 1e-9, "{step}");
        let ratio = results[step]["ratio_to_copy_floor"].as_f64().unwrap();
        assert!((ratio - seconds / floor).abs() < 0.006, "{step}: {ratio}");
    }
    for step in ["postgres", "sqlite"] {
        assert!(
            results[step]["peak_rss_kib"].as_u64().unwrap() > 1000,
            "{step}"
        );
    }
    // Both wrote the same rows: their files are within a few percent of each other.
    let (ours, duckdb) = (
        results["parquet_bytes"].as_f64().unwrap(),
        results["duckdb_parquet_bytes"].as_f64().unwrap(),
    );
    assert!(
        ours > 0.0 && duckdb > 0.0 && (ours / duckdb - 1.0).abs() < 0.5,
        "{ours} {duckdb}"
    );
}
