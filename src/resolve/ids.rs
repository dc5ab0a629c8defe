//! Stable entity ids. After the leads of some entities are clustered again (new leads
//! joined, changed ones moved), each new cluster is given an id from the entities its
//! members were in before:
//!
//! - a cluster that holds every member of one or more earlier entities keeps the oldest
//!   (smallest) of their ids; the others are recorded as merged into it;
//! - an earlier entity whose members now lie in several clusters is split: each of those
//!   clusters that keeps no whole entity gets a new id, created with the split one as its
//!   parent;
//! - a cluster of new leads only gets a new id.
//!
//! A rebuild that finds the same clusters therefore gives every entity the id it had.

use std::collections::{BTreeMap, BTreeSet};

/// An entity's id.
pub type EntityId = i64;

/// What happened to an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityChange {
    /// A new entity: of new leads, or a part of one that split (`other`, the parent).
    Created,
    /// It gained members.
    Grew,
    /// It went into another entity (`other`).
    Merged,
    /// Its members went to several entities, each of which is new or kept another id.
    Split,
}

impl EntityChange {
    /// Its name, as `entity_changes.change` stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityChange::Created => "created",
            EntityChange::Grew => "grew",
            EntityChange::Merged => "merged",
            EntityChange::Split => "split",
        }
    }
}

/// One entry of an entity's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub entity: EntityId,
    pub change: EntityChange,
    /// The entity merged into, or a new part's parent.
    pub other: Option<EntityId>,
    /// Its members after the change.
    pub members: usize,
}

/// The ids of a set of clustered leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// Each lead's entity.
    pub ids: Vec<EntityId>,
    /// What changed: the clusters' changes in the order of their oldest members, then the
    /// entities that split.
    pub changes: Vec<Change>,
    /// The next id free after those given.
    pub next_id: EntityId,
}

/// Gives ids to `clusters` (each lead's cluster, as the index of any one member: the same
/// for the whole cluster), where `before[i]` is lead `i`'s entity before, if it had one.
/// Leads are in the order of their age, oldest first; every member of an entity that
/// appears in `before` must be among them. New ids start at `next_id`.
pub fn assign(before: &[Option<EntityId>], clusters: &[usize], next_id: EntityId) -> Assignment {
    // Clusters in the order of their oldest member, with their members.
    let mut order: Vec<usize> = Vec::new();
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (lead, &cluster) in clusters.iter().enumerate() {
        members
            .entry(cluster)
            .or_insert_with(|| {
                order.push(cluster);
                Vec::new()
            })
            .push(lead);
    }
    // Which clusters each earlier entity's members went to, and how many it had.
    let mut went_to: BTreeMap<EntityId, BTreeSet<usize>> = BTreeMap::new();
    let mut size_before: BTreeMap<EntityId, usize> = BTreeMap::new();
    for (lead, entity) in before.iter().enumerate() {
        if let Some(entity) = *entity {
            went_to.entry(entity).or_default().insert(clusters[lead]);
            *size_before.entry(entity).or_default() += 1;
        }
    }
    let split = |entity: &EntityId| went_to[entity].len() > 1;
    let mut ids = vec![0; clusters.len()];
    let mut changes = Vec::new();
    let mut next = next_id;
    for cluster in order {
        let leads = &members[&cluster];
        let earlier: BTreeSet<EntityId> = leads.iter().filter_map(|&l| before[l]).collect();
        let whole: Vec<EntityId> = earlier.iter().copied().filter(|e| !split(e)).collect();
        let size = leads.len();
        let id = match whole.first() {
            Some(&keeper) => {
                for &gone in &whole[1..] {
                    changes.push(Change {
                        entity: gone,
                        change: EntityChange::Merged,
                        other: Some(keeper),
                        members: 0,
                    });
                }
                if size > size_before[&keeper] {
                    changes.push(Change {
                        entity: keeper,
                        change: EntityChange::Grew,
                        other: None,
                        members: size,
                    });
                }
                keeper
            }
            None => {
                let id = next;
                next += 1;
                changes.push(Change {
                    entity: id,
                    change: EntityChange::Created,
                    other: earlier.first().copied(),
                    members: size,
                });
                id
            }
        };
        for &lead in leads {
            ids[lead] = id;
        }
    }
    for (&entity, _) in went_to.iter().filter(|(_, to)| to.len() > 1) {
        changes.push(Change {
            entity,
            change: EntityChange::Split,
            other: None,
            members: 0,
        });
    }
    Assignment {
        ids,
        changes,
        next_id: next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(a: &Assignment) -> Vec<(EntityId, &'static str, Option<EntityId>, usize)> {
        a.changes
            .iter()
            .map(|c| (c.entity, c.change.as_str(), c.other, c.members))
            .collect()
    }

    #[test]
    fn the_same_clusters_keep_their_ids() {
        let a = assign(&[Some(4), Some(4), Some(9)], &[0, 0, 2], 10);
        assert_eq!(a.ids, [4, 4, 9]);
        assert!(a.changes.is_empty());
        assert_eq!(a.next_id, 10);
    }

    #[test]
    fn an_entity_that_gains_a_member_keeps_its_id() {
        let a = assign(&[Some(4), None, None], &[0, 0, 2], 10);
        assert_eq!(a.ids, [4, 4, 10]);
        assert_eq!(
            changes(&a),
            [(4, "grew", None, 2), (10, "created", None, 1)]
        );
        assert_eq!(a.next_id, 11);
    }

    #[test]
    fn in_a_merge_the_older_id_survives() {
        // Entity 7's member is older than entity 3's, but 3 is the older entity.
        let a = assign(&[Some(7), Some(3), None], &[0, 0, 0], 10);
        assert_eq!(a.ids, [3, 3, 3]);
        assert_eq!(
            changes(&a),
            [(7, "merged", Some(3), 0), (3, "grew", None, 3)]
        );
    }

    #[test]
    fn a_split_gives_new_ids_with_the_parent() {
        let a = assign(&[Some(5), Some(5), Some(5)], &[0, 0, 2], 10);
        assert_eq!(a.ids, [10, 10, 11]);
        assert_eq!(
            changes(&a),
            [
                (10, "created", Some(5), 2),
                (11, "created", Some(5), 1),
                (5, "split", None, 0)
            ]
        );
    }

    #[test]
    fn a_split_part_that_joins_a_whole_entity_takes_its_id() {
        // 5 splits; its second part goes into entity 8, which stays whole.
        let a = assign(&[Some(5), Some(5), Some(8)], &[0, 1, 1], 10);
        assert_eq!(a.ids, [10, 8, 8]);
        assert_eq!(
            changes(&a),
            [
                (10, "created", Some(5), 1),
                (8, "grew", None, 2),
                (5, "split", None, 0)
            ]
        );
    }
}
