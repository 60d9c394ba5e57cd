//! Many ICE agent pairs connecting at once in one simulator on one core: 10,000
//! controlling/controlled pairs with host candidates at distinct addresses (`198.18.0.0/15`),
//! all live at once on one virtual clock, over an in-memory FIFO network with 25 ms one way
//! ([`Fleet`] over [`FifoWire`]), until every agent is connected; then the same over
//! floe-netsim ([`NetsimWire`]: every host behind one full-cone NAT, 25 ms links). Printed
//! once per run (wall time, virtual time, pairs per wall second); criterion then measures both
//! with 1,000 pairs.
//!
//! `cargo bench -p floe-benches --bench ice_scale -- --quick`; set `FLOE_SCALE_PAIRS` to change
//! the size of the printed runs (0 skips them) and `FLOE_SCALE_WIRES` to choose and order them
//! (`fifo,netsim` by default; the first run of a process also pays for the first touch of the
//! memory its agents take, so compare runs in separate processes).

use core::hint::black_box;
use core::time::Duration;
use std::time::Instant;

use criterion::{BatchSize, Criterion, Throughput};
use floe_benches::ice_harness::{FifoWire, Fleet, NetsimWire, Wire};
use floe_benches::ice_peers::FloeIce;
use floe_stun::net::Bytes;

/// One-way latency of the simulated network.
const LATENCY: Duration = Duration::from_millis(25);
/// Virtual time after which a run gives up (it panics).
const LIMIT: Duration = Duration::from_secs(60);
/// Pairs in the printed run.
const PAIRS: u32 = 10_000;
/// Pairs in the criterion run.
const CRITERION_PAIRS: u32 = 1_000;

/// Peak resident memory of the process, from `/proc/self/status` (Linux), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn report<W: Wire<Bytes>>(network: &str, pairs: u32, wire: impl FnOnce(Instant) -> W) {
    let wall = Instant::now();
    let start = Instant::now();
    let mut fleet = Fleet::<FloeIce, W>::new(pairs, wire(start), start);
    let setup = wall.elapsed();
    let run_start = Instant::now();
    let run = fleet.run_until_connected(LIMIT);
    let running = run_start.elapsed();
    let total = wall.elapsed();
    assert!(fleet.all_connected());
    println!(
        "ice_scale over {network}: {pairs} pairs ({} agents), one-way latency {LATENCY:?}",
        pairs * 2
    );
    println!("| figure | value |");
    println!("|---|---|");
    println!("| wall time, agents made and signalled | {setup:.3?} |");
    println!("| wall time, connecting | {running:.3?} |");
    println!("| wall time, total | {total:.3?} |");
    println!(
        "| virtual time until all connected | {:?} |",
        run.virtual_time
    );
    println!(
        "| pairs connected per wall second (total) | {:.0} |",
        f64::from(pairs) / total.as_secs_f64()
    );
    println!(
        "| datagrams delivered | {} ({:.1} per pair) |",
        run.datagrams,
        run.datagrams as f64 / f64::from(pairs)
    );
    println!(
        "| timeouts handled | {} ({:.1} per pair) |",
        run.timeouts,
        run.timeouts as f64 / f64::from(pairs)
    );
    if let Some(rss) = peak_rss_kib() {
        println!(
            "| peak resident memory of the process so far | {:.1} MiB |",
            rss as f64 / 1024.0
        );
    }
    black_box(fleet);
}

fn connect_many(c: &mut Criterion) {
    let mut g = c.benchmark_group("ice_scale");
    g.sample_size(10);
    g.throughput(Throughput::Elements(u64::from(CRITERION_PAIRS)));
    g.bench_function("connect_1000_pairs", |b| {
        b.iter_batched(
            || Fleet::<FloeIce, _>::new(CRITERION_PAIRS, FifoWire::new(LATENCY), Instant::now()),
            |mut fleet| black_box(fleet.run_until_connected(LIMIT)),
            BatchSize::PerIteration,
        );
    });
    g.bench_function("netsim_connect_1000_pairs", |b| {
        b.iter_batched(
            || {
                let start = Instant::now();
                Fleet::<FloeIce, _>::new(CRITERION_PAIRS, NetsimWire::new(1, LATENCY, start), start)
            },
            |mut fleet| black_box(fleet.run_until_connected(LIMIT)),
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

fn main() {
    // `cargo test --benches` passes `--test`: criterion runs each bench once, no report.
    let test = std::env::args().any(|a| a == "--test");
    let pairs = std::env::var("FLOE_SCALE_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PAIRS);
    if !test && pairs > 0 {
        report("a FIFO", pairs, |_| FifoWire::new(LATENCY));
        report("floe-netsim", pairs, |start| {
            NetsimWire::new(1, LATENCY, start)
        });
    }
    let mut c = Criterion::default().configure_from_args();
    connect_many(&mut c);
    c.final_summary();
}
