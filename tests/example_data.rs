//! The README's first command: the committed example files load as documented.

mod util;

use std::path::Path;

use util::{Workdir, assert_exit, stdout};

#[test]
fn the_example_drop_loads_nine_leads_and_one_reject() {
    let w = Workdir::new();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let output = w.ingest(&[&examples]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("10 read = 9 loaded + 1 rejected"),
        "{}",
        stdout(&output)
    );
    let rows: Vec<(String, String)> = w.pairs(
        "SELECT lead_id, company || '|' || first_name || ' ' || last_name || '|' || city FROM leads
         WHERE lead_id IN ('nevada:9003-24', 'oklahoma:K829990001') ORDER BY lead_id",
    );
    assert_eq!(
        rows,
        [
            (
                "nevada:9003-24",
                "GRANDMA JO\u{2019}S PLAYHOUSE|Joanne Wilkes|SPRING CREEK"
            ),
            (
                "oklahoma:K829990001",
                "SUNNY MEADOW HOME CARE, LLC|Priscilla Holloway|OKLAHOMA CITY"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(
        w.query::<String>("SELECT reason FROM rejects"),
        "unterminated_quote"
    );
}
