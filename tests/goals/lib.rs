//! Nothing: the package is its benchmark, `benches/goals.rs`.
