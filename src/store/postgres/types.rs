//! leadpipe's values in PostgreSQL's types: bound as parameters and COPY fields, and read
//! back from rows.

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, Utc};
use postgres::Row;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::lead::Value;
use crate::store::StoreError;
use crate::store::schema::SqlType;
use crate::store::value::{Bind, Cell};

type EncodeResult = Result<IsNull, Box<dyn std::error::Error + Sync + Send>>;

/// The PostgreSQL type of a column.
pub(super) fn pg_type(ty: SqlType) -> Type {
    match ty {
        SqlType::Text => Type::TEXT,
        SqlType::Integer => Type::INT4,
        SqlType::BigInt => Type::INT8,
        SqlType::Double => Type::FLOAT8,
        SqlType::Boolean => Type::BOOL,
        SqlType::Date => Type::DATE,
        SqlType::Timestamp => Type::TIMESTAMPTZ,
        SqlType::Json => Type::JSON,
        SqlType::Jsonb => Type::JSONB,
    }
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> EncodeResult {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Text(s) => s.to_sql_checked(ty, out),
            Value::Integer(i) => integer(*i, ty, out),
            Value::Boolean(b) => b.to_sql_checked(ty, out),
            Value::Date(d) => d.to_sql_checked(ty, out),
            Value::Real(x) => x.to_sql_checked(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [
            Type::TEXT,
            Type::INT4,
            Type::INT8,
            Type::BOOL,
            Type::DATE,
            Type::FLOAT8,
        ]
        .contains(ty)
    }

    to_sql_checked!();
}

impl ToSql for Bind<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> EncodeResult {
        match *self {
            Bind::Null => Ok(IsNull::Yes),
            Bind::Text(s) => s.to_sql_checked(ty, out),
            Bind::Int(i) => integer(i, ty, out),
            Bind::Float(x) => x.to_sql_checked(ty, out),
            Bind::Date(d) => d.to_sql_checked(ty, out),
            Bind::Time(t) => t.to_sql_checked(ty, out),
            Bind::Stamp(stamp) => stamp.time.to_sql_checked(ty, out),
            Bind::Json(text) if [Type::JSON, Type::JSONB].contains(ty) => {
                // `json` takes the text as it is; `jsonb` the format's version, 1, first.
                if *ty == Type::JSONB {
                    out.extend_from_slice(&[1]);
                }
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
            Bind::Json(_) => Err(format!("JSON text cannot be written as {ty}").into()),
            Bind::Value(v) => v.to_sql_checked(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [
            Type::TEXT,
            Type::INT4,
            Type::INT8,
            Type::FLOAT8,
            Type::BOOL,
            Type::DATE,
            Type::TIMESTAMPTZ,
            Type::JSON,
            Type::JSONB,
        ]
        .contains(ty)
    }

    to_sql_checked!();
}

/// A whole number in its column's width; one too large for an `INTEGER` column is an
/// error, never a wrapped value.
fn integer(i: i64, ty: &Type, out: &mut BytesMut) -> EncodeResult {
    if *ty == Type::INT4 {
        i32::try_from(i)?.to_sql_checked(ty, out)
    } else {
        i.to_sql_checked(ty, out)
    }
}

/// Cell `i` of a row, read as `ty`. JSON is read as text: queries cast it (`::text`).
pub(super) fn cell(row: &Row, i: usize, ty: SqlType) -> Result<Cell<'_>, StoreError> {
    Ok(match ty {
        SqlType::Text | SqlType::Json | SqlType::Jsonb => row
            .try_get::<_, Option<&str>>(i)?
            .map_or(Cell::Null, Cell::Text),
        SqlType::Integer => row
            .try_get::<_, Option<i32>>(i)?
            .map_or(Cell::Null, |n| Cell::Int(n.into())),
        SqlType::BigInt => row
            .try_get::<_, Option<i64>>(i)?
            .map_or(Cell::Null, Cell::Int),
        SqlType::Double => row
            .try_get::<_, Option<f64>>(i)?
            .map_or(Cell::Null, Cell::Float),
        SqlType::Boolean => row
            .try_get::<_, Option<bool>>(i)?
            .map_or(Cell::Null, Cell::Bool),
        SqlType::Date => row
            .try_get::<_, Option<NaiveDate>>(i)?
            .map_or(Cell::Null, Cell::Date),
        SqlType::Timestamp => row
            .try_get::<_, Option<DateTime<Utc>>>(i)?
            .map_or(Cell::Null, Cell::Time),
    })
}
