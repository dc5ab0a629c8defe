//! Normalizers: small pure functions that turn published text into typed lead values.
//!
//! A source spec names one normalizer per mapping rule. Each normalizer takes one or more
//! source fields and yields one or more named *parts* (a one-line address yields `address1`,
//! `address2`, `city`, `state` and `zip`), each of a fixed column type.
//!
//! Each normalizer is one [`Descriptor`], kept in the module of the functions it uses, and
//! [`NORMALIZERS`] lists them all: specs find theirs there by name, and the README's table
//! of normalizers is written from it.

pub(crate) mod address;
pub(crate) mod ages;
pub(crate) mod company;
pub(crate) mod date;
pub(crate) mod email;
pub(crate) mod flag;
pub(crate) mod license;
pub(crate) mod lookup;
pub(crate) mod mojibake;
pub(crate) mod number;
pub(crate) mod person;
pub(crate) mod phone;
pub(crate) mod schedule;
pub(crate) mod state;
pub(crate) mod text;
pub(crate) mod zip;

use std::fmt;

use serde::de::DeserializeOwned;

use crate::lead::{ColumnType, Value};
use crate::reason::Reason;

/// Every normalizer a spec can name, in the order the README lists them. A new normalizer
/// is a [`Descriptor`] in the module of its functions and one line here.
pub(crate) static NORMALIZERS: &[&Descriptor] = &[
    &text::TEXT,
    &text::UPPER,
    &number::INTEGER,
    &date::DATE,
    &zip::ZIP,
    &phone::PHONE,
    &email::EMAIL,
    &state::STATE,
    &state::REGION,
    &flag::YES_NO,
    &flag::PRESENCE,
    &address::US_ADDRESS,
    &address::STREET,
    &person::PERSON_NAME,
    &person::NAME_AND_TITLE,
    &license::LICENSE_NUMBER,
    &license::QUALIFIED,
    &license::STATUS_WITH_QUALIFIER,
    &lookup::LOOKUP,
    &company::DBA,
    &ages::AGES_TEXT,
    &ages::AGE_FLAGS,
    &schedule::WEEKLY_SCHEDULE,
];

/// The normalizer a spec names in `with = "…"`; an unknown name is an error that lists the
/// known ones.
pub(crate) fn named(name: &str) -> Result<&'static Descriptor, String> {
    NORMALIZERS
        .iter()
        .copied()
        .find(|d| d.name == name)
        .ok_or_else(|| {
            format!(
                "`with = \"{name}\"` is not a normalizer (they are {})",
                listed(NORMALIZERS, |d| d.name)
            )
        })
}

/// The names of `items`, comma-separated: what an error about a name a spec wrote lists as
/// the names it could have written.
pub(crate) fn listed<T>(items: &[T], name: impl Fn(&T) -> &str) -> String {
    items.iter().map(name).collect::<Vec<_>>().join(", ")
}

/// The table of normalizers a spec can name, in Markdown: one row per normalizer, with
/// what it reads and gives. `leadpipe specs --normalizers` prints it, and the README has it.
pub fn table() -> String {
    let mut table = String::from("| normalizer | reads | gives |\n|---|---|---|\n");
    for d in NORMALIZERS {
        table += &format!("| `{}` | {} | {} |\n", d.name, d.reads(), d.gives);
    }
    table
}

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
pub(crate) type Verdict = Result<Option<Issue>, Issue>;

/// One named output of a normalizer.
#[derive(Clone, Copy, Debug)]
pub struct Part {
    pub name: &'static str,
    pub ty: ColumnType,
}

pub(crate) const fn part(name: &'static str, ty: ColumnType) -> Part {
    Part { name, ty }
}

/// The one part of the normalizers that give a single text.
pub(crate) const VALUE_TEXT: &[Part] = &[part("value", ColumnType::Text)];

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

    /// How the README's table says it: `1`, `1–2`, `1+`.
    fn readme(self) -> String {
        match self {
            Arity::Exactly(k) => k.to_string(),
            Arity::Between(lo, hi) => format!("{lo}–{hi}"),
            Arity::AtLeastOne => "1+".into(),
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

/// Normalizes a rule's inputs into one output slot per part, leaving `Null` the slots of
/// parts without a value.
pub(crate) type ApplyFn = fn(&[&str], &mut [Value]) -> Verdict;

/// Normalizes the one field of a normalizer that reads one, as [`ApplyFn`] does its inputs:
/// the form of most normalizers.
pub(crate) type FieldFn = fn(&str, &mut [Value]) -> Verdict;

/// The value of the one part of a normalizer that reads one field and is never doubtful of
/// what it gives: `Ok(Value::Null)` for a blank field, `Err` when it has no usable value.
pub(crate) type ValueFn = fn(&str) -> Result<Value, Issue>;

/// [`ApplyFn`] with what a normalizer's `args` gave it.
pub(crate) type Apply = dyn Fn(&[&str], &mut [Value]) -> Verdict + Send + Sync;

/// Everything about one normalizer: the name a spec writes, its parts, how it is made from
/// a rule's `args`, and its row of the README's table.
#[derive(Debug)]
pub(crate) struct Descriptor {
    /// The name a spec writes in `with = "…"`.
    pub(crate) name: &'static str,
    /// The outputs, in the order the normalizer fills them; the first is the one a rule's
    /// `to = "column"` takes.
    pub(crate) parts: &'static [Part],
    /// What it gives, as the README says it.
    pub(crate) gives: &'static str,
    pub(crate) build: Build,
}

impl Descriptor {
    /// A normalizer of one field that fills its parts with `apply`.
    pub(crate) const fn one_field(
        name: &'static str,
        parts: &'static [Part],
        gives: &'static str,
        apply: FieldFn,
    ) -> Descriptor {
        Descriptor {
            name,
            parts,
            gives,
            build: Build::OneField(apply),
        }
    }

    /// A normalizer of one field into one part, whose value `value` gives.
    pub(crate) const fn one_value(
        name: &'static str,
        parts: &'static [Part],
        gives: &'static str,
        value: ValueFn,
    ) -> Descriptor {
        Descriptor {
            name,
            parts,
            gives,
            build: Build::OneValue(value),
        }
    }

    /// How many fields it reads, as the README says it.
    fn reads(&self) -> String {
        match self.build {
            Build::Fixed { arity, .. } => arity.readme(),
            Build::OneField(_) | Build::OneValue(_) => ONE_FIELD.readme(),
            Build::FromArgs { reads, .. } => reads.into(),
        }
    }
}

/// The arity of [`Build::OneField`] and [`Build::OneValue`].
const ONE_FIELD: Arity = Arity::Exactly(1);

/// How a normalizer is made from a rule's `args`.
#[derive(Debug)]
pub(crate) enum Build {
    /// It takes no `args` and reads as many fields as `arity` accepts.
    Fixed { arity: Arity, apply: ApplyFn },
    /// It takes no `args` and reads one field.
    OneField(FieldFn),
    /// It takes no `args`, reads one field and gives one part.
    OneValue(ValueFn),
    /// It is made from the `args` a rule must give; `needs` says what they hold, for the
    /// error when they are missing, and `reads` how many fields it reads, as the README
    /// says it, since only the `args` tell.
    FromArgs {
        reads: &'static str,
        needs: &'static str,
        build: fn(&toml::Table) -> Result<Configured, String>,
    },
}

/// A normalizer made from its `args`: how many fields it reads, and how it applies.
pub(crate) struct Configured {
    pub(crate) arity: Arity,
    pub(crate) apply: Box<Apply>,
}

/// Reads a normalizer's `args` table into its own type.
pub(crate) fn parse_args<T: DeserializeOwned>(args: &toml::Table) -> Result<T, String> {
    args.clone()
        .try_into()
        .map_err(|e: toml::de::Error| e.to_string())
}

/// The first input: the one field of the normalizers that read one.
pub(crate) fn first<'a>(inputs: &[&'a str]) -> &'a str {
    inputs.first().copied().unwrap_or_default()
}

/// Fills the two text parts of a normalizer that splits a field in two (a license type and
/// its number, a business and its owner): the first always, the second when the field has it.
pub(crate) fn write_split((head, tail): (String, Option<String>), out: &mut [Value]) -> Verdict {
    out[0] = Value::text(head);
    out[1] = Value::from_option(tail);
    Ok(None)
}

/// A normalizer ready to run, with the arguments its spec gave it.
pub struct Normalizer {
    descriptor: &'static Descriptor,
    arity: Arity,
    apply: Box<Apply>,
}

impl Normalizer {
    /// Makes a normalizer from the spec's `args` table, which only some take.
    pub(crate) fn new(
        descriptor: &'static Descriptor,
        args: Option<&toml::Table>,
    ) -> Result<Normalizer, String> {
        let name = descriptor.name;
        let Configured { arity, apply } = match (&descriptor.build, args) {
            (&Build::Fixed { arity, apply }, None) => Configured {
                arity,
                apply: Box::new(apply),
            },
            (&Build::OneField(apply), None) => Configured {
                arity: ONE_FIELD,
                apply: Box::new(move |inputs, out| apply(first(inputs), out)),
            },
            (&Build::OneValue(value), None) => Configured {
                arity: ONE_FIELD,
                apply: Box::new(move |inputs, out| {
                    out[0] = value(first(inputs))?;
                    Ok(None)
                }),
            },
            (Build::FromArgs { build, .. }, Some(args)) => build(args)?,
            (Build::FromArgs { needs, .. }, None) => return Err(format!("`{name}` needs {needs}")),
            (_, Some(_)) => return Err(format!("`{name}` takes no `args`")),
        };
        Ok(Normalizer {
            descriptor,
            arity,
            apply,
        })
    }

    /// The outputs, in the order [`Normalizer::apply`] fills them; the first is the one a
    /// rule's `to = "column"` takes.
    pub fn parts(&self) -> &'static [Part] {
        self.descriptor.parts
    }

    /// How many source fields the normalizer reads.
    pub fn arity(&self) -> Arity {
        self.arity
    }

    /// Normalizes `inputs` into `out`, one slot per part. Slots of parts without a value
    /// are left `Null`.
    pub fn apply(&self, inputs: &[&str], out: &mut [Value]) -> Verdict {
        (self.apply)(inputs, out)
    }
}

impl fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Normalizer")
            .field("name", &self.descriptor.name)
            .field("arity", &self.arity)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(descriptor: &'static Descriptor, inputs: &[&str]) -> (Vec<Value>, Verdict) {
        let n = Normalizer::new(descriptor, None).unwrap();
        let mut out = vec![Value::Null; n.parts().len()];
        let verdict = n.apply(inputs, &mut out);
        (out, verdict)
    }

    #[test]
    fn fills_parts_in_order() {
        let (out, verdict) = run(&address::US_ADDRESS, &["555 PAGE ST LAS VEGAS, NV 89110"]);
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
        let (out, _) = run(&address::STREET, &["12 ELM ST STE 4", "REAR"]);
        assert_eq!(
            out,
            vec![Value::text("12 ELM ST"), Value::text("STE 4 REAR")]
        );
    }

    #[test]
    fn phone_fills_its_quality_parts() {
        let (out, verdict) = run(&phone::PHONE, &["362-231-1137 x4 / 702-374-1129"]);
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
        let status = &license::STATUS_WITH_QUALIFIER;
        let (out, _) = run(status, &["Active", "CENTER (PROVISIONAL)"]);
        assert_eq!(out, [Value::text("Active (Provisional)")]);
        let (out, _) = run(status, &["Active", "CENTER"]);
        assert_eq!(out, [Value::text("Active")]);
    }

    #[test]
    fn lookup_maps_known_values_and_keeps_others() {
        let args: toml::Table = toml::from_str(
            r#"values = { "Family Care*" = "Family Child Care Home", "Family Care (Group)" = "Group" }"#,
        )
        .unwrap();
        let n = Normalizer::new(&lookup::LOOKUP, Some(&args)).unwrap();
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
        let (out, verdict) = run(&date::DATE, &["someday"]);
        assert_eq!(out, vec![Value::Null]);
        assert_eq!(verdict.unwrap_err().reason, Reason::InvalidDate);
    }

    #[test]
    fn age_flags_need_their_groups() {
        let missing = Normalizer::new(&ages::AGE_FLAGS, None).unwrap_err();
        assert_eq!(
            missing,
            "`age_flags` needs `args.groups`, one group per input column"
        );
        let args: toml::Table =
            toml::from_str("groups = [{ label = \"Infants\", min_months = 0, max_months = 17 }]")
                .unwrap();
        let n = Normalizer::new(&ages::AGE_FLAGS, Some(&args)).unwrap();
        assert_eq!(n.arity(), Arity::Exactly(1));
        let refused = Normalizer::new(&text::TEXT, Some(&args)).unwrap_err();
        assert_eq!(refused, "`text` takes no `args`");
    }

    #[test]
    fn normalizers_are_found_by_their_names() {
        for descriptor in NORMALIZERS {
            assert!(std::ptr::eq(named(descriptor.name).unwrap(), *descriptor));
        }
        let unknown = named("phon").unwrap_err();
        assert!(
            unknown.starts_with(
                "`with = \"phon\"` is not a normalizer (they are text, upper, integer, "
            ),
            "{unknown}"
        );
    }

    const TABLE_START: &str =
        "<!-- normalizers: generated from the descriptors in src/normalize; a test checks it -->\n";
    const TABLE_END: &str = "<!-- /normalizers -->";

    #[test]
    fn the_readme_table_is_the_descriptors() {
        let table = table();
        let readme = include_str!("../../README.md");
        let start = readme.find(TABLE_START).expect("README marks the table") + TABLE_START.len();
        let end = start
            + readme[start..]
                .find(TABLE_END)
                .expect("README ends the table");
        assert!(
            readme[start..end] == table,
            "the README's table of normalizers differs from the descriptors; it should read:\n\n{table}"
        );
    }
}
