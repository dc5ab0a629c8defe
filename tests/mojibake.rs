//! Mojibake in a published file is loaded as published and noted in the lead's `issues`,
//! on the lead column each garbled source column feeds; a legitimate accent is not.

mod util;

use util::{Workdir, assert_exit, stdout};

const SPEC: &str = r#"
id = "garbled"
name = "A list with mojibake"
key = "license_number"
header = ["License", "Name", "Contact"]
[files]
names = ["*garbled*"]
[[map]]
from = "License"
to = "license_number"
required = true
[[map]]
from = "Name"
to = "company"
[[map]]
from = "Contact"
with = "person_name"
into = { first_name = "first_name", last_name = "last_name" }
"#;

#[test]
fn mojibake_is_kept_and_noted_and_accents_are_not() {
    let w = Workdir::new();
    w.write("specs/garbled.toml", SPEC);
    let file = w.write(
        "garbled.csv",
        "License,Name,Contact\n\
         1,MY LITTLE ANGELíS HOME DAYCARE,María López\n\
         2,KIDâ€™S PLACE,JOSÃ© PEÑA\n\
         3,CAFÉ ÑANDÚ,JOSÉ PEÑA\n",
    );
    let output = w.ingest_with(&[&file], &["--specs", "specs"]);
    assert_exit(&output, 0);
    let account = stdout(&output);
    assert!(account.contains("    mojibake: 3\n"), "{account}");

    let leads: Vec<(String, Option<String>)> =
        w.pairs("SELECT company, issues FROM leads ORDER BY lead_id");
    let noted: Vec<(String, Vec<(String, String)>)> = leads
        .into_iter()
        .map(|(company, issues)| {
            let issues: Vec<serde_json::Value> = issues
                .map(|json| serde_json::from_str(&json).unwrap())
                .unwrap_or_default();
            let reasons = issues
                .iter()
                .map(|i| {
                    (
                        i["column"].as_str().unwrap().into(),
                        i["reason"].as_str().unwrap().into(),
                    )
                })
                .collect();
            (company, reasons)
        })
        .collect();
    let mojibake = |column: &str| (column.to_string(), "mojibake".to_string());
    assert_eq!(
        noted,
        [
            (
                "MY LITTLE ANGELíS HOME DAYCARE".into(),
                vec![mojibake("company")]
            ),
            (
                "KIDâ€™S PLACE".into(),
                vec![mojibake("company"), mojibake("first_name")]
            ),
            ("CAFÉ ÑANDÚ".into(), vec![]),
        ]
    );
    let message: String = w.query(
        "SELECT json_extract(issues, '$[0].message') FROM leads WHERE lead_id = 'garbled:2'",
    );
    assert_eq!(
        message,
        "`Name` = \"KIDâ€™S PLACE\" holds `â€™` (`’` in UTF-8 read as Windows-1252)"
    );
}
