//! A file's columns read in another order: the spec's columns first, where a file that
//! holds them among others (`header_match = "subset"`) has them elsewhere.

use std::io;

use super::{Record, RecordSource};

/// The records of `inner` with their fields in `order` (positions in the file's header;
/// every column once), so that the spec's rules find their columns where its header has
/// them. A defective record is passed on as read: it is rejected, its text as published.
pub(crate) struct Reordered {
    inner: Box<dyn RecordSource>,
    order: Vec<usize>,
    header: Vec<String>,
}

impl Reordered {
    pub(crate) fn new(inner: Box<dyn RecordSource>, order: Vec<usize>) -> Reordered {
        let header = order.iter().map(|&i| inner.header()[i].clone()).collect();
        Reordered {
            inner,
            order,
            header,
        }
    }
}

impl RecordSource for Reordered {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next_record(&mut self) -> io::Result<Option<Record>> {
        let Some(mut record) = self.inner.next_record()? else {
            return Ok(None);
        };
        if record.defect.is_none() && record.fields.len() == self.order.len() {
            record.fields = self.order.iter().map(|&i| &record.fields[i]).collect();
        }
        Ok(Some(record))
    }

    fn bytes_read(&self) -> u64 {
        self.inner.bytes_read()
    }

    fn encoding(&self) -> String {
        self.inner.encoding()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spec;

    #[test]
    fn fields_come_in_the_order_given_and_defects_as_read() {
        let spec = Spec::parse(
            r#"
            id = "demo"
            name = "Demo"
            key = "license_number"
            header = ["A", "B", "C"]
            [[map]]
            from = "A"
            to = "license_number"
            "#,
            "demo.toml",
        )
        .unwrap();
        let text = "C,A,B\nc1,a1,b1\nc2,a2\n";
        let inner = super::super::open(text.as_bytes(), &spec).unwrap();
        let mut reader = Reordered::new(inner, vec![1, 2, 0]);
        assert_eq!(reader.header(), ["A", "B", "C"]);
        let first = reader.next_record().unwrap().unwrap();
        assert_eq!(first.fields.iter().collect::<Vec<_>>(), ["a1", "b1", "c1"]);
        let ragged = reader.next_record().unwrap().unwrap();
        assert!(ragged.defect.is_some());
        assert_eq!(ragged.raw_text(), "c2,a2");
        assert!(reader.next_record().unwrap().is_none());
    }
}
