//! US states and territories as their two-letter postal codes; with Canada's provinces
//! and territories, and a country, the region of an address outside the US too.

use super::{Arity, Build, Descriptor, Issue, VALUE_TEXT, Verdict, part};
use crate::lead::{ColumnType::Text, Value};
use crate::reason::Reason;

pub(crate) static STATE: Descriptor = Descriptor::one_value(
    "state",
    VALUE_TEXT,
    "two-letter code from a code or a name",
    |s| Ok(Value::from_option(state(s)?.map(String::from))),
);

const STATES: [(&str, &str); 56] = [
    ("AL", "ALABAMA"),
    ("AK", "ALASKA"),
    ("AZ", "ARIZONA"),
    ("AR", "ARKANSAS"),
    ("CA", "CALIFORNIA"),
    ("CO", "COLORADO"),
    ("CT", "CONNECTICUT"),
    ("DE", "DELAWARE"),
    ("DC", "DISTRICT OF COLUMBIA"),
    ("FL", "FLORIDA"),
    ("GA", "GEORGIA"),
    ("HI", "HAWAII"),
    ("ID", "IDAHO"),
    ("IL", "ILLINOIS"),
    ("IN", "INDIANA"),
    ("IA", "IOWA"),
    ("KS", "KANSAS"),
    ("KY", "KENTUCKY"),
    ("LA", "LOUISIANA"),
    ("ME", "MAINE"),
    ("MD", "MARYLAND"),
    ("MA", "MASSACHUSETTS"),
    ("MI", "MICHIGAN"),
    ("MN", "MINNESOTA"),
    ("MS", "MISSISSIPPI"),
    ("MO", "MISSOURI"),
    ("MT", "MONTANA"),
    ("NE", "NEBRASKA"),
    ("NV", "NEVADA"),
    ("NH", "NEW HAMPSHIRE"),
    ("NJ", "NEW JERSEY"),
    ("NM", "NEW MEXICO"),
    ("NY", "NEW YORK"),
    ("NC", "NORTH CAROLINA"),
    ("ND", "NORTH DAKOTA"),
    ("OH", "OHIO"),
    ("OK", "OKLAHOMA"),
    ("OR", "OREGON"),
    ("PA", "PENNSYLVANIA"),
    ("RI", "RHODE ISLAND"),
    ("SC", "SOUTH CAROLINA"),
    ("SD", "SOUTH DAKOTA"),
    ("TN", "TENNESSEE"),
    ("TX", "TEXAS"),
    ("UT", "UTAH"),
    ("VT", "VERMONT"),
    ("VA", "VIRGINIA"),
    ("WA", "WASHINGTON"),
    ("WV", "WEST VIRGINIA"),
    ("WI", "WISCONSIN"),
    ("WY", "WYOMING"),
    ("PR", "PUERTO RICO"),
    ("GU", "GUAM"),
    ("VI", "VIRGIN ISLANDS"),
    ("AS", "AMERICAN SAMOA"),
    ("MP", "NORTHERN MARIANA ISLANDS"),
];

/// The two-letter code of a state written as a code or a name (`nv`, `Nevada` → `NV`).
pub(crate) fn state(s: &str) -> Result<Option<&'static str>, Issue> {
    let upper = super::text::clean(s).trim_end_matches('.').to_uppercase();
    if upper.is_empty() {
        return Ok(None);
    }
    STATES
        .iter()
        .find(|(code, name)| *code == upper || *name == upper)
        .map(|(code, _)| Some(*code))
        .ok_or_else(|| Issue::new(Reason::InvalidState, format!("`{s}` is not a US state")))
}

/// A state or province with its country, for CRM exports, which hold both and not only US
/// addresses.
pub(crate) static REGION: Descriptor = Descriptor {
    name: "region",
    parts: &[part("state", Text), part("country", Text)],
    gives: "[`state`, `country`] from a state or province (a code or a name) and, in a second field, a country (a code or a name): a US state gives its code and `US`, a Canadian province or territory its code and `CA` (a state is read as a US one first: `CA` alone is California); another country's region is kept as written, upper-cased; an address outside the US is kept and noted (`non_us_address`)",
    build: Build::Fixed {
        arity: Arity::Between(1, 2),
        apply: region_parts,
    },
};

/// Canada's provinces and territories: their postal codes, their names (English and French
/// where they differ) and older codes.
const PROVINCES: [(&str, &[&str]); 13] = [
    ("AB", &["ALBERTA"]),
    ("BC", &["BRITISH COLUMBIA", "COLOMBIE-BRITANNIQUE"]),
    ("MB", &["MANITOBA"]),
    ("NB", &["NEW BRUNSWICK", "NOUVEAU-BRUNSWICK"]),
    (
        "NL",
        &[
            "NEWFOUNDLAND AND LABRADOR",
            "NEWFOUNDLAND",
            "LABRADOR",
            "NF",
        ],
    ),
    ("NS", &["NOVA SCOTIA", "NOUVELLE-ÉCOSSE"]),
    ("NT", &["NORTHWEST TERRITORIES"]),
    ("NU", &["NUNAVUT"]),
    ("ON", &["ONTARIO"]),
    ("PE", &["PRINCE EDWARD ISLAND", "ÎLE-DU-PRINCE-ÉDOUARD"]),
    ("QC", &["QUEBEC", "QUÉBEC", "PQ"]),
    ("SK", &["SASKATCHEWAN"]),
    ("YT", &["YUKON", "YUKON TERRITORY"]),
];

/// A field upper-cased, blanks collapsed, dots dropped (`U.S.A.` is `USA`, `N.S.` is `NS`).
fn spelled(s: &str) -> String {
    super::text::clean(s)
        .replace('.', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// The code a table gives a written name or code, if it has it.
fn coded(table: &[(&'static str, &[&str])], written: &str) -> Option<&'static str> {
    let squeezed = written.replace(' ', "");
    table
        .iter()
        .find(|(code, names)| *code == squeezed || names.contains(&written))
        .map(|(code, _)| *code)
}

/// The ISO 3166-1 alpha-2 code of a country written as its code (two or three letters), its
/// name or a common alias (`USA`, `U.S.`, `United States`, `Canada`), by `celes`.
fn country(s: &str) -> Result<Option<&'static str>, Issue> {
    let written = spelled(s);
    if written.is_empty() {
        return Ok(None);
    }
    // celes spells names without blanks (`UnitedStatesOfAmerica`), in any case.
    let squeezed: String = written.split(' ').collect();
    squeezed
        .parse::<celes::Country>()
        .map(|country| Some(country.alpha2))
        .map_err(|_| Issue::new(Reason::InvalidCountry, format!("`{s}` is not a country")))
}

/// `[state, country]` of a region and, when given, its country.
fn region_parts(inputs: &[&str], out: &mut [Value]) -> Verdict {
    let (written_region, written_country) = (inputs[0], inputs.get(1).copied().unwrap_or(""));
    let country = country(written_country)?;
    let region = spelled(written_region);
    let us_state = || state(written_region).ok().flatten();
    let province = || coded(&PROVINCES, &region);
    let (state, country) = match country {
        _ if region.is_empty() => (None, country),
        None => match (us_state(), province()) {
            (Some(code), _) => (Some(code.to_string()), Some("US")),
            (None, Some(code)) => (Some(code.to_string()), Some("CA")),
            (None, None) => {
                return Err(Issue::new(
                    Reason::InvalidState,
                    format!("`{written_region}` is not a US state or a Canadian province"),
                ));
            }
        },
        Some("US") => (state(written_region)?.map(String::from), country),
        Some("CA") => match province() {
            Some(code) => (Some(code.to_string()), country),
            None => {
                return Err(Issue::new(
                    Reason::InvalidState,
                    format!("`{written_region}` is not a Canadian province or territory"),
                ));
            }
        },
        Some(_) => (Some(region), country),
    };
    out[0] = Value::from_option(state);
    out[1] = Value::from_option(country.map(String::from));
    Ok(match country {
        Some(code) if code != "US" => Some(Issue::new(
            Reason::NonUsAddress,
            format!(
                "an address in {code}: kept, and never one entity with a lead in another country"
            ),
        )),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(inputs: &[&str]) -> Result<(Value, Value, Option<Reason>), Reason> {
        let mut out = [Value::Null, Value::Null];
        match region_parts(inputs, &mut out) {
            Ok(issue) => {
                let [state, country] = out;
                Ok((state, country, issue.map(|i| i.reason)))
            }
            Err(issue) => Err(issue.reason),
        }
    }

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn a_region_is_a_us_state_first_then_a_province() {
        assert_eq!(region(&["New York"]), Ok((text("NY"), text("US"), None)));
        assert_eq!(
            region(&["louisiana", ""]),
            Ok((text("LA"), text("US"), None))
        );
        assert_eq!(region(&["CA"]), Ok((text("CA"), text("US"), None)));
        let canada = Some(Reason::NonUsAddress);
        assert_eq!(region(&["BC"]), Ok((text("BC"), text("CA"), canada)));
        assert_eq!(
            region(&["Alberta", ""]),
            Ok((text("AB"), text("CA"), canada))
        );
        assert_eq!(
            region(&["Newfoundland"]),
            Ok((text("NL"), text("CA"), canada))
        );
        assert_eq!(region(&["Nowhere"]), Err(Reason::InvalidState));
    }

    #[test]
    fn a_country_decides_where_the_region_is_read() {
        let canada = Some(Reason::NonUsAddress);
        assert_eq!(region(&["CA", "Canada"]), Err(Reason::InvalidState));
        assert_eq!(
            region(&["Québec", "CAN"]),
            Ok((text("QC"), text("CA"), canada))
        );
        assert_eq!(
            region(&["N.S.", "Canada"]),
            Ok((text("NS"), text("CA"), canada))
        );
        assert_eq!(
            region(&["Texas", "U.S.A."]),
            Ok((text("TX"), text("US"), None))
        );
        assert_eq!(
            region(&["Ontario", "United States"]),
            Err(Reason::InvalidState)
        );
        assert_eq!(
            region(&["Jalisco", "Mexico"]),
            Ok((text("JALISCO"), text("MX"), Some(Reason::NonUsAddress)))
        );
        assert_eq!(
            region(&["", "Canada"]),
            Ok((Value::Null, text("CA"), canada))
        );
        assert_eq!(region(&["", ""]), Ok((Value::Null, Value::Null, None)));
        assert_eq!(region(&["NV", "Atlantis"]), Err(Reason::InvalidCountry));
    }

    #[test]
    fn reads_codes_and_names() {
        assert_eq!(state("NV"), Ok(Some("NV")));
        assert_eq!(state(" ok "), Ok(Some("OK")));
        assert_eq!(state("Texas"), Ok(Some("TX")));
        assert_eq!(state(""), Ok(None));
        assert_eq!(state("Nevadaa").unwrap_err().reason, Reason::InvalidState);
    }
}
