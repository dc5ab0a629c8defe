//! Alerts posted to a real HTTP receiver on 127.0.0.1: the payloads field by field, Slack's
//! escaping, retries, and a webhook that never answers.

mod util;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use leadpipe::notify::{
    self, Alert, AlertKind, Delivery, Failure, Figure, Name, RunAlerts, Target, Value,
};
use serde_json::{Value as Json, json};
use util::{Workdir, assert_exit, stderr};

/// How the receiver answers a request.
#[derive(Clone, Copy)]
enum Answer {
    /// This status (a `429` asks to retry after 1 s).
    Status(u16),
    /// Reads the request and never answers, keeping the connection open.
    Never,
}

/// A request as the receiver read it.
struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn request_line(&self) -> &str {
        self.head.lines().next().unwrap()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    fn json(&self) -> Json {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// An HTTP server on 127.0.0.1 that answers its requests in turn with `answers` (the last
/// one for all that follow), and hands every request it read to the test.
fn receiver(answers: &[Answer]) -> (String, mpsc::Receiver<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (requests, received) = mpsc::channel();
    let answers = answers.to_vec();
    thread::spawn(move || {
        let mut held = Vec::new();
        for (i, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let request = read_request(&mut stream);
            if requests.send(request).is_err() {
                return;
            }
            match answers[i.min(answers.len() - 1)] {
                Answer::Never => held.push(stream),
                Answer::Status(code) => {
                    let retry = if code == 429 {
                        "Retry-After: 1\r\n"
                    } else {
                        ""
                    };
                    let answer = format!(
                        "HTTP/1.1 {code} X\r\n{retry}Content-Length: 2\r\nConnection: close\r\n\r\nok"
                    );
                    stream.write_all(answer.as_bytes()).unwrap();
                }
            }
        }
    });
    (base, received)
}

fn read_request(stream: &mut TcpStream) -> Request {
    let mut bytes = Vec::new();
    let mut buf = [0; 4096];
    let head_end = loop {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "the connection closed mid-request");
        bytes.extend_from_slice(&buf[..n]);
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8(bytes[..head_end].to_vec()).unwrap();
    let mut request = Request {
        head,
        body: bytes[head_end + 4..].to_vec(),
    };
    let length: usize = request.header("content-length").unwrap().parse().unwrap();
    while request.body.len() < length {
        let n = stream.read(&mut buf).unwrap();
        request.body.extend_from_slice(&buf[..n]);
    }
    request
}

fn target(url: &str) -> Target {
    url.parse().unwrap()
}

/// A partial Oklahoma export held by the deactivation guard.
fn held() -> Alert {
    Alert {
        kind: AlertKind::SnapshotHeld,
        source: Some(Name::new("oklahoma")),
        file: Some(Name::new(
            "s3://drops/weekly/08-04-2023 Oklahoma Human Services.csv",
        )),
        subject: Some(Name::new("max_deactivated")),
        figures: vec![
            Figure::new("would deactivate", Value::Count(21)),
            Figure::new("active leads", Value::Count(49)),
            Figure::new("share", Value::Percent(42.857)),
            Figure::new("limit", Value::Percent(10.0)),
        ],
    }
}

fn run(alerts: Vec<Alert>) -> RunAlerts {
    RunAlerts {
        run_id: Some("01a23115-39e0-70db-a2cb-540145da25d7".to_string()),
        alerts,
    }
}

/// The one delivery of a send to one target.
fn only(mut deliveries: Vec<Delivery>) -> Delivery {
    assert_eq!(deliveries.len(), 1);
    deliveries.pop().unwrap()
}

#[test]
fn the_generic_payload_is_posted_as_documented() {
    let (base, requests) = receiver(&[Answer::Status(200)]);
    let warned = Alert {
        kind: AlertKind::CheckWarned,
        source: None,
        file: None,
        subject: Some(Name::new("freshness")),
        figures: vec![Figure::new("ratio", Value::Number(0.5))],
    };
    let delivery = only(notify::send(
        &[target(&format!("{base}/hooks/leads?token=t0"))],
        &run(vec![held(), warned]),
    ));
    assert_eq!(delivery.failure, None);
    assert_eq!(delivery.attempts, 1);

    let request = requests.recv().unwrap();
    assert_eq!(
        request.request_line(),
        "POST /hooks/leads?token=t0 HTTP/1.1"
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert!(
        request
            .header("user-agent")
            .unwrap()
            .starts_with("leadpipe/")
    );
    assert_eq!(
        request.json(),
        json!({
            "version": 1,
            "run_id": "01a23115-39e0-70db-a2cb-540145da25d7",
            "text": "leadpipe: 1 snapshot held, 1 check warned",
            "alerts": [
                {
                    "kind": "snapshot_held",
                    "severity": "error",
                    "message": "A snapshot was held by a guard and not applied.",
                    "source": "oklahoma",
                    "file": "s3://drops/weekly/08-04-2023 Oklahoma Human Services.csv",
                    "subject": "max_deactivated",
                    "figures": [
                        {"label": "would deactivate", "value": 21, "unit": "count", "text": "21"},
                        {"label": "active leads", "value": 49, "unit": "count", "text": "49"},
                        {"label": "share", "value": 42.857, "unit": "percent", "text": "42.9%"},
                        {"label": "limit", "value": 10.0, "unit": "percent", "text": "10%"},
                    ],
                },
                {
                    "kind": "check_warned",
                    "severity": "warn",
                    "message": "A check of severity `warn` failed.",
                    "source": null,
                    "file": null,
                    "subject": "freshness",
                    "figures": [
                        {"label": "ratio", "value": 0.5, "unit": "number", "text": "0.5"},
                    ],
                },
            ],
        })
    );
}

#[test]
fn a_slack_webhook_gets_blocks_with_slacks_escaping() {
    let (base, requests) = receiver(&[Answer::Status(200)]);
    let slack = target(&format!("slack+{base}/services/T0/B0/secret"));
    let failed = Alert {
        kind: AlertKind::CheckFailed,
        source: Some(Name::new("texas")),
        file: None,
        subject: Some(Name::new("state in <TX> & `OK`")),
        figures: vec![
            Figure::new("rows <outside>", Value::Count(3)),
            Figure::new("share", Value::Percent(3.03)),
        ],
    };
    let delivery = only(notify::send(&[slack], &run(vec![held(), failed])));
    assert_eq!(delivery.failure, None);

    let request = requests.recv().unwrap();
    assert_eq!(
        request.request_line(),
        "POST /services/T0/B0/secret HTTP/1.1"
    );
    let field = |text: &str| json!({"type": "mrkdwn", "text": text});
    assert_eq!(
        request.json(),
        json!({
            "text": "leadpipe: 1 snapshot held, 1 check failed \
                     (run `01a23115-39e0-70db-a2cb-540145da25d7`)",
            "blocks": [
                {
                    "type": "header",
                    "text": {"type": "plain_text", "text": "leadpipe: 1 snapshot held, 1 check failed"},
                },
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text":
                        "*A snapshot was held by a guard and not applied.*\n\
                         guard: `max_deactivated`\n\
                         source `oklahoma` · file \
                         `s3://drops/weekly/08-04-2023 Oklahoma Human Services.csv`"},
                    "fields": [
                        field("*would deactivate*\n21"),
                        field("*active leads*\n49"),
                        field("*share*\n42.9%"),
                        field("*limit*\n10%"),
                    ],
                },
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text":
                        "*A check of severity `error` failed; the load stands.*\n\
                         check: `state in &lt;TX&gt; &amp; 'OK'`\n\
                         source `texas`"},
                    "fields": [
                        field("*rows &lt;outside&gt;*\n3"),
                        field("*share*\n3%"),
                    ],
                },
                {
                    "type": "context",
                    "elements": [field("run `01a23115-39e0-70db-a2cb-540145da25d7`")],
                },
            ],
        })
    );
}

#[test]
fn a_500_is_retried_and_the_alert_delivered() {
    let (base, requests) = receiver(&[Answer::Status(500), Answer::Status(200)]);
    let started = Instant::now();
    let delivery = only(notify::send(
        &[target(&format!("{base}/hook"))],
        &run(vec![held()]),
    ));
    assert_eq!(delivery.failure, None);
    assert_eq!(delivery.attempts, 2);
    // One backoff of half a second.
    assert!(started.elapsed() >= Duration::from_millis(500));
    let first = requests.recv().unwrap();
    let second = requests.recv().unwrap();
    assert_eq!(first.body, second.body);
    assert!(requests.try_recv().is_err());
}

#[test]
fn a_429_is_retried_after_the_wait_it_asks_for() {
    let (base, requests) = receiver(&[Answer::Status(429), Answer::Status(204)]);
    let started = Instant::now();
    let delivery = only(notify::send(
        &[target(&format!("{base}/hook"))],
        &run(vec![held()]),
    ));
    assert_eq!(delivery.failure, None);
    assert_eq!(delivery.attempts, 2);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(requests.iter().take(2).count(), 2);
}

#[test]
fn a_4xx_is_not_retried() {
    let (base, requests) = receiver(&[Answer::Status(404), Answer::Status(200)]);
    let delivery = only(notify::send(
        &[target(&format!("{base}/hook"))],
        &run(vec![held()]),
    ));
    assert_eq!(delivery.failure, Some(Failure::Status(404)));
    assert_eq!(delivery.attempts, 1);
    assert_eq!(
        delivery.to_string(),
        format!("{base}/…: the server answered 404 (1 attempt)")
    );
    requests.recv().unwrap();
    assert!(requests.try_recv().is_err());
}

#[test]
fn a_webhook_that_never_answers_ends_within_the_budget_and_others_still_get_theirs() {
    let (silent, silent_requests) = receiver(&[Answer::Never]);
    let (working, working_requests) = receiver(&[Answer::Status(200)]);
    let started = Instant::now();
    let deliveries = notify::send(
        &[
            target(&format!("slack+{silent}/services/T0/B0/secret")),
            target(&format!("{working}/hook")),
        ],
        &run(vec![held()]),
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(11), "{elapsed:?}");
    assert!(elapsed >= Duration::from_secs(9), "{elapsed:?}");
    assert_eq!(deliveries[0].failure, Some(Failure::Timeout));
    assert_eq!(deliveries[0].attempts, 1);
    assert_eq!(
        deliveries[0].to_string(),
        format!("{silent}/…: no answer within the 10-second budget for alerts (1 attempt)")
    );
    assert_eq!(deliveries[1].failure, None);
    // The silent webhook got the alert once: a post that may have arrived is not repeated.
    assert_eq!(silent_requests.try_iter().count(), 1);
    assert_eq!(working_requests.try_iter().count(), 1);
}

#[test]
fn a_closed_port_is_retried_with_backoff_and_reported_without_the_path() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let delivery = only(notify::send(
        &[target(&format!(
            "http://bot:pw@127.0.0.1:{port}/services/T0/B0/secret?token=t0"
        ))],
        &run(vec![held()]),
    ));
    let elapsed = started.elapsed();
    // Four attempts, 0.5 + 1 + 2 s apart.
    assert_eq!(delivery.attempts, 4);
    assert!(elapsed >= Duration::from_millis(3500), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(11), "{elapsed:?}");
    assert!(matches!(delivery.failure, Some(Failure::Connect(_))));
    let shown = delivery.to_string();
    assert!(
        shown.starts_with(&format!("http://127.0.0.1:{port}/…: could not connect: ")),
        "{shown}"
    );
    for secret in ["secret", "t0", "pw", "services"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn no_alert_posts_nothing() {
    let (base, requests) = receiver(&[Answer::Status(200)]);
    let deliveries = notify::send(&[target(&format!("{base}/hook"))], &run(vec![]));
    assert!(deliveries.is_empty());
    assert!(requests.recv_timeout(Duration::from_millis(200)).is_err());
}

#[test]
fn no_phone_or_email_reaches_a_payload() {
    let (base, requests) = receiver(&[Answer::Status(200)]);
    let leaky = "Kids Corner (405) 555-0143 kids@example.org";
    let alert = Alert {
        kind: AlertKind::FileFailed,
        source: Some(Name::new(leaky)),
        file: Some(Name::new(&format!("{leaky}.csv"))),
        subject: Some(Name::new(&format!(
            "header: found `{leaky}`, `+1 346.393.9400`, `postgres://u:hunter2@db/x`"
        ))),
        figures: vec![Figure::new(leaky, Value::Count(1))],
    };
    let deliveries = notify::send(
        &[
            target(&format!("{base}/generic")),
            target(&format!("slack+{base}/slack")),
        ],
        &run(vec![alert]),
    );
    assert!(deliveries.iter().all(|d| d.failure.is_none()));
    for request in requests.iter().take(2) {
        let body = String::from_utf8(request.body).unwrap();
        for leaked in [
            "555",
            "0143",
            "example.org",
            "kids@",
            "346",
            "9400",
            "hunter2",
        ] {
            assert!(!body.contains(leaked), "{leaked} in {body}");
        }
        assert!(body.contains("Kids Corner [phone] [e-mail]"), "{body}");
    }
}

#[test]
fn a_bad_notify_url_stops_the_command_before_loading_without_quoting_it() {
    let w = Workdir::new();
    let input = w.write("drop/x.csv", "a\n");
    let input = input.to_str().unwrap();
    let db = format!("sqlite:{}", w.db_path().display());

    let output = w
        .command(&[
            "ingest",
            input,
            "--db",
            &db,
            "--notify",
            "ftp://h/services/secret",
        ])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert_eq!(
        stderr(&output),
        "error: --notify URL 1: the scheme `ftp` is not http:// or https:// \
         (nor slack+… or json+…)\n"
    );

    let output = w
        .command(&["ingest", input, "--db", &db])
        .env(
            "LEADPIPE_NOTIFY",
            "https://hooks.slack.com/services/T/B/x, hooks.slack.com/services/T/B/secret",
        )
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert_eq!(
        stderr(&output),
        "error: $LEADPIPE_NOTIFY URL 2: not a URL\n"
    );
    assert!(!w.db_path().exists());
}

/// The first 50 records of Nevada's list, published a week later: a snapshot the guards
/// hold, after the real files are loaded.
fn loaded_then_partial(w: &Workdir) -> std::path::PathBuf {
    assert_exit(&w.ingest(&[&util::raw_dir()]), 0);
    let text = std::fs::read(util::raw_dir().join(util::NEVADA)).unwrap();
    let half: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').take(51).collect();
    w.write(
        &util::NEVADA.replace("07-07-2023", "07-14-2023"),
        half.concat(),
    )
}

#[test]
fn an_ingest_with_a_held_snapshot_posts_its_guards_and_figures() {
    let w = Workdir::new();
    let partial = loaded_then_partial(&w);
    let (base, requests) = receiver(&[Answer::Status(200)]);
    let url = format!("json+{base}/hook");
    let output = w.ingest_with(&[&partial], &["--notify", &url]);
    assert_exit(&output, 4);
    let posted = requests
        .recv_timeout(Duration::from_secs(5))
        .unwrap()
        .json();
    assert_eq!(posted["run_id"].as_str().unwrap().len(), 36);
    let alert = &posted["alerts"][0];
    assert_eq!(alert["kind"], "snapshot_held");
    assert_eq!(alert["source"], "nevada");
    assert!(
        alert["file"]
            .as_str()
            .unwrap()
            .ends_with("07-14-2023 Nevada Dept of Public _ Behavioral Health.csv")
    );
    assert_eq!(alert["subject"], "max_deactivated, min_records_ratio");
    let figures: Vec<(String, String)> = alert["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let (label, unit) = (f["label"].as_str().unwrap(), f["unit"].as_str().unwrap());
            (format!("{label} [{unit}]"), f["value"].to_string())
        })
        .collect();
    assert_eq!(
        figures,
        [
            ("max_deactivated [percent]".into(), "50.0".into()),
            ("max_deactivated bound [percent]".into(), "10.0".into()),
            ("min_records_ratio [number]".into(), "0.5".into()),
            ("min_records_ratio bound [number]".into(), "0.9".into()),
        ]
    );
    assert_eq!(posted["alerts"].as_array().unwrap().len(), 1);
}

#[test]
fn a_webhook_that_never_answers_does_not_stall_or_change_the_run() {
    let w = Workdir::new();
    let partial = loaded_then_partial(&w);
    let (silent, _requests) = receiver(&[Answer::Never]);
    let started = Instant::now();
    let output = w.ingest_with(&[&partial], &["--notify", &format!("json+{silent}/hook")]);
    let elapsed = started.elapsed();
    assert_exit(&output, 4);
    assert!(elapsed < Duration::from_secs(12), "{elapsed:?}");
    assert!(
        stderr(&output).contains("warning: alert not delivered to"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        w.query::<i64>("SELECT count(*) FROM source_files WHERE status = 'held'"),
        1
    );
}

#[test]
fn a_verify_whose_error_check_fails_posts_it() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&util::raw_dir()]), 0);
    let checks = w.write(
        "checks.toml",
        "[[checks]]\nkind = \"freshness\"\nmax_age_days = 7\nsource = \"texas\"\n",
    );
    let (base, requests) = receiver(&[Answer::Status(200)]);
    let db = format!("sqlite:{}", w.db_path().display());
    let output = w
        .command(&[
            "verify",
            "--db",
            &db,
            "--checks",
            checks.to_str().unwrap(),
            "--as-of",
            "2023-07-20",
            "--notify",
            &format!("json+{base}/hook"),
        ])
        .output()
        .unwrap();
    assert_exit(&output, 3);
    let posted = requests
        .recv_timeout(Duration::from_secs(5))
        .unwrap()
        .json();
    let alert = &posted["alerts"][0];
    assert_eq!(alert["kind"], "check_failed");
    assert_eq!(alert["source"], "texas");
    assert_eq!(alert["subject"], "freshness");
    let figures: Vec<(&str, f64)> = alert["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["label"].as_str().unwrap(), f["value"].as_f64().unwrap()))
        .collect();
    assert_eq!(figures, [("observed", 13.0), ("bound", 7.0)]);
}

#[test]
fn a_week_with_nothing_new_posts_nothing() {
    let w = Workdir::new();
    assert_exit(&w.ingest(&[&util::raw_dir()]), 0);
    let (base, requests) = receiver(&[Answer::Status(200)]);
    let output = w.ingest_with(
        &[&util::raw_dir()],
        &["--notify", &format!("json+{base}/hook")],
    );
    assert_exit(&output, 99);
    let empty = w.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let output = w.ingest_with(&[&empty], &["--notify", &format!("json+{base}/hook")]);
    assert_exit(&output, 99);
    assert!(
        requests.recv_timeout(Duration::from_secs(1)).is_err(),
        "nothing to tell"
    );
}

#[test]
fn a_run_that_fails_posts_that_it_failed() {
    let w = Workdir::new();
    let (base, requests) = receiver(&[Answer::Status(200)]);
    let raw = util::raw_dir();
    let output = w
        .command(&[
            "ingest",
            raw.to_str().unwrap(),
            "--db",
            "postgres://leadpipe:s3cret@127.0.0.1:1/nowhere",
            "--notify",
            &format!("json+{base}/hook"),
        ])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    let posted = requests
        .recv_timeout(Duration::from_secs(5))
        .unwrap()
        .json();
    assert_eq!(posted["run_id"], Json::Null);
    assert_eq!(posted["alerts"][0]["kind"], "run_failed");
    assert!(!posted.to_string().contains("s3cret"));
}
