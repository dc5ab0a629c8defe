//! Every column of 41 real records, awkward ones included, as a sales rep should see them:
//! `tests/golden/leads.json`, written by reading the records in `tests/data/raw`.

mod util;

use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

use util::{Workdir, assert_exit, raw_dir};

/// A column's value as JSON: booleans as stored 0/1 are compared as booleans.
fn column_json(value: ValueRef<'_>, boolean: bool) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) if boolean => Value::Bool(i != 0),
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(x) => Value::from(x),
        ValueRef::Text(t) => Value::from(String::from_utf8(t.to_vec()).unwrap()),
        other => panic!("unexpected column value {other:?}"),
    }
}

#[test]
fn a_full_ingest_of_the_raw_files_gives_the_golden_values() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir()]), 0);
    let golden: Vec<Map<String, Value>> =
        serde_json::from_str(include_str!("golden/leads.json")).unwrap();
    assert!(golden.len() >= 30);
    let db = w.db();
    let mut differences = Vec::new();
    for expected in &golden {
        let lead_id = expected["lead_id"].as_str().unwrap();
        let columns: Vec<&String> = expected.keys().filter(|k| *k != "lead_id").collect();
        let sql = format!(
            "SELECT {} FROM leads WHERE lead_id = ?1",
            columns
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        db.query_row(&sql, [lead_id], |row| {
            for (i, column) in columns.iter().enumerate() {
                let boolean = expected[*column].is_boolean();
                let actual = column_json(row.get_ref(i)?, boolean);
                if actual != expected[*column] {
                    differences.push(format!(
                        "{lead_id}.{column}: expected {}, got {actual}",
                        expected[*column]
                    ));
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{lead_id}: {e}"));
    }
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn the_golden_file_covers_every_column_and_state() {
    let golden: Vec<Map<String, Value>> =
        serde_json::from_str(include_str!("golden/leads.json")).unwrap();
    let data_columns: Vec<&str> = leadpipe::lead::LEAD_COLUMNS
        .iter()
        .map(|c| c.name)
        .collect();
    for record in &golden {
        let keys: Vec<&str> = record
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "lead_id")
            .collect();
        assert_eq!(keys, data_columns, "{}", record["lead_id"]);
    }
    for state in ["nevada:", "oklahoma:", "texas:"] {
        let n = golden
            .iter()
            .filter(|r| r["lead_id"].as_str().unwrap().starts_with(state))
            .count();
        assert!(n >= 10, "{state} {n}");
    }
}
