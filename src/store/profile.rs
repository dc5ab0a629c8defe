//! What a snapshot's leads hold, column by column: the figures a guard compares a new
//! snapshot of a source with, kept for each applied snapshot (`snapshot_columns`).

use crate::lead::{LEAD_COLUMNS, LeadValues, column_index};
use crate::map::FieldIssue;

/// Which data columns of one lead have a value, and which were noted as doubtful: bit `i`
/// stands for the `i`-th of [`LEAD_COLUMNS`]. Kept on the lead (`filled_columns`,
/// `flagged_columns`), so that a lead a snapshot lists unchanged counts in its profile
/// without being read again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ColumnFlags {
    pub filled: u64,
    pub flagged: u64,
}

const _: () = assert!(
    LEAD_COLUMNS.len() <= 63,
    "a column's flag is a bit of a BIGINT"
);

impl ColumnFlags {
    /// The flags of a lead with these values and issues.
    pub fn of(values: &LeadValues, issues: &[FieldIssue]) -> ColumnFlags {
        let filled = values
            .iter()
            .enumerate()
            .filter(|(_, value)| !value.is_null())
            .fold(0, |bits, (i, _)| bits | 1 << i);
        let flagged = issues
            .iter()
            .filter_map(|issue| column_index(issue.column))
            .fold(0, |bits, i| bits | 1 << i);
        ColumnFlags { filled, flagged }
    }
}

/// The leads a snapshot lists: how many, how many of them its source had active, and per
/// data column how many have a value and how many a doubtful one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotProfile {
    pub leads: u64,
    /// Leads the source had active before the snapshot that it lists again; the source's
    /// other active leads are the ones it would deactivate.
    pub listed_active: u64,
    pub filled: [u64; LEAD_COLUMNS.len()],
    pub flagged: [u64; LEAD_COLUMNS.len()],
}

impl Default for SnapshotProfile {
    fn default() -> Self {
        SnapshotProfile {
            leads: 0,
            listed_active: 0,
            filled: [0; LEAD_COLUMNS.len()],
            flagged: [0; LEAD_COLUMNS.len()],
        }
    }
}

impl SnapshotProfile {
    /// Counts a lead the snapshot lists; `was_active`: its source had it, active.
    pub fn add(&mut self, flags: ColumnFlags, was_active: bool) {
        self.leads += 1;
        self.listed_active += u64::from(was_active);
        for i in 0..LEAD_COLUMNS.len() {
            self.filled[i] += flags.filled >> i & 1;
            self.flagged[i] += flags.flagged >> i & 1;
        }
    }

    /// The share of the snapshot's leads with a value in column `i`, in percent.
    pub fn fill_percent(&self, i: usize) -> f64 {
        percent(self.filled[i], self.leads)
    }

    /// The share of the snapshot's leads with a doubtful value in column `i`, in percent.
    pub fn flagged_percent(&self, i: usize) -> f64 {
        percent(self.flagged[i], self.leads)
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::Value;
    use crate::reason::Reason;

    #[test]
    fn a_profile_adds_up_the_flags_of_its_leads() {
        let phone = column_index("phone").unwrap();
        let email = column_index("email").unwrap();
        let mut values: LeadValues = std::array::from_fn(|_| Value::Null);
        values[phone] = Value::text("7025550100");
        let issues = [FieldIssue {
            column: "email",
            reason: Reason::InvalidEmail,
            message: String::new(),
        }];
        let flags = ColumnFlags::of(&values, &issues);
        assert_eq!(flags.filled, 1 << phone);
        assert_eq!(flags.flagged, 1 << email);

        let mut profile = SnapshotProfile::default();
        profile.add(flags, true);
        profile.add(ColumnFlags::default(), false);
        assert_eq!((profile.leads, profile.listed_active), (2, 1));
        assert_eq!(profile.filled[phone], 1);
        assert_eq!(profile.fill_percent(phone), 50.0);
        assert_eq!(profile.flagged_percent(email), 50.0);
        assert_eq!(profile.fill_percent(email), 0.0);
    }
}
