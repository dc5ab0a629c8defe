//! What `ingest` was asked to read: files, folders, glob patterns and `s3://` prefixes, as
//! one list of input files that are all read the same way.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::s3::{self, S3Error, S3Object, S3Url};

/// Where an input file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Local(PathBuf),
    S3(S3Object),
}

/// A file to consider for loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub location: Location,
    /// Named on the command line itself, rather than found in a folder, by a pattern or
    /// under a prefix.
    pub named: bool,
}

impl InputFile {
    pub fn local(path: impl Into<PathBuf>, named: bool) -> InputFile {
        InputFile {
            location: Location::Local(path.into()),
            named,
        }
    }

    /// The file's address as lineage records it: its path, or `s3://bucket/key`.
    pub fn address(&self) -> String {
        match &self.location {
            Location::Local(path) => path.display().to_string(),
            Location::S3(object) => object.url(),
        }
    }

    /// The last part of its address, which specs' name patterns match.
    pub fn name(&self) -> String {
        match &self.location {
            Location::Local(path) => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Location::S3(object) => object
                .key
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
        }
    }

    pub fn size(&self) -> u64 {
        match &self.location {
            Location::Local(path) => path.metadata().map_or(0, |m| m.len()),
            Location::S3(object) => object.size,
        }
    }

    /// When the file was last modified.
    pub fn modified(&self) -> Option<DateTime<Utc>> {
        match &self.location {
            Location::Local(path) => path
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .map(DateTime::from),
            Location::S3(object) => Some(object.last_modified),
        }
    }

    /// The store's version tag of the content (an S3 ETag), when the store keeps one.
    pub fn e_tag(&self) -> Option<&str> {
        match &self.location {
            Location::Local(_) => None,
            Location::S3(object) => object.e_tag.as_deref(),
        }
    }

    /// Streams the file's bytes.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match &self.location {
            Location::Local(path) => Ok(Box::new(std::fs::File::open(path)?)),
            Location::S3(object) => object.open(),
        }
    }
}

/// An input argument that names nothing readable.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}: no such file or folder")]
    Missing(String),
    #[error("{0}: the pattern matches no file")]
    NoMatch(String),
    #[error("{0}: invalid pattern: {1}")]
    Pattern(String, glob::PatternError),
    #[error("{path}: cannot read: {source}")]
    Io { path: String, source: io::Error },
    #[error(transparent)]
    S3(#[from] S3Error),
}

/// The files of the inputs, and what was left out.
#[derive(Debug, Default)]
pub struct Expanded {
    pub files: Vec<InputFile>,
    /// Inputs (folders, prefixes) in which there was no file at all.
    pub empty: Vec<String>,
    /// Files left out because they were last modified before `since`.
    pub older_than_since: usize,
}

/// Expands files, folders (every file below them, hidden ones excluded), glob patterns and
/// `s3://bucket/prefix` addresses into files, in a stable order, each once. With `since`,
/// only files modified at or after it are kept.
pub fn expand(args: &[String], since: Option<DateTime<Utc>>) -> Result<Expanded, InputError> {
    let mut expanded = Expanded::default();
    let mut files = Vec::new();
    for arg in args {
        let found = if let Some(url) = S3Url::parse(arg) {
            let objects = s3::list(&url)?;
            objects
                .into_iter()
                .map(|o| InputFile {
                    location: Location::S3(o),
                    named: false,
                })
                .collect()
        } else {
            local(arg)?
        };
        if found.is_empty() {
            expanded.empty.push(arg.clone());
        }
        files.extend(found);
    }
    // Each file once, where it first appears; named on the command line if it was anywhere.
    let named: Vec<String> = files
        .iter()
        .filter(|f| f.named)
        .map(InputFile::address)
        .collect();
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.address()));
    for file in &mut files {
        file.named = named.contains(&file.address());
    }
    let before = files.len();
    if let Some(since) = since {
        files.retain(|f| f.modified().is_some_and(|m| m >= since));
    }
    expanded.older_than_since = before - files.len();
    expanded.files = files;
    Ok(expanded)
}

fn local(arg: &str) -> Result<Vec<InputFile>, InputError> {
    let path = Path::new(arg);
    if path.is_dir() {
        return walk(path);
    }
    if path.exists() {
        return Ok(vec![InputFile::local(path, true)]);
    }
    if !arg.contains(['*', '?', '[']) {
        return Err(InputError::Missing(arg.to_string()));
    }
    let options = glob::MatchOptions {
        require_literal_leading_dot: true,
        ..glob::MatchOptions::new()
    };
    let mut matched = Vec::new();
    for entry in
        glob::glob_with(arg, options).map_err(|e| InputError::Pattern(arg.to_string(), e))?
    {
        let path = entry.map_err(|e| InputError::Io {
            path: e.path().display().to_string(),
            source: e.into(),
        })?;
        if path.is_file() {
            matched.push(InputFile::local(path, false));
        }
    }
    if matched.is_empty() {
        return Err(InputError::NoMatch(arg.to_string()));
    }
    Ok(matched)
}

fn walk(dir: &Path) -> Result<Vec<InputFile>, InputError> {
    let mut files = Vec::new();
    let entries = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in entries {
        let entry = entry.map_err(|e| InputError::Io {
            path: e.path().unwrap_or(dir).display().to_string(),
            source: e.into(),
        })?;
        if entry.file_type().is_file() {
            files.push(InputFile::local(entry.into_path(), false));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_folders_patterns_and_files_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        for name in ["b.csv", "a.csv", ".hidden.csv", "sub/c.csv"] {
            std::fs::write(root.join(name), "x").unwrap();
        }
        let root_str = root.display().to_string();
        let args = [
            root_str.clone(),
            format!("{root_str}/*.csv"),
            format!("{root_str}/a.csv"),
        ];
        let files = expand(&args, None).unwrap().files;
        let names: Vec<_> = files
            .iter()
            .map(|f| f.address().strip_prefix(&root_str).unwrap().to_string())
            .collect();
        assert_eq!(names, ["/a.csv", "/b.csv", "/sub/c.csv"]);
        let named: Vec<bool> = files.iter().map(|f| f.named).collect();
        assert_eq!(
            named,
            [true, false, false],
            "a.csv was also named on its own"
        );
        assert_eq!(files[2].name(), "c.csv");
    }

    #[test]
    fn since_leaves_out_older_files_and_empty_folders_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        std::fs::write(dir.path().join("a.csv"), "x").unwrap();
        let args = [
            dir.path().display().to_string(),
            dir.path().join("empty").display().to_string(),
        ];
        let expanded = expand(&args, Some(Utc::now() + chrono::Duration::days(1))).unwrap();
        assert_eq!((expanded.files.len(), expanded.older_than_since), (0, 1));
        assert_eq!(expanded.empty, [args[1].clone()]);
        let expanded = expand(&args[..1], Some(Utc::now() - chrono::Duration::days(1))).unwrap();
        assert_eq!((expanded.files.len(), expanded.older_than_since), (1, 0));
    }

    #[test]
    fn names_what_is_missing() {
        let err = expand(&["/nonexistent/x.csv".to_string()], None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nonexistent/x.csv: no such file or folder"
        );
        let err = expand(&["/nonexistent/*.csv".to_string()], None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nonexistent/*.csv: the pattern matches no file"
        );
    }
}
