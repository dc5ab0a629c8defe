//! Where alerts go: a webhook URL and the payload it takes. A Slack incoming webhook
//! (host `hooks.slack.com`) gets Slack's payload, any other URL the generic JSON one; a
//! `slack+` or `json+` before the scheme forces either (`slack+https://chat.example/hook`
//! for a Slack-compatible server, `slack+http://127.0.0.1:8080/…` in tests).
//!
//! A webhook's path and query are its secret (whoever has a Slack webhook URL can post to
//! the channel), so a target is only ever shown as its scheme, host and port.

use std::fmt;
use std::str::FromStr;

use reqwest::Url;

/// The payload a target takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Slack's incoming-webhook payload: `text` and `blocks`.
    Slack,
    /// leadpipe's own JSON document, versioned (README: Alerts).
    Generic,
}

/// Hosts whose webhooks take Slack's payload.
const SLACK_HOSTS: [&str; 2] = ["hooks.slack.com", "hooks.slack-gov.com"];

/// A webhook URL and its payload.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    url: Url,
    format: Format,
}

/// Why a `--notify` URL is not one. It never quotes the URL, whose path is a secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("not a URL")]
    NotAUrl,
    #[error("the scheme `{0}` is not http:// or https:// (nor slack+… or json+…)")]
    Scheme(String),
}

impl Target {
    /// The URL posted to.
    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// The payload it takes.
    pub fn format(&self) -> Format {
        self.format
    }
}

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<Target, TargetError> {
        let text = text.trim();
        let (forced, rest) = match text.split_once('+') {
            Some(("slack", rest)) => (Some(Format::Slack), rest),
            Some(("json", rest)) => (Some(Format::Generic), rest),
            _ => (None, text),
        };
        let url = Url::parse(rest).map_err(|_| TargetError::NotAUrl)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TargetError::Scheme(url.scheme().to_string()));
        }
        let slack_host = url.host_str().is_some_and(|host| {
            SLACK_HOSTS
                .iter()
                .any(|slack| host.eq_ignore_ascii_case(slack))
        });
        let format = forced.unwrap_or(if slack_host {
            Format::Slack
        } else {
            Format::Generic
        });
        Ok(Target { url, format })
    }
}

impl fmt::Display for Target {
    /// `https://hooks.slack.com/…`: the scheme, host and port, never the user, the path
    /// or the query.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.url.scheme())?;
        if let Some(host) = self.url.host_str() {
            f.write_str(host)?;
        }
        if let Some(port) = self.url.port() {
            write!(f, ":{port}")?;
        }
        f.write_str("/…")
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self}, {:?})", self.format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(text: &str) -> Target {
        text.parse().unwrap()
    }

    #[test]
    fn the_host_decides_the_payload_and_a_prefix_forces_it() {
        let slack = target("https://hooks.slack.com/services/T0/B0/secret");
        assert_eq!(slack.format(), Format::Slack);
        assert_eq!(slack.url().path(), "/services/T0/B0/secret");
        assert_eq!(target("https://HOOKS.SLACK.COM/x").format(), Format::Slack);
        assert_eq!(
            target("https://example.com/services/T0/B0/x").format(),
            Format::Generic
        );
        let forced = target("slack+http://127.0.0.1:8080/services/T0/B0/x");
        assert_eq!(forced.format(), Format::Slack);
        assert_eq!(
            forced.url().as_str(),
            "http://127.0.0.1:8080/services/T0/B0/x"
        );
        assert_eq!(
            target("json+https://hooks.slack.com/x").format(),
            Format::Generic
        );
    }

    #[test]
    fn a_target_is_shown_without_user_path_or_query() {
        let shown = target("https://bot:pw@hooks.slack.com/services/T0/B0/secret?token=t");
        assert_eq!(shown.to_string(), "https://hooks.slack.com/…");
        assert_eq!(
            format!("{shown:?}"),
            "Target(https://hooks.slack.com/…, Slack)"
        );
        assert_eq!(
            target("http://127.0.0.1:9/hook").to_string(),
            "http://127.0.0.1:9/…"
        );
    }

    #[test]
    fn bad_urls_are_refused_without_quoting_them() {
        assert_eq!(
            "hooks.slack.com/services/secret".parse::<Target>(),
            Err(TargetError::NotAUrl)
        );
        let scheme = "ftp://host/secret".parse::<Target>().unwrap_err();
        assert_eq!(scheme, TargetError::Scheme("ftp".to_string()));
        assert!(!scheme.to_string().contains("secret"));
        assert_eq!(
            "slack+ftp://host/secret".parse::<Target>(),
            Err(TargetError::Scheme("ftp".to_string()))
        );
    }
}
