//! Enrichment on the real files, on both targets: time zones from ZIP codes (El Paso's on
//! Mountain time, the rest of Texas on Central), else from a valid phone's area code;
//! calling hours from Oklahoma's schedules; websites from business e-mail domains; ZIP
//! centroids; and a lead's derived values following its ZIP code from one snapshot to the
//! next. The expected zones and centroids are the US ZIP dataset's (`zips.json` of the
//! `zipcodes` crate), not leadpipe's output.

mod util;

use std::path::PathBuf;

use util::{Db, NEVADA, OKLAHOMA, TEXAS, Workdir, assert_exit, raw_dir, stderr, stdout};

/// One row of a query, as text.
fn row(db: &Db, sql: &str) -> Vec<Option<String>> {
    let mut rows = db.texts(sql);
    assert_eq!(rows.len(), 1, "{sql}");
    rows.remove(0)
}

fn strings(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some(v.to_string())).collect()
}

/// A lead's derived columns, and what `derived` says of a few, as text on both targets.
const DERIVED: &str = "SELECT time_zone, time_zone_source, calling_hours,
        CAST(latitude AS TEXT), CAST(longitude AS TEXT), location_source, email_kind,
        website_address, county
    FROM leads WHERE lead_id = ";

#[test]
fn the_real_files_get_zones_calling_hours_centroids_and_websites_on_both_targets() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);

        // K Street publishes a business address and its county (Bexar), though its ZIP code
        // lies in Atascosa County: the published county stays, the website is derived.
        assert_eq!(
            row(&db, &format!("{DERIVED} 'texas:1239246'")),
            strings(&[
                "America/Chicago",
                "zip",
                "Mon-Fri 09:00-17:00; Sat-Sun closed",
                "29.2205",
                "-98.6678",
                "zip_centroid",
                "business",
                "https://kstreetlearningcenter.com",
                "BEXAR",
            ]),
            "{kind}"
        );
        // A gmail address is a free one: no website. Horizon City is in El Paso County, on
        // Mountain time.
        let gmail = row(&db, &format!("{DERIVED} 'texas:1755340'"));
        assert_eq!(gmail[0].as_deref(), Some("America/Denver"), "{kind}");
        assert_eq!(gmail[6].as_deref(), Some("free"), "{kind}");
        assert_eq!(gmail[7], None, "{kind}");
        // Texas: El Paso County's ZIP codes on Mountain time, all others on Central.
        assert_eq!(
            db.texts(
                "SELECT CASE county WHEN 'EL PASO' THEN 'El Paso' ELSE 'other' END, time_zone,
                        CAST(count(*) AS TEXT)
                 FROM leads WHERE source = 'texas' GROUP BY 1, 2 ORDER BY 1, 2"
            ),
            vec![
                strings(&["El Paso", "America/Denver", "8"]),
                strings(&["other", "America/Chicago", "91"]),
            ],
            "{kind}"
        );
        // Every lead of the three files has a ZIP code the dataset zones.
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE time_zone_source IS DISTINCT FROM 'zip'"),
            0,
            "{kind}"
        );
        // Oklahoma publishes hours per weekday: they are the calling hours.
        assert_eq!(
            row(&db, &format!("{DERIVED} 'oklahoma:K820055232'"))[..3],
            strings(&[
                "America/Chicago",
                "zip",
                "Mon-Fri 07:30-17:30; Sat-Sun closed"
            ])[..],
            "{kind}"
        );
        // What was derived, and from what; Oklahoma publishes no county, so it is the ZIP
        // code's (Canadian County, for Yukon's 73099).
        let [derived, county] = &row(
            &db,
            "SELECT CAST(derived AS TEXT), county FROM leads WHERE lead_id = 'oklahoma:K820055232'",
        )[..] else {
            unreachable!()
        };
        let derived: serde_json::Value = serde_json::from_str(derived.as_deref().unwrap()).unwrap();
        assert_eq!(derived["county"], "zip", "{kind}");
        assert_eq!(derived["calling_hours"], "schedule", "{kind}");
        assert_eq!(derived["latitude"], "zip_centroid", "{kind}");
        assert_eq!(derived.get("website_address"), None, "{kind}");
        assert_eq!(county.as_deref(), Some("CANADIAN"), "{kind}");

        // The providers view (the ingest resolved the leads) carries them, and so does the
        // export.
        assert_eq!(
            row(
                &db,
                "SELECT p.time_zone, p.calling_hours, p.website_address, p.email_kind
                 FROM providers p JOIN entity_members m ON m.entity_id = p.entity_id
                 WHERE m.lead_id = 'texas:1239246'"
            ),
            strings(&[
                "America/Chicago",
                "Mon-Fri 09:00-17:00; Sat-Sun closed",
                "https://kstreetlearningcenter.com",
                "business"
            ]),
            "{kind}"
        );
        let out = w.path().join(format!("providers-{kind}.csv"));
        let output = w
            .command(&["export", "providers", "--db", &db.url(), "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_exit(&output, 0);
        let mut csv = csv::Reader::from_path(&out).unwrap();
        let header = csv.headers().unwrap().clone();
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        let kstreet = csv
            .records()
            .map(Result::unwrap)
            .find(|r| r[at("member_lead_ids")].contains("texas:1239246"))
            .unwrap();
        assert_eq!(&kstreet[at("time_zone")], "America/Chicago", "{kind}");
        assert_eq!(
            &kstreet[at("calling_hours")],
            "Mon-Fri 09:00-17:00; Sat-Sun closed",
            "{kind}"
        );
        assert_eq!(&kstreet[at("latitude")], "29.2205", "{kind}");
    }
}

/// A real file's header and one of its records, changed by `edit`, as a snapshot of `date`.
fn one_record(
    w: &Workdir,
    file: &str,
    lead_line: usize,
    date: &str,
    edit: &dyn Fn(&str) -> String,
) -> PathBuf {
    let text = std::fs::read_to_string(raw_dir().join(file)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let record = text.lines().nth(lead_line - 1).unwrap();
    w.write(
        &util::snapshots::renamed(file, date),
        format!("{header}\n{}\n", edit(record)),
    )
}

#[test]
fn a_leads_zone_follows_its_zip_code_else_its_phones_area_code_on_both_targets() {
    let w = Workdir::new();
    let kstreet =
        |zip: &'static str| move |record: &str| record.replace(",78069,", &format!(",{zip},"));
    // Without a ZIP code, the phone's area code (830, south-central Texas) gives the zone;
    // nothing gives a centroid.
    let first = one_record(&w, TEXAS, 2, "07-07-2023", &kstreet(""));
    // The next week it is in El Paso: its zone and centroid are the new ZIP code's.
    let second = one_record(&w, TEXAS, 2, "07-14-2023", &kstreet("79901"));
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&first], &["--no-resolve"]), 0);
        let lead = row(&db, &format!("{DERIVED} 'texas:1239246'"));
        assert_eq!(
            lead[..3],
            strings(&[
                "America/Chicago",
                "area_code",
                "Mon-Fri 09:00-17:00; Sat-Sun closed"
            ])[..],
            "{kind}"
        );
        assert_eq!(lead[3..6], [None, None, None], "{kind}");

        assert_exit(&w.ingest_into(&db, &[&second], &["--no-resolve"]), 0);
        let lead = row(&db, &format!("{DERIVED} 'texas:1239246'"));
        assert_eq!(
            lead[..6],
            strings(&[
                "America/Denver",
                "zip",
                "Mon-Fri 09:00-17:00; Sat-Sun closed",
                "31.7584",
                "-106.4783",
                "zip_centroid",
            ])[..],
            "{kind}"
        );
        // The change is history, like a published one.
        assert_eq!(
            db.texts(
                "SELECT column_name, old_value, new_value FROM lead_changes
                 WHERE lead_id = 'texas:1239246' AND column_name IN ('zip', 'time_zone')
                 ORDER BY column_name"
            ),
            vec![
                strings(&["time_zone", "America/Chicago", "America/Denver"]),
                vec![Some("zip".into()), None, Some("79901".into())],
            ],
            "{kind}"
        );
    }
}

#[test]
fn a_spec_sets_the_default_calling_hours_or_turns_enrichment_off() {
    let w = Workdir::new();
    w.write(
        "specs/nevada.toml",
        "extends = \"nevada\"\nid = \"nevada\"\n[enrich]\ndefault_calling_hours = \"Mon-Sat 08:00-18:00; Sun closed\"\n",
    );
    let texas = |enrich: &str| format!("extends = \"texas\"\nid = \"texas\"\n[enrich]\n{enrich}\n");
    w.write("specs/texas.toml", texas("enabled = false"));
    let specs = w.path().join("specs");
    let specs = specs.to_str().unwrap();
    let inputs = [
        raw_dir().join(NEVADA),
        raw_dir().join(TEXAS),
        raw_dir().join(OKLAHOMA),
    ];
    let inputs: Vec<&std::path::Path> = inputs.iter().map(PathBuf::as_path).collect();
    assert_exit(&w.ingest_with(&inputs, &["--specs", specs]), 0);
    let by_source: Vec<(String, Option<String>)> = w.pairs(
        "SELECT source, calling_hours FROM leads GROUP BY source, calling_hours ORDER BY source",
    );
    assert_eq!(
        by_source[0],
        (
            "nevada".into(),
            Some("Mon-Sat 08:00-18:00; Sun closed".into())
        )
    );
    assert_eq!(by_source.last().unwrap(), &("texas".into(), None));
    let enriched_in_texas: i64 = w.query(
        "SELECT count(*) FROM leads WHERE source = 'texas'
         AND (derived IS NOT NULL OR time_zone IS NOT NULL OR website_address IS NOT NULL)",
    );
    assert_eq!(enriched_in_texas, 0);

    w.write(
        "specs/texas.toml",
        texas("default_calling_hours = \"9 to 5\""),
    );
    let output = w.ingest_with(&inputs, &["--specs", specs]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("`enrich.default_calling_hours = \"9 to 5\"`: give every day"),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}
