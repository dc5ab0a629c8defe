//! Alerts: after a run, what went wrong in it (a failure, a held snapshot, a failed check)
//! is posted to webhooks, as Slack's payload or a generic JSON one (`target.rs` says which).
//!
//! Alerts never put the load at risk: every target is posted to at once, all within one
//! shared budget ([`BUDGET`]), and a target that is down, slow or refusing is returned as
//! an undelivered [`Delivery`] for the caller to report, never as an error of the run.
//! What an alert can say is names and numbers ([`Alert`]), and names are cleaned of
//! e-mail addresses, phone numbers and passwords ([`Name`]).

mod alert;
mod json;
mod name;
mod send;
mod slack;
mod target;

pub use alert::{Alert, AlertKind, Figure, Value};
pub use name::Name;
pub use send::{BUDGET, Delivery, Failure, send};
pub use target::{Format, Target, TargetError};

/// What one run has to report: its alerts, in the order they happened.
#[derive(Clone, Debug, PartialEq)]
pub struct RunAlerts {
    /// The run's id; `None` when the run failed before it had one.
    pub run_id: Option<String>,
    pub alerts: Vec<Alert>,
}

impl RunAlerts {
    /// The run's alerts counted by kind: `leadpipe: 2 snapshots held, 1 check failed`.
    pub(crate) fn summary(&self) -> String {
        let counts: Vec<String> = AlertKind::ALL
            .iter()
            .filter_map(|&kind| {
                let count = self.alerts.iter().filter(|a| a.kind == kind).count();
                (count > 0).then(|| kind.counted(count))
            })
            .collect();
        format!("leadpipe: {}", counts.join(", "))
    }

    /// The payload of `format`, as the bytes posted.
    pub(crate) fn payload(&self, format: Format) -> Vec<u8> {
        let document = match format {
            Format::Slack => slack::payload(self),
            Format::Generic => json::payload(self),
        };
        serde_json::to_vec(&document).expect("a JSON value serializes")
    }
}
