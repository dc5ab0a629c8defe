//! Entity resolution in the load, on the real files and both targets: a county's re-export
//! of real Nevada records (tests/data/resolve/make_reexport.py) resolves into the providers
//! it copies; sites a snapshot lists together stay apart; a placeholder phone links
//! nothing; linking in the load gives the partition of a rebuild, with stable ids; labels
//! win over the model; a deactivated lead stays in its entity.

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use util::{Db, NEVADA, Workdir, assert_exit, raw_dir, stderr, stdout, test_data};

fn resolve_data() -> PathBuf {
    test_data().join("resolve")
}

/// The re-export, alone in a folder of the work dir.
fn re_export(w: &Workdir) -> PathBuf {
    let name = "07-14-2023 Clark County re-export.csv";
    let bytes = std::fs::read(resolve_data().join(name)).unwrap();
    w.write(&format!("re-export/{name}"), bytes)
}

fn specs() -> String {
    resolve_data().join("specs").display().to_string()
}

/// Each lead's entity.
fn entities(db: &Db) -> BTreeMap<String, String> {
    db.texts("SELECT lead_id, CAST(entity_id AS TEXT) FROM entity_members ORDER BY lead_id")
        .into_iter()
        .map(|row| (row[0].clone().unwrap(), row[1].clone().unwrap()))
        .collect()
}

/// The entities' members, each entity's sorted, the entities in order.
fn partition(entities: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (lead, entity) in entities {
        groups.entry(entity).or_default().push(lead.clone());
    }
    let mut groups: Vec<Vec<String>> = groups.into_values().collect();
    groups.sort();
    groups
}

fn resolve(w: &Workdir, db: &Db, args: &[&str]) -> String {
    let mut command = w.command(&["resolve", "--db", &db.url()]);
    command.args(args);
    let output = command.output().unwrap();
    assert_exit(&output, 0);
    stdout(&output)
}

#[test]
fn a_re_export_resolves_into_the_providers_it_copies_and_chain_sites_stay_apart() {
    let w = Workdir::new();
    let copy = re_export(&w);
    for db in Db::both(&w) {
        let kind = db.kind();
        let output = w.ingest_into(&db, &[&raw_dir(), &copy], &["--specs", &specs()]);
        assert_exit(&output, 0);
        assert!(
            stdout(&output).contains("entities: 258 leads linked, model trained on them"),
            "{kind}: {}",
            stdout(&output)
        );
        let entity = entities(&db);
        assert_eq!(entity.len(), 258, "{kind}: every lead has an entity");
        // A typo, AVE spelled out, a suite, a new phone, a DBA name, a new key, a move.
        for (original, copy) in [
            ("1106-22", "CC-1001"),
            ("2919-23", "CC-1002"),
            ("2199-23", "CC-1003"),
            ("2351-23", "CC-1004"),
            ("2454-23", "CC-1005"),
            ("788-22", "CC-1006"),
            ("3646-23", "CC-1007"),
        ] {
            assert_eq!(
                entity[&format!("nevada:{original}")],
                entity[&format!("clark_county:{copy}")],
                "{kind}: {copy} is the provider of {original}"
            );
        }
        let members = |id: &str| entity.values().filter(|e| *e == &entity[id]).count();
        // Two providers that share only a placeholder phone.
        assert_eq!(members("clark_county:CC-1009"), 1, "{kind}");
        assert_eq!(members("clark_county:CC-1010"), 1, "{kind}");
        // The chain sites Nevada lists: Primrose's two and EOS Fitness's ten, one phone
        // among several of them.
        assert_ne!(
            entity["nevada:3496-22"], entity["nevada:3497-22"],
            "{kind}: two Primrose sites"
        );
        let eos = db.texts(
            "SELECT CAST(count(DISTINCT m.entity_id) AS TEXT), CAST(count(*) AS TEXT)
             FROM leads l JOIN entity_members m ON m.lead_id = l.lead_id
             WHERE l.company LIKE 'EOS FITNESS%'",
        );
        assert_eq!(
            eos[0],
            [Some("10".to_string()), Some("10".to_string())],
            "{kind}"
        );
        assert_eq!(db.count("SELECT count(*) FROM resolve_models"), 1, "{kind}");
        if let Db::Postgres { .. } = db {
            // A resolution from scratch drops them for its writing and makes them again.
            let made_again = db.count(
                "SELECT count(*) FROM pg_constraint WHERE conname IN \
                 ('entity_members_entity_id_fkey', 'entities_created_run_fkey', \
                  'entity_changes_run_id_fkey')",
            ) + db.count(
                "SELECT count(*) FROM pg_indexes WHERE indexname IN \
                 ('entity_members_entity', 'entity_changes_run', 'entity_changes_entity')",
            );
            assert_eq!(made_again, 6);
        }
    }
}

#[test]
fn linking_in_the_load_gives_the_partition_of_a_rebuild_with_stable_ids() {
    let w = Workdir::new();
    let copy = re_export(&w);
    let later_nevada = w.write(
        &format!("later/{}", NEVADA.replace("07-07-2023", "07-21-2023")),
        without_record(&raw_dir().join(NEVADA), "1106-22"),
    );
    let later_copy = w.write(
        "later-copy/07-28-2023 Clark County re-export.csv",
        without_record(&copy, "CC-1007"),
    );
    let corrected = w.write(
        "corrected/07-21-2023 Clark County re-export.csv",
        String::from_utf8(std::fs::read(&copy).unwrap())
            .unwrap()
            .replace("SUNSHINE ACADEMY PRESCHOL,", "SUNSHINE ACADEMY PRESCHOOL,"),
    );
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let first = entities(&db);
        // A load that does not resolve leaves its leads to the next resolution, which
        // finds them among what the history gained since the last one.
        let output = w.ingest_into(&db, &[&copy], &["--specs", &specs(), "--no-resolve"]);
        assert_exit(&output, 0);
        assert_eq!(entities(&db), first, "{kind}");
        let out = resolve(&w, &db, &[]);
        assert!(out.contains("entities: 10 leads linked ("), "{kind}: {out}");
        let linked = entities(&db);
        // The leads already resolved keep their entities' ids.
        for (lead, entity) in &first {
            assert_eq!(&linked[lead], entity, "{kind}: {lead}");
        }
        assert_eq!(linked.len(), 258, "{kind}");

        let out = resolve(&w, &db, &["--rebuild"]);
        assert!(
            out.contains("entities: 258 leads linked (258 clustered again"),
            "{kind}: {out}"
        );
        assert!(
            out.contains("0 created, 0 grew, 0 merged, 0 split"),
            "{kind}: {out}"
        );
        assert_eq!(entities(&db), linked, "{kind}: a rebuild changes nothing");

        // Nothing new: the load links nothing and changes no entity.
        let output = w.ingest_into(&db, &[&copy], &["--specs", &specs()]);
        assert_exit(&output, 99);
        assert_eq!(entities(&db), linked, "{kind}");

        // A lead whose values change is linked again, and alone: its name's typo fixed, it
        // stays with the Nevada lead it copies.
        let output = w.ingest_into(&db, &[&corrected], &["--specs", &specs()]);
        assert_exit(&output, 0);
        assert!(
            stdout(&output).contains("entities: 1 leads linked ("),
            "{kind}: {}",
            stdout(&output)
        );
        assert_eq!(entities(&db), linked, "{kind}");

        // A later snapshot that no longer lists a lead: it stays in its entity.
        assert_exit(&w.ingest_into(&db, &[&later_nevada], &[]), 0);
        assert_eq!(
            db.text("SELECT CAST(is_active AS TEXT) FROM leads WHERE lead_id = 'nevada:1106-22'"),
            if kind == "sqlite" { "0" } else { "false" },
            "{kind}"
        );
        assert_eq!(entities(&db), linked, "{kind}");
        assert_eq!(partition(&entities(&db)), partition(&linked), "{kind}");

        // The golden record: one row per entity. Little Sprout moved (its re-export has the
        // new address); once the re-export no longer lists it, the active Nevada member's
        // values win over the inactive one's, whose id comes first.
        assert_eq!(
            db.count("SELECT count(*) FROM providers"),
            db.count("SELECT count(DISTINCT entity_id) FROM entity_members"),
            "{kind}"
        );
        let sprout = |db: &Db| {
            db.texts(
                "SELECT member_lead_ids, sources, CAST(members AS TEXT), address1, city
                 FROM providers WHERE member_lead_ids LIKE '%nevada:3646-23%'",
            )
        };
        let row = |address: &str, city: &str| {
            vec![
                Some("clark_county:CC-1007,nevada:3646-23".to_string()),
                Some("clark_county,nevada".to_string()),
                Some("2".to_string()),
                Some(address.to_string()),
                Some(city.to_string()),
            ]
        };
        assert_eq!(
            sprout(&db),
            [row("88 MOUNTAIN ST", "CARSON CITY")],
            "{kind}"
        );
        if let Db::Sqlite(path) = &db {
            assert_eq!(
                system_sqlite(
                    path,
                    "SELECT member_lead_ids, sources, members, address1 FROM providers WHERE member_lead_ids LIKE '%nevada:3646-23%'"
                ),
                "clark_county:CC-1007,nevada:3646-23|clark_county,nevada|2|88 MOUNTAIN ST\n",
                "an older SQLite than leadpipe's reads the golden record"
            );
        }
        let output = w.ingest_into(
            &db,
            &[&later_copy],
            &["--specs", &specs(), "--accept", "clark_county"],
        );
        assert_exit(&output, 0);
        assert_eq!(
            sprout(&db),
            [row("3135 FLORENTINE DRIVE", "CARSON CITY")],
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM providers WHERE member_lead_ids LIKE '%nevada:3646-23%' AND is_active"),
            1,
            "{kind}"
        );
    }
}

#[test]
fn a_provider_relicensed_under_a_new_number_stays_one_entity() {
    let w = Workdir::new();
    // A later snapshot lists Sunshine Academy under a new license number, all else the same.
    let bytes = std::fs::read(raw_dir().join(NEVADA)).unwrap();
    let (old, new) = (b",1106-22,", b",4107-23,");
    let at = bytes.windows(old.len()).position(|w| w == old).unwrap();
    let relicensed = [&bytes[..at], new, &bytes[at + old.len()..]].concat();
    let later = w.write(
        &format!("later/{}", NEVADA.replace("07-07-2023", "07-21-2023")),
        relicensed,
    );
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&raw_dir()], &[]), 0);
        let output = w.ingest_into(&db, &[&later], &[]);
        assert_exit(&output, 0);
        assert!(
            stdout(&output).contains(
                "entities: 1 leads linked (2 clustered again, 1 pairs compared): 0 created, 1 grew"
            ),
            "{kind}: {}",
            stdout(&output)
        );
        let linked = entities(&db);
        assert_eq!(linked["nevada:1106-22"], linked["nevada:4107-23"], "{kind}");
        let mut explain = w.command(&["explain", "nevada:1106-22", "nevada:4107-23"]);
        explain.args(["--db", &db.url()]);
        let text = stdout(&explain.output().unwrap());
        assert!(text.contains("license    different"), "{kind}: {text}");
        assert!(text.contains(": linked directly: "), "{kind}: {text}");
    }
}

#[test]
fn labels_win_over_the_model_and_ids_survive_a_merge_and_a_split() {
    let w = Workdir::new();
    let copy = re_export(&w);
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(
            &w.ingest_into(&db, &[&raw_dir(), &copy], &["--specs", &specs()]),
            0,
        );
        let before = entities(&db);
        let sunshine = before["nevada:1106-22"].clone();
        assert_eq!(before["clark_county:CC-1001"], sunshine, "{kind}");
        let (oak, hearts) = (
            before["clark_county:CC-1010"].clone(),
            before["clark_county:CC-1009"].clone(),
        );
        assert_ne!(oak, hearts, "{kind}");
        let now = if kind == "sqlite" {
            "'2026-12-01T00:00:00.000Z'"
        } else {
            "now()"
        };
        db.execute(&format!(
            "INSERT INTO match_labels (lead_a, lead_b, label, labelled_at) VALUES
             ('clark_county:CC-1001', 'nevada:1106-22', 'cannot_link', {now}),
             ('clark_county:CC-1009', 'clark_county:CC-1010', 'must_link', {now})"
        ));
        let out = resolve(&w, &db, &["--rebuild"]);
        assert!(out.contains("1 merged, 1 split"), "{kind}: {out}");
        let after = entities(&db);
        // The merge keeps the older id; the split gives both parts new ids.
        let older = std::cmp::min(oak.parse::<i64>().unwrap(), hearts.parse().unwrap());
        assert_eq!(after["clark_county:CC-1009"], older.to_string(), "{kind}");
        assert_eq!(after["clark_county:CC-1010"], older.to_string(), "{kind}");
        let parts = [&after["nevada:1106-22"], &after["clark_county:CC-1001"]];
        assert_ne!(parts[0], parts[1], "{kind}");
        assert!(parts.iter().all(|id| **id != sunshine), "{kind}");
        let history = db.texts(&format!(
            "SELECT change, CAST(other_entity_id AS TEXT) FROM entity_changes
             WHERE entity_id IN ({sunshine}, {oak}, {hearts}) AND change IN ('merged', 'split')
             ORDER BY change"
        ));
        assert_eq!(
            history,
            [
                vec![Some("merged".to_string()), Some(older.to_string())],
                vec![Some("split".to_string()), None],
            ],
            "{kind}"
        );
        assert_eq!(
            db.text(&format!(
                "SELECT status FROM entities WHERE entity_id = {sunshine}"
            )),
            "split",
            "{kind}"
        );
    }
}

/// A real file without the record of one credential number.
fn without_record(file: &Path, number: &str) -> Vec<u8> {
    let bytes = std::fs::read(file).unwrap();
    let text: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    let marker = format!(",{number},");
    text.into_iter()
        .filter(|line| !line.windows(marker.len()).any(|w| w == marker.as_bytes()))
        .flatten()
        .copied()
        .collect()
}

/// The rows of a query, as `a|b` lines, read by the system's own SQLite through Python's
/// `sqlite3` module (Debian 12's is 3.40, older than the one leadpipe bundles): the file
/// must open in the tools people already have.
fn system_sqlite(path: &std::path::Path, sql: &str) -> String {
    let script = "import sys, sqlite3\n\
                  for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):\n\
                  \x20   print('|'.join(str(v) for v in row))";
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .arg(sql)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_resolve_config_trains_the_first_model_and_is_said_unused_after() {
    let w = Workdir::new();
    let copy = re_export(&w);
    let config = w.write(
        "resolve.toml",
        "[resolve]\nblocking = [\"phone\", \"address\"]\nthreshold = 0.9\n",
    );
    let config = config.display().to_string();
    let first = w.ingest_with(&[&raw_dir()], &["--resolve-config", &config]);
    assert_exit(&first, 0);
    assert!(!util::stderr(&first).contains("was not used"));
    let parameters: String = w.query("SELECT parameters FROM resolve_models");
    let parameters: serde_json::Value = serde_json::from_str(&parameters).unwrap();
    assert_eq!(
        parameters["config"]["blocking"],
        serde_json::json!(["phone", "address"])
    );
    assert_eq!(parameters["threshold"]["probability"], 0.9);

    // The model is trained: the next load links with it, and says the file went unused.
    let next = w.ingest_with(
        &[&copy],
        &["--specs", &specs(), "--resolve-config", &config],
    );
    assert_exit(&next, 0);
    let warning = format!(
        "warning: --resolve-config {config} was not used: this database's model was trained \
         before and links with its own configuration; `leadpipe resolve --retrain \
         --resolve-config {config}` trains it under the file\n"
    );
    assert!(
        util::stderr(&next).ends_with(&warning),
        "{}",
        util::stderr(&next)
    );
    let retrain = w
        .command(&["resolve", "--retrain", "--resolve-config", &config])
        .args(["--db", &format!("sqlite:{}", w.db_path().display())])
        .output()
        .unwrap();
    assert_exit(&retrain, 0);
    assert!(!util::stderr(&retrain).contains("was not used"));
    assert_eq!(w.query::<i64>("SELECT count(*) FROM resolve_models"), 2);

    // An unknown key is refused before anything is loaded.
    let wrong = w.write(
        "wrong.toml",
        "[resolve]\nblocking = [\"phone\"]\nthreshhold = 0.9\n",
    );
    let refused = w.ingest_with(
        &[&copy],
        &[
            "--specs",
            &specs(),
            "--resolve-config",
            &wrong.display().to_string(),
        ],
    );
    assert_exit(&refused, 2);
    assert!(
        util::stderr(&refused).contains("unknown field `threshhold`"),
        "{}",
        util::stderr(&refused)
    );
}

#[test]
fn parameters_an_earlier_version_stored_are_refused_until_retrained() {
    let w = Workdir::new();
    let nevada = raw_dir().join(NEVADA);
    for db in Db::both(&w) {
        let kind = db.kind();
        assert_exit(&w.ingest_into(&db, &[&nevada], &[]), 0);
        // An earlier version's parameters: its threshold had no weight.
        db.execute(
            "UPDATE resolve_models SET parameters = replace(parameters, '\"weight\":', '\"w\":')",
        );
        let runs = db.count("SELECT count(*) FROM runs");
        let output = w.ingest_into(&db, &[&nevada], &[]);
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("trained by an earlier leadpipe")
                && stderr(&output).contains("run `leadpipe resolve --retrain`"),
            "{kind}: {}",
            stderr(&output)
        );
        assert_eq!(
            db.count("SELECT count(*) FROM runs"),
            runs,
            "{kind}: rolled back"
        );
        let retrained = resolve(&w, &db, &["--retrain"]);
        // One snapshot's leads are all two providers to each other: nothing to estimate from.
        assert!(
            retrained.contains("entities: 100 leads linked, model trained on them")
                && retrained.contains(
                    "match threshold 0.500 (no pair at or above it to estimate precision and \
                     recall from)"
                ),
            "{kind}: {retrained}"
        );
        // Linking reads them again, and finds nothing new.
        let output = w.command(&["resolve", "--db", &db.url()]).output().unwrap();
        assert_exit(&output, 99);
        assert_eq!(db.count("SELECT count(*) FROM resolve_models"), 2, "{kind}");
    }
}

#[test]
fn a_lead_in_another_country_never_joins_a_us_provider() {
    // A copy of one real Nevada provider, but for its address's province and country, in
    // a CRM-style source (tests/data/resolve/specs/crm_test.toml).
    let w = Workdir::new();
    let crm = w.write(
        "crm/2024-05-01 crm.csv",
        "Status,Id,Company,FirstName,LastName,Street,City,State,PostalCode,Country,Phone\n\
         Open,00Q2,SUNSHINE ACADEMY PRE-SCHOOL,Janeece,Noel,150 N. WILLOW ST,MESQUITE,BC,89027,Canada,346-393-9400\n",
    );
    let specs = specs();
    for db in Db::both(&w) {
        let kind = db.kind();
        let output = w.ingest_into(
            &db,
            &[&raw_dir(), &re_export(&w), &crm],
            &["--specs", &specs],
        );
        assert_exit(&output, 0);
        let entity = entities(&db);
        // Its re-export by the county is the Nevada provider; the Canadian copy is not.
        assert_eq!(
            entity["clark_county:CC-1001"], entity["nevada:1106-22"],
            "{kind}"
        );
        assert_ne!(entity["crm_test:00Q2"], entity["nevada:1106-22"], "{kind}");
        let members = entity
            .values()
            .filter(|e| *e == &entity["crm_test:00Q2"])
            .count();
        assert_eq!(members, 1, "{kind}");
        let explain = w
            .command(&[
                "explain",
                "crm_test:00Q2",
                "nevada:1106-22",
                "--db",
                &db.url(),
            ])
            .output()
            .unwrap();
        assert_exit(&explain, 0);
        let text = stdout(&explain);
        let verdict = text.lines().last().unwrap();
        assert!(
            verdict
                .contains("kept apart: one address is in CA, the other in US (the model alone: +"),
            "{kind}: {text}"
        );
        // The model alone would link them: its bits reach the threshold.
        let bits = |after: &str| -> f64 {
            let rest = &verdict[verdict.find(after).unwrap() + after.len()..];
            rest.split(' ')
                .next()
                .unwrap()
                .trim_end_matches([',', ')'])
                .parse()
                .unwrap()
        };
        assert!(
            bits("model alone: ") >= bits("threshold "),
            "{kind}: {verdict}"
        );
    }
}
