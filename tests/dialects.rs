//! The real Nevada file rewritten the ways other agencies export: a renamed header and a
//! dropped column, `;` with `'` quotes and a preamble, a headerless TSV, a two-byte
//! delimiter, a backslash escape. Each is read by a spec that `extends = "nevada"` with only
//! what differs, and must load the same leads as the original, field for field.

mod util;

use std::path::Path;

use util::nevada::{self, Lead, original_leads};
use util::{NEVADA, Workdir, assert_exit, raw_dir};

/// Loads `file`, named as Nevada's files are, with `spec` as the folder's `nevada.toml`.
fn load_as(spec: &str, file: &[u8]) -> Vec<Lead> {
    nevada::load_as(spec, "07-07-2023 Nevada re-export.csv", file)
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
    let (mut header, records) = nevada::records();
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
    nevada::assert_same_leads(&load_as(spec, &file), &original_leads(), "renamed");
}

#[test]
fn nevada_in_other_dialects_loads_like_the_original() {
    let (header, records) = nevada::records();
    let mut with_header = vec![header];
    with_header.extend(records.iter().cloned());
    let expected = original_leads();

    // `;`, `'` quotes, CR-only line ends, a two-line preamble.
    let mut file = b"Child care facilities\rAs of 07/07/2023\r".to_vec();
    file.extend(written(&with_header, b";", b"\r", |f| {
        quoted(f, b'\'', None)
    }));
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n\
                [format]\ndelimiter = \";\"\nquote = \"'\"\npreamble_lines = 2\n";
    nevada::assert_same_leads(&load_as(spec, &file), &expected, "semicolons");

    // A headerless TSV, nothing quoted, with a footnote.
    let mut file = written(&records, b"\t", b"\n", <[u8]>::to_vec);
    file.extend(b"100 facilities\n");
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n\
                [format]\ndelimiter = \"\\t\"\nquote = \"\"\nheader_rows = 0\nfootnote_lines = 1\n";
    nevada::assert_same_leads(&load_as(spec, &file), &expected, "headerless TSV");

    // `, ` between fields, every field quoted.
    let file = written(&with_header, b", ", b"\r\n", |f| quoted(f, b'"', None));
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n[format]\ndelimiter = \", \"\n";
    nevada::assert_same_leads(&load_as(spec, &file), &expected, "two-byte delimiter");

    // A backslash escapes quotes (and itself) inside quoted fields.
    let file = written(&with_header, b",", b"\n", |f| quoted(f, b'"', Some(b'\\')));
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n[format]\nescape = \"\\\\\"\n";
    nevada::assert_same_leads(&load_as(spec, &file), &expected, "backslash escapes");
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
