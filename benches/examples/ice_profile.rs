//! One agent pair of Floe made, signalled and connected at zero latency, N times (default
//! 1,000), through the `ice_peers` harness: a target for valgrind's callgrind (instructions
//! per pair) and dhat (allocations by call site), as docs/benchmarks.md describes. With a
//! second argument P, P pairs live at once on one clock at 25 ms one way instead (the
//! `ice_peers` fleet figure), for `perf record`.
//!
//! ```text
//! cargo build --release -p floe-benches --features peers --example ice_profile
//! valgrind --tool=dhat target/release/examples/ice_profile 200
//! perf record -g target/release/examples/ice_profile 5 10000
//! ```

use core::time::Duration;
use std::time::Instant;

use floe_benches::ice_harness::{FifoWire, Fleet};
use floe_benches::ice_peers::{CONNECT_LIMIT, FloeIce};

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let (pairs, latency) = match std::env::args().nth(2).and_then(|s| s.parse().ok()) {
        Some(p) => (p, Duration::from_millis(25)),
        None => (1, Duration::ZERO),
    };
    for _ in 0..n {
        let mut fleet = Fleet::<FloeIce, _>::new(pairs, FifoWire::new(latency), Instant::now());
        let run = fleet.run_until_connected(CONNECT_LIMIT);
        core::hint::black_box(run);
    }
}
