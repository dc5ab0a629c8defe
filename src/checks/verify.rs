//! The checks as a run of their own, loading nothing: `leadpipe verify`, for a scheduler's
//! daily freshness check.

use super::{CheckError, CheckResult, Checks};
use crate::store::{RunCommand, RunInfo, RunStatus, Store};

/// The run of a verify, and what its checks found.
#[derive(Debug)]
pub struct Verified {
    pub run_id: String,
    pub results: Vec<CheckResult>,
}

/// Runs every check on the database as it is, and commits their results under a run of
/// their own (`runs.command` = `verify`), so that `check_results.run_id` always names a run.
pub fn verify(store: &mut Store, checks: &Checks) -> Result<Verified, CheckError> {
    let run = RunInfo::new(RunCommand::Verify);
    store.begin_run(&run)?;
    let results = checks.run(store, &run.run_id)?;
    store.commit_run(&run, RunStatus::Completed)?;
    Ok(Verified {
        run_id: run.run_id,
        results,
    })
}
