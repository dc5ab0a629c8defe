//! A file's dialect and layout from its first bytes: every candidate dialect reads the
//! sample, and the one whose records are most consistent (one width) with the cleanest
//! cells (no stray quotes or blanks around them) wins; then the rows are looked at for a
//! preamble, the header's rows, and notes at the end.

use std::io;

use super::shape::Shape;
use crate::read::dialect::{Delimiter, Dialect, Layout};
use crate::read::{self, Defect};

/// Records read from a sample to judge a dialect.
const RECORDS: usize = 400;

/// The most preamble lines, header rows and footnote lines looked for.
const MOST_PREAMBLE: usize = 10;
const MOST_HEADER_ROWS: usize = 3;
const MOST_FOOTNOTES: usize = 5;

/// How a sample reads best.
#[derive(Debug)]
pub(crate) struct Detected {
    pub dialect: Dialect,
    pub layout: Layout,
    /// Columns of its records.
    pub width: usize,
    /// The share of records that have that width, in the chosen dialect.
    pub consistency: f64,
    /// The share of their cells without stray quotes or blanks around them.
    pub cleanliness: f64,
}

/// The records of a sample read in one dialect, its first row among them: each record's
/// fields, or `None` for one that is no record in it. The first row is read as a header,
/// whether it is one or not: the reader takes the width of the records from it, as a
/// record spanning lines must have it to be kept whole.
fn rows(sample: &[u8], dialect: &Dialect, truncated: bool) -> Vec<Option<Vec<String>>> {
    let input = io::Cursor::new(sample.to_vec());
    let Ok(mut reader) = read::open_as(input, None, dialect, &Layout::default(), &[]) else {
        return Vec::new();
    };
    let mut rows = vec![Some(reader.header().to_vec())];
    while rows.len() < RECORDS {
        match reader.next_record() {
            Ok(Some(record)) => rows.push(match record.defect {
                None | Some(Defect::TooFewFields { .. } | Defect::TooManyFields { .. }) => {
                    Some(record.fields.iter().map(String::from).collect())
                }
                Some(_) => None,
            }),
            _ => break,
        }
    }
    // The sample's last record may be cut off where the sample ends.
    if truncated && rows.len() > 1 && rows.len() < RECORDS {
        rows.pop();
    }
    rows
}

/// The dialects tried, the likelier first: a later one must read strictly better to win.
fn candidates() -> Vec<Dialect> {
    let delimiters = [
        Delimiter::One(b','),
        Delimiter::One(b';'),
        Delimiter::One(b'\t'),
        Delimiter::One(b'|'),
        Delimiter::Two(*b", "),
        Delimiter::One(b' '),
    ];
    let mut all = Vec::new();
    for delimiter in delimiters {
        for quote in [Some(b'"'), Some(b'\''), None] {
            for escape in [None, Some(b'\\')] {
                if quote.is_none() && escape.is_some() {
                    continue;
                }
                all.push(Dialect {
                    delimiter,
                    quote,
                    escape,
                    ..Dialect::default()
                });
            }
        }
    }
    all
}

/// How well a dialect reads a sample: (score, width, consistency, cleanliness).
fn judge(rows: &[Option<Vec<String>>]) -> (f64, usize, f64, f64) {
    if rows.is_empty() {
        return (0.0, 0, 0.0, 0.0);
    }
    let width = modal_width(rows);
    let of_width: Vec<&Vec<String>> = rows.iter().flatten().filter(|r| r.len() == width).collect();
    let consistency = of_width.len() as f64 / rows.len() as f64;
    let cells = of_width.len() * width;
    let clean = of_width
        .iter()
        .flat_map(|r| r.iter())
        .filter(|c| is_clean(c))
        .count();
    let cleanliness = if cells == 0 {
        0.0
    } else {
        clean as f64 / cells as f64
    };
    let spread = if width < 2 {
        0.0
    } else {
        1.0 - 1.0 / width as f64
    };
    (
        consistency * cleanliness * spread,
        width,
        consistency,
        cleanliness,
    )
}

/// No blank around it, no quote at either end: a cell as its dialect meant it.
fn is_clean(cell: &str) -> bool {
    let quoted = |c: char| c == '"' || c == '\'';
    cell == cell.trim() && !cell.starts_with(quoted) && !cell.ends_with(quoted)
}

/// The commonest number of fields.
fn modal_width(rows: &[Option<Vec<String>>]) -> usize {
    let mut counts = std::collections::BTreeMap::<usize, usize>::new();
    for row in rows.iter().flatten() {
        *counts.entry(row.len()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(width, count)| (count, std::cmp::Reverse(width)))
        .map_or(0, |(width, _)| width)
}

/// The dialect and layout a sample reads best in. `truncated`: the sample is the start of
/// a longer file.
pub(crate) fn detect(sample: &[u8], truncated: bool) -> Detected {
    // The best reading so far: its score, dialect, width, consistency, cleanliness, rows.
    type Reading = (f64, Dialect, usize, f64, f64, Vec<Option<Vec<String>>>);
    let mut best: Option<Reading> = None;
    for dialect in candidates() {
        let read = rows(sample, &dialect, truncated);
        let (score, width, consistency, cleanliness) = judge(&read);
        if best.as_ref().is_none_or(|b| score > b.0 + 1e-9) {
            best = Some((score, dialect, width, consistency, cleanliness, read));
        }
    }
    let (_, dialect, width, consistency, cleanliness, read) =
        best.expect("there is always a candidate dialect");
    let layout = layout(&read, width, truncated);
    Detected {
        dialect,
        layout,
        width,
        consistency,
        cleanliness,
    }
}

/// Where the header and records are among the rows of a sample (`None`: a record that is
/// none in the dialect, which is never taken for a note: it is a reject to keep).
fn layout(rows: &[Option<Vec<String>>], width: usize, truncated: bool) -> Layout {
    let filled = |row: &Vec<String>| row.iter().filter(|c| !c.trim().is_empty()).count();
    let mut counts: Vec<usize> = rows
        .iter()
        .flatten()
        .filter(|r| r.len() == width)
        .map(filled)
        .collect();
    counts.sort_unstable();
    let typical = counts.get(counts.len() / 2).copied().unwrap_or(0);
    // A line of its own before the header: a title, a date, a row of delimiters only.
    let preamble = |row: &Option<Vec<String>>| {
        row.as_ref()
            .is_some_and(|row| row.len() != width || (filled(row) <= 1 && typical >= 3))
    };
    // After the records, a note is one cell (a total, a disclaimer); a longer record that
    // breaks the pattern is a record to reject, not to skip.
    let note = |row: &Option<Vec<String>>| {
        row.as_ref()
            .is_some_and(|row| filled(row) <= 1 && typical >= 3)
    };
    let preamble_lines = rows
        .iter()
        .take(MOST_PREAMBLE)
        .take_while(|r| preamble(r))
        .count();
    let rest: Vec<Vec<String>> = rows[preamble_lines.min(rows.len())..]
        .iter()
        .map(|r| r.clone().unwrap_or_default())
        .collect();
    let header_rows = header_rows(&rest, width);
    let footnote_lines = if truncated {
        0
    } else {
        rows.iter()
            .skip(preamble_lines + header_rows)
            .rev()
            .take(MOST_FOOTNOTES)
            .take_while(|r| note(r))
            .count()
    };
    Layout {
        preamble_lines,
        header_rows,
        footnote_lines,
    }
}

/// A value a header never holds: a number, a date, a time, a phone number, a ZIP code, an
/// e-mail address.
fn is_typed(value: &str) -> bool {
    let value = value.trim();
    let number = value.trim_start_matches(['$', '-']).replace(',', "");
    !value.is_empty()
        && (number.parse::<f64>().is_ok()
            || is_time(value)
            || [Shape::Date, Shape::Phone, Shape::Email, Shape::Zip]
                .iter()
                .any(|s| s.fits(value)))
}

/// `00:15`, `7:30AM`.
fn is_time(value: &str) -> bool {
    let value = value.trim_end_matches(['A', 'P', 'M', 'a', 'p', 'm', ' ']);
    value.split_once(':').is_some_and(|(h, m)| {
        (1..=2).contains(&h.len())
            && m.len() == 2
            && (h.to_owned() + m).chars().all(|c| c.is_ascii_digit())
    })
}

/// How many rows the header takes (0: the file has none). Columns whose values are mostly
/// typed (numbers, dates, phones) tell: a header row has text in each of them.
fn header_rows(rows: &[Vec<String>], width: usize) -> usize {
    let body: Vec<&Vec<String>> = rows
        .iter()
        .skip(MOST_HEADER_ROWS)
        .filter(|r| r.len() == width)
        .collect();
    let typed_columns: Vec<usize> = (0..width)
        .filter(|&i| {
            let filled: Vec<&str> = body
                .iter()
                .map(|r| r[i].as_str())
                .filter(|v| !v.trim().is_empty())
                .collect();
            !filled.is_empty()
                && filled.iter().filter(|v| is_typed(v)).count() * 5 >= filled.len() * 4
        })
        .collect();
    let header_like = |row: &Vec<String>| {
        row.len() == width
            && row.iter().all(|c| !is_typed(c))
            && typed_columns.iter().all(|&i| !row[i].trim().is_empty())
    };
    if typed_columns.is_empty() {
        // Nothing to tell a header by but its names: distinct, and none a value below.
        let Some(first) = rows.first() else { return 0 };
        let names: std::collections::HashSet<&str> = first.iter().map(|c| c.trim()).collect();
        let in_body = |i: usize, name: &str| body.iter().any(|r| r[i].trim() == name);
        let distinct = names.len() == first.len();
        let unseen = first
            .iter()
            .enumerate()
            .all(|(i, name)| name.trim().is_empty() || !in_body(i, name.trim()));
        return usize::from(distinct && unseen);
    }
    rows.iter()
        .take(MOST_HEADER_ROWS)
        .take_while(|row| header_like(row))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(text: &str) -> (Dialect, Layout, usize) {
        let found = detect(text.as_bytes(), false);
        (found.dialect, found.layout, found.width)
    }

    const BODY: &str = "1,Sunshine Academy,11/30/2023,346-393-9400\n\
                        2,\"Bold, Bright\",10/31/2023,362-231-1137\n\
                        3,Discovery Gardens,07/31/2023,505-488-8895\n\
                        4,Little Explorers,01/31/2024,417-631-1138\n";

    #[test]
    fn finds_the_delimiter_quote_and_header() {
        let (dialect, layout, width) = detected(&format!("Id,Name,Expires,Phone\n{BODY}"));
        assert_eq!(dialect, Dialect::default());
        assert_eq!(layout, Layout::default());
        assert_eq!(width, 4);
        let semicolons = format!("Id;Name;Expires;Phone\n{}", BODY.replace(',', ";"));
        assert_eq!(detected(&semicolons).0.delimiter, Delimiter::One(b';'));
        let tabs = format!("Id\tName\tExpires\tPhone\n{}", BODY.replace(',', "\t"));
        assert_eq!(detected(&tabs).0.delimiter, Delimiter::One(b'\t'));
        let single = format!("Id,Name,Expires,Phone\n{}", BODY.replace('"', "'"));
        assert_eq!(detected(&single).0.quote, Some(b'\''));
        let pairs = format!(
            "Id, Name, Expires, Phone\n{}",
            BODY.replace(',', ", ").replace("Bold, , ", "Bold, ")
        );
        assert_eq!(detected(&pairs).0.delimiter, Delimiter::Two(*b", "));
    }

    #[test]
    fn finds_a_missing_header_a_preamble_and_header_rows() {
        assert_eq!(detected(BODY).1.header_rows, 0);
        let preamble = format!("Providers,,,\n,,,\nId,Name,Expires,Phone\n{BODY}");
        let (_, layout, _) = detected(&preamble);
        assert_eq!((layout.preamble_lines, layout.header_rows), (2, 1));
        let two = format!("Id,Name,Expires,Phone\nNo.,Facility,Date,Number\n{BODY}");
        assert_eq!(detected(&two).1.header_rows, 2);
        let footnote = format!("Id,Name,Expires,Phone\n{BODY}4 providers\n");
        assert_eq!(detected(&footnote).1.footnote_lines, 1);
    }
}
