//! Resolves bench/resolve/leads.py's export from scratch with leadpipe's matcher and writes
//! its clusters as bench/resolve/metrics.py scores them:
//!
//!     cargo run --release --example resolve_leads -- target/resolve/data/leads.csv OUT.csv \
//!         [CONFIG.toml]
//!
//! The input's columns are read by their lead column names (a date column as an ISO date);
//! CONFIG.toml, a `[resolve]` table, replaces the default configuration (FEBRL's blocking
//! rules, say). It prints the trained model, field by field. Leads are read and spelled a
//! chunk at a time, as the accuracy and speed harnesses need at a million leads.

use std::time::Instant;

use chrono::NaiveDate;
use leadpipe::lead::{ColumnType, LEAD_COLUMNS, LeadValues, Value, column_index};
use leadpipe::resolve::batch::resolve_prepared;
use leadpipe::resolve::config::ResolveConfig;
use leadpipe::resolve::pair::Field;
use leadpipe::resolve::prepared::Prepared;

/// Leads read and spelled at a time: a million leads' values take more memory than their
/// spellings, so they are never all held at once.
const CHUNK: usize = 65_536;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output, config) = match &args[..] {
        [_, input, output] => (input, output, ResolveConfig::default()),
        [_, input, output, config] => (
            input,
            output,
            ResolveConfig::parse(&std::fs::read_to_string(config)?)?,
        ),
        _ => return Err("usage: resolve_leads LEADS.csv CLUSTERS.csv [CONFIG.toml]".into()),
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
                if let Some(column) = *column {
                    lead[column] = match LEAD_COLUMNS[column].ty {
                        ColumnType::Date => NaiveDate::parse_from_str(value, "%Y-%m-%d")
                            .map_or(Value::Null, Value::Date),
                        _ => Value::text(value),
                    };
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
    let resolution = resolve_prepared(&leads, &config, 42);
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
