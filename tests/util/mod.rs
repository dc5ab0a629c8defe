//! Test helpers: a scratch folder, the real binary, and the SQLite database it wrote.

#![allow(dead_code)] // Each test crate uses its own subset of these helpers.

pub mod chromium;
pub mod duckdb;
pub mod moto;
pub mod nevada;
pub mod snapshots;

/// The `bin` folder of a virtual environment `target/<name>` that has `package`, made on
/// first use: `installed` says whether a folder has it already.
pub fn venv_with(name: &str, package: &str, installed: impl Fn(&Path) -> bool) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(name);
    let bin = venv.join("bin");
    if !installed(&bin) {
        let ok = std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && std::process::Command::new(bin.join("pip"))
                .args(["install", "--quiet", package])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok,
            "could not install {package} into {}; install it and name it with the variable the README gives",
            venv.display()
        );
    }
    bin
}

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use rusqlite::Connection;

/// The agencies' real files, committed under `tests/data` (provenance in its README).
pub fn test_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The files as the agencies published them.
pub fn raw_dir() -> PathBuf {
    test_data().join("raw")
}

/// The files with the original pipeline author's two hand edits.
pub fn sources_dir() -> PathBuf {
    test_data().join("sources")
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

    /// `leadpipe` with the working directory set here and no DATABASE_URL or LEADPIPE_NOTIFY
    /// inherited.
    pub fn command(&self, args: &[&str]) -> Command {
        Command::from_std(self.process(args))
    }

    /// [`Workdir::command`] as a plain process, for a test that wires its standard streams.
    pub fn process(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("leadpipe"));
        cmd.current_dir(self.path())
            .env_remove("DATABASE_URL")
            .env_remove("LEADPIPE_NOTIFY")
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
#[track_caller]
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// A database under test: a SQLite file in a scratch folder, or a throwaway PostgreSQL
/// database created for the test and dropped after it.
pub enum Db {
    Sqlite(PathBuf),
    Postgres { name: String },
}

mod sqlite_migrations {
    refinery::embed_migrations!("migrations/sqlite");
}

mod postgres_migrations {
    refinery::embed_migrations!("migrations/postgres");
}

/// The PostgreSQL server tests create their databases on: `$LEADPIPE_TEST_POSTGRES`, or
/// the local server.
fn postgres_admin_url() -> String {
    std::env::var("LEADPIPE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_admin() -> postgres::Client {
    let url = postgres_admin_url();
    postgres::Client::connect(&url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("tests need PostgreSQL at {url} (see .ci/run): {e}"))
}

impl Db {
    /// Both targets: a SQLite file in `w`, and a new PostgreSQL database.
    pub fn both(w: &Workdir) -> [Db; 2] {
        [Db::Sqlite(w.path().join("target.db")), Db::postgres()]
    }

    pub fn postgres() -> Db {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("leadpipe_test_{}_{n}_{}", std::process::id(), rand_suffix());
        postgres_admin()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Db::Postgres { name }
    }

    pub fn url(&self) -> String {
        match self {
            Db::Sqlite(path) => format!("sqlite:{}", path.display()),
            Db::Postgres { name } => {
                let admin = postgres_admin_url();
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(base, _)| base);
                format!("{base}/{name}")
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres { .. } => "postgres",
        }
    }

    /// Every row of a query whose columns are all text (cast them), as strings.
    pub fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        match self {
            Db::Sqlite(path) => {
                let conn = Connection::open(path).unwrap();
                let mut stmt = conn.prepare(sql).unwrap();
                let width = stmt.column_count();
                stmt.query_map([], |row| {
                    (0..width)
                        .map(|i| row.get::<_, Option<String>>(i))
                        .collect()
                })
                .unwrap()
                .map(Result::unwrap)
                .collect()
            }
            Db::Postgres { .. } => {
                let mut client = postgres::Client::connect(&self.url(), postgres::NoTls).unwrap();
                client
                    .query(sql, &[])
                    .unwrap()
                    .iter()
                    .map(|row| {
                        (0..row.len())
                            .map(|i| row.get::<_, Option<String>>(i))
                            .collect()
                    })
                    .collect()
            }
        }
    }

    /// Brings the schema up to migration `version` only, as an older leadpipe left it.
    pub fn migrate_to(&self, version: i32) {
        let target = refinery::Target::Version(version);
        match self {
            Db::Sqlite(path) => {
                let mut conn = Connection::open(path).unwrap();
                let runner = sqlite_migrations::migrations::runner();
                runner.set_target(target).run(&mut conn).unwrap();
            }
            Db::Postgres { .. } => {
                let mut client = postgres::Client::connect(&self.url(), postgres::NoTls).unwrap();
                let runner = postgres_migrations::migrations::runner();
                runner.set_target(target).run(&mut client).unwrap();
            }
        }
    }

    /// Runs statements that return nothing.
    pub fn execute(&self, sql: &str) {
        match self {
            Db::Sqlite(path) => Connection::open(path).unwrap().execute_batch(sql).unwrap(),
            Db::Postgres { .. } => postgres::Client::connect(&self.url(), postgres::NoTls)
                .unwrap()
                .batch_execute(sql)
                .unwrap(),
        }
    }

    /// The single value of a query, as text.
    pub fn text(&self, sql: &str) -> String {
        let rows = self.texts(sql);
        assert_eq!(rows.len(), 1, "{sql}");
        rows[0][0].clone().unwrap_or_default()
    }

    /// A count.
    pub fn count(&self, sql: &str) -> i64 {
        self.text(&format!("SELECT CAST(({sql}) AS TEXT)"))
            .parse()
            .unwrap()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Db::Postgres { name } = self {
            let _ = postgres_admin()
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

fn rand_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{nanos:x}")
}

impl Workdir {
    /// Runs `leadpipe ingest <inputs> --db <db> <extra>`.
    pub fn ingest_into(&self, db: &Db, inputs: &[&Path], extra: &[&str]) -> Output {
        let mut args = vec!["ingest".to_string()];
        args.extend(inputs.iter().map(|p| p.display().to_string()));
        args.extend(["--db".to_string(), db.url()]);
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.command(&args).output().unwrap()
    }
}

/// A count from the PostgreSQL server's administrative database.
pub fn postgres_count(sql: &str) -> i64 {
    postgres_admin().query_one(sql, &[]).unwrap().get(0)
}

/// Holds the lock a leadpipe run takes, until dropped.
pub enum LockHolder {
    Sqlite(Connection),
    Postgres(postgres::Client),
}

/// Takes the run lock of a database as another leadpipe run would.
pub fn hold_run_lock(db: &Db) -> LockHolder {
    match db {
        Db::Sqlite(path) => {
            let conn = Connection::open(path).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            LockHolder::Sqlite(conn)
        }
        Db::Postgres { .. } => {
            let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).unwrap();
            client
                .execute("SELECT pg_advisory_lock($1)", &[&leadpipe::store::RUN_LOCK])
                .unwrap();
            LockHolder::Postgres(client)
        }
    }
}

/// Runs a statement on the PostgreSQL server's administrative database.
pub fn postgres_execute(sql: &str) {
    postgres_admin().batch_execute(sql).unwrap();
}
