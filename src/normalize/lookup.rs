//! Published values mapped to a spec's own vocabulary, by a table of glob patterns.

use std::collections::HashMap;

use serde::Deserialize;

use super::text::clean;
use super::{Arity, Build, Configured, Descriptor, Issue, VALUE_TEXT, Verdict, first, parse_args};
use crate::lead::Value;
use crate::reason::Reason;

/// The canonical vocabulary of `facility_type`, one across states: every built-in spec's
/// `lookup` table for that column maps into it (README, Source specs), and the built-in
/// `accepted_values` check of the column holds a source to it.
pub(crate) const FACILITY_TYPES: [&str; 5] = [
    "Child Care Center",
    "Family Child Care Home",
    "Group Child Care Home",
    "Accommodation Facility",
    "Permitted Program",
];

pub(crate) static LOOKUP: Descriptor = Descriptor {
    name: "lookup",
    parts: VALUE_TEXT,
    gives: "a canonical value from `args.values`, a table of published-value glob patterns (any case; the longest matching pattern wins); a value the table lacks is kept as published and noted",
    build: Build::FromArgs {
        reads: "1",
        needs: "`args.values`, a table of published → canonical values",
        build: lookup,
    },
};

/// `lookup`'s `args`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LookupArgs {
    /// Published-value pattern → canonical value.
    values: HashMap<String, String>,
}

fn lookup(args: &toml::Table) -> Result<Configured, String> {
    let LookupArgs { values } = parse_args(args)?;
    let mut table = values
        .into_iter()
        .map(|(pattern, value)| {
            glob::Pattern::new(&clean(&pattern))
                .map(|p| (p, value))
                .map_err(|e| format!("`args.values`: `{pattern}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The most specific (longest) pattern that matches wins; patterns of one length are
    // tried in text order, so every run maps alike.
    table.sort_by(|(a, _), (b, _)| {
        (b.as_str().len(), a.as_str()).cmp(&(a.as_str().len(), b.as_str()))
    });
    Ok(Configured {
        arity: Arity::Exactly(1),
        apply: Box::new(move |inputs, out| look_up(&table, first(inputs), out)),
    })
}

/// Writes the canonical value of the first pattern of `table` that matches the published
/// value, or else the value as published, with an issue.
fn look_up(table: &[(glob::Pattern, String)], published: &str, out: &mut [Value]) -> Verdict {
    let published = clean(published);
    let options = glob::MatchOptions {
        case_sensitive: false,
        ..glob::MatchOptions::new()
    };
    match table
        .iter()
        .find(|(pattern, _)| pattern.matches_with(&published, options))
    {
        Some((_, canonical)) => out[0] = Value::text(canonical.clone()),
        None if published.is_empty() => {}
        None => {
            let issue = Issue::new(
                Reason::UnmappedValue,
                format!("`{published}` is not in the spec's lookup table; kept as published"),
            );
            out[0] = Value::Text(published);
            return Ok(Some(issue));
        }
    }
    Ok(None)
}
