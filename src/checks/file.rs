//! Where checks come from, and which sources they hold: a spec's `[[checks]]` hold its
//! source once it has leads; a checks file's hold the source they name, or else every
//! source that has leads.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::evaluate::evaluate;
use super::{Check, CheckConfig, CheckResult, needs_no_unknown_state, validate};
use crate::spec::{Role, Specs};
use crate::store::{Store, StoreError, now};

/// A check that cannot be read or run.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("checks file {path}: {message}")]
    File { path: String, message: String },
    #[error(
        "check `{check}` on `{id}`: `accepted_values` on `state` without `values` takes \
         the state the source is named after, and `{id}` names none; list `values`"
    )]
    NoState { id: String, check: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A checks file, as written: `[[checks]]` tables, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecksFile {
    #[serde(default)]
    checks: Vec<CheckConfig>,
}

/// The checks of a run: every spec's, and a checks file's.
#[derive(Debug)]
pub struct Checks<'a> {
    specs: &'a Specs,
    file: Vec<Check>,
    /// The day freshness is judged on.
    as_of: NaiveDate,
}

impl<'a> Checks<'a> {
    /// The specs' checks and those of the checks file at `path`, when given, checked against
    /// the specs: a check that names a source names a spec, and a built-in `state` set is
    /// only for sources named after a state.
    pub fn new(
        specs: &'a Specs,
        path: Option<&Path>,
        as_of: NaiveDate,
    ) -> Result<Checks<'a>, CheckError> {
        let file = match path {
            Some(path) => read(path, specs).map_err(|message| CheckError::File {
                path: path.display().to_string(),
                message,
            })?,
            None => Vec::new(),
        };
        Ok(Checks { specs, file, as_of })
    }

    /// Evaluates every check on the sources it holds and records the results under
    /// `run_id`, in the run's transaction; returns them, by source.
    pub fn run(&self, store: &mut Store, run_id: &str) -> Result<Vec<CheckResult>, CheckError> {
        if self.file.is_empty() && self.specs.iter().all(|spec| spec.checks.is_empty()) {
            return Ok(Vec::new());
        }
        let with_leads = store.sources_with_leads()?;
        let mut sources = with_leads.clone();
        sources.extend(self.file.iter().filter_map(|c| c.source.clone()));
        sources.sort();
        sources.dedup();
        let mut results = Vec::new();
        for source in &sources {
            let from_spec = self
                .specs
                .iter()
                .filter(|spec| spec.id == *source && with_leads.contains(source))
                .flat_map(|spec| &spec.checks);
            let from_file = self.file.iter().filter(|check| match &check.source {
                Some(named) => named == source,
                None => with_leads.contains(source),
            });
            for check in from_spec.chain(from_file) {
                results.push(evaluate(store, run_id, source, check, self.as_of)?);
            }
        }
        store.record_checks(&results, now())?;
        Ok(results)
    }
}

/// Reads and checks a checks file.
fn read(path: &Path, specs: &Specs) -> Result<Vec<Check>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let file: ChecksFile = toml::from_str(&text).map_err(|e| e.to_string())?;
    // Checks judge leads: a reference source (a CRM's export) has none.
    let ids: Vec<&str> = specs
        .iter()
        .filter(|s| s.role == Role::Leads)
        .map(|s| s.id.as_str())
        .collect();
    file.checks
        .into_iter()
        .enumerate()
        .map(|(n, config)| {
            let place = super::place(n);
            let check = validate(config).map_err(|e| format!("{place}: {e}"))?;
            let holds: Vec<&str> = match &check.source {
                Some(source) if !ids.contains(&source.as_str()) => {
                    return Err(format!(
                        "{place}: `source = \"{source}\"` is no id of a spec of leads (they are {})",
                        ids.join(", ")
                    ));
                }
                Some(source) => vec![source.as_str()],
                None => ids.clone(),
            };
            for source in holds {
                needs_no_unknown_state(&check, source).map_err(|e| format!("{place}: {e}"))?;
            }
            Ok(check)
        })
        .collect()
}
