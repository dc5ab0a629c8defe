//! Values as they cross into and out of a database, the same for both targets: each
//! target's driver binds a [`Bind`] and reads a [`Cell`] in its own way, once.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::lead::{LeadValues, Value};

/// A value bound to a statement's placeholder or to a bulk-written column.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Bind<'a> {
    Null,
    Text(&'a str),
    /// Written as the column's width: 32 bits for `INTEGER`, 64 for `BIGINT`.
    Int(i64),
    /// A measured figure (`DOUBLE PRECISION`).
    Float(f64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    /// A time that many rows carry, formatted once.
    Stamp(&'a Stamp),
    /// JSON text, for a `json` or `jsonb` column.
    Json(&'a str),
    /// A lead's data value.
    Value(&'a Value),
}

impl<'a> From<&'a str> for Bind<'a> {
    fn from(text: &'a str) -> Bind<'a> {
        Bind::Text(text)
    }
}

impl<'a> From<&'a String> for Bind<'a> {
    fn from(text: &'a String) -> Bind<'a> {
        Bind::Text(text)
    }
}

impl<'a> From<Option<&'a str>> for Bind<'a> {
    fn from(text: Option<&'a str>) -> Bind<'a> {
        text.map_or(Bind::Null, Bind::Text)
    }
}

impl From<i64> for Bind<'_> {
    fn from(n: i64) -> Self {
        Bind::Int(n)
    }
}

impl From<u64> for Bind<'_> {
    /// Counts and sizes; none comes near `i64::MAX`.
    fn from(n: u64) -> Self {
        Bind::Int(n as i64)
    }
}

impl From<f64> for Bind<'_> {
    fn from(x: f64) -> Self {
        Bind::Float(x)
    }
}

impl From<NaiveDate> for Bind<'_> {
    fn from(date: NaiveDate) -> Self {
        Bind::Date(date)
    }
}

impl From<DateTime<Utc>> for Bind<'_> {
    fn from(time: DateTime<Utc>) -> Self {
        Bind::Time(time)
    }
}

/// A value read from a result row, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell<'r> {
    Null,
    Text(&'r str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

impl<'r> Cell<'r> {
    pub(crate) fn text(self) -> Option<&'r str> {
        match self {
            Cell::Text(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn int(self) -> Option<i64> {
        match self {
            Cell::Int(n) => Some(n),
            _ => None,
        }
    }

    pub(crate) fn float(self) -> Option<f64> {
        match self {
            Cell::Float(x) => Some(x),
            _ => None,
        }
    }

    pub(crate) fn bool(self) -> Option<bool> {
        match self {
            Cell::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub(crate) fn date(self) -> Option<NaiveDate> {
        match self {
            Cell::Date(date) => Some(date),
            _ => None,
        }
    }

    pub(crate) fn time(self) -> Option<DateTime<Utc>> {
        match self {
            Cell::Time(time) => Some(time),
            _ => None,
        }
    }

    /// The cell as a lead's data value.
    pub(crate) fn to_value(self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Text(text) => Value::Text(text.to_string()),
            Cell::Int(n) => Value::Integer(n),
            Cell::Float(x) => Value::Real(x),
            Cell::Bool(b) => Value::Boolean(b),
            Cell::Date(date) => Value::Date(date),
            Cell::Time(time) => Value::Text(time_text(time)),
        }
    }
}

/// A lead's data values from the cells of its columns, in the order of `LEAD_COLUMNS`.
pub(crate) fn lead_values(cells: &[Cell]) -> LeadValues {
    let mut values: LeadValues = std::array::from_fn(|_| Value::Null);
    for (value, cell) in values.iter_mut().zip(cells) {
        *value = cell.to_value();
    }
    values
}

/// Times as text: RFC 3339 in UTC, to the millisecond. SQLite stores them so, and both
/// targets show them so.
pub(crate) fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A time bound to every row of a bulk write, with its text made once: SQLite stores the
/// text, and formatting it anew for each row is a cost of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) time: DateTime<Utc>,
    pub(crate) text: String,
}

impl Stamp {
    pub(crate) fn new(time: DateTime<Utc>) -> Stamp {
        Stamp {
            time,
            text: time_text(time),
        }
    }
}

/// Rows for a bulk write: each gives its values in the table's column order.
pub(crate) trait Rows {
    fn len(&self) -> usize;

    /// Appends the values of row `i` to `out`.
    fn row<'s>(&'s self, i: usize, out: &mut Vec<Bind<'s>>);
}
