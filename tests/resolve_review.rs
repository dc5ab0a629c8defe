//! `leadpipe explain` and `leadpipe review` on the real files and both targets: the
//! waterfall of two chain sites that share a phone, one lead's entity, the review CSV, and
//! labels imported that split what the model linked and join what it kept apart.

mod util;

use std::process::Output;

use util::{Db, Workdir, assert_exit, raw_dir, stderr, stdout};

/// Two PRIMROSE sites: one owner, one phone, two addresses; the model links them.
const PRIMROSE: [&str; 2] = ["nevada:3496-22", "nevada:3497-22"];
/// Two A Place to Grow sites in one ZIP code; the model keeps them apart.
const PLACE_TO_GROW: [&str; 2] = ["texas:1417906", "texas:1630091"];

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
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let output = run(&w, &db, &["explain", PRIMROSE[0], PRIMROSE[1]]);
        assert_exit(&output, 0);
        let text = stdout(&output);
        let lines: Vec<&str> = text.lines().collect();
        let entity = db.text(&format!(
            "SELECT CAST(entity_id AS TEXT) FROM entity_members WHERE lead_id = '{}'",
            PRIMROSE[0]
        ));
        for expected in [
            "           nevada:3496-22                            nevada:3497-22",
            "company    PRIMROSE OF LAS VEGAS AT SILVERADO RANCH  PRIMROSE OF LAS VEGAS AT LONE MOUNTAIN",
            "address    9975 PLACID ST                            3801 N. CAMPBELL RD",
            "blocking keys shared: phone, person",
            "company    token overlap                          +4.63   +7.23",
            "person     exact                                  +5.35  +12.59",
            "address    different                              +0.01  +12.59",
            "phone      exact                                  +6.14  +18.74",
            "           term frequency: on 0.81% of leads      -0.86  +17.88",
            "e-mail     missing or placeholder                 +0.00  +17.88",
            "total weight +19.58 bits: probability 1.0000",
            &format!(
                "verdict: one entity ({entity}): linked directly: +19.58 bits reach the \
                 threshold, +0.66"
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
                .any(|l| l.starts_with("threshold: probability 0.613, weight +0.66 bits")),
            "{kind}:\n{text}"
        );
        // The phone they share is weighed, never shown.
        assert!(!text.contains("2129413"), "{kind}:\n{text}");

        let output = run(&w, &db, &["explain", PRIMROSE[1]]);
        assert_exit(&output, 0);
        assert_eq!(
            stdout(&output),
            format!(
                "nevada:3497-22 is in entity {entity} (active), of 2 leads:\n\
                 \x20 lead            source  active  company                                   address\n\
                 \x20 nevada:3496-22  nevada  yes     PRIMROSE OF LAS VEGAS AT SILVERADO RANCH  9975 PLACID ST, LAS VEGAS 89135\n\
                 \x20 nevada:3497-22  nevada  yes     PRIMROSE OF LAS VEGAS AT LONE MOUNTAIN    3801 N. CAMPBELL RD, LAS VEGAS 89129\n\
                 links that hold it together (pairs at or above the threshold, +0.66 bits):\n\
                 \x20 nevada:3496-22  nevada:3497-22  +19.58 bits\n"
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
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        assert!(
            together(&db, PRIMROSE) && !together(&db, PLACE_TO_GROW),
            "{kind}"
        );

        let csv = w.path().join(format!("{kind}-review.csv"));
        let out = csv.display().to_string();
        let output = run(&w, &db, &["review", "--out", &out]);
        assert_exit(&output, 0);
        assert!(
            stdout(&output).starts_with(
                "wrote 1 pair to review (match probability 0.442 to 0.760; the threshold is 0.613)"
            ),
            "{kind}: {}",
            stdout(&output)
        );
        let written = std::fs::read_to_string(&csv).unwrap();
        assert_eq!(
            written,
            "lead_a,lead_b,probability,weight,company_a,company_b,person_a,person_b,\
             address_a,address_b,city_a,city_b,zip_a,zip_b,label\n\
             texas:1520671,texas:1523159,0.6128,0.66,A Place to Grow II,A Place To Grow III,\
             ,,12300-A PELLICANO,4841 SALEM DR,EL PASO,EL PASO,79936,79924,\n",
            "{kind}"
        );

        // A word other than the two labels is refused by line, and nothing is stored.
        let wrong = w.write(
            "wrong.csv",
            format!("{written}{},{},,,,,,,,,,,,,yes\n", PRIMROSE[0], PRIMROSE[1]),
        );
        let output = run(
            &w,
            &db,
            &["review", "--import", &wrong.display().to_string()],
        );
        assert_exit(&output, 2);
        assert!(
            stderr(&output)
                .contains("line 3: the label \"yes\" is neither `must_link` nor `cannot_link`"),
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

        // The reviewed row left empty; the chain sites the model linked are two providers,
        // and the two sites it kept apart one.
        let labelled = format!(
            "{written}{},{},,,,,,,,,,,,,cannot_link\n{},{},,,,,,,,,,,,,must_link\n",
            PRIMROSE[1], PRIMROSE[0], PLACE_TO_GROW[0], PLACE_TO_GROW[1]
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
            text.contains("(1 must_link, 1 cannot_link; 1 row without a label left out)"),
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
        assert!(!together(&db, PRIMROSE), "{kind}");
        assert!(together(&db, PLACE_TO_GROW), "{kind}");
        assert_eq!(
            db.texts("SELECT lead_a, lead_b, label FROM match_labels ORDER BY lead_a"),
            [
                [PRIMROSE[0], PRIMROSE[1], "cannot_link"],
                [PLACE_TO_GROW[0], PLACE_TO_GROW[1], "must_link"]
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
            !together(&db, PRIMROSE) && together(&db, PLACE_TO_GROW),
            "{kind}"
        );
        let output = run(&w, &db, &["explain", PRIMROSE[0], PRIMROSE[1]]);
        assert!(
            stdout(&output)
                .contains("a person labelled the pair cannot_link, which wins over the model"),
            "{kind}: {}",
            stdout(&output)
        );
        let output = run(&w, &db, &["review", "--out", &out, "--band", "0..1"]);
        assert_exit(&output, 0);
        let rows = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
        assert_eq!(rows, 36, "{kind}: the 38 pairs compared but the 2 labelled");
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
