//! Resolving a set of leads from scratch, in memory: block, compare, train the model
//! without labels, choose the threshold, cluster. The load's incremental stage will reuse
//! these steps over the stored entities; this is also what the accuracy harness scores.

use rustc_hash::FxHashMap;

use crate::lead::LeadValues;

use super::block::BlockingRule;
use super::cluster::{Label, Pair, cluster_scored};
use super::config::{ResolveConfig, ThresholdSetting};
use super::hash;
use super::model::{Levels, Model, Threshold, cold_m};
use super::pair::{Field, LEVELS};
use super::params::Parameters;
use super::prepared::{Prepared, frequencies, parallel_map, weight};

/// A block with more leads than this is not paired out (its key, a chain's phone say, is
/// too common to tell providers apart); its leads still meet through their other keys.
pub const MAX_BLOCK: usize = 1_000;

/// Random pairs drawn to estimate `u`.
const RANDOM_PAIRS: usize = 200_000;

/// Two leads by their indices, the smaller first: half the memory of two `usize`s, which
/// a million leads' pairs need.
pub type LeadPair = (u32, u32);

/// A pair's levels, one per [`Field::ALL`].
type PairLevels = [u8; Field::ALL.len()];

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
    resolve_prepared(&Prepared::all(leads), config, seed)
}

/// [`resolve`] of leads already prepared, which need not all be held as lead values at
/// once: a million leads' values take more memory than the resolution itself.
pub fn resolve_prepared(leads: &[Prepared], config: &ResolveConfig, seed: u64) -> Resolution {
    let Trained { parameters, pairs } = train(leads, config, seed, &|_, _| false);
    let clusters = cluster_leads(leads, &pairs, &parameters, &[], &|_, _| false).clusters;
    Resolution {
        clusters,
        pairs: pairs.len(),
        parameters,
    }
}

/// Parameters trained, with the pairs they were trained on.
pub struct Trained {
    pub parameters: Parameters,
    /// The pairs the blocking rules make of the leads trained on, as [`candidate_pairs`]
    /// gives them with a block too common past [`MAX_BLOCK`] of those leads: a resolution
    /// of those leads from scratch need not block them again.
    pub pairs: Vec<LeadPair>,
}

/// Trains the parameters on `leads`, without labels, from their blocked pairs but those
/// `apart` says are two providers: known not to match, they would teach EM's match class
/// what two different providers with much in common look like (the sites of a chain
/// sharing its phone).
pub fn train(leads: &[Prepared], config: &ResolveConfig, seed: u64, apart: &Apart) -> Trained {
    let by_rule = blocked_pairs(leads, &config.blocking, &|_, _, size| size > MAX_BLOCK);
    let pairs = union(&by_rule);
    let unknown = |&(a, b): &LeadPair| !apart(a as usize, b as usize);
    let learnt_from = pairs.iter().filter(|p| unknown(p)).count();
    let sample = Sample::of(learnt_from);
    let kept = |p: &LeadPair| sample.keeps(*p) && unknown(p);
    let by_rule = by_rule
        .into_iter()
        .map(|(rule, pairs)| (rule, pairs.into_iter().filter(kept).collect()))
        .collect();
    let sampled: Vec<LeadPair> = pairs.iter().copied().filter(kept).collect();
    let levels = parallel_map(sampled.len(), |n| {
        let (a, b) = sampled[n];
        leads[a as usize].levels(&leads[b as usize])
    });
    let scale = learnt_from as f64 / sampled.len().max(1) as f64;
    let parameters = train_on(leads, config, by_rule, &sampled, levels, scale, seed);
    Trained { parameters, pairs }
}

/// The blocked pairs the model is trained on, at most. Past it, a sample of them, the
/// same in every run, teaches what all of them would: `m` and the threshold are learnt
/// from shares of the pairs, and the prior from their count, scaled. At a million leads
/// comparing every blocked pair only to train on it was most of the training's time.
const TRAINING_PAIRS: usize = 2_000_000;

/// Which blocked pairs training compares: every pair, or a share of them picked by the
/// pair's hash, so that each rule's pairs are sampled alike.
struct Sample {
    /// Pairs whose hash is below it are kept.
    below: u64,
}

impl Sample {
    fn of(pairs: usize) -> Sample {
        let share = TRAINING_PAIRS as f64 / pairs.max(1) as f64;
        Sample {
            below: if share >= 1.0 {
                u64::MAX
            } else {
                (share * u64::MAX as f64) as u64
            },
        }
    }

    fn keeps(&self, pair: LeadPair) -> bool {
        let mixed = SplitMix((u64::from(pair.0) << 32) | u64::from(pair.1)).next();
        self.below == u64::MAX || mixed < self.below
    }
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
pub type Apart<'a> = dyn Fn(usize, usize) -> bool + Sync + 'a;

/// The clusters of `leads` from the `candidates` pairs, weighed with `parameters`, except
/// that a pair `apart` says is two providers weighs as little as a weight can; `labels`
/// win over both.
pub fn cluster_leads(
    leads: &[Prepared],
    candidates: &[LeadPair],
    parameters: &Parameters,
    labels: &[Label],
    apart: &Apart,
) -> Clustered {
    // A pair apart is not weighed at all: in a load, most blocked pairs are two leads of
    // one snapshot.
    let weights = parallel_map(candidates.len(), |n| {
        let (a, b) = (candidates[n].0 as usize, candidates[n].1 as usize);
        match apart(a, b) {
            true => f64::MIN,
            false => leads[a].weight(&leads[b], parameters),
        }
    });
    cluster_weighed(
        leads,
        candidates.iter().map(|&(a, b)| (a as usize, b as usize)),
        &weights,
        parameters,
        labels,
        apart,
    )
}

/// [`cluster_leads`] of the `candidates` pairs of weights `weights`, `apart` already
/// applied to them; `apart` also holds for the pairs weighed across two clusters.
fn cluster_weighed(
    leads: &[Prepared],
    candidates: impl Iterator<Item = (usize, usize)> + Clone,
    weights: &[f64],
    parameters: &Parameters,
    labels: &[Label],
    apart: &Apart,
) -> Clustered {
    let (link, veto) = (parameters.link_weight(), parameters.veto_weight());
    let scored = || {
        candidates
            .clone()
            .zip(weights)
            .map(|((a, b), &weight)| Pair { a, b, weight })
    };
    let links: Vec<Pair> = scored().filter(|p| p.weight >= link).collect();
    let pairs = || scored().chain(labels.iter().map(Label::as_pair));
    let weigh = |a: usize, b: usize| match apart(a, b) {
        true => f64::MIN,
        false => leads[a].weight(&leads[b], parameters),
    };
    let clusters = cluster_scored(leads.len(), pairs, link, veto, weigh);
    Clustered { clusters, links }
}

/// The parameters learnt from `leads`, from the pairs each rule blocked (`by_rule`),
/// their union (`candidates`) and its levels (`compared`): all blocked pairs or a sample
/// of them, each standing for `scale` pairs. What it is given it drops as soon as it is
/// done with it.
fn train_on(
    leads: &[Prepared],
    config: &ResolveConfig,
    by_rule: Vec<(BlockingRule, Vec<LeadPair>)>,
    candidates: &[LeadPair],
    compared: Vec<PairLevels>,
    scale: f64,
    seed: u64,
) -> Parameters {
    let mut draws = SplitMix(seed);
    let drawn: Vec<(usize, usize)> = (0..RANDOM_PAIRS.min(leads.len() * leads.len()))
        .map(|_| (draws.below(leads.len()), draws.below(leads.len())))
        .collect();
    let random = parallel_map(drawn.len(), |n| {
        let (a, b) = drawn[n];
        leads[a].levels(&leads[b])
    });
    let mut model = Model::from_random_pairs(
        &[LEVELS; Field::ALL.len()],
        random.iter().map(|l| l.as_slice()),
    );
    train_m(
        &mut model,
        leads.len(),
        &by_rule,
        candidates,
        &compared,
        scale,
    );
    drop(by_rule);
    let fields = &config.term_frequency;
    let frequencies = parallel_map(fields.len(), |f| frequencies(leads, fields[f], &model))
        .into_iter()
        .flatten()
        .collect();
    let mut parameters = Parameters {
        config: config.clone(),
        model,
        frequencies,
        threshold: Threshold::at(&[], 0.5),
    };
    let weights = parallel_map(candidates.len(), |n| {
        let (a, b) = candidates[n];
        weight(
            &leads[a as usize],
            &leads[b as usize],
            &compared[n],
            &parameters,
        )
    });
    drop(compared);
    parameters.threshold = match config.threshold {
        ThresholdSetting::Probability(p) => Threshold::at(&weights, p),
        ThresholdSetting::Auto(_) => Threshold::choose(weights).unwrap_or(Threshold::at(&[], 0.5)),
    };
    parameters
}

/// Trains `m` as Splink does, without labels: one session per blocking rule over the pairs
/// it made, leaving out the fields it blocked on (all its pairs agree on them, matches or
/// not), each field's `m` the mean of the sessions that learnt it; then the prior of two
/// random leads among `leads`, from every blocked pair, with `m` held
/// ([`Model::train_prior`]). `compared` holds the levels of `candidates`, every rule's
/// pairs, each of which stands for `scale` blocked pairs.
fn train_m(
    model: &mut Model,
    leads: usize,
    by_rule: &[(BlockingRule, Vec<LeadPair>)],
    candidates: &[LeadPair],
    compared: &[PairLevels],
    scale: f64,
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
        // A rule's pairs are among the candidates, both in order.
        let mut at = 0;
        let levels = pairs.iter().map(|pair| {
            while candidates[at] != *pair {
                at += 1;
            }
            &compared[at]
        });
        let counted = counted(levels);
        let mut session = start.clone();
        session.train_counted(&as_levels(&counted), &ignored, true, 100, 1e-5);
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
        comparison.m = match sessions[c] {
            0 => cold_m(comparison.m.len()),
            n => sums[c].iter().map(|sum| sum / n as f64).collect(),
        };
    }
    let mut all = counted(compared.iter());
    all.iter_mut().for_each(|(_, count)| *count *= scale);
    let n = leads as f64;
    model.train_prior(&as_levels(&all), n * (n - 1.0) / 2.0, 100, 1e-6);
    model.prior = model.prior.max(LEAST_DUPLICATES / (n - 1.0).max(1.0));
}

/// The least share of leads taken to have a duplicate among the others, for the prior (the
/// chance that two random leads are one provider). EM learns the prior from the pairs that
/// could be one provider; a first load of single-state files, whose blocked pairs are nearly
/// all listed together, has none to learn it from, and a prior of nothing links no pair.
const LEAST_DUPLICATES: f64 = 0.01;

/// Each distinct levels among `pairs`, in order, with how many pairs have them.
fn counted<'a>(pairs: impl Iterator<Item = &'a PairLevels>) -> Vec<(PairLevels, f64)> {
    let mut counts: FxHashMap<PairLevels, u64> = FxHashMap::default();
    for levels in pairs {
        *counts.entry(*levels).or_default() += 1;
    }
    let mut counted: Vec<(PairLevels, f64)> = counts
        .into_iter()
        .map(|(levels, n)| (levels, n as f64))
        .collect();
    counted.sort_unstable_by_key(|(levels, _)| *levels);
    counted
}

/// Counted levels as the model reads them.
fn as_levels(counted: &[(PairLevels, f64)]) -> Vec<(&Levels, f64)> {
    counted.iter().map(|(l, n)| (l.as_slice(), *n)).collect()
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
        BlockingRule::Zip => &[Field::ZipCity],
        BlockingRule::Street => &[Field::Address],
    }
}

/// Whether a block is too common to pair out: by its rule, its key and how many leads
/// of the set at hand have it.
pub type TooCommon<'a> = dyn Fn(BlockingRule, &str, usize) -> bool + Sync + 'a;

/// The pairs of leads that share a key of one of `rules`, each once, in order; blocks
/// `too_common` says are too common are left out.
pub fn candidate_pairs(
    leads: &[Prepared],
    rules: &[BlockingRule],
    too_common: &TooCommon,
) -> Vec<LeadPair> {
    union(&blocked_pairs(leads, rules, too_common))
}

/// The pairs of leads that share a key, rule by rule, each rule's in order.
fn blocked_pairs(
    leads: &[Prepared],
    rules: &[BlockingRule],
    too_common: &TooCommon,
) -> Vec<(BlockingRule, Vec<LeadPair>)> {
    let index = |i: usize| u32::try_from(i).expect("fewer than 2³² leads");
    parallel_map(rules.len(), |r| {
        let rule = rules[r];
        // The leads by their key's hash, then each run of one hash by the key itself:
        // sorting numbers is what makes blocking a million leads quick, and a hash
        // shared by two keys still makes two blocks.
        let mut hashed: Vec<(u64, u32)> = leads
            .iter()
            .enumerate()
            .filter_map(|(i, lead)| Some((hash(&lead.key(rule)?), index(i))))
            .collect();
        hashed.sort_unstable();
        let mut pairs = Vec::new();
        for run in hashed
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|run| run.len() > 1)
        {
            let mut keyed: Vec<_> = run
                .iter()
                .filter_map(|&(_, i)| Some((leads[i as usize].key(rule)?, i)))
                .collect();
            keyed.sort_unstable();
            for block in keyed.chunk_by(|x, y| x.0 == y.0) {
                if block.len() < 2 || too_common(rule, &block[0].0.to_string(), block.len()) {
                    continue;
                }
                for (n, &(_, a)) in block.iter().enumerate() {
                    pairs.extend(block[n + 1..].iter().map(|&(_, b)| (a, b)));
                }
            }
        }
        pairs.sort_unstable();
        (rule, pairs)
    })
}

/// Every rule's pairs, each pair once, in order.
fn union(by_rule: &[(BlockingRule, Vec<LeadPair>)]) -> Vec<LeadPair> {
    let mut pairs: Vec<LeadPair> = by_rule
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// A seeded stream of numbers (SplitMix64), for the random pairs.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::{Value, column_index};

    fn pairs(leads: &[LeadValues], config: &ResolveConfig) -> Vec<LeadPair> {
        let leads = Prepared::all(leads);
        candidate_pairs(&leads, &config.blocking, &|_, _, size| size > MAX_BLOCK)
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
    fn training_compares_every_pair_up_to_its_bound_and_a_share_past_it() {
        let all = Sample::of(TRAINING_PAIRS);
        assert!((0..10_000u32).all(|a| all.keeps((a / 3, a))));
        // Ten times the bound: about a tenth, the same pairs in every run.
        let tenth = Sample::of(10 * TRAINING_PAIRS);
        let kept: Vec<u32> = (0..100_000u32)
            .filter(|&a| tenth.keeps((a / 7, a)))
            .collect();
        assert!((9_500..10_500).contains(&kept.len()), "{}", kept.len());
        let again: Vec<u32> = (0..100_000u32)
            .filter(|&a| tenth.keeps((a / 7, a)))
            .collect();
        assert_eq!(kept, again);
    }

    #[test]
    fn pairs_known_apart_teach_nothing_and_the_prior_keeps_its_floor() {
        // Forty leads on one phone, two of each name, every pair of them known apart.
        let leads: Vec<LeadValues> = (0..40)
            .map(|n| lead("+17027471797", &format!("Name{}", n % 20)))
            .collect();
        let config = ResolveConfig::default();
        let prepared = Prepared::all(&leads);
        let trained = train(&prepared, &config, 7, &|_, _| true);
        assert!(!trained.pairs.is_empty());
        let model = &trained.parameters.model;
        assert_eq!(model.prior, LEAST_DUPLICATES / 39.0);
        for comparison in &model.comparisons {
            assert_eq!(comparison.m, cold_m(comparison.m.len()));
        }
        // Learnt from, the same pairs teach the phone and the person.
        let learnt = train(&prepared, &config, 7, &|_, _| false);
        assert_ne!(learnt.parameters.model.comparisons, model.comparisons);
        assert!(learnt.parameters.model.prior > model.prior);
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
