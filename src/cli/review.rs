//! `leadpipe review`: write the pairs the model is least sure of as a CSV to label, or
//! import the labels of one.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;

use leadpipe::resolve::config::ResolveConfig;
use leadpipe::resolve::params::Parameters;
use leadpipe::resolve::review::{
    Agreement, Band, read_labels, uncertain_pairs, write_header, write_pair,
};
use leadpipe::stages::resolve::{Mode, link};
use leadpipe::store::{DatabaseUrl, RunCommand, RunInfo, RunStatus, Store, StoredLabel};

use super::exit::Exit;
use super::explain::parameters;
use super::resolve::write_linked;
use super::stdout;

/// Write the pairs the model is least sure of as a CSV to label, or import its labels.
///
/// Without --import: the pairs compared whose match probability is near the threshold
/// (from half to twice its odds, or --band), not labelled yet, the nearest first, are
/// written to --out with both leads' company, person, address, city and ZIP code and an
/// empty `label` column. Fill it in with `must_link` (one provider) or `cannot_link` (two),
/// or leave it empty. With --import: the labels are stored (a pair's new label replaces
/// its old one) and every entity is rebuilt with them, as a run of its own; labels win
/// over the model in every later run. Then the model's links are compared with all the
/// labels stored: the share of `must_link` pairs it links estimates its recall, the share
/// of the labelled pairs it links that are `must_link` its precision.
#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    #[command(flatten)]
    pub db: super::DbArg,

    /// Where the CSV of pairs to label is written.
    #[arg(long, value_name = "FILE", default_value = "review.csv")]
    pub out: PathBuf,

    /// The match probabilities to review, `LOW..HIGH` (`0.2..0.9`); default from half to
    /// twice the odds of the threshold.
    #[arg(long, value_name = "LOW..HIGH", value_parser = Band::parse, conflicts_with = "import")]
    pub band: Option<Band>,

    /// Import the labels of a reviewed CSV, and rebuild the entities with them.
    #[arg(long, value_name = "FILE", conflicts_with = "out")]
    pub import: Option<PathBuf>,

    /// How long to wait, in seconds, for another run on the same database to finish.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub lock_timeout: u64,
}

pub(crate) fn run(args: ReviewArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.parse()?;
    let mut db = Store::open(&url, Duration::from_secs(args.lock_timeout))?;
    let parameters = parameters(&mut db, &url)?;
    match &args.import {
        Some(file) => import(&mut db, &url, file, &parameters),
        None => export(&mut db, &args, &parameters),
    }
}

/// Writes the uncertain pairs not labelled yet.
fn export(db: &mut Store, args: &ReviewArgs, parameters: &Parameters) -> anyhow::Result<ExitCode> {
    let band = args
        .band
        .unwrap_or_else(|| Band::around(parameters.threshold.probability));
    let mut ids = Vec::new();
    let mut values = Vec::new();
    db.leads(None, |lead| {
        ids.push(lead.lead_id);
        values.push(lead.values);
        Ok(())
    })?;
    let labelled: HashSet<(String, String)> = db
        .labelled_pairs()?
        .into_iter()
        .map(|pair| (pair.label.lead_a, pair.label.lead_b))
        .collect();
    // A pair one snapshot lists together is two operations, never a question to ask.
    let mut pairs = Vec::new();
    for pair in uncertain_pairs(&values, parameters, band) {
        let (a, b) = (&ids[pair.a], &ids[pair.b]);
        if labelled.contains(&(a.clone(), b.clone())) {
            continue;
        }
        if let (Some(x), Some(y)) = (db.listing(a)?, db.listing(b)?)
            && x.with(&y)
        {
            continue;
        }
        pairs.push(pair);
    }
    let path = &args.out;
    let written = (|| {
        let mut out = BufWriter::new(std::fs::File::create(path)?);
        write_header(&mut out)?;
        for pair in &pairs {
            let ids = (ids[pair.a].as_str(), ids[pair.b].as_str());
            write_pair(
                &mut out,
                ids,
                (&values[pair.a], &values[pair.b]),
                pair.weight,
            )?;
        }
        out.flush()
    })();
    written.with_context(|| format!("cannot write {}", path.display()))?;
    stdout::print(|out| {
        writeln!(
            out,
            "wrote {} to review (match probability {:.3} to {:.3}; the threshold is \
             {:.3}) to {}: label each `must_link` or `cannot_link` in its `label` column, \
             then run `leadpipe review --import {}`",
            counted(pairs.len(), "pair", "pairs"),
            band.low,
            band.high,
            parameters.threshold.probability,
            path.display(),
            path.display()
        )
    })?;
    Ok(Exit::Success.into())
}

/// Stores the labels of a reviewed CSV and rebuilds the entities with them.
fn import(
    db: &mut Store,
    url: &DatabaseUrl,
    file: &PathBuf,
    parameters: &Parameters,
) -> anyhow::Result<ExitCode> {
    let shown = file.display();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {shown}"))?;
    let (read, unlabelled) = read_labels(&bytes).with_context(|| format!("{shown}"))?;
    if read.is_empty() {
        stdout::print(|out| writeln!(out, "{shown}: no row has a label: nothing was imported"))?;
        return Ok(Exit::NothingNew.into());
    }
    let mut known = HashSet::new();
    for label in &read {
        for lead in [&label.lead_a, &label.lead_b] {
            if !known.contains(lead) {
                if !db.has_lead(lead)? {
                    bail!(
                        "{shown}: line {}: there is no lead `{lead}` in {url}",
                        label.line
                    );
                }
                known.insert(lead.clone());
            }
        }
    }
    let labels: Vec<StoredLabel> = read
        .into_iter()
        .map(|l| StoredLabel {
            lead_a: l.lead_a,
            lead_b: l.lead_b,
            must_link: l.must_link,
        })
        .collect();
    let run = RunInfo::new(RunCommand::Resolve);
    let linked = (|| {
        db.begin_run(&run)?;
        db.save_labels(&labels)?;
        // The stored parameters exist, so the configuration is not used.
        let linked = link(db, &run.run_id, &ResolveConfig::default(), Mode::Rebuild)?;
        db.commit_run(&run, RunStatus::Completed)?;
        Ok::<_, leadpipe::store::StoreError>(linked)
    })()
    .with_context(|| format!("no label was imported; {url} is as it was"))?;
    let pairs = db.labelled_pairs()?;
    let agreement = Agreement::of(
        parameters,
        pairs.iter().map(|p| (p.label.must_link, &p.a, &p.b)),
    );
    let must_link = labels.iter().filter(|l| l.must_link).count();
    stdout::print(|out| {
        writeln!(
            out,
            "imported {} from {shown} ({must_link} must_link, {} cannot_link; {} without a \
             label left out)",
            counted(labels.len(), "label", "labels"),
            labels.len() - must_link,
            counted(unlabelled, "row", "rows"),
        )?;
        write_linked(out, &linked)?;
        write_agreement(out, &agreement)?;
        writeln!(out, "run {} into {url}", run.run_id)
    })?;
    Ok(Exit::Success.into())
}

/// The model's estimated precision and recall against every stored label.
fn write_agreement(out: &mut impl Write, agreement: &Agreement) -> std::io::Result<()> {
    let share = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{x:.3}"));
    writeln!(
        out,
        "against all {} labels: the model links {} of the {} must_link pairs (recall \
         estimate {}), and {} of the {} labelled pairs it links are must_link (precision \
         estimate {})",
        agreement.labels,
        agreement.both,
        agreement.must_link,
        share(agreement.recall()),
        agreement.both,
        agreement.linked,
        share(agreement.precision()),
    )
}

/// `n` and the noun's form for it.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
