//! Normalizers: small pure functions that turn published text into typed lead values.
//!
//! A source spec names one normalizer per mapping rule. Each normalizer takes one or more
//! source fields and yields one or more named *parts* (a one-line address yields `address1`,
//! `address2`, `city`, `state` and `zip`), each of a fixed column type.

pub mod address;
pub mod ages;
pub mod company;
pub mod date;
pub mod email;
pub mod flag;
pub mod license;
pub mod number;
pub mod person;
pub mod phone;
pub mod schedule;
pub mod state;
pub mod text;
pub mod zip;

use std::fmt;

use serde::Deserialize;

use crate::lead::{ColumnType, Value};
use ages::AgeGroup;

/// Why a field value is doubtful or unusable: a machine-readable reason and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub reason: &'static str,
    pub message: String,
}

impl Issue {
    pub fn new(reason: &'static str, message: impl Into<String>) -> Issue {
        Issue {
            reason,
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.reason)
    }
}

/// What a normalizer makes of its inputs: `Ok(None)` clean, `Ok(Some(issue))` values kept
/// but doubtful, `Err(issue)` no usable value.
pub type Verdict = Result<Option<Issue>, Issue>;

/// The normalizers a spec can name in `with = "…"`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NormalizerName {
    Text,
    Upper,
    Integer,
    Date,
    Zip,
    Phone,
    Email,
    State,
    YesNo,
    Presence,
    UsAddress,
    Street,
    PersonName,
    NameAndTitle,
    LicenseNumber,
    Qualified,
    Dba,
    AgesText,
    AgeFlags,
    WeeklySchedule,
}

/// One named output of a normalizer.
#[derive(Clone, Copy, Debug)]
pub struct Part {
    pub name: &'static str,
    pub ty: ColumnType,
}

const fn part(name: &'static str, ty: ColumnType) -> Part {
    Part { name, ty }
}

use ColumnType::{Boolean, Date, Integer, Text};

const VALUE_TEXT: &[Part] = &[part("value", Text)];
const VALUE_INTEGER: &[Part] = &[part("value", Integer)];
const VALUE_DATE: &[Part] = &[part("value", Date)];
const VALUE_BOOLEAN: &[Part] = &[part("value", Boolean)];
const PHONE: &[Part] = &[part("value", Text), part("extension", Text)];
const STREET: &[Part] = &[part("address1", Text), part("address2", Text)];
const PERSON: &[Part] = &[
    part("first_name", Text),
    part("last_name", Text),
    part("full_name", Text),
];
const NAME_AND_TITLE: &[Part] = &[
    part("first_name", Text),
    part("last_name", Text),
    part("title", Text),
];
const LICENSE: &[Part] = &[part("type", Text), part("number", Text)];
const QUALIFIED: &[Part] = &[part("base", Text), part("qualifier", Text)];
const DBA: &[Part] = &[part("business", Text), part("owner", Text)];
const US_ADDRESS: &[Part] = &[
    part("address1", Text),
    part("address2", Text),
    part("city", Text),
    part("state", Text),
    part("zip", Text),
];
const AGES: &[Part] = &[
    part("ages_served", Text),
    part("min_age", Integer),
    part("max_age", Integer),
];

/// How many source fields a normalizer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    Exactly(usize),
    Between(usize, usize),
    AtLeastOne,
}

impl Arity {
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::Between(lo, hi) => (lo..=hi).contains(&n),
            Arity::AtLeastOne => n >= 1,
        }
    }
}

impl fmt::Display for Arity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arity::Exactly(k) => write!(f, "exactly {k}"),
            Arity::Between(lo, hi) => write!(f, "{lo} to {hi}"),
            Arity::AtLeastOne => f.write_str("at least 1"),
        }
    }
}

/// A normalizer ready to run, with the arguments its spec gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Normalizer {
    name: NormalizerName,
    age_groups: Vec<AgeGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgeFlagsArgs {
    groups: Vec<AgeGroup>,
}

impl Normalizer {
    /// Builds a normalizer from its name and the spec's `args` table.
    pub fn new(name: NormalizerName, args: Option<&toml::Table>) -> Result<Normalizer, String> {
        let age_groups = match (name, args) {
            (NormalizerName::AgeFlags, Some(args)) => {
                let args: AgeFlagsArgs = args.clone().try_into().map_err(|e| e.to_string())?;
                args.groups
            }
            (NormalizerName::AgeFlags, None) => {
                return Err("`age_flags` needs `args.groups`, one group per input column".into());
            }
            (_, Some(_)) => return Err(format!("`{}` takes no `args`", name.as_str())),
            (_, None) => Vec::new(),
        };
        Ok(Normalizer { name, age_groups })
    }

    pub fn name(&self) -> NormalizerName {
        self.name
    }

    /// The outputs, in the order [`Normalizer::apply`] fills them; the first is the one a
    /// rule's `to = "column"` takes.
    pub fn parts(&self) -> &'static [Part] {
        use NormalizerName as N;
        match self.name {
            N::Text | N::Upper | N::Zip | N::Email | N::State | N::WeeklySchedule => VALUE_TEXT,
            N::Integer => VALUE_INTEGER,
            N::Date => VALUE_DATE,
            N::YesNo | N::Presence => VALUE_BOOLEAN,
            N::Phone => PHONE,
            N::UsAddress => US_ADDRESS,
            N::Street => STREET,
            N::PersonName => PERSON,
            N::NameAndTitle => NAME_AND_TITLE,
            N::LicenseNumber => LICENSE,
            N::Qualified => QUALIFIED,
            N::Dba => DBA,
            N::AgesText | N::AgeFlags => AGES,
        }
    }

    /// How many source fields the normalizer reads.
    pub fn arity(&self) -> Arity {
        use NormalizerName as N;
        match self.name {
            N::Street => Arity::Between(1, 2),
            N::AgesText => Arity::AtLeastOne,
            N::AgeFlags => Arity::Exactly(self.age_groups.len()),
            N::WeeklySchedule => Arity::Exactly(7),
            _ => Arity::Exactly(1),
        }
    }

    /// Normalizes `inputs` into `out`, one slot per part. Slots of parts without a value
    /// are left `Null`.
    pub fn apply(&self, inputs: &[&str], out: &mut [Value]) -> Verdict {
        use NormalizerName as N;
        let first = inputs.first().copied().unwrap_or_default();
        match self.name {
            N::Text => out[0] = Value::text(text::clean(first)),
            N::Upper => out[0] = Value::text(text::clean(first).to_uppercase()),
            N::Integer => out[0] = number::integer(first)?.map_or(Value::Null, Value::Integer),
            N::Date => out[0] = date::date(first)?.map_or(Value::Null, Value::Date),
            N::Zip => out[0] = Value::from_option(zip::zip(first)?),
            N::State => out[0] = Value::from_option(state::state(first)?.map(String::from)),
            N::YesNo => out[0] = flag::yes_no(first)?.map_or(Value::Null, Value::Boolean),
            N::Presence => out[0] = Value::Boolean(flag::presence(first)),
            N::Email => {
                let Some((email, issue)) = email::email(first) else {
                    return Ok(None);
                };
                out[0] = Value::Text(email);
                return Ok(issue);
            }
            N::Phone => {
                let Some((phone, issue)) = phone::phone(first)? else {
                    return Ok(None);
                };
                out[0] = Value::Text(phone.e164);
                out[1] = Value::from_option(phone.extension);
                return Ok(issue);
            }
            N::UsAddress => {
                let Some((a, issue)) = address::one_line(first)? else {
                    return Ok(None);
                };
                out[0] = Value::text(a.address1);
                out[1] = Value::from_option(a.address2);
                out[2] = Value::from_option(a.city);
                out[3] = Value::from_option(a.state);
                out[4] = Value::from_option(a.zip);
                return Ok(issue);
            }
            N::Street => {
                let (address1, unit) = address::street_and_unit(first);
                let second = inputs
                    .get(1)
                    .map(|s| text::clean(s))
                    .filter(|s| !s.is_empty());
                let address2: Vec<String> = unit.into_iter().chain(second).collect();
                out[0] = Value::text(address1);
                out[1] = Value::text(address2.join(" "));
            }
            N::PersonName => {
                if let Some(person) = person::primary_person(first) {
                    out[2] = Value::text(person.full());
                    out[0] = Value::text(person.first);
                    out[1] = Value::from_option(person.last);
                }
            }
            N::NameAndTitle => {
                let (person, title) = person::name_and_title(first);
                if let Some(person) = person {
                    out[0] = Value::text(person.first);
                    out[1] = Value::from_option(person.last);
                }
                out[2] = Value::from_option(title);
            }
            N::LicenseNumber => {
                let (kind, number) = license::type_and_number(first);
                out[0] = Value::text(kind);
                out[1] = Value::from_option(number);
            }
            N::Qualified => {
                let (base, qualifier) = license::qualified(first);
                out[0] = Value::text(base);
                out[1] = Value::from_option(qualifier);
            }
            N::Dba => {
                let (business, owner) = company::business_and_owner(first);
                out[0] = Value::text(business);
                out[1] = Value::from_option(owner);
            }
            N::AgesText | N::AgeFlags => {
                let served = if self.name == N::AgesText {
                    ages::from_text(inputs)?
                } else {
                    ages::from_flags(inputs, &self.age_groups)?
                };
                out[0] = Value::from_option(served.label_list());
                out[1] = served.min_months.map_or(Value::Null, Value::Integer);
                out[2] = served.max_months.map_or(Value::Null, Value::Integer);
            }
            N::WeeklySchedule => {
                let Some((week, issue)) = schedule::weekly(inputs)? else {
                    return Ok(None);
                };
                out[0] = Value::Text(week);
                return Ok(issue);
            }
        }
        Ok(None)
    }
}

impl NormalizerName {
    /// The name a spec writes.
    pub fn as_str(self) -> &'static str {
        use NormalizerName as N;
        match self {
            N::Text => "text",
            N::Upper => "upper",
            N::Integer => "integer",
            N::Date => "date",
            N::Zip => "zip",
            N::Phone => "phone",
            N::Email => "email",
            N::State => "state",
            N::YesNo => "yes_no",
            N::Presence => "presence",
            N::UsAddress => "us_address",
            N::Street => "street",
            N::PersonName => "person_name",
            N::NameAndTitle => "name_and_title",
            N::LicenseNumber => "license_number",
            N::Qualified => "qualified",
            N::Dba => "dba",
            N::AgesText => "ages_text",
            N::AgeFlags => "age_flags",
            N::WeeklySchedule => "weekly_schedule",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: NormalizerName, inputs: &[&str]) -> (Vec<Value>, Verdict) {
        let n = Normalizer::new(name, None).unwrap();
        let mut out = vec![Value::Null; n.parts().len()];
        let verdict = n.apply(inputs, &mut out);
        (out, verdict)
    }

    #[test]
    fn fills_parts_in_order() {
        let (out, verdict) = run(
            NormalizerName::UsAddress,
            &["555 PAGE ST LAS VEGAS, NV 89110"],
        );
        assert_eq!(verdict, Ok(None));
        assert_eq!(
            out,
            ["555 PAGE ST", "", "LAS VEGAS", "NV", "89110"]
                .map(Value::text)
                .to_vec()
        );
    }

    #[test]
    fn street_joins_a_unit_with_the_second_line() {
        let (out, _) = run(NormalizerName::Street, &["12 ELM ST STE 4", "REAR"]);
        assert_eq!(
            out,
            vec![Value::text("12 ELM ST"), Value::text("STE 4 REAR")]
        );
    }

    #[test]
    fn a_failure_is_an_error_verdict() {
        let (out, verdict) = run(NormalizerName::Date, &["someday"]);
        assert_eq!(out, vec![Value::Null]);
        assert_eq!(verdict.unwrap_err().reason, "invalid_date");
    }

    #[test]
    fn age_flags_need_their_groups() {
        assert!(Normalizer::new(NormalizerName::AgeFlags, None).is_err());
        let args: toml::Table =
            toml::from_str("groups = [{ label = \"Infants\", min_months = 0, max_months = 17 }]")
                .unwrap();
        let n = Normalizer::new(NormalizerName::AgeFlags, Some(&args)).unwrap();
        assert_eq!(n.arity(), Arity::Exactly(1));
        assert!(Normalizer::new(NormalizerName::Text, Some(&args)).is_err());
    }
}
