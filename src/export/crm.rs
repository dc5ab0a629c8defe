//! The CRM exports: the providers the CRM does not have yet, in the field names of
//! Salesforce's Data Import Wizard, and each CRM record with the provider it matched and
//! what this week's data says differently, in Salesforce's API names (for an update job).

use serde_json::{Value, json};

use crate::lead::{LeadValues, column_index};
use crate::resolve::model::probability;
use crate::resolve::street::street_name;
use crate::store::{CrmMatch, Provider};

/// What Salesforce writes for a required field nobody filled (`Last Name`, `Company`).
const NOT_PROVIDED: &str = "[not provided]";

/// A Salesforce Lead field, with its label (what the Data Import Wizard maps by), its API
/// name (what Data Loader and the API use) and the lead columns it is made of.
struct Field {
    label: &'static str,
    api: &'static str,
    columns: &'static [&'static str],
    required: bool,
}

const fn field(label: &'static str, api: &'static str, columns: &'static [&'static str]) -> Field {
    Field {
        label,
        api,
        columns,
        required: false,
    }
}

/// The Lead fields a provider fills, in the Data Import Wizard's order.
const FIELDS: [Field; 13] = [
    field("First Name", "FirstName", &["first_name"]),
    Field {
        required: true,
        ..field("Last Name", "LastName", &["last_name"])
    },
    field("Title", "Title", &["title"]),
    Field {
        required: true,
        ..field("Company", "Company", &["company"])
    },
    field("Street", "Street", &["address1", "address2"]),
    field("City", "City", &["city"]),
    field("State/Province", "State", &["state"]),
    field("Zip/Postal Code", "PostalCode", &["zip"]),
    field("Country", "Country", &["country"]),
    field("Phone", "Phone", &["phone"]),
    field("Mobile", "MobilePhone", &["phone2"]),
    field("Email", "Email", &["email"]),
    field("Website", "Website", &["website_address"]),
];

/// The lineage after the fields: enough to trace each row back.
const LINEAGE: [&str; 3] = [
    "leadpipe Entity ID",
    "leadpipe Lead IDs",
    "leadpipe Sources",
];

/// A field's value in a lead's (or a CRM record's) columns: its columns' texts, joined.
/// A provider's country is its own, or the US where it has only a state (as resolution
/// reads it).
fn value_of(field: &Field, values: &LeadValues) -> Option<String> {
    let parts: Vec<String> = field
        .columns
        .iter()
        .filter_map(|c| values[column_index(c).expect("a lead column")].to_text())
        .collect();
    match (parts.is_empty(), field.api) {
        (true, "Country") => values[column_index("state").expect("a lead column")]
            .as_text()
            .map(|_| "US".to_string()),
        (true, _) => None,
        (false, _) => Some(parts.join(", ")),
    }
}

/// The columns of `export net-new`.
pub fn net_new_columns() -> Vec<&'static str> {
    FIELDS.iter().map(|f| f.label).chain(LINEAGE).collect()
}

/// A provider as a row of `export net-new`.
pub fn net_new_row(provider: &Provider) -> Vec<Value> {
    let fields = FIELDS.iter().map(|f| match value_of(f, &provider.values) {
        Some(value) => json!(value),
        None if f.required => json!(NOT_PROVIDED),
        None => Value::Null,
    });
    fields
        .chain([
            json!(provider.entity_id),
            json!(provider.member_lead_ids),
            json!(provider.sources),
        ])
        .collect()
}

/// The columns of `export matched`: the CRM record, its provider, how sure the match is,
/// which fields differ, then each field's value where this week's data differs (blank
/// elsewhere, so that an update job writes nothing else).
pub fn matched_columns() -> Vec<&'static str> {
    let head = [
        "Id",
        "leadpipe_crm_source",
        "leadpipe_entity_id",
        "leadpipe_match_weight",
        "leadpipe_match_probability",
        "leadpipe_differs",
        "leadpipe_lead_ids",
        "leadpipe_sources",
    ];
    head.into_iter()
        .chain(FIELDS.iter().map(|f| f.api))
        .collect()
}

/// The fields whose value in this week's data (the provider's) is known and differs from
/// the CRM record's, with both values.
pub fn differences(matched: &CrmMatch) -> Vec<(&'static str, Option<String>, String)> {
    FIELDS
        .iter()
        .filter_map(|f| {
            let ours = value_of(f, &matched.provider.values)?;
            let theirs = value_of(f, &matched.crm);
            let same = theirs
                .as_deref()
                .is_some_and(|t| folded(f, t) == folded(f, &ours));
            (!same).then_some((f.api, theirs, ours))
        })
        .collect()
}

/// A field's value compared without case, blanks or punctuation (`PRE-SCHOOL` is
/// `Preschool`), a street in USPS spelling (`555 Page Street` is `555 PAGE ST`).
fn folded(field: &Field, text: &str) -> String {
    let spelled = match field.api {
        "Street" => street_name(text),
        _ => None,
    };
    spelled
        .as_deref()
        .unwrap_or(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A CRM record and its provider as a row of `export matched` (CSV).
pub fn matched_row(matched: &CrmMatch) -> Vec<Value> {
    let differs = differences(matched);
    let names: Vec<&str> = differs.iter().map(|(api, ..)| *api).collect();
    let mut row = vec![
        json!(matched.crm_id),
        json!(matched.source),
        json!(matched.provider.entity_id),
        matched.weight.map_or(Value::Null, |w| json!(round(w, 2))),
        matched
            .weight
            .map_or(Value::Null, |w| json!(round(probability(w), 4))),
        json!(names.join(" ")),
        json!(matched.provider.member_lead_ids),
        json!(matched.provider.sources),
    ];
    row.extend(FIELDS.iter().map(|f| {
        differs
            .iter()
            .find(|(api, ..)| *api == f.api)
            .map_or(Value::Null, |(_, _, ours)| json!(ours))
    }));
    row
}

/// The columns of `export matched` as JSON Lines: the differences as one object.
pub fn matched_json_columns() -> Vec<&'static str> {
    vec![
        "crm_id",
        "crm_source",
        "entity_id",
        "match_weight",
        "match_probability",
        "lead_ids",
        "sources",
        "differs",
    ]
}

/// A CRM record and its provider as a line of `export matched`: `differs` maps each
/// differing field's API name to `{crm, leads}`.
pub fn matched_json_row(matched: &CrmMatch) -> Vec<Value> {
    let differs: serde_json::Map<String, Value> = differences(matched)
        .into_iter()
        .map(|(api, theirs, ours)| (api.to_string(), json!({"crm": theirs, "leads": ours})))
        .collect();
    vec![
        json!(matched.crm_id),
        json!(matched.source),
        json!(matched.provider.entity_id),
        matched.weight.map_or(Value::Null, |w| json!(round(w, 2))),
        matched
            .weight
            .map_or(Value::Null, |w| json!(round(probability(w), 4))),
        json!(matched.provider.member_lead_ids),
        json!(matched.provider.sources),
        Value::Object(differs),
    ]
}

fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::{LEAD_COLUMNS, Value as LeadValue};

    fn values(pairs: &[(&str, &str)]) -> LeadValues {
        let mut values: LeadValues = std::array::from_fn(|_| LeadValue::Null);
        for (column, value) in pairs {
            values[column_index(column).unwrap()] = LeadValue::text(*value);
        }
        values
    }

    fn provider(pairs: &[(&str, &str)]) -> Provider {
        Provider {
            entity_id: 7,
            member_lead_ids: "nevada:1106-22,texas:9".into(),
            sources: "nevada,texas".into(),
            values: values(pairs),
        }
    }

    #[test]
    fn a_provider_without_a_person_is_still_importable() {
        let row = net_new_row(&provider(&[
            ("company", "SUNSHINE ACADEMY"),
            ("address1", "150 N WILLOW ST"),
            ("address2", "STE 2"),
            ("state", "NV"),
            ("phone", "+13463939400"),
        ]));
        let columns = net_new_columns();
        let at = |label: &str| &row[columns.iter().position(|c| *c == label).unwrap()];
        assert_eq!(at("Last Name"), "[not provided]");
        assert_eq!(at("First Name"), &Value::Null);
        assert_eq!(at("Company"), "SUNSHINE ACADEMY");
        assert_eq!(at("Street"), "150 N WILLOW ST, STE 2");
        assert_eq!(at("Country"), "US");
        assert_eq!(at("leadpipe Entity ID"), 7);
        assert_eq!(at("leadpipe Lead IDs"), "nevada:1106-22,texas:9");
        assert_eq!(row.len(), columns.len());
        assert!(LEAD_COLUMNS.len() > FIELDS.len());
    }

    #[test]
    fn only_what_this_weeks_data_says_differently_is_an_update() {
        let matched = CrmMatch {
            source: "salesforce_leads".into(),
            crm_id: "00Q1".into(),
            weight: Some(22.5),
            crm: values(&[
                ("company", "Sunshine Academy Preschool"),
                ("phone", "+13463939400"),
                ("email", "old@example.org"),
                ("title", "Director"),
                ("address1", "555 Page Street"),
            ]),
            provider: provider(&[
                ("company", "SUNSHINE ACADEMY PRE-SCHOOL"),
                ("phone", "+13463939401"),
                ("first_name", "Janeece"),
                ("address1", "555 PAGE ST"),
            ]),
        };
        let differs = differences(&matched);
        assert_eq!(
            differs,
            [
                ("FirstName", None, "Janeece".to_string()),
                ("Phone", Some("+13463939400".into()), "+13463939401".into()),
            ]
        );
        let row = matched_row(&matched);
        let columns = matched_columns();
        let at = |name: &str| &row[columns.iter().position(|c| *c == name).unwrap()];
        assert_eq!(at("Id"), "00Q1");
        assert_eq!(at("leadpipe_differs"), "FirstName Phone");
        assert_eq!(at("Phone"), "+13463939401");
        assert_eq!(
            at("Company"),
            &Value::Null,
            "the same name, spelled otherwise"
        );
        assert_eq!(at("Email"), &Value::Null, "this week's data has none");
        assert_eq!(at("leadpipe_match_weight"), 22.5);
        let line = matched_json_row(&matched);
        assert_eq!(
            line[7],
            json!({"FirstName": {"crm": null, "leads": "Janeece"},
                   "Phone": {"crm": "+13463939400", "leads": "+13463939401"}})
        );
    }
}
