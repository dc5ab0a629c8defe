//! Stages a run can be given ([`crate::pipeline::Stage`]), one module each.

pub mod guards;
pub mod resolve;
