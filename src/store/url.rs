//! Database URLs: `sqlite:<path>` or `postgres://…`, with the standard `PG*` environment
//! variables filling what a PostgreSQL URL leaves out, and passwords never displayed.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::redact;

/// Where leads are loaded.
#[derive(Clone, Debug)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(Box<postgres::Config>),
}

/// A database URL that leadpipe cannot use.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    /// The URL as given, its password masked.
    #[error("`{0}` is not a database URL leadpipe knows: use `sqlite:<path>` or `postgres://…`")]
    Unknown(String),
    #[error("invalid PostgreSQL URL: {0}")]
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite:<path>` (also `sqlite://<path>`) or a `postgres://` / `postgresql://`
    /// URL; `env` looks up the `PG*` variables for what the URL leaves out.
    pub fn parse(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<DatabaseUrl, UrlError> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(UrlError::Unknown(redact::passwords(url)));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // The parser's messages can quote the URL; say only what kind of error it was.
            let mut config = postgres::Config::from_str(url).map_err(|_| {
                UrlError::Postgres(
                    "check its form: postgres://user:password@host:port/database".into(),
                )
            })?;
            fill_from_env(&mut config, env)?;
            return Ok(DatabaseUrl::Postgres(Box::new(config)));
        }
        Err(UrlError::Unknown(redact::passwords(url)))
    }
}

/// PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for what the URL leaves out; then
/// localhost, 5432, the login user, and a database named like the user, as `psql` does.
fn fill_from_env(
    config: &mut postgres::Config,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(), UrlError> {
    if config.get_hosts().is_empty() {
        config.host(&env("PGHOST").unwrap_or_else(|| "localhost".into()));
    }
    if config.get_ports().is_empty() {
        let port = env("PGPORT").unwrap_or_else(|| "5432".into());
        let port = port
            .parse()
            .map_err(|_| UrlError::Postgres(format!("PGPORT `{port}` is not a port")))?;
        config.port(port);
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_password().is_none()
        && let Some(password) = env("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_dbname().is_none() {
        let user = config.get_user().unwrap_or("postgres").to_string();
        config.dbname(&env("PGDATABASE").unwrap_or(user));
    }
    Ok(())
}

impl fmt::Display for DatabaseUrl {
    /// The URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            DatabaseUrl::Postgres(config) => {
                let host = match config.get_hosts().first() {
                    Some(postgres::config::Host::Tcp(host)) => host.clone(),
                    Some(postgres::config::Host::Unix(path)) => path.display().to_string(),
                    None => String::new(),
                };
                let port = config.get_ports().first().copied().unwrap_or(5432);
                let user = config.get_user().unwrap_or_default();
                let db = config.get_dbname().unwrap_or_default();
                write!(f, "postgres://{user}@{host}:{port}/{db}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn parses_sqlite_urls() {
        let url = DatabaseUrl::parse("sqlite:///tmp/x.db", no_env).unwrap();
        assert_eq!(url.to_string(), "sqlite:/tmp/x.db");
        assert!(matches!(
            DatabaseUrl::parse("mysql://x", no_env),
            Err(UrlError::Unknown(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("sqlite:", no_env),
            Err(UrlError::Unknown(_))
        ));
    }

    #[test]
    fn shows_a_postgres_url_without_its_password() {
        let url = DatabaseUrl::parse(
            "postgresql://sales:s3cret@db.internal:6543/warehouse",
            no_env,
        )
        .unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://sales@db.internal:6543/warehouse"
        );
        let err = DatabaseUrl::parse("postgres://sales:s3cret@db:notaport/x", no_env).unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }

    #[test]
    fn fills_what_the_url_leaves_out_from_pg_variables() {
        let env = |name: &str| match name {
            "PGHOST" => Some("127.0.0.1".to_string()),
            "PGUSER" => Some("etl".to_string()),
            "PGPASSWORD" => Some("pw".to_string()),
            "PGDATABASE" => Some("leads".to_string()),
            _ => None,
        };
        let url = DatabaseUrl::parse("postgres://", env).unwrap();
        assert_eq!(url.to_string(), "postgres://etl@127.0.0.1:5432/leads");
        let DatabaseUrl::Postgres(config) = url else {
            unreachable!()
        };
        assert_eq!(config.get_password(), Some(&b"pw"[..]));
        let url = DatabaseUrl::parse("postgres://other@/db", env).unwrap();
        assert_eq!(url.to_string(), "postgres://other@127.0.0.1:5432/db");
    }
}
