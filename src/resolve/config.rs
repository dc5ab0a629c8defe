//! How resolution is configured: a project's `[resolve]` table in TOML, every key with a
//! default tuned for leads, and nothing unknown accepted.

use serde::{Deserialize, Serialize};

use super::block::BlockingRule;
use super::pair::Field;

/// The `[resolve]` table.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ResolveConfig {
    /// Which pairs are compared: those that share a key of one of these rules.
    pub blocking: Vec<BlockingRule>,
    /// The fields whose exact agreement is weighed by how common the value is.
    pub term_frequency: Vec<Field>,
    /// The match probability above which a pair links; `auto`: chosen from the model's own
    /// estimated precision and recall.
    pub threshold: ThresholdSetting,
    /// A pair whose comparisons weigh this many bits or fewer against it, beyond the prior
    /// (strong evidence of two providers), keeps their clusters apart, whatever links them
    /// otherwise.
    pub veto_weight: f64,
}

/// A match threshold, chosen or given.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum ThresholdSetting {
    /// `threshold = "auto"`.
    Auto(Auto),
    /// `threshold = 0.9`.
    Probability(f64),
}

/// The word `auto`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Auto {
    Auto,
}

impl Default for ResolveConfig {
    fn default() -> Self {
        ResolveConfig {
            blocking: vec![
                BlockingRule::Phone,
                BlockingRule::Address,
                BlockingRule::ZipCompany,
                BlockingRule::Email,
                BlockingRule::Person,
            ],
            term_frequency: vec![Field::Company, Field::Phone, Field::Address],
            threshold: ThresholdSetting::Auto(Auto::Auto),
            veto_weight: -6.0,
        }
    }
}

impl ResolveConfig {
    /// Reads a `[resolve]` table, and checks it.
    pub fn parse(text: &str) -> Result<ResolveConfig, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            resolve: ResolveConfig,
        }
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        file.resolve.validate()?;
        Ok(file.resolve)
    }

    /// Each value within its range.
    pub fn validate(&self) -> Result<(), String> {
        if self.blocking.is_empty() {
            return Err("`resolve.blocking` is empty: no pair would ever be compared".into());
        }
        if let ThresholdSetting::Probability(p) = self.threshold
            && !(p > 0.0 && p < 1.0)
        {
            return Err(format!(
                "`resolve.threshold = {p}`: give a probability between 0 and 1, or \"auto\""
            ));
        }
        if self.veto_weight >= 0.0 {
            return Err(format!(
                "`resolve.veto_weight = {}`: give a negative weight (bits of evidence against)",
                self.veto_weight
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_given_is_the_default_and_each_key_overrides_it() {
        assert_eq!(ResolveConfig::parse("").unwrap(), ResolveConfig::default());
        let config = ResolveConfig::parse(
            "[resolve]\nblocking = [\"phone\", \"person\"]\nthreshold = 0.95\nveto_weight = -8\n",
        )
        .unwrap();
        assert_eq!(config.blocking, [BlockingRule::Phone, BlockingRule::Person]);
        assert_eq!(config.threshold, ThresholdSetting::Probability(0.95));
        assert_eq!(config.veto_weight, -8.0);
        assert_eq!(
            config.term_frequency,
            ResolveConfig::default().term_frequency
        );
        let auto = ResolveConfig::parse("[resolve]\nthreshold = \"auto\"\n").unwrap();
        assert_eq!(auto.threshold, ThresholdSetting::Auto(Auto::Auto));
    }

    #[test]
    fn mistakes_are_named() {
        let error = |text| ResolveConfig::parse(text).unwrap_err();
        assert!(
            error("[resolve]\nblocking_rules = []\n").contains("unknown field `blocking_rules`")
        );
        assert!(error("[resolve]\nblocking = [\"fax\"]\n").contains("unknown variant `fax`"));
        assert_eq!(
            error("[resolve]\nthreshold = 1.5\n"),
            "`resolve.threshold = 1.5`: give a probability between 0 and 1, or \"auto\""
        );
        assert!(error("[resolve]\nblocking = []\n").contains("no pair would ever be compared"));
        assert!(error("[resolve]\nveto_weight = 2\n").contains("give a negative weight"));
    }
}
