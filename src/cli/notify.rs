//! `--notify URL`: where a run's alerts are posted, and their report on stderr.

use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use leadpipe::checks::{Severity, Status};
use leadpipe::notify::{self, Alert, AlertKind, Figure, Name, RunAlerts, Target, Value};
use leadpipe::pipeline::{FileOutcome, Finding, Measure, RunReport};

use super::printable::printable;

/// The variable that names webhooks when `--notify` is not given.
const ENV: &str = "LEADPIPE_NOTIFY";

/// Where alerts go.
#[derive(Debug, Args)]
pub(crate) struct NotifyArgs {
    /// Post an alert to this webhook when the run fails, a file fails, a snapshot is held
    /// or an `error` check fails (repeatable). A Slack incoming webhook
    /// (`https://hooks.slack.com/…`) gets a Slack message, any other URL a JSON document
    /// (README: Alerts); `slack+https://…` or `json+https://…` forces either. Without it,
    /// $LEADPIPE_NOTIFY (URLs separated by spaces or commas). A webhook that is down or
    /// slow is reported on stderr and changes nothing else: all alerts take 10 s at most.
    #[arg(long = "notify", value_name = "URL")]
    urls: Vec<String>,

    /// Alert on failed `warn` checks too.
    #[arg(long)]
    notify_warnings: bool,
}

/// The webhooks of a run, checked before it starts.
pub(crate) struct Notifier {
    targets: Vec<Target>,
    warnings: bool,
}

impl NotifyArgs {
    /// The webhooks named by `--notify`, else by $LEADPIPE_NOTIFY. A URL that is not one is
    /// an error before anything is loaded; it is not quoted (its path is a secret).
    pub(crate) fn notifier(&self) -> anyhow::Result<Notifier> {
        let from_env;
        let (urls, origin): (Vec<&str>, _) = if self.urls.is_empty() {
            from_env = std::env::var(ENV).unwrap_or_default();
            let urls = from_env
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|url| !url.is_empty())
                .collect();
            (urls, format!("${ENV}"))
        } else {
            let urls = self.urls.iter().map(String::as_str).collect();
            (urls, "--notify".to_string())
        };
        let targets = urls
            .iter()
            .enumerate()
            .map(|(i, url)| {
                url.parse::<Target>()
                    .with_context(|| format!("{origin} URL {}", i + 1))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Notifier {
            targets,
            warnings: self.notify_warnings,
        })
    }
}

impl Notifier {
    /// Posts the run's alerts (warnings only if asked) and says on stderr which were not
    /// delivered. It never fails: the run's outcome does not depend on a webhook.
    pub(crate) fn send(&self, run_id: Option<&str>, mut alerts: Vec<Alert>) {
        if !self.warnings {
            alerts.retain(|alert| !alert.kind.is_warning());
        }
        if self.targets.is_empty() || alerts.is_empty() {
            return;
        }
        let run = RunAlerts {
            run_id: run_id.map(str::to_string),
            alerts,
        };
        // Posting keeps to its budget, but a name lookup that hangs can hold the HTTP
        // client's threads past it: the command waits for the budget and a second, no more.
        let (sent, deliveries) = mpsc::channel();
        let targets = self.targets.clone();
        std::thread::spawn(move || sent.send(notify::send(&targets, &run)));
        let Ok(deliveries) = deliveries.recv_timeout(notify::BUDGET + Duration::from_secs(1))
        else {
            eprintln!(
                "warning: alerts not delivered within {} s; the run's outcome stands",
                notify::BUDGET.as_secs()
            );
            return;
        };
        for delivery in deliveries {
            let shown = delivery.to_string();
            if delivery.failure.is_some() {
                eprintln!(
                    "warning: alert not delivered to {}; the run's outcome stands",
                    printable(&shown)
                );
            } else {
                tracing::info!("alert: {shown}");
            }
        }
    }
}

/// The alerts of a command's outcome: that it failed; or, of its run, the files that failed,
/// the snapshots held and the checks failed; or none, when there was nothing to do.
pub(crate) fn alerts(attempted: &anyhow::Result<Option<RunReport>>) -> Vec<Alert> {
    match attempted {
        Ok(Some(report)) => run_alerts(report),
        Ok(None) => Vec::new(),
        Err(_) => vec![Alert::new(AlertKind::RunFailed)],
    }
}

/// The alerts of a run that committed.
fn run_alerts(report: &RunReport) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for file in &report.files {
        let about = |kind| Alert {
            source: file.source.as_deref().map(Name::new),
            file: Some(Name::new(&file.path)),
            ..Alert::new(kind)
        };
        match &file.outcome {
            FileOutcome::Failed { .. } => alerts.push(about(AlertKind::FileFailed)),
            FileOutcome::Held { findings, .. } => {
                let guards: Vec<&str> = findings.iter().map(|f| f.rule).collect();
                alerts.push(Alert {
                    subject: Some(Name::new(&guards.join(", "))),
                    figures: findings.iter().flat_map(figures).collect(),
                    ..about(AlertKind::SnapshotHeld)
                });
            }
            _ => {}
        }
    }
    for check in report.checks.iter().filter(|c| c.status == Status::Fail) {
        let kind = match check.severity {
            Severity::Error => AlertKind::CheckFailed,
            Severity::Warn => AlertKind::CheckWarned,
        };
        // A check's figures are text as people read them (`0.970 (97 of 100)`, `at least
        // 0.9`, `newest snapshot 2023-07-07, 8 days old`): each one's number is its first.
        let number = |text: &str| {
            let mut words = text.split_whitespace();
            words.find_map(|w| w.trim_end_matches(',').parse().ok().map(Value::Number))
        };
        let (observed, threshold) = (number(&check.observed), number(&check.threshold));
        let figures = [("observed", observed), ("bound", threshold)]
            .into_iter()
            .filter_map(|(label, value)| Some(Figure::new(label, value?)))
            .collect();
        alerts.push(Alert {
            source: Some(Name::new(&check.source)),
            subject: Some(Name::new(&check.check)),
            figures,
            ..Alert::new(kind)
        });
    }
    alerts
}

/// A guard's finding as two figures: what was observed, and its bound.
fn figures(finding: &Finding) -> [Figure; 2] {
    let label = match finding.column {
        Some(column) => format!("{} ({column})", finding.rule),
        None => finding.rule.to_string(),
    };
    let value = |x: f64| match finding.measure {
        Measure::Share => Value::Percent(100.0 * x),
        Measure::Ratio | Measure::Points => Value::Number(x),
        Measure::Count => Value::Count(x as u64),
    };
    let unit = match finding.measure {
        Measure::Points => " (points)",
        _ => "",
    };
    [
        Figure::new(&format!("{label}{unit}"), value(finding.observed)),
        Figure::new(&format!("{label} bound{unit}"), value(finding.threshold)),
    ]
}
