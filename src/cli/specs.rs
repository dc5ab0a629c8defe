//! `leadpipe specs`: list and check the source specs.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use leadpipe::spec::{Role, Spec, Specs, normalizer_table};

use super::stdout;

/// List the source specs in use (built-in, plus --specs), after checking them.
///
/// A spec with an error (an unknown key, a column not in its header, a lead column of the
/// wrong type) is reported with its file, and the exit status is 2.
#[derive(Debug, Args)]
pub(crate) struct SpecsArgs {
    /// A folder of extra source specs (`*.toml`) to check and list.
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,

    /// Print the normalizers a spec's `with = "…"` can name instead: what each reads and
    /// gives, as a Markdown table.
    #[arg(long)]
    pub normalizers: bool,
}

pub(crate) fn run(args: SpecsArgs) -> anyhow::Result<ExitCode> {
    if args.normalizers {
        stdout::print(|out| out.write_all(normalizer_table().as_bytes()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let specs = Specs::load(args.specs.as_deref())?;
    stdout::print(|out| specs.iter().try_for_each(|spec| write_spec(out, spec)))?;
    Ok(ExitCode::SUCCESS)
}

/// One line for a spec: its id, name, whether it is a reference source, its size, which
/// files it claims and where it came from.
fn write_spec(out: &mut impl Write, spec: &Spec) -> io::Result<()> {
    let patterns: Vec<&str> = spec.name_patterns.iter().map(|p| p.as_str()).collect();
    let claims = if patterns.is_empty() {
        "by header".to_string()
    } else {
        patterns.join(", ")
    };
    let role = match spec.role {
        Role::Leads => "",
        Role::Reference => "reference, ",
    };
    writeln!(
        out,
        "{:<10} {} [{role}{} columns, {} rules; files {claims}] from {}",
        spec.id,
        spec.name,
        spec.header.len(),
        spec.rules.len(),
        spec.origin
    )
}
