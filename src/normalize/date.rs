//! Calendar dates in the forms agencies publish them, to ISO dates.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::text::{is_digits, non_blank};
use super::{Descriptor, Issue, part};
use crate::lead::{ColumnType, Value};
use crate::reason::Reason;

pub(crate) static DATE: Descriptor = Descriptor::one_value(
    "date",
    &[part("value", ColumnType::Date)],
    "ISO date from `11/30/2023`, `11/30/23` (years below 69 are 20xx), `2023-05-02`, or a date inside text (`Monitoring since 2020-09-02`)",
    |s| Ok(date(s)?.map_or(Value::Null, Value::Date)),
);

/// Two-digit years below this pivot are 20xx, the others 19xx (`23` → 2023, `85` → 1985),
/// the POSIX `strptime` convention.
pub(crate) const TWO_DIGIT_YEAR_PIVOT: i32 = 69;

static US_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b").unwrap());
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b").unwrap());

/// Finds one date in the text: `11/30/2023`, `11/30/23`, `2023-05-02`, or one of those inside
/// words (`Monitoring since 2020-09-02`).
pub(crate) fn date(s: &str) -> Result<Option<NaiveDate>, Issue> {
    let Some(s) = non_blank(s) else {
        return Ok(None);
    };
    let Some((y, m, d)) = whole_us_date(s).or_else(|| searched_date(s)) else {
        return Err(Issue::new(
            Reason::InvalidDate,
            format!("no date found in `{s}`"),
        ));
    };
    NaiveDate::from_ymd_opt(y, m as u32, d as u32)
        .map(Some)
        .ok_or_else(|| Issue::new(Reason::InvalidDate, format!("`{s}` is not a calendar date")))
}

/// Year, month and day of `7/1/2022` or `11/30/23` as the whole text, the form most agency
/// dates take: read as [`searched_date`] reads it, without a search.
fn whole_us_date(s: &str) -> Option<(i32, i32, i32)> {
    let mut parts = s.split('/');
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &str, lengths: [usize; 2]| lengths.contains(&part.len()) && is_digits(part);
    (parts.next().is_none() && digits(m, [1, 2]) && digits(d, [1, 2]) && digits(y, [2, 4]))
        .then(|| (year(y), num(m), num(d)))
}

/// Year, month and day of the first ISO date in the text, else of the first US one.
fn searched_date(s: &str) -> Option<(i32, i32, i32)> {
    if let Some(c) = ISO_DATE.captures(s) {
        Some((num(&c[1]), num(&c[2]), num(&c[3])))
    } else {
        let c = US_DATE.captures(s)?;
        Some((year(&c[3]), num(&c[1]), num(&c[2])))
    }
}

fn num(digits: &str) -> i32 {
    digits.parse().expect("the pattern matched digits only")
}

fn year(digits: &str) -> i32 {
    let y = num(digits);
    match digits.len() {
        2 if y < TWO_DIGIT_YEAR_PIVOT => 2000 + y,
        2 => 1900 + y,
        _ => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn reads_us_and_iso_dates() {
        assert_eq!(date("11/30/2023"), Ok(ymd(2023, 11, 30)));
        assert_eq!(date("7/1/2022"), Ok(ymd(2022, 7, 1)));
        assert_eq!(date("2023-05-02"), Ok(ymd(2023, 5, 2)));
        assert_eq!(date(""), Ok(None));
    }

    #[test]
    fn two_digit_years_follow_the_pivot() {
        assert_eq!(date("11/30/23"), Ok(ymd(2023, 11, 30)));
        assert_eq!(date("1/2/68"), Ok(ymd(2068, 1, 2)));
        assert_eq!(date("1/2/69"), Ok(ymd(1969, 1, 2)));
    }

    #[test]
    fn finds_a_date_inside_text() {
        assert_eq!(date("Monitoring since 2020-09-02"), Ok(ymd(2020, 9, 2)));
    }

    proptest::proptest! {
        #[test]
        fn a_whole_us_date_reads_as_the_search_reads_it(
            parts in proptest::collection::vec("[0-9]{0,5}", 1..5),
        ) {
            let s = parts.join("/");
            if let Some(ymd) = whole_us_date(&s) {
                proptest::prop_assert_eq!(Some(ymd), searched_date(&s), "{}", s);
            }
        }
    }

    #[test]
    fn a_whole_us_date_is_read_directly() {
        assert_eq!(whole_us_date("11/30/2023"), Some((2023, 11, 30)));
        assert_eq!(whole_us_date("7/1/22"), Some((2022, 7, 1)));
        assert_eq!(whole_us_date("7/1/202"), None);
        assert_eq!(whole_us_date("Due 7/1/2022"), None);
    }

    #[test]
    fn refuses_impossible_dates() {
        assert_eq!(date("2/30/2023").unwrap_err().reason, Reason::InvalidDate);
        assert_eq!(date("soon").unwrap_err().reason, Reason::InvalidDate);
    }
}
