//! The ledger: the runs, and every file each run saw, with what became of it.

use chrono::{DateTime, NaiveDate, Utc};

use super::backend::{self, Backend, Query};
use super::schema::SqlType;
use super::status::{FileStatus, RunStatus};
use super::value::{Bind, Cell};
use super::{FileInfo, RunInfo, SnapshotProfile, Store, StoreError, now};
use crate::lead::column_index;

/// How a file is recognised as loaded before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity<'a> {
    /// The SHA-256 of its content.
    Content(&'a str),
    /// An object's version tag and size, known before downloading it.
    Tag { e_tag: &'a str, size: u64 },
}

/// A source's newest applied snapshot, as a new one is compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedSnapshot {
    pub file_id: i64,
    pub path: String,
    pub records_read: u64,
    /// Its column profile; `None` when it was applied before profiles were kept.
    pub profile: Option<SnapshotProfile>,
}

/// A file whose content was loaded before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorLoad {
    pub run_id: String,
    pub path: String,
    pub processed_at: DateTime<Utc>,
    pub content_sha256: String,
}

/// Records a run: `$1` id, `$2` start, `$3` status, `$4` leadpipe's version, `$5` command.
const BEGIN_RUN_SQL: &str =
    "INSERT INTO runs (run_id, started_at, status, leadpipe_version, command)
    VALUES ($1, $2, $3, $4, $5)";

/// Records a file: `$1` run, `$2` source, `$3` path, `$4` content hash, `$5` size, `$6`
/// snapshot date, `$7` status, `$8` message, `$9` time, `$10` version tag; returns its id.
pub(super) const RECORD_FILE_SQL: &str = "INSERT INTO source_files
    (run_id, source, path, content_sha256, size_bytes, snapshot_date, status, message, processed_at, e_tag)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";

/// Ends a file's load: `$1` file id, `$2` encoding, `$3`…`$9` read, loaded, rejected,
/// inserted, updated, unchanged and deactivated records, `$10` time, `$11` status.
pub(super) const FINISH_FILE_SQL: &str = "UPDATE source_files SET status = $11, encoding = $2,
    records_read = $3, records_loaded = $4, records_rejected = $5, records_inserted = $6,
    records_updated = $7, records_unchanged = $8, records_deactivated = $9, processed_at = $10
    WHERE id = $1";

/// Ends a run with its status and the totals of its files: `$1` run id, `$2` the time it
/// finished, `$3` its status; `$4`…`$7` the loaded, skipped, failed and held file statuses.
const RUN_TOTALS_SQL: &str = "UPDATE runs SET finished_at = $2, status = $3,
    files_loaded = (SELECT count(*) FROM source_files WHERE run_id = $1 AND status = $4),
    files_skipped = (SELECT count(*) FROM source_files WHERE run_id = $1 AND status = $5),
    files_failed = (SELECT count(*) FROM source_files WHERE run_id = $1 AND status = $6),
    files_held = (SELECT count(*) FROM source_files WHERE run_id = $1 AND status = $7),
    records_read = (SELECT coalesce(sum(records_read), 0) FROM source_files WHERE run_id = $1),
    records_loaded = (SELECT coalesce(sum(records_loaded), 0) FROM source_files WHERE run_id = $1),
    records_rejected = (SELECT coalesce(sum(records_rejected), 0) FROM source_files WHERE run_id = $1),
    records_inserted = (SELECT coalesce(sum(records_inserted), 0) FROM source_files WHERE run_id = $1),
    records_updated = (SELECT coalesce(sum(records_updated), 0) FROM source_files WHERE run_id = $1),
    records_unchanged = (SELECT coalesce(sum(records_unchanged), 0) FROM source_files WHERE run_id = $1),
    records_deactivated = (SELECT coalesce(sum(records_deactivated), 0) FROM source_files WHERE run_id = $1)
  WHERE run_id = $1";

/// The snapshot of source `$1` applied last (status `$2`), when its content is `$3`.
const PRIOR_LOAD_BY_CONTENT_SQL: &str =
    "SELECT run_id, path, processed_at, content_sha256 FROM source_files
     WHERE id = (SELECT id FROM source_files WHERE source = $1 AND status = $2
                 ORDER BY id DESC LIMIT 1)
       AND content_sha256 = $3";

/// The same, when its version tag is `$3` and its size `$4`.
const PRIOR_LOAD_BY_TAG_SQL: &str =
    "SELECT run_id, path, processed_at, content_sha256 FROM source_files
     WHERE id = (SELECT id FROM source_files WHERE source = $1 AND status = $2
                 ORDER BY id DESC LIMIT 1)
       AND e_tag = $3 AND size_bytes = $4";

/// The snapshot of source `$1` applied last (status `$2`): snapshots apply in date order,
/// so it is the newest, unless an older one was applied again (`--reapply`).
const LAST_APPLIED_SQL: &str = "SELECT id, path, records_read, records_loaded FROM source_files
     WHERE source = $1 AND status = $2
     ORDER BY id DESC LIMIT 1";

/// The column profile kept for applied snapshot `$1`.
const SNAPSHOT_COLUMNS_SQL: &str =
    "SELECT column_name, filled, flagged FROM snapshot_columns WHERE source_file_id = $1";

/// The date of the newest snapshot of source `$1` loaded (status `$2`) so far.
const LATEST_SNAPSHOT_SQL: &str =
    "SELECT max(snapshot_date) FROM source_files WHERE source = $1 AND status = $2";

impl Store {
    /// Starts a run: takes the run lock (waiting up to the lock timeout), opens the run's
    /// transaction and records the run.
    pub fn begin_run(&mut self, run: &RunInfo) -> Result<(), StoreError> {
        backend::begin_run(self.backend.as_mut(), self.lock_timeout)?;
        self.in_run = true;
        self.backend.execute(
            BEGIN_RUN_SQL,
            &[
                (&run.run_id).into(),
                run.started_at.into(),
                RunStatus::Running.as_str().into(),
                env!("CARGO_PKG_VERSION").into(),
                run.command.as_str().into(),
            ],
        )?;
        self.backend.run_begun()
    }

    /// The newest loaded snapshot of `source`, when it has this identity: loading the file
    /// again would change nothing. (Content that a newer snapshot has replaced is loaded
    /// again when it comes back.)
    pub fn prior_load(
        &mut self,
        source: &str,
        identity: Identity,
    ) -> Result<Option<PriorLoad>, StoreError> {
        let loaded = FileStatus::Loaded.as_str();
        let (sql, binds) = match identity {
            Identity::Content(sha) => (
                PRIOR_LOAD_BY_CONTENT_SQL,
                vec![source.into(), loaded.into(), sha.into()],
            ),
            Identity::Tag { e_tag, size } => (
                PRIOR_LOAD_BY_TAG_SQL,
                vec![source.into(), loaded.into(), e_tag.into(), size.into()],
            ),
        };
        let types = [
            SqlType::Text,
            SqlType::Text,
            SqlType::Timestamp,
            SqlType::Text,
        ];
        let mut prior = None;
        let query = Query {
            sql,
            binds: &binds,
            types: &types,
        };
        self.backend.query(&query, &mut |row| {
            let text = |cell: Cell| cell.text().unwrap_or_default().to_string();
            prior = Some(PriorLoad {
                run_id: text(row[0]),
                path: text(row[1]),
                processed_at: row[2].time().unwrap_or_default(),
                content_sha256: text(row[3]),
            });
            Ok(())
        })?;
        Ok(prior)
    }

    /// The newest applied snapshot of a source, with its profile.
    pub(crate) fn last_applied(
        &mut self,
        source: &str,
    ) -> Result<Option<AppliedSnapshot>, StoreError> {
        let binds = [source.into(), FileStatus::Loaded.as_str().into()];
        let types = [
            SqlType::BigInt,
            SqlType::Text,
            SqlType::BigInt,
            SqlType::BigInt,
        ];
        let mut applied = None;
        let mut leads = 0;
        let query = Query {
            sql: LAST_APPLIED_SQL,
            binds: &binds,
            types: &types,
        };
        self.backend.query(&query, &mut |row| {
            leads = row[3].int().unwrap_or(0) as u64;
            applied = Some(AppliedSnapshot {
                file_id: row[0].int().unwrap_or(0),
                path: row[1].text().unwrap_or_default().to_string(),
                records_read: row[2].int().unwrap_or(0) as u64,
                profile: None,
            });
            Ok(())
        })?;
        let Some(mut applied) = applied else {
            return Ok(None);
        };
        let mut profile = SnapshotProfile {
            leads,
            ..SnapshotProfile::default()
        };
        let mut columns = 0;
        let binds = [Bind::Int(applied.file_id)];
        let types = [SqlType::Text, SqlType::BigInt, SqlType::BigInt];
        let query = Query {
            sql: SNAPSHOT_COLUMNS_SQL,
            binds: &binds,
            types: &types,
        };
        self.backend.query(&query, &mut |row| {
            if let Some(i) = row[0].text().and_then(column_index) {
                profile.filled[i] = row[1].int().unwrap_or(0) as u64;
                profile.flagged[i] = row[2].int().unwrap_or(0) as u64;
                columns += 1;
            }
            Ok(())
        })?;
        applied.profile = (columns > 0).then_some(profile);
        Ok(Some(applied))
    }

    /// The date of the newest snapshot of a source loaded so far.
    pub fn latest_snapshot(&mut self, source: &str) -> Result<Option<NaiveDate>, StoreError> {
        let binds = [source.into(), FileStatus::Loaded.as_str().into()];
        let mut latest = None;
        self.backend.query(
            &Query {
                sql: LATEST_SNAPSHOT_SQL,
                binds: &binds,
                types: &[SqlType::Date],
            },
            &mut |row| {
                latest = row[0].date();
                Ok(())
            },
        )?;
        Ok(latest)
    }

    /// Records a file that loads nothing, with why.
    pub fn record_file(
        &mut self,
        run: &RunInfo,
        file: &FileInfo,
        status: FileStatus,
        message: &str,
    ) -> Result<(), StoreError> {
        record(self.backend.as_mut(), run, file, status, Some(message)).map(drop)
    }

    /// Ends the run with its totals, commits it and releases the lock.
    pub fn commit_run(&mut self, run: &RunInfo, status: RunStatus) -> Result<(), StoreError> {
        self.backend.before_commit()?;
        let mut binds: Vec<Bind> = vec![(&run.run_id).into(), now().into(), status.as_str().into()];
        binds.extend(
            [
                FileStatus::Loaded,
                FileStatus::Skipped,
                FileStatus::Failed,
                FileStatus::Held,
            ]
            .map(|s| Bind::Text(s.as_str())),
        );
        self.backend.execute(RUN_TOTALS_SQL, &binds)?;
        self.backend.commit_run()?;
        self.in_run = false;
        Ok(())
    }
}

/// Records a file in the ledger with a status; returns its id.
pub(super) fn record(
    backend: &mut dyn Backend,
    run: &RunInfo,
    file: &FileInfo,
    status: FileStatus,
    message: Option<&str>,
) -> Result<i64, StoreError> {
    let binds: [Bind; 10] = [
        (&run.run_id).into(),
        (&file.source).into(),
        (&file.path).into(),
        (&file.content_sha256).into(),
        file.size_bytes.into(),
        file.snapshot_date.into(),
        status.as_str().into(),
        message.into(),
        now().into(),
        file.e_tag.as_deref().into(),
    ];
    let mut id = None;
    let query = Query {
        sql: RECORD_FILE_SQL,
        binds: &binds,
        types: &[SqlType::BigInt],
    };
    backend.query(&query, &mut |row| {
        id = row[0].int();
        Ok(())
    })?;
    Ok(id.expect("INSERT … RETURNING gives the row's id"))
}
