//! The set of known specs: built in, plus a user's folder, and which spec claims a file.

use std::path::Path;

use super::{Spec, SpecError, header, spec_files};

/// The specs shipped with leadpipe, compiled into the binary.
const BUILT_IN: &[(&str, &str)] = &[
    ("nevada.toml", include_str!("../../specs/nevada.toml")),
    ("oklahoma.toml", include_str!("../../specs/oklahoma.toml")),
    ("texas.toml", include_str!("../../specs/texas.toml")),
    (
        "salesforce_leads.toml",
        include_str!("../../specs/salesforce_leads.toml"),
    ),
    (
        "hubspot_companies.toml",
        include_str!("../../specs/hubspot_companies.toml"),
    ),
];

/// Which spec a file belongs to, and how that was decided.
#[derive(Debug)]
pub enum Claim<'a> {
    /// One spec's file-name pattern matches.
    ByName(&'a Spec),
    /// No name pattern matches, and the file's header is exactly this spec's.
    ByHeader(&'a Spec),
    /// Several specs' name patterns match; their ids.
    Ambiguous(Vec<&'a str>),
    Unclaimed,
}

/// All specs in use, built-in ones first; a user's spec replaces a built-in one of the same id.
#[derive(Debug)]
pub struct Specs {
    specs: Vec<Spec>,
}

impl Specs {
    /// The built-in specs, plus every `*.toml` in `dir` when given.
    pub fn load(dir: Option<&Path>) -> Result<Specs, SpecError> {
        let mut specs = BUILT_IN
            .iter()
            .map(|(name, text)| Spec::parse(text, &format!("built-in {name}")))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(dir) = dir {
            let files = spec_files(dir).map_err(|e| SpecError {
                origin: dir.display().to_string(),
                message: format!("cannot list the folder: {e}"),
            })?;
            for path in files {
                let spec = Spec::load(&path)?;
                match specs.iter_mut().find(|s| s.id == spec.id) {
                    Some(existing) if !existing.origin.starts_with("built-in") => {
                        return Err(SpecError {
                            origin: spec.origin,
                            message: format!(
                                "id `{}` is also used by {}",
                                spec.id, existing.origin
                            ),
                        });
                    }
                    Some(existing) => *existing = spec,
                    None => specs.push(spec),
                }
            }
        }
        Ok(Specs { specs })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Spec> {
        self.specs.iter()
    }

    /// Finds the spec of a file: by file name first; when no name pattern matches, by a
    /// header read only then with `read_header` (`None`: the file has no readable header).
    /// An error reading the header is returned as it is.
    pub fn claim(
        &self,
        file_name: &str,
        read_header: impl FnOnce() -> std::io::Result<Option<Vec<String>>>,
    ) -> std::io::Result<Claim<'_>> {
        let by_name: Vec<&Spec> = self
            .specs
            .iter()
            .filter(|s| s.claims_name(file_name))
            .collect();
        match by_name.as_slice() {
            [spec] => return Ok(Claim::ByName(spec)),
            [] => {}
            several => {
                return Ok(Claim::Ambiguous(
                    several.iter().map(|s| s.id.as_str()).collect(),
                ));
            }
        }
        let Some(found) = read_header()? else {
            return Ok(Claim::Unclaimed);
        };
        Ok(self
            .specs
            .iter()
            .find(|spec| header::matches(spec, &found))
            .map_or(Claim::Unclaimed, Claim::ByHeader))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_specs_are_valid() {
        let specs = Specs::load(None).unwrap();
        let ids: Vec<_> = specs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "nevada",
                "oklahoma",
                "texas",
                "salesforce_leads",
                "hubspot_companies"
            ]
        );
    }

    #[test]
    fn files_are_claimed_by_name_then_by_header() {
        let specs = Specs::load(None).unwrap();
        let claim = specs
            .claim("07-07-2023 Texas DHHS.csv", || unreachable!())
            .unwrap();
        assert!(matches!(claim, Claim::ByName(s) if s.id == "texas"));

        let texas_header = specs
            .iter()
            .find(|s| s.id == "texas")
            .unwrap()
            .header
            .clone();
        let claim = specs
            .claim("export.csv", || Ok(Some(texas_header)))
            .unwrap();
        assert!(matches!(claim, Claim::ByHeader(s) if s.id == "texas"));

        let claim = specs
            .claim("notes.txt", || Ok(Some(vec!["a".into()])))
            .unwrap();
        assert!(matches!(claim, Claim::Unclaimed));
    }

    #[test]
    fn a_user_spec_replaces_the_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        let texas = BUILT_IN[2].1.replace("name = \"", "name = \"Custom ");
        std::fs::write(dir.path().join("texas.toml"), texas).unwrap();
        let specs = Specs::load(Some(dir.path())).unwrap();
        let spec = specs.iter().find(|s| s.id == "texas").unwrap();
        assert!(spec.name.starts_with("Custom "), "{}", spec.name);
        assert_eq!(specs.iter().count(), BUILT_IN.len());
    }
}
