//! The header contract: a file whose header drifts from its spec loads nothing.

mod util;

use util::{NEVADA, TEXAS, Workdir, assert_exit, raw_dir, stderr, stdout, test_data};

/// The real Nevada file with one header name changed.
fn drifted_nevada(w: &Workdir, from: &str, to: &str) -> std::path::PathBuf {
    let bytes = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let header_end = bytes.iter().position(|&b| b == b'\n').unwrap();
    let header = String::from_utf8(bytes[..header_end].to_vec()).unwrap();
    assert!(header.contains(from));
    let mut drifted = header.replace(from, to).into_bytes();
    drifted.extend_from_slice(&bytes[header_end..]);
    w.write(&format!("drop/{NEVADA}"), drifted)
}

#[test]
fn a_renamed_column_is_named_and_nothing_of_the_file_loads() {
    let w = Workdir::new();
    let nevada = drifted_nevada(&w, "Phone#", "Telephone");
    let output = w.ingest(&[&nevada, &raw_dir().join(TEXAS)]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains(NEVADA), "{err}");
    assert!(
        err.contains("column 11: expected `Phone#`, found `Telephone`"),
        "{err}"
    );
    assert!(stdout(&output).contains("FAILED"), "{}", stdout(&output));
    assert_eq!(
        w.query::<i64>("SELECT count(*) FROM leads WHERE source = 'nevada'"),
        0
    );
    assert_eq!(
        w.query::<i64>("SELECT count(*) FROM leads WHERE source = 'texas'"),
        99
    );
    let (status, message): (String, String) =
        w.pairs("SELECT status, message FROM source_files WHERE source = 'nevada'")[0].clone();
    assert_eq!(status, "failed");
    assert!(
        message.contains("expected `Phone#`, found `Telephone`"),
        "{message}"
    );
    assert_eq!(
        w.query::<String>("SELECT status FROM runs"),
        "completed_with_failures"
    );
}

#[test]
fn a_missing_column_is_named() {
    let w = Workdir::new();
    let nevada = drifted_nevada(&w, ",County,", ",");
    let output = w.ingest(&[&nevada]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("missing column `County`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 0);
}

#[test]
fn an_alias_in_a_user_spec_accepts_a_known_rename() {
    let w = Workdir::new();
    let nevada = drifted_nevada(&w, "Phone#", "Telephone");
    let spec = include_str!("../specs/nevada.toml").replace(
        "[files]",
        "[aliases]\n\"Phone#\" = [\"Telephone\"]\n\n[files]",
    );
    let specs = w.write("specs/nevada.toml", spec);
    let output = w.ingest_with(
        &[&nevada],
        &["--specs", specs.parent().unwrap().to_str().unwrap()],
    );
    assert_exit(&output, 0);
    assert_eq!(
        w.query::<i64>("SELECT count(*) FROM leads WHERE phone LIKE '+1%'"),
        100
    );
}

#[test]
fn control_characters_in_a_header_are_shown_escaped_not_sent_to_the_terminal() {
    let w = Workdir::new();
    let nevada = drifted_nevada(&w, "Phone#", "Phone\u{1b}]0;pwned\u{7}");
    let output = w.ingest(&[&nevada]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("found `Phone\\u{1b}]0;pwned\\u{7}`"), "{err}");
    assert!(!stdout(&output).contains('\u{1b}'));
}

#[test]
fn a_missing_header_is_named_without_quoting_the_record_it_read_instead() {
    let w = Workdir::new();
    let bytes = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let header_end = bytes.iter().position(|&b| b == b'\n').unwrap();
    let nevada = w.write(&format!("drop/{NEVADA}"), &bytes[header_end + 1..]);
    let output = w.ingest(&[&nevada]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("it is a record, and the file has no header"),
        "{err}"
    );
    let message = w.query::<String>("SELECT message FROM source_files WHERE source = 'nevada'");
    for text in [&err, &message] {
        for personal in ["346-393-9400", "JANEECE NOEL", "SUNSHINE ACADEMY"] {
            assert!(!text.contains(personal), "{text}");
        }
    }
}

/// The test specs' folder, with a CRM-style spec (`crm_test.toml`) that names the columns
/// it needs and takes any others.
fn crm_specs() -> String {
    test_data().join("resolve/specs").display().to_string()
}

#[test]
fn a_subset_spec_reads_its_columns_in_any_order_and_keeps_the_others() {
    let w = Workdir::new();
    let specs = &crm_specs();
    let file = w.write(
        "drop/2024-05-01 crm.csv",
        "Outreach_Stage__c,Country,PostalCode,Company,Status,State,Phone,Id,LastName,FirstName,Street,City\n\
         Called,,89501,SUNSHINE ACADEMY,Open,Nevada,(775) 555-0142,00Q5e000001,Noel,Janeece,150 N WILLOW ST,RENO\n\
         ,USA,89502,LITTLE STARS,Working,NV,775-555-0177,00Q5e000002,,,,RENO\n\
         ,Canada,,MAPLE KIDS,Open,British Columbia,604-555-0100,00Q5e000003,,,,VANCOUVER\n",
    );
    let output = w.ingest_with(&[&file], &["--specs", specs, "--no-resolve"]);
    assert_exit(&output, 0);
    let rows = w.pairs::<String, String>(
        "SELECT company || ' ' || coalesce(zip, '') || ' ' || phone, source_record FROM leads \
         ORDER BY provider_id",
    );
    assert_eq!(rows[0].0, "SUNSHINE ACADEMY 89501 +17755550142");
    assert_eq!(rows[1].0, "LITTLE STARS 89502 +17755550177");
    let record: serde_json::Value = serde_json::from_str(&rows[0].1).unwrap();
    assert_eq!(record["Outreach_Stage__c"], "Called");
    assert_eq!(record["Status"], "Open");
    assert_eq!(record["Id"], "00Q5e000001");
    assert_eq!(record.as_object().unwrap().len(), 12);
    // State names become codes; a Canadian row is kept, with its country, and noted.
    let places = w.pairs::<String, String>(
        "SELECT provider_id, state || ' ' || country || ' ' || coalesce(issues, '') FROM leads \
         ORDER BY provider_id",
    );
    assert_eq!(places[0].1, "NV US ");
    assert_eq!(places[1].1, "NV US ");
    assert!(places[2].1.starts_with("BC CA "), "{}", places[2].1);
    assert!(places[2].1.contains("non_us_address"), "{}", places[2].1);
}

#[test]
fn a_subset_spec_refuses_a_file_without_a_needed_column() {
    let w = Workdir::new();
    let specs = &crm_specs();
    let file = w.write(
        "drop/2024-05-01 crm.csv",
        "Id,Phone,PostalCode,Status,State,Country,FirstName,LastName,Street,City\n\
         00Q5e000001,(775) 555-0142,89501,Open,NV,US,Janeece,Noel,150 N WILLOW ST,RENO\n",
    );
    let output = w.ingest_with(&[&file], &["--specs", specs, "--no-resolve"]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("missing column `Company`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 0);
}
