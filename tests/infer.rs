//! `leadpipe infer`: a draft spec from a source's files. On the three real files, the
//! drafts load the same 248 leads as the built-in specs, field for field, except the
//! columns the built-in specs fill by hand-written rules; on other shapes of them
//! (headerless, `;`, renamed columns), the dialect, the layout and the roles are found.

mod util;

use std::collections::{BTreeMap, BTreeSet};

use util::{NEVADA, OKLAHOMA, TEXAS, Workdir, assert_exit, raw_dir, stdout};

/// Lead columns that depend on how a record was mapped as a whole, besides the file: which
/// columns are filled, flagged and derived, and the issues (which the hand-written rules
/// change).
const MAPPING_DEPENDENT: &[&str] = &["issues", "derived", "filled_columns", "flagged_columns"];

/// What the built-in specs do by hand-written rules, which a draft does not guess:
/// Nevada's `CENTER (PROVISIONAL)` split into type and status (`qualified`,
/// `status_with_qualifier`); Oklahoma's `LAST, FIRST DBA BUSINESS` (`dba`: company,
/// licensee, operator), ages from four columns (`ages_text`), the schedule from seven
/// (`weekly_schedule`) and so the calling hours; Texas's age flags
/// (`age_flags` with the groups of 26 TAC §746.105), and its "Licensed Child-Care Home"
/// labelled a group home (7–12 children), where the draft guesses a family home.
const HAND_WRITTEN: &[(&str, &str)] = &[
    ("nevada", "license_status"),
    ("nevada", "license_type"),
    ("oklahoma", "ages_served"),
    ("oklahoma", "company"),
    ("oklahoma", "calling_hours"),
    ("oklahoma", "licensee_name"),
    ("oklahoma", "max_age"),
    ("oklahoma", "min_age"),
    ("oklahoma", "operator"),
    ("oklahoma", "schedule"),
    ("texas", "ages_served"),
    ("texas", "facility_type"),
    ("texas", "max_age"),
    ("texas", "min_age"),
];

/// Every lead by id: column → value, the file- and mapping-dependent columns left out.
fn leads(w: &Workdir) -> BTreeMap<String, BTreeMap<String, String>> {
    util::nevada::leads(w)
        .into_iter()
        .map(|lead| {
            let values: BTreeMap<String, String> = lead
                .into_iter()
                .filter(|(name, _)| !MAPPING_DEPENDENT.contains(&name.as_str()))
                .collect();
            (values["lead_id"].clone(), values)
        })
        .collect()
}

#[test]
fn drafts_of_the_real_files_load_the_built_in_specs_leads_but_for_hand_written_rules() {
    let files = [(NEVADA, "nevada"), (OKLAHOMA, "oklahoma"), (TEXAS, "texas")];
    let paths: Vec<_> = files.iter().map(|(f, _)| raw_dir().join(f)).collect();
    let inputs: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
    let built_in = Workdir::new();
    assert_exit(&built_in.ingest(&inputs), 0);

    let drafted = Workdir::new();
    std::fs::create_dir(drafted.path().join("specs")).unwrap();
    for ((file, id), path) in files.iter().zip(&paths) {
        let out = format!("specs/{id}.toml");
        let output = drafted
            .command(&["infer", path.to_str().unwrap(), "--id", id, "--out", &out])
            .output()
            .unwrap();
        assert_exit(&output, 0);
        let draft = std::fs::read_to_string(drafted.path().join(&out)).unwrap();
        let date = r#"date = { pattern = '(\d{2}-\d{2}-\d{4})', format = "%m-%d-%Y" }"#;
        assert!(draft.contains(date), "{file}:\n{draft}");
    }
    assert_exit(&drafted.ingest_with(&inputs, &["--specs", "specs"]), 0);

    let (expected, found) = (leads(&built_in), leads(&drafted));
    assert_eq!(expected.len(), 248);
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        found.keys().collect::<Vec<_>>()
    );
    let mut differing: BTreeSet<(String, String)> = BTreeSet::new();
    for (id, lead) in &expected {
        let source = id.trim_start_matches("Text(\"").split(':').next().unwrap();
        for (column, value) in lead {
            if found[id][column] != *value {
                differing.insert((source.to_string(), column.clone()));
            }
        }
    }
    let listed: BTreeSet<(String, String)> = HAND_WRITTEN
        .iter()
        .map(|(s, c)| (s.to_string(), c.to_string()))
        .collect();
    assert_eq!(differing, listed);
    let rejects: i64 = drafted.query("SELECT count(*) FROM rejects");
    assert_eq!(rejects, 1);
}

#[test]
fn a_headerless_semicolon_copy_is_read_by_position_and_content() {
    let w = Workdir::new();
    let text = std::fs::read(raw_dir().join(TEXAS)).unwrap();
    let mut reader = csv::Reader::from_reader(&text[..]);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    for record in reader.byte_records() {
        writer.write_byte_record(&record.unwrap()).unwrap();
    }
    let file = w.write("providers.txt", writer.into_inner().unwrap());
    let output = w
        .command(&["infer", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let draft = stdout(&output);
    for expected in [
        "id = \"providers\"",
        "names = [\"providers.txt\"]",
        "# No date in the file name",
        "delimiter = \";\"",
        "header_rows = 0",
        "# The files have no header",
        "# `column_9` → Phone (confidence 0.50): no header synonym; 100% of 99 sampled values phone-shaped",
        "# `column_14` → Email (confidence 0.50): no header synonym; 100% of 60 sampled values e-mail-shaped",
        "# `column_7` → Zip (confidence 0.50)",
        "# `column_1` → license_number: unique, never empty and licence-like in the sample",
    ] {
        assert!(
            draft.contains(expected),
            "missing {expected:?} in:\n{draft}"
        );
    }
    // The draft is a spec that loads the file.
    w.write("specs/providers.toml", &draft);
    assert_exit(&w.ingest_with(&[&file], &["--specs", "specs"]), 0);
    let loaded: i64 =
        w.query("SELECT count(*) FROM leads WHERE phone IS NOT NULL AND zip IS NOT NULL");
    assert_eq!(loaded, 99);
}

#[test]
fn several_files_of_a_source_refine_one_draft() {
    let w = Workdir::new();
    let original = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let renamed = String::from_utf8_lossy(&original).replacen("Phone#", "Telephone", 1);
    let later = w.write(
        "07-14-2023 Nevada Dept of Public _ Behavioral Health.csv",
        renamed,
    );
    let first = raw_dir().join(NEVADA);
    let output = w
        .command(&["infer", first.to_str().unwrap(), later.to_str().unwrap()])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let draft = stdout(&output);
    for expected in [
        "from 200 record(s) of `07-07-2023 Nevada Dept of Public _ Behavioral Health.csv`, \
         `07-14-2023 Nevada Dept of Public _ Behavioral Health.csv`",
        "names = [\"* Nevada Dept of Public _ Behavioral Health.csv\"]",
        "[aliases]\n\"Phone#\" = [\"Telephone\"]",
        "# `Phone#` → Phone (confidence 1.00): header `Phone#` is a synonym of `phone#`; 100% of 200 sampled values phone-shaped",
    ] {
        assert!(
            draft.contains(expected),
            "missing {expected:?} in:\n{draft}"
        );
    }
}
