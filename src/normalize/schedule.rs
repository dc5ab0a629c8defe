//! Weekly opening hours, from one column per weekday to one line of text.

use super::text::{clean, is_digits};
use super::{Arity, Build, Descriptor, Issue, VALUE_TEXT};
use crate::lead::Value;
use crate::reason::Reason;

pub(crate) static WEEKLY_SCHEDULE: Descriptor = Descriptor {
    name: "weekly_schedule",
    parts: VALUE_TEXT,
    gives: "`Mon-Fri 07:30-17:30; Sat-Sun closed`",
    build: Build::Fixed {
        arity: Arity::Exactly(7),
        apply: |inputs, out| {
            let Some((week, issue)) = weekly(inputs)? else {
                return Ok(None);
            };
            out[0] = Value::Text(week);
            Ok(issue)
        },
    },
};

/// The days of a week, as a schedule names them.
pub(crate) const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Writes Monday-to-Sunday hours (`7:30AM - 5:30PM`, `CLOSED`) as one line, with days of
/// equal hours grouped: `Mon-Fri 07:30-17:30; Sat-Sun closed`. Days left blank are `?`.
/// Hours that cannot be read are kept as written, with an issue.
pub(crate) fn weekly(days: &[&str]) -> Result<Option<(String, Option<Issue>)>, Issue> {
    if days.len() != DAYS.len() {
        return Err(Issue::new(
            Reason::InvalidSchedule,
            format!("a week has 7 days, not {}", days.len()),
        ));
    }
    if days.iter().all(|d| d.trim().is_empty()) {
        return Ok(None);
    }
    let mut issue = None;
    let hours: Vec<String> = days
        .iter()
        .map(|d| {
            day_hours(d).unwrap_or_else(|| {
                issue = Some(Issue::new(
                    Reason::UnreadableHours,
                    format!("cannot read hours `{}`", d.trim()),
                ));
                clean(d)
            })
        })
        .collect();
    // Built by hand, not with `format!`: it runs for every record of a source with hours.
    let mut week = String::with_capacity(64);
    let mut start = 0;
    for end in 1..=DAYS.len() {
        if end == DAYS.len() || hours[end] != hours[start] {
            if !week.is_empty() {
                week.push_str("; ");
            }
            week.push_str(DAYS[start]);
            if end - start > 1 {
                week.push('-');
                week.push_str(DAYS[end - 1]);
            }
            week.push(' ');
            week.push_str(&hours[start]);
            start = end;
        }
    }
    Ok(Some((week, issue)))
}

fn day_hours(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return Some("?".into());
    }
    if s.eq_ignore_ascii_case("closed") {
        return Some("closed".into());
    }
    let (open, close) = s.split_once('-')?;
    let open = clock(time_of_day(open.trim_end())?, false)?;
    let close = clock(time_of_day(close.trim_start())?, true)?;
    let mut hours = String::with_capacity(11);
    push_clock(&mut hours, open);
    hours.push('-');
    push_clock(&mut hours, close);
    Some(hours)
}

/// A time as written on a 12-hour clock, `7:30AM` or `07:30 pm`: its hour, minute and
/// whether it is PM, not yet checked for range.
fn time_of_day(s: &str) -> Option<(u32, u32, bool)> {
    let (hour, rest) = s.split_once(':')?;
    let minute = rest.get(..2)?;
    let pm = match rest[2..].trim_start() {
        m if m.eq_ignore_ascii_case("AM") => false,
        m if m.eq_ignore_ascii_case("PM") => true,
        _ => return None,
    };
    let digits = |d: &str, max_len| {
        (d.len() <= max_len && is_digits(d))
            .then(|| d.parse().ok())
            .flatten()
    };
    Some((digits(hour, 2)?, digits(minute, 2)?, pm))
}

/// The hour (0–24) and minute of a 12-hour time; a closing time of 12:00AM is the end of
/// the day, `24:00`.
fn clock((hour, minute, pm): (u32, u32, bool), closing: bool) -> Option<(u32, u32)> {
    if !(1..=12).contains(&hour) || minute > 59 {
        return None;
    }
    let h24 = match (hour, pm) {
        (12, false) if closing && minute == 0 => 24,
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    };
    Some((h24, minute))
}

/// Writes `HH:MM`.
fn push_clock(out: &mut String, (hour, minute): (u32, u32)) {
    let digit = |n: u32| char::from(b'0' + n as u8);
    out.extend([
        digit(hour / 10),
        digit(hour % 10),
        ':',
        digit(minute / 10),
        digit(minute % 10),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(days: [&str; 7]) -> String {
        weekly(&days).unwrap().unwrap().0
    }

    #[test]
    fn groups_equal_days() {
        let weekday = "7:30AM - 5:30PM";
        assert_eq!(
            week([
                weekday, weekday, weekday, weekday, weekday, "CLOSED", "CLOSED"
            ]),
            "Mon-Fri 07:30-17:30; Sat-Sun closed"
        );
    }

    #[test]
    fn reads_midnight_and_late_hours() {
        let c = "CLOSED";
        assert_eq!(
            week([c, c, c, c, c, "12:00AM - 12:00AM", "5:30AM - 11:59PM"]),
            "Mon-Fri closed; Sat 00:00-24:00; Sun 05:30-23:59"
        );
    }

    #[test]
    fn keeps_unreadable_hours_with_an_issue() {
        let c = "CLOSED";
        let (text, issue) = weekly(&["by appt", c, c, c, c, c, ""]).unwrap().unwrap();
        assert_eq!(text, "Mon by appt; Tue-Sat closed; Sun ?");
        assert_eq!(issue.unwrap().reason, Reason::UnreadableHours);
        assert_eq!(weekly(&[""; 7]), Ok(None));
    }

    #[test]
    fn reads_hours_however_spaced_and_cased() {
        assert_eq!(
            day_hours(" 07:05 am-5:30 PM ").as_deref(),
            Some("07:05-17:30")
        );
        assert_eq!(
            day_hours("7:30AM -  12:00am").as_deref(),
            Some("07:30-24:00")
        );
        for unreadable in ["7AM - 5PM", "7:3AM - 5:30PM", "13:00PM - 5:30PM", "7:30AM"] {
            assert_eq!(day_hours(unreadable), None, "{unreadable}");
        }
    }

    proptest::proptest! {
        /// The hand-written reading accepts what the pattern it replaced accepted, and
        /// nothing else: `(?i)^(\d{1,2}):(\d{2})\s*([AP]M)\s*-\s*(\d{1,2}):(\d{2})\s*([AP]M)$`
        /// on the trimmed text, the hours then range-checked.
        #[test]
        fn reads_what_the_pattern_read(s in proptest::prop_oneof![
            "[ ]?[0-9]{1,2}:[0-9]{2} ?[aApP][mM] ?- ?[0-9]{1,2}:[0-9]{2}[ \t]?[AaPp][Mm] ?",
            "[ ]?[0-9]{0,3}:?[0-9]{1,3} ?[aApPx][mM]? {0,2}[-:]? ?[0-9]{1,3}:[0-9]{1,3}[ ]?[AaPp][Mm]?",
        ]) {
            let pattern = regex::Regex::new(
                r"(?i)^(\d{1,2}):(\d{2})\s*([AP]M)\s*-\s*(\d{1,2}):(\d{2})\s*([AP]M)$",
            ).unwrap();
            let by_pattern = pattern.captures(s.trim()).and_then(|c| {
                let time = |h: &str, m: &str, p: &str| {
                    (h.parse().unwrap(), m.parse().unwrap(), p.eq_ignore_ascii_case("PM"))
                };
                let (oh, om) = clock(time(&c[1], &c[2], &c[3]), false)?;
                let (ch, cm) = clock(time(&c[4], &c[5], &c[6]), true)?;
                Some(format!("{oh:02}:{om:02}-{ch:02}:{cm:02}"))
            });
            let trimmed = s.trim();
            let by_hand = if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("closed") {
                None
            } else {
                day_hours(&s)
            };
            proptest::prop_assert_eq!(by_hand, by_pattern, "{:?}", s);
        }
    }
}
