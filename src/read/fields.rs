//! Splits one record's text into fields, with the `csv-core` parser.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

/// Reusable field splitter; its buffers grow to the largest record seen.
pub struct FieldSplitter {
    parser: Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
}

impl FieldSplitter {
    pub fn new(delimiter: u8) -> FieldSplitter {
        FieldSplitter {
            parser: ReaderBuilder::new().delimiter(delimiter).build(),
            output: vec![0; 1024],
            ends: vec![0; 64],
            fields: 0,
        }
    }

    /// Splits a record (its text without the line break); the fields are then read with
    /// [`FieldSplitter::fields`]. Returns false when the text is not exactly one record (a
    /// quote left open, or a line break outside quotes); the framer never passes such text.
    pub fn split(&mut self, record: &[u8]) -> bool {
        self.parser.reset();
        let (mut input, mut out_len, mut ends_len) = (record, 0, 0);
        let mut finishing = false;
        let whole = loop {
            let (result, read, written, ended) = self.parser.read_record(
                input,
                &mut self.output[out_len..],
                &mut self.ends[ends_len..],
            );
            input = &input[read..];
            // The parser writes field ends as offsets into the whole record's output.
            out_len += written;
            ends_len += ended;
            match result {
                ReadRecordResult::OutputFull => self.output.resize(self.output.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                // A line break ends the record, unless a quote is still open.
                ReadRecordResult::InputEmpty if !finishing => {
                    finishing = true;
                    input = b"\n";
                }
                ReadRecordResult::Record => break finishing && input.is_empty(),
                ReadRecordResult::InputEmpty | ReadRecordResult::End => break false,
            }
        };
        self.fields = ends_len;
        whole
    }

    /// The fields of the last record split.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        (0..self.fields).map(|i| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            &self.output[start..self.ends[i]]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(record: &str) -> Vec<String> {
        let mut splitter = FieldSplitter::new(b',');
        assert!(splitter.split(record.as_bytes()), "{record}");
        splitter
            .fields()
            .map(|f| String::from_utf8(f.to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn splits_plain_and_quoted_fields() {
        assert_eq!(split("a,\"b,c\",,d"), ["a", "b,c", "", "d"]);
        assert_eq!(split("\"Name\r\nTitle\",x"), ["Name\r\nTitle", "x"]);
    }

    #[test]
    fn unescapes_doubled_quotes() {
        assert_eq!(
            split(r#"1239246,,"K"" Street Learning Center LLC""""#),
            ["1239246", "", "K\" Street Learning Center LLC\""]
        );
    }

    #[test]
    fn grows_for_long_records_and_is_reusable() {
        let long = "x".repeat(5000);
        let many = vec!["f"; 200].join(",");
        let mut splitter = FieldSplitter::new(b',');
        assert!(splitter.split(long.as_bytes()));
        assert_eq!(splitter.fields().next().unwrap().len(), 5000);
        assert!(splitter.split(many.as_bytes()));
        assert_eq!(splitter.fields().len(), 200);
        assert!(splitter.split(b"a;b"));
        assert_eq!(splitter.fields().len(), 1);
    }

    #[test]
    fn text_that_is_not_one_whole_record_is_refused_and_the_next_one_is_fine() {
        let mut splitter = FieldSplitter::new(b',');
        assert!(!splitter.split(b"a,\"open"));
        assert!(!splitter.split(b"a,b\nc,d"));
        assert!(splitter.split(b"x,y"));
        assert_eq!(splitter.fields().collect::<Vec<_>>(), [b"x", b"y"]);
    }

    #[test]
    fn honours_the_delimiter() {
        let mut splitter = FieldSplitter::new(b';');
        assert!(splitter.split(b"a;b"));
        assert_eq!(splitter.fields().len(), 2);
    }
}
