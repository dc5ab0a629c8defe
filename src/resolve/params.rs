//! What resolution learnt, as it is stored and reused: the configuration it was trained
//! under, the model (`m`, `u`, the prior), the term frequencies and the threshold. Every
//! load links leads with the stored parameters until `leadpipe resolve --retrain`, so a
//! pair weighs the same in a load as in a rebuild.

use serde::{Deserialize, Serialize};

use crate::lead::{LeadValues, column_index};

use super::compare::Level;
use super::config::ResolveConfig;
use super::model::{Levels, Model, TermFrequencies, Threshold, log_odds, probability};
use super::pair::{Field, LEVELS, index, level, levels};

/// The trained parameters of resolution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    /// The configuration they were trained under: its blocking rules and veto are used
    /// with them.
    pub config: ResolveConfig,
    pub model: Model,
    /// The fields whose exact agreements are weighed by how common the value is.
    pub frequencies: Vec<FieldFrequencies>,
    /// The match threshold, with the model's estimates of its precision and recall.
    pub threshold: Threshold,
}

/// How common each value of one field is, and the `u` of that field's exact level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldFrequencies {
    pub field: Field,
    pub counts: TermFrequencies,
    pub u_exact: f64,
}

/// Why a pair weighs what it weighs, term by term.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The prior's log-odds, in bits.
    pub prior: f64,
    /// One term per field, in [`Field::ALL`]'s order.
    pub terms: Vec<Term>,
    /// The match weight: the prior plus every term.
    pub total: f64,
}

/// What one field adds to a pair's weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    pub field: Field,
    pub level: Level,
    /// `log2(m / u)` of the level, in bits (none for a missing value).
    pub bits: f64,
    /// The term-frequency adjustment of an exact agreement on a field that has one: the
    /// value agreed on, and the bits it adds (negative for a common value).
    pub frequency: Option<(String, f64)>,
}

impl Explanation {
    /// The chance that the pair is one provider.
    pub fn probability(&self) -> f64 {
        probability(self.total)
    }
}

impl Parameters {
    /// Whether these parameters have a comparison of every field, with every level, of
    /// this version: parameters stored by one whose comparisons had other levels do not.
    pub fn fit_this_version(&self) -> bool {
        let comparisons = &self.model.comparisons;
        comparisons.len() == Field::ALL.len()
            && comparisons
                .iter()
                .all(|c| c.m.len() == LEVELS && c.u.len() == LEVELS)
    }

    /// The least weight, in bits, of a pair that links.
    pub fn link_weight(&self) -> f64 {
        self.threshold.weight
    }

    /// The weight, in bits, at or below which a pair keeps two clusters apart: the
    /// configured evidence against (`veto_weight`) beyond the prior. The prior is that of
    /// two random leads, far below even odds, so a veto on the weight alone would keep
    /// apart any two leads with no evidence for them.
    pub fn veto_weight(&self) -> f64 {
        log_odds(self.model.prior) + self.config.veto_weight
    }

    /// The match weight of two leads, in bits.
    pub fn weight(&self, a: &LeadValues, b: &LeadValues) -> f64 {
        let levels = levels(a, b);
        self.model.weight(&levels) + self.adjustment(a, b, &levels)
    }

    /// The match weight of two leads, term by term.
    pub fn explain(&self, a: &LeadValues, b: &LeadValues) -> Explanation {
        let levels = levels(a, b);
        let single = |at: usize| {
            let mut only = [0u8; Field::ALL.len()];
            only[at] = levels[at];
            only
        };
        let prior = self.model.weight(&[0u8; Field::ALL.len()]);
        let terms: Vec<Term> = Field::ALL
            .iter()
            .enumerate()
            .map(|(at, &field)| Term {
                field,
                level: level(levels[at]),
                bits: self.model.weight(&single(at)) - prior,
                frequency: self
                    .frequencies
                    .iter()
                    .find(|f| f.field == field)
                    .and_then(|f| f.agreement(a, b, &levels)),
            })
            .collect();
        let total = terms.iter().fold(prior, |sum, term| {
            sum + term.bits + term.frequency.as_ref().map_or(0.0, |(_, bits)| *bits)
        });
        Explanation {
            prior,
            terms,
            total,
        }
    }

    /// The bits the term frequencies add to a pair's weight, for the values its exact
    /// agreements agree on.
    pub(crate) fn adjustment(&self, a: &LeadValues, b: &LeadValues, levels: &Levels) -> f64 {
        self.frequencies
            .iter()
            .filter_map(|f| f.agreement(a, b, levels))
            .map(|(_, bits)| bits)
            .sum()
    }
}

impl FieldFrequencies {
    /// Counts the values of `field`'s column among `leads`, with the `u` of its exact
    /// level; `None` for a field with no one text column (a person's name, ZIP and city, a
    /// date).
    pub fn count(leads: &[LeadValues], field: Field, model: &Model) -> Option<FieldFrequencies> {
        let column = frequency_column(field)?;
        let at = position(field);
        let values = leads.iter().filter_map(|lead| lead[column].as_text());
        Some(FieldFrequencies {
            field,
            counts: TermFrequencies::shared_among(values),
            u_exact: model.comparisons[at].u[usize::from(index(Level::Exact))],
        })
    }

    /// The value two leads agree on exactly in this field, and its adjustment in bits.
    fn agreement(&self, a: &LeadValues, b: &LeadValues, levels: &Levels) -> Option<(String, f64)> {
        if levels[position(self.field)] != index(Level::Exact) {
            return None;
        }
        let column = frequency_column(self.field)?;
        let value = a[column].as_text()?;
        (b[column].as_text() == Some(value)).then(|| {
            (
                value.to_string(),
                self.counts.adjustment(value, self.u_exact),
            )
        })
    }
}

/// The lead column whose values a field's term frequencies count.
pub(crate) const fn frequency_column(field: Field) -> Option<usize> {
    column_index(match field {
        Field::Company => "company",
        Field::Phone => "phone",
        Field::Address => "address1",
        Field::Email => "email",
        Field::LicenseNumber => "license_number",
        // No one text column: a name of two, a place of two, a date.
        Field::Person | Field::ZipCity | Field::LicenseIssued => return None,
    })
}

/// A field's place in a pair's levels.
fn position(field: Field) -> usize {
    Field::ALL
        .iter()
        .position(|f| *f == field)
        .expect("every field is in Field::ALL")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::model::Comparison;

    #[test]
    fn the_veto_is_evidence_against_beyond_the_prior() {
        let parameters = Parameters {
            config: ResolveConfig::default(),
            model: Model {
                prior: 1.0 / 1025.0,
                comparisons: vec![Comparison {
                    m: vec![0.0, 1.0],
                    u: vec![0.0, 1.0],
                }],
            },
            frequencies: Vec::new(),
            threshold: Threshold::at(&[], 0.5),
        };
        // Odds of 1 to 1024: -10 bits, and the default veto's -6 beyond them.
        assert!((parameters.veto_weight() - -16.0).abs() < 1e-9);
        assert_eq!(parameters.link_weight(), 0.0);
    }
}
