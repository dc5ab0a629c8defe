//! What a command that runs tells of its outcome besides its account, whatever the outcome:
//! the alerts of `--notify`, then the document of `--results`.

use std::path::PathBuf;

use chrono::Utc;
use clap::Args;

use leadpipe::pipeline::RunReport;
use leadpipe::store::RunCommand;

use super::exit::Exit;
use super::notify::{self, NotifyArgs};
use super::results::Outcome;

/// `--results` and `--notify`, the same for every command that runs.
#[derive(Debug, Args)]
pub(crate) struct OutcomeArgs {
    /// Write the outcome to FILE as JSON, whatever it is (a failed or held run included):
    /// run id, exit status, every file's status and counts, the figures of held snapshots,
    /// the checks' results, timings. Its JSON Schema is schema/results-v1.schema.json.
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,

    #[command(flatten)]
    notify: NotifyArgs,
}

impl OutcomeArgs {
    /// Runs `attempt` (which sets the database, as shown, once it knows it; and gives the
    /// run's account, or `None` when there was nothing to do), then tells its outcome. A
    /// webhook URL that is not one stops the command before it runs.
    pub(crate) fn attempt(
        &self,
        command: RunCommand,
        exit_of: impl Fn(&RunReport) -> Exit,
        attempt: impl FnOnce(&mut Option<String>) -> anyhow::Result<Option<RunReport>>,
    ) -> anyhow::Result<Attempted> {
        let started_at = Utc::now();
        let mut database = None;
        let (notifier, attempted) = match self.notify.notifier() {
            Ok(notifier) => (Some(notifier), attempt(&mut database)),
            Err(error) => (None, Err(error)),
        };
        let (report, error, exit) = match &attempted {
            Ok(Some(report)) => (Some(report), None, exit_of(report)),
            Ok(None) => (None, None, Exit::NothingNew),
            Err(error) => (None, Some(format!("{error:#}")), Exit::Impossible),
        };
        if let Some(notifier) = &notifier {
            notifier.send(
                report.map(|r| r.run_id.as_str()),
                notify::alerts(&attempted),
            );
        }
        if let Some(path) = &self.results {
            let outcome = Outcome {
                command,
                started_at,
                finished_at: Utc::now(),
                database: database.clone(),
                report,
                error,
                exit,
            };
            if let Err(written) = outcome.write(path) {
                // The run's own error, if it had one, is the one to report.
                attempted?;
                return Err(written);
            }
        }
        Ok(Attempted {
            report: attempted?,
            exit,
            database: database.unwrap_or_default(),
        })
    }
}

/// A command that ran.
pub(crate) struct Attempted {
    /// Its run's account; `None` when there was nothing to do.
    pub(crate) report: Option<RunReport>,
    pub(crate) exit: Exit,
    /// The database, as shown.
    pub(crate) database: String,
}
