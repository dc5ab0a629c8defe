//! The `leadpipe` command.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Records are allocated on one thread and freed on another; mimalloc frees across threads
/// without the arena locking and consolidation that the system allocator spends a
/// worker's time on. It is built without transparent huge pages (`no_thp`): resolution
/// allocates and frees chunks of leads by the megabyte, and each huge page the kernel
/// hands back again is zeroed whole, which was much of linking's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", cli::printable::printable(&format!("{err:#}")));
            cli::exit::Exit::Impossible.into()
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let args = cli::Args::parse();
    cli::init_logging(args.verbose);
    match args.command {
        cli::Command::Check(check) => cli::check::run(check),
        cli::Command::Explain(explain) => cli::explain::run(explain),
        cli::Command::Export(export) => cli::export::run(export),
        cli::Command::Infer(infer) => cli::infer::run(infer),
        cli::Command::Ingest(ingest) => cli::ingest::run(ingest),
        cli::Command::Migrate(migrate) => cli::migrate::run(migrate),
        cli::Command::Specs(specs) => cli::specs::run(specs),
        cli::Command::Undo(undo) => cli::undo::run(undo),
        cli::Command::Records(records) => cli::records::run(records),
        cli::Command::Report(report) => cli::report::run(report),
        cli::Command::Resolve(resolve) => cli::resolve::run(resolve),
        cli::Command::Review(review) => cli::review::run(review),
        cli::Command::Verify(verify) => cli::verify::run(verify),
    }
}
