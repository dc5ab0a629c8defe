//! Entity resolution: one provider, one entity.

pub mod cluster;
pub mod model;
