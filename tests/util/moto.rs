//! A real S3-compatible server for tests: moto in server mode, one per test, on loopback.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The moto version the tests are written against.
const MOTO: &str = "moto[server]==5.2.5";

/// The folder with `moto_server` and a `python` that has boto3: `$LEADPIPE_TEST_MOTO`, or a
/// virtual environment in `target/moto-venv`, created on first use.
fn moto_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(dir) = std::env::var_os("LEADPIPE_TEST_MOTO") {
            return PathBuf::from(dir);
        }
        super::venv_with("moto-venv", MOTO, |bin| bin.join("moto_server").exists())
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running moto server, stopped when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Moto {
    pub fn start() -> Moto {
        let port = free_port();
        let child = Command::new(moto_bin().join("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto_server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
    }

    /// Runs a `tests/support/moto_admin.py` command; returns what it printed.
    pub fn admin(&self, args: &[&str]) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/moto_admin.py");
        let output = Command::new(moto_bin().join("python"))
            .arg(script)
            .arg(&self.endpoint)
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "moto_admin {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    }

    /// Uploads a local file as `s3://bucket/key`.
    pub fn put(&self, bucket: &str, key: &str, file: &Path) {
        self.admin(&["put", bucket, key, file.to_str().unwrap()]);
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback proxy in front of a server that answers the requests that `refuse` picks (by
/// their number, from 0) with `503 SlowDown` itself, and passes the others through.
pub struct FlakyProxy {
    pub endpoint: String,
    /// When each request answered with 503 so far was answered.
    refused: Arc<Mutex<Vec<Instant>>>,
}

impl FlakyProxy {
    pub fn start(upstream: &str, refuse: fn(usize) -> bool) -> FlakyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_string();
        let refused = Arc::new(Mutex::new(Vec::new()));
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&refused);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (upstream, refused, requests) = (
                    upstream.clone(),
                    Arc::clone(&counter),
                    Arc::clone(&requests),
                );
                std::thread::spawn(move || serve(client, &upstream, refuse, &requests, &refused));
            }
        });
        FlakyProxy { endpoint, refused }
    }

    /// Requests answered with 503 so far.
    pub fn refused(&self) -> usize {
        self.refused.lock().unwrap().len()
    }

    /// The time between each request answered with 503 and the next one: how long the
    /// client backed off, and sent its request again.
    pub fn waits(&self) -> Vec<Duration> {
        let times = self.refused.lock().unwrap();
        times.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

/// Serves one connection: each request is answered with 503 or passed through, and the
/// connection closed after it.
fn serve(
    mut client: TcpStream,
    upstream: &str,
    refuse: fn(usize) -> bool,
    requests: &AtomicUsize,
    refused: &Mutex<Vec<Instant>>,
) {
    let Some(request) = read_request(&mut client) else {
        return;
    };
    if refuse(requests.fetch_add(1, Ordering::SeqCst)) {
        refused.lock().unwrap().push(Instant::now());
        let body = "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
        let response = format!(
            "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = client.write_all(response.as_bytes());
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    // One request per connection, so that every request is counted.
    let request =
        String::from_utf8_lossy(&request).replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1);
    if server.write_all(request.as_bytes()).is_err() {
        return;
    }
    let _ = std::io::copy(&mut server, &mut client);
}

/// One HTTP request's bytes: head and `Content-Length` body.
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        request.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&request).to_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    request.extend(body);
    Some(request)
}
