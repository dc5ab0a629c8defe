//! Snapshots made of the real files: a file under another date, or its first records.

use std::path::PathBuf;

use super::{Workdir, raw_dir};

/// The first `records` records of a real file, as published, under another date.
pub fn first_records(w: &Workdir, file: &str, records: usize, date: &str) -> PathBuf {
    let bytes = std::fs::read(raw_dir().join(file)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[..]);
    let mut record = csv::ByteRecord::new();
    let mut end = bytes.len();
    for seen in 0.. {
        assert!(
            reader.read_byte_record(&mut record).unwrap(),
            "{file} is short"
        );
        // The header, then `records` records: the next one starts where the copy ends.
        if seen == records + 1 {
            end = record.position().unwrap().byte() as usize;
            break;
        }
    }
    w.write(&renamed(file, date), &bytes[..end])
}

/// A real file's name (`07-07-2023 …`) under another date, in a folder of that date.
pub fn renamed(file: &str, date: &str) -> String {
    format!("{date}/{}", file.replace("07-07-2023", date))
}
