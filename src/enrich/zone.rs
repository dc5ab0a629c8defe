//! A lead's time zone, from its ZIP code, else its phone's area code, else its state, and
//! its ZIP code's centroid: the tables build.rs makes of the US ZIP dataset. Which zone a
//! place is in (Arizona without daylight time, Indiana's and Florida's split counties, the
//! states across two zones) is the dataset's, not a rule per state here.

use super::Basis;

include!(concat!(env!("OUT_DIR"), "/zip_zones.rs"));

/// A time zone, by its IANA name, and what it was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeZone {
    pub name: &'static str,
    /// [`Basis::Zip`], [`Basis::AreaCode`] (the zone of nearly all the ZIP codes of a valid
    /// phone's area code) or [`Basis::State`] (the state's one zone).
    pub source: Basis,
}

/// The time zone of a lead with this ZIP code (its first five digits count), area code (of
/// a valid phone) and state (its two-letter code): the first of the three that has one.
pub fn time_zone(
    zip: Option<&str>,
    area_code: Option<&str>,
    state: Option<&str>,
) -> Option<TimeZone> {
    let of_zip = || {
        let zone = zip.and_then(zip_row)?.1;
        (zone != NO_ZONE).then_some((zone, Basis::Zip))
    };
    let of_area_code = || Some((lookup(&AREA_CODE_ZONES, area_code?)?, Basis::AreaCode));
    let of_state = || Some((lookup(&STATE_ZONES, state?)?, Basis::State));
    // Each looked up only when the one before has no zone.
    let (zone, source) = of_zip().or_else(of_area_code).or_else(of_state)?;
    Some(TimeZone {
        name: ZONES[usize::from(zone)],
        source,
    })
}

/// The centroid (latitude, longitude, in degrees) of a ZIP code's area: where its
/// addresses are on average, not where the lead is.
pub fn centroid(zip: &str) -> Option<(f64, f64)> {
    let (_, _, lat, long) = zip_row(zip)?;
    (!lat.is_nan()).then_some((lat, long))
}

fn zip_row(zip: &str) -> Option<(&'static str, u8, f64, f64)> {
    let five = zip.get(..5)?;
    let i = ZIP_ZONES.binary_search_by_key(&five, |row| row.0).ok()?;
    Some(ZIP_ZONES[i])
}

fn lookup(table: &[(&str, u8)], key: &str) -> Option<u8> {
    let i = table.binary_search_by_key(&key, |row| row.0).ok()?;
    Some(table[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(
        zip: Option<&str>,
        area_code: Option<&str>,
        state: Option<&str>,
    ) -> Option<(&'static str, &'static str)> {
        time_zone(zip, area_code, state).map(|zone| (zone.name, zone.source.as_str()))
    }

    #[test]
    fn a_zip_code_gives_the_zone_its_place_keeps() {
        // Phoenix: Arizona keeps Mountain Standard Time all year, which IANA names
        // America/Phoenix.
        assert_eq!(
            zone(Some("85001"), None, None),
            Some(("America/Phoenix", "zip"))
        );
        // East Chicago, in Lake County, one of Indiana's counties on Central time.
        assert_eq!(
            zone(Some("46312"), None, None),
            Some(("America/Chicago", "zip"))
        );
        // El Paso, Texas, on Mountain time, unlike the rest of the state.
        assert_eq!(
            zone(Some("79901-1234"), None, None),
            Some(("America/Denver", "zip"))
        );
        // Pensacola, in Florida's panhandle, on Central time.
        assert_eq!(
            zone(Some("32501"), None, None),
            Some(("America/Chicago", "zip"))
        );
    }

    #[test]
    fn without_a_zone_of_its_zip_code_a_lead_takes_its_area_codes_then_its_states() {
        // An overseas military ZIP code has no zone.
        assert_eq!(zone(Some("09001"), None, None), None);
        assert_eq!(
            zone(Some("09001"), Some("702"), Some("NV")),
            Some(("America/Los_Angeles", "area_code"))
        );
        assert_eq!(
            zone(None, None, Some("NV")),
            Some(("America/Los_Angeles", "state"))
        );
        assert_eq!(
            zone(Some("1234"), Some("405"), None),
            Some(("America/Chicago", "area_code"))
        );
        // Texas spans two zones, and so does area code 850 (Florida's panhandle): neither
        // says one.
        assert_eq!(zone(None, Some("850"), Some("TX")), None);
    }

    #[test]
    fn a_zone_the_dataset_names_wrongly_is_none() {
        // The dataset gives Napakiak, Alaska, its village's name as its zone; Alaska and
        // its one area code span several zones.
        assert_eq!(zone(Some("99634"), Some("907"), Some("AK")), None);
        assert!(ZONES.iter().all(|name| name.contains('/')));
        assert!(ZONES.contains(&"America/Indiana/Indianapolis"));
    }

    #[test]
    fn a_centroid_is_its_zip_codes_not_a_military_ones() {
        assert_eq!(centroid("85001"), Some((33.4484, -112.074)));
        assert_eq!(centroid("09001"), None);
        assert_eq!(centroid("00000"), None);
    }
}
