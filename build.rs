//! Fingerprints the code and the locked dependencies that map records, for the record hash:
//! a lead stored under a hash is the lead its record maps to only with the same mapping code
//! and data (phone metadata, the ZIP dataset, name rules). Any change to them makes the next
//! snapshot compare every lead once, column by column.

use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

fn main() {
    let mut hasher = DefaultHasher::new();
    for input in ["Cargo.lock", "src", "specs"] {
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
