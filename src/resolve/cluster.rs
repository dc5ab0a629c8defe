//! Clustering the scored pairs into entities, with a guard against chaining.
//!
//! Connected components of the pairs above the match threshold chain: two chain sites,
//! different providers, end in one entity when a third lead links to each of them (a re-
//! export of one site that shares the chain's central phone with the other). Here pairs are
//! merged from the strongest down, and a merge is refused when the two clusters hold a
//! pair with strong evidence against (a weight at or below `veto`): a cluster never
//! contains two leads the model says are different providers. The pairs across two small
//! clusters are all weighed (`weigh`), blocked together or not; across large ones, only
//! those blocked together.

/// Two records (by index) and the model's match weight of the pair, in bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub weight: f64,
}

/// A person's verdict on a pair, which wins over the model: a `must_link` pair is merged
/// before any other (unless a `cannot_link` keeps its clusters apart), a `cannot_link` one
/// is never in one cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub a: usize,
    pub b: usize,
    pub must_link: bool,
}

impl Label {
    /// The label as a pair of infinite weight, for or against.
    pub fn as_pair(&self) -> Pair {
        Pair {
            a: self.a,
            b: self.b,
            weight: if self.must_link {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            },
        }
    }
}

/// Across two clusters with at most this many pairs between them, every pair is weighed.
const WEIGHED_ACROSS: usize = 2_500;

/// The cluster of each of `n` records (the smallest index among its members): pairs of
/// weight at least `link` merge their clusters, strongest first, unless the merge would
/// put together a pair of weight at most `veto`, among the scored pairs or, across two
/// small clusters, as `weigh` weighs any pair. A pair of infinite weight (a
/// [`Label`]) is kept apart, or merged, by labels alone. The pairs are those `pairs`
/// gives, each time in the same order: a million leads' pairs need not be held as
/// [`Pair`]s.
pub(crate) fn cluster_scored<P: Iterator<Item = Pair>>(
    n: usize,
    pairs: impl Fn() -> P,
    link: f64,
    veto: f64,
    weigh: impl Fn(usize, usize) -> f64,
) -> Vec<usize> {
    let against = |labelled: bool| {
        let pairs = || {
            pairs().filter(move |p| p.weight <= veto && (p.weight == f64::NEG_INFINITY) == labelled)
        };
        Against::new(n, pairs)
    };
    let (vetoes, labelled) = (against(false), against(true));
    let mut links: Vec<Pair> = pairs().filter(|p| p.weight >= link).collect();
    links.sort_by(|x, y| y.weight.total_cmp(&x.weight));
    let mut clusters = Clusters::new(n);
    for pair in links {
        let (a, b) = (clusters.root(pair.a), clusters.root(pair.b));
        if a == b || clusters.vetoed(a, b, &labelled) {
            continue;
        }
        let forced = pair.weight == f64::INFINITY;
        if forced || !(clusters.vetoed(a, b, &vetoes) || clusters.against(a, b, veto, &weigh)) {
            clusters.merge(a, b);
        }
    }
    (0..n).map(|i| clusters.smallest_member(i)).collect()
}

/// The records each record has a pair against, all in two arrays: a million records'
/// millions of vetoes fit in a few bytes each.
struct Against {
    /// Where each record's partners start in `partners`, and where the last's end.
    starts: Vec<usize>,
    partners: Vec<u32>,
}

impl Against {
    fn new<P: Iterator<Item = Pair>>(n: usize, pairs: impl Fn() -> P) -> Against {
        let mut starts = vec![0usize; n + 1];
        for pair in pairs() {
            starts[pair.a + 1] += 1;
            starts[pair.b + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut filled = starts.clone();
        let mut partners = vec![0u32; starts[n]];
        let index = |i: usize| u32::try_from(i).expect("fewer than 2³² records");
        for pair in pairs() {
            for (from, to) in [(pair.a, pair.b), (pair.b, pair.a)] {
                partners[filled[from]] = index(to);
                filled[from] += 1;
            }
        }
        Against { starts, partners }
    }

    fn of(&self, record: usize) -> &[u32] {
        &self.partners[self.starts[record]..self.starts[record + 1]]
    }
}

/// Disjoint sets of records, each set's members kept for the veto check.
struct Clusters {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl Clusters {
    fn new(n: usize) -> Clusters {
        Clusters {
            parent: (0..n).collect(),
            members: (0..n).map(|i| vec![i]).collect(),
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Whether a member of one cluster has a veto against a member of the other; the
    /// smaller cluster's members are looked through.
    fn vetoed(&mut self, a: usize, b: usize, vetoes: &Against) -> bool {
        let (small, other) = if self.members[a].len() <= self.members[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        let members = self.members[small].clone();
        members
            .iter()
            .any(|&m| vetoes.of(m).iter().any(|&x| self.root(x as usize) == other))
    }

    /// Whether two small clusters hold a pair `weigh` weighs at or below `veto`.
    fn against(&self, a: usize, b: usize, veto: f64, weigh: &impl Fn(usize, usize) -> f64) -> bool {
        let (x, y) = (&self.members[a], &self.members[b]);
        x.len() * y.len() <= WEIGHED_ACROSS
            && x.iter().any(|&i| y.iter().any(|&j| weigh(i, j) <= veto))
    }

    /// Merges two roots, the larger cluster taking the smaller.
    fn merge(&mut self, a: usize, b: usize) {
        let (keep, gone) = if self.members[a].len() >= self.members[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[gone] = keep;
        let moved = std::mem::take(&mut self.members[gone]);
        self.members[keep].extend(moved);
    }

    fn smallest_member(&mut self, i: usize) -> usize {
        let root = self.root(i);
        *self.members[root]
            .iter()
            .min()
            .expect("a cluster has a member")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(
        n: usize,
        pairs: &[Pair],
        link: f64,
        veto: f64,
        weigh: impl Fn(usize, usize) -> f64,
    ) -> Vec<usize> {
        cluster_scored(n, || pairs.iter().copied(), link, veto, weigh)
    }

    fn pair(a: usize, b: usize, weight: f64) -> Pair {
        Pair { a, b, weight }
    }

    /// A pair not blocked together: no evidence either way.
    fn unscored(_: usize, _: usize) -> f64 {
        0.0
    }

    #[test]
    fn a_pair_never_blocked_together_can_still_keep_two_clusters_apart() {
        // 0–1 and 2–3 link; 1–2 links the two; 0 and 3 were never compared, but weighed
        // they are two providers.
        let pairs = [pair(0, 1, 10.0), pair(2, 3, 10.0), pair(1, 2, 5.0)];
        let weigh = |a: usize, b: usize| {
            if (a, b) == (0, 3) || (a, b) == (3, 0) {
                -9.0
            } else {
                1.0
            }
        };
        assert_eq!(cluster(4, &pairs, 4.0, -6.0, weigh), [0, 0, 2, 2]);
        assert_eq!(cluster(4, &pairs, 4.0, -6.0, unscored), [0, 0, 0, 0]);
    }

    #[test]
    fn a_third_lead_does_not_chain_two_providers_the_model_tells_apart() {
        // 0 and 2 are two sites of a chain (one phone, different addresses: strong evidence
        // against); 1 is a re-export of 0 that shares the phone with 2 as well.
        let pairs = [pair(0, 1, 12.0), pair(1, 2, 5.0), pair(0, 2, -9.0)];
        assert_eq!(cluster(3, &pairs, 4.0, -6.0, unscored), [0, 0, 2]);
        // Connected components (no veto) would have chained them.
        assert_eq!(
            cluster(3, &pairs, 4.0, f64::NEG_INFINITY, unscored),
            [0, 0, 0]
        );
    }

    #[test]
    fn links_are_transitive_where_nothing_speaks_against() {
        let pairs = [
            pair(3, 4, 10.0),
            pair(4, 5, 8.0),
            pair(0, 1, 3.9),
            pair(1, 2, -1.0),
        ];
        assert_eq!(cluster(6, &pairs, 4.0, -6.0, unscored), [0, 1, 2, 3, 3, 3]);
    }

    #[test]
    fn labels_win_over_the_model() {
        // The model links 0–1 and vetoes 1–2; a person says 1 and 2 are one provider and
        // 0 and 1 are not.
        let mut pairs = vec![pair(0, 1, 12.0), pair(1, 2, -9.0)];
        assert_eq!(cluster(3, &pairs, 4.0, -6.0, unscored), [0, 0, 2]);
        pairs.push(
            Label {
                a: 1,
                b: 2,
                must_link: true,
            }
            .as_pair(),
        );
        pairs.push(
            Label {
                a: 0,
                b: 1,
                must_link: false,
            }
            .as_pair(),
        );
        assert_eq!(cluster(3, &pairs, 4.0, -6.0, unscored), [0, 1, 1]);
    }

    #[test]
    fn the_stronger_link_wins_a_contested_lead() {
        // 1 matches 0 better than 2, and 0 and 2 are different providers.
        let pairs = [pair(1, 2, 6.0), pair(0, 1, 11.0), pair(0, 2, -8.0)];
        assert_eq!(cluster(3, &pairs, 4.0, -6.0, unscored), [0, 0, 2]);
    }
}
