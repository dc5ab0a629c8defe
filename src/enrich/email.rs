//! What an e-mail address says of its provider: the kind of its domain, and the website a
//! business domain stands for.

use crate::resolve::placeholder::is_placeholder_domain;

// `FREE_EMAIL_DOMAINS`, sorted (see build.rs and data/free_email_domains.txt).
include!(concat!(env!("OUT_DIR"), "/free_email_domains.rs"));

/// Who gives out addresses at a domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    /// The provider's own domain.
    Business,
    /// A free mail service (`gmail.com`), whose domain says nothing of the provider.
    Free,
    /// A school or a university (`.edu`, a `k12` district).
    School,
    /// A government (`.gov`, `.mil`, a `state.XX.us` agency).
    Government,
}

impl EmailKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Business => "business",
            EmailKind::Free => "free",
            EmailKind::School => "school",
            EmailKind::Government => "government",
        }
    }
}

/// An address's domain, lower-cased, and its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Domain {
    pub name: String,
    pub kind: EmailKind,
}

impl Domain {
    /// The domain of an address; none for an address without one, or whose domain is a
    /// placeholder (`test.com`, `example.org`).
    pub fn of(email: &str) -> Option<Domain> {
        let (_, name) = email.trim().rsplit_once('@')?;
        let name = name.trim_end_matches('.').to_lowercase();
        if !name.contains('.') || is_placeholder_domain(&name) {
            return None;
        }
        let kind = kind(&name);
        Some(Domain { name, kind })
    }

    /// The website a business domain stands for: `https://<domain>`.
    pub fn website(&self) -> Option<String> {
        (self.kind == EmailKind::Business).then(|| format!("https://{}", self.name))
    }
}

fn kind(domain: &str) -> EmailKind {
    let top = domain.rsplit('.').next().unwrap_or_default();
    let has_label = |label: &str| domain.split('.').any(|l| l == label);
    if FREE_EMAIL_DOMAINS.binary_search(&domain).is_ok() {
        EmailKind::Free
    } else if top == "edu" || has_label("k12") {
        EmailKind::School
    } else if top == "gov" || top == "mil" || (top == "us" && has_label("state")) {
        EmailKind::Government
    } else {
        EmailKind::Business
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn website(email: &str) -> Option<String> {
        Domain::of(email)?.website()
    }

    #[test]
    fn a_business_address_gives_its_website() {
        let domain = Domain::of("sylvia@kstreetlearningcenter.com").unwrap();
        assert_eq!(domain.kind, EmailKind::Business);
        assert_eq!(
            domain.website().as_deref(),
            Some("https://kstreetlearningcenter.com")
        );
        assert_eq!(
            website("Info@KStreetLearningCenter.COM.").as_deref(),
            Some("https://kstreetlearningcenter.com")
        );
    }

    #[test]
    fn a_free_schools_or_governments_address_gives_none() {
        for (email, expected) in [
            ("symira24@gmail.com", EmailKind::Free),
            ("someone@yahoo.com", EmailKind::Free),
            ("owner@cox.net", EmailKind::Free),
            ("teacher@tulsaschools.k12.ok.us", EmailKind::School),
            ("dean@unlv.edu", EmailKind::School),
            ("licensing@hhs.texas.gov", EmailKind::Government),
            ("cdc@dhs.state.nv.us", EmailKind::Government),
            ("cdc@army.mil", EmailKind::Government),
        ] {
            assert_eq!(Domain::of(email).map(|d| d.kind), Some(expected), "{email}");
            assert_eq!(website(email), None, "{email}");
        }
    }

    #[test]
    fn placeholder_and_test_domains_are_never_used() {
        for email in [
            "director@test.com",
            "a@example.org",
            "x@site.test",
            "none",
            "y@localhost",
        ] {
            assert_eq!(Domain::of(email), None, "{email}");
        }
    }

    #[test]
    fn the_shipped_list_is_whole() {
        assert!(FREE_EMAIL_DOMAINS.len() > 10_000);
        assert!(FREE_EMAIL_DOMAINS.windows(2).all(|w| w[0] < w[1]));
    }
}
