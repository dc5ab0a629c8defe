//! The account printed after a run: one line per file, then reasons counted.

use std::collections::BTreeMap;

use leadpipe::load::DatabaseUrl;
use leadpipe::pipeline::{FileOutcome, RunReport};

pub fn print(report: &RunReport, url: &DatabaseUrl) {
    let width = report
        .files
        .iter()
        .map(|f| f.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!(
        "{:<width$}  {:<10} {:<8} {:>8} {:>8} {:>8}",
        "FILE", "SOURCE", "STATUS", "READ", "LOADED", "REJECTED"
    );
    let (mut read, mut loaded, mut rejected) = (0, 0, 0);
    let mut rejects: BTreeMap<&str, u64> = BTreeMap::new();
    let mut issues: BTreeMap<&str, u64> = BTreeMap::new();
    for file in &report.files {
        let status = match &file.outcome {
            FileOutcome::Loaded => "loaded",
            FileOutcome::AlreadyLoaded { .. } => "skipped",
            FileOutcome::Unclaimed => "skipped",
            FileOutcome::Failed { .. } => "FAILED",
        };
        let c = &file.counts;
        println!(
            "{:<width$}  {:<10} {:<8} {:>8} {:>8} {:>8}",
            file.path,
            file.source.as_deref().unwrap_or("-"),
            status,
            c.read,
            c.loaded,
            c.rejected
        );
        match &file.outcome {
            FileOutcome::AlreadyLoaded { by } => {
                println!("    already loaded: same content as {by}")
            }
            FileOutcome::Unclaimed => println!("    no source spec claims this file"),
            FileOutcome::Failed { error } => eprintln!("error: {}: {error}", file.path),
            FileOutcome::Loaded => {}
        }
        (read, loaded, rejected) = (read + c.read, loaded + c.loaded, rejected + c.rejected);
        for (reason, n) in &file.reject_reasons {
            *rejects.entry(reason).or_default() += n;
        }
        for (reason, n) in &file.issue_reasons {
            *issues.entry(reason).or_default() += n;
        }
    }
    if !rejects.is_empty() {
        println!("rejected records by reason (table `rejects`):");
        for (reason, n) in &rejects {
            println!("    {reason}: {n}");
        }
    }
    if !issues.is_empty() {
        println!("doubtful values kept, by reason (column `leads.issues`):");
        for (reason, n) in &issues {
            println!("    {reason}: {n}");
        }
    }
    println!(
        "run {} into {url}: {read} read = {loaded} loaded + {rejected} rejected",
        report.run_id
    );
}
