//! What a database must do for the store: run SQL with bound values, stream rows, write
//! rows in bulk, and hold the run's lock and transaction. Everything else (the ledger, the
//! snapshot writer, the reads) is written once, over this trait.

use std::time::{Duration, Instant};

use super::StoreError;
use super::merge::Dialect;
use super::schema::{SqlType, Table};
use super::value::{Bind, Cell, Rows};

/// Called with each row of a query, its cells in the order of the query's types.
pub(crate) type EachRow<'f> = dyn FnMut(&[Cell]) -> Result<(), StoreError> + 'f;

/// A statement that returns rows: its text, its placeholders' values, and the types its
/// columns are read as.
pub(crate) struct Query<'q> {
    pub(crate) sql: &'q str,
    pub(crate) binds: &'q [Bind<'q>],
    pub(crate) types: &'q [SqlType],
}

/// A connection to one target database.
pub(crate) trait Backend {
    fn dialect(&self) -> Dialect;

    /// The database as shown to people: its URL, without a password.
    fn shown(&self) -> &str;

    /// Runs one statement whose placeholders (`$1`… in the statement's text, whatever the
    /// dialect) take `binds`; returns the rows it affected.
    fn execute(&mut self, sql: &str, binds: &[Bind]) -> Result<u64, StoreError>;

    /// Readies a connection that reads only for queries that scan whole tables.
    fn prepare_to_scan(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Runs statements that take no values.
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;

    /// Streams the rows of a query to `each`: a source's million leads are never held at
    /// once.
    fn query(&mut self, query: &Query, each: &mut EachRow) -> Result<(), StoreError>;

    /// Appends rows to a table, in the fastest way the target has.
    fn insert(&mut self, table: &Table, rows: &dyn Rows) -> Result<(), StoreError>;

    /// Tries once to take the run lock and open the run's transaction; `false` when
    /// another run holds the lock. May wait a moment before it answers.
    fn try_begin_run(&mut self) -> Result<bool, StoreError>;

    /// Commits the run's transaction and releases the lock.
    fn commit_run(&mut self) -> Result<(), StoreError>;

    /// Rolls the run's transaction back and releases the lock, as far as the connection
    /// still can.
    fn rollback_run(&mut self);

    /// Who holds the run lock, for the message of a run that waits for it, when the target
    /// can tell.
    fn lock_holder(&mut self) -> Option<String> {
        None
    }

    /// Whether `source` has leads, when the target knows without asking the database.
    fn knows_source_has_leads(&self, _source: &str) -> Option<bool> {
        None
    }

    /// Called once the run's transaction is open and recorded.
    fn run_begun(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Called when a file's snapshot has been merged, with the leads it inserted.
    fn file_merged(&mut self, _source: &str, _inserted: u64) {}

    /// Called just before the run commits.
    fn before_commit(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Takes the run lock and opens the run's transaction, waiting up to `timeout` for another
/// run to finish, with a warning when it has to wait.
pub(crate) fn begin_run(backend: &mut dyn Backend, timeout: Duration) -> Result<(), StoreError> {
    let started = Instant::now();
    let mut told = false;
    while !backend.try_begin_run()? {
        let holder = backend.lock_holder().map_or_else(String::new, |holder| {
            format!(" (the lock is held by {holder})")
        });
        if started.elapsed() >= timeout {
            return Err(StoreError::LockTimeout {
                target: format!("{}{holder}", backend.shown()),
                waited: started.elapsed(),
            });
        }
        if !told {
            tracing::warn!(
                "another leadpipe run is loading into {}{holder}; waiting up to {} s for it to finish",
                backend.shown(),
                timeout.as_secs()
            );
            told = true;
        }
    }
    Ok(())
}
