//! A check evaluated on one source: what the store counts, compared with the threshold.

use chrono::NaiveDate;

use super::{Accepted, Check, CheckError, CheckResult, Status, Test, source_state};
use crate::normalize::lookup::FACILITY_TYPES;
use crate::store::Store;

/// What was measured and what it was held to, before it is a result.
struct Verdict {
    pass: bool,
    observed: String,
    threshold: String,
}

/// Evaluates `check` on `source`'s active leads; freshness is judged as of `as_of`.
pub(super) fn evaluate(
    store: &mut Store,
    run_id: &str,
    source: &str,
    check: &Check,
    as_of: NaiveDate,
) -> Result<CheckResult, CheckError> {
    let verdict = match &check.test {
        Test::FillRate { column, min_share } => {
            let active = store.active_leads(source)?;
            share(store.filled(source, *column)?, active, *min_share)
        }
        Test::AcceptedValues { column, values } => {
            let values: Vec<&str> = match values {
                Accepted::Listed(values) => values.iter().map(String::as_str).collect(),
                Accepted::SourceState => {
                    vec![source_state(source).ok_or_else(|| CheckError::NoState {
                        id: source.to_string(),
                        check: check.name.clone(),
                    })?]
                }
                Accepted::FacilityTypes => FACILITY_TYPES.to_vec(),
            };
            let outside = store.outside(source, *column, &values)?;
            let active = store.active_leads(source)?;
            Verdict {
                pass: outside == 0,
                observed: format!("{outside} of {active} leads outside the set"),
                threshold: format!("in [{}]", values.join(", ")),
            }
        }
        Test::Unique { column } => {
            let repeated = store.repeated(source, *column)?;
            Verdict {
                pass: repeated == 0,
                observed: format!("{repeated} value(s) held by more than one lead"),
                threshold: "no value held twice".into(),
            }
        }
        Test::ValidPhoneShare { min_share } => {
            let (phones, valid) = store.valid_phones(source)?;
            share(valid, phones, *min_share)
        }
        Test::RowCount { min, max } => {
            let active = store.active_leads(source)?;
            Verdict {
                pass: min.is_none_or(|min| active >= min) && max.is_none_or(|max| active <= max),
                observed: active.to_string(),
                threshold: match (min, max) {
                    (Some(min), Some(max)) => format!("from {min} to {max}"),
                    (Some(min), None) => format!("at least {min}"),
                    (None, Some(max)) => format!("at most {max}"),
                    (None, None) => unreachable!("validate() wants a bound"),
                },
            }
        }
        Test::Freshness { max_age_days } => {
            let threshold = format!("at most {max_age_days} days old on {as_of}");
            match store.latest_snapshot(source)? {
                Some(newest) => {
                    let age = (as_of - newest).num_days();
                    Verdict {
                        pass: age <= i64::from(*max_age_days),
                        observed: format!("newest snapshot {newest}, {age} days old"),
                        threshold,
                    }
                }
                None => Verdict {
                    pass: false,
                    observed: "no snapshot loaded".into(),
                    threshold,
                },
            }
        }
    };
    Ok(CheckResult {
        run_id: run_id.to_string(),
        source: source.to_string(),
        check: check.name.clone(),
        severity: check.severity,
        status: if verdict.pass {
            Status::Pass
        } else {
            Status::Fail
        },
        observed: verdict.observed,
        threshold: verdict.threshold,
    })
}

/// `part` of `whole` held to a minimum share; nothing to measure (`whole` 0) passes.
fn share(part: u64, whole: u64, min_share: f64) -> Verdict {
    let share = match whole {
        0 => None,
        _ => Some(part as f64 / whole as f64),
    };
    Verdict {
        pass: share.is_none_or(|share| share >= min_share),
        observed: match share {
            Some(share) => format!("{share:.3} ({part} of {whole})"),
            None => "none to measure (0 of 0)".into(),
        },
        threshold: format!("at least {min_share}"),
    }
}
