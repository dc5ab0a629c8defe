//! Workbooks written by the tests with typed cells: the real Nevada file as an .xlsx, dates
//! as dates and phone numbers as numbers, on a second sheet after a note, loads the same
//! leads as the CSV original, field for field, whichever way its sheet is found; typed cells
//! read as the text a CSV export holds; a sheet that claims a far cell is refused.

mod util;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

use util::nevada::{self, original_leads};
use util::{Workdir, assert_exit, stderr, stdout};

/// A field of the published file as the reader decodes it: UTF-8, else Windows-1252.
fn decoded(field: &[u8]) -> String {
    match std::str::from_utf8(field) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(field).0.into_owned(),
    }
}

/// `11/30/2023` as a date.
fn us_date(text: &str) -> Option<ExcelDateTime> {
    let parts: Vec<u16> = text
        .split('/')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [month, day, year] = parts[..] else {
        return None;
    };
    ExcelDateTime::from_ymd(year, month as u8, day as u8).ok()
}

/// `346-393-9400` as the number a spreadsheet makes of it once its dashes are gone.
fn phone_number(text: &str) -> Option<f64> {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    let shaped = text.len() == 12 && digits.len() == 10;
    (shaped && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().unwrap())
}

/// Writes a row of the Nevada file into `sheet` as a spreadsheet types it: dates as dates
/// (shown `mm/dd/yyyy`), phone numbers as numbers, the rest as text; empty fields as no
/// cell at all.
fn write_typed(sheet: &mut Worksheet, row: u32, fields: &[Vec<u8>]) {
    let date = Format::new().set_num_format("mm/dd/yyyy");
    for (column, field) in (0..).zip(fields) {
        let text = decoded(field);
        if text.is_empty() {
            continue;
        }
        if let Some(day) = us_date(&text) {
            sheet.write_datetime_with_format(row, column, day, &date)
        } else if let Some(number) = phone_number(&text) {
            sheet.write_number(row, column, number)
        } else {
            sheet.write_string(row, column, text)
        }
        .unwrap();
    }
}

/// The real Nevada file as a workbook: a `Notes` sheet, then `Providers` with its header
/// and records, typed.
fn nevada_workbook() -> Vec<u8> {
    let (header, records) = nevada::records();
    let mut book = Workbook::new();
    let notes = book.add_worksheet().set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Licensed child care facilities, as of 07/07/2023")
        .unwrap();
    let sheet = book.add_worksheet().set_name("Providers").unwrap();
    for (row, fields) in (0..).zip(std::iter::once(&header).chain(&records)) {
        write_typed(sheet, row, fields);
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn nevada_as_a_typed_workbook_loads_like_the_original_whichever_way_its_sheet_is_found() {
    let book = nevada_workbook();
    // An issue quotes the value as published: a phone number the sheet holds as a number.
    let dashed = regex::Regex::new(r"`(\d{3})-(\d{3})-(\d{4})`").unwrap();
    let mut expected = original_leads();
    for (column, value) in expected.iter_mut().flatten() {
        if column == "issues" {
            *value = dashed.replace_all(value, "`$1$2$3`").into_owned();
        }
    }
    let name = "07-07-2023 Nevada re-export.xlsx";
    let spec = "extends = \"nevada\"\nid = \"nevada\"\n";
    // The first sheet whose header the spec accepts: the second.
    nevada::assert_same_leads(
        &nevada::load_as(spec, name, &book),
        &expected,
        "by its header",
    );
    let by_name = format!("{spec}[format]\nsheet = \"Providers\"\n");
    nevada::assert_same_leads(
        &nevada::load_as(&by_name, name, &book),
        &expected,
        "by name",
    );
    let by_position = format!("{spec}[format]\nsheet = 2\n");
    nevada::assert_same_leads(
        &nevada::load_as(&by_position, name, &book),
        &expected,
        "by position",
    );
}

#[test]
fn a_workbook_is_claimed_by_the_header_of_one_of_its_sheets() {
    let w = Workdir::new();
    let path = w.write("providers.xlsx", nevada_workbook());
    let output = w.ingest(&[&path]);
    assert_exit(&output, 0);
    let files: Vec<(String, String)> = w.pairs("SELECT source, encoding FROM source_files");
    assert_eq!(files, [("nevada".to_string(), "xlsx".to_string())]);
    let lines: i64 = w.query("SELECT min(source_line) FROM leads");
    assert_eq!(lines, 2, "a lead's line is its row on the sheet");
    let leads: i64 = w.query("SELECT count(*) FROM leads");
    assert_eq!(leads, 100);
}

#[test]
fn a_sheet_the_workbook_lacks_fails_the_file_naming_its_sheets() {
    let w = Workdir::new();
    w.write(
        "specs/nevada.toml",
        "extends = \"nevada\"\nid = \"nevada\"\n[format]\nsheet = \"Provider\"\n",
    );
    let path = w.write("07-07-2023 Nevada.xlsx", nevada_workbook());
    let output = w.ingest_with(&[&path], &["--specs", "specs"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains(
            "the workbook has no sheet named `Provider` (`format.sheet`); its sheets are \
             `Notes`, `Providers`"
        ),
        "{err}"
    );
}

/// A spec of one sheet's typed columns, read by `leadpipe records`.
const TYPED_SPEC: &str = r#"
id = "typed"
name = "Typed cells"
key = "license_number"
header = ["Name", "Capacity", "Zip", "Ratio", "Open", "Since", "Updated", "Opens"]
[[map]]
from = "Name"
to = "license_number"
"#;

#[test]
fn records_shows_typed_cells_as_the_text_of_a_csv_export() {
    let w = Workdir::new();
    w.write("specs/typed.toml", TYPED_SPEC);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "Name", "Capacity", "Zip", "Ratio", "Open", "Since", "Updated", "Opens",
    ];
    for (column, name) in (0..).zip(header) {
        sheet.write_string(0, column, name).unwrap();
    }
    let day = ExcelDateTime::from_ymd(2023, 7, 7).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let moment = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let time = Format::new().set_num_format("hh:mm");
    sheet.write_string(1, 0, "KID’S PLACE").unwrap();
    sheet.write_number(1, 1, 82.0).unwrap();
    sheet.write_number(1, 2, 73099.0).unwrap();
    sheet.write_number(1, 3, 1.5).unwrap();
    sheet.write_boolean(1, 4, true).unwrap();
    sheet.write_datetime_with_format(1, 5, &day, &date).unwrap();
    let opened = day.clone().and_hms(8, 30, 0).unwrap();
    sheet
        .write_datetime_with_format(1, 6, &opened, &moment)
        .unwrap();
    let opens = ExcelDateTime::from_hms(8, 30, 0).unwrap();
    sheet
        .write_datetime_with_format(1, 7, &opens, &time)
        .unwrap();
    // Row 3 is empty; row 4 has a value past the header's columns.
    sheet.write_string(3, 0, "B, \"Jr\"").unwrap();
    sheet.write_string(3, 9, "stray").unwrap();
    let path = w.write("typed.xlsx", book.save_to_buffer().unwrap());

    let output = w
        .command(&[
            "records",
            "typed.xlsx",
            "--specs",
            "specs",
            "--spec",
            "typed",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"line": 2, "defect": null, "fields": [
                "KID’S PLACE", "82", "73099", "1.5", "TRUE", "2023-07-07",
                "2023-07-07 08:30:00", "08:30:00"
            ]}),
            serde_json::json!({"line": 4, "defect": "too_many_fields", "fields": [
                "B, \"Jr\"", "", "", "", "", "", "", "", "", "stray"
            ]}),
        ]
    );
    assert_eq!(
        stderr(&output),
        format!(
            "line 4: too_many_fields: 10 fields where the header has 8; the extra ones are not empty\n\
             2 records read from {} as spec `typed` reads it (xlsx): 1 sound, 1 that ingest would reject (too_many_fields: 1)\n",
            path.file_name().unwrap().to_str().unwrap()
        )
    );
}

#[test]
fn a_sheet_that_claims_a_far_cell_is_refused_before_its_cells_are_read() {
    let w = Workdir::new();
    w.write("specs/typed.toml", TYPED_SPEC);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Name").unwrap();
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    w.write("far.xlsx", book.save_to_buffer().unwrap());
    let output = w
        .command(&["records", "far.xlsx", "--specs", "specs", "--spec", "typed"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains(
            "sheet `Sheet1` spans A1:XFD1048576 (1048576 rows × 16384 columns), more than the \
             10000000 cells leadpipe reads of a sheet"
        ),
        "{err}"
    );
}

/// An OpenDocument spreadsheet of `tables` (each a name and its rows' `<table:table-cell>`
/// elements), as LibreOffice packages one: the media type first and stored, then the
/// manifest and the content.
fn ods(tables: &[(&str, Vec<String>)]) -> Vec<u8> {
    use std::io::Write;
    let mut content = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet>",
    );
    for (name, rows) in tables {
        content += &format!("<table:table table:name=\"{name}\">");
        for row in rows {
            content += &format!("<table:table-row>{row}</table:table-row>");
        }
        content += "</table:table>";
    }
    content += "</office:spreadsheet></office:body></office:document-content>";
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
         xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
         <manifest:file-entry manifest:full-path=\"/\" \
         manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
         <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
         </manifest:manifest>";
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut package = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", &content),
    ] {
        package.start_file(name, stored).unwrap();
        package.write_all(text.as_bytes()).unwrap();
    }
    package.finish().unwrap().into_inner()
}

/// A cell of an OpenDocument row: its value type, the attribute that holds a value, and its
/// text.
fn ods_cell(value_type: &str, value: Option<(&str, &str)>, text: &str) -> String {
    let value = value.map_or(String::new(), |(attr, v)| format!(" office:{attr}=\"{v}\""));
    format!(
        "<table:table-cell office:value-type=\"{value_type}\"{value}><text:p>{text}</text:p></table:table-cell>"
    )
}

#[test]
fn an_ods_reads_its_typed_cells_as_an_xlsx_does() {
    let w = Workdir::new();
    w.write("specs/typed.toml", TYPED_SPEC);
    let header = [
        "Name", "Capacity", "Zip", "Ratio", "Open", "Since", "Updated", "Opens",
    ]
    .map(|name| ods_cell("string", None, name))
    .concat();
    let record = [
        ods_cell("string", None, "KID’S PLACE"),
        ods_cell("float", Some(("value", "82")), "82"),
        ods_cell("float", Some(("value", "73099")), "73099"),
        ods_cell("float", Some(("value", "1.5")), "1.5"),
        ods_cell("boolean", Some(("boolean-value", "true")), "TRUE"),
        ods_cell("date", Some(("date-value", "2023-07-07")), "07/07/23"),
        ods_cell(
            "date",
            Some(("date-value", "2023-07-07T08:30:00")),
            "07/07/23 08:30",
        ),
        ods_cell("time", Some(("time-value", "PT08H30M00S")), "08:30"),
    ]
    .concat();
    let notes = vec![ods_cell("string", None, "As of July")];
    let book = ods(&[("Notes", notes), ("Providers", vec![header, record])]);
    w.write("typed.ods", book);

    let output = w
        .command(&[
            "records",
            "typed.ods",
            "--specs",
            "specs",
            "--spec",
            "typed",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let line: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(
        line,
        serde_json::json!({"line": 2, "defect": null, "fields": [
            "KID’S PLACE", "82", "73099", "1.5", "TRUE", "2023-07-07", "2023-07-07 08:30:00",
            "08:30:00"
        ]})
    );
    let err = stderr(&output);
    assert!(
        err.ends_with("as spec `typed` reads it (ods): 1 sound, 0 that ingest would reject\n"),
        "{err}"
    );
}

#[test]
fn infer_drafts_a_spec_from_a_workbooks_fullest_sheet() {
    let w = Workdir::new();
    let book = w.write("07-07-2023 Nevada re-export.xlsx", nevada_workbook());
    let output = w
        .command(&["infer", book.to_str().unwrap(), "--id", "nevada"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let draft = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "sheet = \"Providers\"",
        "header_rows = 1",
        "names = [\"* Nevada re-export.xlsx\"]",
        "# `Phone#` → Phone (confidence 1.00)",
        "# `Credential Number` → LicenseNumber (confidence 1.00)",
        "# `Expiration Date` → Expires (confidence 1.00)",
        "# `Address` → OneLineAddress (confidence 1.00)",
    ] {
        assert!(
            draft.contains(expected),
            "missing {expected:?} in:\n{draft}"
        );
    }
    // In place of the built-in spec, which would claim the file too.
    w.write("specs/nevada.toml", &draft);
    assert_exit(&w.ingest_with(&[&book], &["--specs", "specs"]), 0);
    let loaded: i64 =
        w.query("SELECT count(*) FROM leads WHERE source = 'nevada' AND phone IS NOT NULL");
    assert_eq!(loaded, 100);
}
