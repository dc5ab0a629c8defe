//! Snapshot guards: a snapshot that would do its source harm is held back, not applied.
//!
//! Each new snapshot of a source is compared, before it is applied, with the source as it
//! stands: how many active leads it would deactivate, how many records it has against the
//! last applied snapshot, and each lead column's fill rate and share of doubtful values
//! against the profile kept for that snapshot. A source's first snapshot has nothing to be
//! compared with. The bounds are the spec's `[guards]`; `--accept` applies a held snapshot
//! deliberately, and the ledger records the override.

use crate::lead::LEAD_COLUMNS;
use crate::pipeline::{Decision, Finding, Measure, Snapshot, Stage};
use crate::spec::{GuardsConfig, Role};

/// The guards stage, with the files and sources the user accepts whatever the guards find.
#[derive(Debug, Default)]
pub struct Guards {
    accept: Vec<String>,
}

impl Guards {
    /// Guards that apply anyway the snapshots `accept` names: a file as given or by its
    /// name, or a source by its id.
    pub fn new(accept: Vec<String>) -> Guards {
        Guards { accept }
    }

    fn accepts(&self, snapshot: &Snapshot) -> bool {
        let path = snapshot.file.path.as_str();
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        self.accept
            .iter()
            .any(|a| a == path || a == name || *a == snapshot.spec.id)
    }
}

impl Stage for Guards {
    fn name(&self) -> &'static str {
        "guards"
    }

    fn before_apply(&self, snapshot: &Snapshot) -> Decision {
        let findings = evaluate(&snapshot.spec.guards, snapshot);
        if findings.is_empty() {
            Decision::Apply
        } else if self.accepts(snapshot) {
            Decision::Accept(findings)
        } else {
            Decision::Hold(findings)
        }
    }
}

/// A guard, by its name in the spec's `[guards]` (and in `guard_overrides`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Guard {
    /// Not one record loads: always held (no bound to set).
    NoLeads,
    MaxDeactivated,
    MinRecordsRatio,
    MaxFillDrop,
    MaxInvalidRise,
}

impl Guard {
    fn as_str(self) -> &'static str {
        match self {
            Guard::NoLeads => "no_leads",
            Guard::MaxDeactivated => "max_deactivated",
            Guard::MinRecordsRatio => "min_records_ratio",
            Guard::MaxFillDrop => "max_fill_drop",
            Guard::MaxInvalidRise => "max_invalid_rise",
        }
    }
}

/// Every bound the snapshot breaks.
fn evaluate(bounds: &GuardsConfig, snapshot: &Snapshot) -> Vec<Finding> {
    let Some(before) = &snapshot.before else {
        return Vec::new();
    };
    // What a reference source's export would do to its records, in their words.
    let (deactivate, active) = match snapshot.file.role {
        Role::Leads => ("deactivate", "active leads"),
        Role::Reference => ("mark removed", "current records"),
    };
    if before.active > 0 && snapshot.counts.loaded == 0 {
        // Applied, it would change nothing, yet become what the next snapshot is compared
        // with (and make the source look fresh).
        return vec![Finding {
            rule: Guard::NoLeads.as_str(),
            column: None,
            measure: Measure::Count,
            observed: 0.0,
            threshold: 1.0,
            message: format!(
                "none of its {} records loaded, where the source has {} {active}",
                snapshot.counts.read, before.active
            ),
        }];
    }
    let mut findings = Vec::new();
    let deactivated = snapshot.would_deactivate();
    if before.active > 0 {
        let share = deactivated as f64 / before.active as f64;
        if share > bounds.max_deactivated {
            findings.push(Finding {
                rule: Guard::MaxDeactivated.as_str(),
                column: None,
                measure: Measure::Share,
                observed: share,
                threshold: bounds.max_deactivated,
                message: format!(
                    "it would {deactivate} {deactivated} of the source's {} {active} ({}; \
                     max_deactivated is {})",
                    before.active,
                    percent(share),
                    percent(bounds.max_deactivated)
                ),
            });
        }
    }
    let Some(last) = &before.last_applied else {
        return findings;
    };
    let read = snapshot.counts.read;
    if last.records_read > 0 {
        let ratio = read as f64 / last.records_read as f64;
        if ratio < bounds.min_records_ratio {
            findings.push(Finding {
                rule: Guard::MinRecordsRatio.as_str(),
                column: None,
                measure: Measure::Ratio,
                observed: ratio,
                threshold: bounds.min_records_ratio,
                message: format!(
                    "it has {read} records, {ratio:.2} of the {} of the last applied snapshot \
                     ({}; min_records_ratio is {})",
                    last.records_read, last.path, bounds.min_records_ratio
                ),
            });
        }
    }
    let (Some(old), new) = (&last.profile, snapshot.profile) else {
        return findings;
    };
    if old.leads == 0 || new.leads == 0 {
        return findings;
    }
    for (i, column) in LEAD_COLUMNS.iter().enumerate() {
        // A column's share that went the wrong way: fill down, doubtful values up.
        let (filled, flagged) = (
            (old.fill_percent(i), new.fill_percent(i)),
            (old.flagged_percent(i), new.flagged_percent(i)),
        );
        let shifts = [
            (
                Guard::MaxFillDrop,
                "filled",
                "down",
                filled,
                filled.0 - filled.1,
                bounds.max_fill_drop,
            ),
            (
                Guard::MaxInvalidRise,
                "doubtful",
                "up",
                flagged,
                flagged.1 - flagged.0,
                bounds.max_invalid_rise,
            ),
        ];
        for (guard, what, way, (was, is), shift, bound) in shifts {
            if shift > bound {
                findings.push(Finding {
                    rule: guard.as_str(),
                    column: Some(column.name),
                    measure: Measure::Points,
                    observed: shift,
                    threshold: bound,
                    message: format!(
                        "`{}` is {what} in {is:.1}% of its leads, {way} from {was:.1}% \
                         ({:.1} points; {} is {bound})",
                        column.name,
                        shift,
                        guard.as_str()
                    ),
                });
            }
        }
    }
    findings
}

fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}
