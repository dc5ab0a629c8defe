//! The target: the columns of the `leads` table and the typed values they hold.

use std::fmt;

use chrono::NaiveDate;

/// The SQL type of a lead column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Integer,
    Boolean,
    Date,
    /// A measured figure (degrees of latitude and longitude).
    Real,
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColumnType::Text => "TEXT",
            ColumnType::Integer => "INTEGER",
            ColumnType::Boolean => "BOOLEAN",
            ColumnType::Date => "DATE",
            ColumnType::Real => "DOUBLE PRECISION",
        })
    }
}

/// One data column of `leads` that a source spec can fill.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
}

const fn col(name: &'static str, ty: ColumnType) -> Column {
    Column { name, ty }
}

use ColumnType::{Boolean, Date, Integer, Real, Text};

/// How many of [`LEAD_COLUMNS`] are the original exercise's columns.
pub const ORIGINAL_COLUMNS: usize = 32;

/// The data columns of `leads`: the 32 columns of the original exercise, in their order,
/// then the quality columns that qualify them, then what enrichment derives
/// ([`crate::enrich`]). In the table, lineage columns follow the first 32.
pub const LEAD_COLUMNS: [Column; 43] = [
    col("accepts_financial_aid", Boolean),
    col("ages_served", Text),
    col("capacity", Integer),
    col("certificate_expiration_date", Date),
    col("city", Text),
    col("address1", Text),
    col("address2", Text),
    col("company", Text),
    col("phone", Text),
    col("phone2", Text),
    col("county", Text),
    col("curriculum_type", Text),
    col("email", Text),
    col("first_name", Text),
    col("language", Text),
    col("last_name", Text),
    col("license_status", Text),
    col("license_issued", Date),
    col("license_number", Text),
    col("license_renewed", Date),
    col("license_type", Text),
    col("licensee_name", Text),
    col("max_age", Integer),
    col("min_age", Integer),
    col("operator", Text),
    col("provider_id", Text),
    col("schedule", Text),
    col("state", Text),
    col("title", Text),
    col("website_address", Text),
    col("zip", Text),
    col("facility_type", Text),
    col("phone_extension", Text),
    col("phone_valid", Boolean),
    col("email_valid", Boolean),
    col("country", Text),
    col("time_zone", Text),
    col("time_zone_source", Text),
    col("calling_hours", Text),
    col("latitude", Real),
    col("longitude", Real),
    col("location_source", Text),
    col("email_kind", Text),
];

/// The position of a data column in [`LEAD_COLUMNS`], by name; `const`, so that code
/// reading a lead many times over can find its columns once, when it is compiled.
pub const fn column_index(name: &str) -> Option<usize> {
    let mut i = 0;
    while i < LEAD_COLUMNS.len() {
        if same_bytes(LEAD_COLUMNS[i].name.as_bytes(), name.as_bytes()) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Byte equality, as a `const fn` can test it.
const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A lead of these text values by column name, the other columns null: the leads of the
/// resolution modules' tests.
#[cfg(test)]
pub(crate) fn text_lead(fields: &[(&str, &str)]) -> LeadValues {
    let mut lead: LeadValues = std::array::from_fn(|_| Value::Null);
    for (name, value) in fields {
        lead[column_index(name).expect("a lead column")] = Value::text(*value);
    }
    lead
}

/// A typed field value, on its way from a normalizer to the database.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Text(String),
    Integer(i64),
    Boolean(bool),
    Date(NaiveDate),
    /// Never NaN.
    Real(f64),
}

impl Value {
    /// Text, or `Null` when the text is empty.
    pub fn text(s: impl Into<String>) -> Value {
        let s = s.into();
        if s.is_empty() {
            Value::Null
        } else {
            Value::Text(s)
        }
    }

    /// `Null`, or the text of a present value.
    pub fn from_option(s: Option<String>) -> Value {
        s.map_or(Value::Null, Value::text)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The value as text, as a file shows it: dates ISO, numbers and booleans as
    /// written; `None` for `Null`.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Text(text) => Some(text.clone()),
            Value::Integer(n) => Some(n.to_string()),
            Value::Boolean(b) => Some(b.to_string()),
            Value::Date(date) => Some(date.to_string()),
            Value::Real(x) => Some(x.to_string()),
        }
    }
}

/// The data values of one lead, indexed like [`LEAD_COLUMNS`].
pub type LeadValues = [Value; LEAD_COLUMNS.len()];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_the_original_thirty_two_in_order() {
        assert_eq!(LEAD_COLUMNS[0].name, "accepts_financial_aid");
        assert_eq!(LEAD_COLUMNS[ORIGINAL_COLUMNS - 1].name, "facility_type");
        assert_eq!(column_index("zip"), Some(30));
        assert_eq!(column_index("nope"), None);
    }

    #[test]
    fn empty_text_is_null() {
        assert_eq!(Value::text(""), Value::Null);
        assert_eq!(Value::text("x"), Value::Text("x".into()));
    }
}
