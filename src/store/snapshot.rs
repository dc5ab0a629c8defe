//! The snapshot writer: one file's leads, rejects and listed ids written in batches, then
//! merged into `leads` (or a reference source's into `reference_records`); or, if the
//! writer is dropped before it finishes, none of it.

use super::backend::{Backend, Query};
use super::known::KnownLeads;
use super::ledger::{self, FINISH_FILE_SQL};
use super::merge::{Merged, Param};
use super::schema::{
    LEADS, REFERENCE_RECORDS, REJECTS, SEEN_LEADS, SNAPSHOT_COLUMNS, STAGED_LEADS, SqlType, Table,
};
use super::status::FileStatus;
use super::value::{Bind, Rows, Stamp};
use super::{
    Batch, ColumnFlags, FileCounts, FileInfo, LeadRow, MergeCounts, RejectRow, RunInfo,
    SnapshotProfile, Store, StoreError, now,
};
use crate::lead::LEAD_COLUMNS;
use crate::spec::Role;

/// Undoes a file's writes: a savepoint, in the SQL both targets share.
const SAVEPOINT_SQL: &str = "SAVEPOINT file";
const RELEASE_SQL: &str = "RELEASE SAVEPOINT file";
const ROLLBACK_SQL: &str = "ROLLBACK TO SAVEPOINT file; RELEASE SAVEPOINT file";

/// Whether source `$1` has any lead, active or not.
const HAS_LEADS_SQL: &str = "SELECT EXISTS (SELECT 1 FROM leads WHERE source = $1)";

/// Whether reference source `$1` has any record, removed or not.
const HAS_REFERENCE_SQL: &str = "SELECT EXISTS (SELECT 1 FROM reference_records WHERE source = $1)";

/// The id, record hash, state and column flags of every lead of source `$1`.
const KNOWN_LEADS_SQL: &str =
    "SELECT lead_id, record_hash, is_active, filled_columns, flagged_columns
    FROM leads WHERE source = $1";

/// [`KNOWN_LEADS_SQL`] for a reference source: a record its last export listed is active.
const KNOWN_REFERENCE_SQL: &str =
    "SELECT lead_id, record_hash, NOT removed, filled_columns, flagged_columns
    FROM reference_records WHERE source = $1";

/// The table a file's records are written to, by its source's role.
fn table(role: Role) -> &'static Table {
    match role {
        Role::Leads => &LEADS,
        Role::Reference => &REFERENCE_RECORDS,
    }
}

/// Records a held snapshot applied deliberately: `$1` run, `$2` file, `$3` guard, `$4`
/// column, `$5` observed figure, `$6` threshold.
const OVERRIDE_SQL: &str = "INSERT INTO guard_overrides
    (run_id, source_file_id, guard, column_name, observed, threshold)
    VALUES ($1, $2, $3, $4, $5, $6)";

/// A file being loaded. Its writes are undone when it is dropped before
/// [`FileWriter::finish`]: a file that fails part-way leaves nothing of itself.
pub struct FileWriter<'s> {
    backend: &'s mut dyn Backend,
    run: &'s RunInfo,
    file: &'s FileInfo,
    /// Its ledger id.
    id: i64,
    /// Its source had no leads before it: every lead is new, and none is looked up.
    fresh: bool,
    /// Leads inserted so far.
    inserted: u64,
    /// When the run began, as every lead it writes says.
    ingested_at: Stamp,
    finished: bool,
}

impl Store {
    /// Starts loading a file: records it as loading, and prepares its work tables.
    pub fn begin_file<'s>(
        &'s mut self,
        run: &'s RunInfo,
        file: &'s FileInfo,
    ) -> Result<FileWriter<'s>, StoreError> {
        let backend = self.backend.as_mut();
        // A failure before the writer exists fails the run, whose transaction then rolls
        // back whole.
        backend.batch(SAVEPOINT_SQL)?;
        backend.batch(&backend.dialect().prepare_staging())?;
        let id = ledger::record(backend, run, file, FileStatus::Loading, None)?;
        let fresh = !source_has_records(backend, file)?;
        Ok(FileWriter {
            backend,
            run,
            file,
            id,
            fresh,
            inserted: 0,
            ingested_at: Stamp::new(run.started_at),
            finished: false,
        })
    }
}

impl Store {
    /// The leads (or reference records) a file's source has, or `None` when it has none:
    /// what a run loading the file would compare it with (for a dry run).
    pub fn known_leads(&mut self, file: &FileInfo) -> Result<Option<KnownLeads>, StoreError> {
        let backend = self.backend.as_mut();
        if !source_has_records(backend, file)? {
            return Ok(None);
        }
        read_known(backend, file).map(Some)
    }
}

/// Every lead (or reference record) of a file's source, with its hash, state and flags.
fn read_known(backend: &mut dyn Backend, file: &FileInfo) -> Result<KnownLeads, StoreError> {
    let mut known = KnownLeads::default();
    let types = [
        SqlType::Text,
        SqlType::Text,
        SqlType::Boolean,
        SqlType::BigInt,
        SqlType::BigInt,
    ];
    let binds = [Bind::from(&file.source)];
    let query = Query {
        sql: match file.role {
            Role::Leads => KNOWN_LEADS_SQL,
            Role::Reference => KNOWN_REFERENCE_SQL,
        },
        binds: &binds,
        types: &types,
    };
    backend.query(&query, &mut |row| {
        let id = row[0].text().unwrap_or_default();
        let flags = match (row[3].int(), row[4].int()) {
            (Some(filled), Some(flagged)) => Some(ColumnFlags {
                filled: filled as u64,
                flagged: flagged as u64,
            }),
            _ => None,
        };
        known.push(id, row[1].text(), flags, row[2].bool().unwrap_or(false));
        Ok(())
    })?;
    Ok(known)
}

/// Whether a file's source has records (leads, or reference records), active or not.
fn source_has_records(backend: &mut dyn Backend, file: &FileInfo) -> Result<bool, StoreError> {
    let sql = match file.role {
        Role::Leads => match backend.knows_source_has_leads(&file.source) {
            Some(known) => return Ok(known),
            None => HAS_LEADS_SQL,
        },
        Role::Reference => HAS_REFERENCE_SQL,
    };
    let mut has = false;
    let query = Query {
        sql,
        binds: &[Bind::Text(&file.source)],
        types: &[SqlType::Boolean],
    };
    backend.query(&query, &mut |row| {
        has = row[0].bool().unwrap_or(false);
        Ok(())
    })?;
    Ok(has)
}

impl FileWriter<'_> {
    /// The leads (or reference records) the file's source had when the file began, or
    /// `None` when it had none.
    pub fn known_leads(&mut self) -> Result<Option<KnownLeads>, StoreError> {
        if self.fresh {
            return Ok(None);
        }
        read_known(self.backend, self.file).map(Some)
    }

    /// Writes a batch of the file's records: its new leads to `leads` (or
    /// `reference_records`), the ones to compare to the staging table, the ids it lists,
    /// and its rejects.
    pub fn write_batch(&mut self, batch: &Batch) -> Result<(), StoreError> {
        let file: &FileInfo = self.file;
        let lineage = Lineage {
            source: &file.source,
            path: &file.path,
            run_id: &self.run.run_id,
            ingested_at: &self.ingested_at,
            file_id: self.id,
        };
        self.backend.insert(
            table(file.role),
            &LeadRows {
                leads: &batch.new,
                lineage,
            },
        )?;
        if !self.fresh {
            self.backend.insert(
                &STAGED_LEADS,
                &LeadRows {
                    leads: &batch.staged,
                    lineage,
                },
            )?;
            self.backend.insert(&SEEN_LEADS, &Seen(&batch.seen))?;
        }
        let rejects = RejectRows {
            rejects: &batch.rejects,
            run: self.run,
            file: self.file,
        };
        self.backend.insert(&REJECTS, &rejects)?;
        self.inserted += batch.new.len() as u64;
        Ok(())
    }

    /// Records that the snapshot is applied although a guard would hold it, with the
    /// guard's figures.
    pub fn record_override(&mut self, guard: &GuardOverride) -> Result<(), StoreError> {
        let binds: [Bind; 6] = [
            (&self.run.run_id).into(),
            self.id.into(),
            guard.guard.into(),
            guard.column.into(),
            guard.observed.into(),
            guard.threshold.into(),
        ];
        self.backend.execute(OVERRIDE_SQL, &binds).map(drop)
    }

    /// Merges the staged snapshot into `leads` (or `reference_records`), records the
    /// changes, the file's counts and its column profile.
    pub fn finish(
        mut self,
        encoding: &str,
        counts: &FileCounts,
        profile: &SnapshotProfile,
    ) -> Result<MergeCounts, StoreError> {
        let merged = self.merge(counts.loaded)?;
        let inserted = self.inserted + merged.inserted;
        let merged = MergeCounts {
            inserted,
            updated: merged.updated,
            unchanged: counts.loaded - inserted - merged.updated,
            deactivated: merged.deactivated,
        };
        let binds: [Bind; 11] = [
            self.id.into(),
            encoding.into(),
            counts.read.into(),
            counts.loaded.into(),
            counts.rejected.into(),
            merged.inserted.into(),
            merged.updated.into(),
            merged.unchanged.into(),
            merged.deactivated.into(),
            now().into(),
            FileStatus::Loaded.as_str().into(),
        ];
        self.backend.execute(FINISH_FILE_SQL, &binds)?;
        let columns = ProfileRows {
            file_id: self.id,
            profile,
        };
        self.backend.insert(&SNAPSHOT_COLUMNS, &columns)?;
        self.backend.batch(RELEASE_SQL)?;
        self.finished = true;
        if self.file.role == Role::Leads {
            self.backend.file_merged(&self.file.source, merged.inserted);
        }
        Ok(merged)
    }

    /// Runs the statements that merge the staged leads.
    fn merge(&mut self, loaded: u64) -> Result<Merged, StoreError> {
        let now = now();
        let dialect = self.backend.dialect();
        let mut merged = Merged::default();
        let statements = match self.file.role {
            Role::Leads => dialect.merge_statements(self.fresh, loaded),
            Role::Reference => dialect.reference_merge_statements(self.fresh, loaded),
        };
        for statement in statements {
            let binds: Vec<Bind> = statement
                .params
                .iter()
                .map(|param| match param {
                    Param::RunId => Bind::from(&self.run.run_id),
                    Param::FileId => Bind::Int(self.id),
                    Param::Source => Bind::from(&self.file.source),
                    Param::Now => Bind::Time(now),
                })
                .collect();
            let rows = self.backend.execute(&statement.sql, &binds)?;
            merged.count(statement.counted, rows);
        }
        Ok(merged)
    }
}

impl Drop for FileWriter<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Best effort: a connection that cannot roll back a savepoint has lost the
            // run's transaction too, which then rolls back whole.
            let _ = self.backend.batch(ROLLBACK_SQL);
        }
    }
}

/// What every lead a file writes says of where it came from.
#[derive(Clone, Copy)]
struct Lineage<'a> {
    source: &'a str,
    path: &'a str,
    run_id: &'a str,
    ingested_at: &'a Stamp,
    file_id: i64,
}

/// Leads with their lineage, in the columns of [`LEADS`].
struct LeadRows<'a> {
    leads: &'a [LeadRow],
    lineage: Lineage<'a>,
}

impl Rows for LeadRows<'_> {
    fn len(&self) -> usize {
        self.leads.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        let (lead, lineage) = (&self.leads[i], self.lineage);
        out.extend(lead.values.iter().map(Bind::Value));
        out.extend([
            Bind::from(&lead.lead_id),
            lineage.source.into(),
            lineage.path.into(),
            lead.source_line.into(),
            Bind::Stamp(lineage.ingested_at),
            lineage.run_id.into(),
            lineage.file_id.into(),
            Bind::Json(&lead.source_record),
            lead.issues.as_deref().map_or(Bind::Null, Bind::Json),
            lead.derived.as_deref().map_or(Bind::Null, Bind::Json),
            (&lead.record_hash).into(),
            Bind::Int(lead.flags.filled as i64),
            Bind::Int(lead.flags.flagged as i64),
        ]);
    }
}

/// A snapshot's column profile, in the columns of [`SNAPSHOT_COLUMNS`].
struct ProfileRows<'a> {
    file_id: i64,
    profile: &'a SnapshotProfile,
}

impl Rows for ProfileRows<'_> {
    fn len(&self) -> usize {
        LEAD_COLUMNS.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        out.extend([
            Bind::Int(self.file_id),
            LEAD_COLUMNS[i].name.into(),
            self.profile.filled[i].into(),
            self.profile.flagged[i].into(),
        ]);
    }
}

/// A guard that would have held a snapshot applied deliberately, with its figures.
#[derive(Clone, Copy, Debug)]
pub struct GuardOverride<'a> {
    pub guard: &'a str,
    pub column: Option<&'a str>,
    pub observed: f64,
    pub threshold: f64,
}

/// Ids of listed leads, in the columns of [`SEEN_LEADS`].
struct Seen<'a>(&'a [String]);

impl Rows for Seen<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        out.push((&self.0[i]).into());
    }
}

/// Rejected records, in the columns of [`REJECTS`].
struct RejectRows<'a> {
    rejects: &'a [RejectRow],
    run: &'a RunInfo,
    file: &'a FileInfo,
}

impl Rows for RejectRows<'_> {
    fn len(&self) -> usize {
        self.rejects.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        let reject = &self.rejects[i];
        out.extend([
            Bind::from(&self.run.run_id),
            (&self.file.source).into(),
            (&self.file.path).into(),
            reject.source_line.into(),
            reject.reason.as_str().into(),
            (&reject.message).into(),
            (&reject.raw_text).into(),
        ]);
    }
}
