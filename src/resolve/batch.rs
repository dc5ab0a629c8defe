//! Resolving a set of leads from scratch, in memory: block, compare, train the model
//! without labels, choose the threshold, cluster. The load's incremental stage will reuse
//! these steps over the stored entities; this is also what the accuracy harness scores.

use std::collections::{HashMap, HashSet};

use crate::lead::{LeadValues, column_index};

use super::block::BlockingRule;
use super::cluster::{Pair, cluster};
use super::compare::Level;
use super::config::{ResolveConfig, ThresholdSetting};
use super::model::{Levels, Model, TermFrequencies, Threshold, probability};
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
    let by_rule = blocked_pairs(leads, config);
    let candidates = union(&by_rule);
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
    train(&mut model, leads, &by_rule, &compared);
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
    let weigh = |a: usize, b: usize| {
        let levels = levels(&leads[a], &leads[b]);
        model.weight(&levels) + frequencies.adjust(&leads[a], &leads[b], &levels)
    };
    let clusters = cluster(leads.len(), &pairs, link, config.veto_weight, weigh);
    Resolution {
        clusters,
        pairs: pairs.len(),
        model,
        threshold,
    }
}

/// Trains `m` as Splink does, without labels: one session per blocking rule over the pairs
/// it made, leaving out the fields it blocked on (all its pairs agree on them, matches or
/// not), each field's `m` the mean of the sessions that learnt it; then the prior, over
/// every pair, with `m` held.
fn train(
    model: &mut Model,
    leads: &[LeadValues],
    by_rule: &[(BlockingRule, Vec<(usize, usize)>)],
    compared: &[[u8; Field::ALL.len()]],
) {
    let start = model.clone();
    let mut sums: Vec<Vec<f64>> = model
        .comparisons
        .iter()
        .map(|c| vec![0.0; c.m.len()])
        .collect();
    let mut sessions = vec![0usize; Field::ALL.len()];
    // A rule that paired nothing (no lead has an e-mail, say) has nothing to teach.
    for (rule, pairs) in by_rule.iter().filter(|(_, pairs)| !pairs.is_empty()) {
        let ignored: Vec<usize> = blocked_fields(*rule)
            .iter()
            .filter_map(|f| Field::ALL.iter().position(|g| g == f))
            .collect();
        let levels: Vec<[u8; Field::ALL.len()]> = pairs
            .iter()
            .map(|&(a, b)| levels(&leads[a], &leads[b]))
            .collect();
        let levels: Vec<&Levels> = levels.iter().map(|l| l.as_slice()).collect();
        let mut session = start.clone();
        session.train_session(&levels, &ignored, true, 100, 1e-5);
        for (c, comparison) in session.comparisons.iter().enumerate() {
            if !ignored.contains(&c) {
                sessions[c] += 1;
                sums[c]
                    .iter_mut()
                    .zip(&comparison.m)
                    .for_each(|(sum, m)| *sum += m);
            }
        }
    }
    for (c, comparison) in model.comparisons.iter_mut().enumerate() {
        if sessions[c] > 0 {
            comparison.m = sums[c].iter().map(|sum| sum / sessions[c] as f64).collect();
        }
    }
    let all: Vec<&Levels> = compared.iter().map(|l| l.as_slice()).collect();
    model.train_session(&all, &[], false, 100, 1e-6);
}

/// The fields a blocking rule's key is made of.
fn blocked_fields(rule: BlockingRule) -> &'static [Field] {
    match rule {
        BlockingRule::Phone => &[Field::Phone],
        BlockingRule::Address => &[Field::Address, Field::ZipCity],
        BlockingRule::ZipCompany => &[Field::ZipCity, Field::Company],
        BlockingRule::Email => &[Field::Email],
        BlockingRule::Person => &[Field::Person],
    }
}

/// The pairs of leads that share a key, rule by rule.
fn blocked_pairs(
    leads: &[LeadValues],
    config: &ResolveConfig,
) -> Vec<(BlockingRule, Vec<(usize, usize)>)> {
    config
        .blocking
        .iter()
        .map(|&rule| {
            let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, lead) in leads.iter().enumerate() {
                if let Some(key) = rule.key(lead) {
                    blocks.entry(key).or_default().push(i);
                }
            }
            let mut pairs = Vec::new();
            for block in blocks.values().filter(|b| b.len() <= MAX_BLOCK) {
                for (n, &a) in block.iter().enumerate() {
                    pairs.extend(block[n + 1..].iter().map(|&b| (a, b)));
                }
            }
            (rule, pairs)
        })
        .collect()
}

/// Every rule's pairs, each pair once, in order.
fn union(by_rule: &[(BlockingRule, Vec<(usize, usize)>)]) -> Vec<(usize, usize)> {
    let pairs: HashSet<(usize, usize)> = by_rule
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .collect();
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
}

/// The pairs of leads that share a key of a blocking rule, each once.
#[cfg(test)]
fn candidate_pairs(leads: &[LeadValues], config: &ResolveConfig) -> Vec<(usize, usize)> {
    union(&blocked_pairs(leads, config))
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
