//! The PostgreSQL target: binary COPY into a per-file staging table, set-based merges, one
//! transaction per run under an advisory lock.

use std::collections::HashSet;
use std::error::Error as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, Utc};
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls};

use super::binary_copy::BinaryRows;
use super::merge::{
    BEGIN_FILE_SQL, Dialect, FINISH_FILE_SQL, HAS_LEADS_SQL, KNOWN_LEADS_SQL, LATEST_SNAPSHOT_SQL,
    LINEAGE, OpenFile, PRIOR_LOAD_BY_TAG_SQL, PRIOR_LOAD_SQL, Param, RECORD_FILE_SQL,
    RUN_TOTALS_SQL, merge_staged, written_columns,
};
use super::{
    Batch, FileCounts, FileInfo, FileStatus, Identity, KnownLeads, LeadRow, LoadError, MergeCounts,
    PriorLoad, RunInfo, Target,
};
use crate::lead::{ColumnType, LEAD_COLUMNS, Value};

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// The advisory lock that keeps two leadpipe runs on one database from interleaving.
pub const RUN_LOCK: i64 = 0x6c65_6164_7069_7065; // "leadpipe"

/// The advisory lock that keeps two connections from migrating the schema at once.
const MIGRATION_LOCK: i64 = RUN_LOCK + 1;

/// A connected PostgreSQL database with leadpipe's schema.
pub struct Postgres {
    client: Client,
    shown: String,
    lock_timeout: Duration,
    in_run: bool,
    file: Option<OpenFile>,
    /// Set while the indexes of `leads` are dropped, for a run that found it empty.
    deferred: Option<DeferredIndexes>,
    /// The buffer binary COPY rows are encoded in, reused batch after batch.
    copy_buf: BytesMut,
}

/// The indexes of `leads` dropped for a run, and what stands in for them.
#[derive(Debug, Default)]
struct DeferredIndexes {
    /// The statements that rebuild them.
    rebuild: Vec<String>,
    /// The sources the run has written leads of: all the sources `leads` has, found
    /// without scanning it.
    sources: HashSet<String>,
}

/// How much of a batch's encoded rows goes to the server in one message.
const COPY_PIECE: usize = 256 << 10;

/// The statements that rebuild each index and key of `leads`: its constraints' first,
/// then the indexes that back no constraint; with the statements that drop them.
const LEAD_INDEXES_SQL: &str = "
    SELECT format('ALTER TABLE leads ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)),
           format('ALTER TABLE leads DROP CONSTRAINT %I', conname)
    FROM pg_constraint WHERE conrelid = 'leads'::regclass AND conindid <> 0
    UNION ALL
    SELECT pg_get_indexdef(indexrelid), format('DROP INDEX %s', indexrelid::regclass)
    FROM pg_index WHERE indrelid = 'leads'::regclass
      AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = 'leads'::regclass)";

/// JSON text for a `json` or `jsonb` column in binary COPY: `json` takes the text as it
/// is; `jsonb` the format's version, 1, then the text.
#[derive(Debug)]
struct JsonText<'a>(&'a str);

impl ToSql for JsonText<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        if *ty == Type::JSONB {
            out.extend_from_slice(&[1]);
        }
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        [Type::JSON, Type::JSONB].contains(ty)
    }

    to_sql_checked!();
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Integer(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Integer(i) => i.to_sql(ty, out),
            Value::Boolean(b) => b.to_sql(ty, out),
            Value::Date(d) => d.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::TEXT, Type::INT4, Type::INT8, Type::BOOL, Type::DATE].contains(ty)
    }

    to_sql_checked!();
}

fn pg_type(ty: ColumnType) -> Type {
    match ty {
        ColumnType::Text => Type::TEXT,
        ColumnType::Integer => Type::INT4,
        ColumnType::Boolean => Type::BOOL,
        ColumnType::Date => Type::DATE,
    }
}

/// The binary COPY types of the columns a lead is written with, in [`written_columns`]
/// order.
fn written_types() -> Vec<Type> {
    let lineage = LINEAGE.iter().map(|(_, ty)| match *ty {
        "BIGINT" => Type::INT8,
        "TIMESTAMPTZ" => Type::TIMESTAMPTZ,
        "JSON" => Type::JSON,
        "JSONB" => Type::JSONB,
        _ => Type::TEXT,
    });
    LEAD_COLUMNS
        .iter()
        .map(|c| pg_type(c.ty))
        .chain(lineage)
        .collect()
}

/// One line that says what failed and what to check; the password is never in it.
fn connect_error(e: postgres::Error, config: &postgres::Config, shown: &str) -> LoadError {
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or_default();
    let message = match e.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD => {
            format!(
                "PostgreSQL refused the password of user `{user}` ({shown}); check the URL's password or PGPASSWORD"
            )
        }
        Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            format!(
                "PostgreSQL does not let user `{user}` in ({shown}): the role may not exist or pg_hba.conf refuses it"
            )
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
            format!(
                "database `{db}` does not exist ({shown}); create it (`createdb {db}`) or fix the URL"
            )
        }
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
            format!(
                "user `{user}` may not use database `{db}` ({shown}); grant it CONNECT and CREATE"
            )
        }
        _ => {
            let cause = e.source().map_or_else(|| e.to_string(), |s| s.to_string());
            format!(
                "cannot connect to PostgreSQL at {shown}: {cause}; check the host and port and that the server is running"
            )
        }
    };
    LoadError::Connect(message)
}

impl Postgres {
    /// Connects and brings the schema up to date.
    pub fn open(config: &postgres::Config, lock_timeout: Duration) -> Result<Postgres, LoadError> {
        let shown = super::DatabaseUrl::Postgres(Box::new(config.clone())).to_string();
        let mut config = config.clone();
        config.connect_timeout(Duration::from_secs(10));
        let mut client = config
            .connect(NoTls)
            .map_err(|e| connect_error(e, &config, &shown))?;
        client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
        let migrated = embedded::migrations::runner()
            .set_grouped(true)
            .run(&mut client);
        client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
        migrated.map_err(|e| match e.kind() {
            refinery::error::Kind::Connection(_, source)
                if source
                    .downcast_ref::<postgres::Error>()
                    .and_then(postgres::Error::code)
                    .is_some_and(|c| *c == SqlState::INSUFFICIENT_PRIVILEGE) =>
            {
                LoadError::Connect(format!(
                    "user `{}` may not create leadpipe's tables in {shown}; grant it CREATE on schema public, or use a database it owns",
                    config.get_user().unwrap_or_default()
                ))
            }
            _ => LoadError::Migrate(e),
        })?;
        Ok(Postgres {
            client,
            shown,
            lock_timeout,
            in_run: false,
            file: None,
            deferred: None,
            copy_buf: BytesMut::new(),
        })
    }

    /// Takes the run lock, waiting up to the lock timeout with a message.
    fn take_run_lock(&mut self) -> Result<(), LoadError> {
        let started = Instant::now();
        let mut told = false;
        loop {
            let locked: bool = self
                .client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&RUN_LOCK])?
                .get(0);
            if locked {
                return Ok(());
            }
            if started.elapsed() >= self.lock_timeout {
                return Err(LoadError::LockTimeout {
                    target: self.shown.clone(),
                    waited: started.elapsed(),
                });
            }
            if !told {
                tracing::warn!(
                    "another leadpipe run is loading into {}; waiting up to {} s for it to finish",
                    self.shown,
                    self.lock_timeout.as_secs()
                );
                told = true;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// When `leads` is empty, drops its indexes for the run, which rebuilds them before it
    /// commits: sorting a million keys once costs a fraction of keeping three indexes up
    /// to date row by row. The table stays locked until then (it has nothing to read), and
    /// a run that fails rolls the drop back with the rest.
    fn defer_indexes_of_empty_leads(&mut self) -> Result<(), LoadError> {
        let empty: bool = self
            .client
            .query_one("SELECT NOT EXISTS (SELECT 1 FROM leads)", &[])?
            .get(0);
        if !empty {
            return Ok(());
        }
        let mut deferred = DeferredIndexes::default();
        for row in self.client.query(LEAD_INDEXES_SQL, &[])? {
            let (create, drop): (String, String) = (row.get(0), row.get(1));
            self.client.batch_execute(&drop)?;
            deferred.rebuild.push(create);
        }
        self.deferred = Some(deferred);
        Ok(())
    }

    fn execute(
        &mut self,
        sql: &str,
        params: &[Param],
        run: &RunInfo,
        file_id: i64,
        source: &str,
    ) -> Result<u64, LoadError> {
        let now = super::now();
        let source = source.to_string();
        let values: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|p| match p {
                Param::RunId => &run.run_id as &(dyn ToSql + Sync),
                Param::FileId => &file_id,
                Param::Source => &source,
                Param::Now => &now,
            })
            .collect();
        Ok(self.client.execute(sql, &values)?)
    }

    /// Writes leads of file `file_id` to `leads` or `staged_leads` with binary COPY.
    fn copy_leads(
        &mut self,
        table: &str,
        leads: &[LeadRow],
        run: &RunInfo,
        file: &FileInfo,
        file_id: i64,
    ) -> Result<(), LoadError> {
        if leads.is_empty() {
            return Ok(());
        }
        let columns: Vec<&str> = written_columns().collect();
        let types = written_types();
        let mut rows = BinaryRows::new(std::mem::take(&mut self.copy_buf), &types);
        for lead in leads {
            let line = lead.source_line as i64;
            let source_record = JsonText(&lead.source_record);
            let issues = lead.issues.as_deref().map(JsonText);
            let mut row: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(columns.len());
            row.extend(lead.values.iter().map(|v| v as &(dyn ToSql + Sync)));
            row.extend([
                &lead.lead_id as &(dyn ToSql + Sync),
                &file.source,
                &file.path,
                &line,
                &run.started_at,
                &run.run_id,
                &file_id,
                &source_record,
                &issues,
                &lead.record_hash,
            ]);
            rows.push(&row).map_err(LoadError::Encode)?;
        }
        let columns = columns.join(", ");
        self.copy(
            &format!("COPY {table} ({columns}) FROM STDIN (FORMAT binary)"),
            rows,
        )
    }

    /// Notes the ids of a batch's leads as listed by the snapshot.
    fn copy_seen(&mut self, ids: &[String]) -> Result<(), LoadError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut rows = BinaryRows::new(std::mem::take(&mut self.copy_buf), &[Type::TEXT]);
        for id in ids {
            rows.push(&[id]).map_err(LoadError::Encode)?;
        }
        self.copy("COPY seen_leads (lead_id) FROM STDIN (FORMAT binary)", rows)
    }

    fn copy_rejects(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        batch: &Batch,
    ) -> Result<(), LoadError> {
        if batch.rejects.is_empty() {
            return Ok(());
        }
        let types = [
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
        ];
        let mut rows = BinaryRows::new(std::mem::take(&mut self.copy_buf), &types);
        for reject in &batch.rejects {
            let line = reject.source_line as i64;
            rows.push(&[
                &run.run_id,
                &file.source,
                &file.path,
                &line,
                &reject.reason.as_str(),
                &reject.message,
                &reject.raw_text,
            ])
            .map_err(LoadError::Encode)?;
        }
        self.copy(
            "COPY rejects (run_id, source, source_file, source_line, reason, message, raw_text) FROM STDIN (FORMAT binary)",
            rows,
        )
    }

    /// Runs a binary `COPY … FROM STDIN` of `rows`; their buffer is kept for the next.
    fn copy(&mut self, statement: &str, rows: BinaryRows) -> Result<(), LoadError> {
        let encoded = rows.finish();
        let mut writer = self.client.copy_in(statement)?;
        // In pieces the writer sends as they come, not a second copy of the whole.
        for piece in encoded.chunks(COPY_PIECE) {
            writer.write_all(piece)?;
        }
        writer.finish()?;
        self.copy_buf = encoded;
        Ok(())
    }
}

impl Target for Postgres {
    fn begin_run(&mut self, run: &RunInfo) -> Result<(), LoadError> {
        self.take_run_lock()?;
        self.client.batch_execute("BEGIN")?;
        self.in_run = true;
        self.client.execute(
            "INSERT INTO runs (run_id, started_at, status, leadpipe_version) VALUES ($1, $2, 'running', $3)",
            &[&run.run_id, &run.started_at, &env!("CARGO_PKG_VERSION")],
        )?;
        self.defer_indexes_of_empty_leads()?;
        Ok(())
    }

    fn prior_load(
        &mut self,
        source: &str,
        identity: Identity,
    ) -> Result<Option<PriorLoad>, LoadError> {
        let row = match identity {
            Identity::Content(sha) => self.client.query_opt(PRIOR_LOAD_SQL, &[&sha, &source])?,
            Identity::Tag { e_tag, size } => self
                .client
                .query_opt(PRIOR_LOAD_BY_TAG_SQL, &[&e_tag, &source, &(size as i64)])?,
        };
        Ok(row.map(|row| PriorLoad {
            run_id: row.get(0),
            path: row.get(1),
            processed_at: row.get::<_, DateTime<Utc>>(2).to_rfc3339(),
            content_sha256: row.get(3),
        }))
    }

    fn latest_snapshot(&mut self, source: &str) -> Result<Option<NaiveDate>, LoadError> {
        let row = self.client.query_one(LATEST_SNAPSHOT_SQL, &[&source])?;
        Ok(row.get(0))
    }

    fn record_file(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        status: FileStatus,
        message: &str,
    ) -> Result<(), LoadError> {
        self.client.execute(
            RECORD_FILE_SQL,
            &[
                &run.run_id,
                &file.source,
                &file.path,
                &file.content_sha256,
                &(file.size_bytes as i64),
                &file.snapshot_date,
                &status.as_str(),
                &message,
                &super::now(),
                &file.e_tag,
            ],
        )?;
        Ok(())
    }

    fn begin_file(&mut self, run: &RunInfo, file: &FileInfo) -> Result<i64, LoadError> {
        self.client.batch_execute("SAVEPOINT file")?;
        self.client
            .batch_execute(&Dialect::Postgres.prepare_staging())?;
        let row = self.client.query_one(
            BEGIN_FILE_SQL,
            &[
                &run.run_id,
                &file.source,
                &file.path,
                &file.content_sha256,
                &(file.size_bytes as i64),
                &file.snapshot_date,
                &super::now(),
                &file.e_tag,
            ],
        )?;
        let id = row.get(0);
        let has_leads = match &self.deferred {
            Some(deferred) => deferred.sources.contains(&file.source),
            None => self
                .client
                .query_one(HAS_LEADS_SQL, &[&file.source])?
                .get(0),
        };
        self.file = Some(OpenFile::begun(id, has_leads));
        Ok(id)
    }

    fn known_leads(&mut self, source: &str) -> Result<Option<KnownLeads>, LoadError> {
        if self.file.is_none_or(|open| open.fresh) {
            return Ok(None);
        }
        let mut known = KnownLeads::default();
        // Streamed: a source's million leads are never held as rows.
        let mut rows = self.client.query_raw(KNOWN_LEADS_SQL, [source])?;
        while let Some(row) = rows.next()? {
            known.push(row.get(0), row.get(1), row.get(2));
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
        self.copy_leads("leads", &batch.new, run, file, open.id)?;
        if !open.fresh {
            self.copy_leads("staged_leads", &batch.staged, run, file, open.id)?;
            self.copy_seen(&batch.seen)?;
        }
        self.copy_rejects(run, file, batch)?;
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
        let merged = merge_staged(Dialect::Postgres, &open, counts.loaded, |statement| {
            self.execute(
                &statement.sql,
                &statement.params,
                run,
                file_id,
                &file.source,
            )
        })?;
        let merged = open.counts(counts.loaded, merged);
        self.client.execute(
            FINISH_FILE_SQL,
            &[
                &file_id,
                &encoding,
                &(counts.read as i64),
                &(counts.loaded as i64),
                &(counts.rejected as i64),
                &(merged.inserted as i64),
                &(merged.updated as i64),
                &(merged.unchanged as i64),
                &(merged.deactivated as i64),
                &super::now(),
            ],
        )?;
        self.client.batch_execute("RELEASE SAVEPOINT file")?;
        if let Some(deferred) = &mut self.deferred
            && merged.inserted > 0
        {
            deferred.sources.insert(file.source.clone());
        }
        Ok(merged)
    }

    fn abandon_file(&mut self) -> Result<(), LoadError> {
        self.file = None;
        self.client
            .batch_execute("ROLLBACK TO SAVEPOINT file; RELEASE SAVEPOINT file")?;
        Ok(())
    }

    fn commit_run(&mut self, run: &RunInfo, status: &str) -> Result<(), LoadError> {
        for create in self.deferred.take().map(|d| d.rebuild).unwrap_or_default() {
            self.client.batch_execute(&create)?;
        }
        self.client
            .execute(RUN_TOTALS_SQL, &[&run.run_id, &super::now(), &status])?;
        self.client.batch_execute("COMMIT")?;
        self.in_run = false;
        self.client
            .execute("SELECT pg_advisory_unlock($1)", &[&RUN_LOCK])?;
        Ok(())
    }
}

impl Drop for Postgres {
    /// A run that did not commit leaves nothing behind, and releases the lock.
    fn drop(&mut self) {
        if self.in_run {
            let _ = self.client.batch_execute("ROLLBACK");
        }
        let _ = self.client.execute("SELECT pg_advisory_unlock_all()", &[]);
    }
}
