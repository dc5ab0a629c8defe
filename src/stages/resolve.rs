//! Entity resolution in the load: after a run's files, the leads it brought or changed are
//! linked into the stored entities, in the run's transaction, with the stored parameters.
//!
//! A change can only move the leads connected to it, so only those are clustered again:
//! the new and changed leads, the leads they now link to (they share a blocking key and
//! weigh at least the threshold), and everything connected to either through a link, a
//! `must_link` label or an entity. Leads are read with only the columns resolution
//! compares, and spelled once as they are read (`resolve::prepared`). Clustering a
//! union of whole connected groups gives each group what clustering everything would,
//! so a load gives the partition a rebuild gives (a test holds the two equal). A block
//! that grows past [`MAX_BLOCK`] leads keeps the links it made until the next rebuild.
//!
//! What the model cannot know, the load does: two leads one snapshot of a source lists
//! together are two operations in the agency's own records (the sites of a chain, a
//! family's two homes), and are never one entity unless a person labels them so. A home
//! provider who re-licensed under a new number is not caught by this: the snapshot that
//! lists her new number no longer lists the old one. Nor are two leads whose addresses are
//! in two countries ever one entity: most rules do not compare the state (a phone, a
//! person's name), and a CRM's Canadian record is no US provider.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use crate::lead::LeadValues;
use crate::pipeline::{RunReport, Stage, StageError};
use crate::resolve::Linked;
use crate::resolve::batch::{LeadPair, MAX_BLOCK, candidate_pairs, cluster_leads, train};
use crate::resolve::block::BlockingRule;
use crate::resolve::cluster::Label;
use crate::resolve::config::ResolveConfig;
use crate::resolve::ids::{EntityChange, assign};
use crate::resolve::params::Parameters;
use crate::resolve::prepared::{self, Prepared, cores, parallel_map, parallel_map_on};
use crate::store::{Resolved, ResolvingLead, Store, StoreError};

/// How much of the stored resolution a run recomputes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The leads new or changed since they were last resolved, and what they touch.
    Link,
    /// Every lead, from scratch, with the stored parameters.
    Rebuild,
    /// The parameters trained again on every lead, then every lead from scratch.
    Retrain,
}

/// The seed of the random pairs the model's `u` is estimated from: a retrain on the same
/// leads learns the same parameters.
const SEED: u64 = 42;

/// The resolution stage of a load.
#[derive(Debug, Default)]
pub struct Resolve {
    /// The configuration to train under when the database has no parameters yet.
    config: ResolveConfig,
}

impl Resolve {
    pub fn new(config: ResolveConfig) -> Resolve {
        Resolve { config }
    }
}

impl Stage for Resolve {
    fn name(&self) -> &'static str {
        "resolve"
    }

    fn after_files(&self, store: &mut Store, report: &mut RunReport) -> Result<(), StageError> {
        report.resolution = Some(link(store, &report.run_id, &self.config, Mode::Link)?);
        Ok(())
    }
}

/// Links leads into entities as `mode` says, under run `run_id`, training the parameters
/// under `config` when there are none yet or `mode` retrains.
pub fn link(
    store: &mut Store,
    run_id: &str,
    config: &ResolveConfig,
    mode: Mode,
) -> Result<Linked, StoreError> {
    let started = Instant::now();
    let stored = match mode {
        Mode::Retrain => None,
        Mode::Link | Mode::Rebuild => store.resolve_parameters()?,
    };
    let from_scratch = mode != Mode::Link || stored.is_none();
    let mut timer = Timer(Instant::now());
    let dirty = match from_scratch {
        true => store.all_lead_ids()?,
        false => store.unresolved_leads()?,
    };
    timer.lap("the leads to link found");
    let mut linked = Linked {
        leads: dirty.len(),
        ..Linked::default()
    };
    store.mark_resolved(run_id)?;
    if dirty.is_empty() {
        linked.threshold = stored.map(|p| p.threshold);
        return Ok(linked);
    }
    let (parameters, ids, scope, trained_pairs) = match (mode, stored) {
        (Mode::Link, Some(parameters)) => {
            store.widen_cache_for_linking()?;
            let ids = touched(store, dirty, &parameters, &mut timer)?;
            let scope = Scope::read(store, &ids, ReadOrder::OldestFirst)?;
            timer.lap("the leads to cluster read and spelled");
            (parameters, ids, scope, None)
        }
        (_, stored) => {
            store.clear_resolution()?;
            let scope = Scope::read(store, &dirty, ReadOrder::OldestFirst)?;
            timer.lap("the leads read and spelled");
            let (parameters, pairs) = match stored {
                Some(parameters) => (parameters, None),
                None => {
                    let apart = |a, b| scope.apart(a, b);
                    let trained = train(&scope.prepared, config, SEED, &apart);
                    store.save_parameters(run_id, scope.leads.len(), &trained.parameters)?;
                    timer.lap("the parameters trained");
                    linked.trained = true;
                    (trained.parameters, Some(trained.pairs))
                }
            };
            (parameters, dirty, scope, pairs)
        }
    };
    let pairs = blocked(
        store,
        &scope,
        &parameters.config.blocking,
        from_scratch,
        trained_pairs,
        &mut timer,
    )?;
    let leads = &scope.leads;
    let index: HashMap<&str, usize> = leads
        .iter()
        .enumerate()
        .map(|(i, l)| (l.lead_id.as_str(), i))
        .collect();
    let labels: Vec<Label> = store
        .labels_among(&ids)?
        .iter()
        .map(|label| Label {
            a: index[label.lead_a.as_str()],
            b: index[label.lead_b.as_str()],
            must_link: label.must_link,
        })
        .collect();
    let apart = |a, b| scope.apart(a, b);
    let clustered = cluster_leads(&scope.prepared, &pairs, &parameters, &labels, &apart);
    timer.lap("the pairs weighed and clustered");
    let before: Vec<_> = leads.iter().map(|l| l.entity).collect();
    let assignment = assign(&before, &clustered.clusters, store.next_entity_id()?);
    let resolved = Resolved {
        members: leads
            .iter()
            .zip(&assignment.ids)
            .map(|(l, &id)| (l.lead_id.clone(), id, l.record_hash.clone()))
            .collect(),
        links: clustered
            .links
            .iter()
            .map(|pair| {
                let (a, b) = (&leads[pair.a].lead_id, &leads[pair.b].lead_id);
                let (a, b) = if a < b { (a, b) } else { (b, a) };
                (a.clone(), b.clone(), pair.weight)
            })
            .collect(),
        changes: assignment.changes,
    };
    match from_scratch {
        true => store.write_all_resolution(run_id, &ids, &resolved)?,
        false => store.write_resolution(run_id, &ids, &resolved)?,
    }
    timer.lap("the entities written");
    if from_scratch {
        store.refresh_resolution_statistics()?;
        timer.lap("the store's statistics refreshed");
    }
    let count = |kind| resolved.changes.iter().filter(|c| c.change == kind).count();
    linked.scope = ids.len();
    linked.pairs = pairs.len();
    linked.created = count(EntityChange::Created);
    linked.grew = count(EntityChange::Grew);
    linked.merged = count(EntityChange::Merged);
    linked.split = count(EntityChange::Split);
    linked.threshold = Some(parameters.threshold);
    linked.seconds = started.elapsed().as_secs_f64();
    Ok(linked)
}

/// The pairs of the scope's leads to weigh, their blocking keys stored first when
/// `from_scratch`: the pairs a training just made of these same leads (`trained`), or
/// blocked anew, a block too common among all stored leads left out.
fn blocked(
    store: &mut Store,
    scope: &Scope,
    rules: &[BlockingRule],
    from_scratch: bool,
    trained: Option<Vec<LeadPair>>,
    timer: &mut Timer,
) -> Result<Vec<LeadPair>, StoreError> {
    let keyed = scope.keyed(rules);
    if from_scratch {
        store.replace_all_keys(&keyed)?;
        timer.lap("their keys stored");
    }
    if let Some(pairs) = trained {
        return Ok(pairs);
    }
    // How common each key is among all leads: from scratch, the scope is all of them.
    let counts: HashMap<i64, u64> = if from_scratch {
        let mut counts = HashMap::new();
        for key in keyed.iter().flat_map(|(_, keys)| keys) {
            *counts.entry(*key).or_default() += 1;
        }
        counts
    } else {
        store.key_counts(&all_keys(&keyed))?
    };
    drop(keyed);
    let too_common = |rule: BlockingRule, key: &str, _| {
        counts
            .get(&rule.hashed(key))
            .is_some_and(|&n| n as usize > MAX_BLOCK)
    };
    let pairs = candidate_pairs(&scope.prepared, rules, &too_common);
    timer.lap("their keys counted and paired");
    Ok(pairs)
}

/// The leads whose clusters a change among `dirty` (new or changed leads) can move: those,
/// the leads one of them now links with (it shares a key with, and weighs at least the
/// threshold against), and all connected to either. The leads a changed one shares only a
/// key with, below the threshold, stay as they are. Stores the changed leads' new keys.
fn touched(
    store: &mut Store,
    dirty: Vec<String>,
    parameters: &Parameters,
    timer: &mut Timer,
) -> Result<Vec<String>, StoreError> {
    let rules = &parameters.config.blocking;
    let changed = Scope::read(store, &dirty, ReadOrder::AsFound)?;
    let keyed = changed.keyed(rules);
    store.replace_keys(&keyed)?;
    let counts = store.key_counts(&all_keys(&keyed))?;
    timer.lap("the changed leads' keys stored and counted");
    let usable = |key: &i64| counts.get(key).is_some_and(|&n| n as usize <= MAX_BLOCK);
    let shared: Vec<i64> = all_keys(&keyed).into_iter().filter(usable).collect();
    let known: HashSet<&str> = dirty.iter().map(String::as_str).collect();
    // The other leads, each with the shared keys it holds.
    let mut held = store.leads_with_keys(&shared)?;
    held.retain(|(id, _)| !known.contains(id.as_str()));
    let mut ids: Vec<String> = held.iter().map(|(id, _)| id.clone()).collect();
    ids.dedup();
    let others = Scope::read(store, &ids, ReadOrder::AsFound)?;
    // Which of them, in the order the store read them, hold each key.
    let at: HashMap<&str, usize> = others
        .leads
        .iter()
        .enumerate()
        .map(|(i, other)| (other.lead_id.as_str(), i))
        .collect();
    let mut holding: HashMap<i64, Vec<usize>> = HashMap::new();
    for (id, key) in &held {
        if let Some(&i) = at.get(id.as_str()) {
            holding.entry(*key).or_default().push(i);
        }
    }
    timer.lap(&format!(
        "the {} leads sharing their keys read and spelled",
        others.leads.len()
    ));
    let link = parameters.link_weight();
    // Each changed lead's links among the others, on all cores.
    let links = parallel_map(keyed.len(), |n| {
        let (lead, prepared) = (&changed.leads[n], &changed.prepared[n]);
        let mut sharing: Vec<usize> = keyed[n]
            .1
            .iter()
            .filter(|k| usable(k))
            .filter_map(|k| holding.get(k))
            .flatten()
            .copied()
            .collect();
        sharing.sort_unstable();
        sharing.dedup();
        sharing.retain(|&i| {
            !lead.listing.with(&others.leads[i].listing)
                && !prepared.in_two_countries(&others.prepared[i])
                && prepared.weight(&others.prepared[i], parameters) >= link
        });
        sharing
    });
    let mut linked = vec![false; others.leads.len()];
    links.into_iter().flatten().for_each(|i| linked[i] = true);
    let mut seeds = dirty;
    seeds.extend(
        others
            .leads
            .into_iter()
            .zip(linked)
            .filter(|(_, linked)| *linked)
            .map(|(other, _)| other.lead_id),
    );
    timer.lap("the pairs of changed leads weighed");
    let connected = store.connected(&seeds);
    timer.lap("the leads connected to them found");
    connected
}

/// The order leads are read in for resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReadOrder {
    /// Oldest first: by the file that first brought them, then by id. Clusters are made
    /// in this order, so that each keeps the id of its oldest member's entity.
    OldestFirst,
    /// As the store finds them: leads that are only weighed need no order.
    AsFound,
}

/// Leads read for resolution: what the store holds of each and its spelling, in one order.
struct Scope {
    leads: Vec<ResolvingLead>,
    prepared: Vec<Prepared>,
}

/// Every key of leads keyed by [`Scope::keyed`], in order.
fn all_keys(keyed: &[(String, Vec<i64>)]) -> Vec<i64> {
    keyed.iter().flat_map(|(_, keys)| keys).copied().collect()
}

/// Leads spelled at a time as they are read.
const CHUNK: usize = 4_096;

impl Scope {
    /// The leads of `ids`, in `order`, read and spelled a chunk at a time: a million
    /// leads' values are never all held at once. One chunk is spelled while the next is
    /// read, on the cores reading leaves: reading is the slower, and a speller that took
    /// its core too would slow it down. Chunks are small, and the speller hands each back
    /// emptied to be filled again: memory fresh from the system is zeroed page by page as
    /// it is first touched, which profiles of linking showed as a large share of its time.
    fn read(store: &mut Store, ids: &[String], order: ReadOrder) -> Result<Scope, StoreError> {
        let spellers = cores() - 1;
        let mut leads = Vec::with_capacity(ids.len());
        let (prepared, read) = std::thread::scope(|scope| {
            let (chunks, to_spell) = std::sync::mpsc::sync_channel::<Vec<LeadValues>>(1);
            let (emptied, to_fill) = std::sync::mpsc::channel::<Vec<LeadValues>>();
            let speller = scope.spawn(move || {
                let mut prepared = Vec::with_capacity(ids.len());
                for mut chunk in to_spell {
                    let spell = |n: usize| Prepared::of(&chunk[n]);
                    prepared.extend(parallel_map_on(spellers, chunk.len(), spell));
                    chunk.clear();
                    // The reader may be done: then the chunk is not needed.
                    let _ = emptied.send(chunk);
                }
                prepared
            });
            let fresh = || Vec::with_capacity(CHUNK.min(ids.len()));
            let mut chunk = fresh();
            let read = store.resolving_leads(ids, &prepared::COLUMNS, &mut |lead, values| {
                leads.push(lead);
                chunk.push(values);
                if chunk.len() == CHUNK {
                    let next = to_fill.try_recv().unwrap_or_else(|_| fresh());
                    let full = std::mem::replace(&mut chunk, next);
                    chunks.send(full).expect("the speller takes every chunk");
                }
            });
            chunks.send(chunk).expect("the speller takes every chunk");
            drop(chunks);
            (speller.join().expect("spelling does not panic"), read)
        });
        read?;
        let mut scope = Scope { leads, prepared };
        if order == ReadOrder::OldestFirst {
            scope.sort_oldest_first();
        }
        Ok(scope)
    }

    /// Puts the leads in [`ReadOrder::OldestFirst`], each moved once, in place: a
    /// million leads and their spellings are most of a resolution's memory, and a sorted
    /// copy of them would double it.
    fn sort_oldest_first(&mut self) {
        fn oldest(lead: &ResolvingLead) -> (i64, &str) {
            (lead.listing.first_file, &lead.lead_id)
        }
        let mut order: Vec<usize> = (0..self.leads.len()).collect();
        order.sort_unstable_by(|&a, &b| oldest(&self.leads[a]).cmp(&oldest(&self.leads[b])));
        // The lead at `order[i]` goes to `i`, following each cycle of the permutation.
        let mut placed = vec![false; order.len()];
        for start in 0..order.len() {
            let mut at = start;
            while !placed[at] {
                placed[at] = true;
                let from = order[at];
                if from == start {
                    break;
                }
                self.leads.swap(at, from);
                self.prepared.swap(at, from);
                at = from;
            }
        }
    }

    /// Whether leads `a` and `b` are known to be two providers: one snapshot of their
    /// source lists both, or their addresses are in two countries.
    fn apart(&self, a: usize, b: usize) -> bool {
        self.leads[a].listing.with(&self.leads[b].listing)
            || self.prepared[a].in_two_countries(&self.prepared[b])
    }

    /// Each lead's id with its blocking keys under `rules`, hashed as the store keeps them.
    fn keyed(&self, rules: &[BlockingRule]) -> Vec<(String, Vec<i64>)> {
        self.leads
            .iter()
            .zip(&self.prepared)
            .map(|(lead, prepared)| (lead.lead_id.clone(), prepared.hashed_keys(rules)))
            .collect()
    }
}

/// How long each step of linking took, logged at debug level (`-vv`).
struct Timer(Instant);

impl Timer {
    fn lap(&mut self, step: &str) {
        tracing::debug!("resolve: {step} in {:.3} s", self.0.elapsed().as_secs_f64());
        self.0 = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::text_lead;
    use crate::store::Listing;

    #[test]
    fn leads_sorted_oldest_first_carry_their_spellings() {
        // (id, first file, company): read as a store might find them.
        let found = [
            ("nevada:9", 2, "NINE"),
            ("nevada:10", 1, "TEN"),
            ("clark:1", 2, "ONE"),
            ("nevada:2", 1, "TWO"),
            ("nevada:3", 3, "THREE"),
            ("clark:0", 1, "ZERO"),
        ];
        let mut scope = Scope {
            leads: found
                .iter()
                .map(|&(id, file, _)| ResolvingLead {
                    lead_id: id.to_string(),
                    record_hash: format!("hash of {id}"),
                    entity: None,
                    listing: Listing {
                        source: id.split(':').next().unwrap().to_string(),
                        reference: false,
                        first_file: file,
                        dropped_by_file: None,
                    },
                })
                .collect(),
            prepared: found
                .iter()
                .map(|&(_, _, company)| Prepared::of(&text_lead(&[("company", company)])))
                .collect(),
        };
        scope.sort_oldest_first();
        let ids: Vec<&str> = scope.leads.iter().map(|l| l.lead_id.as_str()).collect();
        // By file, then by id as bytes: `nevada:10` before `nevada:2`.
        assert_eq!(
            ids,
            [
                "clark:0",
                "nevada:10",
                "nevada:2",
                "clark:1",
                "nevada:9",
                "nevada:3"
            ]
        );
        let companies = ["ZERO", "TEN", "TWO", "ONE", "NINE", "THREE"];
        for (prepared, company) in scope.prepared.iter().zip(companies) {
            assert_eq!(prepared, &Prepared::of(&text_lead(&[("company", company)])));
        }
        assert_eq!(scope.leads[2].record_hash, "hash of nevada:2");
    }
}
