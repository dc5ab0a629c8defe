//! Notes after a file's last record (a total, a disclaimer), which its spec says to skip.

use std::collections::VecDeque;
use std::io;

use super::{Record, RecordSource};

/// The records of `inner` but its last `count`: each record is passed on once `count` more
/// have been read after it.
pub(crate) struct WithoutFootnotes {
    inner: Box<dyn RecordSource>,
    count: usize,
    ahead: VecDeque<Record>,
}

impl WithoutFootnotes {
    pub(crate) fn new(inner: Box<dyn RecordSource>, count: usize) -> WithoutFootnotes {
        WithoutFootnotes {
            inner,
            count,
            ahead: VecDeque::with_capacity(count + 1),
        }
    }
}

impl RecordSource for WithoutFootnotes {
    fn header(&self) -> &[String] {
        self.inner.header()
    }

    fn next_record(&mut self) -> io::Result<Option<Record>> {
        while self.ahead.len() <= self.count {
            match self.inner.next_record()? {
                Some(record) => self.ahead.push_back(record),
                None => return Ok(None),
            }
        }
        Ok(self.ahead.pop_front())
    }

    fn bytes_read(&self) -> u64 {
        self.inner.bytes_read()
    }

    fn encoding(&self) -> String {
        self.inner.encoding()
    }
}
