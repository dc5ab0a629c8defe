//! Bytes to text: the file's encoding from its byte-order mark or its spec, and per-field
//! repair of stray Windows-1252 bytes in otherwise UTF-8 text.

use std::io::{BufRead, BufReader, Read};

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;

/// What decoding a field had to do besides plain UTF-8.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Repairs {
    /// The field was not valid UTF-8 and was read as Windows-1252.
    pub windows_1252: bool,
    /// NUL bytes were removed (databases refuse them in text).
    pub nul_removed: bool,
}

/// Decodes one field. Valid UTF-8 is kept as is; bytes that are not valid UTF-8 are read as
/// Windows-1252, which maps every byte (0x92 → U+2019 `’`). Only those bytes are affected, so
/// one stray byte garbles neither the rest of its field nor the rest of the file.
pub(crate) fn decode_field(bytes: &[u8]) -> (String, Repairs) {
    let mut text = String::with_capacity(bytes.len());
    let repairs = decode_field_into(bytes, &mut text);
    (text, repairs)
}

/// [`decode_field`], appending the text to `text`.
pub(crate) fn decode_field_into(bytes: &[u8], text: &mut String) -> Repairs {
    let mut repairs = Repairs::default();
    let start = text.len();
    match std::str::from_utf8(bytes) {
        Ok(s) => text.push_str(s),
        Err(_) => {
            repairs.windows_1252 = true;
            for chunk in bytes.utf8_chunks() {
                text.push_str(chunk.valid());
                text.push_str(&WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
            }
        }
    }
    if text[start..].contains('\0') {
        repairs.nul_removed = true;
        let kept: String = text[start..].chars().filter(|&c| c != '\0').collect();
        text.truncate(start);
        text.push_str(&kept);
    }
    repairs
}

/// Opens a byte stream as UTF-8. With `encoding` given, the stream is transcoded from it.
/// Without (`auto`), a byte-order mark decides: UTF-16 is transcoded, a UTF-8 mark is
/// dropped, and unmarked bytes pass through for [`decode_field`]. Returns the stream and
/// the name of the encoding read.
pub(crate) fn open_as_utf8<R: Read + Send + 'static>(
    input: R,
    encoding: Option<&'static Encoding>,
) -> std::io::Result<(Box<dyn BufRead + Send>, &'static str)> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let encoding = match encoding {
        Some(encoding) => encoding,
        None => match Encoding::for_bom(input.fill_buf()?) {
            Some((bom_encoding, bom_len)) if bom_encoding == UTF_8 => {
                input.consume(bom_len);
                return Ok((Box::new(input), "utf-8"));
            }
            Some((bom_encoding, _)) => bom_encoding,
            None => return Ok((Box::new(input), "utf-8")),
        },
    };
    if encoding == UTF_8 {
        return Ok((Box::new(input), "utf-8"));
    }
    let transcoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .strip_bom(true)
        .build(input);
    Ok((
        Box::new(BufReader::with_capacity(1 << 16, transcoded)),
        encoding.name(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(
        bytes: &'static [u8],
        encoding: Option<&'static Encoding>,
    ) -> (String, &'static str) {
        let (mut reader, name) = open_as_utf8(bytes, encoding).unwrap();
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        (text, name)
    }

    #[test]
    fn repairs_a_stray_windows_1252_byte_in_one_field() {
        let (text, repairs) = decode_field(b"MY LITTLE ANGEL\x92S HOME DAYCARE LLC");
        assert_eq!(text, "MY LITTLE ANGEL\u{2019}S HOME DAYCARE LLC");
        assert!(repairs.windows_1252);
    }

    #[test]
    fn repairs_only_the_invalid_bytes_of_a_field() {
        let (text, repairs) = decode_field(
            "Café "
                .as_bytes()
                .iter()
                .chain(b"\x92s")
                .copied()
                .collect::<Vec<_>>()
                .as_slice(),
        );
        assert_eq!(text, "Café \u{2019}s");
        assert!(repairs.windows_1252);
    }

    #[test]
    fn keeps_valid_utf8_and_drops_nul_bytes() {
        assert_eq!(
            decode_field("Café".as_bytes()),
            ("Café".into(), Repairs::default())
        );
        let (text, repairs) = decode_field(b"A\0B");
        assert_eq!(text, "AB");
        assert!(repairs.nul_removed && !repairs.windows_1252);
    }

    #[test]
    fn decodes_into_the_end_of_a_buffer() {
        let mut text = String::from("A\0");
        assert!(decode_field_into(b"B\0\x92", &mut text).nul_removed);
        assert_eq!(text, "A\0B\u{2019}");
    }

    #[test]
    fn drops_a_utf8_bom_and_transcodes_utf16() {
        assert_eq!(
            read_all(b"\xEF\xBB\xBFName,Zip\n", None),
            ("Name,Zip\n".into(), "utf-8")
        );
        assert_eq!(
            read_all(b"\xFF\xFEA\x00,\x00B\x00", None),
            ("A,B".into(), "UTF-16LE")
        );
    }

    #[test]
    fn transcodes_a_declared_encoding() {
        let (text, name) = read_all(b"Caf\xe9", Some(WINDOWS_1252));
        assert_eq!((text.as_str(), name), ("Café", "windows-1252"));
    }

    #[test]
    fn passes_unmarked_bytes_through() {
        let (mut reader, _) = open_as_utf8(&b"ANGEL\x92S"[..], None).unwrap();
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, b"ANGEL\x92S");
    }
}
