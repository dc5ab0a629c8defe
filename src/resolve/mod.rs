//! Entity resolution (issue 15): which leads are compared, how alike they are field by
//! field, which values must never make two leads one provider, the model that weighs the
//! evidence ([`model`]) and the clustering that makes entities of it ([`cluster`]). No
//! database here: the load's stage (`stages/resolve.rs`) uses these over the store.
//!
//! # How they feed the model
//!
//! Resolution follows Fellegi and Sunter. [`block`] gives every lead a key per
//! [`block::BlockingRule`]; only pairs that share a key are compared, so a million leads
//! make millions of pairs, not half a trillion. [`compare`] turns a pair into one
//! [`compare::Level`] per field (company, person, address, phone, e-mail, ZIP/city, license
//! date and number), from each lead's spelling, made once per lead by [`prepared`] (a
//! lead is in many pairs). The model has, per field and level, `m` = P(level | the pair
//! is one provider) and `u` = P(level | two providers); a pair's match weight is the
//! prior's log-odds plus, over its fields, log2(m / u). `Null` (a missing value or a
//! [`placeholder`]) weighs nothing.
//!
//! - `u` is estimated from random pairs of leads, nearly all of which are two providers.
//! - `m` is estimated by expectation–maximisation over the blocked pairs but those known
//!   to be two providers (a load's leads one snapshot lists together), starting from `u`
//!   and a guess, with no labels; a field with nothing to learn from keeps a cold-start
//!   guess (`model::cold_m`). The prior is the estimated chance that two random leads
//!   match (the expected matches among the blocked pairs over all pairs), the prior that
//!   goes with a `u` of random pairs, with a floor for a set with nothing to learn it from.
//! - Term frequency: agreeing on a common value says less than on a rare one (a chain's
//!   central phone, `KINDERCARE`, a street many centers are on). For an Exact level, `u`
//!   is replaced by the value's frequency among leads, so a phone shared by 79 operations
//!   weighs little ([`model::TermFrequencies`]).
//! - The match threshold is chosen without labels, from the model's own estimate of
//!   precision and recall ([`model::Threshold`]); pairs above it are clustered strongest
//!   first, a merge refused when it would join two leads with strong evidence against
//!   ([`cluster`]).
//!
//! # In the load
//!
//! [`params::Parameters`] are what is learnt and stored; [`ids`] keeps entity ids stable
//! as clusters change; the stage that links leads in the load is `stages/resolve.rs`.

pub mod batch;
pub mod block;
pub mod cluster;
pub mod compare;
pub mod config;
pub mod ids;
pub mod model;
pub mod pair;
pub mod params;
pub mod placeholder;
pub mod prepared;
pub mod review;
pub mod street;
pub mod waterfall;
pub mod words;

/// A value's hash, the same in every run: what blocking sorts keys by and term frequencies
/// count values by before they compare the texts.
pub(crate) fn hash(value: &impl std::hash::Hash) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(value)
}

/// What linking leads into entities did, for a run's account.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Linked {
    /// The leads linked: new or changed since they were last resolved (every lead, in a
    /// rebuild).
    pub leads: usize,
    /// The leads clustered again: those and every lead connected to them.
    pub scope: usize,
    /// The pairs compared.
    pub pairs: usize,
    /// Whether the parameters were trained in this run.
    pub trained: bool,
    /// Entities created (new leads, or parts of a split), grown, merged into another, split.
    pub created: usize,
    pub grew: usize,
    pub merged: usize,
    pub split: usize,
    /// The threshold in force, with the model's estimates of it.
    pub threshold: Option<model::Threshold>,
    pub seconds: f64,
}

/// The five digits of a ZIP code as the normalizer writes it (`89123` or `89123-4567`),
/// which blocking keys and comparisons both use.
pub(crate) fn zip5(zip: &str) -> Option<&str> {
    let five = zip.get(..5)?;
    five.bytes().all(|b| b.is_ascii_digit()).then_some(five)
}
