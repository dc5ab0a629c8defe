//! Resolving a set of leads from scratch, in memory: block, compare, train the model
//! without labels, choose the threshold, cluster. The load's incremental stage will reuse
//! these steps over the stored entities; this is also what the accuracy harness scores.

use std::collections::{HashMap, HashSet};

use crate::lead::LeadValues;

use super::block::BlockingRule;
use super::cluster::{Label, Pair, cluster};
use super::config::{ResolveConfig, ThresholdSetting};
use super::model::{Levels, Model, Threshold, probability};
use super::pair::{Field, LEVELS, levels};
use super::params::{FieldFrequencies, Parameters};

/// A block with more leads than this is not paired out (its key, a chain's phone say, is
/// too common to tell providers apart); its leads still meet through their other keys.
pub const MAX_BLOCK: usize = 1_000;

/// Random pairs drawn to estimate `u`.
const RANDOM_PAIRS: usize = 200_000;

/// What resolving a set of leads gave.
#[derive(Clone, Debug)]
pub struct Resolution {
    /// Each lead's cluster: the index of its smallest member.
    pub clusters: Vec<usize>,
    /// The pairs compared.
    pub pairs: usize,
    /// What was learnt, the threshold with the model's estimates of it among them.
    pub parameters: Parameters,
}

/// Resolves `leads` from scratch: trains the parameters on them, then clusters them.
pub fn resolve(leads: &[LeadValues], config: &ResolveConfig, seed: u64) -> Resolution {
    let by_rule = blocked_pairs(leads, &config.blocking, &|_, _, size| size > MAX_BLOCK);
    let parameters = train_on(leads, config, &by_rule, seed);
    let candidates = union(&by_rule);
    let clusters = cluster_leads(leads, &candidates, &parameters, &[], &|_, _| false).clusters;
    Resolution {
        clusters,
        pairs: candidates.len(),
        parameters,
    }
}

/// Trains the parameters on `leads`, without labels.
pub fn train(leads: &[LeadValues], config: &ResolveConfig, seed: u64) -> Parameters {
    let by_rule = blocked_pairs(leads, &config.blocking, &|_, _, size| size > MAX_BLOCK);
    train_on(leads, config, &by_rule, seed)
}

/// Leads clustered.
#[derive(Clone, Debug, PartialEq)]
pub struct Clustered {
    /// Each lead's cluster: the index of its smallest member.
    pub clusters: Vec<usize>,
    /// The pairs compared whose weight reached the threshold.
    pub links: Vec<Pair>,
}

/// Two leads known to be different providers, whatever they have in common (by their
/// indices).
pub type Apart<'a> = dyn Fn(usize, usize) -> bool + 'a;

/// The clusters of `leads` from the `candidates` pairs, weighed with `parameters`, except
/// that a pair `apart` says is two providers weighs as little as a weight can; `labels`
/// win over both.
pub fn cluster_leads(
    leads: &[LeadValues],
    candidates: &[(usize, usize)],
    parameters: &Parameters,
    labels: &[Label],
    apart: &Apart,
) -> Clustered {
    let weigh = |a: usize, b: usize| match apart(a, b) {
        true => f64::MIN,
        false => parameters.weight(&leads[a], &leads[b]),
    };
    let mut pairs: Vec<Pair> = candidates
        .iter()
        .map(|&(a, b)| Pair {
            a,
            b,
            weight: weigh(a, b),
        })
        .collect();
    let link = parameters.link_weight();
    let links: Vec<Pair> = pairs.iter().filter(|p| p.weight >= link).copied().collect();
    pairs.extend(labels.iter().map(Label::as_pair));
    let clusters = cluster(leads.len(), &pairs, link, parameters.veto_weight(), weigh);
    Clustered { clusters, links }
}

/// The parameters learnt from `leads` and the pairs each rule blocked.
fn train_on(
    leads: &[LeadValues],
    config: &ResolveConfig,
    by_rule: &[(BlockingRule, Vec<(usize, usize)>)],
    seed: u64,
) -> Parameters {
    let candidates = union(by_rule);
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
    train_m(&mut model, leads, by_rule, &compared);
    let frequencies: Vec<FieldFrequencies> = config
        .term_frequency
        .iter()
        .filter_map(|&field| FieldFrequencies::count(leads, field, &model))
        .collect();
    let mut parameters = Parameters {
        config: config.clone(),
        model,
        frequencies,
        threshold: Threshold::at(&[], 0.5),
    };
    let probabilities: Vec<f64> = candidates
        .iter()
        .zip(&compared)
        .map(|(&(a, b), levels)| {
            let model = &parameters.model;
            probability(model.weight(levels) + parameters.adjustment(&leads[a], &leads[b], levels))
        })
        .collect();
    parameters.threshold = match config.threshold {
        ThresholdSetting::Probability(p) => Threshold::at(&probabilities, p),
        ThresholdSetting::Auto(_) => {
            Threshold::choose(&probabilities).unwrap_or(Threshold::at(&probabilities, 0.5))
        }
    };
    parameters
}

/// Trains `m` as Splink does, without labels: one session per blocking rule over the pairs
/// it made, leaving out the fields it blocked on (all its pairs agree on them, matches or
/// not), each field's `m` the mean of the sessions that learnt it; then the prior of two
/// random leads, from every blocked pair, with `m` held ([`Model::train_prior`]).
fn train_m(
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
    let n = leads.len() as f64;
    model.train_prior(&all, n * (n - 1.0) / 2.0, 100, 1e-6);
}

/// The fields a blocking rule's key is made of.
fn blocked_fields(rule: BlockingRule) -> &'static [Field] {
    match rule {
        BlockingRule::Phone => &[Field::Phone],
        BlockingRule::Address => &[Field::Address, Field::ZipCity],
        BlockingRule::ZipCompany => &[Field::ZipCity, Field::Company],
        BlockingRule::Email => &[Field::Email],
        BlockingRule::Person => &[Field::Person],
        BlockingRule::LicenseIssued => &[Field::LicenseIssued],
        BlockingRule::LicenseNumber => &[Field::LicenseNumber],
    }
}

/// Whether a block is too common to pair out: by its rule, its key and how many leads
/// of the set at hand have it.
pub type TooCommon<'a> = dyn Fn(BlockingRule, &str, usize) -> bool + 'a;

/// The pairs of leads that share a key of one of `rules`, each once, in order; blocks
/// `too_common` says are too common are left out.
pub fn candidate_pairs(
    leads: &[LeadValues],
    rules: &[BlockingRule],
    too_common: &TooCommon,
) -> Vec<(usize, usize)> {
    union(&blocked_pairs(leads, rules, too_common))
}

/// The pairs of leads that share a key, rule by rule.
fn blocked_pairs(
    leads: &[LeadValues],
    rules: &[BlockingRule],
    too_common: &TooCommon,
) -> Vec<(BlockingRule, Vec<(usize, usize)>)> {
    rules
        .iter()
        .map(|&rule| {
            let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, lead) in leads.iter().enumerate() {
                if let Some(key) = rule.key(lead) {
                    blocks.entry(key).or_default().push(i);
                }
            }
            let mut pairs = Vec::new();
            for (key, block) in &blocks {
                if too_common(rule, key, block.len()) {
                    continue;
                }
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
    use crate::lead::{Value, column_index};

    fn pairs(leads: &[LeadValues], config: &ResolveConfig) -> Vec<(usize, usize)> {
        candidate_pairs(leads, &config.blocking, &|_, _, size| size > MAX_BLOCK)
    }

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
        assert_eq!(pairs(&leads, &config), [(0, 1), (0, 2), (1, 2)]);
        let phone_only = ResolveConfig {
            blocking: vec![BlockingRule::Phone],
            ..ResolveConfig::default()
        };
        assert_eq!(pairs(&leads, &phone_only), [(0, 1)]);
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
        assert!(pairs(&leads, &config).is_empty());
    }
}
