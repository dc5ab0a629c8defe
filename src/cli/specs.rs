//! `leadpipe specs`: list and check the source specs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use leadpipe::spec::Specs;

/// List the source specs in use (built-in, plus --specs), after checking them.
///
/// A spec with an error (an unknown key, a column not in its header, a lead column of the
/// wrong type) is reported with its file, and the exit status is 2.
#[derive(Debug, Args)]
pub struct SpecsArgs {
    /// A folder of extra source specs (`*.toml`) to check and list.
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,
}

pub fn run(args: SpecsArgs) -> anyhow::Result<ExitCode> {
    let specs = Specs::load(args.specs.as_deref())?;
    for spec in specs.iter() {
        let patterns: Vec<String> = spec
            .name_patterns
            .iter()
            .map(|p| p.as_str().to_string())
            .collect();
        println!(
            "{:<10} {} [{} columns, {} rules; files {}] from {}",
            spec.id,
            spec.name,
            spec.header.len(),
            spec.rules.len(),
            if patterns.is_empty() {
                "by header".to_string()
            } else {
                patterns.join(", ")
            },
            spec.origin
        );
    }
    Ok(ExitCode::SUCCESS)
}
