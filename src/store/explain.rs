//! Reading resolution back for people: a lead with its entity, an entity with its members
//! and the links that hold it together, the labels on a pair or between two entities, and
//! every labelled pair with both leads' values; and writing people's labels. `leadpipe
//! explain` and `leadpipe review` read and write through these. Each is one query with
//! bound values (no temporary table), so that it runs outside a run's transaction too.

use super::backend::Query;
use super::records::Records;
use super::schema::SqlType;
use super::value::{Bind, Cell, lead_values};
use super::{Store, StoreError, now};
use crate::lead::{LEAD_COLUMNS, LeadValues};
use crate::resolve::ids::EntityId;

use super::entities::StoredLabel;

/// A lead as explain shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityLead {
    pub lead_id: String,
    pub source: String,
    pub is_active: bool,
    /// Its entity, once it has been resolved.
    pub entity: Option<EntityId>,
    pub values: LeadValues,
}

/// An entity with its members and the links among them.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    pub entity_id: EntityId,
    /// `active`, `merged` or `split`.
    pub status: String,
    /// Its members, by lead id.
    pub members: Vec<EntityLead>,
    /// The stored links between two of its members (`lead_a` < `lead_b`, weight in bits),
    /// strongest first.
    pub links: Vec<(String, String, f64)>,
}

/// A labelled pair, with the values of both its leads.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledPair {
    pub label: StoredLabel,
    pub a: LeadValues,
    pub b: LeadValues,
}

/// A lead's columns as explain reads them from a table of `records`: id, source, whether
/// it is current (active, or listed by its CRM's newest export), entity, then its data.
fn lead_columns(lead: &str, records: Records) -> String {
    let data: Vec<String> = LEAD_COLUMNS
        .iter()
        .map(|c| format!("{lead}.{}", c.name))
        .collect();
    format!(
        "{lead}.lead_id, {lead}.source, {}, m.entity_id, {}",
        records.current(lead),
        data.join(", ")
    )
}

/// The types [`lead_columns`] are read as.
fn lead_types() -> Vec<SqlType> {
    let mut types = vec![
        SqlType::Text,
        SqlType::Text,
        SqlType::Boolean,
        SqlType::BigInt,
    ];
    types.extend(LEAD_COLUMNS.iter().map(|c| SqlType::of(c.ty)));
    types
}

fn entity_lead(row: &[Cell]) -> EntityLead {
    EntityLead {
        lead_id: row[0].text().unwrap_or_default().to_string(),
        source: row[1].text().unwrap_or_default().to_string(),
        is_active: row[2].bool().unwrap_or(false),
        entity: row[3].int(),
        values: lead_values(&row[4..]),
    }
}

/// A pair's two ids in stored order, `lead_a` < `lead_b`.
fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a <= b { (a, b) } else { (b, a) }
}

impl Store {
    /// A lead (or a reference record) by id, with its entity; `None` when there is none.
    pub fn entity_lead(&mut self, lead_id: &str) -> Result<Option<EntityLead>, StoreError> {
        let mut found = None;
        for records in Records::BOTH {
            let sql = format!(
                "SELECT {} FROM {} l LEFT JOIN entity_members m ON m.lead_id = l.lead_id
                 WHERE l.lead_id = $1",
                lead_columns("l", records),
                records.table()
            );
            let query = Query {
                sql: &sql,
                binds: &[Bind::Text(lead_id)],
                types: &lead_types(),
            };
            self.backend.query(&query, &mut |row| {
                found = Some(entity_lead(row));
                Ok(())
            })?;
            if found.is_some() {
                break;
            }
        }
        Ok(found)
    }

    /// An entity by id, with its members and the links among them.
    pub fn entity(&mut self, entity_id: EntityId) -> Result<Option<Entity>, StoreError> {
        let mut status = None;
        let query = Query {
            sql: "SELECT status FROM entities WHERE entity_id = $1",
            binds: &[Bind::Int(entity_id)],
            types: &[SqlType::Text],
        };
        self.backend.query(&query, &mut |row| {
            status = row[0].text().map(str::to_string);
            Ok(())
        })?;
        let Some(status) = status else {
            return Ok(None);
        };
        let mut members = Vec::new();
        for records in Records::BOTH {
            let sql = format!(
                "SELECT {} FROM entity_members m JOIN {} l ON l.lead_id = m.lead_id
                 WHERE m.entity_id = $1",
                lead_columns("l", records),
                records.table()
            );
            let query = Query {
                sql: &sql,
                binds: &[Bind::Int(entity_id)],
                types: &lead_types(),
            };
            self.backend.query(&query, &mut |row| {
                members.push(entity_lead(row));
                Ok(())
            })?;
        }
        members.sort_by(|a, b| a.lead_id.cmp(&b.lead_id));
        let mut links = Vec::new();
        let query = Query {
            sql: "SELECT k.lead_a, k.lead_b, k.weight FROM entity_links k
                  JOIN entity_members a ON a.lead_id = k.lead_a
                  JOIN entity_members b ON b.lead_id = k.lead_b
                  WHERE a.entity_id = $1 AND b.entity_id = $1
                  ORDER BY k.weight DESC, k.lead_a, k.lead_b",
            binds: &[Bind::Int(entity_id)],
            types: &[SqlType::Text, SqlType::Text, SqlType::Double],
        };
        self.backend.query(&query, &mut |row| {
            let weight = match row[2] {
                Cell::Float(weight) => weight,
                _ => f64::NAN,
            };
            links.push((
                row[0].text().unwrap_or_default().to_string(),
                row[1].text().unwrap_or_default().to_string(),
                weight,
            ));
            Ok(())
        })?;
        Ok(Some(Entity {
            entity_id,
            status,
            members,
            links,
        }))
    }

    /// Whether the pair is a stored link: compared, and at or above the threshold.
    pub fn is_link(&mut self, a: &str, b: &str) -> Result<bool, StoreError> {
        let (a, b) = ordered(a, b);
        let sql = "SELECT count(*) FROM entity_links WHERE lead_a = $1 AND lead_b = $2";
        Ok(self.count(sql, &[Bind::Text(a), Bind::Text(b)])? > 0)
    }

    /// The labels on a pair of a member of one entity and a member of the other (the same
    /// entity twice: the labels among its members).
    pub fn labels_between(
        &mut self,
        one: EntityId,
        other: EntityId,
    ) -> Result<Vec<StoredLabel>, StoreError> {
        let mut labels = Vec::new();
        let query = Query {
            sql: "SELECT k.lead_a, k.lead_b, k.label FROM match_labels k
                  JOIN entity_members a ON a.lead_id = k.lead_a
                  JOIN entity_members b ON b.lead_id = k.lead_b
                  WHERE (a.entity_id = $1 AND b.entity_id = $2)
                     OR (a.entity_id = $2 AND b.entity_id = $1)
                  ORDER BY k.lead_a, k.lead_b",
            binds: &[Bind::Int(one), Bind::Int(other)],
            types: &[SqlType::Text, SqlType::Text, SqlType::Text],
        };
        self.backend.query(&query, &mut |row| {
            labels.push(stored_label(row));
            Ok(())
        })?;
        Ok(labels)
    }

    /// Every labelled pair whose leads (or reference records) are both stored, with both
    /// their values, by lead ids. Labels are few: each lead is looked up by its id.
    pub fn labelled_pairs(&mut self) -> Result<Vec<LabelledPair>, StoreError> {
        let mut labels = Vec::new();
        let query = Query {
            sql: "SELECT lead_a, lead_b, label FROM match_labels ORDER BY lead_a, lead_b",
            binds: &[],
            types: &[SqlType::Text; 3],
        };
        self.backend.query(&query, &mut |row| {
            labels.push(stored_label(row));
            Ok(())
        })?;
        let mut pairs = Vec::with_capacity(labels.len());
        for label in labels {
            let a = self.entity_lead(&label.lead_a)?;
            let b = self.entity_lead(&label.lead_b)?;
            if let (Some(a), Some(b)) = (a, b) {
                pairs.push(LabelledPair {
                    label,
                    a: a.values,
                    b: b.values,
                });
            }
        }
        Ok(pairs)
    }

    /// Whether a lead (or a reference record) of this id exists.
    pub fn has_lead(&mut self, lead_id: &str) -> Result<bool, StoreError> {
        let sql = "SELECT (SELECT count(*) FROM leads WHERE lead_id = $1)
            + (SELECT count(*) FROM reference_records WHERE lead_id = $1)";
        Ok(self.count(sql, &[Bind::Text(lead_id)])? > 0)
    }

    /// Writes people's labels, each replacing any earlier label on its pair. The next
    /// resolution of their leads applies them.
    pub fn save_labels(&mut self, labels: &[StoredLabel]) -> Result<(), StoreError> {
        let at = now();
        for label in labels {
            let (a, b) = ordered(&label.lead_a, &label.lead_b);
            let word = if label.must_link {
                "must_link"
            } else {
                "cannot_link"
            };
            self.backend.execute(
                "INSERT INTO match_labels (lead_a, lead_b, label, labelled_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (lead_a, lead_b)
                 DO UPDATE SET label = excluded.label, labelled_at = excluded.labelled_at",
                &[
                    Bind::Text(a),
                    Bind::Text(b),
                    Bind::Text(word),
                    Bind::Time(at),
                ],
            )?;
        }
        Ok(())
    }
}

/// A label from the cells `lead_a`, `lead_b`, `label`.
fn stored_label(row: &[Cell]) -> StoredLabel {
    StoredLabel {
        lead_a: row[0].text().unwrap_or_default().to_string(),
        lead_b: row[1].text().unwrap_or_default().to_string(),
        must_link: row[2].text() == Some("must_link"),
    }
}
