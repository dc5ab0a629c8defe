//! Posting a run's alerts: every target at once, each in its own thread, all within one
//! deadline. A connect error, a `429` or a `5xx` answer is tried again after a backoff
//! (0.5 s, 1 s, 2 s, or what `Retry-After` asks) while the deadline allows it; an answer
//! that does not come in time is not, since the server may have taken the alert already.

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};

use super::{RunAlerts, Target};

/// The time all of a run's alerts take together, retries included.
pub const BUDGET: Duration = Duration::from_secs(10);

/// How many times one target is tried.
const MAX_ATTEMPTS: u32 = 4;

/// How long a connection may take to open; an answer may take what is left of the budget.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// How the alerts went to one target.
#[derive(Debug)]
pub struct Delivery {
    pub target: Target,
    /// How many times it was tried.
    pub attempts: u32,
    /// `None` once delivered; else why not.
    pub failure: Option<Failure>,
}

/// Why alerts were not delivered. It names neither the URL's path nor its query.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("the server answered {0}")]
    Status(u16),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("no answer within the {}-second budget for alerts", BUDGET.as_secs())]
    Timeout,
    #[error("could not post: {0}")]
    Post(String),
}

impl fmt::Display for Delivery {
    /// `http://127.0.0.1:9/…: the server answered 500 (3 attempts)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = match self.attempts {
            1 => "1 attempt".to_string(),
            n => format!("{n} attempts"),
        };
        match &self.failure {
            None => write!(f, "{}: delivered ({attempts})", self.target),
            Some(failure) => write!(f, "{}: {failure} ({attempts})", self.target),
        }
    }
}

/// Posts `run`'s alerts to every target, within [`BUDGET`] for all of them, and says how
/// each went. Nothing is posted when there is no alert.
pub fn send(targets: &[Target], run: &RunAlerts) -> Vec<Delivery> {
    if run.alerts.is_empty() || targets.is_empty() {
        return Vec::new();
    }
    let deadline = Instant::now() + BUDGET;
    let client = Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(BUDGET)
        // A webhook that redirects is misconfigured; following it would send the alert
        // somewhere not named.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("leadpipe/", env!("CARGO_PKG_VERSION")))
        .build();
    let client = match client {
        Ok(client) => client,
        Err(err) => {
            let why = Failure::Post(describe(&err));
            return targets
                .iter()
                .map(|target| Delivery {
                    target: target.clone(),
                    attempts: 0,
                    failure: Some(why.clone()),
                })
                .collect();
        }
    };
    thread::scope(|scope| {
        let posts: Vec<_> = targets
            .iter()
            .map(|target| {
                let body = run.payload(target.format());
                let client = &client;
                scope.spawn(move || post(client, target, body, deadline))
            })
            .collect();
        posts
            .into_iter()
            .map(|post| post.join().expect("a post does not panic"))
            .collect()
    })
}

/// Posts `body` to `target`, tried again on what may pass, until `deadline`.
fn post(client: &Client, target: &Target, body: Vec<u8>, deadline: Instant) -> Delivery {
    let mut attempts = 0;
    let failure = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        attempts += 1;
        let sent = client
            .post(target.url().clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body.clone())
            .timeout(left)
            .send();
        let (failure, asked) = match sent {
            Ok(answer) if answer.status().is_success() => break None,
            Ok(answer) if retried(answer.status()) => (
                Failure::Status(answer.status().as_u16()),
                retry_after(&answer),
            ),
            Ok(answer) => break Some(Failure::Status(answer.status().as_u16())),
            // Nothing reached the server: trying again cannot post the alert twice.
            Err(err) if err.is_connect() => (Failure::Connect(describe(&err)), None),
            Err(err) if err.is_timeout() => break Some(Failure::Timeout),
            Err(err) => break Some(Failure::Post(describe(&err))),
        };
        let wait = asked.unwrap_or(Duration::from_millis(500) * 2u32.pow(attempts - 1));
        if attempts == MAX_ATTEMPTS || Instant::now() + wait >= deadline {
            break Some(failure);
        }
        thread::sleep(wait);
    };
    Delivery {
        target: target.clone(),
        attempts,
        failure,
    }
}

/// Whether an answer says to try again later.
fn retried(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// The wait a `Retry-After: <seconds>` header asks for.
fn retry_after(answer: &Response) -> Option<Duration> {
    let seconds = answer.headers().get(RETRY_AFTER)?.to_str().ok()?;
    Some(Duration::from_secs(seconds.trim().parse().ok()?))
}

/// An error and its causes, without the URL (reqwest's message quotes it whole).
fn describe(err: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(err);
    while let Some(err) = cause {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&err.to_string());
        cause = err.source();
    }
    if text.is_empty() {
        text = "the request could not be sent".to_string();
    }
    text
}
