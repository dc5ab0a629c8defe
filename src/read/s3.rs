//! Objects in S3 (or any S3-compatible store) as input files: listing, streaming, and
//! errors that say what to check; and the uploads of exports, with the same setup.
//!
//! Configuration is the standard AWS one: `AWS_*` environment variables first, then the
//! shared config and credentials files (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`,
//! default `~/.aws/…`) for the profile `AWS_PROFILE` (default `default`). `AWS_ENDPOINT_URL`
//! (or `AWS_ENDPOINT_URL_S3`, or a profile's `endpoint_url`) points at another store; a
//! plain-http endpoint is allowed. Requests that fail for a transient reason (timeouts,
//! 5xx, throttling) are retried with backoff for seconds, a bounded number of times.

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{
    BackoffConfig, GetOptions, ObjectStore, ObjectStoreExt, RetryConfig, WriteMultipart,
};
use regex::Regex;
use tokio::runtime::Runtime;

use crate::redact;

/// An `s3://bucket/prefix` address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct S3Url {
    pub bucket: String,
    pub prefix: String,
}

impl S3Url {
    /// Parses `s3://bucket` or `s3://bucket/prefix`; `None` for anything else.
    pub(crate) fn parse(url: &str) -> Option<S3Url> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        (!bucket.is_empty()).then(|| S3Url {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }
}

/// One object to read.
#[derive(Clone)]
pub struct S3Object {
    bucket: Arc<S3Bucket>,
    pub key: String,
    pub size: u64,
    pub e_tag: Option<String>,
    pub last_modified: DateTime<Utc>,
}

impl std::fmt::Debug for S3Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.url())
    }
}

impl PartialEq for S3Object {
    fn eq(&self, other: &S3Object) -> bool {
        self.url() == other.url()
    }
}

impl Eq for S3Object {}

impl S3Object {
    /// `s3://bucket/key`.
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket.name, self.key)
    }

    /// Streams the object's bytes; nothing is held in memory beyond the current chunk.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let bucket = Arc::clone(&self.bucket);
        let path = ObjectPath::from(self.key.as_str());
        // The object must still be the version listed, so that what is hashed, loaded and
        // recorded is one and the same content.
        let options = GetOptions {
            if_match: self.e_tag.as_ref().map(|tag| format!("\"{tag}\"")),
            ..GetOptions::default()
        };
        let stream = bucket
            .runtime
            .block_on(async {
                bucket
                    .store
                    .get_opts(&path, options)
                    .await
                    .map(|result| result.into_stream())
            })
            .map_err(|e| {
                io::Error::other(describe(&e, &bucket.name, &self.key, &bucket.endpoint))
            })?;
        Ok(Box::new(ObjectReader {
            bucket,
            key: self.key.clone(),
            stream,
            chunk: Bytes::new(),
        }))
    }
}

/// A bucket with the client and runtime that reach it.
struct S3Bucket {
    name: String,
    store: AmazonS3,
    runtime: Runtime,
    /// For messages: the endpoint, or `AWS` for the default one.
    endpoint: String,
}

/// A bucket exports are uploaded to.
pub(crate) struct S3Destination {
    bucket: S3Bucket,
}

/// The size of an upload's parts (S3 takes 5 MiB at least, but for the last).
const PART_BYTES: usize = 8 << 20;

impl S3Destination {
    pub(crate) fn connect(bucket: &str) -> Result<S3Destination, S3Error> {
        Ok(S3Destination {
            bucket: connect(bucket)?,
        })
    }

    /// The bucket's name.
    pub(crate) fn name(&self) -> &str {
        &self.bucket.name
    }

    /// Uploads a local file as object `key`, part by part: memory holds two parts at most,
    /// whatever the file's size. A failed upload is aborted, leaving no object.
    pub(crate) fn upload(&self, key: &str, file: &std::path::Path) -> Result<(), S3Error> {
        let bucket = &self.bucket;
        let failed =
            |e: &object_store::Error| S3Error(describe(e, &bucket.name, key, &bucket.endpoint));
        let unreadable = |e: io::Error| S3Error(format!("cannot read {}: {e}", file.display()));
        let mut local = std::fs::File::open(file).map_err(unreadable)?;
        bucket.runtime.block_on(async {
            let path = ObjectPath::from(key);
            let upload = bucket
                .store
                .put_multipart(&path)
                .await
                .map_err(|e| failed(&e))?;
            let mut parts = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
            let mut buffer = vec![0; PART_BYTES];
            loop {
                let n = match local.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) => {
                        let _ = parts.abort().await;
                        return Err(unreadable(e));
                    }
                };
                if let Err(e) = parts.wait_for_capacity(1).await {
                    let _ = parts.abort().await;
                    return Err(failed(&e));
                }
                parts.write(&buffer[..n]);
            }
            parts.finish().await.map(drop).map_err(|e| failed(&e))
        })
    }
}

/// A failure to list or read S3 objects, described for the user.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct S3Error(pub String);

/// Lists the objects under an `s3://` address: every object below the prefix as a folder
/// (`s3://drops/weekly/`), or the one object it names (`s3://drops/weekly/texas.csv`).
pub(crate) fn list(url: &S3Url) -> Result<Vec<S3Object>, S3Error> {
    let bucket = Arc::new(connect(&url.bucket)?);
    let prefix = (!url.prefix.is_empty()).then(|| ObjectPath::from(url.prefix.as_str()));
    let listed = bucket.runtime.block_on(async {
        let mut listed: Vec<_> = bucket.store.list(prefix.as_ref()).collect().await;
        if listed.is_empty()
            && let Some(path) = &prefix
        {
            match bucket.store.head(path).await {
                Ok(meta) => listed.push(Ok(meta)),
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => listed.push(Err(e)),
            }
        }
        listed
    });
    let mut objects = Vec::with_capacity(listed.len());
    for meta in listed {
        let meta =
            meta.map_err(|e| S3Error(describe(&e, &url.bucket, &url.prefix, &bucket.endpoint)))?;
        objects.push(S3Object {
            bucket: Arc::clone(&bucket),
            key: meta.location.to_string(),
            size: meta.size,
            e_tag: meta.e_tag.map(|t| t.trim_matches('"').to_string()),
            last_modified: meta.last_modified,
        });
    }
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(objects)
}

fn connect(bucket: &str) -> Result<S3Bucket, S3Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let profile = Profile::load(&env);
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    if env("AWS_ACCESS_KEY_ID").is_none() {
        match (
            profile.get("aws_access_key_id"),
            profile.get("aws_secret_access_key"),
        ) {
            (Some(key), Some(secret)) => {
                builder = builder
                    .with_access_key_id(key)
                    .with_secret_access_key(secret);
                if let Some(token) = profile.get("aws_session_token") {
                    builder = builder.with_token(token);
                }
            }
            _ => {
                return Err(S3Error(format!(
                    "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile `{}` \
                     aws_access_key_id and aws_secret_access_key in {}",
                    profile.name,
                    profile.credentials_file.display()
                )));
            }
        }
    }
    let region = env("AWS_REGION")
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .or_else(|| profile.get("region"));
    builder = builder.with_region(region.unwrap_or_else(|| "us-east-1".into()));
    let endpoint = env("AWS_ENDPOINT_URL_S3")
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .or_else(|| profile.get("endpoint_url"));
    if let Some(endpoint) = &endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    let store = builder.with_retry(retry_config()).build().map_err(|e| {
        let e = redact::passwords(&e.to_string());
        S3Error(format!("cannot set up S3 access to bucket `{bucket}`: {e}"))
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| S3Error(format!("cannot start the S3 client: {e}")))?;
    let endpoint = endpoint.map_or_else(|| "AWS".into(), |e| redact::passwords(&e));
    Ok(S3Bucket {
        name: bucket.to_string(),
        store,
        runtime,
        endpoint,
    })
}

/// The settings of one profile of the shared AWS config and credentials files.
struct Profile {
    name: String,
    credentials_file: PathBuf,
    values: HashMap<String, String>,
}

impl Profile {
    fn load(env: &dyn Fn(&str) -> Option<String>) -> Profile {
        let name = env("AWS_PROFILE").unwrap_or_else(|| "default".into());
        let home = env("HOME").map(PathBuf::from).unwrap_or_default();
        let config_file =
            env("AWS_CONFIG_FILE").map_or_else(|| home.join(".aws/config"), PathBuf::from);
        let credentials_file = env("AWS_SHARED_CREDENTIALS_FILE")
            .map_or_else(|| home.join(".aws/credentials"), PathBuf::from);
        let mut values = HashMap::new();
        // The config file names sections `profile NAME` (but `default`); the credentials
        // file names them `NAME`. Credentials win.
        let config_section = if name == "default" {
            name.clone()
        } else {
            format!("profile {name}")
        };
        for (file, section) in [
            (&config_file, config_section.as_str()),
            (&credentials_file, name.as_str()),
        ] {
            let Ok(ini) = ini::Ini::load_from_file(file) else {
                continue;
            };
            if let Some(properties) = ini.section(Some(section)) {
                for (key, value) in properties.iter() {
                    values.insert(key.to_string(), value.to_string());
                }
            }
        }
        Profile {
            name,
            credentials_file,
            values,
        }
    }

    fn get(&self, key: &str) -> Option<String> {
        self.values.get(key).cloned()
    }
}

/// Reads an object's byte stream as `std::io::Read`.
struct ObjectReader {
    bucket: Arc<S3Bucket>,
    key: String,
    stream: BoxStream<'static, object_store::Result<Bytes>>,
    chunk: Bytes,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.chunk.is_empty() {
            match self.bucket.runtime.block_on(self.stream.next()) {
                None => return Ok(0),
                Some(Ok(chunk)) => self.chunk = chunk,
                Some(Err(e)) => {
                    return Err(io::Error::other(describe(
                        &e,
                        &self.bucket.name,
                        &self.key,
                        &self.bucket.endpoint,
                    )));
                }
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk.split_to(n));
        Ok(n)
    }
}

static S3_CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<Code>([^<]+)</Code>").unwrap());

/// One line that says what failed and what to check; never a credential.
fn describe(error: &object_store::Error, bucket: &str, key: &str, endpoint: &str) -> String {
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    let text = chain.join(": ");
    let root_cause = chain.last().map(String::as_str).unwrap_or_default();
    let code = S3_CODE.captures(&text).map(|c| c[1].to_string());
    let at = format!("s3://{bucket}/{key}");
    if matches!(error, object_store::Error::Precondition { .. }) {
        return format!(
            "object {at} changed while leadpipe ran (its ETag is no longer the one listed); run again to load its new version"
        );
    }
    match code.as_deref() {
        Some("InvalidAccessKeyId") => format!(
            "{endpoint} does not know the access key (InvalidAccessKeyId) used for {at}: check AWS_ACCESS_KEY_ID or the profile's aws_access_key_id"
        ),
        Some("SignatureDoesNotMatch") => format!(
            "the secret key does not match the access key (SignatureDoesNotMatch) for {at}: check AWS_SECRET_ACCESS_KEY or the profile's aws_secret_access_key"
        ),
        Some(code @ ("ExpiredToken" | "InvalidToken" | "TokenRefreshRequired")) => format!(
            "the session token was refused ({code}) for {at}: it has expired or does not belong to the key; refresh AWS_SESSION_TOKEN (for example with `aws sso login`)"
        ),
        Some("NoSuchBucket") => format!(
            "bucket `{bucket}` does not exist at {endpoint}: check the bucket name, the region and AWS_ENDPOINT_URL"
        ),
        Some("AccessDenied") => format!(
            "access denied to {at} (AccessDenied): the credentials need s3:ListBucket on the bucket and s3:GetObject on its objects (s3:PutObject to export to it)"
        ),
        Some("NoSuchKey") => {
            format!("object {at} no longer exists (NoSuchKey): it was deleted while leadpipe ran")
        }
        Some(code) => format!("S3 refused a request for {at} ({code}){}", retries(&text)),
        None if is_unreachable(&text) => format!(
            "cannot reach the S3 endpoint {endpoint} for {at}: {root_cause}{}; check AWS_ENDPOINT_URL and the network",
            retries(&text)
        ),
        None => format!("S3 request for {at} failed: {root_cause}{}", retries(&text)),
    }
}

/// How requests that fail for a transient reason are retried: as the AWS SDKs' `standard`
/// mode backs off, in seconds. Those wait a random share of `min(2^attempt s, 20 s)` (full
/// jitter, up to 20 s); 100 ms steps, which leadpipe used before, retried a `503 SlowDown`
/// five times within about a second, while S3 asks a throttled client to slow down for
/// seconds. `object_store` jitters differently (decorrelated: the first wait is
/// `init_backoff`, each next one a random time between it and `base` × the previous one,
/// capped at `max_backoff`), so its bounds are set to the same envelope: waits of at least
/// 1 s, the k-th at most 2^(k-1) s, none over 20 s. Five retries then wait 5 s to 31 s in
/// all, within the 60 s after which no retry is started.
fn retry_config() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            base: 2.0,
        },
        max_retries: 5,
        retry_timeout: Duration::from_secs(60),
    }
}

/// ` (after 5 retries)` when the client retried.
fn retries(text: &str) -> String {
    static RETRIES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"after (\d+) retries").unwrap());
    RETRIES
        .captures(text)
        .map(|c| format!(" (after {} retries)", &c[1]))
        .unwrap_or_default()
}

fn is_unreachable(text: &str) -> bool {
    [
        "error sending request",
        "Connection refused",
        "dns error",
        "timed out",
        "connect",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_backs_off_for_seconds_within_the_documented_minute() {
        let retry = retry_config();
        let backoff = &retry.backoff;
        // The longest wait before each retry: each at most `base` times the one before.
        let longest: Vec<f64> = (0..retry.max_retries as i32)
            .map(|k| {
                let grown = backoff.init_backoff.as_secs_f64() * backoff.base.powi(k);
                grown.min(backoff.max_backoff.as_secs_f64())
            })
            .collect();
        assert_eq!(longest, [1.0, 2.0, 4.0, 8.0, 16.0]);
        assert_eq!(longest.iter().sum::<f64>(), 31.0);
        assert!(longest.iter().sum::<f64>() < retry.retry_timeout.as_secs_f64());
        // The shortest: every wait is at least the first.
        assert_eq!(backoff.init_backoff, Duration::from_secs(1));
        assert_eq!(backoff.max_backoff, Duration::from_secs(20));
        assert_eq!(retry.retry_timeout, Duration::from_secs(60));
    }

    #[test]
    fn parses_s3_addresses() {
        assert_eq!(
            S3Url::parse("s3://drops/weekly/"),
            Some(S3Url {
                bucket: "drops".into(),
                prefix: "weekly/".into()
            })
        );
        assert_eq!(
            S3Url::parse("s3://drops"),
            Some(S3Url {
                bucket: "drops".into(),
                prefix: String::new()
            })
        );
        assert_eq!(S3Url::parse("s3://"), None);
        assert_eq!(S3Url::parse("/local/path"), None);
    }
}
