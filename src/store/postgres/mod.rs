//! The PostgreSQL target: binary COPY for bulk writes, one transaction per run under an
//! advisory lock.

mod binary_copy;
mod connect;
mod types;

use std::collections::HashSet;
use std::io::Write as _;
use std::time::Duration;

use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};

use super::backend::{Backend, EachRow, Query};
use super::merge::Dialect;
use super::schema::Table;
use super::value::{Bind, Rows};
use super::{DatabaseUrl, StoreError, newest_migration};
use binary_copy::BinaryRows;
pub(crate) use binary_copy::EncodeError;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// The advisory lock that keeps two leadpipe runs on one database from interleaving.
pub const RUN_LOCK: i64 = 0x6c65_6164_7069_7065; // "leadpipe"

/// The advisory lock that keeps two connections from migrating the schema at once.
const MIGRATION_LOCK: i64 = RUN_LOCK + 1;

/// How much of a batch's encoded rows goes to the server in one message.
const COPY_PIECE: usize = 256 << 10;

/// How leadpipe's sessions are named in `pg_stat_activity`.
const APPLICATION_NAME: &str = "leadpipe";

/// How often the server checks that a session's client is still there (PostgreSQL 14+).
const CONNECTION_CHECK_SQL: &str = "SET client_connection_check_interval = '2s'";

/// The session holding advisory lock `$1` in this database (advisory locks are per database,
/// and a run into another database holds the same key): its process id, name, address and
/// start.
const LOCK_HOLDER_SQL: &str = "
    SELECT a.pid, coalesce(nullif(a.application_name, ''), 'unnamed'),
           coalesce(host(a.client_addr), 'local'), a.backend_start
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    LIMIT 1";

/// How long a run waits between two tries of a lock another run holds.
const LOCK_RETRY: Duration = Duration::from_millis(200);

/// A connected PostgreSQL database with leadpipe's schema.
pub(crate) struct Postgres {
    client: Client,
    shown: String,
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

/// Connects with leadpipe's settings: the client, the configuration used, and the target
/// as shown (without its password).
fn connected(config: &postgres::Config) -> Result<(Client, postgres::Config, String), StoreError> {
    let shown = DatabaseUrl::Postgres(Box::new(config.clone())).to_string();
    let mut config = config.clone();
    config.connect_timeout(Duration::from_secs(10));
    config.application_name(APPLICATION_NAME);
    let client = config
        .connect(NoTls)
        .map_err(|e| connect::connect_error(e, &config, &shown))?;
    Ok((client, config, shown))
}

impl Postgres {
    /// Connects and brings the schema up to date.
    pub(crate) fn open(config: &postgres::Config) -> Result<Postgres, StoreError> {
        let (mut client, config, shown) = connected(config)?;
        // A run killed with -9 leaves its backend holding the run lock until the server
        // notices the client is gone: checked every few seconds instead of at the next
        // write, which a lock-holding idle session never makes.
        if let Err(e) = client.batch_execute(CONNECTION_CHECK_SQL) {
            tracing::debug!("the server does not check for gone clients: {e}");
        }
        client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
        let migrated = embedded::migrations::runner()
            .set_grouped(true)
            .run(&mut client);
        client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
        migrated.map_err(|e| connect::migrate_error(e, &config, &shown))?;
        Ok(Postgres::new(client, shown))
    }

    fn new(client: Client, shown: String) -> Postgres {
        Postgres {
            client,
            shown,
            deferred: None,
            copy_buf: BytesMut::new(),
        }
    }

    /// Connects to read only: every transaction of the session is read-only, and the
    /// schema, never migrated, must be leadpipe's current one (a dry run's).
    pub(crate) fn open_read_only(config: &postgres::Config) -> Result<Postgres, StoreError> {
        let (mut client, _, shown) = connected(config)?;
        client.batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")?;
        let found = client
            .query_one(
                "SELECT max(version)::bigint FROM refinery_schema_history",
                &[],
            )
            .ok()
            .and_then(|row| row.get::<_, Option<i64>>(0));
        super::schema_is_current(
            &shown,
            found,
            newest_migration(embedded::migrations::runner()),
        )?;
        Ok(Postgres::new(client, shown))
    }

    /// Runs a binary `COPY … FROM STDIN` of `rows`; their buffer is kept for the next.
    fn copy(&mut self, statement: &str, rows: BinaryRows) -> Result<(), StoreError> {
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

/// The values of `binds` as the driver takes them.
fn params<'a>(binds: &'a [Bind<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    binds.iter().map(|b| b as &(dyn ToSql + Sync)).collect()
}

impl Backend for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn shown(&self) -> &str {
        &self.shown
    }

    fn execute(&mut self, sql: &str, binds: &[Bind]) -> Result<u64, StoreError> {
        Ok(self.client.execute(sql, &params(binds))?)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client.batch_execute(sql)?)
    }

    fn query(&mut self, query: &Query, each: &mut EachRow) -> Result<(), StoreError> {
        let mut rows = self.client.query_raw(query.sql, params(query.binds))?;
        while let Some(row) = rows.next()? {
            let cells = (0..query.types.len())
                .map(|i| types::cell(&row, i, query.types[i]))
                .collect::<Result<Vec<_>, _>>()?;
            each(&cells)?;
        }
        Ok(())
    }

    fn insert(&mut self, table: &Table, rows: &dyn Rows) -> Result<(), StoreError> {
        if rows.len() == 0 {
            return Ok(());
        }
        let types: Vec<Type> = table.columns.iter().map(|c| types::pg_type(c.ty)).collect();
        let mut encoded = BinaryRows::new(std::mem::take(&mut self.copy_buf), &types);
        let mut values = Vec::with_capacity(types.len());
        for i in 0..rows.len() {
            values.clear();
            rows.row(i, &mut values);
            encoded.push(&values).map_err(StoreError::Encode)?;
        }
        let statement = format!(
            "COPY {} ({}) FROM STDIN (FORMAT binary)",
            table.name,
            table.column_list()
        );
        self.copy(&statement, encoded)
    }

    fn try_begin_run(&mut self) -> Result<bool, StoreError> {
        let locked: bool = self
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&RUN_LOCK])?
            .get(0);
        if locked {
            self.client.batch_execute("BEGIN")?;
        } else {
            std::thread::sleep(LOCK_RETRY);
        }
        Ok(locked)
    }

    fn commit_run(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("COMMIT")?;
        self.client
            .execute("SELECT pg_advisory_unlock($1)", &[&RUN_LOCK])?;
        Ok(())
    }

    fn rollback_run(&mut self) {
        let _ = self.client.batch_execute("ROLLBACK");
        let _ = self.client.execute("SELECT pg_advisory_unlock_all()", &[]);
    }

    fn lock_holder(&mut self) -> Option<String> {
        let row = self
            .client
            .query_opt(LOCK_HOLDER_SQL, &[&RUN_LOCK])
            .ok()??;
        let (pid, name, from): (i32, String, String) = (row.get(0), row.get(1), row.get(2));
        let since: chrono::DateTime<chrono::Utc> = row.get(3);
        Some(format!(
            "session {pid} ({name}, from {from}), connected since {}",
            super::value::time_text(since)
        ))
    }

    fn knows_source_has_leads(&self, source: &str) -> Option<bool> {
        self.deferred.as_ref().map(|d| d.sources.contains(source))
    }

    /// When `leads` is empty, drops its indexes for the run, which rebuilds them before it
    /// commits: sorting the keys once costs a fraction of keeping three indexes up to
    /// date row by row. The table stays locked until then (it has nothing to read), and a
    /// run that fails rolls the drop back with the rest.
    fn run_begun(&mut self) -> Result<(), StoreError> {
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

    fn file_merged(&mut self, source: &str, inserted: u64) {
        if let Some(deferred) = &mut self.deferred
            && inserted > 0
        {
            deferred.sources.insert(source.to_string());
        }
    }

    fn before_commit(&mut self) -> Result<(), StoreError> {
        for create in self.deferred.take().map(|d| d.rebuild).unwrap_or_default() {
            self.client.batch_execute(&create)?;
        }
        Ok(())
    }
}

impl Drop for Postgres {
    /// A connection closed without a run still open holds no lock either.
    fn drop(&mut self) {
        let _ = self.client.execute("SELECT pg_advisory_unlock_all()", &[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::{LEADS, REJECTS, SEEN_LEADS, STAGED_LEADS};

    /// The server the tests use, as `tests/` does: `$LEADPIPE_TEST_POSTGRES`, else the
    /// local one.
    fn server() -> String {
        std::env::var("LEADPIPE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
    }

    /// The typed column lists agree with the migrated schema, so that a column given the
    /// wrong type fails here rather than in a user's COPY.
    #[test]
    fn written_columns_have_the_types_of_the_schema() {
        let mut admin = Client::connect(&server(), NoTls).unwrap();
        let name = format!("leadpipe_schema_{}", std::process::id());
        for statement in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin.batch_execute(&statement).unwrap();
        }
        let mut config: postgres::Config = server().parse().unwrap();
        config.dbname(&name);
        let mut db = Postgres::open(&config).unwrap();
        db.batch("BEGIN").unwrap();
        db.batch(&Dialect::Postgres.prepare_staging()).unwrap();
        for table in [LEADS, STAGED_LEADS, SEEN_LEADS, REJECTS] {
            for column in table.columns {
                let declared: String = db
                    .client
                    .query_one(
                        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                         WHERE attrelid = $1::text::regclass AND attname = $2",
                        &[&table.name, &column.name],
                    )
                    .unwrap()
                    .get(0);
                let expected = types::pg_type(column.ty);
                let expected = match expected.name() {
                    "int4" => "integer",
                    "int8" => "bigint",
                    "bool" => "boolean",
                    "timestamptz" => "timestamp with time zone",
                    "float8" => "double precision",
                    other => other,
                };
                assert_eq!(declared, expected, "{}.{}", table.name, column.name);
            }
        }
        drop(db);
        admin
            .batch_execute(&format!("DROP DATABASE {name}"))
            .unwrap();
    }
}
