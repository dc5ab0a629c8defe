//! Three things done before compiling:
//!
//! - Fingerprints the code and the locked dependencies that map records, for the record
//!   hash: a lead stored under a hash is the lead its record maps to only with the same
//!   mapping code and data (phone metadata, the ZIP dataset, name rules). Any change to them
//!   makes the next snapshot compare every lead once, column by column.
//! - Turns the `zipcodes` crate's US ZIP dataset into the static tables that address
//!   normalization looks places up in: read at run time, every run would parse the whole
//!   dataset and keep a copy of it in memory before the first address.
//! - Copies the patterns of the North American numbering plan out of the `phonenumber`
//!   crate's metadata, for phone validity: loading that metadata at run time compiled the
//!   patterns of every country in the world before the first phone could be checked.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    write_zip_places();
    write_nanp_regions();
    let mut hasher = DefaultHasher::new();
    for input in ["Cargo.lock", "build.rs", "src", "specs"] {
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
