//! What leadpipe adds to a lead from what it knows offline, never from a network service:
//! its county, time zone and ZIP code's centroid ([`zone`], from the US ZIP dataset embedded
//! at build time), its calling hours ([`hours`]) and what its e-mail address says
//! ([`email`]: the kind of its domain, and a business domain's website).
//!
//! [`enrich`] fills only columns the source left empty, and says in the lead's `derived`
//! which it filled and from what. It runs on every new or changed lead, so a lead's derived
//! values follow its published ones.

pub mod email;
pub mod hours;
pub mod zone;

use serde::Deserialize;

use crate::lead::{LeadValues, Value, column_index};
use crate::map::MappedLead;
use crate::normalize::address::county_of_zip;
use email::Domain;

/// How a source's leads are enriched: its spec's `[enrich]`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct EnrichConfig {
    /// Whether its leads are enriched at all.
    pub enabled: bool,
    /// The calling hours of a lead without a published schedule that can be called by, in
    /// the `schedule` column's format.
    pub default_calling_hours: String,
}

impl Default for EnrichConfig {
    fn default() -> Self {
        EnrichConfig {
            enabled: true,
            default_calling_hours: hours::DEFAULT_CALLING_HOURS.to_string(),
        }
    }
}

impl EnrichConfig {
    /// The default calling hours read as a week.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if hours::is_callable_week(&self.default_calling_hours) {
            return Ok(());
        }
        Err(format!(
            "`enrich.default_calling_hours = {:?}`: give every day from Mon to Sun once, in \
             order, with its hours or `closed`, and at least one day open, as in {:?}",
            self.default_calling_hours,
            hours::DEFAULT_CALLING_HOURS
        ))
    }
}

/// What a derived value was derived from, as `derived` stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The lead's ZIP code, in the embedded dataset.
    Zip,
    /// The area code of its valid phone.
    AreaCode,
    /// Its state, which has one time zone.
    State,
    /// Its ZIP code's centroid: where its ZIP code's addresses are on average.
    ZipCentroid,
    /// Its published schedule.
    Schedule,
    /// The spec's default calling hours.
    Default,
    /// Its e-mail address's domain.
    EmailDomain,
}

impl Basis {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Zip => "zip",
            Basis::AreaCode => "area_code",
            Basis::State => "state",
            Basis::ZipCentroid => "zip_centroid",
            Basis::Schedule => "schedule",
            Basis::Default => "default",
            Basis::EmailDomain => "email_domain",
        }
    }
}

/// A lead column enrichment filled, and what from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Derivation {
    /// Its index in [`crate::lead::LEAD_COLUMNS`].
    pub column: usize,
    pub basis: Basis,
}

impl Derivation {
    /// A lead's derivations as its `derived` column holds them: one JSON object of column
    /// names and bases, `{"county":"zip","time_zone":"zip"}`. Written by hand: names and
    /// bases are identifiers, which need no escaping, and it is written for every lead.
    pub fn json(derived: &[Derivation]) -> String {
        let mut json = String::with_capacity(24 * derived.len() + 2);
        json.push('{');
        for (n, derivation) in derived.iter().enumerate() {
            if n > 0 {
                json.push(',');
            }
            json.push('"');
            json.push_str(crate::lead::LEAD_COLUMNS[derivation.column].name);
            json.push_str("\":\"");
            json.push_str(derivation.basis.as_str());
            json.push('"');
        }
        json.push('}');
        json
    }
}

const fn column(name: &str) -> usize {
    match column_index(name) {
        Some(i) => i,
        None => panic!("not a lead column"),
    }
}

const ZIP: usize = column("zip");
const STATE: usize = column("state");
const PHONE: usize = column("phone");
const PHONE_VALID: usize = column("phone_valid");
const EMAIL: usize = column("email");
const EMAIL_VALID: usize = column("email_valid");
const SCHEDULE: usize = column("schedule");
const COUNTY: usize = column("county");
const TIME_ZONE: usize = column("time_zone");
const TIME_ZONE_SOURCE: usize = column("time_zone_source");
const CALLING_HOURS: usize = column("calling_hours");
const LATITUDE: usize = column("latitude");
const LONGITUDE: usize = column("longitude");
const LOCATION_SOURCE: usize = column("location_source");
const EMAIL_KIND: usize = column("email_kind");
const WEBSITE: usize = column("website_address");

/// How many columns enrichment may fill and note in `derived`.
const DERIVED_COLUMNS: usize = 7;

/// Fills what `config` asks of a lead's empty derived columns from its own values, and
/// notes each in `lead.derived`. A value the source published is never replaced.
pub fn enrich(config: &EnrichConfig, lead: &mut MappedLead) {
    if !config.enabled {
        return;
    }
    // Everything is looked up first, from the lead as published: the dataset's answers are
    // static, so filling the lead needs no copy of its values.
    let values = &lead.values;
    let zip = values[ZIP].as_text();
    let county = zip.and_then(county_of_zip);
    let zone = zone::time_zone(zip, area_code(values), values[STATE].as_text());
    let centroid = zip.and_then(zone::centroid);
    let hours = match values[SCHEDULE].as_text() {
        Some(schedule) if hours::is_callable_week(schedule) => (schedule, Basis::Schedule),
        _ => (config.default_calling_hours.as_str(), Basis::Default),
    };
    let hours = (hours.0.to_string(), hours.1);
    // Only a valid address's domain: an invalid one's is often a typo or a placeholder.
    let domain = values[EMAIL]
        .as_text()
        .filter(|_| values[EMAIL_VALID] == Value::Boolean(true))
        .and_then(Domain::of);

    lead.derived.reserve_exact(DERIVED_COLUMNS);
    let mut lead = Filler { lead };
    if let Some(county) = county {
        lead.fill(COUNTY, || county.to_string(), Basis::Zip);
    }
    if let Some(zone) = zone.filter(|_| lead.is_empty(TIME_ZONE)) {
        lead.fill(TIME_ZONE, || zone.name.to_string(), zone.source);
        lead.explain(TIME_ZONE_SOURCE, zone.source);
    }
    lead.fill(CALLING_HOURS, || hours.0, hours.1);
    if let Some((latitude, longitude)) =
        centroid.filter(|_| lead.is_empty(LATITUDE) && lead.is_empty(LONGITUDE))
    {
        let basis = Basis::ZipCentroid;
        lead.fill_value(LATITUDE, Value::Real(latitude), basis);
        lead.fill_value(LONGITUDE, Value::Real(longitude), basis);
        lead.explain(LOCATION_SOURCE, basis);
    }
    if let Some(domain) = domain {
        let basis = Basis::EmailDomain;
        lead.fill(EMAIL_KIND, || domain.kind.as_str().to_string(), basis);
        if let Some(website) = domain.website() {
            lead.fill(WEBSITE, || website, basis);
        }
    }
}

/// The area code of a valid North American phone (`+1NPA…`).
fn area_code(values: &LeadValues) -> Option<&str> {
    if values[PHONE_VALID] != Value::Boolean(true) {
        return None;
    }
    values[PHONE].as_text()?.strip_prefix("+1")?.get(..3)
}

/// A lead being enriched.
struct Filler<'a> {
    lead: &'a mut MappedLead,
}

impl Filler<'_> {
    fn is_empty(&self, column: usize) -> bool {
        self.lead.values[column].is_null()
    }

    /// Sets an empty column to a text, noting what it was derived from; a published value
    /// stays (and the text is not made).
    fn fill(&mut self, column: usize, text: impl FnOnce() -> String, basis: Basis) {
        if self.is_empty(column) {
            self.fill_value(column, Value::Text(text()), basis);
        }
    }

    /// Sets an empty column, noting what it was derived from; a published value stays.
    fn fill_value(&mut self, column: usize, value: Value, basis: Basis) {
        if self.is_empty(column) {
            self.lead.values[column] = value;
            self.lead.derived.push(Derivation { column, basis });
        }
    }

    /// Sets a column that says what another was derived from: itself derived, it is not
    /// noted again in `derived`, whose entry for that column says the same.
    fn explain(&mut self, column: usize, basis: Basis) {
        if self.is_empty(column) {
            self.lead.values[column] = Value::Text(basis.as_str().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::text_lead;

    /// A lead of these text values, its phone and e-mail (if any) valid.
    fn lead(fields: &[(&str, &str)]) -> MappedLead {
        let mut lead = MappedLead {
            values: text_lead(fields),
            issues: Vec::new(),
            derived: Vec::new(),
        };
        for (value, valid) in [(PHONE, PHONE_VALID), (EMAIL, EMAIL_VALID)] {
            if !lead.values[value].is_null() {
                lead.values[valid] = Value::Boolean(true);
            }
        }
        lead
    }

    fn enriched(fields: &[(&str, &str)]) -> MappedLead {
        let mut lead = lead(fields);
        enrich(&EnrichConfig::default(), &mut lead);
        lead
    }

    #[test]
    fn a_lead_with_a_zip_code_and_a_business_address_gets_all() {
        let lead = enriched(&[
            ("zip", "73099"),
            ("state", "OK"),
            ("email", "sylvia@kstreetlearningcenter.com"),
        ]);
        let text = |name| lead.values[column(name)].to_text();
        assert_eq!(text("county").as_deref(), Some("CANADIAN"));
        assert_eq!(text("time_zone").as_deref(), Some("America/Chicago"));
        assert_eq!(text("time_zone_source").as_deref(), Some("zip"));
        assert_eq!(
            text("calling_hours").as_deref(),
            Some(hours::DEFAULT_CALLING_HOURS)
        );
        assert_eq!(text("location_source").as_deref(), Some("zip_centroid"));
        assert_eq!(text("email_kind").as_deref(), Some("business"));
        assert_eq!(
            text("website_address").as_deref(),
            Some("https://kstreetlearningcenter.com")
        );
        assert_eq!(
            Derivation::json(&lead.derived),
            r#"{"county":"zip","time_zone":"zip","calling_hours":"default","latitude":"zip_centroid","longitude":"zip_centroid","email_kind":"email_domain","website_address":"email_domain"}"#
        );
    }

    #[test]
    fn a_published_value_is_never_replaced() {
        let lead = enriched(&[
            ("zip", "73099"),
            ("county", "Canadian County"),
            ("website_address", "http://kstreet.example.net"),
            ("schedule", "Mon-Fri 07:30-17:30; Sat-Sun closed"),
            ("email", "sylvia@kstreetlearningcenter.com"),
        ]);
        let text = |name| lead.values[column(name)].to_text();
        assert_eq!(text("county").as_deref(), Some("Canadian County"));
        assert_eq!(
            text("website_address").as_deref(),
            Some("http://kstreet.example.net")
        );
        assert_eq!(
            text("calling_hours").as_deref(),
            Some("Mon-Fri 07:30-17:30; Sat-Sun closed")
        );
        let columns: Vec<&str> = lead
            .derived
            .iter()
            .map(|d| crate::lead::LEAD_COLUMNS[d.column].name)
            .collect();
        assert!(!columns.contains(&"county") && !columns.contains(&"website_address"));
        assert!(columns.contains(&"email_kind"));
    }

    #[test]
    fn without_a_zip_code_a_valid_phone_gives_the_zone() {
        let valid = enriched(&[("phone", "+17025550142"), ("state", "NV")]);
        assert_eq!(
            valid.values[TIME_ZONE].as_text(),
            Some("America/Los_Angeles")
        );
        assert_eq!(valid.values[TIME_ZONE_SOURCE].as_text(), Some("area_code"));
        assert!(valid.values[LATITUDE].is_null());
        let mut invalid = lead(&[("phone", "+17025550142")]);
        invalid.values[PHONE_VALID] = Value::Boolean(false);
        enrich(&EnrichConfig::default(), &mut invalid);
        assert!(invalid.values[TIME_ZONE].is_null());
    }

    #[test]
    fn a_disabled_spec_gets_nothing() {
        let mut lead = lead(&[("zip", "73099")]);
        let config = EnrichConfig {
            enabled: false,
            ..EnrichConfig::default()
        };
        enrich(&config, &mut lead);
        assert!(lead.derived.is_empty() && lead.values[TIME_ZONE].is_null());
    }

    #[test]
    fn default_calling_hours_must_read_as_a_week() {
        let config = |hours: &str| EnrichConfig {
            enabled: true,
            default_calling_hours: hours.to_string(),
        };
        assert_eq!(config("Mon-Sat 08:00-18:00; Sun closed").validate(), Ok(()));
        let error = config("weekdays 9-5").validate().unwrap_err();
        assert!(error.contains("enrich.default_calling_hours"), "{error}");
    }
}
