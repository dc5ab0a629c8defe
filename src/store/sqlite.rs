//! The embedded SQLite target: one transaction per run, taken with `BEGIN IMMEDIATE`.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode, ToSql, params_from_iter};

use super::StoreError;
use super::backend::{Backend, EachRow, Query};
use super::merge::Dialect;
use super::schema::{SqlType, Table};
use super::value::{Bind, Cell, Rows, time_text};
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
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(SqlValue::Null),
            Value::Text(s) => ToSqlOutput::from(s.as_str()),
            Value::Integer(i) => ToSqlOutput::from(*i),
            Value::Boolean(b) => ToSqlOutput::from(*b),
            Value::Date(d) => ToSqlOutput::Owned(SqlValue::Text(date_text(*d))),
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
        })
    }
}

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn shown(&self) -> &str {
        &self.shown
    }

    fn execute(&mut self, shared: &str, binds: &[Bind]) -> Result<u64, StoreError> {
        Ok(self.conn.execute(&sql(shared), params_from_iter(binds))? as u64)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch(sql)?)
    }

    fn query(&mut self, query: &Query, each: &mut EachRow) -> Result<(), StoreError> {
        let mut statement = self.conn.prepare(&sql(query.sql))?;
        let mut rows = statement.query(params_from_iter(query.binds))?;
        while let Some(row) = rows.next()? {
            let cells = (0..query.types.len())
                .map(|i| cell(row.get_ref(i)?, query.types[i]))
                .collect::<Result<Vec<_>, _>>()?;
            each(&cells)?;
        }
        Ok(())
    }

    fn insert(&mut self, table: &Table, rows: &dyn Rows) -> Result<(), StoreError> {
        let placeholders: Vec<String> =
            (1..=table.columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert = self.conn.prepare_cached(&format!(
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

    /// `BEGIN IMMEDIATE` takes SQLite's write lock; a busy database answers after the
    /// connection's short busy timeout.
    fn try_begin_run(&mut self) -> Result<bool, StoreError> {
        match self.conn.execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => Ok(true),
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn commit_run(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT")?;
        if std::mem::take(&mut self.wal_pending) {
            use_wal(&self.conn)?;
        }
        Ok(())
    }

    fn rollback_run(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }
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
