//! Resolves bench/resolve/leads.py's export from scratch with leadpipe's matcher and writes
//! its clusters as bench/resolve/metrics.py scores them:
//!
//!     cargo run --release --example resolve_leads -- target/resolve/data/leads.csv OUT.csv
//!
//! It prints the trained model, field by field. (The load's resolution stage comes next;
//! this is how the harness scores the matcher meanwhile.)

use std::time::Instant;

use leadpipe::lead::{LeadValues, Value, column_index};
use leadpipe::resolve::batch::resolve_prepared;
use leadpipe::resolve::config::ResolveConfig;
use leadpipe::resolve::pair::Field;
use leadpipe::resolve::prepared::Prepared;

/// Leads read and spelled at a time: a million leads' values take more memory than their
/// spellings, so they are never all held at once.
const CHUNK: usize = 65_536;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = &args[..] else {
        return Err("usage: resolve_leads LEADS.csv CLUSTERS.csv".into());
    };
    let started = Instant::now();
    let mut reader = csv::Reader::from_path(input)?;
    let header = reader.headers()?.clone();
    let columns: Vec<Option<usize>> = header.iter().map(column_index).collect();
    let mut ids = Vec::new();
    let mut leads: Vec<Prepared> = Vec::new();
    let mut chunk: Vec<LeadValues> = Vec::with_capacity(CHUNK);
    let mut records = reader.records().peekable();
    while records.peek().is_some() {
        for record in records.by_ref().take(CHUNK) {
            let record = record?;
            let mut lead: LeadValues = std::array::from_fn(|_| Value::Null);
            for (column, value) in columns.iter().zip(record.iter()) {
                if let Some(column) = column {
                    lead[*column] = Value::text(value);
                }
            }
            ids.push(record[0].to_string());
            chunk.push(lead);
        }
        leads.extend(Prepared::all(&chunk));
        chunk.clear();
    }
    let read = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let resolution = resolve_prepared(&leads, &ResolveConfig::default(), 42);
    let seconds = started.elapsed().as_secs_f64();
    let mut writer = csv::Writer::from_path(output)?;
    writer.write_record(["record_id", "cluster_id"])?;
    for (id, cluster) in ids.iter().zip(&resolution.clusters) {
        writer.write_record([id.as_str(), ids[*cluster].as_str()])?;
    }
    let parameters = &resolution.parameters;
    let t = parameters.threshold;
    eprintln!(
        "{} leads, {} pairs compared, threshold {:.4} (estimated precision {:.4}, recall {:.4}), \
         prior {:.4}; read and spelled in {read:.2} s, resolved in {seconds:.2} s",
        leads.len(),
        resolution.pairs,
        t.probability,
        t.precision,
        t.recall,
        parameters.model.prior
    );
    // The trained model, field by field: what to look at when the scores disappoint.
    for (field, c) in Field::ALL.iter().zip(&parameters.model.comparisons) {
        let show = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.4}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        eprintln!("{field:?}: m {} / u {}", show(&c.m), show(&c.u));
    }
    Ok(())
}
