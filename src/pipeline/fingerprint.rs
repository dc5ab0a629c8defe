//! Fingerprints: of a file's content, to know it again, and of a record with what maps
//! it, to know its lead unchanged.

use std::io::{self, Read};

use sha2::{Digest, Sha256};

use crate::spec::Spec;

/// Everything but a record's bytes that its lead depends on: leadpipe's build (its mapping
/// code and the data of its dependencies, fingerprinted by `build.rs`), the spec's reading,
/// rules and enrichment, and the file's header (the names in `source_record`).
pub(crate) fn mapping_salt(spec: &Spec, header: &[String]) -> u128 {
    let described = format!(
        "{}\n{}\n{:?}\n{:?}\n{:?}\n{header:?}\n{}\n{:?}\n{:?}",
        env!("LEADPIPE_BUILD_FINGERPRINT"),
        spec.id,
        spec.encoding.map(encoding_rs::Encoding::name),
        spec.dialect,
        spec.layout,
        spec.key_column,
        spec.rules,
        spec.enrich
    );
    xxhash_rust::xxh3::xxh3_128(described.as_bytes())
}

/// A hash of a record as published and of what its lead depends on besides ([`mapping_salt`]),
/// 128-bit XXH3 in hex: a lead stored with this hash is the lead the record maps to.
pub(crate) fn record_hash(salt: u128, bytes: &[u8]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&salt.to_le_bytes());
    hasher.update(bytes);
    format!("{:032x}", hasher.digest128())
}

/// The SHA-256 of a stream's content, in hex.
pub(crate) fn content_sha256(mut input: impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut input, &mut hasher)?;
    Ok(format!("{:x}", hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Specs;

    #[test]
    fn the_record_hash_changes_with_the_record_and_with_what_maps_it() {
        let specs = Specs::load(None).unwrap();
        let spec = |id: &str| specs.iter().find(|s| s.id == id).unwrap();
        let nevada = spec("nevada");
        let header = nevada.header.clone();
        let salt = mapping_salt(nevada, &header);
        assert_eq!(salt, mapping_salt(nevada, &header), "the same every run");
        let hash = record_hash(salt, b"A,B");
        assert_eq!(hash.len(), 32);
        assert_eq!(hash, record_hash(salt, b"A,B"));
        assert_ne!(hash, record_hash(salt, b"A,C"));
        let mut renamed = header.clone();
        renamed[0] = format!("{} (renamed)", renamed[0]);
        assert_ne!(hash, record_hash(mapping_salt(nevada, &renamed), b"A,B"));
        let texas = spec("texas");
        assert_ne!(hash, record_hash(mapping_salt(texas, &header), b"A,B"));
    }

    #[test]
    fn the_content_hash_is_sha256() {
        assert_eq!(
            content_sha256(&b"abc"[..]).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
