//! The embedded SQLite target: one transaction per run, one savepoint per file.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::{ToSqlOutput, Value as SqlValue};
use rusqlite::{Connection, ErrorCode, OptionalExtension, ToSql, params};

use super::merge::{
    BEGIN_FILE_SQL, Dialect, FINISH_FILE_SQL, HAS_LEADS_SQL, KNOWN_LEADS_SQL, LATEST_SNAPSHOT_SQL,
    OpenFile, PRIOR_LOAD_BY_TAG_SQL, PRIOR_LOAD_SQL, Param, RECORD_FILE_SQL, RUN_TOTALS_SQL,
    merge_staged, written_columns,
};
use super::{
    Batch, FileCounts, FileInfo, FileStatus, Identity, KnownLeads, LeadRow, LoadError, MergeCounts,
    PriorLoad, RunInfo, Target,
};
use crate::lead::Value;

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// An open SQLite database with leadpipe's schema.
pub struct Sqlite {
    conn: Connection,
    path: String,
    lock_timeout: Duration,
    in_run: bool,
    file: Option<OpenFile>,
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

/// Dates are stored as ISO text, `YYYY-MM-DD`: chrono's `Display`, which writes it
/// without interpreting a format string per value.
fn date_text(date: NaiveDate) -> String {
    date.to_string()
}

/// A statement shared with PostgreSQL, with SQLite's `?N` placeholders for `$N`.
fn sql(shared: &str) -> String {
    shared.replace('$', "?")
}

/// Times are stored as RFC 3339 text in UTC.
fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Sqlite {
    /// Opens (creating when absent) a database file and brings its schema up to date.
    pub fn open(path: &Path, lock_timeout: Duration) -> Result<Sqlite, LoadError> {
        let shown = path.display().to_string();
        let created = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
        let mut conn = Connection::open(path).map_err(|e| {
            LoadError::Connect(format!("cannot open the SQLite database {shown}: {e}"))
        })?;
        conn.busy_timeout(lock_timeout.max(Duration::from_secs(5)))?;
        // WAL lets readers go on while a run loads. A new file is first filled under a
        // rollback journal instead, which never copies the pages a load appends: WAL would
        // write each of them twice, a third of a million-lead first load. Its pages are
        // 16 KiB, four of leadpipe's rows or more, against one or two in 4 KiB: a tenth less
        // of the first load's time goes to splitting B-tree pages and writing them out.
        if created {
            conn.pragma_update(None, "page_size", 16_384)?;
        } else {
            use_wal(&conn)?;
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 4 MiB page caches: larger ones bought no speed on a million leads, only memory.
        conn.pragma_update(None, "cache_size", -4_096)?;
        conn.execute_batch("PRAGMA temp.cache_size = -4096")?;
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
        // From here on, waiting for the lock is done by `begin_run`, with a message.
        conn.busy_timeout(Duration::from_millis(200))?;
        Ok(Sqlite {
            conn,
            path: shown,
            lock_timeout,
            in_run: false,
            file: None,
            wal_pending: created,
        })
    }

    /// `BEGIN IMMEDIATE` takes SQLite's write lock: a second run waits here for the first.
    fn take_write_lock(&mut self) -> Result<(), LoadError> {
        let started = Instant::now();
        let mut told = false;
        loop {
            match self.conn.execute_batch("BEGIN IMMEDIATE") {
                Ok(()) => return Ok(()),
                Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => {
                    if started.elapsed() >= self.lock_timeout {
                        return Err(LoadError::LockTimeout {
                            target: format!("sqlite:{}", self.path),
                            waited: started.elapsed(),
                        });
                    }
                    if !told {
                        tracing::warn!(
                            "another leadpipe run is loading into sqlite:{}; waiting up to {} s for it to finish",
                            self.path,
                            self.lock_timeout.as_secs()
                        );
                        told = true;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn execute(
        &self,
        sql: &str,
        params: &[Param],
        run: &RunInfo,
        file_id: i64,
        source: &str,
    ) -> Result<u64, LoadError> {
        let now = time_text(super::now());
        let values: Vec<&dyn ToSql> = params
            .iter()
            .map(|p| match p {
                Param::RunId => &run.run_id as &dyn ToSql,
                Param::FileId => &file_id,
                Param::Source => &source,
                Param::Now => &now,
            })
            .collect();
        Ok(self.conn.execute(sql, values.as_slice())? as u64)
    }

    /// Writes leads of file `file_id` to `leads` or `staged_leads`.
    fn insert_leads(
        &self,
        table: &str,
        leads: &[LeadRow],
        run: &RunInfo,
        file: &FileInfo,
        file_id: i64,
    ) -> Result<(), LoadError> {
        let columns: Vec<&str> = written_columns().collect();
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert = self.conn.prepare_cached(&format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        ))?;
        let ingested_at = time_text(run.started_at);
        for lead in leads {
            let line = lead.source_line as i64;
            let lineage: [&dyn ToSql; 10] = [
                &lead.lead_id,
                &file.source,
                &file.path,
                &line,
                &ingested_at,
                &run.run_id,
                &file_id,
                &lead.source_record,
                &lead.issues,
                &lead.record_hash,
            ];
            let values = lead.values.iter().map(|v| v as &dyn ToSql);
            insert.execute(rusqlite::params_from_iter(values.chain(lineage)))?;
        }
        Ok(())
    }
}

impl Target for Sqlite {
    fn begin_run(&mut self, run: &RunInfo) -> Result<(), LoadError> {
        self.take_write_lock()?;
        self.in_run = true;
        self.conn.execute(
            "INSERT INTO runs (run_id, started_at, status, leadpipe_version) VALUES (?1, ?2, 'running', ?3)",
            params![run.run_id, time_text(run.started_at), env!("CARGO_PKG_VERSION")],
        )?;
        Ok(())
    }

    fn prior_load(
        &mut self,
        source: &str,
        identity: Identity,
    ) -> Result<Option<PriorLoad>, LoadError> {
        let prior = |row: &rusqlite::Row| {
            Ok(PriorLoad {
                run_id: row.get(0)?,
                path: row.get(1)?,
                processed_at: row.get(2)?,
                content_sha256: row.get(3)?,
            })
        };
        let found = match identity {
            Identity::Content(sha) => {
                self.conn
                    .query_row(&sql(PRIOR_LOAD_SQL), [sha, source], prior)
            }
            Identity::Tag { e_tag, size } => self.conn.query_row(
                &sql(PRIOR_LOAD_BY_TAG_SQL),
                params![e_tag, source, size as i64],
                prior,
            ),
        };
        Ok(found.optional()?)
    }

    fn latest_snapshot(&mut self, source: &str) -> Result<Option<NaiveDate>, LoadError> {
        let latest: Option<String> =
            self.conn
                .query_row(&sql(LATEST_SNAPSHOT_SQL), [source], |row| row.get(0))?;
        Ok(latest.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
    }

    fn record_file(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        status: FileStatus,
        message: &str,
    ) -> Result<(), LoadError> {
        self.conn.execute(
            &sql(RECORD_FILE_SQL),
            params![
                run.run_id,
                file.source,
                file.path,
                file.content_sha256,
                file.size_bytes as i64,
                date_text(file.snapshot_date),
                status.as_str(),
                message,
                time_text(super::now()),
                file.e_tag
            ],
        )?;
        Ok(())
    }

    fn begin_file(&mut self, run: &RunInfo, file: &FileInfo) -> Result<i64, LoadError> {
        self.conn.execute_batch("SAVEPOINT file")?;
        self.conn
            .execute_batch(&Dialect::Sqlite.prepare_staging())?;
        let id = self.conn.query_row(
            &sql(BEGIN_FILE_SQL),
            params![
                run.run_id,
                file.source,
                file.path,
                file.content_sha256,
                file.size_bytes as i64,
                date_text(file.snapshot_date),
                time_text(super::now()),
                file.e_tag
            ],
            |row| row.get(0),
        )?;
        let has_leads = self
            .conn
            .query_row(&sql(HAS_LEADS_SQL), [&file.source], |row| row.get(0))?;
        self.file = Some(OpenFile::begun(id, has_leads));
        Ok(id)
    }

    fn known_leads(&mut self, source: &str) -> Result<Option<KnownLeads>, LoadError> {
        if self.file.is_none_or(|open| open.fresh) {
            return Ok(None);
        }
        let mut known = KnownLeads::default();
        let mut statement = self.conn.prepare(&sql(KNOWN_LEADS_SQL))?;
        let mut rows = statement.query([source])?;
        while let Some(row) = rows.next()? {
            let (id, hash): (String, Option<String>) = (row.get(0)?, row.get(1)?);
            known.push(&id, hash.as_deref(), row.get(2)?);
        }
        Ok(Some(known))
    }

    fn write_batch(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        batch: &Batch,
    ) -> Result<(), LoadError> {
        let open = self.file.expect("write_batch follows begin_file");
        self.insert_leads("leads", &batch.new, run, file, open.id)?;
        if !open.fresh {
            self.insert_leads("staged_leads", &batch.staged, run, file, open.id)?;
            let mut seen = self
                .conn
                .prepare_cached("INSERT INTO seen_leads (lead_id) VALUES (?1)")?;
            for id in &batch.seen {
                seen.execute([id])?;
            }
        }
        let mut insert_reject = self.conn.prepare_cached(
            "INSERT INTO rejects (run_id, source, source_file, source_line, reason, message, raw_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for reject in &batch.rejects {
            insert_reject.execute(params![
                run.run_id,
                file.source,
                file.path,
                reject.source_line as i64,
                reject.reason.as_str(),
                reject.message,
                reject.raw_text
            ])?;
        }
        if let Some(open) = &mut self.file {
            open.inserted += batch.new.len() as u64;
        }
        Ok(())
    }

    fn finish_file(
        &mut self,
        run: &RunInfo,
        file_id: i64,
        file: &FileInfo,
        encoding: &str,
        counts: &FileCounts,
    ) -> Result<MergeCounts, LoadError> {
        let open = self.file.take().expect("finish_file follows begin_file");
        let merged = merge_staged(Dialect::Sqlite, &open, counts.loaded, |statement| {
            self.execute(
                &statement.sql,
                &statement.params,
                run,
                file_id,
                &file.source,
            )
        })?;
        let merged = open.counts(counts.loaded, merged);
        self.conn.execute(
            &sql(FINISH_FILE_SQL),
            params![
                file_id,
                encoding,
                counts.read as i64,
                counts.loaded as i64,
                counts.rejected as i64,
                merged.inserted as i64,
                merged.updated as i64,
                merged.unchanged as i64,
                merged.deactivated as i64,
                time_text(super::now())
            ],
        )?;
        self.conn.execute_batch("RELEASE file")?;
        Ok(merged)
    }

    fn abandon_file(&mut self) -> Result<(), LoadError> {
        self.file = None;
        self.conn.execute_batch("ROLLBACK TO file; RELEASE file")?;
        Ok(())
    }

    fn commit_run(&mut self, run: &RunInfo, status: &str) -> Result<(), LoadError> {
        self.conn.execute(
            &sql(RUN_TOTALS_SQL),
            params![run.run_id, time_text(super::now()), status],
        )?;
        self.conn.execute_batch("COMMIT")?;
        self.in_run = false;
        if std::mem::take(&mut self.wal_pending) {
            use_wal(&self.conn)?;
        }
        Ok(())
    }
}

/// Puts the database in WAL mode, unless another connection has it open in a rollback
/// journal's lock (a second run started on a new file): then the next run does it.
fn use_wal(conn: &Connection) -> Result<(), LoadError> {
    match conn.pragma_update(None, "journal_mode", "WAL") {
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => {
            tracing::debug!("the SQLite database stays in its rollback journal for now: {e}");
            Ok(())
        }
        done => Ok(done?),
    }
}

impl Drop for Sqlite {
    /// A run that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if self.in_run {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
