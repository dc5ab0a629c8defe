//! Rows in PostgreSQL's binary `COPY` format, encoded a batch at a time.
//!
//! The `postgres` crate's `BinaryCopyInWriter` hands its connection 4 KiB at a time, each a
//! message and a system call; a batch encoded here goes in large pieces, with far fewer
//! system calls. The format is PostgreSQL's own (`COPY … (FORMAT binary)`): a header, then per row its field count and each field's
//! length and bytes, then `-1`.

use bytes::{BufMut, BytesMut};
use postgres::types::{IsNull, ToSql, Type};

use crate::store::value::Bind;

/// The signature, then no flags and no header extension.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// A value `ToSql` could not write as its column's type.
pub(crate) type EncodeError = Box<dyn std::error::Error + Sync + Send>;

/// Rows of the columns `types`, encoded as they are pushed.
pub(super) struct BinaryRows<'t> {
    buf: BytesMut,
    types: &'t [Type],
}

impl<'t> BinaryRows<'t> {
    /// Rows encoded into `buf`, whose content is dropped and whose capacity is reused.
    pub(super) fn new(mut buf: BytesMut, types: &'t [Type]) -> BinaryRows<'t> {
        buf.clear();
        buf.put_slice(HEADER);
        BinaryRows { buf, types }
    }

    /// Appends a row: one value per column, in column order.
    pub(super) fn push(&mut self, values: &[Bind]) -> Result<(), EncodeError> {
        assert_eq!(values.len(), self.types.len(), "one value per column");
        self.buf.put_i16(i16::try_from(values.len())?);
        for (value, ty) in values.iter().zip(self.types) {
            let at = self.buf.len();
            self.buf.put_i32(0);
            let len = match value.to_sql_checked(ty, &mut self.buf)? {
                IsNull::Yes => -1,
                IsNull::No => i32::try_from(self.buf.len() - at - 4)?,
            };
            self.buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
        Ok(())
    }

    /// The encoded rows, with the format's trailer.
    pub(super) fn finish(mut self) -> BytesMut {
        self.buf.put_i16(-1);
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_header_rows_and_trailer() {
        let types = [Type::INT8, Type::TEXT];
        let mut rows = BinaryRows::new(BytesMut::new(), &types);
        rows.push(&[Bind::Int(7), Bind::Text("ok")]).unwrap();
        rows.push(&[Bind::Int(-1), Bind::Null]).unwrap();
        let mut expected = HEADER.to_vec();
        expected.extend([
            0, 2, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 2, b'o', b'k',
        ]);
        expected.extend([0, 2, 0, 0, 0, 8]);
        expected.extend([0xff; 8]);
        expected.extend([0xff, 0xff, 0xff, 0xff]);
        expected.extend([0xff, 0xff]);
        assert_eq!(rows.finish().as_ref(), expected.as_slice());
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error() {
        let types = [Type::INT8];
        let mut rows = BinaryRows::new(BytesMut::new(), &types);
        assert!(rows.push(&[Bind::Text("seven")]).is_err());
    }
}
