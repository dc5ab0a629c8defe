//! Loading: the target databases, and the rows written to them.
//!
//! Both targets have the same tables and the same semantics. A run is one transaction,
//! taken under a lock that keeps two runs from interleaving. Each file is a full snapshot
//! of its source: its new leads are inserted as they come, the ones that may have changed
//! are staged, and set-based SQL ([`merge`]) merges them and deactivates the missing ones.

mod binary_copy;
pub mod known;
pub mod merge;
pub mod postgres;
pub mod sqlite;
pub mod url;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::lead::LeadValues;
use crate::reason::Reason;
pub use known::{Known, KnownLeads};
pub use url::{DatabaseUrl, UrlError};

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
    /// A hash of the record as published and of what its lead depends on besides: a lead
    /// stored under it is unchanged.
    pub record_hash: String,
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
}

/// One file of a run, as the ledger records it.
#[derive(Clone, Debug)]
pub struct FileInfo {
    pub source: String,
    /// The file's address as given: its path, later an `s3://` URL.
    pub path: String,
    pub content_sha256: String,
    pub size_bytes: u64,
    /// The store's version tag of the content (an S3 ETag), when it keeps one.
    pub e_tag: Option<String>,
    /// The day the snapshot was published.
    pub snapshot_date: NaiveDate,
}

/// How a file is recognised as loaded before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity<'a> {
    /// The SHA-256 of its content.
    Content(&'a str),
    /// An object's version tag and size, known before downloading it.
    Tag { e_tag: &'a str, size: u64 },
}

/// A file's records, and what merging them into `leads` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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

/// A file whose content was loaded before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorLoad {
    pub run_id: String,
    pub path: String,
    pub processed_at: String,
    pub content_sha256: String,
}

/// How a file that loads nothing is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileStatus {
    Skipped,
    Failed,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Skipped => "skipped",
            FileStatus::Failed => "failed",
        }
    }
}

/// A failure of the target database; the run's transaction is rolled back.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Cannot connect: one line that says what to check, without the password.
    #[error("{0}")]
    Connect(String),
    #[error(
        "another leadpipe run is loading into {target}; gave up waiting after {} s \
         (wait for it to finish, or raise --lock-timeout)",
        .waited.as_secs()
    )]
    LockTimeout { target: String, waited: Duration },
    // The causes below are printed after these words, as the error's source.
    #[error("cannot migrate the database schema")]
    Migrate(#[from] refinery::Error),
    #[error("SQLite")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL")]
    Postgres(#[from] ::postgres::Error),
    #[error("a value PostgreSQL's binary COPY cannot take")]
    Encode(#[source] binary_copy::EncodeError),
    #[error("PostgreSQL COPY")]
    Copy(#[from] std::io::Error),
}

/// A database that leads are loaded into.
pub trait Target {
    /// Starts a run: takes the run lock (waiting up to the lock timeout), opens the run's
    /// transaction and records the run.
    fn begin_run(&mut self, run: &RunInfo) -> Result<(), LoadError>;

    /// The newest loaded snapshot of `source`, when it has this identity: loading the file
    /// again would change nothing. (Content that a newer snapshot has replaced is loaded
    /// again when it comes back.)
    fn prior_load(
        &mut self,
        source: &str,
        identity: Identity,
    ) -> Result<Option<PriorLoad>, LoadError>;

    /// The date of the newest snapshot of a source loaded so far.
    fn latest_snapshot(&mut self, source: &str) -> Result<Option<NaiveDate>, LoadError>;

    /// Records a file that loads nothing, with why.
    fn record_file(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        status: FileStatus,
        message: &str,
    ) -> Result<(), LoadError>;

    /// Starts loading a file; returns its ledger id. Its writes can be undone alone with
    /// [`Target::abandon_file`].
    fn begin_file(&mut self, run: &RunInfo, file: &FileInfo) -> Result<i64, LoadError>;

    /// The leads the file's source had when the file began, or `None` when it had none.
    fn known_leads(&mut self, source: &str) -> Result<Option<KnownLeads>, LoadError>;

    /// Writes a batch of the file's records: its new leads to `leads`, the ones to compare
    /// to the staging table, the ids it lists, and its rejects.
    fn write_batch(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        batch: &Batch,
    ) -> Result<(), LoadError>;

    /// Merges the staged snapshot into `leads`, records the changes and the file's counts.
    fn finish_file(
        &mut self,
        run: &RunInfo,
        file_id: i64,
        file: &FileInfo,
        encoding: &str,
        counts: &FileCounts,
    ) -> Result<MergeCounts, LoadError>;

    /// Undoes everything written for the file being loaded.
    fn abandon_file(&mut self) -> Result<(), LoadError>;

    /// Ends the run with its totals, commits it and releases the lock.
    fn commit_run(&mut self, run: &RunInfo, status: &str) -> Result<(), LoadError>;
}

/// Opens a target and brings its schema up to date (versioned migrations).
pub fn open(url: &DatabaseUrl, lock_timeout: Duration) -> Result<Box<dyn Target>, LoadError> {
    Ok(match url {
        DatabaseUrl::Sqlite(path) => Box::new(sqlite::Sqlite::open(path, lock_timeout)?),
        DatabaseUrl::Postgres(config) => Box::new(postgres::Postgres::open(config, lock_timeout)?),
    })
}

/// Applies the migrations without loading anything.
pub fn migrate(url: &DatabaseUrl) -> Result<(), LoadError> {
    open(url, Duration::ZERO).map(drop)
}

/// The current time, as the ledger records times.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}
