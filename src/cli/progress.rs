//! A progress bar over the bytes of the input files, shown only on a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressDrawTarget, ProgressStyle};

use leadpipe::pipeline::Progress;
use leadpipe::read::input::InputFile;

pub(crate) struct ProgressBar(indicatif::ProgressBar);

impl ProgressBar {
    /// A bar sized to the files' total bytes; hidden unless stdout and stderr are terminals.
    pub(crate) fn for_files(files: &[InputFile]) -> ProgressBar {
        let total = files.iter().map(InputFile::size).sum();
        let bar = indicatif::ProgressBar::new(total);
        if std::io::stdout().is_terminal() && std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {wide_msg}",
                )
                .expect("valid template"),
            );
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        ProgressBar(bar)
    }

    pub(crate) fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for ProgressBar {
    fn file_started(&self, path: &str, _size: u64) {
        self.0.set_message(path.to_string());
    }

    fn advanced(&self, bytes: u64) {
        self.0.inc(bytes);
    }
}
