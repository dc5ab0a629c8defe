//! Leads prepared for resolution: each field spelled once, as the comparisons and the
//! blocking keys read it. A million leads make millions of pairs, and most leads are in
//! several; spelling a lead's name, street and phone (words, abbreviations, Double
//! Metaphone codes, placeholder checks) once instead of once per pair is most of what
//! resolving a million leads in seconds takes.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::lead::{LeadValues, column_index};

use super::block::BlockingRule;
use super::compare::{
    self, AddressSpelling, CompanySpelling, Level, Lines, PersonName, PersonSpelling, Place,
    PlaceSpelling, spelled,
};
use super::model::{Model, TermFrequencies};
use super::pair::{Field, date, index};
use super::params::{FieldFrequencies, Parameters, frequency_column};

/// One lead, spelled for resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    company: Option<CompanySpelling>,
    person: Option<PersonSpelling>,
    address: Option<AddressSpelling>,
    phone: Option<Box<str>>,
    email: Option<Box<str>>,
    place: PlaceSpelling,
    license_issued: Option<IsoDate>,
    license_number: Option<Box<str>>,
    /// The country of the address, where the lead says ([`country_of`]), by its hash: it
    /// is only ever compared, and a million leads' `US` need no allocation each.
    country: Option<u64>,
    /// The values term frequencies are counted on, as the lead holds them, by
    /// [`FREQUENCY_FIELDS`].
    frequency_values: [Option<Box<str>>; FREQUENCY_FIELDS.len()],
}

/// The fields whose values' frequencies can adjust an exact agreement: those with a
/// [`frequency_column`], each counted on it.
const FREQUENCY_FIELDS: [Field; 5] = [
    Field::Company,
    Field::Phone,
    Field::Address,
    Field::Email,
    Field::LicenseNumber,
];

/// The columns of [`FREQUENCY_FIELDS`], in order.
const FREQUENCY_COLUMNS: [usize; FREQUENCY_FIELDS.len()] = {
    let mut columns = [0; FREQUENCY_FIELDS.len()];
    let mut i = 0;
    while i < columns.len() {
        columns[i] = frequency_column(FREQUENCY_FIELDS[i]).expect("a counted field's column");
        i += 1;
    }
    columns
};

/// A lead column's position, by name.
const fn column(name: &str) -> usize {
    column_index(name).expect("a lead column")
}

/// The lead columns a lead is spelled from: all that resolution reads of a lead.
pub const COLUMNS: [&str; 13] = [
    "company",
    "first_name",
    "last_name",
    "address1",
    "address2",
    "phone",
    "email",
    "zip",
    "city",
    "license_issued",
    "license_number",
    "country",
    "state",
];

impl Prepared {
    /// A lead, spelled from its [`COLUMNS`].
    pub fn of(lead: &LeadValues) -> Prepared {
        let text = |column: usize| lead[column].as_text();
        Prepared {
            company: CompanySpelling::of(text(const { column("company") })),
            person: PersonSpelling::of(PersonName {
                first: text(const { column("first_name") }),
                last: text(const { column("last_name") }),
            }),
            address: AddressSpelling::of(Lines {
                first: text(const { column("address1") }),
                second: text(const { column("address2") }),
            }),
            phone: compare::phone_digits(text(const { column("phone") })),
            email: compare::email_spelling(text(const { column("email") })),
            place: PlaceSpelling::of(Place {
                zip: text(const { column("zip") }),
                city: text(const { column("city") }),
            }),
            license_issued: date(lead, "license_issued").map(IsoDate::of),
            license_number: compare::id_spelling(text(const { column("license_number") })),
            country: country_of(
                text(const { column("country") }),
                text(const { column("state") }),
            )
            .map(|country| super::hash(&country)),
            frequency_values: const { FREQUENCY_COLUMNS }
                .map(|column| lead[column].as_text().map(Into::into)),
        }
    }

    /// Every lead, spelled, on all cores.
    pub fn all(leads: &[LeadValues]) -> Vec<Prepared> {
        parallel_map(leads.len(), |n| Prepared::of(&leads[n]))
    }

    /// Whether the two leads' addresses are in two countries: two providers, however much
    /// else they share (a chain's phone, a person's name), whatever the rules compare.
    pub fn in_two_countries(&self, other: &Prepared) -> bool {
        in_two_countries(self.country, other.country)
    }

    /// The levels of the pair, one per [`Field::ALL`]: [`super::pair::levels`] of the two
    /// leads.
    pub fn levels(&self, other: &Prepared) -> [u8; Field::ALL.len()] {
        Field::ALL.map(|field| index(self.compare(other, field)))
    }

    /// How alike the two leads are on `field`: [`Field::compare`] of the two leads.
    fn compare(&self, other: &Prepared, field: Field) -> Level {
        match field {
            Field::Company => spelled(
                self.company.as_ref(),
                other.company.as_ref(),
                compare::companies,
            ),
            Field::Person => spelled(self.person.as_ref(), other.person.as_ref(), compare::people),
            Field::Address => spelled(
                self.address.as_ref(),
                other.address.as_ref(),
                compare::addresses,
            ),
            Field::Phone => spelled(
                self.phone.as_deref(),
                other.phone.as_deref(),
                compare::phones,
            ),
            Field::Email => spelled(
                self.email.as_deref(),
                other.email.as_deref(),
                compare::emails,
            ),
            Field::ZipCity => compare::places(&self.place, &other.place),
            Field::LicenseIssued => spelled(
                self.license_issued.as_ref().map(|d| &d.date),
                other.license_issued.as_ref().map(|d| &d.date),
                compare::dates,
            ),
            Field::LicenseNumber => spelled(
                self.license_number.as_deref(),
                other.license_number.as_deref(),
                compare::ids,
            ),
        }
    }

    /// The lead's key under `rule`, if it has one.
    pub fn key(&self, rule: BlockingRule) -> Option<Key<'_>> {
        let zip = || self.place.zip.as_deref();
        match rule {
            BlockingRule::Phone => Some(Key([self.phone.as_deref()?, "", ""])),
            BlockingRule::Address => {
                // A line with a house number and a street name is never a placeholder,
                // so the known line's street is the line's.
                let street = self.address.as_ref()?.street.as_ref()?;
                Some(Key([&street.number, &street.name, zip()?]))
            }
            BlockingRule::ZipCompany => {
                let significant = &self.company.as_ref()?.significant;
                let word = significant.split(' ').find(|w| !w.is_empty())?;
                Some(Key([zip()?, word, ""]))
            }
            BlockingRule::Email => Some(Key([self.email.as_deref()?, "", ""])),
            BlockingRule::Person => {
                let person = self.person.as_ref()?;
                let initial = person.first().chars().next()?;
                let first = &person.full[..initial.len_utf8()];
                Some(Key([person.last(), first, ""]))
            }
            BlockingRule::LicenseIssued => {
                Some(Key([self.license_issued.as_ref()?.iso()?, "", ""]))
            }
            BlockingRule::LicenseNumber => Some(Key([self.license_number.as_deref()?, "", ""])),
            BlockingRule::Zip => Some(Key([zip()?, "", ""])),
            BlockingRule::Street => {
                let street = self.address.as_ref()?.street.as_ref()?;
                Some(Key([&street.number, &street.name, ""]))
            }
        }
    }

    /// The lead's keys under `rules`, hashed as the store keeps them.
    pub fn hashed_keys(&self, rules: &[BlockingRule]) -> Vec<i64> {
        rules
            .iter()
            .filter_map(|rule| self.key(*rule).map(|key| rule.hashed(&key.to_string())))
            .collect()
    }

    /// The lead's value of a term-frequency field, as the lead holds it (`None` for a
    /// field whose values are not counted).
    pub fn frequency_value(&self, field: Field) -> Option<&str> {
        let at = FREQUENCY_FIELDS.iter().position(|f| *f == field)?;
        self.frequency_values[at].as_deref()
    }

    /// The pair's match weight under `parameters`: [`Parameters::weight`] of the two
    /// leads.
    pub fn weight(&self, other: &Prepared, parameters: &Parameters) -> f64 {
        let levels = self.levels(other);
        weight(self, other, &levels, parameters)
    }
}

/// The weight of a pair of `levels` (theirs) under `parameters`: the model's, with the
/// term-frequency adjustments of the exact agreements on a counted value.
pub fn weight(a: &Prepared, b: &Prepared, levels: &[u8], parameters: &Parameters) -> f64 {
    let adjustment: f64 = parameters
        .frequencies
        .iter()
        .filter_map(|f| {
            let at = Field::ALL.iter().position(|g| *g == f.field)?;
            if levels[at] != index(Level::Exact) {
                return None;
            }
            let value = a.frequency_value(f.field)?;
            (b.frequency_value(f.field) == Some(value))
                .then(|| f.counts.adjustment(value, f.u_exact))
        })
        .sum();
    parameters.model.weight(levels) + adjustment
}

/// A lead's country: its own, or the US where it has only a state, which every normalizer
/// but `region` (which writes the country too) gives for US states alone.
pub fn country_of<'a>(country: Option<&'a str>, state: Option<&str>) -> Option<&'a str> {
    country.or(state.map(|_| "US"))
}

/// Whether two countries, where both are known, differ.
pub fn in_two_countries<T: PartialEq>(a: Option<T>, b: Option<T>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a != b)
}

/// A date with its ISO spelling (`2016-03-01`), held in place for its blocking key.
#[derive(Clone, Debug, PartialEq)]
struct IsoDate {
    date: NaiveDate,
    /// `None` for a year outside 0–9999, which no license was issued in: such a date is
    /// compared, but blocks nothing.
    iso: Option<[u8; 10]>,
}

impl IsoDate {
    fn of(date: NaiveDate) -> IsoDate {
        // Spelled by hand: `format!` took longer than all else of spelling a date.
        let iso = u32::try_from(date.year())
            .ok()
            .filter(|year| *year <= 9999)
            .map(|year| {
                let mut iso = *b"0000-00-00";
                let digits = |at: &mut [u8], mut n: u32| {
                    for d in at.iter_mut().rev() {
                        *d = b'0' + (n % 10) as u8;
                        n /= 10;
                    }
                };
                digits(&mut iso[0..4], year);
                digits(&mut iso[5..7], date.month());
                digits(&mut iso[8..10], date.day());
                iso
            });
        IsoDate { date, iso }
    }

    fn iso(&self) -> Option<&str> {
        let iso = self.iso.as_ref()?;
        Some(std::str::from_utf8(iso).expect("an ISO date is ASCII"))
    }
}

/// A blocking key: its parts, unused ones empty. No part holds a `|`, by which
/// [`BlockingRule::key`] joins them, save an e-mail address, which is the only part of its
/// key; so two keys of one rule are equal exactly when their joined texts are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key<'a>([&'a str; 3]);

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [first, rest @ ..] = &self.0;
        f.write_str(first)?;
        rest.iter()
            .filter(|part| !part.is_empty())
            .try_for_each(|part| write!(f, "|{part}"))
    }
}

/// `f` of `0..n`, in order, the work split between the cores: each core maps one run of
/// it, so the result is the same whatever the number of cores.
pub fn parallel_map<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    parallel_map_on(cores(), n, f)
}

/// The cores this process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// [`parallel_map`] on `threads` threads (at least one): the work of one stage while
/// another keeps a core busy.
pub fn parallel_map_on<R: Send>(threads: usize, n: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    if threads <= 1 || n < 2 {
        return (0..n).map(f).collect();
    }
    let run = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let runs: Vec<_> = (0..n)
            .step_by(run)
            .map(|start| {
                scope.spawn(move || (start..n.min(start + run)).map(f).collect::<Vec<R>>())
            })
            .collect();
        let mut all = Vec::with_capacity(n);
        for run in runs {
            all.extend(run.join().expect("a resolution thread panicked"));
        }
        all
    })
}

/// The term frequencies of `field` among `leads`, if its values are counted:
/// [`FieldFrequencies::count`] of the leads.
pub fn frequencies(leads: &[Prepared], field: Field, model: &Model) -> Option<FieldFrequencies> {
    let at = FREQUENCY_FIELDS.iter().position(|f| *f == field)?;
    let values = leads
        .iter()
        .filter_map(|lead| lead.frequency_values[at].as_deref());
    let position = Field::ALL.iter().position(|f| *f == field)?;
    Some(FieldFrequencies {
        field,
        counts: TermFrequencies::shared_among(values),
        u_exact: model.comparisons[position].u[usize::from(index(Level::Exact))],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::Value;
    use crate::lead::text_lead as lead;
    use crate::resolve::pair::levels;

    #[test]
    fn leads_are_in_two_countries_only_when_both_say_which() {
        let in_country = |country: &str| Prepared::of(&lead(&[("country", country)]));
        let unknown = Prepared::of(&lead(&[("company", "SUNSHINE")]));
        let in_nevada = Prepared::of(&lead(&[("state", "NV")]));
        assert!(in_country("CA").in_two_countries(&in_nevada));
        assert!(!in_country("US").in_two_countries(&in_nevada));
        assert!(in_country("US").in_two_countries(&in_country("CA")));
        assert!(!in_country("US").in_two_countries(&in_country("US")));
        assert!(!in_country("US").in_two_countries(&unknown));
        assert!(!unknown.in_two_countries(&unknown));
    }

    /// Leads that reach every level of every field between them, and keys of every rule.
    fn leads() -> Vec<LeadValues> {
        vec![
            lead(&[
                ("company", "SUNSHINE ACADEMY PRE-SCHOOL"),
                ("first_name", "Janeece"),
                ("last_name", "Noel"),
                ("address1", "150 N WILLOW ST"),
                ("city", "MESQUITE"),
                ("zip", "89027"),
                ("phone", "+13463939400"),
                ("email", "Symira24@gmail.com"),
                ("license_issued", "2016-03-01"),
                ("license_number", "CCL-1804974"),
            ]),
            lead(&[
                (
                    "company",
                    "BRIGGS, JANEECE DBA SUNSHINE ACADEMY PRESCHOOL, LLC",
                ),
                ("first_name", "Janeece Ann"),
                ("last_name", "Noell"),
                ("address1", "150 North Willow Street Ste 4"),
                ("city", "Mesquite"),
                ("zip", "89027-1234"),
                ("phone", "+17253939400"),
                ("email", "symira24@aol.com"),
                ("license_issued", "2016-01-03"),
                ("license_number", "ccl 1804794"),
            ]),
            lead(&[
                ("company", "SUNSHINE ACADEMY PRE-SCHOOL #2"),
                ("first_name", "Jon"),
                ("last_name", "Smith"),
                ("address1", "150 W WILLOW ST"),
                ("city", "LAS VEGAS"),
                ("zip", "89101"),
                ("phone", "+13463939400"),
                ("email", "symira42@gmail.com"),
                ("license_issued", "2016-03-11"),
                ("license_number", "CCL-1804974"),
            ]),
            lead(&[
                ("company", "KIDDY CORNER"),
                ("first_name", "John"),
                ("last_name", "Smyth"),
                ("address1", "PO BOX 12"),
                ("city", "LAS VEGAS"),
                ("phone", "1234567890"),
                ("email", "test1@gmail.com"),
                ("license_issued", "1999-07-04"),
                ("license_number", "0000000"),
            ]),
            lead(&[
                ("company", "KIDDIE KORNER"),
                ("first_name", "N/A"),
                ("last_name", "Smith Jones"),
                ("address1", "P.O. BOX 12"),
                ("zip", "89101"),
            ]),
            lead(&[("company", "N/A"), ("address1", "-"), ("last_name", "Noel")]),
            lead(&[]),
        ]
    }

    #[test]
    fn a_prepared_pair_has_the_levels_weight_and_keys_of_its_leads() {
        let leads = leads();
        let prepared = Prepared::all(&leads);
        let parameters =
            crate::resolve::batch::train(&prepared, &Default::default(), 7, &|_, _| false)
                .parameters;
        for (a, lead_a) in prepared.iter().zip(&leads) {
            for rule in BlockingRule::ALL {
                assert_eq!(a.key(rule).map(|k| k.to_string()), rule.key(lead_a));
            }
            for (b, lead_b) in prepared.iter().zip(&leads) {
                assert_eq!(a.levels(b), levels(lead_a, lead_b));
                let weight = parameters.weight(lead_a, lead_b);
                assert_eq!(a.weight(b, &parameters).to_bits(), weight.to_bits());
            }
        }
    }

    #[test]
    fn a_lead_is_spelled_from_its_columns_alone() {
        let mut everything = leads()[0].clone();
        for (n, value) in everything.iter_mut().enumerate() {
            if value.is_null() {
                *value = Value::text(format!("value {n}"));
            }
        }
        let mut columns_only: LeadValues = std::array::from_fn(|_| Value::Null);
        for column in COLUMNS {
            let at = column_index(column).unwrap();
            columns_only[at] = everything[at].clone();
        }
        assert_eq!(Prepared::of(&columns_only), Prepared::of(&everything));
    }

    #[test]
    fn the_values_counted_are_those_the_parameters_count() {
        let leads = leads();
        let prepared = Prepared::all(&leads);
        let model = crate::resolve::batch::train(&prepared, &Default::default(), 7, &|_, _| false)
            .parameters
            .model;
        for field in Field::ALL {
            let counted = FieldFrequencies::count(&leads, field, &model);
            let ours = frequencies(&prepared, field, &model);
            assert_eq!(ours, counted, "{field:?}");
        }
    }

    #[test]
    fn a_date_blocks_by_its_iso_spelling_within_four_digit_years() {
        let iso = |y, m, d| {
            let date = IsoDate::of(NaiveDate::from_ymd_opt(y, m, d).unwrap());
            date.iso().map(str::to_string)
        };
        assert_eq!(iso(2016, 3, 1).as_deref(), Some("2016-03-01"));
        assert_eq!(iso(987, 12, 31).as_deref(), Some("0987-12-31"));
        assert_eq!(iso(12016, 3, 1), None);
        assert_eq!(iso(-1, 3, 1), None);
    }
}
