//! The store: the target database, behind one API for both SQLite and PostgreSQL.
//!
//! - the ledger ([`ledger`]): runs, and every file each run saw;
//! - the snapshot writer ([`snapshot`]): a file's leads written in batches and merged into
//!   `leads` ([`merge`]), or rolled back whole;
//! - reads ([`reads`]): leads and their history, streamed;
//! - checks ([`checks`]): what the declarative checks count, and their results;
//! - the report's queries ([`report`]).
//!
//! A run is one transaction, taken under a lock that keeps two runs from interleaving.
//! Everything the two databases share is written once, over [`backend::Backend`]: SQL text
//! in one dialect, values as [`value::Bind`], tables as typed column lists ([`schema`]).
//! What differs (bulk writes, locks, connecting) is each target's own module.

mod backend;
mod checks;
mod crm;
mod entities;
mod explain;
mod exports;
mod known;
mod ledger;
mod merge;
mod postgres;
mod profile;
mod reads;
mod records;
mod reference;
pub mod report;
mod schema;
mod snapshot;
mod sqlite;
mod status;
mod undo;
mod url;
mod value;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::lead::LeadValues;
use crate::reason::Reason;
use crate::spec::Role;
use backend::Backend;
pub use crm::{CrmMatch, Provider};
pub use entities::{Listing, Resolved, ResolvingLead, StoredLabel};
pub use explain::{Entity, EntityLead, LabelledPair};
pub use exports::{ExportTable, PartitionKey, Since};
pub use known::{Known, KnownLeads};
pub use ledger::{AppliedSnapshot, Identity, PriorLoad};
pub use postgres::RUN_LOCK;
pub use profile::{ColumnFlags, SnapshotProfile};
pub use reads::{LeadChange, StoredLead};
pub(crate) use schema::{Column, SqlType};
pub use snapshot::{FileWriter, GuardOverride};
pub use status::{Change, FileStatus, RunCommand, RunStatus};
pub use undo::{UndoError, Undone};
pub use url::{DatabaseUrl, UrlError};
pub(crate) use value::Cell;
pub(crate) use value::time_text;

/// A lead ready to be written.
#[derive(Debug)]
pub struct LeadRow {
    pub lead_id: String,
    pub values: LeadValues,
    pub source_line: u64,
    /// The record as published, as JSON.
    pub source_record: String,
    /// Doubtful values, as JSON, when there are any.
    pub issues: Option<String>,
    /// The columns enrichment filled and what from, as JSON, when it filled any.
    pub derived: Option<String>,
    /// A hash of the record as published and of what its lead depends on besides: a lead
    /// stored under it is unchanged.
    pub record_hash: String,
    pub flags: ColumnFlags,
}

/// A record that could not be loaded, with why and its text as published.
#[derive(Debug)]
pub struct RejectRow {
    pub source_line: u64,
    pub reason: Reason,
    pub message: String,
    pub raw_text: String,
}

/// What a bounded batch of records became.
#[derive(Debug, Default)]
pub struct Batch {
    /// Leads new to `leads`.
    pub new: Vec<LeadRow>,
    /// Leads to compare with the stored ones at the end of the file.
    pub staged: Vec<LeadRow>,
    /// The id of every lead of the batch, when its source had leads before the file: the
    /// ones the file does not list are deactivated.
    pub seen: Vec<String>,
    pub rejects: Vec<RejectRow>,
}

/// The run being loaded.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub run_id: String,
    pub started_at: DateTime<Utc>,
    pub command: RunCommand,
}

impl RunInfo {
    /// A new run of `command`, starting now.
    pub fn new(command: RunCommand) -> RunInfo {
        RunInfo {
            run_id: uuid::Uuid::now_v7().to_string(),
            started_at: now(),
            command,
        }
    }
}

/// One file of a run, as the ledger records it.
#[derive(Clone, Debug)]
pub struct FileInfo {
    pub source: String,
    /// Whether its records are leads or a reference (`reference_records`).
    pub role: Role,
    /// The file's address as given: its path, later an `s3://` URL.
    pub path: String,
    pub content_sha256: String,
    pub size_bytes: u64,
    /// The store's version tag of the content (an S3 ETag), when it keeps one.
    pub e_tag: Option<String>,
    /// The day the snapshot was published.
    pub snapshot_date: NaiveDate,
}

/// A file's records, and what merging them into `leads` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileCounts {
    pub read: u64,
    pub loaded: u64,
    pub rejected: u64,
    /// Leads new to the table.
    pub inserted: u64,
    /// Leads whose values changed, or that came back after being deactivated.
    pub updated: u64,
    pub unchanged: u64,
    /// Leads of the source that the snapshot no longer lists.
    pub deactivated: u64,
}

/// What merging a file's snapshot into `leads` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deactivated: u64,
}

/// A failure of the target database; the run's transaction is rolled back.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Cannot connect: one line that says what to check, without the password.
    #[error("{0}")]
    Connect(String),
    #[error(
        "another leadpipe run is loading into {target}; gave up waiting after {} s \
         (wait for it to finish, or raise --lock-timeout)",
        .waited.as_secs()
    )]
    LockTimeout { target: String, waited: Duration },
    /// SQLite found no room to write (`SQLITE_FULL`); the run was rolled back at once.
    #[error(
        "{target}, or the disk it is on, is full: the run was rolled back and the space it \
         took freed; free space on that disk (or SQLite's temporary folder, $SQLITE_TMPDIR \
         or /tmp), then run again"
    )]
    Full { target: String },
    // The causes below are printed after these words, as the error's source.
    #[error("cannot migrate the database schema")]
    Migrate(#[from] refinery::Error),
    #[error("SQLite")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL")]
    Postgres(#[from] ::postgres::Error),
    #[error("a value PostgreSQL's binary COPY cannot take")]
    Encode(#[source] postgres::EncodeError),
    #[error("PostgreSQL COPY")]
    Copy(#[from] std::io::Error),
    /// What a streaming read handed its rows to could not take them (an export's file).
    #[error("cannot write the rows read")]
    Sink(#[source] std::io::Error),
    /// Stored resolution parameters this version cannot use: written by an earlier one,
    /// in another form or with comparisons of other levels.
    #[error(
        "the stored resolution parameters were trained by an earlier leadpipe, which stored \
         them in another form or compared leads with other levels: run `leadpipe resolve \
         --retrain` to train them again"
    )]
    StaleParameters,
    /// A stored value that is none this version of leadpipe writes.
    #[error("the database holds a value leadpipe does not know: {0}")]
    Unreadable(String),
}

/// An open target database with leadpipe's schema.
pub struct Store {
    backend: Box<dyn Backend>,
    lock_timeout: Duration,
    /// A run's transaction is open: dropping the store rolls it back.
    in_run: bool,
}

impl Store {
    /// Opens a target and brings its schema up to date (versioned migrations). A run waits
    /// up to `lock_timeout` for another run on the same database to finish.
    pub fn open(url: &DatabaseUrl, lock_timeout: Duration) -> Result<Store, StoreError> {
        let backend: Box<dyn Backend> = match url {
            DatabaseUrl::Sqlite(path) => Box::new(sqlite::Sqlite::open(path, lock_timeout)?),
            DatabaseUrl::Postgres(config) => Box::new(postgres::Postgres::open(config)?),
        };
        Ok(Store {
            backend,
            lock_timeout,
            in_run: false,
        })
    }
}

impl Store {
    /// Opens a target to read only, for a dry run: it must exist with leadpipe's current
    /// schema; nothing is created, migrated or written, and no run lock is taken.
    pub fn open_read_only(url: &DatabaseUrl) -> Result<Store, StoreError> {
        let backend: Box<dyn Backend> = match url {
            DatabaseUrl::Sqlite(path) => Box::new(sqlite::Sqlite::open_read_only(path)?),
            DatabaseUrl::Postgres(config) => Box::new(postgres::Postgres::open_read_only(config)?),
        };
        Ok(Store {
            backend,
            lock_timeout: Duration::ZERO,
            in_run: false,
        })
    }
}

/// The newest schema version a target's migrations reach.
fn newest_migration(runner: refinery::Runner) -> i64 {
    runner
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0)
}

/// Refuses a schema older or newer than this leadpipe's (`found`: its newest applied
/// version, `None` when it has none), for a target opened without migrating it.
fn schema_is_current(shown: &str, found: Option<i64>, newest: i64) -> Result<(), StoreError> {
    match found {
        Some(version) if version == newest => Ok(()),
        Some(version) if version < newest => Err(StoreError::Connect(format!(
            "{shown} has schema version {version}, this leadpipe's is {newest}: run `leadpipe \
             migrate --db …` first (a dry run never migrates)"
        ))),
        Some(version) => Err(StoreError::Connect(format!(
            "{shown} has schema version {version}, newer than this leadpipe's ({newest}): use \
             the leadpipe that wrote it"
        ))),
        None => Err(StoreError::Connect(format!(
            "{shown} has no leadpipe schema: give the database a run loads into"
        ))),
    }
}

impl Drop for Store {
    /// A run that did not commit leaves nothing behind, and releases the lock.
    fn drop(&mut self) {
        if self.in_run {
            self.backend.rollback_run();
        }
    }
}

/// Applies the migrations without loading anything.
pub fn migrate(url: &DatabaseUrl) -> Result<(), StoreError> {
    Store::open(url, Duration::ZERO).map(drop)
}

/// The current time, as the ledger records times.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}
