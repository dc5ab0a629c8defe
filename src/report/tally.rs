//! Leads and providers by source and state, and the entities' figures, counted here in one
//! pass over every lead and its entity (`lead_entities`), with the entities that a current
//! CRM record is one of (`crm_entities`). In the database, the distinct counts these need
//! sort a million rows more than once, and a report must not take longer than a glance.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::store::report::{CRM_ENTITIES, Datum, LEAD_ENTITIES, ReportBinds, Table};
use crate::store::{Store, StoreError};

/// The table of leads, active leads, providers and net-new providers per source and state.
pub(super) const BY_SOURCE: &str = "leads_by_source";
/// The one-row table of the entities' figures.
pub(super) const ENTITIES: &str = "entities";

/// The leads of one source and state.
#[derive(Default)]
struct Group {
    leads: i64,
    active: i64,
    /// The entities of its active leads.
    providers: FxHashSet<i64>,
}

/// What one entity's leads have in common.
struct Entity {
    leads: i64,
    active: bool,
    /// Its first lead's source, and whether another lead is of another.
    source: usize,
    across: bool,
}

/// The two tables, by name.
pub(super) fn tally(
    store: &mut Store,
    binds: ReportBinds,
) -> Result<[(&'static str, Table); 2], StoreError> {
    let mut in_crm = FxHashSet::default();
    store.report_rows(&CRM_ENTITIES, binds, |row| {
        in_crm.insert(row.count("entity_id"));
        Ok(())
    })?;
    let (mut sources, mut states) = (Names::default(), Names::default());
    let mut groups: FxHashMap<(usize, Option<usize>), Group> = FxHashMap::default();
    let mut entities: FxHashMap<i64, Entity> = FxHashMap::default();
    store.report_rows(&LEAD_ENTITIES, binds, |row| {
        let source = sources.of(row.text("source").unwrap_or(""));
        let state = row.text("state").map(|state| states.of(state));
        let group = groups.entry((source, state)).or_default();
        let active = row.flag("active");
        group.leads += 1;
        group.active += i64::from(active);
        let Datum::Count(entity) = *row.get("entity_id") else {
            return Ok(()); // never resolved: a lead, but no provider yet
        };
        if active {
            group.providers.insert(entity);
        }
        let facts = entities.entry(entity).or_insert(Entity {
            leads: 0,
            active: false,
            source,
            across: false,
        });
        facts.leads += 1;
        facts.active |= active;
        facts.across |= facts.source != source;
        Ok(())
    })?;
    Ok([
        (BY_SOURCE, by_source(&sources, &states, groups, &in_crm)),
        (ENTITIES, totals(&entities, &in_crm)),
    ])
}

/// Names (of sources, of states) as numbers, in the order first seen.
#[derive(Default)]
struct Names {
    numbers: FxHashMap<String, usize>,
    names: Vec<String>,
}

impl Names {
    fn of(&mut self, name: &str) -> usize {
        if let Some(number) = self.numbers.get(name) {
            return *number;
        }
        self.names.push(name.to_string());
        self.numbers.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }
}

fn by_source(
    sources: &Names,
    states: &Names,
    groups: FxHashMap<(usize, Option<usize>), Group>,
    in_crm: &FxHashSet<i64>,
) -> Table {
    let mut groups: Vec<(&String, Option<&String>, Group)> = groups
        .into_iter()
        .map(|((source, state), group)| {
            (
                &sources.names[source],
                state.map(|s| &states.names[s]),
                group,
            )
        })
        .collect();
    groups.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let rows = groups
        .into_iter()
        .map(|(source, state, group)| {
            let net_new = group
                .providers
                .iter()
                .filter(|e| !in_crm.contains(e))
                .count();
            vec![
                Datum::Text(source.clone()),
                state.map_or(Datum::Null, |state| Datum::Text(state.clone())),
                Datum::Count(group.leads),
                Datum::Count(group.active),
                Datum::Count(group.providers.len() as i64),
                Datum::Count(net_new as i64),
            ]
        })
        .collect();
    Table {
        columns: vec!["source", "state", "leads", "active", "providers", "net_new"],
        rows,
    }
}

fn totals(entities: &FxHashMap<i64, Entity>, in_crm: &FxHashSet<i64>) -> Table {
    let count = |keep: &dyn Fn(&i64, &Entity) -> bool| {
        Datum::Count(entities.iter().filter(|(id, e)| keep(id, e)).count() as i64)
    };
    let in_groups = entities
        .values()
        .filter(|e| e.leads > 1)
        .map(|e| e.leads)
        .sum();
    Table {
        columns: vec![
            "providers",
            "net_new",
            "duplicate_groups",
            "leads_in_groups",
            "across_sources",
        ],
        rows: vec![vec![
            count(&|_, e| e.active),
            count(&|id, e| e.active && !in_crm.contains(id)),
            count(&|_, e| e.leads > 1),
            Datum::Count(in_groups),
            count(&|_, e| e.across),
        ]],
    }
}
