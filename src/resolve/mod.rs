//! Entity resolution: one provider, one entity.

pub mod model;
