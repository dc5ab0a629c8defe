//! The set of known specs: built in, plus a user's folder, and which spec claims a file.

use std::path::Path;

use super::{Spec, SpecError, header, parse_table, read_spec_file, spec_files, spec_id};
use crate::read::FileStart;

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

/// The built-in specs' tables, with their origins (`built-in nevada.toml`).
pub(super) fn built_in_tables() -> Result<Vec<(String, toml::Table)>, SpecError> {
    BUILT_IN
        .iter()
        .map(|(name, text)| {
            let origin = format!("built-in {name}");
            parse_table(text, &origin).map(|table| (origin, table))
        })
        .collect()
}

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
    /// The built-in specs, plus every `*.toml` in `dir` when given. A spec that `extends`
    /// another finds it among the folder's specs first (never itself), then the built-in
    /// ones: a folder's `nevada.toml` may extend the built-in `nevada` and replace it.
    pub fn load(dir: Option<&Path>) -> Result<Specs, SpecError> {
        let built_in = built_in_tables()?;
        let mut folder = Vec::new();
        if let Some(dir) = dir {
            let files = spec_files(dir).map_err(|e| SpecError {
                origin: dir.display().to_string(),
                message: format!("cannot list the folder: {e}"),
            })?;
            for path in files {
                let origin = path.display().to_string();
                folder.push((
                    origin.clone(),
                    parse_table(&read_spec_file(&path)?, &origin)?,
                ));
            }
        }
        let find = |id: &str, asking: &toml::Table| {
            let other = |(_, table): &&(String, toml::Table)| {
                spec_id(table) == Some(id) && !std::ptr::eq(table, asking)
            };
            folder
                .iter()
                .find(other)
                .or_else(|| built_in.iter().find(other))
                .map(|(_, t)| t)
        };
        let mut specs = built_in
            .iter()
            .map(|(origin, table)| Spec::from_table(table, origin, &find))
            .collect::<Result<Vec<_>, _>>()?;
        for (origin, table) in &folder {
            let spec = Spec::from_table(table, origin, &find)?;
            match specs.iter_mut().find(|s| s.id == spec.id) {
                Some(existing) if !existing.origin.starts_with("built-in") => {
                    return Err(SpecError {
                        origin: spec.origin,
                        message: format!("id `{}` is also used by {}", spec.id, existing.origin),
                    });
                }
                Some(existing) => *existing = spec,
                None => specs.push(spec),
            }
        }
        Ok(Specs { specs })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Spec> {
        self.specs.iter()
    }

    /// Finds the spec of a file: by file name first; when no name pattern matches, by its
    /// header, read as each spec reads files from the file's beginning (`read_start`,
    /// called only then; see [`crate::read::file_start`]): a text file's first bytes, or
    /// each sheet of a workbook the spec would read. A spec of files without a header
    /// claims them by name only. An error reading the bytes is returned as it is.
    pub fn claim(
        &self,
        file_name: &str,
        read_start: impl FnOnce() -> std::io::Result<FileStart>,
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
        let start = read_start()?;
        Ok(self
            .specs
            .iter()
            .filter(|spec| spec.layout.header_rows > 0)
            .find(|spec| {
                let headers = start.headers(spec);
                headers.iter().any(|found| header::matches(spec, found))
            })
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
        let mut file = csv::Writer::from_writer(Vec::new());
        file.write_record(&texas_header).unwrap();
        let texas_file = file.into_inner().unwrap();
        let claim = specs
            .claim("export.csv", || Ok(FileStart::text(texas_file)))
            .unwrap();
        assert!(matches!(claim, Claim::ByHeader(s) if s.id == "texas"));

        let claim = specs
            .claim("notes.txt", || Ok(FileStart::text(b"a\n1\n".to_vec())))
            .unwrap();
        assert!(matches!(claim, Claim::Unclaimed));
    }

    #[test]
    fn a_header_is_read_in_each_specs_format() {
        let dir = tempfile::tempdir().unwrap();
        let spec = |id: &str, format: &str| {
            format!(
                "id = \"{id}\"\nname = \"x\"\nkey = \"license_number\"\nheader = [\"Lic\", \"Name\"]\n\
                 [[map]]\nfrom = \"Lic\"\nto = \"license_number\"\n[format]\n{format}\n"
            )
        };
        let write = |id: &str, format: &str| {
            std::fs::write(dir.path().join(format!("{id}.toml")), spec(id, format)).unwrap()
        };
        write("semicolons", "delimiter = \";\"\npreamble_lines = 1");
        write("headerless", "delimiter = \";\"\nheader_rows = 0");
        let specs = Specs::load(Some(dir.path())).unwrap();
        let claim = specs
            .claim("list.csv", || {
                Ok(FileStart::text(b"As of May\nLic;Name\n1;A\n".to_vec()))
            })
            .unwrap();
        assert!(matches!(claim, Claim::ByHeader(s) if s.id == "semicolons"));
        let claim = specs
            .claim("list.csv", || {
                Ok(FileStart::text(b"Lic;Name\n1;A\n".to_vec()))
            })
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
