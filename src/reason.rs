//! Why a record is rejected or a value is doubtful: one closed vocabulary, stored as text in
//! `rejects.reason` and in the `issues` JSON of a lead, and counted in the run's summary.

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

/// Declares [`Reason`] with the text each variant is stored as, and the list of them all,
/// from one table, so that no variant can be missing from either.
macro_rules! reasons {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// A machine-readable reason for a reject or an issue. Reasons order by their text,
        /// the order the run's summary prints them in.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Reason {
            $($(#[$doc])* $variant,)*
        }

        impl Reason {
            /// Every reason, in declaration order.
            pub const ALL: &[Reason] = &[$(Reason::$variant,)*];

            /// The text stored in the database and shown to people.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Reason::$variant => $text,)*
                }
            }
        }
    };
}

reasons! {
    // The record's structure (see `read::Defect`).
    /// A quoted field never closes.
    UnterminatedQuote = "unterminated_quote",
    /// The record is longer than any sound record.
    OversizedRecord = "oversized_record",
    /// The text does not parse as one record.
    UnparsableRecord = "unparsable_record",
    /// Fewer fields than the header has columns.
    TooFewFields = "too_few_fields",
    /// More fields than the header has columns, the extra ones not empty.
    TooManyFields = "too_many_fields",
    /// A loaded record whose quoted field runs past the spec's `max_record_lines`.
    LongRecord = "long_record",
    /// A loaded record read again with a quote that closes nothing as a character.
    StrayQuote = "stray_quote",

    // The record as a lead (see `map` and `validate`).
    /// A rule marked `required` gives no value.
    MissingRequired = "missing_required",
    /// The record has no natural key.
    MissingKey = "missing_key",
    /// An earlier record of the same file had the key.
    DuplicateKey = "duplicate_key",

    // One field's value (see `normalize`).
    /// Not a whole number.
    InvalidInteger = "invalid_integer",
    /// A whole number beyond the range of INTEGER columns.
    IntegerOutOfRange = "integer_out_of_range",
    /// No calendar date.
    InvalidDate = "invalid_date",
    /// Not a US ZIP code.
    InvalidZip = "invalid_zip",
    /// Not a phone number.
    InvalidPhone = "invalid_phone",
    /// A phone number of the right shape that its numbering plan does not assign.
    UnassignedPhone = "unassigned_phone",
    /// Not a deliverable-looking e-mail address.
    InvalidEmail = "invalid_email",
    /// Not a US state (nor, read with a country, a Canadian province).
    InvalidState = "invalid_state",
    /// Not a country.
    InvalidCountry = "invalid_country",
    /// An address outside the US: kept, and never one entity with a lead in another country.
    NonUsAddress = "non_us_address",
    /// Neither yes nor no.
    InvalidFlag = "invalid_flag",
    /// A one-line address that does not end in a state and ZIP code.
    UnparsedAddress = "unparsed_address",
    /// No city of the address's ZIP code or state ends its street text.
    UnresolvedCity = "unresolved_city",
    /// A value the spec's lookup table lacks.
    UnmappedValue = "unmapped_value",
    /// An age group without readable ages.
    InvalidAgeGroup = "invalid_age_group",
    /// Not seven days of opening hours.
    InvalidSchedule = "invalid_schedule",
    /// A day's opening hours that cannot be read.
    UnreadableHours = "unreadable_hours",
    /// Text garbled by a wrong decoding before it was published (`â€™` for `’`): kept as
    /// published, and noted.
    Mojibake = "mojibake",
}

impl Ord for Reason {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Reason {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_its_own_text_in_every_form() {
        for &reason in Reason::ALL {
            let text = reason.as_str();
            let same_text: Vec<_> = Reason::ALL.iter().filter(|r| r.as_str() == text).collect();
            assert_eq!(same_text, [&reason], "{text}");
            assert_eq!(reason.to_string(), text);
            assert_eq!(
                serde_json::to_string(&reason).unwrap(),
                format!("\"{text}\"")
            );
        }
        assert_eq!(Reason::ALL.len(), 28);
        assert_eq!(Reason::UnassignedPhone.as_str(), "unassigned_phone");
    }

    #[test]
    fn reasons_order_by_their_text() {
        let mut reasons = Reason::ALL.to_vec();
        reasons.sort();
        let texts: Vec<_> = reasons.iter().map(|r| r.as_str()).collect();
        let mut sorted = texts.clone();
        sorted.sort_unstable();
        assert_eq!(texts, sorted);
        assert_eq!(
            texts[..3],
            ["duplicate_key", "integer_out_of_range", "invalid_age_group"]
        );
    }
}
