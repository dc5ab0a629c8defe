//! PostgreSQL connection problems: one clear line each, exit status 2, no password shown.

mod util;

use util::{Db, TEXAS, Workdir, assert_exit, raw_dir, stderr};

/// Runs `leadpipe migrate --db <url>` and returns its one line of error.
fn error_line(url: &str) -> String {
    let w = Workdir::new();
    let output = w.command(&["migrate", "--db", url]).output().unwrap();
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
    err.trim().to_string()
}

#[test]
fn an_unreachable_server() {
    assert_eq!(
        error_line("postgres://postgres:hunter2@127.0.0.1:1/leads"),
        "error: cannot connect to PostgreSQL at postgres://postgres@127.0.0.1:1/leads: Connection refused \
         (os error 111); check the host and port and that the server is running"
    );
}

#[test]
fn a_missing_database() {
    assert_eq!(
        error_line("postgresql://postgres:hunter2@127.0.0.1:5432/leadpipe_no_such_db"),
        "error: database `leadpipe_no_such_db` does not exist (postgres://postgres@127.0.0.1:5432/leadpipe_no_such_db); \
         create it (`createdb leadpipe_no_such_db`) or fix the URL"
    );
}

#[test]
fn an_unknown_role() {
    assert_eq!(
        error_line("postgres://leadpipe_no_such_role:hunter2@127.0.0.1:5432/postgres"),
        "error: PostgreSQL does not let user `leadpipe_no_such_role` in \
         (postgres://leadpipe_no_such_role@127.0.0.1:5432/postgres): the role may not exist or pg_hba.conf refuses it"
    );
}

#[test]
fn a_user_without_permission_to_create_tables() {
    let db = Db::postgres();
    let Db::Postgres { name } = &db else {
        unreachable!()
    };
    let role = format!("{name}_reader");
    util::postgres_execute(&format!("CREATE ROLE {role} LOGIN"));
    let url = db.url().replace(
        "postgres://postgres@",
        &format!("postgres://{role}:hunter2@"),
    );
    let line = error_line(&url);
    util::postgres_execute(&format!("DROP ROLE {role}"));
    assert!(
        line.starts_with(&format!(
            "error: user `{role}` may not create leadpipe's tables in"
        )),
        "{line}"
    );
    assert!(
        line.ends_with("grant it CREATE on schema public, or use a database it owns"),
        "{line}"
    );
}

#[test]
fn pg_variables_fill_what_the_url_leaves_out() {
    let w = Workdir::new();
    let db = Db::postgres();
    let Db::Postgres { name } = &db else {
        unreachable!()
    };
    let output = w
        .command(&[
            "ingest",
            raw_dir().join(TEXAS).to_str().unwrap(),
            "--db",
            "postgres://",
        ])
        .env("PGHOST", "127.0.0.1")
        .env("PGPORT", "5432")
        .env("PGUSER", "postgres")
        .env("PGDATABASE", name)
        .output()
        .unwrap();
    assert_exit(&output, 0);
    assert_eq!(db.count("SELECT count(*) FROM leads"), 99);
}
