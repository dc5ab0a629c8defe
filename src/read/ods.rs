//! The extents of an OpenDocument spreadsheet's sheets, read from its content before
//! calamine reads it: calamine builds every sheet of an .ods, cell by cell, as it opens one,
//! so a sheet that repeats a value over a million rows must be refused before that.

use std::io::{BufReader, Cursor};

use quick_xml::events::{BytesStart, Event};

use super::excel::{Kind, WorkbookError, check_extent};

/// Refuses a spreadsheet any of whose sheets spans more cells than a sheet may (see
/// [`check_extent`]), from A1 to its last value, repeated rows and columns counted; empty
/// cells, however many are repeated (LibreOffice writes a sheet's unused rows so), do not
/// count.
pub(super) fn check_extents(bytes: &[u8]) -> Result<(), WorkbookError> {
    let unreadable = |message: String| WorkbookError::Unreadable {
        kind: Kind::Ods,
        message,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let content = archive
        .by_name("content.xml")
        .map_err(|e| unreadable(format!("content.xml: {e}")))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet = Extent::default();
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(format!("content.xml: {e}")))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => match e.name().as_ref() {
                "table:table" => sheet = Extent::of(attribute(e, "table:name")),
                "table:table-row" => {
                    sheet.start_row(repeats(e, "table:number-rows-repeated"));
                    if matches!(event, Event::Empty(_)) {
                        sheet.end_row()?;
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let has_value = attribute(e, "office:value-type").is_some();
                    sheet.cell(repeats(e, "table:number-columns-repeated"), has_value);
                }
                _ => {}
            },
            Event::End(ref e) if e.name().as_ref() == "table:table-row" => sheet.end_row()?,
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// An attribute's value.
fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    let attribute = element.try_get_attribute(name).ok()??;
    Some(attribute.value.into_owned())
}

/// How many times a row or cell repeats (1 when it does not say).
fn repeats(element: &BytesStart<'_>, name: &str) -> u64 {
    attribute(element, name)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// One sheet's extent so far, in rows and columns from A1 to its last value.
#[derive(Default)]
struct Extent {
    name: String,
    /// Rows before the current one, repeats counted.
    rows_before: u64,
    /// How many times the current row repeats.
    repeats: u64,
    /// Columns before the current cell, repeats counted.
    column: u64,
    row_has_value: bool,
    rows: u64,
    columns: u64,
}

impl Extent {
    fn of(name: Option<String>) -> Extent {
        Extent {
            name: name.unwrap_or_default(),
            ..Extent::default()
        }
    }

    fn start_row(&mut self, repeats: u64) {
        self.repeats = repeats;
        self.column = 0;
        self.row_has_value = false;
    }

    fn cell(&mut self, repeats: u64, has_value: bool) {
        self.column = self.column.saturating_add(repeats);
        if has_value {
            self.columns = self.columns.max(self.column);
            self.row_has_value = true;
        }
    }

    fn end_row(&mut self) -> Result<(), WorkbookError> {
        self.rows_before = self.rows_before.saturating_add(self.repeats);
        if !self.row_has_value {
            return Ok(());
        }
        self.rows = self.rows_before;
        let last = |count: u64| u32::try_from(count - 1).unwrap_or(u32::MAX);
        check_extent(&self.name, (last(self.rows), last(self.columns)))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A spreadsheet package of one sheet whose rows are `rows`.
    fn package(rows: &str) -> Vec<u8> {
        let content = format!(
            "<office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"Data\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    const VALUE: &str =
        "<table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell>";

    #[test]
    fn a_sheet_is_measured_to_its_last_value_repeats_counted() {
        // A header, then LibreOffice's unused rows: a million, with empty cells only.
        let sound = format!(
            "<table:table-row>{VALUE}{VALUE}</table:table-row>\
             <table:table-row table:number-rows-repeated=\"1048575\">\
             <table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>"
        );
        assert!(check_extents(&package(&sound)).is_ok());
        let repeated_value = format!(
            "<table:table-row>{VALUE}</table:table-row>\
             <table:table-row table:number-rows-repeated=\"1000000\">\
             <table:table-cell table:number-columns-repeated=\"99\"/>{VALUE}</table:table-row>"
        );
        let error = check_extents(&package(&repeated_value)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "sheet `Data` spans A1:CV1000001 (1000001 rows × 100 columns), more than the \
             10000000 cells leadpipe reads of a sheet"
        );
    }
}
