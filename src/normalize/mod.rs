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

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use crate::lead::{ColumnType, Value};
use crate::reason::Reason;
use ages::AgeGroup;

/// Why a field value is doubtful or unusable: a machine-readable reason and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub reason: Reason,
    pub message: String,
}

impl Issue {
    pub fn new(reason: Reason, message: impl Into<String>) -> Issue {
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
    ZipCounty,
    YesNo,
    Presence,
    UsAddress,
    Street,
    PersonName,
    NameAndTitle,
    LicenseNumber,
    Qualified,
    StatusWithQualifier,
    Lookup,
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
const PHONE: &[Part] = &[
    part("value", Text),
    part("extension", Text),
    part("valid", Boolean),
    part("second", Text),
];
const EMAIL: &[Part] = &[part("value", Text), part("valid", Boolean)];
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
    args: Args,
}

/// The arguments of the normalizers that take some.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Args {
    None,
    /// `age_flags`: the age group of each input column.
    AgeGroups(Vec<AgeGroup>),
    /// `lookup`: published-value pattern → canonical value.
    Lookup(Vec<(glob::Pattern, String)>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgeFlagsArgs {
    groups: Vec<AgeGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LookupArgs {
    values: HashMap<String, String>,
}

impl Normalizer {
    /// Builds a normalizer from its name and the spec's `args` table.
    pub fn new(name: NormalizerName, args: Option<&toml::Table>) -> Result<Normalizer, String> {
        let parse_error = |e: toml::de::Error| e.to_string();
        let args = match (name, args) {
            (NormalizerName::AgeFlags, Some(args)) => {
                let args: AgeFlagsArgs = args.clone().try_into().map_err(parse_error)?;
                Args::AgeGroups(args.groups)
            }
            (NormalizerName::Lookup, Some(args)) => {
                let args: LookupArgs = args.clone().try_into().map_err(parse_error)?;
                let mut values = args
                    .values
                    .into_iter()
                    .map(|(pattern, value)| {
                        glob::Pattern::new(&text::clean(&pattern))
                            .map(|p| (p, value))
                            .map_err(|e| format!("`args.values`: `{pattern}`: {e}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                // The most specific (longest) pattern that matches wins; patterns of one
                // length are tried in text order, so every run maps alike.
                values.sort_by(|(a, _), (b, _)| {
                    (b.as_str().len(), a.as_str()).cmp(&(a.as_str().len(), b.as_str()))
                });
                Args::Lookup(values)
            }
            (NormalizerName::AgeFlags, None) => {
                return Err("`age_flags` needs `args.groups`, one group per input column".into());
            }
            (NormalizerName::Lookup, None) => {
                return Err(
                    "`lookup` needs `args.values`, a table of published → canonical values".into(),
                );
            }
            (_, Some(_)) => return Err(format!("`{}` takes no `args`", name.as_str())),
            (_, None) => Args::None,
        };
        Ok(Normalizer { name, args })
    }

    pub fn name(&self) -> NormalizerName {
        self.name
    }

    /// The outputs, in the order [`Normalizer::apply`] fills them; the first is the one a
    /// rule's `to = "column"` takes.
    pub fn parts(&self) -> &'static [Part] {
        use NormalizerName as N;
        match self.name {
            N::Text | N::Upper | N::Zip | N::State | N::ZipCounty | N::WeeklySchedule => VALUE_TEXT,
            N::StatusWithQualifier | N::Lookup => VALUE_TEXT,
            N::Email => EMAIL,
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
            N::StatusWithQualifier => Arity::Exactly(2),
            N::AgesText => Arity::AtLeastOne,
            N::AgeFlags => Arity::Exactly(match &self.args {
                Args::AgeGroups(groups) => groups.len(),
                _ => 0,
            }),
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
            N::ZipCounty => out[0] = Value::from_option(address::county_of_zip(first)),
            N::Email => {
                let Some((email, valid)) = email::email(first) else {
                    return Ok(None);
                };
                let issue = (!valid).then(|| {
                    Issue::new(
                        Reason::InvalidEmail,
                        format!("`{email}` is not an e-mail address"),
                    )
                });
                out[0] = Value::Text(email);
                out[1] = Value::Boolean(valid);
                return Ok(issue);
            }
            N::Phone => {
                let (first_phone, second) = phone::phones(first)?;
                let Some(phone) = first_phone else {
                    return Ok(None);
                };
                let issue = (!phone.valid).then(|| {
                    Issue::new(
                        Reason::UnassignedPhone,
                        format!(
                            "`{}` is not an assigned number in its numbering plan",
                            first.trim()
                        ),
                    )
                });
                out[0] = Value::Text(phone.e164);
                out[1] = Value::from_option(phone.extension);
                out[2] = Value::Boolean(phone.valid);
                out[3] = Value::from_option(second.map(|p| p.e164));
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
            N::StatusWithQualifier => {
                let status = text::clean(first);
                let (_, qualifier) = license::qualified(inputs[1]);
                out[0] = Value::text(match qualifier {
                    Some(q) if !status.is_empty() => format!("{status} ({})", text::title_case(&q)),
                    Some(q) => text::title_case(&q),
                    None => status,
                });
            }
            N::Lookup => {
                let published = text::clean(first);
                let Args::Lookup(values) = &self.args else {
                    unreachable!("lookup has values")
                };
                let options = glob::MatchOptions {
                    case_sensitive: false,
                    ..glob::MatchOptions::new()
                };
                match values
                    .iter()
                    .find(|(pattern, _)| pattern.matches_with(&published, options))
                {
                    Some((_, canonical)) => out[0] = Value::text(canonical.clone()),
                    None if published.is_empty() => {}
                    None => {
                        let issue = Issue::new(
                            Reason::UnmappedValue,
                            format!(
                                "`{published}` is not in the spec's lookup table; kept as published"
                            ),
                        );
                        out[0] = Value::Text(published);
                        return Ok(Some(issue));
                    }
                }
            }
            N::Dba => {
                let (business, owner) = company::business_and_owner(first);
                out[0] = Value::text(business);
                out[1] = Value::from_option(owner);
            }
            N::AgesText | N::AgeFlags => {
                let served = match &self.args {
                    Args::AgeGroups(groups) => ages::from_flags(inputs, groups)?,
                    _ => ages::from_text(inputs)?,
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
            N::ZipCounty => "zip_county",
            N::YesNo => "yes_no",
            N::Presence => "presence",
            N::UsAddress => "us_address",
            N::Street => "street",
            N::PersonName => "person_name",
            N::NameAndTitle => "name_and_title",
            N::LicenseNumber => "license_number",
            N::Qualified => "qualified",
            N::StatusWithQualifier => "status_with_qualifier",
            N::Lookup => "lookup",
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
    fn phone_fills_its_quality_parts() {
        let (out, verdict) = run(NormalizerName::Phone, &["362-231-1137 x4 / 702-374-1129"]);
        assert_eq!(verdict.unwrap().unwrap().reason, Reason::UnassignedPhone);
        assert_eq!(
            out,
            [
                Value::text("+13622311137"),
                Value::text("4"),
                Value::Boolean(false),
                Value::text("+17023741129")
            ]
        );
    }

    #[test]
    fn status_takes_the_qualifier_of_the_type() {
        let (out, _) = run(
            NormalizerName::StatusWithQualifier,
            &["Active", "CENTER (PROVISIONAL)"],
        );
        assert_eq!(out, [Value::text("Active (Provisional)")]);
        let (out, _) = run(NormalizerName::StatusWithQualifier, &["Active", "CENTER"]);
        assert_eq!(out, [Value::text("Active")]);
    }

    #[test]
    fn lookup_maps_known_values_and_keeps_others() {
        let args: toml::Table = toml::from_str(
            r#"values = { "Family Care*" = "Family Child Care Home", "Family Care (Group)" = "Group" }"#,
        )
        .unwrap();
        let n = Normalizer::new(NormalizerName::Lookup, Some(&args)).unwrap();
        let mut out = vec![Value::Null];
        assert_eq!(
            n.apply(&[" FAMILY  CARE (PROVISIONAL)"], &mut out),
            Ok(None)
        );
        assert_eq!(out, [Value::text("Family Child Care Home")]);
        assert_eq!(n.apply(&["family care (group)"], &mut out), Ok(None));
        assert_eq!(out, [Value::text("Group")]);
        assert_eq!(
            n.apply(&["Camp"], &mut out).unwrap().unwrap().reason,
            Reason::UnmappedValue
        );
        assert_eq!(out, [Value::text("Camp")]);
    }

    #[test]
    fn a_failure_is_an_error_verdict() {
        let (out, verdict) = run(NormalizerName::Date, &["someday"]);
        assert_eq!(out, vec![Value::Null]);
        assert_eq!(verdict.unwrap_err().reason, Reason::InvalidDate);
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
