//! Standard output of the subcommands, ended quietly when its reader goes away.

use std::io::{self, ErrorKind, StdoutLock, Write};

/// Writes a subcommand's output to a locked stdout, then flushes it.
///
/// A reader that has gone away (`leadpipe ingest … | head -1`) took what it wanted: a
/// broken pipe ends the output quietly, with nothing on stderr, and the subcommand's work
/// and exit status stand. SIGPIPE stays ignored, as Rust leaves it, so that a closed pipe
/// can never kill a run in the middle of a load. Any other write error is returned.
pub(crate) fn print(
    write: impl FnOnce(&mut StdoutLock<'static>) -> io::Result<()>,
) -> io::Result<()> {
    until_broken_pipe(io::stdout().lock(), write)
}

fn until_broken_pipe<W: Write>(
    mut out: W,
    write: impl FnOnce(&mut W) -> io::Result<()>,
) -> io::Result<()> {
    match write(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() == ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes `room` bytes, then fails every write and flush with `kind`.
    struct Closing {
        room: usize,
        kind: ErrorKind,
        taken: Vec<u8>,
    }

    impl Closing {
        fn new(room: usize, kind: ErrorKind) -> Closing {
            Closing {
                room,
                kind,
                taken: Vec::new(),
            }
        }
    }

    impl Write for Closing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.taken.len() + buf.len() > self.room {
                return Err(self.kind.into());
            }
            self.taken.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn two_lines(out: &mut &mut Closing) -> io::Result<()> {
        writeln!(out, "first")?;
        writeln!(out, "second")
    }

    #[test]
    fn a_broken_pipe_ends_the_output_quietly_after_what_was_taken() {
        let mut out = Closing::new(6, ErrorKind::BrokenPipe);
        assert!(until_broken_pipe(&mut out, two_lines).is_ok());
        assert_eq!(out.taken, b"first\n");
    }

    #[test]
    fn any_other_write_error_is_returned() {
        let mut out = Closing::new(6, ErrorKind::StorageFull);
        let err = until_broken_pipe(&mut out, two_lines).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::StorageFull);
    }

    #[test]
    fn output_that_fits_is_written_whole() {
        let mut out = Closing::new(100, ErrorKind::BrokenPipe);
        assert!(until_broken_pipe(&mut out, two_lines).is_ok());
        assert_eq!(out.taken, b"first\nsecond\n");
    }
}
