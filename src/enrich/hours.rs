//! Calling hours: a week's local hours in the `schedule` column's format
//! (`Mon-Fri 07:30-17:30; Sat-Sun closed`), which a dialer reads with the lead's time zone.

use crate::normalize::schedule::DAYS;

/// The calling hours of a lead whose source publishes no schedule, unless its spec says
/// otherwise: business hours on weekdays.
pub const DEFAULT_CALLING_HOURS: &str = "Mon-Fri 09:00-17:00; Sat-Sun closed";

/// Whether a week's hours can be called by: every day from Monday to Sunday once, in
/// order, each with its hours (`HH:MM-HH:MM`, opening before closing) or `closed`, and
/// some day open. A schedule with a day left blank (`?`) or hours kept as published
/// (`by appt`) cannot.
pub fn is_callable_week(text: &str) -> bool {
    let mut next_day = 0;
    let mut open = false;
    for group in text.split("; ") {
        let Some((days, hours)) = group.split_once(' ') else {
            return false;
        };
        let Some((first, last)) = day_range(days) else {
            return false;
        };
        if first != next_day {
            return false;
        }
        next_day = last + 1;
        match hours {
            "closed" => {}
            hours if is_opening_hours(hours) => open = true,
            _ => return false,
        }
    }
    next_day == DAYS.len() && open
}

/// `Mon` or `Mon-Fri`, as indices of [`DAYS`], first to last.
fn day_range(days: &str) -> Option<(usize, usize)> {
    let index = |day: &str| DAYS.iter().position(|d| *d == day);
    let (first, last) = match days.split_once('-') {
        Some((first, last)) => (index(first)?, index(last)?),
        None => (index(days)?, index(days)?),
    };
    (first <= last).then_some((first, last))
}

/// `07:30-17:30`: opening before closing, closing at `24:00` at the latest.
fn is_opening_hours(hours: &str) -> bool {
    let minutes = |clock: &str| -> Option<u32> {
        let (hour, minute) = clock.split_once(':')?;
        if hour.len() != 2 || minute.len() != 2 {
            return None;
        }
        let (hour, minute): (u32, u32) = (hour.parse().ok()?, minute.parse().ok()?);
        (minute < 60 && hour * 60 + minute <= 24 * 60).then_some(hour * 60 + minute)
    };
    match hours.split_once('-') {
        Some((open, close)) => {
            matches!((minutes(open), minutes(close)), (Some(o), Some(c)) if o < c)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_readable_week_can_be_called_by() {
        assert!(is_callable_week(DEFAULT_CALLING_HOURS));
        assert!(is_callable_week("Mon-Fri 07:30-17:30; Sat-Sun closed"));
        assert!(is_callable_week(
            "Mon-Fri closed; Sat 00:00-24:00; Sun 05:30-23:59"
        ));
        assert!(is_callable_week("Mon-Sun 06:00-18:00"));
    }

    #[test]
    fn a_week_with_a_gap_or_unread_hours_cannot() {
        for week in [
            "Mon by appt; Tue-Sat closed; Sun ?",
            "Mon-Fri 07:30-17:30; Sat-Sun ?",
            "Mon-Fri 07:30-17:30",
            "Tue-Sun 07:30-17:30",
            "Mon-Fri 07:30-17:30; Fri-Sun closed",
            "Mon-Sun closed",
            "Mon-Sun 17:30-07:30",
            "Mon-Sun 7:30-17:30",
            "Fri-Mon 07:30-17:30",
            "",
        ] {
            assert!(!is_callable_week(week), "{week}");
        }
    }
}
