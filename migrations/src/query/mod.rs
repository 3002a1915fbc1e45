//! Queries checked against the migrated schema: what they return, whether
//! each column can be NULL, and what their parameters are.

pub mod describe;
pub mod nullability;
pub mod params;
