//! The real Nevada file rewritten the ways other agencies export: a renamed header and a
//! dropped column, `;` with `'` quotes and a preamble, a headerless TSV, a two-byte
//! delimiter, a backslash escape. Each is read by a spec that `extends = "nevada"` with only
//! what differs, and must load the same leads as the original, field for field.

mod util;

use std::path::Path;

use util::{NEVADA, Workdir, assert_exit, raw_dir};

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

/// Every lead of a database, each column but [`FILE_DEPENDENT`] ones, in `lead_id` order.
fn leads(w: &Workdir) -> Vec<Vec<(String, String)>> {
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
fn nevada() -> (Vec<Vec<u8>>, Vec<Vec<Vec<u8>>>) {
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

/// Loads the original with the built-in spec.
fn original() -> Vec<Vec<(String, String)>> {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir().join(NEVADA)]), 0);
    let leads = leads(&w);
    assert_eq!(leads.len(), 100);
    leads
}

/// Loads `file` (named as Nevada's files are, so that its spec claims it and dates it) with
/// `spec` as the folder's `nevada.toml`, and returns the leads; every record must load.
fn load_as(spec: &str, file: &[u8]) -> Vec<Vec<(String, String)>> {
    let w = Workdir::new();
    let specs = w.path().join("specs");
    w.write("specs/nevada.toml", spec);
    let path = w.write("07-07-2023 Nevada re-export.csv", file);
    let output = w.ingest_with(&[&path], &["--specs", specs.to_str().unwrap()]);
    assert_exit(&output, 0);
    let rejects: i64 = w.query("SELECT count(*) FROM rejects");
    assert_eq!(rejects, 0, "{}", util::stderr(&output));
    leads(&w)
}

/// `fields` quoted with `quote`, a quote or an `escape` inside written after `escape` (or
/// doubled without one).
fn quoted(field: &[u8], quote: u8, escape: Option<u8>) -> Vec<u8> {
    let mut out = vec![quote];
    for &b in field {
        match escape {
            Some(e) if b == quote || b == e => out.extend([e, b]),
            None if b == quote => out.extend([quote, quote]),
            _ => out.push(b),
        }
    }
    out.push(quote);
    out
}

/// The rows joined by `delimiter` and ended by `end`, each field passed through `field`.
fn written(
    rows: &[Vec<Vec<u8>>],
    delimiter: &[u8],
    end: &[u8],
    field: impl Fn(&[u8]) -> Vec<u8>,
) -> Vec<u8> {
    let mut out = Vec::new();
    for row in rows {
        let fields: Vec<Vec<u8>> = row.iter().map(|f| field(f)).collect();
        out.extend(fields.join(delimiter));
        out.extend(end);
    }
    out
}

#[test]
fn an_inheriting_spec_loads_a_renamed_header_copy_of_nevada_like_the_original() {
    let (mut header, records) = nevada();
    // The 2024 re-export: `Phone#` is `Phone`, and the blank column after `Address` is gone.
    let blank = header.iter().position(|h| h.is_empty()).unwrap();
    let phone = header.iter().position(|h| h == b"Phone#").unwrap();
    header[phone] = b"Phone".to_vec();
    let mut rows = vec![header];
    rows.extend(records);
    for row in &mut rows {
        row.remove(blank);
    }
    let file = written(&rows, b",", b"\r\n", |f| quoted(f, b'"', None));
    let spec = r#"
        extends = "nevada"
        id = "nevada"
        remove_columns = [""]
        aliases = { "Phone#" = ["Phone"] }
    "#;
    assert_eq!(load_as(spec, &file), original());
}

#[test]
fn nevada_in_other_dialects_loads_like_the_original() {
    let (header, records) = nevada();
    let mut with_header = vec![header];
    with_header.extend(records.iter().cloned());
    let expected = original();

    // `;`, `'` quotes, CR-only line ends, a two-line preamble.
    let mut file = b"Child care facilities\rAs of 07/07/2023\r".to_vec();
    file.extend(written(&with_header, b";", b"\r", |f| {
        quoted(f, b'\'', None)
    }));
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n\
                [format]\ndelimiter = \";\"\nquote = \"'\"\npreamble_lines = 2\n";
    assert_eq!(load_as(spec, &file), expected, "semicolons");

    // A headerless TSV, nothing quoted, with a footnote.
    let mut file = written(&records, b"\t", b"\n", <[u8]>::to_vec);
    file.extend(b"100 facilities\n");
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n\
                [format]\ndelimiter = \"\\t\"\nquote = \"\"\nheader_rows = 0\nfootnote_lines = 1\n";
    assert_eq!(load_as(spec, &file), expected, "headerless TSV");

    // `, ` between fields, every field quoted.
    let file = written(&with_header, b", ", b"\r\n", |f| quoted(f, b'"', None));
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n[format]\ndelimiter = \", \"\n";
    assert_eq!(load_as(spec, &file), expected, "two-byte delimiter");

    // A backslash escapes quotes (and itself) inside quoted fields.
    let file = written(&with_header, b",", b"\n", |f| quoted(f, b'"', Some(b'\\')));
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n[format]\nescape = \"\\\\\"\n";
    assert_eq!(load_as(spec, &file), expected, "backslash escapes");
}

#[test]
fn a_spec_extending_an_unknown_one_is_refused_with_its_file() {
    let w = Workdir::new();
    w.write("specs/x.toml", "extends = \"nevda\"\nid = \"x\"\n");
    let file = raw_dir().join(NEVADA);
    let output = w.ingest_with(&[Path::new(&file)], &["--specs", "specs"]);
    assert_exit(&output, 2);
    let stderr = util::stderr(&output);
    assert!(
        stderr.contains("x.toml: `extends = \"nevda\"`: no spec has that id"),
        "{stderr}"
    );
}
