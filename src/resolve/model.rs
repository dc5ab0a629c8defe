//! The Fellegi–Sunter model: how much each comparison's level says for or against two
//! leads being one provider, estimated without labels.
//!
//! A pair of leads is compared field by field; each comparison gives a level (its index:
//! `0` is "a value is missing", which says nothing, then the comparison's levels from the
//! most to the least alike). For a level `l` of comparison `c`, `m[c][l]` is the chance of
//! that level when the two leads are one provider, `u[c][l]` when they are not. A pair's
//! match weight is the prior's log-odds plus, per comparison, `log2(m / u)` of its level;
//! its probability follows. `u` is estimated from random pairs (nearly all of which are two
//! providers), then `m` and the prior by expectation maximisation over the blocked pairs,
//! with `u` held: no labels are needed.

/// A pair's levels, one per comparison (`0`: a value missing).
pub type Levels = [u8];

/// The chances of each level of one comparison.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Comparison {
    /// Among pairs of one provider, by level (index 0, missing, unused).
    pub m: Vec<f64>,
    /// Among pairs of two providers, by level.
    pub u: Vec<f64>,
}

/// The trained model.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Model {
    /// The chance that two leads drawn at random are one provider: the prior that goes
    /// with `u`, which is estimated from random pairs. (Inside a training session it is the
    /// share of the session's pairs, whose blocked fields are left out.)
    pub prior: f64,
    pub comparisons: Vec<Comparison>,
}

/// A chance is never taken as 0 or 1: one level never seen would otherwise veto or force
/// every pair that has it.
const FLOOR: f64 = 1e-6;

impl Model {
    /// `u` of each comparison (with `levels[c]` levels, the missing one included) from
    /// random pairs, nearly all of which are two providers; `m` starts from a guess that
    /// favours the most alike levels, for [`Model::train_counted`] to refine.
    pub fn from_random_pairs<'a>(
        levels: &[usize],
        random: impl IntoIterator<Item = &'a Levels>,
    ) -> Model {
        let mut counts: Vec<Vec<f64>> = levels.iter().map(|&n| vec![0.0; n]).collect();
        for pair in random {
            for (c, &level) in pair.iter().enumerate() {
                counts[c][usize::from(level)] += 1.0;
            }
        }
        let comparisons = counts
            .into_iter()
            .map(|count| Comparison {
                u: normalized(&count),
                m: initial_m(count.len()),
            })
            .collect();
        Model {
            prior: 0.01,
            comparisons,
        }
    }

    /// One training session: expectation maximisation over `pairs`, each distinct levels
    /// with how many pairs have them (a million leads' millions of pairs come down to a
    /// few thousand), with the comparisons `ignored` left out (a session's pairs all agree
    /// on what blocked them, which says nothing of whether they match), updating `m` of the
    /// others when `learn_m`, and the prior, `u` held, until no chance moves by more than
    /// `tolerance` or after `iterations`. Returns how many iterations it took.
    pub fn train_counted(
        &mut self,
        pairs: &[(&Levels, f64)],
        ignored: &[usize],
        learn_m: bool,
        iterations: usize,
        tolerance: f64,
    ) -> usize {
        let total: f64 = pairs.iter().map(|(_, count)| count).sum();
        for iteration in 1..=iterations {
            let mut m_counts: Vec<Vec<f64>> = self
                .comparisons
                .iter()
                .map(|c| vec![0.0; c.m.len()])
                .collect();
            let mut matches = 0.0;
            for (pair, count) in pairs {
                let p = probability(self.weight_without(pair, ignored)) * count;
                matches += p;
                for (c, &level) in pair.iter().enumerate() {
                    m_counts[c][usize::from(level)] += p;
                }
            }
            let prior = clamp(matches / total.max(1.0));
            let mut moved = (prior - self.prior).abs();
            let learnt = self
                .comparisons
                .iter_mut()
                .zip(&m_counts)
                .enumerate()
                .filter(|(c, _)| learn_m && !ignored.contains(c))
                .map(|(_, learnt)| learnt);
            for (comparison, counts) in learnt {
                let m = normalized(counts);
                moved = comparison
                    .m
                    .iter()
                    .zip(&m)
                    .skip(1)
                    .fold(moved, |most, (a, b)| most.max((a - b).abs()));
                comparison.m = m;
            }
            self.prior = prior;
            if moved <= tolerance {
                return iteration;
            }
        }
        iterations
    }

    /// Refines the prior alone, `m` and `u` held: the chance that two random leads are one
    /// provider, as the expected matches among `pairs` over the `population` of all pairs
    /// they were blocked from. A pair's chance given its levels does not depend on how it
    /// was selected, so the blocked pairs are weighed with this prior; the pairs left
    /// unblocked are taken to hold no match. (A prior of the blocked pairs' share would
    /// count the agreement that blocked them twice: once in the share, once in `m / u`.)
    /// `pairs` are counted by their levels, as in [`Model::train_counted`]. Returns how many
    /// iterations it took.
    pub fn train_prior(
        &mut self,
        pairs: &[(&Levels, f64)],
        population: f64,
        iterations: usize,
        tolerance: f64,
    ) -> usize {
        for iteration in 1..=iterations {
            let matches: f64 = pairs
                .iter()
                .map(|(pair, count)| self.probability(pair) * count)
                .sum();
            // Below `FLOOR`: a million leads make half a trillion pairs.
            let prior = (matches / population.max(1.0)).clamp(f64::EPSILON, 1.0 - FLOOR);
            let moved = (prior - self.prior).abs() / self.prior;
            self.prior = prior;
            if moved <= tolerance {
                return iteration;
            }
        }
        iterations
    }

    /// The pair's match weight, in bits: the prior's log-odds plus each level's
    /// `log2(m / u)`; a missing value adds nothing.
    pub fn weight(&self, pair: &Levels) -> f64 {
        self.weight_without(pair, &[])
    }

    /// The weight with the comparisons `ignored` left out.
    fn weight_without(&self, pair: &Levels, ignored: &[usize]) -> f64 {
        let prior = log_odds(self.prior);
        pair.iter()
            .zip(&self.comparisons)
            .enumerate()
            .filter(|(c, (level, _))| **level != 0 && !ignored.contains(c))
            .map(|(_, compared)| compared)
            .fold(prior, |weight, (&level, c)| {
                let l = usize::from(level);
                weight + (clamp(c.m[l]) / clamp(c.u[l])).log2()
            })
    }

    /// The chance that the pair is one provider.
    pub fn probability(&self, pair: &Levels) -> f64 {
        probability(self.weight(pair))
    }
}

/// The chance a match weight (in bits) stands for.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    odds / (1.0 + odds)
}

/// The match weight (in bits) a chance stands for: its log-odds, [`probability`] undone.
pub fn log_odds(probability: f64) -> f64 {
    (probability / (1.0 - probability)).log2()
}

/// How often each value of one field occurs among the records: an exact match on a common
/// value (a chain's central phone, KINDERCARE, a long avenue) says less than one on a rare
/// value. The exact level's `u` is the chance that two random records agree on *some*
/// value; for a given value it is that value's frequency.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TermFrequencies {
    counts: std::collections::HashMap<String, u64>,
    total: u64,
}

impl TermFrequencies {
    /// The frequencies of `values`, one per record that has one, keeping only the values
    /// of three records or more, which are all an exact agreement's adjustment needs to
    /// tell apart from a value two records share: what is stored. The values are counted
    /// by their hashes first, then only those whose hash three records or more have are
    /// counted by their text: a million records' values, nearly all of one or two records,
    /// are never all copied.
    pub fn shared_among<'a>(values: impl Iterator<Item = &'a str> + Clone) -> TermFrequencies {
        let mut by_hash: rustc_hash::FxHashMap<u64, u32> = Default::default();
        let mut total = 0;
        for value in values.clone() {
            *by_hash.entry(super::hash(&value)).or_default() += 1;
            total += 1;
        }
        let mut counts = std::collections::HashMap::new();
        // A value of three records has a hash of three records or more.
        for value in values.filter(|v| by_hash[&super::hash(v)] >= 3) {
            match counts.get_mut(value) {
                Some(count) => *count += 1,
                None => {
                    counts.insert(value.to_string(), 1);
                }
            }
        }
        counts.retain(|_, count| *count >= 3);
        TermFrequencies { counts, total }
    }

    /// The share of the records that have `value`. A value not counted is taken as shared
    /// by two records, the fewest an exact agreement implies:
    /// [`TermFrequencies::shared_among`] keeps only those of three or more.
    pub fn frequency(&self, value: &str) -> f64 {
        match self.total {
            0 => 0.0,
            total => self.counts.get(value).copied().unwrap_or(2) as f64 / total as f64,
        }
    }

    /// The bits to add to an exact match's weight on `value`, whose comparison's exact level
    /// has chance `u_exact` among two providers: `log2(u_exact / frequency)`, negative for a
    /// value commoner than the average agreement, positive for a rarer one.
    pub fn adjustment(&self, value: &str, u_exact: f64) -> f64 {
        (clamp(u_exact) / clamp(self.frequency(value))).log2()
    }
}

/// A match threshold chosen without labels, with what the model expects of it.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Threshold {
    /// Pairs of at least this match weight, in bits, are matches. The weight is kept, not
    /// only its probability: near certainty a probability cannot tell weights apart (past
    /// 53 bits it is 1), and the weight computed back from it can come out above the
    /// pair's own that the threshold was chosen at.
    pub weight: f64,
    /// The weight's probability, as the threshold is shown.
    pub probability: f64,
    /// The model's own estimate of the share of those pairs that are one provider: the mean
    /// of their probabilities.
    pub precision: f64,
    /// Its estimate of the share of all matching pairs (among those scored) they hold: their
    /// probabilities' sum over all pairs' sum.
    pub recall: f64,
}

impl Threshold {
    /// The estimated F1 of the threshold.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision, self.recall);
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }

    /// What the model estimates of the threshold, in words: its precision and recall, or
    /// that no pair at or above it (none scored, in a first load of single-state files)
    /// gives an estimate.
    pub fn estimates(&self) -> String {
        match self.precision > 0.0 {
            true => format!(
                "the model estimates precision {:.3}, recall {:.3}",
                self.precision, self.recall
            ),
            false => "no pair at or above it to estimate precision and recall from".to_string(),
        }
    }

    /// The model's estimates of a threshold given as `probability`, over the scored pairs'
    /// match weights.
    pub fn at(weights: &[f64], probability: f64) -> Threshold {
        let weight = log_odds(probability);
        let total: f64 = weights.iter().map(|&w| self::probability(w)).sum();
        let above: Vec<f64> = weights
            .iter()
            .filter(|&&w| w >= weight)
            .map(|&w| self::probability(w))
            .collect();
        let sum: f64 = above.iter().sum();
        Threshold {
            weight,
            probability,
            precision: if above.is_empty() {
                0.0
            } else {
                sum / above.len() as f64
            },
            recall: if total > 0.0 { sum / total } else { 0.0 },
        }
    }

    /// The threshold over the scored pairs' match weights whose estimated F1 is best: if
    /// the model is calibrated, a pair of probability `p` is one provider with chance `p`,
    /// so precision and recall at any threshold follow from the probabilities alone.
    /// `None` when there is no pair. Sorts the weights it is given, in place.
    pub fn choose(mut sorted: Vec<f64>) -> Option<Threshold> {
        sorted.sort_unstable_by(|a, b| b.total_cmp(a));
        let total: f64 = sorted.iter().map(|&w| probability(w)).sum();
        let mut above = 0.0;
        let mut best: Option<Threshold> = None;
        for (n, &weight) in sorted.iter().enumerate() {
            above += probability(weight);
            // Only where the next pair weighs less: ties stand or fall together.
            if sorted.get(n + 1) == Some(&weight) {
                continue;
            }
            let candidate = Threshold {
                weight,
                probability: probability(weight),
                precision: above / (n + 1) as f64,
                recall: if total > 0.0 { above / total } else { 0.0 },
            };
            if best.is_none_or(|b| candidate.f1() > b.f1()) {
                best = Some(candidate);
            }
        }
        best
    }
}

/// Counts as chances, over the levels after the missing one (which gets none).
fn normalized(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().skip(1).sum();
    let mut chances = vec![0.0; counts.len()];
    for (chance, count) in chances.iter_mut().zip(counts).skip(1) {
        *chance = if total > 0.0 {
            clamp(count / total)
        } else {
            0.0
        };
    }
    chances
}

/// What `m` is taken to be for a field no training session could learn (a first load
/// whose pairs are all known to be two providers): [`initial_m`], but with the least alike
/// level (`Different`) as likely as a tenth of everything else. One provider's records
/// differ there often enough (a move, a new license number, another source's keys) that
/// it must count against a match, not veto it.
pub(crate) fn cold_m(n: usize) -> Vec<f64> {
    let mut m = initial_m(n);
    if let Some((different, rest)) = m.split_last_mut() {
        *different = rest.iter().sum::<f64>() / 10.0;
    }
    normalized(&m)
}

/// A first guess of `m` over `n` levels (the missing one included): each level half as
/// likely as the one more alike.
fn initial_m(n: usize) -> Vec<f64> {
    let halves: Vec<f64> = (0..n)
        .map(|l| if l == 0 { 0.0 } else { 0.5f64.powi(l as i32) })
        .collect();
    normalized(&halves)
}

fn clamp(p: f64) -> f64 {
    p.clamp(FLOOR, 1.0 - FLOOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cold_m_makes_different_a_tenth_of_the_rest() {
        let m = cold_m(8);
        assert_eq!(m[0], 0.0);
        assert!((m.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let rest: f64 = m[1..7].iter().sum();
        assert!((m[7] / rest - 0.1).abs() < 1e-12);
        assert!(m[1] > m[2] && m[2] > m[6] && m[7] > m[6]);
    }

    /// A deterministic stream of numbers in [0, 1), for drawing synthetic pairs.
    struct Draws(u64);

    impl Draws {
        fn next(&mut self) -> f64 {
            // SplitMix64.
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as f64 / u64::MAX as f64
        }

        /// A level drawn with these chances (index 0 unused).
        fn level(&mut self, chances: &[f64]) -> u8 {
            let mut x = self.next();
            for (l, &p) in chances.iter().enumerate().skip(1) {
                if x < p {
                    return l as u8;
                }
                x -= p;
            }
            (chances.len() - 1) as u8
        }
    }

    /// Two comparisons of three levels (exact, close, different), and a missing value in
    /// one pair of ten.
    const TRUE_M: [[f64; 4]; 2] = [[0.0, 0.85, 0.10, 0.05], [0.0, 0.70, 0.20, 0.10]];
    const TRUE_U: [[f64; 4]; 2] = [[0.0, 0.01, 0.04, 0.95], [0.0, 0.02, 0.08, 0.90]];

    fn pairs(draws: &mut Draws, n: usize, share_matching: f64) -> Vec<Vec<u8>> {
        (0..n)
            .map(|_| {
                let table = if draws.next() < share_matching {
                    &TRUE_M
                } else {
                    &TRUE_U
                };
                table
                    .iter()
                    .map(|chances| {
                        if draws.next() < 0.1 {
                            0
                        } else {
                            draws.level(chances)
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_shared_phone_weighs_less_than_a_rare_one() {
        let rare: Vec<String> = (0..921).map(|n| format!("+1405{n:07}")).collect();
        let values = std::iter::repeat_n("+14055550000", 79).chain(rare.iter().map(String::as_str));
        let phones = TermFrequencies::shared_among(values);
        assert_eq!(phones.frequency("+14055550000"), 0.079);
        // A value of one record is taken as one of two: an exact agreement implies two.
        assert_eq!(phones.frequency("+14050000001"), 0.002);
        // Two random records agree on a phone with chance 0.0063 (79² + 921 over 1000²).
        let u_exact = (79.0 * 79.0 + 921.0) / 1e6;
        let chain = phones.adjustment("+14055550000", u_exact);
        let rare = phones.adjustment("+14050000001", u_exact);
        assert!((chain - (u_exact / 0.079).log2()).abs() < 1e-12);
        assert!(chain < -3.0 && rare > 1.5, "{chain} {rare}");
    }

    #[test]
    fn a_threshold_is_chosen_from_the_probabilities_alone() {
        // Nine near-certain pairs, one doubtful, ten unlikely.
        let mut weights = vec![log_odds(0.99); 9];
        weights.push(log_odds(0.6));
        weights.extend([log_odds(0.01); 10]);
        let chosen = Threshold::choose(weights).unwrap();
        assert_eq!(chosen.weight, log_odds(0.6));
        assert!((chosen.probability - 0.6).abs() < 1e-12);
        assert!((chosen.precision - 9.51 / 10.0).abs() < 1e-12);
        assert!((chosen.recall - 9.51 / 9.61).abs() < 1e-12);
        assert_eq!(Threshold::choose(Vec::new()), None);
        assert_eq!(
            chosen.estimates(),
            "the model estimates precision 0.951, recall 0.990"
        );
        assert_eq!(
            Threshold::at(&[], 0.5).estimates(),
            "no pair at or above it to estimate precision and recall from"
        );
        // A tie is taken whole.
        let tied = Threshold::choose(vec![log_odds(0.9), log_odds(0.9), log_odds(0.1)]).unwrap();
        assert_eq!(tied.weight, log_odds(0.9));
        assert!((tied.precision - 0.9).abs() < 1e-12);
        // Past 53 bits every probability is 1, and the weight still tells pairs apart.
        let certain = Threshold::choose(vec![80.0, 60.0, -20.0]).unwrap();
        assert_eq!((certain.weight, certain.probability), (60.0, 1.0));
    }

    #[test]
    fn u_comes_from_random_pairs_and_m_from_em_without_labels() {
        let mut draws = Draws(7);
        let random = pairs(&mut draws, 50_000, 0.0);
        let mut model = Model::from_random_pairs(&[4, 4], random.iter().map(Vec::as_slice));
        for (c, truth) in TRUE_U.iter().enumerate() {
            let learnt = &model.comparisons[c].u;
            for (l, (u, true_u)) in learnt.iter().zip(truth).enumerate().skip(1) {
                assert!(
                    (u - true_u).abs() < 0.005,
                    "u[{c}][{l}] = {u}, not {true_u}"
                );
            }
        }
        // Blocked pairs: a fifth of them one provider.
        let blocked = pairs(&mut draws, 50_000, 0.2);
        let blocked: Vec<&Levels> = blocked.iter().map(Vec::as_slice).collect();
        let counted: Vec<(&Levels, f64)> = blocked.iter().map(|pair| (*pair, 1.0)).collect();
        let iterations = model.train_counted(&counted, &[], true, 100, 1e-6);
        assert!(iterations < 100, "converged in {iterations}");
        assert!((model.prior - 0.2).abs() < 0.02, "prior {}", model.prior);
        for (c, truth) in TRUE_M.iter().enumerate() {
            let learnt = &model.comparisons[c].m;
            for (l, (m, true_m)) in learnt.iter().zip(truth).enumerate().skip(1) {
                assert!((m - true_m).abs() < 0.03, "m[{c}][{l}] = {m}, not {true_m}");
            }
        }
        // The blocked pairs came from ten times as many: the prior of two random leads is at
        // most a tenth of their share (a doubtful match loses some chance under the smaller
        // prior), and most of it.
        let mut random_prior = model.clone();
        random_prior.train_prior(&counted, 10.0 * blocked.len() as f64, 100, 1e-9);
        let tenth = model.prior / 10.0;
        assert!(
            random_prior.prior <= tenth + 1e-9 && random_prior.prior > 0.7 * tenth,
            "prior {} against {tenth}",
            random_prior.prior
        );
        // Both exact: strong evidence; both different: strong evidence against; a missing
        // value counts for nothing.
        assert!(model.probability(&[1, 1]) > 0.99);
        assert!(model.probability(&[3, 3]) < 0.01);
        let prior_only = log_odds(model.prior);
        assert!((model.weight(&[0, 0]) - prior_only).abs() < 1e-12);
        let exact = (model.comparisons[0].m[1] / model.comparisons[0].u[1]).log2();
        assert!((model.weight(&[1, 0]) - prior_only - exact).abs() < 1e-12);
    }
}
