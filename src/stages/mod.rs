//! Stages a run can be given ([`crate::pipeline::Stage`]), one module each.

pub mod enrich;
pub mod guards;
pub mod resolve;
