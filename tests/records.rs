//! `leadpipe records`: a file's records as leadpipe reads them, every field quoted, ragged
//! and broken records included, their reasons on stderr; nothing written anywhere else.

mod util;

use util::{NEVADA, OKLAHOMA, Workdir, assert_exit, raw_dir, stderr, stdout};

#[test]
fn the_real_oklahoma_file_reads_as_fifty_records_one_of_them_cut_off() {
    let w = Workdir::new();
    let file = raw_dir().join(OKLAHOMA);
    let output = w
        .command(&["records", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(
        text.starts_with("\"Type License\",\"Company\",\"Accepts Subsidy\","),
        "every field quoted: {}",
        &text[..80]
    );
    let mut rows = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    assert_eq!(rows.headers().unwrap().len(), 30);
    assert_eq!(&rows.headers().unwrap()[0], "Type License");
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 50);
    assert!(records[..49].iter().all(|r| r.len() == 30));
    // The record cut off at the end of the file, as its text.
    assert_eq!(records[49].len(), 1);
    assert!(records[49][0].starts_with("CHILD CARE FAMILY - K820050012,\"KALER, MONICA\""));
    assert_eq!(
        stderr(&output),
        format!(
            "line 100: unterminated_quote: a quoted field is never closed: the record is cut off or holds a stray quote\n\
             50 records read from {} as spec `oklahoma` reads it (utf-8): 49 sound, 1 that ingest would reject (unterminated_quote: 1)\n",
            file.display()
        )
    );
    assert!(!w.db_path().exists(), "no database");
}

#[test]
fn a_ragged_record_is_written_with_the_fields_it_has() {
    let w = Workdir::new();
    let header = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let header = &header[..header.iter().position(|b| *b == b'\n').unwrap() + 1];
    let mut file = header.to_vec();
    file.extend_from_slice(b"SHORT ROW,CENTER,1-23\r\nTOO,MANY,2-23,,,,,,,,,,,,,,,extra\r\n");
    let path = w.write(&format!("ragged/{NEVADA}"), file);
    let output = w
        .command(&["records", path.to_str().unwrap(), "--format", "jsonl"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        serde_json::json!({"line": 2, "fields": ["SHORT ROW", "CENTER", "1-23"], "defect": "too_few_fields"})
    );
    assert_eq!(lines[1]["fields"].as_array().unwrap().len(), 18);
    assert_eq!(lines[1]["defect"], "too_many_fields");
    let err = stderr(&output);
    assert!(
        err.contains("line 2: too_few_fields: 3 fields where the header has 14\n"),
        "{err}"
    );
    assert!(
        err.ends_with(&format!(
            "2 records read from {} as spec `nevada` reads it (utf-8): 0 sound, 2 that ingest would reject (too_few_fields: 1, too_many_fields: 1)\n",
            path.display()
        )),
        "{err}"
    );
}
