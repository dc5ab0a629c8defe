//! leadpipe turns the provider lists that US childcare-licensing agencies publish into one
//! clean `leads` table.
//!
//! The modules follow the pipeline: [`read`] (files as published → decoded records),
//! [`spec`] (per-source TOML specs), [`map`] (spec rules → lead values, through
//! [`normalize`]), [`validate`] (record-level checks), [`store`] (the target database), and
//! [`pipeline`], which runs them in order for each file, with the [`stages`] a command hands
//! it (guards); [`checks`] hold the loaded table to declarative thresholds; [`resolve`] has
//! the matcher's pure parts (placeholders, blocking keys, comparison levels, the
//! Fellegi–Sunter model, clustering). [`reason`]
//! names why a record is rejected or a value doubtful.

pub mod checks;
pub mod enrich;
pub mod export;
pub mod infer;
pub mod lead;
pub mod map;
pub(crate) mod normalize;
pub mod notify;
pub mod pipeline;
pub mod read;
pub mod reason;
mod redact;
pub mod report;
pub mod resolve;
pub mod spec;
pub mod stages;
pub mod store;
pub(crate) mod validate;
