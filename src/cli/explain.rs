//! `leadpipe explain`: why two leads are, or are not, one entity; or one lead's entity, its
//! members and the links that hold it together.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;

use leadpipe::resolve::params::Parameters;
use leadpipe::resolve::waterfall::{Side, Standing, Verdict, waterfall};
use leadpipe::store::{DatabaseUrl, Entity, EntityLead, Store};

use super::exit::Exit;
use super::printable::printable;
use super::stdout;

/// Explain why two leads are, or are not, one entity (provider).
///
/// With two leads: their compared values side by side (phone numbers and e-mail addresses
/// are not shown, only how alike they are), the blocking keys they share, and the match
/// weight as a waterfall: the prior, then each field's comparison level and its bits, with
/// the term-frequency adjustment of a value they agree on, and the running total; then the
/// total, its probability, the threshold, and the verdict with its reason (linked directly,
/// in one entity through other links, kept apart by a veto or a label, below the
/// threshold, never compared). With one lead: its entity, the entity's members and the
/// links that hold it together. Reads only; the parameters are those stored by the last
/// training.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// A lead, by id (`nevada:1106-22`).
    #[arg(value_name = "LEAD")]
    pub lead: String,

    /// Another lead: explain the pair.
    #[arg(value_name = "OTHER")]
    pub other: Option<String>,

    #[command(flatten)]
    pub db: super::DbArg,
}

pub(crate) fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.parse()?;
    let mut db = Store::open(&url, Duration::ZERO)?;
    let parameters = parameters(&mut db, &url)?;
    let text = match &args.other {
        None => one_lead(&mut db, &url, &args.lead, &parameters)?,
        Some(other) if *other == args.lead => bail!("give two different leads to explain a pair"),
        Some(other) => pair(&mut db, &url, [&args.lead, other], &parameters)?,
    };
    stdout::print(|out| out.write_all(printable(&text).as_bytes()))?;
    Ok(Exit::Success.into())
}

/// The stored parameters, or the error of a database never resolved.
pub(crate) fn parameters(db: &mut Store, url: &DatabaseUrl) -> anyhow::Result<Parameters> {
    db.resolve_parameters()
        .with_context(|| format!("cannot read the resolution of {url}"))?
        .with_context(|| {
            format!(
                "{url} was never resolved: run `leadpipe ingest` (which resolves what it \
                 loads) or `leadpipe resolve` first"
            )
        })
}

/// A lead by id, or the error that names it.
fn lead(db: &mut Store, url: &DatabaseUrl, lead_id: &str) -> anyhow::Result<EntityLead> {
    db.entity_lead(lead_id)
        .with_context(|| format!("cannot read lead {lead_id} from {url}"))?
        .with_context(|| format!("there is no lead `{lead_id}` in {url}"))
}

/// The waterfall of two leads, with its verdict.
fn pair(
    db: &mut Store,
    url: &DatabaseUrl,
    ids: [&str; 2],
    parameters: &Parameters,
) -> anyhow::Result<String> {
    let [a, b] = ids.map(|id| lead(db, url, id));
    let (a, b) = (a?, b?);
    let labels = match (a.entity, b.entity) {
        (Some(x), Some(y)) => db.labels_between(x, y)?,
        _ => Vec::new(),
    };
    let listed_together_by = match (db.listing(&a.lead_id)?, db.listing(&b.lead_id)?) {
        (Some(x), Some(y)) if x.with(&y) => Some(x.source),
        _ => None,
    };
    let standing = Standing {
        listed_together_by,
        linked: db.is_link(&a.lead_id, &b.lead_id)?,
        labels: labels
            .into_iter()
            .map(|l| (l.lead_a, l.lead_b, l.must_link))
            .collect(),
    };
    let weight = parameters.weight(&a.values, &b.values);
    let verdict = Verdict::of(parameters, side(&a), side(&b), weight, &standing);
    Ok(waterfall(parameters, side(&a), side(&b), &verdict))
}

fn side(lead: &EntityLead) -> Side<'_> {
    Side {
        lead_id: &lead.lead_id,
        values: &lead.values,
        entity: lead.entity,
    }
}

/// A lead's entity: its members and the links among them.
fn one_lead(
    db: &mut Store,
    url: &DatabaseUrl,
    lead_id: &str,
    parameters: &Parameters,
) -> anyhow::Result<String> {
    let lead = lead(db, url, lead_id)?;
    let Some(entity_id) = lead.entity else {
        return Ok(format!(
            "{lead_id} is in no entity yet: run `leadpipe resolve` to link it\n"
        ));
    };
    let entity = db
        .entity(entity_id)?
        .with_context(|| format!("{url} has no entity {entity_id}, yet {lead_id} is in it"))?;
    let labels = db.labels_between(entity_id, entity_id)?;
    let mut out = Vec::new();
    write_entity(&mut out, lead_id, &entity, parameters)?;
    if !labels.is_empty() {
        writeln!(out, "labels among its members:")?;
        for label in labels {
            let word = if label.must_link {
                "must_link"
            } else {
                "cannot_link"
            };
            writeln!(out, "  {}  {}  {word}", label.lead_a, label.lead_b)?;
        }
    }
    Ok(String::from_utf8(out).expect("text written as UTF-8"))
}

/// An entity's members as a table, then its links.
fn write_entity(
    out: &mut impl Write,
    lead_id: &str,
    entity: &Entity,
    parameters: &Parameters,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{lead_id} is in entity {} ({}), of {} {}:",
        entity.entity_id,
        entity.status,
        entity.members.len(),
        if entity.members.len() == 1 {
            "lead"
        } else {
            "leads"
        }
    )?;
    let text = |lead: &EntityLead, column: &str| {
        let at = leadpipe::lead::column_index(column).expect("a lead column");
        lead.values[at].as_text().unwrap_or("-").to_string()
    };
    let mut rows = vec![["lead", "source", "active", "company", "address"].map(str::to_string)];
    rows.extend(entity.members.iter().map(|m| {
        [
            m.lead_id.clone(),
            m.source.clone(),
            if m.is_active { "yes" } else { "no" }.to_string(),
            text(m, "company"),
            format!(
                "{}, {} {}",
                text(m, "address1"),
                text(m, "city"),
                text(m, "zip")
            ),
        ]
    }));
    write_table(out, &rows)?;
    if entity.links.is_empty() {
        return writeln!(out, "no links: it is one lead, or held together by labels");
    }
    writeln!(
        out,
        "links that hold it together (pairs at or above the threshold, {:+.2} bits):",
        parameters.link_weight()
    )?;
    let rows: Vec<[String; 3]> = entity
        .links
        .iter()
        .map(|(a, b, weight)| [a.clone(), b.clone(), format!("{weight:+.2} bits")])
        .collect();
    write_table(out, &rows)
}

/// Rows in columns as wide as their widest cell, indented.
fn write_table<const N: usize>(out: &mut impl Write, rows: &[[String; N]]) -> std::io::Result<()> {
    let widths: Vec<usize> = (0..N)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "  {}", cells.join("  ").trim_end())?;
    }
    Ok(())
}
