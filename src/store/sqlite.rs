//! The embedded SQLite target: one transaction per run, taken with `BEGIN IMMEDIATE`.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, ToSql, params_from_iter};

use super::backend::{Backend, EachRow, Query};
use super::merge::Dialect;
use super::schema::{SqlType, Table};
use super::value::{Bind, Cell, Rows, time_text};
use super::{StoreError, newest_migration};
use crate::lead::Value;

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// An open SQLite database with leadpipe's schema.
pub(crate) struct Sqlite {
    conn: Connection,
    /// `sqlite:<path>`.
    shown: String,
    /// The file was created by this connection: it is filled under a rollback journal,
    /// and turns to WAL when a run commits.
    wal_pending: bool,
    /// A write found the disk full and the run was rolled back: nothing more is written
    /// until the next run begins, lest it commit on its own outside the run.
    full: bool,
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(SqlValue::Null),
            Value::Text(s) => ToSqlOutput::from(s.as_str()),
            Value::Integer(i) => ToSqlOutput::from(*i),
            Value::Boolean(b) => ToSqlOutput::from(*b),
            Value::Date(d) => ToSqlOutput::Owned(SqlValue::Text(date_text(*d))),
            Value::Real(x) => ToSqlOutput::from(*x),
        })
    }
}

impl ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Bind::Null => ToSqlOutput::Owned(SqlValue::Null),
            Bind::Text(s) | Bind::Json(s) => ToSqlOutput::from(s),
            Bind::Int(i) => ToSqlOutput::from(i),
            Bind::Float(x) => ToSqlOutput::from(x),
            Bind::Date(d) => ToSqlOutput::Owned(SqlValue::Text(date_text(d))),
            Bind::Time(t) => ToSqlOutput::Owned(SqlValue::Text(time_text(t))),
            Bind::Stamp(stamp) => ToSqlOutput::from(stamp.text.as_str()),
            Bind::Value(v) => return v.to_sql(),
        })
    }
}

/// Dates are stored as ISO text, `YYYY-MM-DD`: chrono's `Display`, which writes it
/// without interpreting a format string per value.
fn date_text(date: NaiveDate) -> String {
    date.to_string()
}

/// A statement in the shared text, with SQLite's `?N` placeholders for `$N`.
fn sql(shared: &str) -> String {
    shared.replace('$', "?")
}

/// A stored value read as `ty`; dates and times are ISO text.
fn cell(value: ValueRef<'_>, ty: SqlType) -> Result<Cell<'_>, StoreError> {
    let unreadable = || {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            value.data_type(),
            format!("not a stored {ty:?}").into(),
        )
    };
    Ok(match (value, ty) {
        (ValueRef::Null, _) => Cell::Null,
        (ValueRef::Integer(i), SqlType::Boolean) => Cell::Bool(i != 0),
        (ValueRef::Integer(i), _) => Cell::Int(i),
        (ValueRef::Real(x), SqlType::Double) => Cell::Float(x),
        (ValueRef::Text(bytes), _) => {
            let text = std::str::from_utf8(bytes).map_err(|_| unreadable())?;
            match ty {
                SqlType::Date => Cell::Date(text.parse().map_err(|_| unreadable())?),
                SqlType::Timestamp => Cell::Time(
                    DateTime::parse_from_rfc3339(text)
                        .map_err(|_| unreadable())?
                        .with_timezone(&Utc),
                ),
                _ => Cell::Text(text),
            }
        }
        _ => return Err(unreadable().into()),
    })
}

impl Sqlite {
    /// Opens (creating when absent) a database file and brings its schema up to date.
    pub(crate) fn open(path: &Path, lock_timeout: Duration) -> Result<Sqlite, StoreError> {
        let shown = path.display().to_string();
        let created = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
        let mut conn = Connection::open(path).map_err(|e| {
            StoreError::Connect(format!("cannot open the SQLite database {shown}: {e}"))
        })?;
        conn.busy_timeout(lock_timeout.max(Duration::from_secs(5)))?;
        // WAL lets readers go on while a run loads. A new file is first filled under a
        // rollback journal instead, which never copies the pages a load appends: WAL would
        // write each of them twice. Its pages are 16 KiB, four of leadpipe's rows or more:
        // fewer B-tree page splits and writes than with the default 4 KiB.
        if created {
            conn.pragma_update(None, "page_size", 16_384)?;
        } else {
            use_wal(&conn)?;
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Small page caches: a load writes mostly in key order, and larger ones bought no
        // speed, only memory (bench/RESULTS.md).
        conn.pragma_update(None, "cache_size", -4_096)?;
        conn.execute_batch("PRAGMA temp.cache_size = -4096")?;
        // Foreign keys (on by default in this build) are checked once migrated: a migration
        // that rebuilds a table (to change a CHECK, which SQLite cannot alter) drops the old
        // one, which they would refuse, and the pragma cannot change inside a migration's
        // transaction.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let migrate = |conn: &mut Connection| {
            embedded::migrations::runner()
                .set_grouped(true)
                .run(conn)
                .map(drop)
        };
        // A second run that reads the applied versions while a first one migrates a new
        // file fails on tables that now exist; once more, it finds nothing left to apply.
        if migrate(&mut conn).is_err() {
            migrate(&mut conn)?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // From here on, waiting for the lock is done by `begin_run`, with a message.
        conn.busy_timeout(Duration::from_millis(200))?;
        Ok(Sqlite {
            conn,
            shown: format!("sqlite:{shown}"),
            wal_pending: created,
            full: false,
        })
    }

    /// Opens an existing database to read only: never created, never migrated, never
    /// written (a dry run's). Its schema must be leadpipe's current one.
    pub(crate) fn open_read_only(path: &Path) -> Result<Sqlite, StoreError> {
        let shown = format!("sqlite:{}", path.display());
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| {
            StoreError::Connect(format!(
                "cannot open the SQLite database {shown} to read: {e}"
            ))
        })?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let found = conn
            .query_row(
                "SELECT max(version) FROM refinery_schema_history",
                [],
                |row| row.get::<_, Option<i64>>(0),
            )
            .ok()
            .flatten();
        super::schema_is_current(
            &shown,
            found,
            newest_migration(embedded::migrations::runner()),
        )?;
        Ok(Sqlite {
            conn,
            shown,
            wal_pending: false,
            full: false,
        })
    }

    /// Passes on the result of a statement. SQLite undoes only the statement that finds
    /// the disk full (`SQLITE_FULL`) and keeps the run's transaction open, its journal or
    /// WAL holding what the run wrote: the run is rolled back at once and the WAL
    /// truncated, so the space is freed now rather than when the connection closes (or,
    /// when other connections read the database, at the next writable open).
    fn checked<T>(&mut self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        match result {
            Err(StoreError::Sqlite(e)) if e.sqlite_error_code() == Some(ErrorCode::DiskFull) => {
                tracing::debug!("{e}");
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                // Best effort: readers still in the WAL keep it from being truncated.
                let _ = self
                    .conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
                self.full = true;
                Err(self.full_error())
            }
            result => result,
        }
    }

    /// The error of a run that found the disk full, when it has been rolled back.
    fn full_error(&self) -> StoreError {
        StoreError::Full {
            target: self.shown.clone(),
        }
    }

    /// Fails a statement after the disk was found full in this run.
    fn check_not_full(&self) -> Result<(), StoreError> {
        match self.full {
            true => Err(self.full_error()),
            false => Ok(()),
        }
    }
}

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn shown(&self) -> &str {
        &self.shown
    }

    /// Mapped, a whole table's pages are read in place, not copied by a read(2) each; the
    /// larger cache keeps the index pages that each row's lookup walks.
    fn prepare_to_scan(&mut self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "mmap_size", 1_i64 << 40)?;
        self.conn.pragma_update(None, "cache_size", -65_536)?;
        Ok(())
    }

    fn execute(&mut self, shared: &str, binds: &[Bind]) -> Result<u64, StoreError> {
        self.check_not_full()?;
        let result = self.conn.execute(&sql(shared), params_from_iter(binds));
        self.checked(result.map(|rows| rows as u64).map_err(StoreError::from))
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.check_not_full()?;
        let result = self.conn.execute_batch(sql);
        self.checked(result.map_err(StoreError::from))
    }

    fn query(&mut self, query: &Query, each: &mut EachRow) -> Result<(), StoreError> {
        self.check_not_full()?;
        let result = query_rows(&self.conn, query, each);
        self.checked(result)
    }

    fn insert(&mut self, table: &Table, rows: &dyn Rows) -> Result<(), StoreError> {
        self.check_not_full()?;
        let result = insert_rows(&self.conn, table, rows);
        self.checked(result.map_err(StoreError::from))
    }

    /// `BEGIN IMMEDIATE` takes SQLite's write lock; a busy database answers after the
    /// connection's short busy timeout.
    fn try_begin_run(&mut self) -> Result<bool, StoreError> {
        self.full = false;
        match self.conn.execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => Ok(true),
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn commit_run(&mut self) -> Result<(), StoreError> {
        self.check_not_full()?;
        let result = self.conn.execute_batch("COMMIT");
        self.checked(result.map_err(StoreError::from))?;
        if std::mem::take(&mut self.wal_pending) {
            use_wal(&self.conn)?;
        }
        Ok(())
    }

    fn rollback_run(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }
}

/// Streams the rows of a query to `each`.
fn query_rows(conn: &Connection, query: &Query, each: &mut EachRow) -> Result<(), StoreError> {
    let mut statement = conn.prepare(&sql(query.sql))?;
    let mut rows = statement.query(params_from_iter(query.binds))?;
    while let Some(row) = rows.next()? {
        let cells = (0..query.types.len())
            .map(|i| cell(row.get_ref(i)?, query.types[i]))
            .collect::<Result<Vec<_>, _>>()?;
        each(&cells)?;
    }
    Ok(())
}

/// Appends rows to a table with one prepared insert.
fn insert_rows(conn: &Connection, table: &Table, rows: &dyn Rows) -> rusqlite::Result<()> {
    let placeholders: Vec<String> = (1..=table.columns.len()).map(|i| format!("?{i}")).collect();
    let mut insert = conn.prepare_cached(&format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.name,
        table.column_list(),
        placeholders.join(", ")
    ))?;
    let mut values = Vec::with_capacity(table.columns.len());
    for i in 0..rows.len() {
        values.clear();
        rows.row(i, &mut values);
        insert.execute(params_from_iter(&values))?;
    }
    Ok(())
}

/// Puts the database in WAL mode, unless another connection has it open in a rollback
/// journal's lock (a second run started on a new file): then the next run does it.
fn use_wal(conn: &Connection) -> Result<(), StoreError> {
    match conn.pragma_update(None, "journal_mode", "WAL") {
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => {
            tracing::debug!("the SQLite database stays in its rollback journal for now: {e}");
            Ok(())
        }
        done => Ok(done?),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::pipeline::{NoProgress, ingest};
    use crate::read::input;
    use crate::spec::Specs;
    use crate::store::Store;

    /// A file's size, 0 when it does not exist.
    fn size(path: PathBuf) -> u64 {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }

    /// A store on `path` whose connection may grow the file by `pages` pages at most:
    /// SQLite then answers SQLITE_FULL for real, as on a full disk. Its page cache is tiny,
    /// so that a run spills what it writes to the journal or WAL, as a large load does.
    fn store_with_room(path: &Path, pages: i64) -> Store {
        let sqlite = Sqlite::open(path, Duration::ZERO).unwrap();
        let used: i64 = sqlite
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        sqlite
            .conn
            .pragma_update(None, "max_page_count", used + pages)
            .unwrap();
        sqlite.conn.pragma_update(None, "cache_size", 4).unwrap();
        Store {
            backend: Box::new(sqlite),
            lock_timeout: Duration::ZERO,
            in_run: false,
        }
    }

    fn load(store: &mut Store, path: &str) -> Result<(), String> {
        let specs = Specs::load(None).unwrap();
        let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        let files = input::expand(&[path], None).unwrap().files;
        match ingest(store, &specs, &files, &[], &[], &NoProgress) {
            Ok(_) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Leads, runs, and files left `loading`.
    fn contents(path: &Path) -> (i64, i64, i64) {
        let conn = Connection::open(path).unwrap();
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        (
            count("SELECT count(*) FROM leads"),
            count("SELECT count(*) FROM runs"),
            count("SELECT count(*) FROM source_files WHERE status = 'loading'"),
        )
    }

    #[test]
    fn a_full_disk_rolls_the_run_back_at_once_and_frees_its_space() {
        for earlier in [
            None,
            Some("examples/data/01-05-2024 Nevada DPBH example.csv"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("leads.db");
            // A new file loads under a rollback journal; once a run has committed, in WAL.
            let before = match earlier {
                Some(file) => {
                    load(&mut store_with_room(&path, 1_000), file).unwrap();
                    (4, 1, 0)
                }
                None => (0, 0, 0),
            };
            let mut store = store_with_room(&path, 8);
            let error = load(&mut store, "tests/data/raw").unwrap_err();
            assert_eq!(
                error,
                format!(
                    "sqlite:{}, or the disk it is on, is full: the run was rolled back and \
                     the space it took freed; free space on that disk (or SQLite's temporary \
                     folder, $SQLITE_TMPDIR or /tmp), then run again",
                    path.display()
                ),
                "{earlier:?}"
            );
            // Freed before the store is closed, not when it is.
            assert_eq!(size(dir.path().join("leads.db-journal")), 0, "{earlier:?}");
            assert_eq!(size(dir.path().join("leads.db-wal")), 0, "{earlier:?}");
            drop(store);
            assert_eq!(contents(&path), before, "{earlier:?}");
        }
    }
}
