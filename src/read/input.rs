//! What `ingest` was asked to read: files, folders and glob patterns, as a list of files.

use std::path::{Path, PathBuf};

/// A file to consider for loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// Named on the command line itself, rather than found in a folder or by a pattern.
    pub named: bool,
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
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Expands files, folders (every file below them, hidden ones excluded) and glob patterns
/// into files, in a stable order, each once.
pub fn expand(args: &[String]) -> Result<Vec<InputFile>, InputError> {
    let mut files = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if path.is_dir() {
            files.extend(walk(path)?);
        } else if path.exists() {
            files.push(InputFile {
                path: path.to_path_buf(),
                named: true,
            });
        } else if arg.contains(['*', '?', '[']) {
            let mut matched = Vec::new();
            let options = glob::MatchOptions {
                require_literal_leading_dot: true,
                ..glob::MatchOptions::new()
            };
            let paths =
                glob::glob_with(arg, options).map_err(|e| InputError::Pattern(arg.clone(), e))?;
            for entry in paths {
                let path = entry.map_err(|e| InputError::Io {
                    path: e.path().display().to_string(),
                    source: e.into(),
                })?;
                if path.is_file() {
                    matched.push(InputFile { path, named: false });
                }
            }
            if matched.is_empty() {
                return Err(InputError::NoMatch(arg.clone()));
            }
            files.extend(matched);
        } else {
            return Err(InputError::Missing(arg.clone()));
        }
    }
    // Each file once, where it first appears; named on the command line if it was anywhere.
    let named: std::collections::HashSet<PathBuf> = files
        .iter()
        .filter(|f| f.named)
        .map(|f| f.path.clone())
        .collect();
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.path.clone()));
    for file in &mut files {
        file.named = named.contains(&file.path);
    }
    Ok(files)
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
            files.push(InputFile {
                path: entry.into_path(),
                named: false,
            });
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
        let files = expand(&args).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.csv", "b.csv", "sub/c.csv"]);
        let named: Vec<bool> = files.iter().map(|f| f.named).collect();
        assert_eq!(
            named,
            [true, false, false],
            "a.csv was also named on its own"
        );
    }

    #[test]
    fn names_what_is_missing() {
        let err = expand(&["/nonexistent/x.csv".to_string()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nonexistent/x.csv: no such file or folder"
        );
        let err = expand(&["/nonexistent/*.csv".to_string()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nonexistent/*.csv: the pattern matches no file"
        );
    }
}
