//! The account printed after a run: one line per file, then reasons counted.

use std::collections::BTreeMap;

use leadpipe::pipeline::{FileOutcome, RunReport};
use leadpipe::reason::Reason;
use leadpipe::store::{DatabaseUrl, FileCounts};

pub fn print(report: &RunReport, url: &DatabaseUrl) {
    let width = report
        .files
        .iter()
        .map(|f| f.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let row = |file: &str, source: &str, status: &str, c: &[String; 7]| {
        println!(
            "{file:<width$}  {source:<10} {status:<8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>11}",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6]
        );
    };
    let headings = [
        "READ",
        "LOADED",
        "REJECTED",
        "INSERTED",
        "UPDATED",
        "UNCHANGED",
        "DEACTIVATED",
    ];
    row("FILE", "SOURCE", "STATUS", &headings.map(String::from));
    let mut total = FileCounts::default();
    let mut rejects: BTreeMap<Reason, u64> = BTreeMap::new();
    let mut issues: BTreeMap<Reason, u64> = BTreeMap::new();
    for file in &report.files {
        let status = match &file.outcome {
            FileOutcome::Loaded => "loaded",
            FileOutcome::Failed { .. } => "FAILED",
            FileOutcome::Held { .. } => "held",
            _ => "skipped",
        };
        let c = &file.counts;
        let counts = [
            c.read,
            c.loaded,
            c.rejected,
            c.inserted,
            c.updated,
            c.unchanged,
            c.deactivated,
        ];
        row(
            &file.path,
            file.source.as_deref().unwrap_or("-"),
            status,
            &counts.map(|n| n.to_string()),
        );
        match &file.outcome {
            FileOutcome::AlreadyLoaded { by } => {
                println!("    already loaded: same content as {by}")
            }
            FileOutcome::OlderSnapshot { snapshot, loaded } => {
                println!(
                    "    snapshot of {snapshot} is older than the {loaded} snapshot already loaded; not applied"
                )
            }
            FileOutcome::Held { stage, reason } => {
                println!("    held by {stage}: {reason}; not applied")
            }
            FileOutcome::Unclaimed => println!("    no source spec claims this file"),
            FileOutcome::Failed { error } => eprintln!("error: {}: {error}", file.path),
            FileOutcome::Loaded => {}
        }
        total.read += c.read;
        total.loaded += c.loaded;
        total.rejected += c.rejected;
        total.inserted += c.inserted;
        total.updated += c.updated;
        total.deactivated += c.deactivated;
        for (reason, n) in &file.reject_reasons {
            *rejects.entry(*reason).or_default() += n;
        }
        for (reason, n) in &file.issue_reasons {
            *issues.entry(*reason).or_default() += n;
        }
    }
    if !rejects.is_empty() {
        println!("rejected records by reason (table `rejects`):");
        for (reason, n) in &rejects {
            println!("    {reason}: {n}");
        }
    }
    if !issues.is_empty() {
        println!("doubtful values in the leads written, by reason (column `leads.issues`):");
        for (reason, n) in &issues {
            println!("    {reason}: {n}");
        }
    }
    println!(
        "run {} into {url}: {} read = {} loaded + {} rejected; {} inserted, {} updated, {} deactivated",
        report.run_id,
        total.read,
        total.loaded,
        total.rejected,
        total.inserted,
        total.updated,
        total.deactivated
    );
}
