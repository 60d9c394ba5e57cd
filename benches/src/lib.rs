//! Benchmarks of the Floe crates. The benchmarks live in `benches/`; run them with
//! `cargo bench -p floe-benches` (add `--features peers` to measure the peer crates in the same
//! run). Method and results: `docs/benchmarks.md`.
//!
//! The library holds what several bench targets share: [`ice_harness`] drives ICE agents,
//! [`ice_peers`] puts the agents of Floe and (with `peers`) its peer crates behind one trait,
//! [`chart`] draws a report's figures as an SVG bar chart.
#![forbid(unsafe_code)]

pub mod chart;
pub mod ice_harness;
pub mod ice_peers;
