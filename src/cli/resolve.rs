//! `leadpipe resolve`: link what is not linked yet, rebuild every entity from scratch, or
//! retrain the model.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use leadpipe::resolve::Linked;
use leadpipe::resolve::config::ResolveConfig;
use leadpipe::stages::resolve::{Mode, link};
use leadpipe::store::{RunCommand, RunInfo, RunStatus, Store};

use super::exit::Exit;
use super::stdout;

/// Resolve leads into entities (providers), as a run of its own.
///
/// Every ingest already links the leads it brings or changes into the stored entities,
/// with the parameters stored when resolution first ran. Without an option, this links
/// the leads not linked as they are now (after an `undo`, say). `--rebuild` recomputes
/// every pair and cluster from scratch with the stored parameters: it gives the partition
/// the loads gave, each entity keeping the id of its oldest member's entity. `--retrain`
/// learns the parameters again from every lead (under --resolve-config if given), then
/// rebuilds. Labels (`leadpipe review`) always win over the model.
#[derive(Debug, Args)]
pub(crate) struct ResolveArgs {
    #[command(flatten)]
    pub db: super::DbArg,

    /// Recompute every pair and cluster from scratch, with the stored parameters.
    #[arg(long, conflicts_with = "retrain")]
    pub rebuild: bool,

    /// Train the parameters again on every lead, then rebuild.
    #[arg(long)]
    pub retrain: bool,

    #[command(flatten)]
    pub config: ResolveConfigArg,

    /// How long to wait, in seconds, for another run on the same database to finish.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub lock_timeout: u64,
}

/// The `--resolve-config` option, for the commands that may train the model.
#[derive(Debug, clap::Args)]
pub(crate) struct ResolveConfigArg {
    /// A TOML file whose `[resolve]` table overrides the defaults of resolution (blocking
    /// rules, term-frequency fields, threshold, veto weight; see the README). Used when the
    /// model is trained: by the first load, or by `leadpipe resolve --retrain`.
    #[arg(long = "resolve-config", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

impl ResolveConfigArg {
    /// Says so when the file was given but not used: the database's model was trained
    /// before, links go on with it, and only a retrain applies another configuration.
    pub(crate) fn warn_if_unused(&self, linked: &Linked) {
        // A model in force (it has a threshold) that this run did not train.
        if let Some(path) = &self.path
            && !linked.trained
            && linked.threshold.is_some()
        {
            let path = path.display();
            eprintln!(
                "warning: --resolve-config {path} was not used: this database's model was \
                 trained before and links with its own configuration; \
                 `leadpipe resolve --retrain --resolve-config {path}` trains it under the file"
            );
        }
    }

    /// The configuration: the file's `[resolve]`, or the defaults.
    pub(crate) fn load(&self) -> anyhow::Result<ResolveConfig> {
        let Some(path) = &self.path else {
            return Ok(ResolveConfig::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        ResolveConfig::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

pub(crate) fn run(args: ResolveArgs) -> anyhow::Result<ExitCode> {
    let config = args.config.load()?;
    let mode = match (args.rebuild, args.retrain) {
        (_, true) => Mode::Retrain,
        (true, _) => Mode::Rebuild,
        _ => Mode::Link,
    };
    let url = args.db.parse()?;
    let mut db = Store::open(&url, Duration::from_secs(args.lock_timeout))?;
    let run = RunInfo::new(RunCommand::Resolve);
    let linked = (|| {
        db.begin_run(&run)?;
        let linked = link(&mut db, &run.run_id, &config, mode)?;
        db.commit_run(&run, RunStatus::Completed)?;
        Ok::<_, leadpipe::store::StoreError>(linked)
    })()
    .with_context(|| format!("nothing was resolved; {url} is as it was"))?;
    args.config.warn_if_unused(&linked);
    stdout::print(|out| {
        write_linked(out, &linked)?;
        writeln!(out, "run {} into {url}", run.run_id)
    })?;
    Ok(match linked.leads {
        0 => Exit::NothingNew,
        _ => Exit::Success,
    }
    .into())
}

/// One line of what linking did.
pub(crate) fn write_linked(out: &mut impl Write, linked: &Linked) -> std::io::Result<()> {
    let threshold = linked.threshold.map_or_else(String::new, |t| {
        format!("; match threshold {:.3} ({})", t.probability, t.estimates())
    });
    writeln!(
        out,
        "entities: {} leads linked{} ({} clustered again, {} pairs compared): {} created, \
         {} grew, {} merged, {} split{threshold}; {:.2} s",
        linked.leads,
        if linked.trained {
            ", model trained on them"
        } else {
            ""
        },
        linked.scope,
        linked.pairs,
        linked.created,
        linked.grew,
        linked.merged,
        linked.split,
        linked.seconds,
    )
}
