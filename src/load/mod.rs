//! Loading: the target database, and the rows written to it.

pub mod sqlite;

use std::fmt;
use std::path::PathBuf;

use crate::lead::LeadValues;

/// Where leads are loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
}

/// A database URL that leadpipe cannot use.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    #[error("`{0}` is not a database URL leadpipe knows: use `sqlite:<path>`")]
    Unknown(String),
    #[error("PostgreSQL targets are not supported yet: use `sqlite:<path>`")]
    PostgresNotYet,
}

impl DatabaseUrl {
    /// Parses `sqlite:<path>` (also `sqlite://<path>`).
    pub fn parse(url: &str) -> Result<DatabaseUrl, UrlError> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(UrlError::Unknown(url.to_string()));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Err(UrlError::PostgresNotYet);
        }
        Err(UrlError::Unknown(url.to_string()))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
        }
    }
}

/// A lead ready to be written.
#[derive(Debug)]
pub struct LeadRow {
    pub lead_id: String,
    pub values: LeadValues,
    pub source_line: u64,
    /// The record as published, as JSON.
    pub source_record: String,
    /// Doubtful values, as JSON, when there are any.
    pub issues: Option<String>,
}

/// A record that could not be loaded, with why and its text as published.
#[derive(Debug)]
pub struct RejectRow {
    pub source_line: u64,
    pub reason: String,
    pub message: String,
    pub raw_text: String,
}

/// What a bounded batch of records became.
#[derive(Debug, Default)]
pub struct Batch {
    pub leads: Vec<LeadRow>,
    pub rejects: Vec<RejectRow>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.leads.len() + self.rejects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The run being loaded.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub run_id: String,
    /// RFC 3339, UTC.
    pub started_at: String,
}

/// One file of a run, as the ledger records it.
#[derive(Clone, Debug)]
pub struct FileInfo {
    pub source: String,
    /// The file's address as given: its path, later an `s3://` URL.
    pub path: String,
    pub content_sha256: String,
    pub size_bytes: u64,
}

/// How a file's load ended, with its counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCounts {
    pub read: u64,
    pub loaded: u64,
    pub rejected: u64,
}

/// A file whose content was loaded before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorLoad {
    pub run_id: String,
    pub path: String,
    pub processed_at: String,
}

/// The current time, RFC 3339 in UTC, as the ledger records times.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlite_urls() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:leads.db").unwrap(),
            DatabaseUrl::Sqlite("leads.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("mysql://x"),
            Err(UrlError::Unknown(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("sqlite:"),
            Err(UrlError::Unknown(_))
        ));
    }
}
