//! Review by a person: the pairs the model is least sure of (a match probability near the
//! threshold), as CSV rows to label; the labels read back from that CSV; and how the
//! model agrees with every label, as estimates of its precision and recall. No database
//! here: `leadpipe review` reads and writes through the store.

use std::borrow::Cow;
use std::io::{self, Write};

use csv_core::{ReadRecordResult, Reader};

use crate::lead::{LeadValues, column_index};

use super::batch::{MAX_BLOCK, candidate_pairs};
use super::model::probability;
use super::params::Parameters;
use super::prepared::Prepared;

/// A band of match probability, `low` to `high`, both included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    pub low: f64,
    pub high: f64,
}

impl Band {
    /// From half to twice the odds of `threshold`: one bit either side of its weight.
    pub fn around(threshold: f64) -> Band {
        let odds = threshold / (1.0 - threshold);
        let at = |odds: f64| odds / (1.0 + odds);
        Band {
            low: at(odds / 2.0),
            high: at(odds * 2.0),
        }
    }

    /// A band written `LOW..HIGH` (`0.2..0.9`), within 0 and 1.
    pub fn parse(text: &str) -> Result<Band, String> {
        let wrong = || format!("{text:?} is not a band of probability such as `0.2..0.9`");
        let (low, high) = text.split_once("..").ok_or_else(wrong)?;
        let number = |s: &str| s.trim().parse::<f64>().map_err(|_| wrong());
        let band = Band {
            low: number(low)?,
            high: number(high)?,
        };
        match 0.0 <= band.low && band.low < band.high && band.high <= 1.0 {
            true => Ok(band),
            false => Err(format!(
                "{text:?}: a band needs 0 <= LOW < HIGH <= 1 (probabilities)"
            )),
        }
    }

    pub fn contains(&self, probability: f64) -> bool {
        (self.low..=self.high).contains(&probability)
    }
}

/// A pair to review, by the leads' indices (`a` < `b`), with its weight in bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Uncertain {
    pub a: usize,
    pub b: usize,
    pub weight: f64,
}

/// The pairs of `leads` compared as a rebuild compares them whose match probability is in
/// `band`, the nearest to the threshold first (then by index).
pub fn uncertain_pairs(
    leads: &[LeadValues],
    parameters: &Parameters,
    band: Band,
) -> Vec<Uncertain> {
    let too_common = |_, _: &str, size: usize| size > MAX_BLOCK;
    let prepared = Prepared::all(leads);
    let mut pairs: Vec<Uncertain> =
        candidate_pairs(&prepared, &parameters.config.blocking, &too_common)
            .into_iter()
            .map(|(a, b)| (a as usize, b as usize))
            .map(|(a, b)| Uncertain {
                a,
                b,
                weight: prepared[a].weight(&prepared[b], parameters),
            })
            .filter(|pair| band.contains(probability(pair.weight)))
            .collect();
    let link = parameters.link_weight();
    pairs.sort_by(|x, y| {
        let off = |pair: &Uncertain| (pair.weight - link).abs();
        off(x).total_cmp(&off(y)).then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    pairs
}

/// The columns of the review CSV: the pair, the model's view of it, each lead's values
/// side by side (never a phone or an e-mail), and the label to fill in.
pub const COLUMNS: [&str; 15] = [
    "lead_a",
    "lead_b",
    "probability",
    "weight",
    "company_a",
    "company_b",
    "person_a",
    "person_b",
    "address_a",
    "address_b",
    "city_a",
    "city_b",
    "zip_a",
    "zip_b",
    "label",
];

/// Writes the header of the review CSV.
pub fn write_header(out: &mut impl Write) -> io::Result<()> {
    write_row(out, &COLUMNS)
}

/// Writes one pair to review: leads `a` and `b` with their ids, and an empty label.
pub fn write_pair(
    out: &mut impl Write,
    ids: (&str, &str),
    leads: (&LeadValues, &LeadValues),
    weight: f64,
) -> io::Result<()> {
    let text = |lead: &LeadValues, columns: &[&str]| {
        let parts: Vec<&str> = columns
            .iter()
            .filter_map(|c| lead[column_index(c).expect("a lead column")].as_text())
            .collect();
        inert(parts.join(" "))
    };
    let probability = format!("{:.4}", probability(weight));
    let weight = format!("{weight:.2}");
    let mut row: Vec<String> = vec![ids.0.into(), ids.1.into(), probability, weight];
    for columns in [
        &["company"][..],
        &["first_name", "last_name"],
        &["address1"],
        &["city"],
        &["zip"],
    ] {
        row.push(text(leads.0, columns));
        row.push(text(leads.1, columns));
    }
    row.push(String::new());
    let row: Vec<&str> = row.iter().map(String::as_str).collect();
    write_row(out, &row)
}

/// A text as a spreadsheet shows it and never runs it: one that starts as a formula does
/// (`=`, `+`, `-`, `@`, a tab or a carriage return; a company named `=HYPERLINK(…)`) gets a
/// leading `'`. The review is opened in Excel; its import reads only ids and labels.
fn inert(text: String) -> String {
    match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text,
    }
}

/// One CSV row, each field quoted when it has to be.
fn write_row(out: &mut impl Write, fields: &[&str]) -> io::Result<()> {
    let fields: Vec<Cow<str>> = fields.iter().map(|f| quoted(f)).collect();
    writeln!(out, "{}", fields.join(","))
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn quoted(field: &str) -> Cow<'_, str> {
    match field.contains([',', '"', '\n', '\r']) {
        true => Cow::Owned(format!("\"{}\"", field.replace('"', "\"\""))),
        false => Cow::Borrowed(field),
    }
}

/// A label read from a reviewed CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadLabel {
    /// The line of the CSV its row starts on.
    pub line: u64,
    pub lead_a: String,
    pub lead_b: String,
    pub must_link: bool,
}

/// What is wrong with a reviewed CSV.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabelsError {
    #[error("it is empty: a review CSV starts with its header")]
    Empty,
    #[error("its header has no `{0}` column")]
    MissingColumn(&'static str),
    #[error("line {line}: the label {value:?} is neither `must_link` nor `cannot_link`")]
    Label { line: u64, value: String },
    #[error("line {line}: a label needs both `lead_a` and `lead_b`")]
    MissingLead { line: u64 },
    #[error("line {line}: `lead_a` and `lead_b` are the same lead, {lead}")]
    SameLead { line: u64, lead: String },
}

/// The labels of a reviewed CSV: every row whose `label` is `must_link` or `cannot_link`;
/// rows left empty are skipped, any other word is an error. Also the rows skipped.
pub fn read_labels(csv: &[u8]) -> Result<(Vec<ReadLabel>, usize), LabelsError> {
    let mut rows = records(csv).into_iter();
    let (_, header) = rows.next().ok_or(LabelsError::Empty)?;
    let column = |name: &'static str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or(LabelsError::MissingColumn(name))
    };
    let (a, b, label) = (column("lead_a")?, column("lead_b")?, column("label")?);
    let mut labels = Vec::new();
    let mut unlabelled = 0;
    for (line, row) in rows {
        let field = |at: usize| row.get(at).map_or("", |f| f.trim());
        let must_link = match field(label) {
            "" => {
                unlabelled += 1;
                continue;
            }
            "must_link" => true,
            "cannot_link" => false,
            other => {
                return Err(LabelsError::Label {
                    line,
                    value: other.to_string(),
                });
            }
        };
        let (lead_a, lead_b) = (field(a), field(b));
        if lead_a.is_empty() || lead_b.is_empty() {
            return Err(LabelsError::MissingLead { line });
        }
        if lead_a == lead_b {
            return Err(LabelsError::SameLead {
                line,
                lead: lead_a.to_string(),
            });
        }
        let (lead_a, lead_b) = if lead_a < lead_b {
            (lead_a, lead_b)
        } else {
            (lead_b, lead_a)
        };
        labels.push(ReadLabel {
            line,
            lead_a: lead_a.to_string(),
            lead_b: lead_b.to_string(),
            must_link,
        });
    }
    Ok((labels, unlabelled))
}

/// The records of a CSV text, each with the line it starts on; blank lines are skipped.
fn records(mut input: &[u8]) -> Vec<(u64, Vec<String>)> {
    let mut reader = Reader::new();
    let (mut output, mut ends) = (vec![0u8; 1024], vec![0usize; 32]);
    let mut records = Vec::new();
    loop {
        let line = reader.line();
        let (mut written, mut ended) = (0, 0);
        loop {
            let (result, read, out, end) =
                reader.read_record(input, &mut output[written..], &mut ends[ended..]);
            input = &input[read..];
            (written, ended) = (written + out, ended + end);
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => output.resize(output.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return records,
            }
        }
        let fields = (0..ended)
            .map(|i| {
                let start = if i == 0 { 0 } else { ends[i - 1] };
                String::from_utf8_lossy(&output[start..ends[i]]).into_owned()
            })
            .collect();
        records.push((line, fields));
    }
}

/// How the model's links agree with people's labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Agreement {
    pub labels: usize,
    /// The `must_link` labels.
    pub must_link: usize,
    /// The labelled pairs the model links (weight at or above the threshold's).
    pub linked: usize,
    /// The `must_link` pairs the model links.
    pub both: usize,
}

impl Agreement {
    /// Counts how `parameters` weigh each labelled pair, `(must_link, a, b)`.
    pub fn of<'a>(
        parameters: &Parameters,
        pairs: impl IntoIterator<Item = (bool, &'a LeadValues, &'a LeadValues)>,
    ) -> Agreement {
        let link = parameters.link_weight();
        Agreement::count(
            pairs
                .into_iter()
                .map(|(must_link, a, b)| (must_link, parameters.weight(a, b) >= link)),
        )
    }

    /// Counts labelled pairs, `(must_link, the model links it)`.
    pub fn count(pairs: impl IntoIterator<Item = (bool, bool)>) -> Agreement {
        let mut agreement = Agreement::default();
        for (must_link, linked) in pairs {
            agreement.labels += 1;
            agreement.must_link += usize::from(must_link);
            agreement.linked += usize::from(linked);
            agreement.both += usize::from(must_link && linked);
        }
        agreement
    }

    /// The share of `must_link` pairs the model links; `None` without such labels.
    pub fn recall(&self) -> Option<f64> {
        (self.must_link > 0).then(|| self.both as f64 / self.must_link as f64)
    }

    /// The share of the labelled pairs the model links that are `must_link`; `None` when
    /// it links none of them.
    pub fn precision(&self) -> Option<f64> {
        (self.linked > 0).then(|| self.both as f64 / self.linked as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_band_is_one_bit_either_side_of_the_threshold() {
        let band = Band::around(0.5);
        assert!((band.low - 1.0 / 3.0).abs() < 1e-12, "{band:?}");
        assert!((band.high - 2.0 / 3.0).abs() < 1e-12, "{band:?}");
        assert_eq!(
            Band::parse(" 0.2..0.9"),
            Ok(Band {
                low: 0.2,
                high: 0.9
            })
        );
        for wrong in ["0.9..0.2", "0.2-0.9", "..0.5", "0.5..1.5", "a..b"] {
            assert!(Band::parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_pair_is_written_with_its_values_quoted_where_they_must_be_and_no_phone() {
        let mut a: LeadValues = std::array::from_fn(|_| crate::lead::Value::Null);
        let mut b = a.clone();
        let set = |lead: &mut LeadValues, column: &str, value: &str| {
            lead[column_index(column).unwrap()] = crate::lead::Value::text(value);
        };
        set(&mut a, "company", "LITTLE \"ONES\", LLC");
        set(&mut a, "first_name", "Ann");
        set(&mut a, "last_name", "Park");
        set(&mut a, "phone", "+17025550123");
        set(&mut b, "company", "LITTLE ONES");
        set(&mut b, "city", "RENO");
        let mut out = Vec::new();
        write_header(&mut out).unwrap();
        write_pair(&mut out, ("nevada:1-22", "nevada:2-22"), (&a, &b), 1.0).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "lead_a,lead_b,probability,weight,company_a,company_b,person_a,person_b,\
             address_a,address_b,city_a,city_b,zip_a,zip_b,label\n\
             nevada:1-22,nevada:2-22,0.6667,1.00,\"LITTLE \"\"ONES\"\", LLC\",LITTLE ONES,\
             Ann Park,,,,,RENO,,,\n"
        );
    }

    #[test]
    fn a_value_that_starts_as_a_formula_is_written_inert_and_the_weight_as_it_is() {
        let mut a: LeadValues = std::array::from_fn(|_| crate::lead::Value::Null);
        let mut b = a.clone();
        a[column_index("company").unwrap()] = crate::lead::Value::text("=HYPERLINK(\"x\")");
        b[column_index("company").unwrap()] = crate::lead::Value::text("@SUM(A1)");
        b[column_index("city").unwrap()] = crate::lead::Value::text("-RENO");
        let mut out = Vec::new();
        write_pair(&mut out, ("nevada:1-22", "nevada:2-22"), (&a, &b), -3.2).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "nevada:1-22,nevada:2-22,0.0981,-3.20,\"'=HYPERLINK(\"\"x\"\")\",'@SUM(A1),\
             ,,,,,'-RENO,,,\n"
        );
    }

    #[test]
    fn labels_are_read_back_by_column_name_with_their_lines() {
        let csv = "label,lead_b,lead_a,note\n\
                   must_link,nevada:2-22,nevada:1-22,\"two\nlines\"\n\
                   \n\
                   ,nevada:3-22,nevada:1-22,\n\
                   cannot_link,nevada:1-22,nevada:4-22,\n";
        let (labels, unlabelled) = read_labels(csv.as_bytes()).unwrap();
        assert_eq!(unlabelled, 1);
        let label = |line, a: &str, b: &str, must_link| ReadLabel {
            line,
            lead_a: a.into(),
            lead_b: b.into(),
            must_link,
        };
        assert_eq!(
            labels,
            [
                label(2, "nevada:1-22", "nevada:2-22", true),
                label(6, "nevada:1-22", "nevada:4-22", false)
            ]
        );
    }

    #[test]
    fn a_label_other_than_the_two_words_is_refused_with_its_line() {
        let csv =
            "lead_a,lead_b,label\nnevada:1-22,nevada:2-22,must_link\nnevada:1-22,nevada:3-22,yes\n";
        assert_eq!(
            read_labels(csv.as_bytes()),
            Err(LabelsError::Label {
                line: 3,
                value: "yes".into()
            })
        );
        assert_eq!(
            read_labels(b"lead_a,label\n"),
            Err(LabelsError::MissingColumn("lead_b"))
        );
        assert_eq!(
            read_labels(b"lead_a,lead_b,label\nx,x,cannot_link\n"),
            Err(LabelsError::SameLead {
                line: 2,
                lead: "x".into()
            })
        );
        assert_eq!(read_labels(b""), Err(LabelsError::Empty));
    }

    #[test]
    fn precision_and_recall_are_estimated_from_the_labelled_pairs() {
        // Three must_link pairs, two of them linked; one cannot_link pair, linked.
        let agreement =
            Agreement::count([(true, true), (true, true), (true, false), (false, true)]);
        assert_eq!(
            agreement,
            Agreement {
                labels: 4,
                must_link: 3,
                linked: 3,
                both: 2
            }
        );
        assert_eq!(agreement.recall(), Some(2.0 / 3.0));
        assert_eq!(agreement.precision(), Some(2.0 / 3.0));
        let none = Agreement::count([(false, false)]);
        assert_eq!((none.recall(), none.precision()), (None, None));
    }
}
