//! The real Nevada file rewritten as other agencies export it: its records as published, the
//! leads the original loads, and the leads a rewritten copy loads with a spec that extends
//! Nevada's, to compare field for field.

use super::{NEVADA, Workdir, assert_exit, raw_dir};

/// The lead columns that depend on the file rather than the record: where it was read, when
/// and by which run, the header names of `source_record`, the hash of its bytes.
const FILE_DEPENDENT: &[&str] = &[
    "source_file",
    "source_line",
    "ingested_at",
    "run_id",
    "source_record",
    "record_hash",
    "first_file_id",
];

/// A lead's columns but the [`FILE_DEPENDENT`] ones, as (name, value) pairs.
pub type Lead = Vec<(String, String)>;

/// Every lead of a database, in `lead_id` order.
pub fn leads(w: &Workdir) -> Vec<Lead> {
    let db = w.db();
    let mut query = db.prepare("SELECT * FROM leads ORDER BY lead_id").unwrap();
    let names: Vec<String> = query.column_names().iter().map(|n| n.to_string()).collect();
    query
        .query_map([], |row| {
            let mut values = Vec::new();
            for (i, name) in names.iter().enumerate() {
                if !FILE_DEPENDENT.contains(&name.as_str()) {
                    let value: rusqlite::types::Value = row.get(i)?;
                    values.push((name.clone(), format!("{value:?}")));
                }
            }
            Ok(values)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The real Nevada file's header and records, as bytes (one field is Windows-1252).
pub fn records() -> (Vec<Vec<u8>>, Vec<Vec<Vec<u8>>>) {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(raw_dir().join(NEVADA))
        .unwrap();
    let header = reader
        .byte_headers()
        .unwrap()
        .iter()
        .map(<[u8]>::to_vec)
        .collect();
    let records = reader
        .byte_records()
        .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
        .collect();
    (header, records)
}

/// The leads of the original, loaded with the built-in spec.
pub fn original_leads() -> Vec<Lead> {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir().join(NEVADA)]), 0);
    let leads = leads(&w);
    assert_eq!(leads.len(), 100);
    leads
}

/// Loads `file` as `name` (named as Nevada's files are, so that its spec claims it and
/// dates it) with `spec` as the folder's `nevada.toml`, and returns the leads; every record
/// must load.
pub fn load_as(spec: &str, name: &str, file: &[u8]) -> Vec<Lead> {
    let w = Workdir::new();
    let specs = w.path().join("specs");
    w.write("specs/nevada.toml", spec);
    let path = w.write(name, file);
    let output = w.ingest_with(&[&path], &["--specs", specs.to_str().unwrap()]);
    assert_exit(&output, 0);
    let rejects: i64 = w.query("SELECT count(*) FROM rejects");
    assert_eq!(rejects, 0, "{}", super::stderr(&output));
    leads(&w)
}

/// Panics unless `loaded` are the `expected` leads, naming each lead and column that
/// differs (a lead is some forty columns: the whole of both would hide the difference).
#[track_caller]
pub fn assert_same_leads(loaded: &[Lead], expected: &[Lead], what: &str) {
    let mut differences = Vec::new();
    for (lead, (found, wanted)) in loaded.iter().zip(expected).enumerate() {
        for (found, wanted) in found.iter().zip(wanted).filter(|(f, w)| f != w) {
            differences.push(format!(
                "lead {lead}: {found:?} where the original has {wanted:?}"
            ));
        }
    }
    if loaded.len() != expected.len() {
        differences.push(format!(
            "{} leads where the original has {}",
            loaded.len(),
            expected.len()
        ));
    }
    assert!(
        differences.is_empty(),
        "{what}:\n{}",
        differences.join("\n")
    );
}
