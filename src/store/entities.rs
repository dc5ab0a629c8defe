//! Entities in the store: the parameters resolution learnt, each lead's entity and blocking
//! keys, the links that hold entities together, people's labels, and what each run did to
//! entities. The stage that links leads (`stages/resolve.rs`) reads and writes through
//! these; the SQL is the same text for both targets.
//!
//! The sets a step works on (leads, keys) are written to temporary tables and joined, so
//! that a load linking ten thousand leads into a million reads only what it needs.

use std::collections::HashMap;

use super::backend::Query;
use super::merge::Dialect;
use super::records::Records;
use super::schema::{
    BLOCKING_KEYS, ENTITIES, ENTITY_CHANGES, ENTITY_LINKS, ENTITY_MEMBERS, RESOLVE_KEYS,
    RESOLVE_SCOPE, SqlType, Table,
};
use super::value::{Bind, Cell, Rows};
use super::{Store, StoreError, now};
use crate::lead::{LEAD_COLUMNS, LeadValues, Value, column_index};
use crate::resolve::ids::{Change, EntityChange, EntityId};
use crate::resolve::params::Parameters;

/// A lead as resolution reads it, besides its values.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvingLead {
    pub lead_id: String,
    /// Its record hash now: stored with its entity, it marks the lead as resolved.
    pub record_hash: String,
    /// Its entity before this resolution, if it had one.
    pub entity: Option<EntityId>,
    pub listing: Listing,
}

/// Which snapshots of its source listed a lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub source: String,
    /// Whether it is a reference source's record (a CRM's), not a lead.
    pub reference: bool,
    /// The ledger id of the file that first listed it.
    pub first_file: i64,
    /// The ledger id of the file that last deactivated it, if it is inactive.
    pub dropped_by_file: Option<i64>,
}

impl Listing {
    /// Whether one snapshot of their source listed both: the agency itself lists them as
    /// two operations. (File ids grow with time, and a source's snapshots apply in order.)
    /// Never for a CRM's records: a CRM holds duplicates, and they are one provider.
    pub fn with(&self, other: &Listing) -> bool {
        let before = |file: i64, until: Option<i64>| until.is_none_or(|until| file < until);
        !self.reference
            && !other.reference
            && self.source == other.source
            && before(self.first_file, other.dropped_by_file)
            && before(other.first_file, self.dropped_by_file)
    }
}

/// A record's [`Listing`], as three columns: `l` is the table of `records`. A reference
/// record is never dropped: its listing is never compared.
fn listing_columns(records: Records) -> &'static str {
    match records {
        Records::Leads => {
            "l.source, l.first_file_id,
             CASE WHEN l.is_active THEN NULL ELSE
                (SELECT MAX(u.source_file_id) FROM lead_updates u
                 WHERE u.lead_id = l.lead_id AND u.change = 'deactivated') END"
        }
        Records::Reference => "l.source, l.first_file_id, CAST(NULL AS BIGINT)",
    }
}

/// A [`Listing`] from the cells of [`listing_columns`].
fn listing(cells: &[Cell], records: Records) -> Listing {
    Listing {
        source: cells[0].text().unwrap_or_default().to_string(),
        reference: records == Records::Reference,
        first_file: cells[1].int().unwrap_or_default(),
        dropped_by_file: cells[2].int(),
    }
}

/// A person's verdict on a pair of leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredLabel {
    pub lead_a: String,
    pub lead_b: String,
    pub must_link: bool,
}

/// The rows a resolution writes for the leads it clustered.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Each lead's entity, with its record hash.
    pub members: Vec<(String, EntityId, String)>,
    /// The pairs at or above the threshold, `lead_a` < `lead_b`, with their weights.
    pub links: Vec<(String, String, f64)>,
    /// What happened to entities.
    pub changes: Vec<Change>,
}

/// The leads new since they were last resolved, or changed: no entity, or another hash.
const UNRESOLVED_SQL: &str = "SELECT l.lead_id FROM leads l
    LEFT JOIN entity_members m ON m.lead_id = l.lead_id
    WHERE m.lead_id IS NULL OR m.record_hash <> l.record_hash
    ORDER BY l.lead_id";

/// [`UNRESOLVED_SQL`] of the reference records, each compared: a CRM's export is small
/// beside the leads, and has no history to narrow it by.
const UNRESOLVED_REFERENCE_SQL: &str = "SELECT l.lead_id FROM reference_records l
    LEFT JOIN entity_members m ON m.lead_id = l.lead_id
    WHERE m.lead_id IS NULL OR m.record_hash <> l.record_hash";

/// [`UNRESOLVED_SQL`] among the leads a source file after `$1` brought or a lead update
/// after `$2` changed: the only ones that can be unresolved when every lead was resolved
/// as the history stood at those two. Unordered and with repeats: asked for them in
/// order or distinct, SQLite merges the two by scanning every lead in order instead of
/// looking up the few.
const UNRESOLVED_SINCE_SQL: &str = "SELECT p.lead_id FROM (
        SELECT lead_id FROM leads WHERE first_file_id > $1
        UNION ALL SELECT lead_id FROM lead_updates WHERE id > $2) p
    JOIN leads l ON l.lead_id = p.lead_id
    LEFT JOIN entity_members m ON m.lead_id = p.lead_id
    WHERE m.lead_id IS NULL OR m.record_hash <> l.record_hash";

/// The leads one step from those in `resolve_scope`: linked, labelled as one, or in one
/// entity with one of them.
const NEIGHBOURS_SQL: &str =
    "SELECT k.lead_b FROM entity_links k JOIN resolve_scope s ON s.lead_id = k.lead_a
    UNION SELECT k.lead_a FROM entity_links k JOIN resolve_scope s ON s.lead_id = k.lead_b
    UNION SELECT k.lead_b FROM match_labels k JOIN resolve_scope s ON s.lead_id = k.lead_a
        WHERE k.label = 'must_link'
    UNION SELECT k.lead_a FROM match_labels k JOIN resolve_scope s ON s.lead_id = k.lead_b
        WHERE k.label = 'must_link'
    UNION SELECT o.lead_id FROM entity_members m JOIN resolve_scope s ON s.lead_id = m.lead_id
        JOIN entity_members o ON o.entity_id = m.entity_id";

impl Store {
    /// The parameters in force: the newest trained, if resolution ever ran.
    pub fn resolve_parameters(&mut self) -> Result<Option<Parameters>, StoreError> {
        let mut text = None;
        let query = Query {
            sql: "SELECT parameters FROM resolve_models ORDER BY id DESC LIMIT 1",
            binds: &[],
            types: &[SqlType::Text],
        };
        self.backend.query(&query, &mut |row| {
            text = row[0].text().map(str::to_string);
            Ok(())
        })?;
        let Some(text) = text else {
            return Ok(None);
        };
        // Parameters this version cannot read, or of comparisons with other levels, were
        // stored by an earlier one.
        match serde_json::from_str::<Parameters>(&text) {
            Ok(parameters) if parameters.fit_this_version() => Ok(Some(parameters)),
            _ => Err(StoreError::StaleParameters),
        }
    }

    /// Stores `parameters`, trained on `leads` leads: every later load links with them.
    pub fn save_parameters(
        &mut self,
        run_id: &str,
        leads: usize,
        parameters: &Parameters,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(parameters).expect("parameters serialize");
        self.backend.execute(
            "INSERT INTO resolve_models (id, run_id, trained_at, leads, parameters)
             SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4 FROM resolve_models",
            &[
                Bind::Text(run_id),
                Bind::Time(now()),
                Bind::Int(leads as i64),
                Bind::Text(&text),
            ],
        )?;
        Ok(())
    }

    /// The ids of the leads not resolved as they are now, in order: looked for among the
    /// leads brought or changed since the last resolution, or among all of them when
    /// there is none to go by.
    pub fn unresolved_leads(&mut self) -> Result<Vec<String>, StoreError> {
        let mut through = None;
        let query = Query {
            sql: "SELECT source_file_id, lead_update_id FROM resolved_through
                  ORDER BY lead_update_id DESC, source_file_id DESC LIMIT 1",
            binds: &[],
            types: &[SqlType::BigInt, SqlType::BigInt],
        };
        self.backend.query(&query, &mut |row| {
            through = Some((
                row[0].int().unwrap_or_default(),
                row[1].int().unwrap_or_default(),
            ));
            Ok(())
        })?;
        let mut ids = match through {
            Some((file, update)) => {
                let binds = [Bind::Int(file), Bind::Int(update)];
                let mut ids = self.lead_ids(UNRESOLVED_SINCE_SQL, &binds)?;
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            None => self.lead_ids(UNRESOLVED_SQL, &[])?,
        };
        with_reference(&mut ids, self.lead_ids(UNRESOLVED_REFERENCE_SQL, &[])?);
        Ok(ids)
    }

    /// Gathers PostgreSQL's statistics of the tables a resolution from scratch filled:
    /// without them its planner takes a few new leads for a third of all and scans the
    /// million to find them. (SQLite's planner goes by the indexes alone, and its
    /// `ANALYZE` reads every index whole.)
    pub fn refresh_resolution_statistics(&mut self) -> Result<(), StoreError> {
        match self.backend.dialect() {
            Dialect::Postgres => self
                .backend
                .batch("ANALYZE leads, reference_records, entity_members, blocking_keys"),
            Dialect::Sqlite => Ok(()),
        }
    }

    /// Gives SQLite a page cache large enough for linking new leads into many: the keys
    /// they add go to random pages of two indexes of millions of rows, and a load's small
    /// cache would write those pages out and read them back again and again. (PostgreSQL
    /// has its shared buffers.) For the rest of the run: a link comes last in it.
    pub fn widen_cache_for_linking(&mut self) -> Result<(), StoreError> {
        match self.backend.dialect() {
            Dialect::Sqlite => self.backend.batch("PRAGMA cache_size = -131072"),
            Dialect::Postgres => Ok(()),
        }
    }

    /// Records that run `run_id` resolved every lead as the history stands now.
    pub fn mark_resolved(&mut self, run_id: &str) -> Result<(), StoreError> {
        self.backend.execute(
            "INSERT INTO resolved_through (run_id, source_file_id, lead_update_id)
             SELECT $1, (SELECT COALESCE(MAX(id), 0) FROM source_files),
                 (SELECT COALESCE(MAX(id), 0) FROM lead_updates)",
            &[Bind::Text(run_id)],
        )?;
        Ok(())
    }

    /// Every lead id and reference record id, in order.
    pub fn all_lead_ids(&mut self) -> Result<Vec<String>, StoreError> {
        let mut ids = self.lead_ids("SELECT lead_id FROM leads ORDER BY lead_id", &[])?;
        let reference = self.lead_ids("SELECT lead_id FROM reference_records", &[])?;
        with_reference(&mut ids, reference);
        Ok(ids)
    }

    /// `seeds` and every lead connected to them through links, `must_link` labels and
    /// entities, in order: the leads whose clusters a change among `seeds` can move.
    pub fn connected(&mut self, seeds: &[String]) -> Result<Vec<String>, StoreError> {
        let mut known: std::collections::BTreeSet<String> = seeds.iter().cloned().collect();
        let mut frontier: Vec<String> = known.iter().cloned().collect();
        while !frontier.is_empty() {
            self.fill(&RESOLVE_SCOPE, &Ids(&frontier))?;
            let found = self.lead_ids(NEIGHBOURS_SQL, &[])?;
            frontier = found
                .into_iter()
                .filter(|id| known.insert(id.clone()))
                .collect();
        }
        Ok(known.into_iter().collect())
    }

    /// Forgets every blocking key and link, for a rebuild (entities stay, for their ids).
    pub fn clear_resolution(&mut self) -> Result<(), StoreError> {
        self.backend
            .batch("DELETE FROM blocking_keys; DELETE FROM entity_links;")
    }

    /// Replaces the blocking keys of these leads with the ones given.
    pub fn replace_keys(&mut self, keys: &[(String, Vec<i64>)]) -> Result<(), StoreError> {
        let ids: Vec<String> = keys.iter().map(|(id, _)| id.clone()).collect();
        self.fill(&RESOLVE_SCOPE, &Ids(&ids))?;
        self.backend.execute(
            "DELETE FROM blocking_keys WHERE lead_id IN (SELECT lead_id FROM resolve_scope)",
            &[],
        )?;
        self.backend
            .insert(&BLOCKING_KEYS, &KeyRows(&key_rows(keys)))
    }

    /// Every lead's blocking keys, all stored ones replaced: for a resolution from scratch.
    /// The indexes (those of migration V11) are dropped and built again over the rows,
    /// sorted, rather than grown row by row: at a million leads' five million keys that is
    /// most of what storing them takes.
    pub fn replace_all_keys(&mut self, keys: &[(String, Vec<i64>)]) -> Result<(), StoreError> {
        self.backend.batch(
            "DROP INDEX IF EXISTS blocking_keys_key; DROP INDEX IF EXISTS blocking_keys_lead;
             DELETE FROM blocking_keys;",
        )?;
        let mut rows = key_rows(keys);
        rows.sort_unstable();
        self.backend.insert(&BLOCKING_KEYS, &KeyRows(&rows))?;
        self.backend.batch(
            "CREATE INDEX blocking_keys_key ON blocking_keys (block_key);
             CREATE INDEX blocking_keys_lead ON blocking_keys (lead_id);",
        )
    }

    /// How many leads have each of `keys`.
    pub fn key_counts(&mut self, keys: &[i64]) -> Result<HashMap<i64, u64>, StoreError> {
        self.fill(&RESOLVE_KEYS, &Keys(&distinct(keys)))?;
        let mut counts = HashMap::new();
        let query = Query {
            sql: "SELECT b.block_key, count(*) FROM blocking_keys b
                  JOIN resolve_keys k ON k.block_key = b.block_key GROUP BY b.block_key",
            binds: &[],
            types: &[SqlType::BigInt, SqlType::BigInt],
        };
        self.backend.query(&query, &mut |row| {
            let (key, count) = (row[0].int().unwrap_or_default(), row[1].int());
            counts.insert(key, count.unwrap_or_default() as u64);
            Ok(())
        })?;
        Ok(counts)
    }

    /// The leads that have any of `keys`, each with those of its keys, in the leads' order.
    pub fn leads_with_keys(&mut self, keys: &[i64]) -> Result<Vec<(String, i64)>, StoreError> {
        self.fill(&RESOLVE_KEYS, &Keys(&distinct(keys)))?;
        let query = Query {
            sql: "SELECT b.lead_id, b.block_key FROM blocking_keys b
                  JOIN resolve_keys k ON k.block_key = b.block_key ORDER BY b.lead_id",
            binds: &[],
            types: &[SqlType::Text, SqlType::BigInt],
        };
        let mut held = Vec::new();
        self.backend.query(&query, &mut |row| {
            let lead = row[0].text().unwrap_or_default().to_string();
            held.push((lead, row[1].int().unwrap_or_default()));
            Ok(())
        })?;
        Ok(held)
    }

    /// These leads with their entities and the values of `columns` (the others null), in
    /// no order, each given to `each` as it is read: a million leads' values need never all
    /// be held. Unordered, the database streams them as it finds them: sorting them would
    /// hold back the first until it had them all.
    pub fn resolving_leads(
        &mut self,
        ids: &[String],
        columns: &[&str],
        each: &mut dyn FnMut(ResolvingLead, LeadValues),
    ) -> Result<(), StoreError> {
        self.fill(&RESOLVE_SCOPE, &Ids(ids))?;
        let at: Vec<usize> = columns
            .iter()
            .map(|c| column_index(c).expect("a lead column"))
            .collect();
        let data: Vec<String> = at
            .iter()
            .map(|&i| format!("l.{}", LEAD_COLUMNS[i].name))
            .collect();
        let mut types = vec![
            SqlType::Text,
            SqlType::Text,
            SqlType::BigInt,
            SqlType::Text,
            SqlType::BigInt,
            SqlType::BigInt,
        ];
        types.extend(at.iter().map(|&i| SqlType::of(LEAD_COLUMNS[i].ty)));
        for records in Records::BOTH {
            let sql = format!(
                "SELECT l.lead_id, l.record_hash, m.entity_id, {}, {} FROM resolve_scope s
                 JOIN {} l ON l.lead_id = s.lead_id
                 LEFT JOIN entity_members m ON m.lead_id = l.lead_id",
                listing_columns(records),
                data.join(", "),
                records.table(),
            );
            let query = Query {
                sql: &sql,
                binds: &[],
                types: &types,
            };
            self.backend.query(&query, &mut |row| {
                let lead = ResolvingLead {
                    lead_id: row[0].text().unwrap_or_default().to_string(),
                    record_hash: row[1].text().unwrap_or_default().to_string(),
                    entity: row[2].int(),
                    listing: listing(&row[3..6], records),
                };
                let mut values: LeadValues = std::array::from_fn(|_| Value::Null);
                for (&i, cell) in at.iter().zip(&row[6..]) {
                    values[i] = cell.to_value();
                }
                each(lead, values);
                Ok(())
            })?;
        }
        Ok(())
    }

    /// A lead's (or reference record's) listing, by a query of its own (no temporary
    /// table: it reads outside a run too).
    pub fn listing(&mut self, lead_id: &str) -> Result<Option<Listing>, StoreError> {
        let mut found = None;
        for records in Records::BOTH {
            let sql = format!(
                "SELECT {} FROM {} l WHERE l.lead_id = $1",
                listing_columns(records),
                records.table()
            );
            let query = Query {
                sql: &sql,
                binds: &[Bind::Text(lead_id)],
                types: &[SqlType::Text, SqlType::BigInt, SqlType::BigInt],
            };
            self.backend.query(&query, &mut |row| {
                found = Some(listing(row, records));
                Ok(())
            })?;
            if found.is_some() {
                break;
            }
        }
        Ok(found)
    }

    /// The labels on pairs of these leads.
    pub fn labels_among(&mut self, ids: &[String]) -> Result<Vec<StoredLabel>, StoreError> {
        self.fill(&RESOLVE_SCOPE, &Ids(ids))?;
        let mut labels = Vec::new();
        let query = Query {
            sql: "SELECT k.lead_a, k.lead_b, k.label FROM match_labels k
                  JOIN resolve_scope a ON a.lead_id = k.lead_a
                  JOIN resolve_scope b ON b.lead_id = k.lead_b ORDER BY k.lead_a, k.lead_b",
            binds: &[],
            types: &[SqlType::Text, SqlType::Text, SqlType::Text],
        };
        self.backend.query(&query, &mut |row| {
            labels.push(StoredLabel {
                lead_a: row[0].text().unwrap_or_default().to_string(),
                lead_b: row[1].text().unwrap_or_default().to_string(),
                must_link: row[2].text() == Some("must_link"),
            });
            Ok(())
        })?;
        Ok(labels)
    }

    /// The smallest entity id never given.
    pub fn next_entity_id(&mut self) -> Result<EntityId, StoreError> {
        Ok(self.count("SELECT COALESCE(MAX(entity_id), 0) + 1 FROM entities", &[])? as EntityId)
    }

    /// Writes what resolving `scope` (every lead whose links and entity it recomputed)
    /// gave: its links, its members' entities, new and ended entities, and the changes,
    /// under `run`.
    pub fn write_resolution(
        &mut self,
        run_id: &str,
        scope: &[String],
        resolved: &Resolved,
    ) -> Result<(), StoreError> {
        self.fill(&RESOLVE_SCOPE, &Ids(scope))?;
        self.backend.batch(
            "DELETE FROM entity_links WHERE lead_a IN (SELECT lead_id FROM resolve_scope)
                OR lead_b IN (SELECT lead_id FROM resolve_scope);
             DELETE FROM entity_members WHERE lead_id IN (SELECT lead_id FROM resolve_scope);",
        )?;
        let created: Vec<EntityId> = resolved
            .changes
            .iter()
            .filter(|c| c.change == EntityChange::Created)
            .map(|c| c.entity)
            .collect();
        self.backend.insert(
            &ENTITIES,
            &EntityRows {
                run_id,
                ids: &created,
            },
        )?;
        for ended in resolved
            .changes
            .iter()
            .filter(|c| matches!(c.change, EntityChange::Merged | EntityChange::Split))
        {
            self.backend.execute(
                "UPDATE entities SET status = $2, merged_into = $3, ended_run = $4
                 WHERE entity_id = $1",
                &[
                    Bind::Int(ended.entity),
                    Bind::Text(ended.change.as_str()),
                    ended.other.map_or(Bind::Null, Bind::Int),
                    Bind::Text(run_id),
                ],
            )?;
        }
        let changes = ChangeRows {
            run_id,
            changes: &resolved.changes,
        };
        self.backend.insert(&ENTITY_CHANGES, &changes)?;
        self.backend
            .insert(&ENTITY_MEMBERS, &MemberRows(&resolved.members))?;
        self.backend
            .insert(&ENTITY_LINKS, &LinkRows(&resolved.links))
    }

    /// [`Store::write_resolution`] of a resolution from scratch, which writes a row of
    /// `entities`, `entity_changes` and `entity_members` per lead. On PostgreSQL their
    /// foreign keys to `runs` and `entities` and their secondary indexes are dropped for it
    /// and made again over the rows: one check and one sort each, where row by row the
    /// checks of a million leads were most of the writing.
    pub fn write_all_resolution(
        &mut self,
        run_id: &str,
        scope: &[String],
        resolved: &Resolved,
    ) -> Result<(), StoreError> {
        let postgres = self.backend.dialect() == Dialect::Postgres;
        if postgres {
            self.backend.batch(
                "ALTER TABLE entity_members DROP CONSTRAINT entity_members_entity_id_fkey;
                 ALTER TABLE entities DROP CONSTRAINT entities_created_run_fkey;
                 ALTER TABLE entity_changes DROP CONSTRAINT entity_changes_run_id_fkey;
                 DROP INDEX entity_members_entity;
                 DROP INDEX entity_changes_run;
                 DROP INDEX entity_changes_entity;",
            )?;
        }
        self.write_resolution(run_id, scope, resolved)?;
        if postgres {
            self.backend.batch(
                "CREATE INDEX entity_members_entity ON entity_members (entity_id);
                 CREATE INDEX entity_changes_run ON entity_changes (run_id);
                 CREATE INDEX entity_changes_entity ON entity_changes (entity_id);
                 ALTER TABLE entity_members ADD CONSTRAINT entity_members_entity_id_fkey
                     FOREIGN KEY (entity_id) REFERENCES entities (entity_id);
                 ALTER TABLE entities ADD CONSTRAINT entities_created_run_fkey
                     FOREIGN KEY (created_run) REFERENCES runs (run_id);
                 ALTER TABLE entity_changes ADD CONSTRAINT entity_changes_run_id_fkey
                     FOREIGN KEY (run_id) REFERENCES runs (run_id);",
            )?;
        }
        Ok(())
    }

    /// Empties a temporary table of one column and writes `rows` to it.
    fn fill(&mut self, table: &Table, rows: &dyn Rows) -> Result<(), StoreError> {
        let column = &table.columns[0];
        let ty = match column.ty {
            SqlType::BigInt => "BIGINT",
            _ => "TEXT",
        };
        let on_commit = match self.backend.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => " ON COMMIT DROP",
        };
        self.backend.batch(&format!(
            "DROP TABLE IF EXISTS {name};
             CREATE TEMP TABLE {name} ({} {ty} PRIMARY KEY){on_commit};",
            column.name,
            name = table.name,
        ))?;
        self.backend.insert(table, rows)?;
        // Without statistics, a planner takes a temporary table for a big one and scans the
        // million-row table it is joined to instead of looking its rows up there.
        self.backend.batch(&format!("ANALYZE {}", table.name))
    }

    /// The ids a query of one text column returns.
    fn lead_ids(&mut self, sql: &str, binds: &[Bind]) -> Result<Vec<String>, StoreError> {
        let mut ids = Vec::new();
        let query = Query {
            sql,
            binds,
            types: &[SqlType::Text],
        };
        self.backend.query(&query, &mut |row| {
            ids.push(row[0].text().unwrap_or_default().to_string());
            Ok(())
        })?;
        Ok(ids)
    }
}

/// Adds the ids of reference records to lead ids in order, keeping the order.
fn with_reference(ids: &mut Vec<String>, reference: Vec<String>) {
    if !reference.is_empty() {
        ids.extend(reference);
        ids.sort_unstable();
    }
}

/// The rows of `blocking_keys` for leads' keys: one per key, `(block_key, lead_id)`.
fn key_rows(keys: &[(String, Vec<i64>)]) -> Vec<(i64, &str)> {
    keys.iter()
        .flat_map(|(id, keys)| keys.iter().map(move |&k| (k, id.as_str())))
        .collect()
}

/// Keys each once, for a temporary table's key column.
fn distinct(keys: &[i64]) -> Vec<i64> {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Lead ids as rows of one column.
struct Ids<'a>(&'a [String]);

impl Rows for Ids<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        out.push(Bind::Text(&self.0[i]));
    }
}

/// Keys as rows of one column.
struct Keys<'a>(&'a [i64]);

impl Rows for Keys<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        out.push(Bind::Int(self.0[i]));
    }
}

struct KeyRows<'a>(&'a [(i64, &'a str)]);

impl Rows for KeyRows<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        let (key, lead) = self.0[i];
        out.extend([Bind::Int(key), Bind::Text(lead)]);
    }
}

struct MemberRows<'a>(&'a [(String, EntityId, String)]);

impl Rows for MemberRows<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        let (lead, entity, hash) = &self.0[i];
        out.extend([Bind::Text(lead), Bind::Int(*entity), Bind::Text(hash)]);
    }
}

/// New entities, created by `run_id`.
struct EntityRows<'a> {
    run_id: &'a str,
    ids: &'a [EntityId],
}

impl Rows for EntityRows<'_> {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        out.extend([
            Bind::Int(self.ids[i]),
            Bind::Text(self.run_id),
            Bind::Text("active"),
        ]);
    }
}

/// Entity changes, made by `run_id`.
struct ChangeRows<'a> {
    run_id: &'a str,
    changes: &'a [Change],
}

impl Rows for ChangeRows<'_> {
    fn len(&self) -> usize {
        self.changes.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        let change = &self.changes[i];
        out.extend([
            Bind::Text(self.run_id),
            Bind::Int(change.entity),
            Bind::Text(change.change.as_str()),
            change.other.map_or(Bind::Null, Bind::Int),
            Bind::Int(change.members as i64),
        ]);
    }
}

struct LinkRows<'a>(&'a [(String, String, f64)]);

impl Rows for LinkRows<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>) {
        let (a, b, weight) = &self.0[i];
        out.extend([Bind::Text(a), Bind::Text(b), Bind::Float(*weight)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(source: &str, reference: bool, first_file: i64, dropped: Option<i64>) -> Listing {
        Listing {
            source: source.into(),
            reference,
            first_file,
            dropped_by_file: dropped,
        }
    }

    #[test]
    fn one_snapshot_lists_two_leads_but_a_crm_lists_its_duplicates() {
        let lead = |first, dropped| listing("nevada", false, first, dropped);
        assert!(lead(1, None).with(&lead(2, None)), "both listed by file 2");
        assert!(
            !lead(1, Some(2)).with(&lead(2, None)),
            "dropped by the file that brought the other"
        );
        assert!(
            !lead(1, None).with(&listing("texas", false, 1, None)),
            "two sources"
        );
        let crm = |first| listing("salesforce_leads", true, first, None);
        assert!(
            !crm(3).with(&crm(3)),
            "a CRM's two records of one provider are one entity"
        );
    }
}
