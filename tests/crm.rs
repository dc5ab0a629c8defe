//! A CRM's export as a reference source, on both targets: a Salesforce Lead export written
//! here (built-in spec `salesforce_leads`), some of its rows real providers of the real
//! files as a rep would type them, others with placeholder phones, a shared test e-mail,
//! state names and Canadian provinces. The true matches are found with their CRM ids, no
//! placeholder links anything, no Canadian row joins a US provider, the records stay out
//! of `leads`, and the next export (in a warehouse sync's snake_case) replaces this one.

mod util;

use std::collections::BTreeMap;

use util::{Db, Workdir, assert_exit, raw_dir, stderr, stdout};

/// The export in Salesforce's API field names, with a custom field, in an org's own order.
const EXPORT: &str = "\
Id,Status,Company,FirstName,LastName,Title,Street,City,State,PostalCode,Country,Phone,MobilePhone,Email,Outreach_Stage__c
00Q000000000001AAA,Working,Sunshine Academy Preschool,Janeece,Noel,Director,150 N Willow St,Mesquite,Nevada,89027,United States,(346) 393-9400,,,Stage 2
00Q000000000002AAA,Open,Discovery Gardens Childcare LLC,Sherrita,Myers,Owner,555 Page Street,Las Vegas,NV,89110,USA,503.539.3810,,,
00Q000000000003AAA,Open,1 on 1 Childcare Academy,,,,11925 Gloger St.,Houston,Texas,77039,,832-295-3525,,1on1childcareacademy@gmail.com,
00Q000000000004AAA,Working,Muddy Puddles Learning Space,Symira,Clifton,,1000 N. Juniper Pl,Broken Arrow,Oklahoma,74012,US,(216) 703-5825,,symira24@gmail.com,Stage 1
00Q000000000005AAA,Open,Lake Mead Christian Academy,Theresa,Hehn,,540 E Lake Mead Pkwy,Henderson,NV,89015,,565-583-1155,,test@test.com,
00Q000000000006AAA,Open,Little Stars Daycare,Test,Lead,,12 Bourbon St,New Orleans,Louisiana,70116,,1234567890,,test@test.com,
00Q000000000007AAA,Open,Happy Hearts Learning,Test,Lead,,88 Court St,Brooklyn,New York,11201,,1234567890,0000000000,test@test.com,
00Q000000000008AAA,Open,The Little Explorers LLC,Kyla,Hannah,,470 Gypsum Drive,Calgary,Alberta,T2P 1J9,Canada,505-488-8895,,,
00Q000000000009AAA,Open,Bay Roberts Kids,,,,1 Water St,St. John's,Newfoundland,A1C 1A1,Canada,709-555-0100,,,
00Q000000000010AAA,Open,Sunrise Childrens Foundation,Tania,Pineda,,2845 Mohawk St,Vancouver,BC,V5K 0A1,CA,362-231-1137,,,
";

/// Each CRM row made from a real provider, with that provider's lead.
const TRUE_MATCHES: [(&str, &str); 5] = [
    ("00Q000000000001AAA", "nevada:1106-22"),
    ("00Q000000000002AAA", "nevada:2199-23"),
    ("00Q000000000003AAA", "texas:1730398"),
    ("00Q000000000004AAA", "oklahoma:K830056761"),
    ("00Q000000000005AAA", "nevada:788-22"),
];

/// The next export, from a warehouse sync: snake_case, other columns, another order; row 5
/// is gone from the CRM, row 2's contact has a new title.
const NEXT_EXPORT: &str = "\
id,outreach_stage_c,email,phone,mobile_phone,company,first_name,last_name,title,street,city,state,postal_code,country,status,is_deleted
00Q000000000001AAA,Stage 3,,(346) 393-9400,,Sunshine Academy Preschool,Janeece,Noel,Director,150 N Willow St,Mesquite,Nevada,89027,United States,Working,false
00Q000000000002AAA,,,503.539.3810,,Discovery Gardens Childcare LLC,Sherrita,Myers,Director,555 Page Street,Las Vegas,NV,89110,USA,Open,false
00Q000000000003AAA,,1on1childcareacademy@gmail.com,832-295-3525,,1 on 1 Childcare Academy,,,,11925 Gloger St.,Houston,Texas,77039,,Open,false
00Q000000000004AAA,Stage 1,symira24@gmail.com,(216) 703-5825,,Muddy Puddles Learning Space,Symira,Clifton,,1000 N. Juniper Pl,Broken Arrow,Oklahoma,74012,US,Working,false
00Q000000000006AAA,,test@test.com,1234567890,,Little Stars Daycare,Test,Lead,,12 Bourbon St,New Orleans,Louisiana,70116,,Open,false
00Q000000000007AAA,,test@test.com,1234567890,0000000000,Happy Hearts Learning,Test,Lead,,88 Court St,Brooklyn,New York,11201,,Open,false
00Q000000000008AAA,,,505-488-8895,,The Little Explorers LLC,Kyla,Hannah,,470 Gypsum Drive,Calgary,Alberta,T2P 1J9,Canada,Open,false
00Q000000000009AAA,,,709-555-0100,,Bay Roberts Kids,,,,1 Water St,St. John's,Newfoundland,A1C 1A1,Canada,Open,false
00Q000000000010AAA,,,362-231-1137,,Sunrise Childrens Foundation,Tania,Pineda,,2845 Mohawk St,Vancouver,BC,V5K 0A1,CA,Open,false
";

/// The lead id of a CRM row.
fn crm(id: &str) -> String {
    format!("salesforce_leads:{id}")
}

/// Each lead's and CRM record's entity.
fn entities(db: &Db) -> BTreeMap<String, String> {
    db.texts("SELECT lead_id, CAST(entity_id AS TEXT) FROM entity_members")
        .into_iter()
        .map(|row| (row[0].clone().unwrap(), row[1].clone().unwrap()))
        .collect()
}

/// How many members the entity of `lead` has.
fn members(entities: &BTreeMap<String, String>, lead: &str) -> usize {
    let entity = &entities[lead];
    entities.values().filter(|e| *e == entity).count()
}

#[test]
fn a_crm_export_is_matched_to_the_providers_and_replaced_by_the_next() {
    let w = Workdir::new();
    let export = w.write("crm/salesforce-leads-2024-05-01.csv", EXPORT);
    let next = w.write("crm-next/salesforce_leads_2024-06-01.csv", NEXT_EXPORT);
    for db in Db::both(&w) {
        let kind = db.kind();
        let output = w.ingest_into(&db, &[&raw_dir(), &export], &[]);
        assert_exit(&output, 0);
        // The CRM's records are kept as it has them: enrichment is the leads'.
        assert_eq!(
            db.count(
                "SELECT count(*) FROM reference_records
                 WHERE derived IS NOT NULL OR time_zone IS NOT NULL OR calling_hours IS NOT NULL"
            ),
            0,
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM leads WHERE time_zone IS NOT NULL"),
            248,
            "{kind}"
        );
        assert!(
            stdout(&output).contains("a reference source: its records are in `reference_records`"),
            "{kind}: {}",
            stdout(&output)
        );
        // The CRM's records are apart: the leads are the agencies' 248.
        assert_eq!(db.count("SELECT count(*) FROM leads"), 248, "{kind}");
        assert_eq!(
            db.count("SELECT count(*) FROM reference_records WHERE NOT removed"),
            10,
            "{kind}"
        );
        let entity = entities(&db);
        for (id, lead) in TRUE_MATCHES {
            assert_eq!(entity[&crm(id)], entity[lead], "{kind}: {id} is {lead}");
        }
        // No placeholder phone or shared test e-mail links anything, and no Canadian row
        // joins the US provider it copies (8 has Little Explorers' phone, 10 Sunrise's).
        for n in 6..=10 {
            let id = crm(&format!("00Q0000000000{n:02}AAA"));
            assert_eq!(members(&entity, &id), 1, "{kind}: {id} is alone");
        }
        assert_eq!(members(&entity, &crm("00Q000000000005AAA")), 2, "{kind}");
        let regions = db.texts(
            "SELECT provider_id, state, country, CAST(issues AS TEXT) FROM reference_records
             WHERE provider_id IN ('00Q000000000001AAA', '00Q000000000006AAA',
                 '00Q000000000007AAA', '00Q000000000008AAA', '00Q000000000009AAA')
             ORDER BY provider_id",
        );
        let region = |i: usize| (regions[i][1].as_deref(), regions[i][2].as_deref());
        assert_eq!(region(0), (Some("NV"), Some("US")), "{kind}");
        assert_eq!(region(1), (Some("LA"), Some("US")), "{kind}");
        assert_eq!(region(2), (Some("NY"), Some("US")), "{kind}");
        assert_eq!(region(3), (Some("AB"), Some("CA")), "{kind}");
        assert_eq!(region(4), (Some("NL"), Some("CA")), "{kind}");
        for row in &regions[3..] {
            assert!(
                row[3]
                    .as_deref()
                    .unwrap_or_default()
                    .contains("non_us_address"),
                "{kind}: {row:?}"
            );
        }
        // One provider per entity that has a lead; those with a CRM member are in the CRM.
        let with_leads = db.count(
            "SELECT count(DISTINCT m.entity_id) FROM entity_members m
             JOIN leads l ON l.lead_id = m.lead_id",
        );
        assert_eq!(
            db.count("SELECT count(*) FROM providers"),
            with_leads,
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM providers WHERE in_crm"),
            5,
            "{kind}"
        );
        let active = db.count("SELECT count(*) FROM providers WHERE is_active");
        let net_new = db.count("SELECT count(*) FROM providers WHERE is_active AND NOT in_crm");
        assert_eq!(net_new, active - 5, "{kind}");
        let history = db.count("SELECT count(*) FROM lead_updates");

        // The net-new export: one row per active provider not in the CRM, importable.
        let out = w.path().join(format!("net-new-{kind}.csv"));
        let export = w
            .command(&["export", "net-new", "--db", &db.url(), "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_exit(&export, 0);
        assert_eq!(
            stderr(&export),
            format!("{net_new} rows written to {}\n", out.display())
        );
        let mut rows = csv::Reader::from_path(&out).unwrap();
        let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header[..13],
            [
                "First Name",
                "Last Name",
                "Title",
                "Company",
                "Street",
                "City",
                "State/Province",
                "Zip/Postal Code",
                "Country",
                "Phone",
                "Mobile",
                "Email",
                "Website"
            ]
        );
        let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(rows.len() as i64, net_new, "{kind}");
        let leads = |row: &csv::StringRecord| row[14].to_string();
        assert!(
            !rows.iter().any(|row| leads(row).contains("nevada:1106-22")),
            "{kind}: in the CRM"
        );
        // Its Canadian namesake in the CRM is another provider: Little Explorers is new.
        let explorers = rows
            .iter()
            .find(|row| leads(row) == "nevada:2351-23")
            .unwrap();
        assert_eq!(
            (
                &explorers[0],
                &explorers[1],
                &explorers[3],
                &explorers[6],
                &explorers[8],
                &explorers[15]
            ),
            (
                "Kyla",
                "Hannah",
                "THE LITTLE EXPLORERS LLC",
                "NV",
                "US",
                "nevada"
            ),
            "{kind}"
        );
        // Texas lists no person: Salesforce's required Last Name says so.
        let texas = rows.iter().find(|row| &row[15] == "texas").unwrap();
        assert_eq!(&texas[1], "[not provided]", "{kind}");

        // The matched export: the five true matches, each with what differs.
        let export = w
            .command(&["export", "matched", "--format", "jsonl", "--db", &db.url()])
            .output()
            .unwrap();
        assert_exit(&export, 0);
        let lines: Vec<serde_json::Value> = stdout(&export)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let found: Vec<(&str, &str)> = lines
            .iter()
            .map(|l| {
                (
                    l["crm_id"].as_str().unwrap(),
                    l["lead_ids"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(found, TRUE_MATCHES, "{kind}");
        for line in &lines {
            assert!(
                line["match_weight"].as_f64().unwrap() > 10.0,
                "{kind}: {line}"
            );
        }
        // The rep typed `555 Page Street` and a title of her own; the state says `Other`.
        assert_eq!(
            lines[1]["differs"],
            serde_json::json!({"Title": {"crm": "Owner", "leads": "Other"}}),
            "{kind}"
        );

        // The next export replaces this one: row 5 is removed, row 2 updated.
        let first_run = db.text("SELECT run_id FROM runs");
        let output = w.ingest_into(&db, &[&next], &[]);
        assert_exit(&output, 0);
        let counts = db.texts(
            "SELECT CAST(records_inserted AS TEXT), CAST(records_updated AS TEXT),
                    CAST(records_deactivated AS TEXT)
             FROM source_files WHERE path LIKE '%2024-06-01%'",
        );
        let counts: Vec<&str> = counts[0].iter().map(|c| c.as_deref().unwrap()).collect();
        assert_eq!(counts, ["0", "1", "1"], "{kind}");
        assert_eq!(
            db.text("SELECT CAST(removed AS TEXT) FROM reference_records WHERE provider_id = '00Q000000000005AAA'"),
            if kind == "sqlite" { "1" } else { "true" },
            "{kind}"
        );
        assert_eq!(
            db.text("SELECT title FROM reference_records WHERE provider_id = '00Q000000000002AAA'"),
            "Director",
            "{kind}"
        );
        let record = db.text(
            "SELECT CAST(source_record AS TEXT) FROM reference_records WHERE provider_id = '00Q000000000001AAA'",
        );
        assert!(
            record.contains("\"outreach_stage_c\":\"Stage 3\""),
            "{kind}: {record}"
        );
        // Still the provider it was, now out of the CRM: one more net-new; no lead changed.
        let entity = entities(&db);
        assert_eq!(
            entity[&crm("00Q000000000002AAA")],
            entity["nevada:2199-23"],
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM providers WHERE in_crm"),
            4,
            "{kind}"
        );
        assert_eq!(
            db.count("SELECT count(*) FROM providers WHERE is_active AND NOT in_crm"),
            net_new + 1,
            "{kind}"
        );
        assert_eq!(db.count("SELECT count(*) FROM leads"), 248, "{kind}");
        assert_eq!(
            db.count("SELECT count(*) FROM lead_updates"),
            history,
            "{kind}"
        );

        // What a nightly sync asks after the next export: the provider the CRM no longer
        // has is net-new again, and the one CRM record that changed is the one update.
        let since = |what: &str| -> Vec<serde_json::Value> {
            let output = w
                .command(&[
                    "export",
                    what,
                    "--since-run",
                    &first_run,
                    "--format",
                    "jsonl",
                    "--db",
                    &db.url(),
                ])
                .output()
                .unwrap();
            assert_exit(&output, 0);
            stdout(&output)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let net_new_since = since("net-new");
        let ids: Vec<&str> = net_new_since
            .iter()
            .map(|p| p["leadpipe Lead IDs"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["nevada:788-22"], "{kind}");
        let matched_since = since("matched");
        let ids: Vec<&str> = matched_since
            .iter()
            .map(|m| m["crm_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["00Q000000000002AAA"], "{kind}");

        // A partial export that would remove most of the CRM is held, as a snapshot is.
        let partial = w.write(
            &format!("crm-partial-{kind}/salesforce_leads_2024-07-01.csv"),
            NEXT_EXPORT.lines().take(3).collect::<Vec<_>>().join("\n"),
        );
        let output = w.ingest_into(&db, &[&partial], &[]);
        assert_exit(&output, 4);
        assert!(
            stdout(&output).contains("it would mark removed 7 of the source's 9 current records"),
            "{kind}: {}",
            stdout(&output)
        );
        assert_eq!(
            db.count("SELECT count(*) FROM reference_records WHERE NOT removed"),
            9,
            "{kind}"
        );

        // An export keeps no history to undo: the next one replaces it.
        let undo = w
            .command(&["undo", "salesforce_leads", "--db", &db.url()])
            .output()
            .unwrap();
        assert_exit(&undo, 2);
        assert!(
            stderr(&undo).contains("`salesforce_leads` is a reference source"),
            "{kind}: {}",
            stderr(&undo)
        );
    }
}

#[test]
fn a_hubspot_export_in_either_naming_is_matched_to_the_providers() {
    // HubSpot's own export (property labels, a portal's own columns), and a warehouse
    // sync's (internal names, and no file-name pattern: claimed by its header). Each is one
    // CRM's whole export, so each is loaded into databases of its own.
    let exports = [
        (
            "hubspot-crm-exports-all-companies-2024-05-01.csv",
            "Record ID,Company name,Lifecycle Stage,Phone Number,Street Address,Street Address 2,City,State/Region,Postal Code,Country/Region,Website URL\n\
             9001,1.2..me Kidz,Lead,(210) 310-3990,1222 Babcock Road,,San Antonio,Texas,78201,United States,\n\
             9002,Happy Trails Daycare,Customer,1234567890,5 Elm St,Suite 2,Tulsa,OK,74103,United States,happytrails.example\n",
            [("9001", "texas:1687698")],
        ),
        (
            "companies.csv",
            "hs_object_id,name,phone,address,address2,city,state,zip,country,website,hs_lead_status\n\
             9101,Deelightful Learning Station LLC,214-733-7201,2604 NW 115th Pl,,Oklahoma City,Oklahoma,73120,US,,OPEN\n\
             9102,Happy Trails Daycare,1234567890,5 Elm St,Suite 2,Tulsa,OK,74103,US,happytrails.example,NEW\n",
            [("9101", "oklahoma:K820055484")],
        ),
    ];
    for (name, text, expected) in exports {
        let w = Workdir::new();
        let export = w.write(&format!("hubspot/{name}"), text);
        for db in Db::both(&w) {
            let kind = db.kind();
            assert_exit(&w.ingest_into(&db, &[&raw_dir(), &export], &[]), 0);
            assert_eq!(
                db.count(
                    "SELECT count(*) FROM reference_records WHERE source = 'hubspot_companies'"
                ),
                2,
                "{kind}: {name}"
            );
            let output = w
                .command(&["export", "matched", "--format", "jsonl", "--db", &db.url()])
                .output()
                .unwrap();
            assert_exit(&output, 0);
            let found: Vec<(String, String)> = stdout(&output)
                .lines()
                .map(|line| {
                    let m: serde_json::Value = serde_json::from_str(line).unwrap();
                    assert_eq!(m["crm_source"], "hubspot_companies");
                    let text = |key: &str| m[key].as_str().unwrap().to_string();
                    (text("crm_id"), text("lead_ids"))
                })
                .collect();
            let expected = expected.map(|(id, lead)| (id.to_string(), lead.to_string()));
            assert_eq!(
                found, expected,
                "{kind}: {name}: Happy Trails is no provider of the files"
            );
        }
    }
}
