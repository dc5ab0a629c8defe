//! The checks as a stage of an ingest: evaluated once the run's data is written, just
//! before it commits, and committed with it. A failing check does not undo the load; only a
//! check that cannot run at all (the database failing) rolls the run back.

use super::{CheckError, Checks};
use crate::pipeline::{RunReport, Stage, StageError};
use crate::store::Store;

impl Stage for Checks<'_> {
    fn name(&self) -> &'static str {
        "checks"
    }

    fn before_commit(&self, store: &mut Store, report: &mut RunReport) -> Result<(), StageError> {
        report.checks = self.run(store, &report.run_id).map_err(|e| match e {
            CheckError::Store(e) => StageError::Store(e),
            other => StageError::Failed(other.to_string()),
        })?;
        Ok(())
    }
}
