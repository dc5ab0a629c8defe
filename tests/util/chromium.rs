//! A real browser for the report's tests: Debian's `chromium`, headless, with no network
//! (every host name fails to resolve) and its network log kept, which names every request
//! a page made. `.ci/run` installs it; `$LEADPIPE_TEST_CHROMIUM` names another binary.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the browser made of a page: the DOM once its scripts ran, every message its
/// console printed (errors included: an uncaught exception), and every URL the page asked
/// for.
pub struct Rendered {
    pub dom: String,
    pub console: Vec<String>,
    pub requests: Vec<String>,
}

fn binary() -> PathBuf {
    std::env::var_os("LEADPIPE_TEST_CHROMIUM").map_or_else(|| "chromium".into(), PathBuf::from)
}

/// Chromium, headless, offline, with a profile of its own (tests run side by side).
fn chromium(profile: &Path) -> Command {
    let mut command = Command::new(binary());
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

fn run(mut command: Command) -> std::process::Output {
    let output = command.output().unwrap_or_else(|e| {
        panic!(
            "the report tests need Debian's chromium (`apt-get install chromium`, as .ci/run \
             does) or $LEADPIPE_TEST_CHROMIUM: {e}"
        )
    });
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Opens `page` and returns its rendered DOM and console.
pub fn render(page: &Path) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let net_log = profile.path().join("net-log.json");
    let mut command = chromium(profile.path());
    command
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg("--dump-dom")
        .arg(url(page));
    let output = run(command);
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Rendered {
        dom: String::from_utf8(output.stdout).unwrap(),
        console,
        requests: page_requests(&net_log),
    }
}

/// The URLs a page requested, from the browser's network log: the requests with an
/// initiator (a page's origin; a `file:` page's is `null`), not the browser's own
/// background requests, which have `not an origin`.
fn page_requests(net_log: &Path) -> Vec<String> {
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(net_log).unwrap()).unwrap();
    let events = log["events"].as_array().unwrap();
    let mut urls: Vec<String> = events
        .iter()
        .map(|event| &event["params"])
        .filter(|params| {
            params["initiator"]
                .as_str()
                .is_some_and(|i| i != "not an origin")
        })
        .filter_map(|params| params["url"].as_str().map(str::to_string))
        .collect();
    urls.dedup();
    urls
}

/// Writes a screenshot of `page`, `height` pixels tall, to `png`.
pub fn screenshot(page: &Path, png: &Path, height: u32) {
    let profile = tempfile::tempdir().unwrap();
    let mut command = chromium(profile.path());
    command
        .arg(format!("--window-size=1280,{height}"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(url(page));
    run(command);
}

/// Prints `page` to `pdf`, as the browser's Print would.
pub fn print(page: &Path, pdf: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let mut command = chromium(profile.path());
    command
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url(page));
    run(command);
}

fn url(page: &Path) -> String {
    format!("file://{}", page.canonicalize().unwrap().display())
}
