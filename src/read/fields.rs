//! Splits one record's text into fields, with the `csv-core` parser, and holds a record's
//! decoded fields.

use std::ops::Index;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::dialect::Dialect;

/// One record's decoded field values, kept in one buffer: two allocations per record
/// however many columns the file has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    text: String,
    ends: Vec<usize>,
}

impl Fields {
    /// Empty fields with room for `bytes` of text.
    pub fn with_capacity(bytes: usize) -> Fields {
        Fields {
            text: String::with_capacity(bytes),
            ends: Vec::new(),
        }
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The bytes of all the values together.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The values, in column order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.len()).map(|i| &self[i])
    }

    /// The buffer the next field is written to; [`Fields::end_field`] closes it.
    pub(super) fn text_mut(&mut self) -> &mut String {
        &mut self.text
    }

    /// Closes the field written since the last one.
    pub(super) fn end_field(&mut self) {
        self.ends.push(self.text.len());
    }

    /// Keeps the first `len` fields.
    pub fn truncate(&mut self, len: usize) {
        if len < self.len() {
            self.text.truncate(self.start(len));
            self.ends.truncate(len);
        }
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.ends[i - 1] }
    }
}

impl Index<usize> for Fields {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        &self.text[self.start(i)..self.ends[i]]
    }
}

impl<'a> FromIterator<&'a str> for Fields {
    fn from_iter<I: IntoIterator<Item = &'a str>>(values: I) -> Fields {
        let mut fields = Fields::default();
        for value in values {
            fields.text.push_str(value);
            fields.end_field();
        }
        fields
    }
}

/// Reusable field splitter; its buffers grow to the largest record seen.
pub(crate) struct FieldSplitter {
    parser: Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
}

impl FieldSplitter {
    pub(crate) fn new(dialect: &Dialect) -> FieldSplitter {
        let parser = ReaderBuilder::new()
            .delimiter(dialect.delimiter.byte())
            .quote(dialect.quote.unwrap_or(b'"'))
            .quoting(dialect.quote.is_some())
            .escape(dialect.escape)
            .build();
        FieldSplitter {
            parser,
            output: vec![0; 1024],
            ends: vec![0; 64],
            fields: 0,
        }
    }

    /// Splits a record (its text without the line break); the fields are then read with
    /// [`FieldSplitter::fields`]. Returns false when the text is not exactly one record (a
    /// quote left open, or a line break outside quotes); the framer never passes such text.
    pub(crate) fn split(&mut self, record: &[u8]) -> bool {
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

    /// The fields of the last record split, as text when all of them are UTF-8 without
    /// NUL bytes, as nearly every record is: one check and one copy for the whole record.
    pub(crate) fn plain_text_fields(&self) -> Option<Fields> {
        let len = self.fields.checked_sub(1).map_or(0, |last| self.ends[last]);
        let text = std::str::from_utf8(&self.output[..len]).ok()?;
        let ends = &self.ends[..self.fields];
        let whole_chars = ends.iter().all(|&end| text.is_char_boundary(end));
        (whole_chars && memchr::memchr(0, text.as_bytes()).is_none()).then(|| Fields {
            text: text.to_string(),
            ends: ends.to_vec(),
        })
    }

    /// The fields of the last record split.
    pub(crate) fn fields(&self) -> impl ExactSizeIterator<Item = &[u8]> {
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
        let mut splitter = FieldSplitter::new(&Dialect::default());
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
        let mut splitter = FieldSplitter::new(&Dialect::default());
        assert!(splitter.split(long.as_bytes()));
        assert_eq!(splitter.fields().next().unwrap().len(), 5000);
        assert!(splitter.split(many.as_bytes()));
        assert_eq!(splitter.fields().len(), 200);
        assert!(splitter.split(b"a;b"));
        assert_eq!(splitter.fields().len(), 1);
    }

    #[test]
    fn text_that_is_not_one_whole_record_is_refused_and_the_next_one_is_fine() {
        let mut splitter = FieldSplitter::new(&Dialect::default());
        assert!(!splitter.split(b"a,\"open"));
        assert!(!splitter.split(b"a,b\nc,d"));
        assert!(splitter.split(b"x,y"));
        assert_eq!(splitter.fields().collect::<Vec<_>>(), [b"x", b"y"]);
    }

    #[test]
    fn plain_text_fields_are_read_whole_and_others_left_to_decoding() {
        let mut splitter = FieldSplitter::new(&Dialect::default());
        assert!(splitter.split("Café,\"a,b\",".as_bytes()));
        let fields = splitter.plain_text_fields().unwrap();
        assert_eq!(fields.iter().collect::<Vec<_>>(), ["Café", "a,b", ""]);
        assert!(splitter.split(b"ANGEL\x92S,x"));
        assert_eq!(splitter.plain_text_fields(), None);
        assert!(splitter.split(b"A\0B,x"));
        assert_eq!(splitter.plain_text_fields(), None);
    }

    #[test]
    fn fields_share_one_buffer_and_truncate() {
        let mut fields: Fields = ["a", "", "bc", "d"].into_iter().collect();
        assert_eq!(fields.len(), 4);
        assert_eq!(fields.iter().collect::<Vec<_>>(), ["a", "", "bc", "d"]);
        assert_eq!(&fields[2], "bc");
        fields.truncate(2);
        assert_eq!(fields.iter().collect::<Vec<_>>(), ["a", ""]);
        fields.truncate(0);
        assert!(fields.is_empty());
        assert_eq!(fields, Fields::default());
    }

    #[test]
    fn honours_the_delimiter() {
        let semicolon = Dialect {
            delimiter: crate::read::dialect::Delimiter::One(b';'),
            ..Dialect::default()
        };
        let mut splitter = FieldSplitter::new(&semicolon);
        assert!(splitter.split(b"a;b"));
        assert_eq!(splitter.fields().len(), 2);
        let escaped = Dialect {
            quote: Some(b'\''),
            escape: Some(b'\\'),
            ..Dialect::default()
        };
        let mut splitter = FieldSplitter::new(&escaped);
        assert!(splitter.split(br"'it\'s, ok',\x"));
        let fields: Vec<_> = splitter.fields().collect();
        assert_eq!(fields, [&b"it's, ok"[..], b"\\x"]);
    }
}
