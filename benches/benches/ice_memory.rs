//! Memory per ICE agent: the live heap of one agent, counted by a global allocator
//! (`allocation_counter`, which counts per thread: live bytes, peak, allocations) around every
//! call into that agent and around the drop of everything it hands out, so the peer's memory
//! and the harness's are not counted.
//!
//! (a) one agent with one host candidate, one stream of one component, connected to a peer
//! in memory, then idle; (b) 10 local × 10 remote host candidates (100 pairs). The live heap
//! is printed after each step, for both roles, and a sweep over local × remote candidates
//! separates the cost per candidate from the cost per pair; a growth table (1, 4, 10 and 30
//! candidates a side, pair limit on) adds wall and virtual time to connected.
//!
//! `cargo bench -p floe-benches --bench ice_memory` (no criterion: the figures are exact and
//! do not vary between runs).

use core::mem::size_of;
use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_benches::ice_harness::{
    self, Meter, Side, Unmetered, bench_addr, both_connected, host_agent, seed,
};
use floe_ice::{IceAgent, PairInfo, PairState, Role, StreamId};

/// The goal of issue 13 for (b).
const GOAL_100_PAIRS: i64 = 64 * 1024;

/// Counts the allocations of the calls it runs.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Bytes allocated and not freed.
    live: i64,
    /// Most bytes live at once.
    peak: i64,
    /// Allocations made.
    allocations: u64,
}

impl Meter for Tally {
    fn run<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let mut out = None;
        let info = allocation_counter::measure(|| out = Some(f()));
        let max = i64::try_from(info.bytes_max).unwrap_or(i64::MAX);
        self.peak = self.peak.max(self.live + max);
        self.live += info.bytes_current;
        self.allocations += info.count_total;
        out.expect("the closure ran")
    }
}

/// One row: a step and the metered agent's heap after it.
struct Row {
    step: &'static str,
    tally: Tally,
    pairs: usize,
    succeeded: usize,
}

/// Runs the scenario with `locals` × `remotes` host candidates; the metered agent has `role`
/// and `locals` addresses. Returns the heap after each step.
fn scenario(role: Role, locals: u32, remotes: u32) -> Vec<Row> {
    let start = Instant::now();
    let mut tally = Tally::default();
    let mut rows = Vec::new();
    let note = |rows: &mut Vec<Row>, step, tally: Tally, side: &Side| {
        let pairs = side.agent.pairs();
        rows.push(Row {
            step,
            tally,
            pairs: pairs.len(),
            succeeded: pairs
                .iter()
                .filter(|p| p.state == PairState::Succeeded)
                .count(),
        });
    };
    let ours: Vec<SocketAddr> = (0..locals).map(bench_addr).collect();
    let theirs: Vec<SocketAddr> = (0..remotes).map(|i| bench_addr(1000 + i)).collect();
    let mut a = tally.run(|| host_agent(role, seed(1, 1), &[], start));
    note(&mut rows, "new, one stream", tally, &a);
    for &addr in &ours {
        tally.run(|| a.agent.add_local_address(a.stream, 1, addr).unwrap());
    }
    note(&mut rows, "host candidates added", tally, &a);
    let mut b = host_agent(role.other(), seed(2, 2), &theirs, start);
    ice_harness::signal(&mut a, &mut b, start, &mut tally, &mut Unmetered);
    ice_harness::signal(&mut b, &mut a, start, &mut Unmetered, &mut tally);
    note(&mut rows, "signalled (pairs formed)", tally, &a);
    let t = ice_harness::drive(&mut a, &mut b, start, &mut tally, |a, b, _| {
        both_connected(a, b)
    });
    assert!(both_connected(&a, &b));
    note(&mut rows, "connected", tally, &a);
    let connected_at = t;
    ice_harness::drive(&mut a, &mut b, t, &mut tally, |_, _, now| {
        now >= connected_at + Duration::from_secs(30)
    });
    assert!(both_connected(&a, &b));
    note(&mut rows, "idle 30 s (checks done, consent)", tally, &a);
    tally.run(|| drop(a));
    note_dropped(&mut rows, tally);
    rows
}

/// The last row: after the agent is dropped, nothing of it may stay live.
fn note_dropped(rows: &mut Vec<Row>, tally: Tally) {
    assert_eq!(tally.live, 0, "the agent leaked {} bytes", tally.live);
    rows.push(Row {
        step: "dropped",
        tally,
        pairs: 0,
        succeeded: 0,
    });
}

fn kib(bytes: i64) -> String {
    let k = bytes as f64 / 1024.0;
    format!("{k:.1}")
}

fn print_scenario(title: &str, role: Role, locals: u32, remotes: u32) -> i64 {
    let rows = scenario(role, locals, remotes);
    println!("\n{title}: {role:?}, {locals} local x {remotes} remote host candidates");
    println!(
        "| {:<34} | {:>9} | {:>8} | {:>8} | {:>6} | {:>5} | {:>9} |",
        "step", "live B", "live KiB", "peak KiB", "allocs", "pairs", "succeeded"
    );
    println!(
        "|{:-<36}|{:->11}|{:->10}|{:->10}|{:->8}|{:->7}|{:->11}|",
        "", "", "", "", "", "", ""
    );
    for r in &rows {
        println!(
            "| {:<34} | {:>9} | {:>8} | {:>8} | {:>6} | {:>5} | {:>9} |",
            r.step,
            r.tally.live,
            kib(r.tally.live),
            kib(r.tally.peak),
            r.tally.allocations,
            r.pairs,
            r.succeeded
        );
    }
    // Live after idling (the steady state of a connected agent).
    rows[rows.len() - 2].tally.live
}

/// How cost grows with candidates (issue 19): n local × n remote host candidates, with the
/// default pair limit (`IceConfig::max_pairs`, 100) on. Wall time from making the two agents to
/// both connected, unmetered and at zero latency (median of five); virtual time to connected;
/// the controlling agent's live heap when idle, also per pair formed.
fn growth() {
    println!("\nGrowth with candidates (controlling side; zero latency; pair limit 100)");
    println!(
        "| candidates | pairs formed | wall to connected (median of 5) | virtual to connected | live heap idle | per pair |"
    );
    println!("|---|---|---|---|---|---|");
    for n in [1u32, 4, 10, 30] {
        let mut walls = Vec::new();
        let mut virtual_ms = 0.0;
        for run in 0..5u8 {
            let start = Instant::now();
            let wall = Instant::now();
            let ours: Vec<SocketAddr> = (0..n).map(bench_addr).collect();
            let theirs: Vec<SocketAddr> = (0..n).map(|i| bench_addr(1000 + i)).collect();
            let mut a = host_agent(Role::Controlling, seed(u64::from(run), 1), &ours, start);
            let mut b = host_agent(Role::Controlled, seed(u64::from(run), 2), &theirs, start);
            ice_harness::signal(&mut a, &mut b, start, &mut Unmetered, &mut Unmetered);
            ice_harness::signal(&mut b, &mut a, start, &mut Unmetered, &mut Unmetered);
            let t = ice_harness::drive(&mut a, &mut b, start, &mut Unmetered, |a, b, _| {
                both_connected(a, b)
            });
            assert!(both_connected(&a, &b), "{n} x {n} connects");
            walls.push(wall.elapsed().as_secs_f64() * 1e6);
            virtual_ms = (t - start).as_secs_f64() * 1e3;
        }
        walls.sort_by(f64::total_cmp);
        let rows = scenario(Role::Controlling, n, n);
        let idle = &rows[rows.len() - 2];
        let per_pair = idle.tally.live / i64::try_from(idle.pairs.max(1)).unwrap_or(1);
        println!(
            "| {n} x {n} | {} | {:.0} µs | {virtual_ms:.0} ms | {} KiB | {per_pair} B |",
            idle.pairs,
            walls[2],
            kib(idle.tally.live)
        );
    }
}

fn main() {
    // `cargo test --benches` runs bench targets with `--test`: nothing to measure then.
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    println!("ICE agent memory: live heap of one agent (global allocator counts)");
    println!(
        "inline sizes: IceAgent {} B, PairInfo {} B, StreamId {} B",
        size_of::<IceAgent>(),
        size_of::<PairInfo>(),
        size_of::<StreamId>()
    );
    let a = print_scenario("(a) idle connected", Role::Controlling, 1, 1);
    print_scenario("(a) idle connected", Role::Controlled, 1, 1);
    let b = print_scenario("(b) 100 pairs", Role::Controlling, 10, 10);
    let b2 = print_scenario("(b) 100 pairs", Role::Controlled, 10, 10);
    // Sweep: live heap when idle, by local x remote candidates.
    println!("\nSweep (controlling side, idle 30 s after connecting): live heap");
    println!("| locals x remotes | pairs | live B | live KiB | peak KiB |");
    println!("|---|---|---|---|---|");
    for (l, r) in [(1, 1), (1, 10), (10, 1), (5, 5), (10, 10), (10, 20)] {
        let rows = scenario(Role::Controlling, l, r);
        let idle = &rows[rows.len() - 2];
        println!(
            "| {l} x {r} | {} | {} | {} | {} |",
            idle.pairs,
            idle.tally.live,
            kib(idle.tally.live),
            kib(idle.tally.peak)
        );
    }
    growth();
    let worst = b.max(b2);
    println!(
        "\nsummary: (a) {} KiB; (b) {} KiB, goal <= 64 KiB: {}",
        kib(a),
        kib(worst),
        if worst <= GOAL_100_PAIRS {
            "met"
        } else {
            "MISSED"
        }
    );
}
