//! Resolving a set of leads from scratch, in memory: block, compare, train the model
//! without labels, choose the threshold, cluster. The load's incremental stage will reuse
//! these steps over the stored entities; this is also what the accuracy harness scores.

use std::collections::{HashMap, HashSet};

use crate::lead::{LeadValues, column_index};

use super::cluster::{Pair, cluster};
use super::compare::Level;
use super::config::{ResolveConfig, ThresholdSetting};
use super::model::{Levels, Model, TermFrequencies, Threshold};
use super::pair::{Field, LEVELS, index, levels};

/// A block with more leads than this is not paired out (its key, a chain's phone say, is
/// too common to tell providers apart); its leads still meet through their other keys.
const MAX_BLOCK: usize = 1_000;

/// Random pairs drawn to estimate `u`.
const RANDOM_PAIRS: usize = 200_000;

/// What resolving a set of leads gave.
#[derive(Clone, Debug)]
pub struct Resolution {
    /// Each lead's cluster: the index of its smallest member.
    pub clusters: Vec<usize>,
    /// The pairs compared.
    pub pairs: usize,
    /// The trained model.
    pub model: Model,
    /// The threshold used, with the model's estimates of it.
    pub threshold: Threshold,
}

/// Resolves `leads` from scratch.
pub fn resolve(leads: &[LeadValues], config: &ResolveConfig, seed: u64) -> Resolution {
    let candidates = candidate_pairs(leads, config);
    let compared: Vec<[u8; Field::ALL.len()]> = candidates
        .iter()
        .map(|&(a, b)| levels(&leads[a], &leads[b]))
        .collect();
    let mut draws = SplitMix(seed);
    let random: Vec<[u8; Field::ALL.len()]> = (0..RANDOM_PAIRS.min(leads.len() * leads.len()))
        .map(|_| {
            let a = draws.below(leads.len());
            let b = draws.below(leads.len());
            levels(&leads[a], &leads[b])
        })
        .collect();
    let mut model = Model::from_random_pairs(
        &[LEVELS; Field::ALL.len()],
        random.iter().map(|l| l.as_slice()),
    );
    let blocked: Vec<&Levels> = compared.iter().map(|l| l.as_slice()).collect();
    model.train(&blocked, 100, 1e-5);
    let frequencies = TermAdjuster::new(leads, &config.term_frequency, &model);
    let weights: Vec<f64> = candidates
        .iter()
        .zip(&compared)
        .map(|(&(a, b), levels)| {
            model.weight(levels) + frequencies.adjust(&leads[a], &leads[b], levels)
        })
        .collect();
    let probabilities: Vec<f64> = weights.iter().map(|w| probability(*w)).collect();
    let threshold = match config.threshold {
        ThresholdSetting::Probability(p) => Threshold {
            probability: p,
            precision: f64::NAN,
            recall: f64::NAN,
        },
        ThresholdSetting::Auto(_) => Threshold::choose(&probabilities).unwrap_or(Threshold {
            probability: 0.5,
            precision: f64::NAN,
            recall: f64::NAN,
        }),
    };
    let pairs: Vec<Pair> = candidates
        .iter()
        .zip(&weights)
        .map(|(&(a, b), &weight)| Pair { a, b, weight })
        .collect();
    let link = (threshold.probability / (1.0 - threshold.probability)).log2();
    Resolution {
        clusters: cluster(leads.len(), &pairs, link, config.veto_weight),
        pairs: pairs.len(),
        model,
        threshold,
    }
}

/// The pairs of leads that share a key of a blocking rule, each once.
fn candidate_pairs(leads: &[LeadValues], config: &ResolveConfig) -> Vec<(usize, usize)> {
    let mut pairs = HashSet::new();
    for rule in &config.blocking {
        let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, lead) in leads.iter().enumerate() {
            if let Some(key) = rule.key(lead) {
                blocks.entry(key).or_default().push(i);
            }
        }
        for block in blocks.values().filter(|b| b.len() <= MAX_BLOCK) {
            for (n, &a) in block.iter().enumerate() {
                for &b in &block[n + 1..] {
                    pairs.insert((a, b));
                }
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
}

/// Term-frequency adjustments of exact agreements, on the fields configured for them.
struct TermAdjuster {
    fields: Vec<(usize, usize, TermFrequencies, f64)>,
}

impl TermAdjuster {
    /// Counts the values of each field's column, and keeps the exact level's `u`.
    fn new(leads: &[LeadValues], fields: &[Field], model: &Model) -> TermAdjuster {
        let exact = usize::from(index(Level::Exact));
        let fields = fields
            .iter()
            .filter_map(|&field| {
                let column = column_index(match field {
                    Field::Company => "company",
                    Field::Phone => "phone",
                    Field::Address => "address1",
                    Field::Email => "email",
                    Field::Person | Field::ZipCity => return None,
                })?;
                let at = Field::ALL.iter().position(|f| *f == field)?;
                let mut counts = TermFrequencies::default();
                for value in leads.iter().filter_map(|lead| lead[column].as_text()) {
                    counts.add(value);
                }
                Some((at, column, counts, model.comparisons[at].u[exact]))
            })
            .collect();
        TermAdjuster { fields }
    }

    /// The bits to add to a pair's weight for what its exact agreements agree on.
    fn adjust(&self, a: &LeadValues, b: &LeadValues, levels: &Levels) -> f64 {
        let exact = index(Level::Exact);
        self.fields
            .iter()
            .filter(|(at, ..)| levels[*at] == exact)
            .filter_map(|(_, column, counts, u)| {
                let value = a[*column].as_text()?;
                (b[*column].as_text() == Some(value)).then(|| counts.adjustment(value, *u))
            })
            .sum()
    }
}

fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    odds / (1.0 + odds)
}

/// A seeded stream of numbers (SplitMix64), for the random pairs.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::Value;
    use crate::resolve::block::BlockingRule;

    fn lead(phone: &str, last_name: &str) -> LeadValues {
        let mut lead: LeadValues = std::array::from_fn(|_| Value::Null);
        lead[column_index("phone").unwrap()] = Value::text(phone);
        lead[column_index("last_name").unwrap()] = Value::text(last_name);
        lead[column_index("first_name").unwrap()] = Value::text("Ann");
        lead
    }

    #[test]
    fn pairs_are_those_that_share_a_key_each_once() {
        let leads = [
            lead("+17027471797", "Noel"),
            lead("+17027471797", "Noel"),
            lead("+17024448123", "Noel"),
            lead("+17023336621", "Park"),
        ];
        let config = ResolveConfig {
            blocking: vec![BlockingRule::Phone, BlockingRule::Person],
            ..ResolveConfig::default()
        };
        // 0 and 1 share both keys (one pair, not two); 2 shares the person with them.
        assert_eq!(candidate_pairs(&leads, &config), [(0, 1), (0, 2), (1, 2)]);
        let phone_only = ResolveConfig {
            blocking: vec![BlockingRule::Phone],
            ..ResolveConfig::default()
        };
        assert_eq!(candidate_pairs(&leads, &phone_only), [(0, 1)]);
    }

    #[test]
    fn a_key_too_common_pairs_nothing() {
        let leads: Vec<LeadValues> = (0..=MAX_BLOCK)
            .map(|n| lead("+17029992468", &format!("Name{n}")))
            .collect();
        let config = ResolveConfig {
            blocking: vec![BlockingRule::Phone],
            ..ResolveConfig::default()
        };
        assert!(candidate_pairs(&leads, &config).is_empty());
    }
}
