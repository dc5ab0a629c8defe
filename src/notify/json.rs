//! The generic payload: a versioned JSON document, described field by field in the
//! README (Alerts). A field is added only with a new `version`.

use serde_json::{Value as Json, json};

use super::{Alert, Name, RunAlerts, Value};

/// The version of the document's layout.
pub(crate) const VERSION: u32 = 1;

pub(crate) fn payload(run: &RunAlerts) -> Json {
    json!({
        "version": VERSION,
        "run_id": run.run_id,
        "text": run.summary(),
        "alerts": run.alerts.iter().map(alert).collect::<Vec<_>>(),
    })
}

fn alert(alert: &Alert) -> Json {
    json!({
        "kind": alert.kind.code(),
        "severity": if alert.kind.is_warning() { "warn" } else { "error" },
        "message": alert.kind.meaning(),
        "source": alert.source.as_ref().map(Name::as_str),
        "file": alert.file.as_ref().map(Name::as_str),
        "subject": alert.subject.as_ref().map(Name::as_str),
        "figures": alert.figures.iter().map(|figure| json!({
            "label": figure.label.as_str(),
            "value": number(figure.value),
            "unit": figure.value.unit(),
            "text": figure.value.to_string(),
        })).collect::<Vec<_>>(),
    })
}

/// A figure's number as JSON: an integer for a count.
fn number(value: Value) -> Json {
    match value {
        Value::Count(n) => json!(n),
        Value::Percent(x) | Value::Number(x) => json!(x),
    }
}
