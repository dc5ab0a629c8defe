//! What an alert says: what happened, where, and the figures. Built by the run from its
//! account; it holds names and numbers only, so no value read from a file (a phone, an
//! e-mail) can reach a message.

use std::fmt;

use super::Name;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    /// The run failed and was rolled back.
    RunFailed,
    /// A file failed and loaded nothing; the run's other files loaded.
    FileFailed,
    /// A guard held a snapshot: nothing of it was applied.
    SnapshotHeld,
    /// A check of severity `error` failed.
    CheckFailed,
    /// A check of severity `warn` failed.
    CheckWarned,
}

impl AlertKind {
    /// Whether the alert is only a warning (sent with `--notify-warnings`).
    pub fn is_warning(self) -> bool {
        self == AlertKind::CheckWarned
    }

    /// The kind's name in the generic payload.
    pub fn code(self) -> &'static str {
        match self {
            AlertKind::RunFailed => "run_failed",
            AlertKind::FileFailed => "file_failed",
            AlertKind::SnapshotHeld => "snapshot_held",
            AlertKind::CheckFailed => "check_failed",
            AlertKind::CheckWarned => "check_warned",
        }
    }

    /// What happened, as a sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            AlertKind::RunFailed => {
                "The run failed and was rolled back: the database is as it was."
            }
            AlertKind::FileFailed => "A file failed and loaded nothing; the other files loaded.",
            AlertKind::SnapshotHeld => "A snapshot was held by a guard and not applied.",
            AlertKind::CheckFailed => "A check of severity `error` failed; the load stands.",
            AlertKind::CheckWarned => "A check of severity `warn` failed.",
        }
    }

    /// `count` alerts of this kind, as a phrase of the run's summary: `2 snapshots held`.
    pub(crate) fn counted(self, count: usize) -> String {
        let (one, many) = match self {
            AlertKind::RunFailed => return "run failed".to_string(),
            AlertKind::FileFailed => ("file failed", "files failed"),
            AlertKind::SnapshotHeld => ("snapshot held", "snapshots held"),
            AlertKind::CheckFailed => ("check failed", "checks failed"),
            AlertKind::CheckWarned => ("check warned", "checks warned"),
        };
        format!("{count} {}", if count == 1 { one } else { many })
    }

    /// Every kind, in the order a summary names them.
    pub(crate) const ALL: [AlertKind; 5] = [
        AlertKind::RunFailed,
        AlertKind::FileFailed,
        AlertKind::SnapshotHeld,
        AlertKind::CheckFailed,
        AlertKind::CheckWarned,
    ];
}

/// One thing that went wrong in a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub kind: AlertKind,
    /// The source (spec id) concerned, if one is.
    pub source: Option<Name>,
    /// The file concerned, if one is.
    pub file: Option<Name>,
    /// The guard or check that fired, or what failed.
    pub subject: Option<Name>,
    /// The numbers behind it: observed values, thresholds, counts.
    pub figures: Vec<Figure>,
}

impl Alert {
    /// An alert of `kind` with nothing else said yet.
    pub fn new(kind: AlertKind) -> Alert {
        Alert {
            kind,
            source: None,
            file: None,
            subject: None,
            figures: Vec::new(),
        }
    }
}

/// A labelled number.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub label: Name,
    pub value: Value,
}

impl Figure {
    /// `value` under `label`.
    pub fn new(label: &str, value: Value) -> Figure {
        Figure {
            label: Name::new(label),
            value,
        }
    }
}

/// A figure's number, with its unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A count of records, leads, files or days.
    Count(u64),
    /// A percentage: `42.9` is 42.9 %.
    Percent(f64),
    /// Any other number (a ratio, a threshold).
    Number(f64),
}

impl Value {
    /// The unit's name in the generic payload.
    pub fn unit(self) -> &'static str {
        match self {
            Value::Count(_) => "count",
            Value::Percent(_) => "percent",
            Value::Number(_) => "number",
        }
    }
}

impl fmt::Display for Value {
    /// `21`, `42.9%`, `0.9`: a percentage with at most one decimal, another number with
    /// at most three, none that are zeros at the end.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decimal = |x: f64, places: usize| {
            let text = format!("{x:.places$}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            if text == "-0" {
                "0".to_string()
            } else {
                text.to_string()
            }
        };
        match *self {
            Value::Count(n) => write!(f, "{n}"),
            Value::Percent(x) => write!(f, "{}%", decimal(x, 1)),
            Value::Number(x) => f.write_str(&decimal(x, 3)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_short() {
        assert_eq!(Value::Count(21).to_string(), "21");
        assert_eq!(Value::Percent(42.857142).to_string(), "42.9%");
        assert_eq!(Value::Percent(10.0).to_string(), "10%");
        assert_eq!(Value::Number(0.9).to_string(), "0.9");
        assert_eq!(Value::Number(0.12345).to_string(), "0.123");
        assert_eq!(Value::Number(-0.0001).to_string(), "0");
    }

    #[test]
    fn summaries_count_in_words() {
        assert_eq!(AlertKind::SnapshotHeld.counted(1), "1 snapshot held");
        assert_eq!(AlertKind::CheckFailed.counted(3), "3 checks failed");
        assert_eq!(AlertKind::RunFailed.counted(1), "run failed");
    }
}
