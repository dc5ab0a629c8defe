//! Why two leads are, or are not, one entity, as text: the values compared side by side,
//! the match weight as a waterfall (the prior, then each field's level and bits with its
//! term-frequency adjustment, each with the running total), the threshold and the verdict.
//!
//! Phone numbers and e-mail addresses are never shown, only how alike they are: the
//! explanation may be pasted into a ticket.

use std::fmt::Write;

use crate::lead::{LeadValues, column_index};

use super::block::BlockingRule;
use super::compare::{Band, Level};
use super::ids::EntityId;
use super::pair::Field;
use super::params::Parameters;
use super::prepared::{country_of, in_two_countries};

/// The lead columns of an address's country and state.
const COUNTRY: usize = column_index("country").expect("a lead column");
const STATE: usize = column_index("state").expect("a lead column");

/// One of the two leads explained.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    pub lead_id: &'a str,
    pub values: &'a LeadValues,
    /// Its entity, once resolved.
    pub entity: Option<EntityId>,
}

/// What the store says of the pair besides its values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// The pair is a stored link: it was compared and reached the threshold.
    pub linked: bool,
    /// The labels on pairs across the two leads' entities (within it, when they share
    /// one), as (lead_a, lead_b, must_link).
    pub labels: Vec<(String, String, bool)>,
    /// The source one of whose snapshots lists both leads, if one does: the agency's own
    /// records say they are two operations.
    pub listed_together_by: Option<String>,
}

/// Why the two leads are where they are.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// A lead has no entity yet (loaded with `--no-resolve`, or since undone).
    Unresolved,
    /// A person labelled this very pair.
    Labelled { must_link: bool },
    /// One entity, the pair a link of its own.
    Linked,
    /// One entity, through other links or labels: the pair alone is below the threshold
    /// (or was not compared).
    Through,
    /// Two entities although the pair reaches the threshold: a person labelled a pair
    /// across them `cannot_link`.
    LabelApart { lead_a: String, lead_b: String },
    /// Two entities: one snapshot of `source` lists both, as two operations.
    ListedTogether { source: String },
    /// Two entities: their addresses are in two countries.
    InTwoCountries { one: String, other: String },
    /// Two entities although the pair reaches the threshold: merging them would put
    /// together two leads with strong evidence against (a veto).
    Vetoed,
    /// Two entities: the pair would reach the threshold, but shares no blocking key that
    /// was paired out, so it was never compared.
    NotCompared,
    /// Two entities: the pair is below the threshold; `against` when its weight is at or
    /// below the veto weight (strong evidence of two providers).
    Below { against: bool },
}

impl Verdict {
    /// The verdict on two leads of `weight` bits.
    pub fn of(
        parameters: &Parameters,
        a: Side,
        b: Side,
        weight: f64,
        standing: &Standing,
    ) -> Verdict {
        let (Some(one), Some(other)) = (a.entity, b.entity) else {
            return Verdict::Unresolved;
        };
        let this_pair =
            |x: &str, y: &str| (x, y) == (a.lead_id, b.lead_id) || (x, y) == (b.lead_id, a.lead_id);
        if let Some(&(_, _, must_link)) = standing.labels.iter().find(|l| this_pair(&l.0, &l.1)) {
            return Verdict::Labelled { must_link };
        }
        let reaches = weight >= parameters.link_weight();
        if let (true, Some(source)) = (one != other, &standing.listed_together_by) {
            return Verdict::ListedTogether {
                source: source.clone(),
            };
        }
        let (x, y) = (
            country_of(a.values[COUNTRY].as_text(), a.values[STATE].as_text()),
            country_of(b.values[COUNTRY].as_text(), b.values[STATE].as_text()),
        );
        if let (true, Some(x), Some(y)) = (one != other, x, y)
            && in_two_countries(Some(x), Some(y))
        {
            return Verdict::InTwoCountries {
                one: x.to_string(),
                other: y.to_string(),
            };
        }
        if one == other {
            return if reaches && standing.linked {
                Verdict::Linked
            } else {
                Verdict::Through
            };
        }
        if !reaches {
            return Verdict::Below {
                against: weight <= parameters.veto_weight(),
            };
        }
        if !standing.linked {
            return Verdict::NotCompared;
        }
        match standing.labels.iter().find(|l| !l.2) {
            Some((lead_a, lead_b, _)) => Verdict::LabelApart {
                lead_a: lead_a.clone(),
                lead_b: lead_b.clone(),
            },
            None => Verdict::Vetoed,
        }
    }

    /// Why, in words.
    fn reason(&self, parameters: &Parameters, weight: f64) -> String {
        let (link, veto) = (parameters.link_weight(), parameters.veto_weight());
        match self {
            Verdict::Unresolved => {
                "not resolved yet (run `leadpipe resolve` to link it)".to_string()
            }
            Verdict::Labelled { must_link: true } => {
                "a person labelled the pair must_link, which wins over the model".to_string()
            }
            Verdict::Labelled { must_link: false } => {
                "a person labelled the pair cannot_link, which wins over the model".to_string()
            }
            Verdict::Linked => {
                format!("linked directly: {weight:+.2} bits reach the threshold, {link:+.2}")
            }
            Verdict::Through => format!(
                "through other links: {weight:+.2} bits do not reach the threshold, \
                 {link:+.2}, or the pair was not compared, but both are linked to the same \
                 others"
            ),
            Verdict::LabelApart { lead_a, lead_b } => format!(
                "kept apart by a label: {weight:+.2} bits reach the threshold, {link:+.2}, \
                 but a person labelled {lead_a} and {lead_b} cannot_link"
            ),
            Verdict::ListedTogether { source } => format!(
                "kept apart: one snapshot of `{source}` lists both, as two operations in the \
                 agency's own records (the model alone: {weight:+.2} bits, threshold {link:+.2})"
            ),
            Verdict::InTwoCountries { one, other } => format!(
                "kept apart: one address is in {one}, the other in {other} (the model \
                 alone: {weight:+.2} bits, threshold {link:+.2})"
            ),
            Verdict::Vetoed => format!(
                "kept apart by a veto: {weight:+.2} bits reach the threshold, {link:+.2}, \
                 but their entities hold two leads whose pair weighs {veto:+.2} bits or \
                 less (strong evidence of two providers)"
            ),
            Verdict::NotCompared => format!(
                "never compared: {weight:+.2} bits would reach the threshold, {link:+.2}, \
                 but they share no blocking key, or only one too common to pair out"
            ),
            Verdict::Below { against: false } => {
                format!("below the threshold: {weight:+.2} bits, under {link:+.2}")
            }
            Verdict::Below { against: true } => format!(
                "below the threshold: {weight:+.2} bits, at or under the veto, {veto:+.2} \
                 (strong evidence of two providers)"
            ),
        }
    }
}

/// The explanation of two leads as text, ending in `verdict`.
pub fn waterfall(parameters: &Parameters, a: Side, b: Side, verdict: &Verdict) -> String {
    let mut out = String::new();
    write_values(&mut out, a, b);
    let shared: Vec<&str> = parameters
        .config
        .blocking
        .iter()
        .filter(|rule| {
            rule.key(a.values)
                .is_some_and(|k| rule.key(b.values) == Some(k))
        })
        .map(|&rule| rule_name(rule))
        .collect();
    match shared.is_empty() {
        true => out.push_str("blocking keys shared: none\n"),
        false => {
            let _ = writeln!(out, "blocking keys shared: {}", shared.join(", "));
        }
    }
    let explanation = parameters.explain(a.values, b.values);
    let mut total = explanation.prior;
    out.push('\n');
    line(&mut out, ["", "level", "bits", "total"], "");
    let prior = format!("{} of random pairs match", share(parameters.model.prior));
    let bits = signed(explanation.prior);
    line(&mut out, ["prior", &prior, &bits, &signed(total)], "");
    for term in &explanation.terms {
        total += term.bits;
        let (name, level) = (field_name(term.field), level_name(term.level));
        line(
            &mut out,
            [name, &level, &signed(term.bits), &signed(total)],
            "",
        );
        if let Some((value, adjustment)) = &term.frequency {
            total += adjustment;
            let share = parameters
                .frequencies
                .iter()
                .find(|f| f.field == term.field)
                .map_or(0.0, |f| f.counts.frequency(value));
            let note = format!("term frequency: on {:.2}% of leads", share * 100.0);
            // The value agreed on, but never a phone number or an e-mail address.
            let value = match shown_column(term.field) {
                Some(_) => format!("\"{value}\""),
                None => String::new(),
            };
            let row = ["", &note, &signed(*adjustment), &signed(total)];
            line(&mut out, row, &value);
        }
    }
    let _ = writeln!(
        out,
        "total weight {:+.2} bits: probability {:.4}",
        explanation.total,
        explanation.probability()
    );
    let threshold = &parameters.threshold;
    let _ = writeln!(
        out,
        "threshold: probability {:.3}, weight {:+.2} bits ({}); veto at {:+.2} bits",
        threshold.probability,
        parameters.link_weight(),
        threshold.estimates(),
        parameters.veto_weight()
    );
    let entity = match (a.entity, b.entity) {
        (Some(x), Some(y)) if x == y => format!("one entity ({x})"),
        (Some(x), Some(y)) => format!("two entities ({x} and {y})"),
        _ => "not both in an entity".to_string(),
    };
    let _ = writeln!(
        out,
        "verdict: {entity}: {}",
        verdict.reason(parameters, explanation.total)
    );
    out
}

/// One row of the waterfall, in columns: field, level, bits, running total, and a note.
fn line(out: &mut String, [field, level, bits, total]: [&str; 4], note: &str) {
    let row = format!("{field:<10} {level:<36} {bits:>7} {total:>7}  {note}");
    out.push_str(row.trim_end());
    out.push('\n');
}

fn signed(bits: f64) -> String {
    format!("{bits:+.2}")
}

/// A share, to four decimals, or in scientific notation when that would show nothing: the
/// prior of a million leads is a few in ten million.
fn share(p: f64) -> String {
    if p >= 1e-4 {
        format!("{p:.4}")
    } else {
        format!("{p:.1e}")
    }
}

/// The two leads' compared values, side by side: phone and e-mail left out.
fn write_values(out: &mut String, a: Side, b: Side) {
    let rows: Vec<(&str, String, String)> = Field::ALL
        .iter()
        .filter(|&&field| shown_column(field).is_some())
        .map(|&field| {
            (
                field_name(field),
                shown(a.values, field),
                shown(b.values, field),
            )
        })
        .collect();
    let width = rows
        .iter()
        .map(|(_, value, _)| value.chars().count())
        .chain([a.lead_id.chars().count()])
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "{:<10} {:<width$}  {}", "", a.lead_id, b.lead_id);
    for (field, x, y) in rows {
        let _ = writeln!(out, "{field:<10} {x:<width$}  {y}");
    }
}

/// The columns a field's values are shown from; `None` for phone and e-mail.
fn shown_column(field: Field) -> Option<&'static [&'static str]> {
    match field {
        Field::Company => Some(&["company"]),
        Field::Person => Some(&["first_name", "last_name"]),
        Field::Address => Some(&["address1"]),
        Field::ZipCity => Some(&["city", "zip"]),
        Field::LicenseIssued => Some(&["license_issued"]),
        Field::LicenseNumber => Some(&["license_number"]),
        Field::Phone | Field::Email => None,
    }
}

/// A lead's values of a shown field, `-` when it has none.
fn shown(lead: &LeadValues, field: Field) -> String {
    let parts: Vec<String> = shown_column(field)
        .unwrap_or_default()
        .iter()
        .filter_map(|column| lead[column_index(column).expect("a lead column")].to_text())
        .collect();
    match parts.is_empty() {
        true => "-".to_string(),
        false => parts.join(" "),
    }
}

/// A field's name, as the waterfall shows it.
pub fn field_name(field: Field) -> &'static str {
    match field {
        Field::Company => "company",
        Field::Person => "person",
        Field::Address => "address",
        Field::Phone => "phone",
        Field::Email => "e-mail",
        Field::ZipCity => "city, zip",
        Field::LicenseIssued => "issued",
        Field::LicenseNumber => "license",
    }
}

/// A level's name, as the waterfall shows it.
pub fn level_name(level: Level) -> String {
    match level {
        Level::Exact => "exact".to_string(),
        Level::JaroWinkler { band } => {
            let name = match band {
                Band::High => "high",
                Band::Medium => "medium",
            };
            format!("Jaro-Winkler {name} (>= {:.2})", band.threshold())
        }
        Level::Typo => "one typo".to_string(),
        Level::TokenOverlap => "token overlap".to_string(),
        Level::Phonetic => "phonetic".to_string(),
        Level::Partial => "partly the same".to_string(),
        Level::Different => "different".to_string(),
        Level::Null => "missing or placeholder".to_string(),
    }
}

/// A blocking rule's name, as the configuration spells it.
fn rule_name(rule: BlockingRule) -> &'static str {
    match rule {
        BlockingRule::Phone => "phone",
        BlockingRule::Address => "address",
        BlockingRule::ZipCompany => "zip_company",
        BlockingRule::Email => "email",
        BlockingRule::Person => "person",
        BlockingRule::LicenseIssued => "license_issued",
        BlockingRule::LicenseNumber => "license_number",
        BlockingRule::Zip => "zip",
        BlockingRule::Street => "street",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::Value;
    use crate::resolve::config::ResolveConfig;
    use crate::resolve::model::{Comparison, Model, TermFrequencies, Threshold};
    use crate::resolve::params::FieldFrequencies;

    /// A model whose bits are round: the prior -2, an exact level +4, a different one -4.
    fn parameters() -> Parameters {
        let comparison = Comparison {
            m: vec![1.0, 0.8, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03, 0.05],
            u: vec![1.0, 0.05, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03, 0.8],
        };
        // A value on `n` of 100 leads; the exact level's u is 0.01.
        let frequency = |field, value: &str, n| {
            let others: Vec<String> = (n..100).map(|i| format!("other {i}")).collect();
            let values = std::iter::repeat_n(value, n).chain(others.iter().map(String::as_str));
            FieldFrequencies {
                field,
                counts: TermFrequencies::shared_among(values),
                u_exact: 0.01,
            }
        };
        Parameters {
            config: ResolveConfig::default(),
            model: Model {
                prior: 0.2,
                comparisons: vec![comparison; Field::ALL.len()],
            },
            frequencies: vec![
                frequency(Field::Company, "KINDERCARE", 8),
                frequency(Field::Phone, "+17027471797", 4),
            ],
            threshold: Threshold {
                weight: 0.0,
                probability: 0.5,
                precision: 0.9,
                recall: 0.8,
            },
        }
    }

    fn lead(address: &str) -> LeadValues {
        let mut lead: LeadValues = std::array::from_fn(|_| Value::Null);
        for (column, value) in [
            ("company", "KINDERCARE"),
            ("first_name", "Ann"),
            ("last_name", "Park"),
            ("address1", address),
            ("city", "LAS VEGAS"),
            ("zip", "89135"),
            ("phone", "+17027471797"),
        ] {
            lead[column_index(column).unwrap()] = Value::text(value);
        }
        lead
    }

    fn side<'a>(lead_id: &'a str, values: &'a LeadValues, entity: EntityId) -> Side<'a> {
        Side {
            lead_id,
            values,
            entity: Some(entity),
        }
    }

    #[test]
    fn a_share_too_small_for_four_decimals_is_written_with_its_exponent() {
        assert_eq!(share(0.2), "0.2000");
        assert_eq!(share(0.0005), "0.0005");
        assert_eq!(share(0.000_040_4), "4.0e-5");
        assert_eq!(share(3.5e-7), "3.5e-7");
    }

    #[test]
    fn the_waterfall_shows_each_term_with_its_running_total_and_never_the_phone() {
        let parameters = parameters();
        let (a, b) = (lead("9975 PLACID ST"), lead("3801 N CAMPBELL RD"));
        let (a, b) = (side("nevada:1-22", &a, 7), side("nevada:2-22", &b, 7));
        let text = waterfall(&parameters, a, b, &Verdict::Linked);
        let expected = [
            "           nevada:1-22      nevada:2-22",
            "company    KINDERCARE       KINDERCARE",
            "person     Ann Park         Ann Park",
            "address    9975 PLACID ST   3801 N CAMPBELL RD",
            "city, zip  LAS VEGAS 89135  LAS VEGAS 89135",
            "issued     -                -",
            "license    -                -",
            "blocking keys shared: phone, zip_company, person",
            "",
            "           level                                   bits   total",
            "prior      0.2000 of random pairs match           -2.00   -2.00",
            "company    exact                                  +4.00   +2.00",
            "           term frequency: on 8.00% of leads      -3.00   -1.00  \"KINDERCARE\"",
            "person     exact                                  +4.00   +3.00",
            "address    different                              -4.00   -1.00",
            "phone      exact                                  +4.00   +3.00",
            "           term frequency: on 4.00% of leads      -2.00   +1.00",
            "e-mail     missing or placeholder                 +0.00   +1.00",
            "city, zip  exact                                  +4.00   +5.00",
            "issued     missing or placeholder                 +0.00   +5.00",
            "license    missing or placeholder                 +0.00   +5.00",
            "total weight +5.00 bits: probability 0.9697",
            "threshold: probability 0.500, weight +0.00 bits (the model estimates precision 0.900, recall 0.800); veto at -8.00 bits",
            "verdict: one entity (7): linked directly: +5.00 bits reach the threshold, +0.00",
        ];
        assert_eq!(text.lines().collect::<Vec<_>>(), expected);
        assert!(!text.contains("7471797"));
    }

    #[test]
    fn the_verdict_says_why_from_the_entities_the_link_and_the_labels() {
        let parameters = parameters();
        let (x, y) = (lead("9975 PLACID ST"), lead("3801 N CAMPBELL RD"));
        let weight = parameters.weight(&x, &y);
        assert!((weight - 5.0).abs() < 1e-9, "{weight}");
        let verdict = |one, other, weight, linked, labels: &[(&str, &str, bool)]| {
            let standing = Standing {
                listed_together_by: None,
                linked,
                labels: labels
                    .iter()
                    .map(|&(a, b, must)| (a.to_string(), b.to_string(), must))
                    .collect(),
            };
            let (a, b) = (side("a", &x, one), side("b", &y, other));
            Verdict::of(&parameters, a, b, weight, &standing)
        };
        assert_eq!(verdict(1, 1, 5.0, true, &[]), Verdict::Linked);
        assert_eq!(verdict(1, 1, -1.0, false, &[]), Verdict::Through);
        assert_eq!(verdict(1, 2, 5.0, true, &[]), Verdict::Vetoed);
        assert_eq!(verdict(1, 2, 5.0, false, &[]), Verdict::NotCompared);
        assert_eq!(
            verdict(1, 2, -1.0, false, &[]),
            Verdict::Below { against: false }
        );
        // The veto: 6 bits of evidence against beyond the prior's -2.
        assert_eq!(
            verdict(1, 2, -7.0, false, &[]),
            Verdict::Below { against: false }
        );
        assert_eq!(
            verdict(1, 2, -8.0, false, &[]),
            Verdict::Below { against: true }
        );
        assert_eq!(
            verdict(1, 2, 5.0, true, &[("a", "c", true), ("c", "d", false)]),
            Verdict::LabelApart {
                lead_a: "c".into(),
                lead_b: "d".into()
            }
        );
        assert_eq!(
            verdict(1, 2, 5.0, true, &[("b", "a", false)]),
            Verdict::Labelled { must_link: false }
        );
        assert_eq!(
            verdict(3, 3, -9.0, false, &[("a", "b", true)]),
            Verdict::Labelled { must_link: true }
        );
        let unresolved = Side {
            entity: None,
            ..side("b", &y, 1)
        };
        let standing = Standing::default();
        assert_eq!(
            Verdict::of(&parameters, side("a", &x, 1), unresolved, 5.0, &standing),
            Verdict::Unresolved
        );
    }

    #[test]
    fn two_countries_keep_two_entities_apart_and_say_so() {
        let parameters = parameters();
        let (mut x, mut y) = (lead("9975 PLACID ST"), lead("9975 PLACID ST"));
        let standing = Standing::default();
        let verdict = |x: &LeadValues, y: &LeadValues, other| {
            Verdict::of(
                &parameters,
                side("a", x, 1),
                side("b", y, other),
                9.0,
                &standing,
            )
        };
        // One country unknown: the model decides.
        x[COUNTRY] = Value::text("US");
        assert_eq!(verdict(&x, &y, 2), Verdict::NotCompared);
        // A US state says the country, where a lead has no country of its own.
        x[COUNTRY] = Value::Null;
        x[STATE] = Value::text("NV");
        y[COUNTRY] = Value::text("CA");
        let apart = verdict(&x, &y, 2);
        assert_eq!(
            apart,
            Verdict::InTwoCountries {
                one: "US".into(),
                other: "CA".into()
            }
        );
        assert_eq!(
            apart.reason(&parameters, 9.0),
            "kept apart: one address is in US, the other in CA (the model alone: +9.00 bits, \
             threshold +0.00)"
        );
        // Two leads already in one entity are told as such.
        assert_eq!(verdict(&x, &y, 1), Verdict::Through);
        y[COUNTRY] = Value::text("US");
        assert_eq!(verdict(&x, &y, 2), Verdict::NotCompared);
    }
}
