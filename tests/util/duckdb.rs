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
        let has_duckdb = |bin: &Path| {
            Command::new(bin.join("python"))
                .args(["-c", "import duckdb"])
                .status()
                .is_ok_and(|s| s.success())
        };
        super::venv_with("duckdb-venv", DUCKDB, has_duckdb).join("python")
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
