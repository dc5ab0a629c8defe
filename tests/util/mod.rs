//! Test helpers: a scratch folder, the real binary, and the SQLite database it wrote.

#![allow(dead_code)] // Each test crate uses its own subset of these helpers.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use rusqlite::Connection;

/// The agencies' real files: `../shared/data` beside the repository, or
/// `$LEADPIPE_SHARED_DATA`.
pub fn shared_data() -> PathBuf {
    std::env::var_os("LEADPIPE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

pub fn raw_dir() -> PathBuf {
    shared_data().join("raw")
}

pub const NEVADA: &str = "07-07-2023 Nevada Dept of Public _ Behavioral Health.csv";
pub const OKLAHOMA: &str = "07-07-2023 Oklahoma Human Services.csv";
pub const TEXAS: &str = "07-07-2023 Texas DHHS.csv";

/// A scratch folder holding the database, with the binary run inside it.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db_path(&self) -> PathBuf {
        self.path().join("leads.db")
    }

    /// `leadpipe` with the working directory set here and no DATABASE_URL inherited.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("leadpipe").unwrap();
        cmd.current_dir(self.path())
            .env_remove("DATABASE_URL")
            .args(args);
        cmd
    }

    /// Runs `leadpipe ingest <inputs> --db sqlite:<here>/leads.db`.
    pub fn ingest(&self, inputs: &[&Path]) -> Output {
        self.ingest_with(inputs, &[])
    }

    /// Runs `leadpipe ingest <inputs> --db sqlite:<here>/leads.db <extra>`.
    pub fn ingest_with(&self, inputs: &[&Path], extra: &[&str]) -> Output {
        let mut args = vec!["ingest".to_string()];
        args.extend(inputs.iter().map(|p| p.display().to_string()));
        args.extend([
            "--db".to_string(),
            format!("sqlite:{}", self.db_path().display()),
        ]);
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.command(&args).output().unwrap()
    }

    /// Writes a file here and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn db(&self) -> Connection {
        Connection::open(self.db_path()).unwrap()
    }

    /// One value of a query.
    pub fn query<T: rusqlite::types::FromSql>(&self, sql: &str) -> T {
        self.db().query_row(sql, [], |row| row.get(0)).unwrap()
    }

    /// Every row of a two-column query, as pairs.
    pub fn pairs<A, B>(&self, sql: &str) -> Vec<(A, B)>
    where
        A: rusqlite::types::FromSql,
        B: rusqlite::types::FromSql,
    {
        let db = self.db();
        let mut stmt = db.prepare(sql).unwrap();
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Panics with the command's output unless it exited with `code`.
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}
