//! Workbooks (.xlsx, .xls, .ods), read with calamine: one sheet's rows as records, each
//! cell's typed value written as the text a CSV export would hold (see [`super::cell`]).
//!
//! calamine reads a workbook from memory (its formats need to seek), so the file is read
//! whole, up to [`MAX_WORKBOOK_BYTES`]; a sheet's rows are read whole too, their cells as
//! text, up to [`MAX_SHEET_CELLS`] from A1 to the last cell used.

use std::io::{self, Cursor, Read};
use std::num::NonZeroUsize;

use calamine::{DataRef, Ods, Reader, Xls, Xlsx};

use super::cell::{as_ref, write_cell};
use super::dialect::{Layout, join_header_row};
use super::fields::Fields;
use super::{Record, RecordSource, width_defect};
use crate::spec::Spec;

/// The largest workbook read: calamine holds a workbook in memory, and an agency's list,
/// compressed as .xlsx is, takes a few megabytes.
pub(crate) const MAX_WORKBOOK_BYTES: u64 = 256 << 20;

/// The most cells a sheet may span, from A1 to its last used row and column (1,048,576 rows
/// of 9 columns, or 250,000 records of 40): far more than any agency's list, and few enough
/// that a sheet claiming a cell at XFD1048576 is refused before its cells are read.
pub(crate) const MAX_SHEET_CELLS: u64 = 10_000_000;

/// How many rows of each sheet are read to claim a workbook by its header (as
/// [`super::file_start`] reads 64 KiB of a text file).
const START_ROWS: usize = 64;

/// Which sheet of a workbook holds the records: `[format] sheet`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SheetChoice {
    /// The sheet of this name, as its tab shows it.
    Named(String),
    /// The sheet at this position in the workbook, counting from 1 as its tabs do, hidden
    /// sheets included.
    Position(NonZeroUsize),
}

/// The kinds of workbook read, told by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Xlsx,
    Xls,
    Ods,
}

/// How many of a file's first bytes [`Kind::of`] needs.
pub(crate) const SIGNATURE_BYTES: u64 = 128;

impl Kind {
    /// The kind of workbook a file's first bytes begin, or `None` for any other file: a zip
    /// archive is an .xlsx, unless its first entry names the OpenDocument spreadsheet type
    /// (which the OpenDocument format requires of an .ods); an OLE compound file is an .xls.
    pub(crate) fn of(start: &[u8]) -> Option<Kind> {
        const ZIP: &[u8] = b"PK\x03\x04";
        const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
        // The first entry's name and contents, stored, after a 30-byte entry header.
        const ODS: &[u8] = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
        if start.starts_with(OLE) {
            Some(Kind::Xls)
        } else if start.starts_with(ZIP) {
            let ods = start.get(30..).is_some_and(|entry| entry.starts_with(ODS));
            Some(if ods { Kind::Ods } else { Kind::Xlsx })
        } else {
            None
        }
    }

    /// What the run's account says the file was read as.
    fn name(self) -> &'static str {
        match self {
            Kind::Xlsx => "xlsx",
            Kind::Xls => "xls",
            Kind::Ods => "ods",
        }
    }
}

/// Why a workbook cannot be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WorkbookError {
    #[error("the workbook is larger than {} MiB, more than leadpipe reads", MAX_WORKBOOK_BYTES >> 20)]
    TooLarge,
    #[error("cannot read the file as an {}: {message}", kind.name())]
    Unreadable { kind: Kind, message: String },
    #[error("the workbook has no sheets")]
    NoSheets,
    #[error("the workbook has no sheet named `{name}` (`format.sheet`); its sheets are {sheets}")]
    NoSuchSheet { name: String, sheets: String },
    #[error("`format.sheet = {position}`, but the workbook has {count} sheet(s): {sheets}")]
    NoSuchPosition {
        position: usize,
        count: usize,
        sheets: String,
    },
    #[error(
        "sheet `{sheet}` spans A1:{end} ({rows} rows × {columns} columns), more than the \
         {MAX_SHEET_CELLS} cells leadpipe reads of a sheet"
    )]
    TooManyCells {
        sheet: String,
        end: String,
        rows: u64,
        columns: u64,
    },
    #[error("sheet `{sheet}`: cell {cell} comes after cells below it or to its right")]
    OutOfOrder { sheet: String, cell: String },
    #[error("sheet `{sheet}` has no header: {problem}")]
    NoHeader { sheet: String, problem: String },
}

impl From<WorkbookError> for io::Error {
    fn from(error: WorkbookError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, error)
    }
}

/// A workbook's bytes: `start`, already read, then the rest of `input`, up to
/// [`MAX_WORKBOOK_BYTES`] (beyond them an error of kind `InvalidData`).
pub(crate) fn read_whole(start: Vec<u8>, input: impl Read) -> io::Result<Vec<u8>> {
    let mut bytes = start;
    let room = (MAX_WORKBOOK_BYTES + 1).saturating_sub(bytes.len() as u64);
    input.take(room).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Err(WorkbookError::TooLarge.into());
    }
    Ok(bytes)
}

/// One row of a sheet that holds a value, its cells as text from column A to its last
/// value (a cell without a value is an empty field).
#[derive(Debug)]
pub(crate) struct Row {
    /// The row's number, as the sheet shows it (from 1).
    number: u64,
    fields: Fields,
}

/// An open workbook, in memory.
struct Workbook {
    kind: Kind,
    book: Book,
    /// Its sheets' names, in the workbook's order.
    sheets: Vec<String>,
}

enum Book {
    Xlsx(Xlsx<Cursor<Vec<u8>>>),
    Xls(Xls<Cursor<Vec<u8>>>),
    Ods(Ods<Cursor<Vec<u8>>>),
}

impl Workbook {
    fn open(bytes: Vec<u8>, kind: Kind) -> Result<Workbook, WorkbookError> {
        let unreadable = |message: String| WorkbookError::Unreadable { kind, message };
        let bytes = Cursor::new(bytes);
        let book = match kind {
            Kind::Xlsx => Book::Xlsx(Xlsx::new(bytes).map_err(|e| unreadable(e.to_string()))?),
            Kind::Xls => Book::Xls(Xls::new(bytes).map_err(|e| unreadable(e.to_string()))?),
            Kind::Ods => {
                super::ods::check_extents(bytes.get_ref())?;
                Book::Ods(Ods::new(bytes).map_err(|e| unreadable(e.to_string()))?)
            }
        };
        let sheets = match &book {
            Book::Xlsx(book) => book.sheet_names(),
            Book::Xls(book) => book.sheet_names(),
            Book::Ods(book) => book.sheet_names(),
        };
        Ok(Workbook { kind, book, sheets })
    }

    /// The first `limit` rows of a sheet that hold a value. An .xlsx sheet is streamed, and
    /// its declared dimensions checked before any cell is read; calamine reads an .xls or
    /// .ods whole when it opens it (an .ods's extents are checked before, see
    /// [`super::ods`]), and a sheet's extent is checked before its rows are.
    fn rows(&mut self, sheet: &str, limit: usize) -> Result<Vec<Row>, WorkbookError> {
        let kind = self.kind;
        let unreadable = |message: String| WorkbookError::Unreadable { kind, message };
        let mut rows = SheetRows::new(sheet, limit);
        let range = match &mut self.book {
            Book::Xlsx(book) => {
                let mut cells = book
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| unreadable(e.to_string()))?;
                check_extent(sheet, cells.dimensions().end)?;
                while let Some(cell) = cells.next_cell().map_err(|e| unreadable(e.to_string()))? {
                    if !rows.add(cell.get_position(), cell.get_value())? {
                        break;
                    }
                }
                return Ok(rows.finish());
            }
            Book::Xls(book) => book
                .worksheet_range(sheet)
                .map_err(|e| unreadable(e.to_string()))?,
            Book::Ods(book) => book
                .worksheet_range(sheet)
                .map_err(|e| unreadable(e.to_string()))?,
        };
        let (Some(start), Some(end)) = (range.start(), range.end()) else {
            return Ok(Vec::new());
        };
        check_extent(sheet, end)?;
        'rows: for (row, values) in (start.0..).zip(range.rows()) {
            for (column, value) in (start.1..).zip(values) {
                if !rows.add((row, column), &as_ref(value))? {
                    break 'rows;
                }
            }
        }
        Ok(rows.finish())
    }

    /// The sheet a spec reads: the one it names, or else the first whose header it accepts,
    /// or else the first.
    fn choose(&mut self, spec: &Spec) -> Result<String, WorkbookError> {
        if let Some(choice) = &spec.sheet {
            return self.named(choice).map(str::to_string);
        }
        let starts = SheetStarts::read(self);
        let accepted = starts
            .headers(spec)
            .find(|(_, header)| crate::spec::header::matches(spec, header))
            .map(|(sheet, _)| sheet.to_string());
        accepted
            .or_else(|| self.sheets.first().cloned())
            .ok_or(WorkbookError::NoSheets)
    }

    /// The sheet `choice` names.
    fn named(&self, choice: &SheetChoice) -> Result<&str, WorkbookError> {
        let listed = || {
            let names: Vec<String> = self.sheets.iter().map(|s| format!("`{s}`")).collect();
            names.join(", ")
        };
        match choice {
            SheetChoice::Named(name) => self
                .sheets
                .iter()
                .find(|sheet| *sheet == name)
                .map(String::as_str)
                .ok_or_else(|| WorkbookError::NoSuchSheet {
                    name: name.clone(),
                    sheets: listed(),
                }),
            SheetChoice::Position(position) => self
                .sheets
                .get(position.get() - 1)
                .map(String::as_str)
                .ok_or_else(|| WorkbookError::NoSuchPosition {
                    position: position.get(),
                    count: self.sheets.len(),
                    sheets: listed(),
                }),
        }
    }
}

/// Refuses a sheet whose extent, from A1 to `end` (its last row and column, from 0), holds
/// more than [`MAX_SHEET_CELLS`].
pub(super) fn check_extent(sheet: &str, end: (u32, u32)) -> Result<(), WorkbookError> {
    let (rows, columns) = (u64::from(end.0) + 1, u64::from(end.1) + 1);
    if rows * columns <= MAX_SHEET_CELLS {
        return Ok(());
    }
    Err(WorkbookError::TooManyCells {
        sheet: sheet.to_string(),
        end: format!("{}{rows}", column_name(end.1)),
        rows,
        columns,
    })
}

/// A column's letters (`A`, `Z`, `AA`, `XFD`), from its index (from 0).
fn column_name(index: u32) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// A sheet's rows, gathered from its cells in the order the sheet holds them (row by row,
/// each from left to right).
struct SheetRows<'a> {
    sheet: &'a str,
    limit: usize,
    rows: Vec<Row>,
    current: Option<Row>,
    /// The last row and column (from 0) of a value so far.
    end: (u32, u32),
    text: String,
}

impl<'a> SheetRows<'a> {
    fn new(sheet: &'a str, limit: usize) -> SheetRows<'a> {
        SheetRows {
            sheet,
            limit,
            rows: Vec::new(),
            current: None,
            end: (0, 0),
            text: String::new(),
        }
    }

    /// Adds a cell at `(row, column)` (from 0); `false` once `limit` rows are read.
    fn add(
        &mut self,
        (row, column): (u32, u32),
        value: &DataRef<'_>,
    ) -> Result<bool, WorkbookError> {
        self.text.clear();
        write_cell(value, &mut self.text);
        if self.text.is_empty() {
            return Ok(true);
        }
        self.end = (self.end.0.max(row), self.end.1.max(column));
        check_extent(self.sheet, self.end)?;
        let number = u64::from(row) + 1;
        let out_of_order = || WorkbookError::OutOfOrder {
            sheet: self.sheet.to_string(),
            cell: format!("{}{number}", column_name(column)),
        };
        if let Some(current) = &self.current
            && current.number != number
        {
            if current.number > number {
                return Err(out_of_order());
            }
            self.rows.extend(self.current.take());
            if self.rows.len() >= self.limit {
                return Ok(false);
            }
        }
        let current = self.current.get_or_insert_with(|| Row {
            number,
            fields: Fields::default(),
        });
        if current.fields.len() > column as usize {
            return Err(out_of_order());
        }
        while current.fields.len() < column as usize {
            current.fields.end_field();
        }
        current.fields.text_mut().push_str(&self.text);
        current.fields.end_field();
        Ok(true)
    }

    fn finish(mut self) -> Vec<Row> {
        if self.rows.len() < self.limit {
            self.rows.extend(self.current.take());
        }
        self.rows
    }
}

/// The header of a sheet's rows as `layout` places it (`names` are the columns of a sheet
/// without one), and the index of the first row after it.
fn read_header(
    rows: &[Row],
    layout: &Layout,
    names: &[String],
) -> Result<(Vec<String>, usize), String> {
    let first = rows.partition_point(|row| row.number <= layout.preamble_lines as u64);
    let after = first + layout.header_rows;
    if layout.header_rows == 0 {
        return Ok((names.to_vec(), first));
    }
    let Some(header_rows) = rows.get(first..after) else {
        return Err(match rows.len() - first {
            0 => "the sheet is empty".to_string(),
            _ => format!(
                "the sheet ends within its {}-row header",
                layout.header_rows
            ),
        });
    };
    let mut header = Vec::new();
    for row in header_rows {
        join_header_row(&mut header, row.fields.iter());
    }
    Ok((header, after))
}

/// The first rows of each sheet of a workbook: enough to read its header as any spec
/// would, to claim the file.
#[derive(Debug, Default)]
pub(crate) struct SheetStarts {
    sheets: Vec<(String, Vec<Row>)>,
}

impl SheetStarts {
    /// The first rows of each sheet of a workbook's bytes; none of a workbook that cannot
    /// be read (it then cannot be claimed by its header, and reading it tells why).
    pub(crate) fn of(bytes: Vec<u8>, kind: Kind) -> SheetStarts {
        match Workbook::open(bytes, kind) {
            Ok(mut book) => SheetStarts::read(&mut book),
            Err(error) => {
                tracing::debug!("a workbook that cannot be claimed by its header: {error}");
                SheetStarts::default()
            }
        }
    }

    /// The first rows of each sheet that can be read.
    fn read(book: &mut Workbook) -> SheetStarts {
        let names = book.sheets.clone();
        let sheets = names
            .into_iter()
            .filter_map(|sheet| {
                let rows = book.rows(&sheet, START_ROWS).ok()?;
                Some((sheet, rows))
            })
            .collect();
        SheetStarts { sheets }
    }

    /// Each sheet `spec` would read, with its header as the spec reads it: the sheet the
    /// spec names, or any.
    pub(crate) fn headers<'a>(
        &'a self,
        spec: &'a Spec,
    ) -> impl Iterator<Item = (&'a str, Vec<String>)> + 'a {
        self.sheets
            .iter()
            .enumerate()
            .filter(|(i, (name, _))| match &spec.sheet {
                None => true,
                Some(SheetChoice::Named(named)) => name == named,
                Some(SheetChoice::Position(position)) => i + 1 == position.get(),
            })
            .filter_map(|(_, (name, rows))| {
                let (header, _) = read_header(rows, &spec.layout, &spec.header).ok()?;
                Some((name.as_str(), header))
            })
    }
}

/// Reads the records of one sheet of a workbook, after its header.
pub(crate) struct ExcelReader {
    header: Vec<String>,
    rows: std::vec::IntoIter<Row>,
    kind: Kind,
    /// The workbook's size, shared out over its records for progress.
    size: u64,
    records: u64,
    read: u64,
}

impl ExcelReader {
    /// Opens a workbook's bytes on the sheet `spec` reads, and reads its header.
    pub(crate) fn open(
        bytes: Vec<u8>,
        kind: Kind,
        spec: &Spec,
    ) -> Result<ExcelReader, WorkbookError> {
        let size = bytes.len() as u64;
        let mut book = Workbook::open(bytes, kind)?;
        let sheet = book.choose(spec)?;
        let mut rows = book.rows(&sheet, usize::MAX)?;
        let (header, first) = read_header(&rows, &spec.layout, &spec.header)
            .map_err(|problem| WorkbookError::NoHeader { sheet, problem })?;
        rows.drain(..first);
        Ok(ExcelReader {
            header,
            records: rows.len() as u64,
            rows: rows.into_iter(),
            kind,
            size,
            read: 0,
        })
    }
}

impl RecordSource for ExcelReader {
    fn header(&self) -> &[String] {
        &self.header
    }

    /// The next row, its cells as read; a value past the header's columns is a defect, as
    /// in a CSV file, and cells left empty at the end of a row are empty fields.
    fn next_record(&mut self) -> io::Result<Option<Record>> {
        let Some(Row { number, mut fields }) = self.rows.next() else {
            return Ok(None);
        };
        self.read += 1;
        let bytes = csv_line(&fields);
        while fields.len() < self.header.len() {
            fields.end_field();
        }
        let defect = width_defect(&mut fields, self.header.len());
        Ok(Some(Record {
            line: number,
            bytes,
            lines: 1,
            fields,
            defect,
            stray_quotes: false,
        }))
    }

    /// The workbook's bytes in the share of its records read.
    fn bytes_read(&self) -> u64 {
        let share = u128::from(self.size) * u128::from(self.read) / u128::from(self.records.max(1));
        share as u64
    }

    /// `xlsx`, `xls` or `ods`.
    fn encoding(&self) -> String {
        self.kind.name().to_string()
    }
}

/// The first `limit` rows of a workbook's fullest sheet (the most cells among its first
/// rows: the list, not a sheet of notes) as CSV text, its cells as records read them, with
/// the sheet's name: for drafting a spec, which judges any file as CSV.
pub(crate) fn fullest_sheet_as_csv(
    bytes: Vec<u8>,
    kind: Kind,
    limit: usize,
) -> Result<(String, Vec<u8>), WorkbookError> {
    let mut book = Workbook::open(bytes, kind)?;
    let mut fullest: Option<(usize, String, Vec<Row>)> = None;
    for sheet in book.sheets.clone() {
        let rows = book.rows(&sheet, limit)?;
        let cells = rows.iter().map(|row| row.fields.len()).sum();
        if fullest.as_ref().is_none_or(|(most, ..)| cells > *most) {
            fullest = Some((cells, sheet, rows));
        }
    }
    let Some((_, sheet, rows)) = fullest else {
        return Err(WorkbookError::Unreadable {
            kind,
            message: "the workbook has no sheet".into(),
        });
    };
    let mut text = Vec::new();
    for row in rows {
        text.extend(csv_line(&row.fields));
        text.extend_from_slice(b"\r\n");
    }
    Ok((sheet, text))
}

/// A row's values as a CSV line, quoted where they need it: the record's text as a reject
/// shows it.
fn csv_line(fields: &Fields) -> Vec<u8> {
    let mut line = Vec::with_capacity(fields.text_len() + fields.len());
    for (i, value) in fields.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        if value.contains([',', '"', '\r', '\n']) {
            line.push(b'"');
            line.extend_from_slice(value.replace('"', "\"\"").as_bytes());
            line.push(b'"');
        } else {
            line.extend_from_slice(value.as_bytes());
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbooks_are_told_by_their_first_bytes() {
        let mut ods = b"PK\x03\x04".to_vec();
        ods.resize(30, 0);
        ods.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet");
        assert_eq!(Kind::of(&ods), Some(Kind::Ods));
        assert_eq!(Kind::of(b"PK\x03\x04\x14\x00\x00\x00"), Some(Kind::Xlsx));
        assert_eq!(
            Kind::of(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00"),
            Some(Kind::Xls)
        );
        assert_eq!(Kind::of(b"Name,License\r\n"), None);
        assert_eq!(Kind::of(b""), None);
    }

    #[test]
    fn a_corrupt_workbook_is_an_error_that_names_its_kind() {
        let mut xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        xls.resize(600, 0);
        let error = Workbook::open(xls, Kind::Xls).err().unwrap().to_string();
        assert!(
            error.starts_with("cannot read the file as an xls: "),
            "{error}"
        );
        let error = Workbook::open(b"PK\x03\x04 cut".to_vec(), Kind::Ods)
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.starts_with("cannot read the file as an ods: "),
            "{error}"
        );
    }

    #[test]
    fn a_workbook_past_the_bound_is_refused_before_it_is_parsed() {
        let endless = io::repeat(0).take(MAX_WORKBOOK_BYTES + 10);
        let error = read_whole(b"PK\x03\x04".to_vec(), endless).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            error.to_string(),
            "the workbook is larger than 256 MiB, more than leadpipe reads"
        );
    }

    #[test]
    fn a_sheet_past_the_cell_bound_is_refused_with_its_extent() {
        assert!(check_extent("Data", (999_999, 9)).is_ok());
        let error = check_extent("Data", (1_048_575, 16_383)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "sheet `Data` spans A1:XFD1048576 (1048576 rows × 16384 columns), more than the \
             10000000 cells leadpipe reads of a sheet"
        );
        // Found while streaming, whatever the sheet declared.
        let mut rows = SheetRows::new("Data", usize::MAX);
        assert!(rows.add((0, 0), &DataRef::Int(1)).unwrap());
        let far = rows.add((5_000_000, 2), &DataRef::Int(1)).unwrap_err();
        assert!(far.to_string().contains("spans A1:C5000001"), "{far}");
    }

    #[test]
    fn column_names_run_as_excel_names_them() {
        let names: Vec<String> = [0, 25, 26, 51, 52, 701, 702, 16_383]
            .into_iter()
            .map(column_name)
            .collect();
        assert_eq!(names, ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    }

    fn row(number: u64, values: &[&str]) -> Row {
        Row {
            number,
            fields: values.iter().copied().collect(),
        }
    }

    #[test]
    fn rows_are_gathered_from_cells_with_the_empty_ones_left_out() {
        let mut rows = SheetRows::new("Data", 2);
        let cells = [
            ((0, 1), DataRef::SharedString("b")),
            ((0, 3), DataRef::Float(4.0)),
            ((1, 0), DataRef::Empty),
            ((2, 0), DataRef::Bool(true)),
            ((3, 0), DataRef::SharedString("past the limit")),
        ];
        let more: Vec<bool> = cells
            .iter()
            .map(|(at, value)| rows.add(*at, value).unwrap())
            .collect();
        assert_eq!(more, [true, true, true, true, false]);
        let rows = rows.finish();
        let read: Vec<(u64, Vec<&str>)> = rows
            .iter()
            .map(|r| (r.number, r.fields.iter().collect()))
            .collect();
        assert_eq!(read, [(1, vec!["", "b", "", "4"]), (3, vec!["TRUE"])]);
    }

    #[test]
    fn the_header_is_read_after_the_preamble_over_its_rows() {
        let rows = [
            row(1, &["Providers"]),
            row(3, &["License", "Facility"]),
            row(4, &["No.", "Name", "Extra"]),
            row(5, &["1", "A"]),
        ];
        let layout = |preamble_lines, header_rows| Layout {
            preamble_lines,
            header_rows,
            footnote_lines: 0,
        };
        let names = ["x".to_string()];
        assert_eq!(
            read_header(&rows, &layout(2, 2), &names),
            Ok((
                vec!["License No.".into(), "Facility Name".into(), "Extra".into()],
                3
            ))
        );
        assert_eq!(
            read_header(&rows, &layout(4, 0), &names),
            Ok((vec!["x".into()], 3))
        );
        assert_eq!(
            read_header(&rows, &layout(4, 2), &names),
            Err("the sheet ends within its 2-row header".into())
        );
        assert_eq!(
            read_header(&rows, &layout(9, 1), &names),
            Err("the sheet is empty".into())
        );
    }

    #[test]
    fn a_row_is_shown_as_a_csv_line() {
        let fields: Fields = ["A, B", "say \"hi\"", "", "1"].into_iter().collect();
        assert_eq!(
            csv_line(&fields),
            b"\"A, B\",\"say \"\"hi\"\"\",,1".to_vec()
        );
    }
}
