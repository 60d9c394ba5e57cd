//! Benchmarks of the Floe crates. The benchmarks live in `benches/`; run them with
//! `cargo bench -p floe-benches` (add `--features peers` to measure the peer crates in the same
//! run). Method and results: `docs/benchmarks.md`.
#![forbid(unsafe_code)]
