//! Figures as the page shows them, and as its markup carries them for a program to read.

use maud::{Markup, html};

/// A count with thousands separators: `1,000,184`.
pub(crate) fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A share in whole percent, never rounded to look complete or empty when it is not:
/// `<1%` for a few, `>99%` for all but a few.
pub(crate) fn percent(part: u64, whole: u64) -> String {
    if whole == 0 || part == 0 {
        return "0%".into();
    }
    let share = part as f64 / whole as f64 * 100.0;
    match share {
        s if s < 1.0 => "<1%".into(),
        s if s >= 100.0 => "100%".into(),
        s if s > 99.0 => ">99%".into(),
        s => format!("{s:.0}%"),
    }
}

/// A count as the page shows it, in a `<data>` element whose `value` is the exact figure.
pub(crate) fn count(n: i64) -> Markup {
    html! { data value=(n) { (thousands(n)) } }
}

/// A headline figure, named for programs (`data-figure`) and people (its label).
pub(crate) fn figure(name: &str, label: &str, n: i64) -> Markup {
    html! {
        div.figure {
            data value=(n) data-figure=(name) { (thousands(n)) }
            span { (label) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_separators() {
        assert_eq!(thousands(0u64), "0");
        assert_eq!(thousands(999u64), "999");
        assert_eq!(thousands(1000u64), "1,000");
        assert_eq!(thousands(1_000_184u64), "1,000,184");
        assert_eq!(thousands(-12_345i64), "-12,345");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn shares_never_look_complete_or_empty_when_they_are_not() {
        assert_eq!(percent(0, 0), "0%");
        assert_eq!(percent(0, 10), "0%");
        assert_eq!(percent(1, 1000), "<1%");
        assert_eq!(percent(3, 5), "60%");
        assert_eq!(percent(999, 1000), ">99%");
        assert_eq!(percent(10, 10), "100%");
        assert_eq!(percent(u64::MAX, u64::MAX), "100%");
    }

    #[test]
    fn a_figure_carries_its_exact_value() {
        let markup = figure("active_leads", "active leads", 1234).into_string();
        assert_eq!(
            markup,
            "<div class=\"figure\"><data value=\"1234\" data-figure=\"active_leads\">1,234</data>\
             <span>active leads</span></div>"
        );
    }
}
