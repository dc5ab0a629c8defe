//! The store read back through the library, on both targets: the leads of a source and
//! their history, after loads by the real binary.

mod util;

use std::path::Path;
use std::time::Duration;

use leadpipe::lead::{Value, column_index};
use leadpipe::store::{Change, DatabaseUrl, LeadChange, Store, StoredLead};
use util::{Db, Workdir, assert_exit};

const NEVADA: &str = "01-05-2024 Nevada DPBH example.csv";

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data")
}

fn open(db: &Db) -> Store {
    let url = DatabaseUrl::parse(&db.url(), |_| None).unwrap();
    Store::open(&url, Duration::ZERO).unwrap()
}

fn leads(store: &mut Store, source: Option<&str>) -> Vec<StoredLead> {
    let mut leads = Vec::new();
    store
        .leads(source, |lead| {
            leads.push(lead);
            Ok(())
        })
        .unwrap();
    leads
}

fn changes(store: &mut Store, source: &str) -> Vec<LeadChange> {
    let mut changes = Vec::new();
    store
        .changes(source, |change| {
            changes.push(change);
            Ok(())
        })
        .unwrap();
    changes
}

#[test]
fn leads_and_their_history_read_back_alike_from_both_targets() {
    let w = Workdir::new();
    let mut text = std::fs::read(examples().join(NEVADA)).unwrap();
    let phone_at = text.windows(12).position(|w| w == b"702-642-1100").unwrap();
    text[phone_at + 10..phone_at + 12].copy_from_slice(b"99");
    let newer = w.write("02-05-2024 Nevada DPBH example.csv", text);
    for db in Db::both(&w) {
        assert_exit(&w.ingest_into(&db, &[&examples()], &[]), 0);
        let mut store = open(&db);
        let all = leads(&mut store, None);
        assert_eq!(all.len(), 9, "{}", db.url());
        let nevada = leads(&mut store, Some("nevada"));
        let ids: Vec<&str> = nevada.iter().map(|l| l.lead_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "nevada:9001-24",
                "nevada:9002-24",
                "nevada:9003-24",
                "nevada:9004-24"
            ]
        );
        let phone = column_index("phone").unwrap();
        let first = &nevada[0];
        assert_eq!(first.values[phone], Value::text("+17026421100"));
        assert_eq!(
            first.values[column_index("state").unwrap()],
            Value::text("NV")
        );
        assert_eq!(
            first.values[column_index("certificate_expiration_date").unwrap()],
            Value::Date(chrono::NaiveDate::from_ymd_opt(2024, 11, 30).unwrap())
        );
        assert_eq!(
            (first.source.as_str(), first.is_active, first.source_line),
            ("nevada", true, 2)
        );
        let inserted = changes(&mut store, "nevada");
        assert_eq!(inserted.len(), 4);
        assert!(
            inserted
                .iter()
                .all(|c| c.change == Change::Inserted && c.column.is_none())
        );
        drop(store);

        assert_exit(&w.ingest_into(&db, &[&newer], &[]), 0);
        let mut store = open(&db);
        let history = changes(&mut store, "nevada");
        let updates: Vec<_> = history
            .iter()
            .filter(|c| c.change == Change::Updated)
            .collect();
        let columns: Vec<_> = updates.iter().map(|c| c.column.as_deref()).collect();
        assert_eq!(
            columns,
            [Some("phone"), Some("source_record")],
            "{history:?}"
        );
        assert!(updates.iter().all(|c| c.lead_id == "nevada:9001-24"));
        assert_eq!(updates[0].column.as_deref(), Some("phone"));
        assert_eq!(updates[0].old_value.as_deref(), Some("+17026421100"));
        assert_eq!(updates[0].new_value.as_deref(), Some("+17026421199"));
        assert!(updates[0].file_id > inserted[0].file_id);
        let nevada = leads(&mut store, Some("nevada"));
        assert_eq!(nevada[0].values[phone], Value::text("+17026421199"));
    }
}
