//! A workbook cell's typed value written as the text a CSV export of it would hold, which is
//! what the normalizers read: numbers without a spurious `.0`, dates in ISO form.

use std::fmt::Write;

use calamine::{Data, DataRef, ExcelDateTime};

/// Appends a cell's value to `out` as text: a string as it is; a number as the shortest
/// decimal that reads back as it (`82`, `73099`, `1.5`); `TRUE` or `FALSE`; a date
/// `2023-07-07`, a date and time `2023-07-07 08:30:00`, a time `08:30:00`, a duration
/// `36:00:00`; an error as Excel shows it (`#N/A`); an empty cell as nothing.
pub(crate) fn write_cell(value: &DataRef<'_>, out: &mut String) {
    match value {
        DataRef::String(text) => out.push_str(text),
        DataRef::SharedString(text) => out.push_str(text),
        // An OpenDocument date (`2023-07-07`) or date and time (`2023-07-07T08:30:00`),
        // spelled as a serial one is.
        DataRef::DateTimeIso(text) => out.push_str(&text.replacen('T', " ", 1)),
        DataRef::Int(n) => write!(out, "{n}").expect("writing to a String"),
        // `{}` writes the shortest decimal that reads back as the number, without `.0`;
        // Excel has no negative zero to show.
        DataRef::Float(n) => {
            write!(out, "{}", if *n == 0.0 { 0.0 } else { *n }).expect("writing to a String")
        }
        DataRef::Bool(true) => out.push_str("TRUE"),
        DataRef::Bool(false) => out.push_str("FALSE"),
        DataRef::DateTime(serial) => write_serial(serial, out),
        DataRef::DurationIso(text) => match iso_time(text) {
            Some(time) => out.push_str(&time),
            None => out.push_str(text),
        },
        DataRef::Error(error) => write!(out, "{error}").expect("writing to a String"),
        DataRef::Empty => {}
    }
}

/// A cell of a sheet read whole (.xls, .ods) as one of a streamed sheet, borrowing its text.
pub(crate) fn as_ref(value: &Data) -> DataRef<'_> {
    match value {
        Data::Int(n) => DataRef::Int(*n),
        Data::Float(n) => DataRef::Float(*n),
        Data::String(text) => DataRef::SharedString(text),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(serial) => DataRef::DateTime(*serial),
        Data::DateTimeIso(text) => DataRef::DateTimeIso(text.clone()),
        Data::DurationIso(text) => DataRef::DurationIso(text.clone()),
        Data::Error(error) => DataRef::Error(error.clone()),
        Data::Empty => DataRef::Empty,
    }
}

/// A serial date (days since the workbook's epoch, 1900 or 1904, which the serial carries)
/// as ISO text. A serial below 1 is a time of day alone: no licence list dates anything to
/// the epoch's first day.
fn write_serial(serial: &ExcelDateTime, out: &mut String) {
    if serial.is_duration() {
        let millis = (serial.as_f64() * 86_400_000.0).round() as i64;
        let seconds = millis / 1000;
        write!(
            out,
            "{:02}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
        .expect("writing to a String");
        return write_millis((millis % 1000) as u16, out);
    }
    let (year, month, day, hour, minute, second, millis) = serial.to_ymd_hms_milli();
    let has_time = (hour, minute, second, millis) != (0, 0, 0, 0);
    if serial.as_f64() >= 1.0 {
        write!(out, "{year:04}-{month:02}-{day:02}").expect("writing to a String");
        if !has_time {
            return;
        }
        out.push(' ');
    }
    write!(out, "{hour:02}:{minute:02}:{second:02}").expect("writing to a String");
    write_millis(millis, out);
}

/// The milliseconds of a time, when it has any.
fn write_millis(millis: u16, out: &mut String) {
    if millis != 0 {
        write!(out, ".{millis:03}").expect("writing to a String");
    }
}

/// An OpenDocument time (`PT08H30M00S`, `PT08H30M05.5S`) as `08:30:00`; `None` for any other
/// duration, which is kept as written.
fn iso_time(text: &str) -> Option<String> {
    let rest = text.strip_prefix("PT")?;
    let (hours, rest) = rest.split_once('H')?;
    let (minutes, rest) = rest.split_once('M')?;
    let seconds = rest.strip_suffix('S')?;
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
    let number = |digits: &str| digits.parse::<u32>().ok();
    let (hours, minutes, whole) = (number(hours)?, number(minutes)?, number(whole)?);
    let fraction = fraction.trim_end_matches('0');
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut time = format!("{hours:02}:{minutes:02}:{whole:02}");
    if !fraction.is_empty() {
        time.push('.');
        time.push_str(fraction);
    }
    Some(time)
}

#[cfg(test)]
mod tests {
    use calamine::{CellErrorType, ExcelDateTimeType};

    use super::*;

    fn text(value: DataRef<'_>) -> String {
        let mut out = String::new();
        write_cell(&value, &mut out);
        out
    }

    fn serial(value: f64, is_1904: bool) -> String {
        text(DataRef::DateTime(ExcelDateTime::new(
            value,
            ExcelDateTimeType::DateTime,
            is_1904,
        )))
    }

    #[test]
    fn numbers_are_written_without_a_spurious_decimal() {
        assert_eq!(text(DataRef::Float(82.0)), "82");
        assert_eq!(text(DataRef::Float(73099.0)), "73099");
        assert_eq!(text(DataRef::Float(1.5)), "1.5");
        assert_eq!(text(DataRef::Float(7023012241.0)), "7023012241");
        assert_eq!(text(DataRef::Float(-0.0)), "0");
        assert_eq!(text(DataRef::Int(-12)), "-12");
    }

    #[test]
    fn other_values_are_written_as_excel_shows_them() {
        assert_eq!(text(DataRef::SharedString("KID’S PLACE")), "KID’S PLACE");
        assert_eq!(text(DataRef::Bool(true)), "TRUE");
        assert_eq!(text(DataRef::Bool(false)), "FALSE");
        assert_eq!(text(DataRef::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(text(DataRef::Empty), "");
        let owned = Data::String("A".into());
        assert_eq!(text(as_ref(&owned)), "A");
    }

    #[test]
    fn serial_dates_honour_the_workbooks_epoch() {
        // 2023-07-07 is day 45114 counted from 1900, day 43652 from 1904.
        assert_eq!(serial(45114.0, false), "2023-07-07");
        assert_eq!(serial(43652.0, true), "2023-07-07");
        assert_eq!(serial(45114.0 + 8.5 / 24.0, false), "2023-07-07 08:30:00");
        assert_eq!(serial(8.5 / 24.0, false), "08:30:00");
        assert_eq!(serial(8.5 / 24.0, true), "08:30:00");
        let day_and_a_half = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(text(DataRef::DateTime(day_and_a_half)), "36:00:00");
    }

    #[test]
    fn opendocument_dates_and_times_are_spelled_as_serial_ones() {
        assert_eq!(
            text(DataRef::DateTimeIso("2023-07-07".into())),
            "2023-07-07"
        );
        assert_eq!(
            text(DataRef::DateTimeIso("2023-07-07T08:30:00".into())),
            "2023-07-07 08:30:00"
        );
        assert_eq!(text(DataRef::DurationIso("PT08H30M00S".into())), "08:30:00");
        assert_eq!(
            text(DataRef::DurationIso("PT08H30M05.500S".into())),
            "08:30:05.5"
        );
        assert_eq!(text(DataRef::DurationIso("P1DT2H".into())), "P1DT2H");
    }
}
