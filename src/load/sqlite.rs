//! The embedded SQLite target: one transaction per run, one savepoint per file.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Value as SqlValue};
use rusqlite::{Connection, OptionalExtension, ToSql, params};

use super::{Batch, FileCounts, FileInfo, PriorLoad, RunInfo, now};
use crate::lead::{LEAD_COLUMNS, Value};

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// A failure of the SQLite target.
#[derive(Debug, thiserror::Error)]
pub enum SqliteError {
    #[error("cannot open the SQLite database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot migrate the SQLite database schema: {0}")]
    Migrate(#[from] refinery::Error),
    #[error("SQLite: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// An open SQLite database with leadpipe's schema.
pub struct Sqlite {
    conn: Connection,
    in_run: bool,
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(SqlValue::Null),
            Value::Text(s) => ToSqlOutput::from(s.as_str()),
            Value::Integer(i) => ToSqlOutput::from(*i),
            Value::Boolean(b) => ToSqlOutput::from(*b),
            Value::Date(d) => ToSqlOutput::Owned(SqlValue::Text(d.format("%Y-%m-%d").to_string())),
        })
    }
}

impl Sqlite {
    /// Opens (creating when absent) a database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Sqlite, SqliteError> {
        let mut conn = Connection::open(path).map_err(|source| SqliteError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.busy_timeout(Duration::from_secs(60))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        embedded::migrations::runner()
            .set_grouped(true)
            .run(&mut conn)?;
        Ok(Sqlite {
            conn,
            in_run: false,
        })
    }

    /// Starts a run: everything until [`Sqlite::commit_run`] is one transaction.
    pub fn begin_run(&mut self, run: &RunInfo) -> Result<(), SqliteError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.in_run = true;
        self.conn.execute(
            "INSERT INTO runs (run_id, started_at, status, leadpipe_version) VALUES (?1, ?2, 'running', ?3)",
            params![run.run_id, run.started_at, env!("CARGO_PKG_VERSION")],
        )?;
        Ok(())
    }

    /// The earlier load of a file with this content, if any.
    pub fn prior_load(&self, content_sha256: &str) -> Result<Option<PriorLoad>, SqliteError> {
        Ok(self
            .conn
            .query_row(
                "SELECT run_id, path, processed_at FROM source_files
                 WHERE content_sha256 = ?1 AND status = 'loaded' ORDER BY id LIMIT 1",
                [content_sha256],
                |row| {
                    Ok(PriorLoad {
                        run_id: row.get(0)?,
                        path: row.get(1)?,
                        processed_at: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records a file that is not loaded (skipped or failed), with why.
    pub fn record_file(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        status: &str,
        message: &str,
    ) -> Result<(), SqliteError> {
        self.conn.execute(
            "INSERT INTO source_files (run_id, source, path, content_sha256, size_bytes, status, message, processed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![run.run_id, file.source, file.path, file.content_sha256, file.size_bytes as i64, status, message, now()],
        )?;
        Ok(())
    }

    /// Starts loading a file; its writes can be undone alone with [`Sqlite::abandon_file`].
    pub fn begin_file(&mut self, run: &RunInfo, file: &FileInfo) -> Result<i64, SqliteError> {
        self.conn.execute_batch("SAVEPOINT file")?;
        self.conn.execute(
            "INSERT INTO source_files (run_id, source, path, content_sha256, size_bytes, status, processed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'loading', ?6)",
            params![run.run_id, file.source, file.path, file.content_sha256, file.size_bytes as i64, now()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Writes a batch of a file's leads (inserted, or replacing the lead of the same id)
    /// and rejects.
    pub fn write_batch(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        batch: &Batch,
    ) -> Result<(), SqliteError> {
        let mut insert_lead = self.conn.prepare_cached(&upsert_lead_sql())?;
        for lead in &batch.leads {
            let lineage: [&dyn ToSql; 8] = [
                &lead.lead_id,
                &file.source,
                &file.path,
                &(lead.source_line as i64),
                &run.started_at,
                &run.run_id,
                &lead.source_record,
                &lead.issues,
            ];
            let values = lead.values.iter().map(|v| v as &dyn ToSql);
            insert_lead.execute(rusqlite::params_from_iter(values.chain(lineage)))?;
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
                reject.reason,
                reject.message,
                reject.raw_text
            ])?;
        }
        Ok(())
    }

    /// Ends a file's load with its counts.
    pub fn finish_file(
        &mut self,
        file_id: i64,
        encoding: &str,
        counts: &FileCounts,
    ) -> Result<(), SqliteError> {
        self.conn.execute(
            "UPDATE source_files SET status = 'loaded', encoding = ?2, records_read = ?3,
             records_loaded = ?4, records_rejected = ?5, processed_at = ?6 WHERE id = ?1",
            params![
                file_id,
                encoding,
                counts.read as i64,
                counts.loaded as i64,
                counts.rejected as i64,
                now()
            ],
        )?;
        self.conn.execute_batch("RELEASE file")?;
        Ok(())
    }

    /// Undoes everything written for the file being loaded.
    pub fn abandon_file(&mut self) -> Result<(), SqliteError> {
        self.conn.execute_batch("ROLLBACK TO file; RELEASE file")?;
        Ok(())
    }

    /// Ends the run with its totals and commits it.
    pub fn commit_run(&mut self, run: &RunInfo, status: &str) -> Result<(), SqliteError> {
        self.conn.execute(
            "UPDATE runs SET finished_at = ?2, status = ?3,
               files_loaded = (SELECT count(*) FROM source_files WHERE run_id = ?1 AND status = 'loaded'),
               files_skipped = (SELECT count(*) FROM source_files WHERE run_id = ?1 AND status = 'skipped'),
               files_failed = (SELECT count(*) FROM source_files WHERE run_id = ?1 AND status = 'failed'),
               records_read = (SELECT coalesce(sum(records_read), 0) FROM source_files WHERE run_id = ?1),
               records_loaded = (SELECT coalesce(sum(records_loaded), 0) FROM source_files WHERE run_id = ?1),
               records_rejected = (SELECT coalesce(sum(records_rejected), 0) FROM source_files WHERE run_id = ?1)
             WHERE run_id = ?1",
            params![run.run_id, now(), status],
        )?;
        self.conn.execute_batch("COMMIT")?;
        self.in_run = false;
        Ok(())
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

fn upsert_lead_sql() -> String {
    let data: Vec<&str> = LEAD_COLUMNS.iter().map(|c| c.name).collect();
    let lineage = [
        "lead_id",
        "source",
        "source_file",
        "source_line",
        "ingested_at",
        "run_id",
        "source_record",
        "issues",
    ];
    let columns: Vec<&str> = data.iter().copied().chain(lineage).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = columns
        .iter()
        .filter(|c| **c != "lead_id")
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO leads ({}) VALUES ({}) ON CONFLICT (lead_id) DO UPDATE SET {}",
        columns.join(", "),
        placeholders.join(", "),
        updates.join(", ")
    )
}
