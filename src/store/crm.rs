//! What the CRM exports read: the providers no reference record is a member of, and each
//! reference record with the provider it matched. Both stream, in id order.

use super::backend::Query;
use super::exports::{Since, changed_entities};
use super::schema::SqlType;
use super::value::{Bind, Cell, lead_values};
use super::{Store, StoreError};
use crate::lead::{LEAD_COLUMNS, LeadValues};
use crate::resolve::ids::EntityId;

/// A provider (an entity with leads), as `providers` has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Provider {
    pub entity_id: EntityId,
    /// Its leads' ids, comma-separated, in order.
    pub member_lead_ids: String,
    /// Its leads' sources, comma-separated, in order.
    pub sources: String,
    /// Its golden record.
    pub values: LeadValues,
}

/// A CRM record that a provider's entity holds, with that provider.
#[derive(Clone, Debug, PartialEq)]
pub struct CrmMatch {
    /// The reference source (a spec id).
    pub source: String,
    /// The record's id in the CRM (its key).
    pub crm_id: String,
    /// The strongest stored link from the record to another member, in bits; `None` when it
    /// is a member by a person's label alone.
    pub weight: Option<f64>,
    pub crm: LeadValues,
    pub provider: Provider,
}

/// The data columns of a table alias, comma-separated.
fn data(alias: &str) -> String {
    let columns: Vec<String> = LEAD_COLUMNS
        .iter()
        .map(|c| format!("{alias}.{}", c.name))
        .collect();
    columns.join(", ")
}

fn data_types() -> impl Iterator<Item = SqlType> {
    LEAD_COLUMNS.iter().map(|c| SqlType::of(c.ty))
}

/// The condition that the entity `entity` is one that runs after `since` changed, as an
/// `AND` to add; nothing without `since`.
fn changed(entity: &str, since: Option<&Since>) -> String {
    match since {
        Some(_) => format!(" AND {entity} IN ({})", changed_entities()),
        None => String::new(),
    }
}

fn binds(since: Option<&Since>) -> Vec<Bind<'_>> {
    since.map(|s| Bind::Text(&s.run_id)).into_iter().collect()
}

fn text(cell: &Cell) -> String {
    cell.text().unwrap_or_default().to_string()
}

impl Store {
    /// Streams the active providers that no current CRM record is a member of (of those
    /// that runs after `since` changed, when given), by entity id.
    pub fn net_new_providers(
        &mut self,
        since: Option<&Since>,
        mut each: impl FnMut(Provider) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT p.entity_id, p.member_lead_ids, p.sources, {} FROM providers p
             WHERE p.is_active AND NOT p.in_crm{} ORDER BY p.entity_id",
            data("p"),
            changed("p.entity_id", since)
        );
        let binds = binds(since);
        let mut types = vec![SqlType::BigInt, SqlType::Text, SqlType::Text];
        types.extend(data_types());
        let query = Query {
            sql: &sql,
            binds: &binds,
            types: &types,
        };
        self.backend.query(&query, &mut |row| {
            each(Provider {
                entity_id: row[0].int().unwrap_or_default(),
                member_lead_ids: text(&row[1]),
                sources: text(&row[2]),
                values: lead_values(&row[3..]),
            })
        })
    }

    /// Streams every CRM record its source's newest export lists that is one entity with a
    /// provider (one that runs after `since` changed, when given), with the provider, by
    /// the record's id.
    pub fn crm_matches(
        &mut self,
        since: Option<&Since>,
        mut each: impl FnMut(CrmMatch) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT r.source, r.lead_id,
                (SELECT max(k.weight) FROM (
                    SELECT weight FROM entity_links WHERE lead_a = r.lead_id
                    UNION ALL SELECT weight FROM entity_links WHERE lead_b = r.lead_id) k),
                p.entity_id, p.member_lead_ids, p.sources, {}, {}
             FROM reference_records r
             JOIN entity_members m ON m.lead_id = r.lead_id
             JOIN providers p ON p.entity_id = m.entity_id
             WHERE NOT r.removed{} ORDER BY r.lead_id",
            data("r"),
            data("p"),
            changed("p.entity_id", since)
        );
        let binds = binds(since);
        let mut types = vec![
            SqlType::Text,
            SqlType::Text,
            SqlType::Double,
            SqlType::BigInt,
            SqlType::Text,
            SqlType::Text,
        ];
        types.extend(data_types());
        types.extend(data_types());
        let query = Query {
            sql: &sql,
            binds: &binds,
            types: &types,
        };
        self.backend.query(&query, &mut |row| {
            let (source, lead_id) = (text(&row[0]), text(&row[1]));
            let crm_id = lead_id
                .strip_prefix(&format!("{source}:"))
                .unwrap_or(&lead_id)
                .to_string();
            let (crm, provider) = row[6..].split_at(LEAD_COLUMNS.len());
            each(CrmMatch {
                source,
                crm_id,
                weight: row[2].float(),
                crm: lead_values(crm),
                provider: Provider {
                    entity_id: row[3].int().unwrap_or_default(),
                    member_lead_ids: text(&row[4]),
                    sources: text(&row[5]),
                    values: lead_values(provider),
                },
            })
        })
    }
}
