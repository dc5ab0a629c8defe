//! Mapping: a spec's rules applied to one record's fields give the lead's values.

pub(crate) mod row;

use serde::Serialize;

use crate::enrich::Derivation;
use crate::lead::{LEAD_COLUMNS, LeadValues, Value};
use crate::normalize::{Issue, mojibake};
use crate::read::fields::Fields;
use crate::reason::Reason;
use crate::spec::{Input, Rule, Spec};

/// A doubtful field value of a loaded lead, kept with the lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
    pub column: &'static str,
    pub reason: Reason,
    pub message: String,
}

/// Why a record is not loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub reason: Reason,
    pub message: String,
}

/// A record mapped onto the lead columns.
#[derive(Debug)]
pub struct MappedLead {
    pub values: LeadValues,
    pub issues: Vec<FieldIssue>,
    /// The columns enrichment filled ([`crate::enrich`]).
    pub derived: Vec<Derivation>,
}

impl MappedLead {
    /// The natural key's value.
    pub fn key<'a>(&'a self, spec: &Spec) -> Option<&'a str> {
        self.values[spec.key_column].as_text()
    }
}

/// Applies every rule of `spec` to a record's fields (one per header column). A rule marked
/// `required` that yields no value rejects the record; other unusable values become NULL
/// and are noted as issues.
pub fn map_record(spec: &Spec, fields: &Fields) -> Result<MappedLead, Rejection> {
    apply_rules(spec, spec.rules.iter(), fields)
}

/// The natural key alone, from the rules that write it: what a record that is known to be
/// unchanged needs to be found again.
pub fn map_key(spec: &Spec, fields: &Fields) -> Result<Option<String>, Rejection> {
    let writes_key = |rule: &&Rule| rule.outputs.iter().any(|&(_, c)| c == spec.key_column);
    let mut lead = apply_rules(spec, spec.rules.iter().filter(writes_key), fields)?;
    Ok(match std::mem::take(&mut lead.values[spec.key_column]) {
        Value::Text(key) => Some(key),
        _ => None,
    })
}

fn apply_rules<'a>(
    spec: &Spec,
    rules: impl Iterator<Item = &'a Rule>,
    fields: &Fields,
) -> Result<MappedLead, Rejection> {
    let mut values: LeadValues = std::array::from_fn(|_| Value::Null);
    let mut issues = Vec::new();
    let mut inputs: Vec<&str> = Vec::with_capacity(8);
    let mut out: Vec<Value> = Vec::with_capacity(8);
    for rule in rules {
        inputs.clear();
        inputs.extend(rule.inputs.iter().map(|input| match input {
            Input::Column(i) => &fields[*i],
            Input::Constant(value) => value.as_str(),
        }));
        out.clear();
        out.resize(rule.normalizer.parts().len(), Value::Null);
        let verdict = rule.normalizer.apply(&inputs, &mut out);
        let first_column = LEAD_COLUMNS[rule.outputs[0].1].name;
        let issue = match verdict {
            Ok(issue) => issue,
            Err(issue) if rule.required => {
                return Err(Rejection {
                    reason: issue.reason,
                    message: format!(
                        "{}: {}",
                        describe_inputs(spec, rule, &inputs),
                        issue.message
                    ),
                });
            }
            Err(issue) => {
                out.fill(Value::Null);
                Some(issue)
            }
        };
        if let Some(Issue { reason, message }) = issue {
            issues.push(FieldIssue {
                column: first_column,
                reason,
                message,
            });
        }
        if let Some(message) = garbled_input(spec, rule, &inputs) {
            issues.push(FieldIssue {
                column: first_column,
                reason: Reason::Mojibake,
                message,
            });
        }
        for (n, &(part, column)) in rule.outputs.iter().enumerate() {
            if rule.required && out[part].is_null() {
                return Err(Rejection {
                    reason: Reason::MissingRequired,
                    message: format!(
                        "{} gives no `{}`, which the spec requires",
                        describe_inputs(spec, rule, &inputs),
                        LEAD_COLUMNS[column].name
                    ),
                });
            }
            // A part written to several columns is copied to all but the last.
            let used_again = rule.outputs[n + 1..].iter().any(|&(p, _)| p == part);
            values[column] = if used_again {
                out[part].clone()
            } else {
                std::mem::take(&mut out[part])
            };
        }
    }
    Ok(MappedLead {
        values,
        issues,
        derived: Vec::new(),
    })
}

/// What is garbled in the first source field of a rule whose text is mojibake: the value is
/// kept as published, and the lead column the rule writes first is noted.
fn garbled_input(spec: &Spec, rule: &Rule, inputs: &[&str]) -> Option<String> {
    rule.inputs
        .iter()
        .zip(inputs)
        .find_map(|(input, value)| match input {
            Input::Column(i) => mojibake::find(value)
                .map(|found| format!("`{}` = {value:?} holds {found}", spec.header[*i])),
            Input::Constant(_) => None,
        })
}

fn describe_inputs(spec: &Spec, rule: &Rule, inputs: &[&str]) -> String {
    let described: Vec<String> = rule
        .inputs
        .iter()
        .zip(inputs)
        .map(|(input, value)| match input {
            Input::Column(i) => format!("`{}` = {value:?}", spec.header[*i]),
            Input::Constant(_) => format!("constant {value:?}"),
        })
        .collect();
    described.join(", ")
}

/// A file's header names written as JSON object keys (`"Zip":`), once for all its records'
/// [`source_record_json`].
pub struct RecordKeys {
    keys: Vec<String>,
    len: usize,
}

impl RecordKeys {
    pub fn new(header: &[String]) -> RecordKeys {
        let keys: Vec<String> = header
            .iter()
            .map(|name| serde_json::to_string(name).expect("strings serialize") + ":")
            .collect();
        let len = keys.iter().map(String::len).sum();
        RecordKeys { keys, len }
    }
}

/// The record's values as published, as a JSON object of header → value, in header order.
pub fn source_record_json(keys: &RecordKeys, fields: &Fields) -> String {
    // Room for every key and value, with quotes and commas, when no value needs escapes.
    let mut json = Vec::with_capacity(keys.len + fields.text_len() + 3 * fields.len() + 2);
    json.push(b'{');
    for (i, (key, value)) in keys.keys.iter().zip(fields.iter()).enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.extend_from_slice(key.as_bytes());
        serde_json::to_writer(&mut json, value).expect("strings serialize");
    }
    json.push(b'}');
    String::from_utf8(json).expect("JSON of strings is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::column_index;

    fn spec() -> Spec {
        Spec::parse(
            r#"
            id = "demo"
            name = "Demo"
            key = "license_number"
            header = ["License", "Phone", "Cap"]
            [[map]]
            from = "License"
            to = "license_number"
            required = true
            [[map]]
            from = "Phone"
            with = "phone"
            to = "phone"
            [[map]]
            from = "Cap"
            with = "integer"
            to = "capacity"
            "#,
            "demo.toml",
        )
        .unwrap()
    }

    fn fields(values: [&str; 3]) -> Fields {
        values.into_iter().collect()
    }

    #[test]
    fn maps_values_by_rule() {
        let lead = map_record(&spec(), &fields(["K1", "(209) 747-1797", "12.0"])).unwrap();
        assert_eq!(lead.key(&spec()), Some("K1"));
        assert_eq!(
            lead.values[column_index("phone").unwrap()],
            Value::text("+12097471797")
        );
        assert_eq!(
            lead.values[column_index("capacity").unwrap()],
            Value::Integer(12)
        );
        assert!(lead.issues.is_empty());
    }

    #[test]
    fn an_unusable_optional_value_is_null_with_an_issue() {
        let lead = map_record(&spec(), &fields(["K1", "555-123-4567", "many"])).unwrap();
        assert_eq!(lead.values[column_index("capacity").unwrap()], Value::Null);
        let reasons: Vec<_> = lead.issues.iter().map(|i| (i.column, i.reason)).collect();
        assert_eq!(
            reasons,
            [
                ("phone", Reason::UnassignedPhone),
                ("capacity", Reason::InvalidInteger)
            ]
        );
    }

    #[test]
    fn a_garbled_source_value_is_kept_and_noted_on_its_lead_column() {
        let lead = map_record(&spec(), &fields(["KIDâ€™S", "", "María"])).unwrap();
        assert_eq!(
            lead.values[column_index("license_number").unwrap()],
            Value::text("KIDâ€™S")
        );
        let issues: Vec<_> = lead
            .issues
            .iter()
            .map(|i| (i.column, i.reason, i.message.as_str()))
            .collect();
        assert_eq!(
            issues[0],
            (
                "license_number",
                Reason::Mojibake,
                "`License` = \"KIDâ€™S\" holds `â€™` (`’` in UTF-8 read as Windows-1252)"
            )
        );
        // `María` is a sound name (its `Cap` is no number, which is another issue).
        assert_eq!(issues.len(), 2);
        assert_eq!(issues[1].1, Reason::InvalidInteger);
    }

    #[test]
    fn the_key_alone_comes_from_the_rules_that_write_it() {
        assert_eq!(
            map_key(&spec(), &fields([" K1 ", "not a phone", "many"])),
            Ok(Some("K1".into()))
        );
        assert_eq!(
            map_key(&spec(), &fields(["", "", ""])).unwrap_err().reason,
            Reason::MissingRequired
        );
    }

    #[test]
    fn a_missing_required_value_rejects_the_record() {
        let rejection = map_record(&spec(), &fields([" ", "", ""])).unwrap_err();
        assert_eq!(rejection.reason, Reason::MissingRequired);
        assert_eq!(
            rejection.message,
            "`License` = \" \" gives no `license_number`, which the spec requires"
        );
    }

    #[test]
    fn source_record_keeps_header_order_and_exact_values() {
        let keys = RecordKeys::new(&["b", "a\"", ""].map(String::from));
        let json = source_record_json(&keys, &fields([" x ", "y\r\nz", "\u{1}é"]));
        assert_eq!(json, r#"{"b":" x ","a\"":"y\r\nz","":"\u0001é"}"#);
        let parsed: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["a\""], "y\r\nz");
    }
}
