//! The one table of exit statuses, for every command. When several apply, the highest in
//! [`Exit::PRECEDENCE`] wins: a run that could not happen outranks a failed file, which
//! outranks a failed `error` check, then a held snapshot, then "nothing new".

use std::process::ExitCode;

use leadpipe::checks::CheckResult;

/// How a command ended, as its exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Exit {
    /// Everything asked was done.
    Success,
    /// There was nothing new to load: every file was loaded before, older than the newest
    /// snapshot of its source, or none was found. Airflow's `BashOperator` skips on 99 by
    /// default (`skip_on_exit_code`).
    NothingNew,
    /// A snapshot was held by a guard and not applied; the run's other files loaded.
    Held,
    /// A check of severity `error` failed; what was loaded stays loaded.
    CheckFailed,
    /// A file failed and loaded nothing; the run's other files loaded.
    FileFailed,
    /// The command could not run (bad arguments, an unreachable database, a run that
    /// failed and was rolled back).
    Impossible,
}

impl Exit {
    /// Every status, from the one that wins over all others to the one that wins over none.
    pub(crate) const PRECEDENCE: [Exit; 6] = [
        Exit::Impossible,
        Exit::FileFailed,
        Exit::CheckFailed,
        Exit::Held,
        Exit::NothingNew,
        Exit::Success,
    ];

    /// The number the process exits with.
    pub(crate) fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::FileFailed => 1,
            Exit::Impossible => 2,
            Exit::CheckFailed => 3,
            Exit::Held => 4,
            Exit::NothingNew => 99,
        }
    }

    /// The status's name, as the results document gives it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::NothingNew => "nothing_new",
            Exit::Held => "held",
            Exit::CheckFailed => "check_failed",
            Exit::FileFailed => "file_failed",
            Exit::Impossible => "impossible",
        }
    }

    /// What the status means, for the table in `--help` and the README.
    fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "everything asked was done",
            Exit::FileFailed => "a file failed and loaded nothing (the other files loaded)",
            Exit::Impossible => {
                "the command could not run, or its run failed and was rolled back: \
                 the database is as it was"
            }
            Exit::CheckFailed => "a check of severity `error` failed (the load stands)",
            Exit::Held => "a snapshot was held by a guard and not applied (the other files loaded)",
            Exit::NothingNew => {
                "nothing new to load: every file was loaded before, or none was found"
            }
        }
    }

    /// The table of statuses, in order of precedence.
    pub(crate) fn table() -> String {
        let mut table = String::from("| status | meaning |\n|---|---|\n");
        for exit in Exit::PRECEDENCE {
            table += &format!("| {} | {} |\n", exit.code(), exit.meaning());
        }
        table
    }

    /// What checks' results say: [`Exit::CheckFailed`] when a check of severity `error`
    /// failed.
    pub(crate) fn of_checks(results: &[CheckResult]) -> Exit {
        match results.iter().any(CheckResult::is_failed_error) {
            true => Exit::CheckFailed,
            false => Exit::Success,
        }
    }

    /// The status when both `self` and `other` apply.
    pub(crate) fn and(self, other: Exit) -> Exit {
        self.max(other)
    }
}

/// The table as `--help` ends with it.
pub(crate) fn help() -> String {
    format!(
        "Exit status (when several apply, the first in this table):\n{}",
        Exit::table()
    )
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_has_the_table() {
        const START: &str =
            "<!-- exit statuses: generated from src/cli/exit.rs; a test checks it -->\n";
        let readme = include_str!("../../README.md");
        let start = readme.find(START).expect("README marks the table") + START.len();
        let end = start
            + readme[start..]
                .find("<!-- /exit statuses -->")
                .expect("README ends it");
        assert_eq!(
            &readme[start..end],
            Exit::table(),
            "the README's table of exit statuses differs; it should read:\n\n{}",
            Exit::table()
        );
        assert!(Exit::table().contains("| 99 | nothing new to load"));
    }

    #[test]
    fn the_higher_status_wins() {
        assert_eq!(Exit::Held.and(Exit::FileFailed), Exit::FileFailed);
        assert_eq!(Exit::NothingNew.and(Exit::Held), Exit::Held);
        assert_eq!(Exit::Success.and(Exit::NothingNew), Exit::NothingNew);
        assert_eq!(Exit::CheckFailed.and(Exit::Held).code(), 3);
        let mut ranked = Exit::PRECEDENCE;
        ranked.sort();
        ranked.reverse();
        assert_eq!(
            ranked,
            Exit::PRECEDENCE,
            "the order of the variants is the precedence"
        );
    }
}
