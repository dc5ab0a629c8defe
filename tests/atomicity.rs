//! A run is one transaction: a process killed mid-load leaves the database as it was.

mod util;

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use util::{TEXAS, Workdir, assert_exit, raw_dir};

/// A Texas-format file of `records` providers with distinct operation numbers, built from
/// the real file's first record.
fn large_texas_file(w: &Workdir, records: usize) -> std::path::PathBuf {
    let real = std::fs::read_to_string(raw_dir().join(TEXAS)).unwrap();
    let mut lines = real.lines();
    let header = lines.next().unwrap();
    let sample = lines.nth(1).unwrap();
    let (_, rest) = sample.split_once(',').unwrap();
    let path = w.path().join("big Texas DHHS.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "{header}\r").unwrap();
    for i in 0..records {
        write!(out, "{},{rest}\r\n", 5_000_000 + i).unwrap();
    }
    out.flush().unwrap();
    path
}

#[test]
fn a_run_killed_mid_load_leaves_nothing_and_the_next_run_completes() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&raw_dir().join(TEXAS)]), 0);
    let big = large_texas_file(&w, 60_000);

    let db = format!("sqlite:{}", w.db_path().display());
    // `Child::kill` sends SIGKILL.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leadpipe"))
        .current_dir(w.path())
        .args(["ingest", big.to_str().unwrap(), "--db", &db])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until batches are being written, then kill the process outright.
    let wal = w.path().join("leads.db-wal");
    let started = Instant::now();
    while wal.metadata().map_or(0, |m| m.len()) < 1 << 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the load ended before it could be killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the load never started writing"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 99);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM runs"), 1);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM source_files"), 1);

    assert_exit(&w.ingest(&[&big]), 0);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 99 + 60_000);
    assert_eq!(
        w.query::<i64>("SELECT count(*) FROM runs WHERE status = 'completed'"),
        2
    );
}
