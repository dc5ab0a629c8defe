//! Connection failures, told in one line that says what to check.

use std::error::Error as _;

use postgres::error::SqlState;

use crate::store::StoreError;

/// One line that says what failed and what to check; the password is never in it.
pub(super) fn connect_error(
    e: postgres::Error,
    config: &postgres::Config,
    shown: &str,
) -> StoreError {
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or_default();
    let message = match e.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD => {
            format!(
                "PostgreSQL refused the password of user `{user}` ({shown}); check the URL's password or PGPASSWORD"
            )
        }
        Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            format!(
                "PostgreSQL does not let user `{user}` in ({shown}): the role may not exist or pg_hba.conf refuses it"
            )
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
            format!(
                "database `{db}` does not exist ({shown}); create it (`createdb {db}`) or fix the URL"
            )
        }
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
            format!(
                "user `{user}` may not use database `{db}` ({shown}); grant it CONNECT and CREATE"
            )
        }
        _ => {
            let cause = e.source().map_or_else(|| e.to_string(), |s| s.to_string());
            format!(
                "cannot connect to PostgreSQL at {shown}: {cause}; check the host and port and that the server is running"
            )
        }
    };
    StoreError::Connect(message)
}

/// A migration that failed; one the user may not run is told as what to grant.
pub(super) fn migrate_error(
    e: refinery::Error,
    config: &postgres::Config,
    shown: &str,
) -> StoreError {
    match e.kind() {
        refinery::error::Kind::Connection(_, source)
            if source
                .downcast_ref::<postgres::Error>()
                .and_then(postgres::Error::code)
                .is_some_and(|c| *c == SqlState::INSUFFICIENT_PRIVILEGE) =>
        {
            StoreError::Connect(format!(
                "user `{}` may not create leadpipe's tables in {shown}; grant it CREATE on schema public, or use a database it owns",
                config.get_user().unwrap_or_default()
            ))
        }
        _ => StoreError::Migrate(e),
    }
}
