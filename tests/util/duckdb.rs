//! DuckDB (PyPI, pinned), to read exported Parquet back as an independent reader would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The DuckDB version the tests read Parquet with.
const DUCKDB: &str = "duckdb==1.4.2";

/// A `python` that has DuckDB: in `$LEADPIPE_TEST_DUCKDB`, or in a virtual environment in
/// `target/duckdb-venv`, created on first use.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        if let Some(dir) = std::env::var_os("LEADPIPE_TEST_DUCKDB") {
            return PathBuf::from(dir).join("python");
        }
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/duckdb-venv");
        let bin = venv.join("bin");
        let has_duckdb = || {
            Command::new(bin.join("python"))
                .args(["-c", "import duckdb"])
                .status()
                .is_ok_and(|s| s.success())
        };
        if !has_duckdb() {
            let ok = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success())
                && Command::new(bin.join("pip"))
                    .args(["install", "--quiet", DUCKDB])
                    .status()
                    .is_ok_and(|s| s.success());
            assert!(
                ok,
                "could not install {DUCKDB} into {}; install it and set LEADPIPE_TEST_DUCKDB",
                venv.display()
            );
        }
        bin.join("python")
    })
}

/// Runs DuckDB's SQL `sql` and returns its rows, each value as text (`NULL` as `None`).
pub fn query(sql: &str) -> Vec<Vec<Option<String>>> {
    let script = "import duckdb, json, sys\n\
        rows = duckdb.connect().execute(sys.argv[1]).fetchall()\n\
        print(json.dumps([[None if v is None else str(v) for v in row] for row in rows]))";
    let output = Command::new(python())
        .args(["-c", script, sql])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "duckdb: {sql}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}
