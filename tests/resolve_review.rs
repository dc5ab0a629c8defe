//! `leadpipe explain` and `leadpipe review` on the real files and a county's re-export of
//! Nevada records (tests/data/resolve), both targets: the waterfall of two chain sites that
//! share a phone, one lead's entity, the review CSV, and labels imported that split what
//! the model linked and join what it kept apart.

mod util;

use std::process::Output;

use util::{Db, Workdir, assert_exit, raw_dir, stderr, stdout, test_data};

/// Two PRIMROSE sites: one owner, one phone, two addresses; the model alone would link
/// them, but Nevada's snapshot lists both.
const PRIMROSE: [&str; 2] = ["nevada:3496-22", "nevada:3497-22"];
/// A Nevada center and its re-export by the county, with a typo; one entity.
const SUNSHINE: [&str; 2] = ["clark_county:CC-1001", "nevada:1106-22"];

/// Ingests the real files and the county's re-export into `db`.
fn ingest(w: &Workdir, db: &Db) {
    let name = "07-14-2023 Clark County re-export.csv";
    let bytes = std::fs::read(test_data().join("resolve").join(name)).unwrap();
    let copy = w.write(&format!("re-export/{name}"), bytes);
    let specs = test_data().join("resolve/specs").display().to_string();
    assert_exit(
        &w.ingest_into(db, &[&raw_dir(), &copy], &["--specs", &specs]),
        0,
    );
}

fn run(w: &Workdir, db: &Db, args: &[&str]) -> Output {
    let url = db.url();
    let mut args = args.to_vec();
    args.extend(["--db", &url]);
    w.command(&args).output().unwrap()
}

/// Whether two leads are in one entity.
fn together(db: &Db, [a, b]: [&str; 2]) -> bool {
    let entity = |lead: &str| {
        db.text(&format!(
            "SELECT CAST(entity_id AS TEXT) FROM entity_members WHERE lead_id = '{lead}'"
        ))
    };
    entity(a) == entity(b)
}

#[test]
fn explain_gives_the_waterfall_of_two_chain_sites_and_the_entity_of_one() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        let kind = db.kind();
        ingest(&w, &db);
        let output = run(&w, &db, &["explain", PRIMROSE[0], PRIMROSE[1]]);
        assert_exit(&output, 0);
        let text = stdout(&output);
        let lines: Vec<&str> = text.lines().collect();
        let entity = |lead: &str| {
            db.text(&format!(
                "SELECT CAST(entity_id AS TEXT) FROM entity_members WHERE lead_id = '{lead}'"
            ))
        };
        let (one, other) = (entity(PRIMROSE[0]), entity(PRIMROSE[1]));
        for expected in [
            "           nevada:3496-22                            nevada:3497-22",
            "company    PRIMROSE OF LAS VEGAS AT SILVERADO RANCH  PRIMROSE OF LAS VEGAS AT LONE MOUNTAIN",
            "address    9975 PLACID ST                            3801 N. CAMPBELL RD",
            "license    3496-22                                   3497-22",
            "blocking keys shared: phone, person",
            "prior      0.0002 of random pairs match          -12.21  -12.21",
            "company    Jaro-Winkler medium (>= 0.88)         -10.65  -22.86",
            "person     exact                                  +6.77  -16.09",
            "address    different                              -3.27  -19.36",
            "phone      exact                                  +7.48  -11.88",
            "           term frequency: on 1.16% of leads      -1.30  -13.18",
            "e-mail     missing or placeholder                 +0.00  -13.18",
            "city, zip  token overlap                          +0.61  -12.58",
            "issued     exact                                  +7.50   -5.08",
            "license    one typo                              -11.32  -16.40",
            "total weight -16.40 bits: probability 0.0000",
            &format!(
                "verdict: two entities ({one} and {other}): kept apart: one snapshot of \
                 `nevada` lists both, as two operations in the agency's own records (the \
                 model alone: -16.40 bits, threshold +12.93)"
            ),
        ] {
            assert!(
                lines.contains(&expected),
                "{kind}: no {expected:?} in:\n{text}"
            );
        }
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("threshold: probability 1.000, weight +12.93 bits")),
            "{kind}:\n{text}"
        );
        // The phone they share is weighed, never shown.
        assert!(!text.contains("2129413"), "{kind}:\n{text}");

        let output = run(&w, &db, &["explain", SUNSHINE[1]]);
        assert_exit(&output, 0);
        assert_eq!(
            stdout(&output),
            format!(
                "nevada:1106-22 is in entity {} (active), of 2 leads:\n\
                 \x20 lead                  source        active  company                      address\n\
                 \x20 clark_county:CC-1001  clark_county  yes     SUNSHINE ACADEMY PRESCHOL    150 N. WILLOW ST, MESQUITE 89027\n\
                 \x20 nevada:1106-22        nevada        yes     SUNSHINE ACADEMY PRE-SCHOOL  150 N. WILLOW ST, MESQUITE 89027\n\
                 links that hold it together (pairs at or above the threshold, +12.93 bits):\n\
                 \x20 clark_county:CC-1001  nevada:1106-22  +30.47 bits\n",
                entity(SUNSHINE[1])
            ),
            "{kind}"
        );

        let output = run(&w, &db, &["explain", "nevada:0-22", PRIMROSE[0]]);
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("there is no lead `nevada:0-22` in"),
            "{kind}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn explain_on_a_database_never_resolved_says_what_to_run() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &["--no-resolve"]), 0);
        let output = run(&w, &db, &["explain", PRIMROSE[0]]);
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains(
                "was never resolved: run `leadpipe ingest` (which resolves what it loads) or \
                 `leadpipe resolve` first"
            ),
            "{}: {}",
            db.kind(),
            stderr(&output)
        );
    }
}

#[test]
fn labels_imported_from_the_review_csv_split_and_join_entities() {
    let w = Workdir::new();
    for db in Db::both(&w) {
        let kind = db.kind();
        ingest(&w, &db);
        assert!(
            together(&db, SUNSHINE) && !together(&db, PRIMROSE),
            "{kind}"
        );

        // Every pair compared, but those a snapshot lists together: the re-export's.
        let csv = w.path().join(format!("{kind}-review.csv"));
        let out = csv.display().to_string();
        let output = run(&w, &db, &["review", "--out", &out, "--band", "0..1"]);
        assert_exit(&output, 0);
        assert!(
            stdout(&output).starts_with(
                "wrote 9 pairs to review (match probability 0.000 to 1.000; the threshold is 1.000)"
            ),
            "{kind}: {}",
            stdout(&output)
        );
        let written = std::fs::read_to_string(&csv).unwrap();
        let rows: Vec<&str> = written.lines().collect();
        assert_eq!(
            rows[0],
            "lead_a,lead_b,probability,weight,company_a,company_b,person_a,person_b,\
             address_a,address_b,city_a,city_b,zip_a,zip_b,label"
        );
        assert_eq!(
            rows[1],
            "clark_county:CC-1007,nevada:3646-23,0.9999,12.93,LITTLE SPROUT DAYCARE,\
             LITTLE SPROUT DAYCARE,Maria Arreola,Maria Arreola,88 MOUNTAIN ST,\
             3135 FLORENTINE DRIVE,CARSON CITY,CARSON CITY,89703,89701,",
            "{kind}: the nearest the threshold first"
        );
        assert!(
            rows[1..]
                .iter()
                .all(|row| row.starts_with("clark_county:") && row.contains(",nevada:")),
            "{kind}: {written}"
        );

        // A word other than the two labels is refused by line, and nothing is stored.
        let wrong = w.write(
            "wrong.csv",
            format!(
                "{}\n{},{},,,,,,,,,,,,,yes\n",
                rows[0], PRIMROSE[0], PRIMROSE[1]
            ),
        );
        let output = run(
            &w,
            &db,
            &["review", "--import", &wrong.display().to_string()],
        );
        assert_exit(&output, 2);
        assert!(
            stderr(&output)
                .contains("line 2: the label \"yes\" is neither `must_link` nor `cannot_link`"),
            "{kind}: {}",
            stderr(&output)
        );
        assert_eq!(db.count("SELECT count(*) FROM match_labels"), 0, "{kind}");
        // The CSV as written has no label yet: nothing to import.
        let output = run(&w, &db, &["review", "--import", &out]);
        assert_exit(&output, 99);
        assert!(
            stdout(&output).contains("no row has a label: nothing was imported"),
            "{kind}: {}",
            stdout(&output)
        );

        // The re-export the model linked is another provider; the two chain sites are one.
        let labelled = format!(
            "{}\n{},{},,,,,,,,,,,,,cannot_link\n{},{},,,,,,,,,,,,,must_link\n",
            rows[0], SUNSHINE[1], SUNSHINE[0], PRIMROSE[0], PRIMROSE[1]
        );
        let labelled = w.write(&format!("{kind}-labelled.csv"), labelled);
        let output = run(
            &w,
            &db,
            &["review", "--import", &labelled.display().to_string()],
        );
        assert_exit(&output, 0);
        let text = stdout(&output);
        assert!(
            text.contains("(1 must_link, 1 cannot_link"),
            "{kind}: {text}"
        );
        assert!(
            text.contains(
                "against all 2 labels: the model links 0 of the 1 must_link pairs (recall \
                 estimate 0.000), and 0 of the 1 labelled pairs it links are must_link \
                 (precision estimate 0.000)"
            ),
            "{kind}: {text}"
        );
        assert!(!together(&db, SUNSHINE), "{kind}");
        assert!(together(&db, PRIMROSE), "{kind}");
        assert_eq!(
            db.texts("SELECT lead_a, lead_b, label FROM match_labels ORDER BY lead_a"),
            [
                [SUNSHINE[0], SUNSHINE[1], "cannot_link"],
                [PRIMROSE[0], PRIMROSE[1], "must_link"]
            ]
            .map(|row| row.map(|s| Some(s.to_string())).to_vec()),
            "{kind}"
        );
        assert_eq!(
            db.text("SELECT command FROM runs ORDER BY started_at DESC LIMIT 1"),
            "resolve",
            "{kind}"
        );

        // Labels win in every later run, and the pairs labelled are not offered again.
        assert_exit(&run(&w, &db, &["resolve", "--rebuild"]), 0);
        assert!(
            !together(&db, SUNSHINE) && together(&db, PRIMROSE),
            "{kind}"
        );
        let output = run(&w, &db, &["explain", PRIMROSE[0], PRIMROSE[1]]);
        assert!(
            stdout(&output)
                .contains("a person labelled the pair must_link, which wins over the model"),
            "{kind}: {}",
            stdout(&output)
        );
        let output = run(&w, &db, &["review", "--out", &out, "--band", "0..1"]);
        assert_exit(&output, 0);
        let rows = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
        assert_eq!(rows, 8, "{kind}: the 9 pairs but the one labelled");
    }
}

#[test]
fn explain_and_review_help_end_with_the_table_of_exit_statuses() {
    let w = Workdir::new();
    for command in ["explain", "review"] {
        let output = w.command(&[command, "--help"]).output().unwrap();
        assert_exit(&output, 0);
        let help = stdout(&output);
        assert!(
            help.contains("Exit status (when several apply, the first in this table):"),
            "{command}:\n{help}"
        );
    }
    let help = stdout(&w.command(&["review", "--help"]).output().unwrap());
    for option in ["--out <FILE>", "--band <LOW..HIGH>", "--import <FILE>"] {
        assert!(help.contains(option), "no {option} in:\n{help}");
    }
}
