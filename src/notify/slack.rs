//! Slack's incoming-webhook payload: `text` (the notification's line) and `blocks` (a
//! header, a section per alert with its figures as fields, the run id). Text from the run
//! is escaped as Slack asks (`&`, `<`, `>`), so a name cannot mention `<!channel>` or
//! forge a link.

use serde_json::{Value as Json, json};

use super::{Alert, AlertKind, RunAlerts};

/// Slack takes at most 50 blocks in a message and 10 fields in a section.
const MAX_BLOCKS: usize = 50;
const MAX_FIELDS: usize = 10;
/// A header's text is at most 150 characters.
const MAX_HEADER: usize = 150;

pub(crate) fn payload(run: &RunAlerts) -> Json {
    let summary = run.summary();
    let run_line = match &run.run_id {
        Some(id) => format!("run {}", code(id)),
        None => "the run had not started".to_string(),
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": summary.chars().take(MAX_HEADER).collect::<String>()},
    })];
    // Room is kept for the context line and a line saying how many alerts did not fit.
    let room = MAX_BLOCKS - 3;
    let mut shown = 0;
    for alert in &run.alerts {
        let sections = sections(alert);
        if blocks.len() - 1 + sections.len() > room {
            break;
        }
        blocks.extend(sections);
        shown += 1;
    }
    if shown < run.alerts.len() {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": format!(
                "…and {} more (the run's account has them all)", run.alerts.len() - shown
            )},
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": run_line}],
    }));
    json!({
        "text": format!("{} ({run_line})", escape(&summary)),
        "blocks": blocks,
    })
}

/// An alert as sections: what happened and where, then its figures, ten to a section.
fn sections(alert: &Alert) -> Vec<Json> {
    let mut lines = vec![format!("*{}*", escape(alert.kind.meaning()))];
    if let Some(subject) = &alert.subject {
        lines.push(format!(
            "{}: {}",
            subject_label(alert.kind),
            code(subject.as_str())
        ));
    }
    let place: Vec<String> = [("source", &alert.source), ("file", &alert.file)]
        .into_iter()
        .filter_map(|(label, name)| Some(format!("{label} {}", code(name.as_ref()?.as_str()))))
        .collect();
    if !place.is_empty() {
        lines.push(place.join(" · "));
    }
    let fields: Vec<Json> = alert
        .figures
        .iter()
        .map(|figure| {
            json!({
                "type": "mrkdwn",
                "text": format!("*{}*\n{}", escape(figure.label.as_str()), figure.value),
            })
        })
        .collect();
    let mut chunks = fields.chunks(MAX_FIELDS);
    let mut first = json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": lines.join("\n")},
    });
    if let Some(chunk) = chunks.next() {
        first["fields"] = json!(chunk);
    }
    let mut sections = vec![first];
    sections.extend(chunks.map(|chunk| json!({"type": "section", "fields": chunk})));
    sections
}

/// What an alert's subject is.
fn subject_label(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::RunFailed | AlertKind::FileFailed => "reason",
        AlertKind::SnapshotHeld => "guard",
        AlertKind::CheckFailed | AlertKind::CheckWarned => "check",
    }
}

/// `text` with the three characters Slack gives a meaning escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` as inline code: escaped, and with no backtick that would end the span.
fn code(text: &str) -> String {
    format!("`{}`", escape(&text.replace('`', "'")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{Figure, Name, Value};

    #[test]
    fn the_three_characters_are_escaped_everywhere() {
        let mut alert = Alert::new(AlertKind::CheckFailed);
        alert.subject = Some(Name::new("a<b>&`c`"));
        alert.figures = vec![Figure::new("<!channel>", Value::Count(1))];
        let run = RunAlerts {
            run_id: Some("r1".to_string()),
            alerts: vec![alert],
        };
        let payload = payload(&run);
        let section = &payload["blocks"][1];
        assert_eq!(
            section["text"]["text"],
            "*A check of severity `error` failed; the load stands.*\ncheck: `a&lt;b&gt;&amp;'c'`"
        );
        assert_eq!(section["fields"][0]["text"], "*&lt;!channel&gt;*\n1");
        assert_eq!(payload["text"], "leadpipe: 1 check failed (run `r1`)");
    }

    #[test]
    fn many_alerts_and_figures_stay_within_slacks_limits() {
        let mut alert = Alert::new(AlertKind::SnapshotHeld);
        alert.figures = (0..25)
            .map(|i| Figure::new(&format!("f{i}"), Value::Count(i)))
            .collect();
        let run = RunAlerts {
            run_id: None,
            alerts: vec![alert; 30],
        };
        let payload = payload(&run);
        let blocks = payload["blocks"].as_array().unwrap();
        assert!(blocks.len() <= MAX_BLOCKS, "{}", blocks.len());
        // Each alert takes three sections (10 + 10 + 5 fields): 15 of the 30 fit.
        assert_eq!(blocks[1]["fields"].as_array().unwrap().len(), 10);
        assert_eq!(blocks[3]["fields"].as_array().unwrap().len(), 5);
        assert_eq!(blocks.len(), 1 + 15 * 3 + 2);
        assert_eq!(
            blocks[blocks.len() - 2]["text"]["text"],
            "…and 15 more (the run's account has them all)"
        );
        assert_eq!(
            blocks[blocks.len() - 1]["elements"][0]["text"],
            "the run had not started"
        );
    }
}
