//! Weekly drops read straight from S3, against a real S3-compatible server (moto) on
//! loopback: listing, lineage, incremental loads, `--since`, profiles, retries, and every
//! error the server can produce.

mod util;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use util::moto::{FlakyProxy, Moto};
use util::{NEVADA, OKLAHOMA, TEXAS, Workdir, assert_exit, raw_dir, stderr, stdout};

/// `leadpipe ingest <url> --db sqlite:<w>/leads.db <extra>` with only the given AWS
/// settings (and no real `~/.aws`).
fn ingest_s3(w: &Workdir, url: &str, aws: &[(&str, &str)], extra: &[&str]) -> Output {
    let db = format!("sqlite:{}", w.db_path().display());
    let mut args = vec!["ingest", url, "--db", &db];
    args.extend(extra);
    let mut command = w.command(&args);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("AWS_")) {
        command.env_remove(name);
    }
    command
        .env("HOME", w.path())
        .env("AWS_REGION", "us-east-1")
        .envs(aws.iter().copied());
    command.output().unwrap()
}

fn open_access(moto: &Moto) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_ENDPOINT_URL", moto.endpoint.clone()),
    ]
}

fn pairs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A moto server with the three raw files in `s3://drops/weekly/`.
fn drops() -> Moto {
    let moto = Moto::start();
    moto.admin(&["bucket", "drops"]);
    for file in [NEVADA, OKLAHOMA, TEXAS] {
        moto.put("drops", &format!("weekly/{file}"), &raw_dir().join(file));
    }
    moto
}

#[test]
fn a_prefix_loads_like_a_folder_with_s3_lineage() {
    let moto = drops();
    let w = Workdir::new();
    let output = ingest_s3(&w, "s3://drops/weekly/", &pairs(&open_access(&moto)), &[]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("249 read = 248 loaded + 1 rejected"),
        "{}",
        stdout(&output)
    );
    let per_file: Vec<(String, i64)> = w
        .pairs("SELECT source_file, count(*) FROM leads GROUP BY source_file ORDER BY source_file");
    let expected: Vec<(String, i64)> = [(NEVADA, 100), (OKLAHOMA, 49), (TEXAS, 99)]
        .iter()
        .map(|(f, n)| (format!("s3://drops/weekly/{f}"), *n))
        .collect();
    assert_eq!(per_file, expected);
    assert_eq!(
        w.query::<String>("SELECT source_file FROM rejects"),
        format!("s3://drops/weekly/{OKLAHOMA}")
    );
    let tags: Vec<(String, i64)> =
        w.pairs("SELECT e_tag, length(e_tag) FROM source_files ORDER BY path");
    assert!(
        tags.iter()
            .all(|(tag, len)| *len == 32 && tag.chars().all(|c| c.is_ascii_hexdigit())),
        "{tags:?}"
    );
}

#[test]
fn only_a_new_object_loads_on_the_next_run() {
    let moto = drops();
    let w = Workdir::new();
    let env = open_access(&moto);
    assert_exit(&ingest_s3(&w, "s3://drops/weekly/", &pairs(&env), &[]), 0);
    // A week later, Texas no longer lists its last provider.
    let texas = std::fs::read_to_string(raw_dir().join(TEXAS)).unwrap();
    let newer = w.write("texas.csv", texas.rsplit_once("\r\n").unwrap().0);
    moto.put("drops", "weekly/07-14-2023 Texas DHHS.csv", &newer);
    let output = ingest_s3(&w, "s3://drops/weekly/", &pairs(&env), &[]);
    assert_exit(&output, 0);
    let out = stdout(&output);
    assert_eq!(out.matches("already loaded").count(), 3, "{out}");
    assert!(
        out.contains("98 read = 98 loaded + 0 rejected; 0 inserted, 0 updated, 1 deactivated"),
        "{out}"
    );
    let loaded: Vec<(String, i64)> =
        w.pairs("SELECT path, records_unchanged FROM source_files WHERE status = 'loaded' ORDER BY id DESC LIMIT 1");
    assert_eq!(
        loaded,
        [(
            "s3://drops/weekly/07-14-2023 Texas DHHS.csv".to_string(),
            98
        )]
    );
}

#[test]
fn since_considers_only_objects_modified_from_that_time() {
    let moto = drops();
    let w = Workdir::new();
    std::thread::sleep(Duration::from_millis(1100));
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::thread::sleep(Duration::from_millis(1100));
    moto.put(
        "drops",
        &format!("weekly/later/{TEXAS}"),
        &raw_dir().join(TEXAS),
    );
    let output = ingest_s3(
        &w,
        "s3://drops/weekly/",
        &pairs(&open_access(&moto)),
        &["--since", &since],
    );
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("3 file(s) modified before --since left out"),
        "{}",
        stderr(&output)
    );
    let files: Vec<(String, i64)> = w.pairs("SELECT path, records_loaded FROM source_files");
    assert_eq!(files, [(format!("s3://drops/weekly/later/{TEXAS}"), 99)]);
}

#[test]
fn credentials_can_come_from_a_profile_in_the_shared_files() {
    let moto = drops();
    let w = Workdir::new();
    let config = w.write(
        "aws/config",
        format!(
            "[profile etl]\nregion = us-east-1\nendpoint_url = {}\n",
            moto.endpoint
        ),
    );
    let credentials = w.write(
        "aws/credentials",
        "[etl]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    );
    let env = [
        ("AWS_PROFILE", "etl"),
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
    ];
    let output = ingest_s3(&w, &format!("s3://drops/weekly/{TEXAS}"), &env, &[]);
    assert_exit(&output, 0);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 99);

    let output = ingest_s3(
        &w,
        "s3://drops/weekly/",
        &[("AWS_ENDPOINT_URL", &moto.endpoint)],
        &[],
    );
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("no AWS credentials: set AWS_ACCESS_KEY_ID"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn transient_server_errors_are_retried() {
    let moto = drops();
    let w = Workdir::new();
    let proxy = FlakyProxy::start(&moto.endpoint, |n| n < 3);
    let mut env = open_access(&moto);
    env[2].1 = proxy.endpoint.clone();
    let output = ingest_s3(&w, "s3://drops/weekly/", &pairs(&env), &[]);
    assert_exit(&output, 0);
    assert_eq!(proxy.refused(), 3);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 248);
}

#[test]
fn retries_are_bounded_and_a_failure_mid_run_commits_nothing() {
    let moto = drops();
    let w = Workdir::new();
    let mut env = open_access(&moto);

    let always = FlakyProxy::start(&moto.endpoint, |_| true);
    env[2].1 = always.endpoint.clone();
    let output = ingest_s3(&w, "s3://drops/weekly/", &pairs(&env), &[]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("S3 refused a request for s3://drops/weekly/ (SlowDown) (after 5 retries)"),
        "{err}"
    );
    assert_eq!(always.refused(), 6);
    // Backed off as the AWS SDKs do, for seconds: at least 1 s each time, the k-th wait at
    // most 2^(k-1) s (and the time a request takes), within the documented 60 s.
    let waits = always.waits();
    assert_eq!(waits.len(), 5);
    for (k, wait) in waits.iter().enumerate() {
        let longest = Duration::from_secs(1 << k) + Duration::from_millis(500);
        assert!(
            *wait >= Duration::from_secs(1) && *wait <= longest,
            "wait {k}: {wait:?} in {waits:?}"
        );
    }
    assert!(
        waits.iter().sum::<Duration>() < Duration::from_secs(60),
        "{waits:?}"
    );

    // The listing and the first object pass; everything after fails, part-way through.
    let later = FlakyProxy::start(&moto.endpoint, |n| n >= 3);
    env[2].1 = later.endpoint.clone();
    let output = ingest_s3(&w, "s3://drops/weekly/", &pairs(&env), &[]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("the run failed and was rolled back"),
        "{}",
        stderr(&output)
    );
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 0);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM runs"), 0);
}

fn credentials<'a>(
    key: &'a str,
    secret: &'a str,
    endpoint: &'a str,
) -> [(&'static str, &'a str); 3] {
    [
        ("AWS_ACCESS_KEY_ID", key),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_ENDPOINT_URL", endpoint),
    ]
}

/// Runs an ingest that must fail with exit status 2 and one line naming the problem; the
/// secret never appears.
fn s3_error(w: &Workdir, url: &str, env: &[(&str, &str)]) -> String {
    let output = ingest_s3(w, url, env, &[]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        !err.contains("s3cr3t") && !err.contains("wJalr"),
        "a secret leaked: {err}"
    );
    err
}

#[test]
fn each_access_problem_says_what_to_check() {
    let moto = drops();
    let reader = moto.admin(&["user", "reader", "s3:*"]);
    let (key, secret) = reader.split_once(' ').unwrap();
    let writer = moto.admin(&["user", "writer", "s3:PutObject"]);
    let (writer_key, writer_secret) = writer.split_once(' ').unwrap();
    moto.admin(&["auth-on"]);
    let w = Workdir::new();
    let with = |key, secret| credentials(key, secret, &moto.endpoint);

    let err = s3_error(
        &w,
        "s3://drops/weekly/",
        &with(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
    );
    assert!(
        err.contains("does not know the access key (InvalidAccessKeyId)"),
        "{err}"
    );
    assert!(err.contains("check AWS_ACCESS_KEY_ID"), "{err}");

    let err = s3_error(&w, "s3://drops/weekly/", &with(key, "s3cr3t-that-is-wrong"));
    assert!(
        err.contains("the secret key does not match the access key (SignatureDoesNotMatch)"),
        "{err}"
    );

    let mut token = with(key, secret).to_vec();
    token.push(("AWS_SESSION_TOKEN", "FQoGZXIvYXdzEXPIRED"));
    let err = s3_error(&w, "s3://drops/weekly/", &token);
    assert!(
        err.contains("the session token was refused (InvalidToken)"),
        "{err}"
    );
    assert!(err.contains("refresh AWS_SESSION_TOKEN"), "{err}");

    let err = s3_error(&w, "s3://no-such-bucket/weekly/", &with(key, secret));
    assert!(
        err.contains("bucket `no-such-bucket` does not exist at http://127.0.0.1:"),
        "{err}"
    );

    let err = s3_error(&w, "s3://drops/weekly/", &with(writer_key, writer_secret));
    assert!(
        err.contains("access denied to s3://drops/weekly/ (AccessDenied)"),
        "{err}"
    );
    assert!(err.contains("s3:ListBucket"), "{err}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = format!("http://127.0.0.1:{closed}");
    let err = s3_error(
        &w,
        "s3://drops/weekly/",
        &credentials(key, secret, &nowhere),
    );
    assert!(
        err.contains(&format!("cannot reach the S3 endpoint {nowhere}")),
        "{err}"
    );
    assert!(err.contains("Connection refused"), "{err}");

    let output = ingest_s3(&w, "s3://drops/nothing-here/", &with(key, secret), &[]);
    assert_exit(&output, 99);
    assert!(
        stderr(&output).contains("s3://drops/nothing-here/: nothing to load there"),
        "{}",
        stderr(&output)
    );
    assert!(
        !Path::new(&w.db_path()).exists(),
        "an empty prefix must not touch the database"
    );

    let output = ingest_s3(&w, "s3://drops/weekly/", &with(key, secret), &[]);
    assert_exit(&output, 0);
    assert_eq!(w.query::<i64>("SELECT count(*) FROM leads"), 248);
}
