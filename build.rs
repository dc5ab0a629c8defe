//! Three things done before compiling:
//!
//! - Fingerprints the code and the locked dependencies that map records, for the record
//!   hash: a lead stored under a hash is the lead its record maps to only with the same
//!   mapping code and data (phone metadata, the ZIP dataset, name rules). Any change to them
//!   makes the next snapshot compare every lead once, column by column.
//! - Turns the `zipcodes` crate's US ZIP dataset into the static tables that address
//!   normalization looks places up in, and those of time zones and centroids: read at run
//!   time, every run would parse the whole dataset and keep a copy of it in memory before
//!   the first address.
//! - Sorts the shipped list of free e-mail providers' domains into a static table.
//! - Copies the patterns of the North American numbering plan out of the `phonenumber`
//!   crate's metadata, for phone validity: loading that metadata at run time compiled the
//!   patterns of every country in the world before the first phone could be checked.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    write_zip_places();
    write_zip_zones();
    write_free_email_domains();
    write_nanp_regions();
    let mut hasher = DefaultHasher::new();
    for input in ["Cargo.lock", "build.rs", "data", "src", "specs"] {
        println!("cargo:rerun-if-changed={input}");
        hash_tree(Path::new(input), &mut hasher);
    }
    println!(
        "cargo:rustc-env=LEADPIPE_BUILD_FINGERPRINT={:016x}",
        hasher.finish()
    );
}

/// Hashes a file, or every file under a folder in name order, with its path.
fn hash_tree(path: &Path, hasher: &mut DefaultHasher) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .expect("the source folder reads")
            .map(|entry| entry.expect("the source folder reads").path())
            .collect();
        entries.sort();
        for entry in entries {
            hash_tree(&entry, hasher);
        }
    } else {
        hasher.write(path.to_string_lossy().as_bytes());
        hasher.write(&std::fs::read(path).expect("the source file reads"));
    }
}

/// Writes `zip_places.rs`: `ZIP_PLACES`, each ZIP code with its county (upper-cased,
/// without `County` or `Parish`; empty when the dataset has none) and every city name it
/// accepts, upper-cased; and `STATE_CITIES`, each state with the distinct city names of its
/// ZIP codes. Both are sorted by their key, for binary search.
fn write_zip_places() {
    let mut places = BTreeMap::new();
    let mut states: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for z in zipcodes::database() {
        let county = z
            .county
            .trim_end_matches(" County")
            .trim_end_matches(" Parish")
            .to_uppercase();
        let cities: Vec<String> = std::iter::once(&z.city)
            .chain(&z.acceptable_cities)
            .map(|c| c.to_uppercase())
            .collect();
        places.insert(z.zip_code.as_str(), (county, cities));
        states
            .entry(z.state.as_str())
            .or_default()
            .push(z.city.to_uppercase());
    }
    let mut code = format!(
        "static ZIP_PLACES: [(&str, &str, &[&str]); {}] = [\n",
        places.len()
    );
    for (zip, (county, cities)) in &places {
        writeln!(code, "    ({zip:?}, {county:?}, &{cities:?}),").unwrap();
    }
    writeln!(
        code,
        "];\nstatic STATE_CITIES: [(&str, &[&str]); {}] = [",
        states.len()
    )
    .unwrap();
    for (state, cities) in &mut states {
        cities.sort_unstable();
        cities.dedup();
        writeln!(code, "    ({state:?}, &{cities:?}),").unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("zip_places.rs"), code).expect("OUT_DIR is writable");
}

/// The share of an area code's ZIP codes one zone must have to be the area code's zone.
const AREA_CODE_MAJORITY: f64 = 0.9;

/// Writes `zip_zones.rs`:
///
/// - `ZONES`: the time zones the dataset names that are IANA names (chrono-tz knows them);
///   a ZIP code without a zone, or with a name that is none (the dataset has a village's
///   name for one), has none;
/// - `ZIP_ZONES`: each ZIP code with its zone (an index into `ZONES`, or `NO_ZONE`) and its
///   centroid (latitude, longitude; NaN for the military ZIP codes, which have no place);
/// - `AREA_CODE_ZONES`: each area code whose ZIP codes are, at least 90% of them, in one
///   zone, with that zone;
/// - `STATE_ZONES`: each state whose ZIP codes all have one zone, with that zone.
///
/// All sorted by their key, for binary search.
fn write_zip_zones() {
    let database = zipcodes::database();
    let is_iana = |name: &str| name.parse::<chrono_tz::Tz>().is_ok();
    let zones: Vec<&str> = {
        let mut zones: Vec<&str> = database
            .iter()
            .map(|z| z.timezone.as_str())
            .filter(|name| is_iana(name))
            .collect();
        zones.sort_unstable();
        zones.dedup();
        zones
    };
    assert!(zones.len() < 255, "a zone is a byte");
    let zone_of = |name: &str| zones.binary_search(&name).ok().map(|i| i as u8);
    let mut zips = BTreeMap::new();
    let mut area_codes: BTreeMap<&str, BTreeMap<u8, usize>> = BTreeMap::new();
    let mut states: BTreeMap<&str, BTreeMap<u8, usize>> = BTreeMap::new();
    for z in database {
        let zone = zone_of(&z.timezone);
        // Military ZIP codes have no place: the dataset puts them at 0°, 0°.
        let centroid = match (z.lat.parse::<f64>(), z.long.parse::<f64>()) {
            (Ok(lat), Ok(long)) if (lat, long) != (0.0, 0.0) => format!("{lat:?}, {long:?}"),
            _ => "f64::NAN, f64::NAN".to_string(),
        };
        zips.insert(z.zip_code.as_str(), (zone, centroid));
        let Some(zone) = zone else { continue };
        for code in &z.area_codes {
            *area_codes.entry(code).or_default().entry(zone).or_default() += 1;
        }
        *states.entry(&z.state).or_default().entry(zone).or_default() += 1;
    }
    let mut code = format!(
        "static ZONES: [&str; {}] = {zones:?};
",
        zones.len()
    );
    writeln!(code, "const NO_ZONE: u8 = u8::MAX;").unwrap();
    writeln!(
        code,
        "static ZIP_ZONES: [(&str, u8, f64, f64); {}] = [",
        zips.len()
    )
    .unwrap();
    for (zip, (zone, centroid)) in &zips {
        let zone = zone.unwrap_or(u8::MAX);
        writeln!(code, "    ({zip:?}, {zone}, {centroid}),").unwrap();
    }
    code.push_str(
        "];
",
    );
    let majority = |counts: &BTreeMap<u8, usize>| {
        let all: usize = counts.values().sum();
        let (zone, most) = counts.iter().max_by_key(|(_, n)| **n)?;
        (*most as f64 >= AREA_CODE_MAJORITY * all as f64).then_some(*zone)
    };
    let table = |name: &str, rows: Vec<(&str, u8)>| {
        let mut code = format!("static {name}: [(&str, u8); {}] = [\n", rows.len());
        for (key, zone) in rows {
            writeln!(code, "    ({key:?}, {zone}),").unwrap();
        }
        code + "];\n"
    };
    let by_area_code = area_codes
        .iter()
        .filter_map(|(area_code, counts)| Some((*area_code, majority(counts)?)))
        .collect();
    code.push_str(&table("AREA_CODE_ZONES", by_area_code));
    let by_state = states
        .iter()
        .filter(|(_, counts)| counts.len() == 1)
        .map(|(state, counts)| (*state, *counts.keys().next().expect("one zone")))
        .collect();
    code.push_str(&table("STATE_ZONES", by_state));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("zip_zones.rs"), code).expect("OUT_DIR is writable");
}

/// Writes `free_email_domains.rs`: `FREE_EMAIL_DOMAINS`, the free e-mail providers'
/// domains of `data/free_email_domains.txt` (its source and date are in its header),
/// lower-cased and sorted, for binary search.
fn write_free_email_domains() {
    let list = std::fs::read_to_string("data/free_email_domains.txt").expect("the list reads");
    let mut domains: Vec<String> = list
        .lines()
        .map(|line| line.trim().to_lowercase())
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    domains.sort_unstable();
    domains.dedup();
    let code = format!(
        "static FREE_EMAIL_DOMAINS: [&str; {}] = {domains:?};\n",
        domains.len()
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("free_email_domains.rs"), code).expect("OUT_DIR is writable");
}

/// Writes `nanp_regions.rs`: `NANP`, the regions of country code 1 in the crate's order,
/// each with its leading digits, its general pattern and the patterns of its number types,
/// as `phone.rs` declares them. Fixed-line and mobile come first: a number has a type when
/// any type's pattern matches, and most numbers are one of those two.
fn write_nanp_regions() {
    let database = &*phonenumber::metadata::DATABASE;
    let regions = database
        .region(&1)
        .expect("the metadata has country code 1");
    let pattern = |d: &phonenumber::metadata::Descriptor| {
        format!(
            "Pattern::new(&{:?}, {:?})",
            d.possible_length(),
            d.national_number().as_str()
        )
    };
    let mut code = format!("static NANP: [Region; {}] = [\n", regions.len());
    for id in regions {
        let meta = database.by_id(id).expect("a listed region has metadata");
        let d = meta.descriptors();
        let types = [
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .map(|t| t.map_or("None".to_string(), |t| format!("Some({})", pattern(t))));
        let leading = meta.leading_digits().map_or("None".to_string(), |l| {
            format!("Some(Anchored::new({:?}))", l.as_str())
        });
        writeln!(
            code,
            "    Region {{ leading_digits: {leading}, general: {}, types: [{}] }}, // {id}",
            pattern(d.general()),
            types.join(", ")
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("nanp_regions.rs"), code).expect("OUT_DIR is writable");
}
