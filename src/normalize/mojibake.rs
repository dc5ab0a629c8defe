//! Mojibake: text an agency's software decoded with the wrong encoding before publishing it.
//! Such a value is kept as published and flagged (`map` notes it in a lead's `issues`), so
//! that nobody takes `KIDâ€™S PLACE` for a provider's real name.
//!
//! Two misreadings are told, by sequences that legitimate text does not hold:
//!
//! - UTF-8 read as Windows-1252 or Latin-1: `Â` or `Ã` followed by a character whose
//!   Windows-1252 byte continues a UTF-8 sequence (`Ã©` for `é`, `Â°` for `°`), and `â`
//!   followed by two such (`â€™` for `’`, `â€œ` for `“`). These three leads cover Latin-1
//!   letters and signs and the typographic punctuation. An `Ã` of a real word (`SÃO`, `JOÃO`)
//!   is followed by a letter, which continues no UTF-8 sequence, and is not flagged; other
//!   leads (`Å`, `Ñ`, `É`) stay unflagged, as `“JOSÉ”` shows they can be sound.
//! - A Windows-1252 apostrophe (byte `0x92`) read as Mac Roman, where it is `í`: an `í`
//!   between a capital letter and an `S` that ends the word (`ANGELíS` for `ANGEL’S`), which
//!   no accented name has (`María`, `RAMíSES` are left alone).

use std::fmt;

/// A garbled sequence found in a text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Mojibake<'a> {
    /// The sequence as the text has it: `â€™`.
    pub(crate) found: &'a str,
    /// The character it stands for: `’`.
    pub(crate) meant: char,
    pub(crate) misreading: Misreading,
}

/// How a text was misread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Misreading {
    Utf8AsWindows1252,
    Windows1252AsMacRoman,
}

impl fmt::Display for Mojibake<'_> {
    /// `` `â€™` (`’` in UTF-8 read as Windows-1252) ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let misreading = match self.misreading {
            Misreading::Utf8AsWindows1252 => "UTF-8 read as Windows-1252",
            Misreading::Windows1252AsMacRoman => "Windows-1252 read as Mac Roman",
        };
        write!(f, "`{}` (`{}` in {misreading})", self.found, self.meant)
    }
}

/// The first mojibake in `text`, if any. A text of ASCII alone, as most values are, is told
/// from its bytes without a look at its characters.
pub(crate) fn find(text: &str) -> Option<Mojibake<'_>> {
    if text.is_ascii() {
        return None;
    }
    let mut previous = None;
    for (at, c) in text.char_indices() {
        let after = &text[at + c.len_utf8()..];
        let found = match c {
            'Â' | 'Ã' => utf8_read_as_1252(c, after, 1),
            'â' => utf8_read_as_1252(c, after, 2),
            'í' if previous.is_some_and(|p: char| p.is_ascii_uppercase()) => {
                apostrophe_read_as_mac_roman(after)
            }
            _ => None,
        };
        if let Some((len, meant, misreading)) = found {
            return Some(Mojibake {
                found: &text[at..at + len],
                meant,
                misreading,
            });
        }
        previous = Some(c);
    }
    None
}

/// Where the mojibake is, what it stands for, and how it was misread.
type Found = (usize, char, Misreading);

/// `lead` (a UTF-8 lead byte read as Windows-1252) and the `continuations` characters of
/// `after` that continue it, read back as UTF-8.
fn utf8_read_as_1252(lead: char, after: &str, continuations: usize) -> Option<Found> {
    let mut bytes = [lead as u8, 0, 0];
    let mut len = lead.len_utf8();
    for (i, c) in after.chars().take(continuations).enumerate() {
        bytes[i + 1] = windows_1252_byte(c).filter(|b| (0x80..=0xBF).contains(b))?;
        len += c.len_utf8();
    }
    let sequence = std::str::from_utf8(&bytes[..=continuations]).ok()?;
    let meant = sequence.chars().next()?;
    Some((len, meant, Misreading::Utf8AsWindows1252))
}

/// An `í` (after a capital letter) that is an apostrophe: followed by an `S` that ends the
/// word.
fn apostrophe_read_as_mac_roman(after: &str) -> Option<Found> {
    let mut next = after.chars();
    let ends_word = next.next() == Some('S') && !next.next().is_some_and(char::is_alphabetic);
    ends_word.then_some(('í'.len_utf8(), '’', Misreading::Windows1252AsMacRoman))
}

/// The Windows-1252 characters of bytes 0x80–0x9F; the five bytes it leaves undefined read
/// as the control characters of the same number (as Latin-1 reads all 32).
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The byte of the upper half (0x80–0xFF) a character is read from, in Windows-1252 or in
/// Latin-1 (where 0x80–0x9F are control characters).
fn windows_1252_byte(c: char) -> Option<u8> {
    if let Some(i) = WINDOWS_1252_HIGH.iter().position(|&high| high == c) {
        return Some(0x80 + i as u8);
    }
    u8::try_from(u32::from(c)).ok().filter(|&b| b >= 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meant(text: &str) -> Option<(&str, char)> {
        find(text).map(|m| (m.found, m.meant))
    }

    #[test]
    fn utf8_read_as_windows_1252_is_found_with_what_it_stands_for() {
        assert_eq!(meant("KIDâ€™S PLACE"), Some(("â€™", '’')));
        assert_eq!(meant("â€œLITTLE ONESâ€\u{9d}"), Some(("â€œ", '“')));
        assert_eq!(meant("ONESâ€\u{9d}"), Some(("â€\u{9d}", '”')));
        assert_eq!(meant("JOSÃ© PEÃ±A"), Some(("Ã©", 'é')));
        assert_eq!(meant("PEÃ±A"), Some(("Ã±", 'ñ')));
        assert_eq!(meant("MÃ¼LLER"), Some(("Ã¼", 'ü')));
        assert_eq!(meant("90Â°"), Some(("Â°", '°')));
        // Read as Latin-1, where 0x9C is a control character.
        assert_eq!(meant("â\u{80}\u{9c}"), Some(("â\u{80}\u{9c}", '“')));
    }

    #[test]
    fn an_apostrophe_read_as_mac_roman_is_found_before_a_final_s() {
        assert_eq!(meant("MY LITTLE ANGELíS HOME"), Some(("í", '’')));
        assert_eq!(meant("KIDíS"), Some(("í", '’')));
        let found = find("KIDíS").unwrap();
        assert_eq!(
            found.to_string(),
            "`í` (`’` in Windows-1252 read as Mac Roman)"
        );
    }

    #[test]
    fn legitimate_accents_and_plain_text_are_not_mojibake() {
        for text in [
            "María",
            "JOSÉ",
            "Café",
            "Ñandú",
            "PEÑA",
            "SÃO PAULO",
            "JOÃO",
            "CONCEIÇÃO",
            "château",
            "“JOSÉ”",
            "ANGEL’S",
            "Kidís",
            "RAMíSES",
            "MARíA",
            "SUNSHINE ACADEMY PRE-SCHOOL",
            "",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }

    #[test]
    fn the_table_is_windows_1252() {
        for byte in 0x80..=0xFFu8 {
            let bytes = [byte];
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
            let c = text.chars().next().unwrap();
            assert_eq!(windows_1252_byte(c), Some(byte), "{byte:#x}");
        }
        assert_eq!(windows_1252_byte('a'), None);
        assert_eq!(windows_1252_byte('\u{2603}'), None);
    }
}
