//! Issue 22: floe-turn's `Server` beside librice's `turn-server-proto` `TurnServer`, the two
//! sans-I/O TURN server cores, fed the same hand-made messages (`floe_benches::turn_cores`).
//!
//! Per relayed datagram, both directions, IPv4 and IPv6, with 1 / 1k / 10k / 100k allocations
//! live (each with one permission and one channel): client → peer as ChannelData and as a
//! Send indication, peer → client as ChannelData (160 B and 1200 B) and as a Data indication
//! (a permitted peer port without a channel). Each timed batch cycles over up to 256 clients
//! spread evenly over the live ones, so neither core is measured on only its first or last
//! allocation. The cores' batches alternate within each round, over several rounds; each
//! figure is the median round. Then: allocations per relayed datagram, full setups per second
//! (401 round, Allocate, CreatePermission, ChannelBind; the client's message building is not
//! timed) while growing to 10,000 allocations, and the live heap per allocation at 10,000
//! (counted by the counting allocator around the core's construction and setups, for both
//! cores the same way; Floe's own `Server::memory_usage` is printed beside it).
//!
//! `turn-server-proto` finds an allocation by scanning its clients, so its relay path and its
//! setups grow with the live allocations; it is measured up to 10,000 (its 100,000-allocation
//! setup alone would take minutes).
//!
//! The counting allocator (`allocation-counter`) is this binary's global allocator: every
//! allocation of both cores pays its bookkeeping. The relay path allocates in neither core.
//!
//! `cargo bench -p floe-benches --features peers --bench turn_server_peers` (full, a few
//! minutes), `-- --quick` or `FLOE_TURN_QUICK=1` for a quick mode (1 and 1,000 allocations,
//! 1,000 setups; seconds), `FLOE_TURN_SVG=path` to also draw the chart.

use core::hint::black_box;
use core::net::SocketAddr;
use std::time::Instant;

use floe_benches::chart::{self, Panel};
use turn_cores::{
    Family, FloeCore, PeerCore, TurnCore, channel_data, other_peer_addr, peer_addr, send_indication,
};

// The harness shared with `instructions_turn`, compiled into each bench that uses it.
#[path = "../src/turn_cores.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared harness")]
mod turn_cores;
use floe_stun::channel_data::ChannelData;

/// Clients a batch cycles over.
const TARGETS: usize = 256;
/// The allocations at which `turn-server-proto` is still measured.
const PEER_MAX: usize = 10_000;

/// How much to measure.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    scales: &'static [usize],
    rounds: usize,
    batch_ns: u128,
    setups: usize,
}

const FULL: Sizes = Sizes {
    scales: &[1, 1_000, 10_000, 100_000],
    rounds: 5,
    batch_ns: 20_000_000,
    setups: 10_000,
};

const QUICK: Sizes = Sizes {
    scales: &[1, 1_000],
    rounds: 3,
    batch_ns: 2_000_000,
    setups: 1_000,
};

/// One relayed datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Client → peer, ChannelData.
    ChannelIn(usize),
    /// Client → peer, Send indication.
    SendIn(usize),
    /// Peer → client from the channel's peer: ChannelData out.
    ChannelOut(usize),
    /// Peer → client from a permitted port without a channel: Data indication out.
    DataOut(usize),
}

const OPS: [Op; 5] = [
    Op::ChannelIn(160),
    Op::SendIn(160),
    Op::ChannelOut(160),
    Op::ChannelOut(1200),
    Op::DataOut(160),
];

impl Op {
    fn label(self) -> String {
        match self {
            Self::ChannelIn(n) => format!("client → peer, {n} B ChannelData"),
            Self::SendIn(n) => format!("client → peer, {n} B Send indication"),
            Self::ChannelOut(n) => format!("peer → client, {n} B → ChannelData"),
            Self::DataOut(n) => format!("peer → client, {n} B → Data indication"),
        }
    }
}

/// The inputs of one op, built once and fed to both cores.
struct Input {
    op: Op,
    bytes: Vec<u8>,
    peer: SocketAddr,
}

impl Input {
    fn new(op: Op, family: Family) -> Self {
        let (bytes, peer) = match op {
            Op::ChannelIn(n) => (channel_data(&vec![0x5a; n]), peer_addr(family)),
            Op::SendIn(n) => (send_indication(family, &vec![0x5a; n]), peer_addr(family)),
            Op::ChannelOut(n) => (vec![0xa5; n], peer_addr(family)),
            Op::DataOut(n) => (vec![0xa5; n], other_peer_addr(family)),
        };
        Self { op, bytes, peer }
    }

    /// Runs the op once for client `i`: the bytes relayed or framed (0 when dropped).
    #[inline]
    fn run<C: TurnCore>(&self, core: &mut C, i: usize, out: &mut Vec<u8>) -> usize {
        match self.op {
            Op::ChannelIn(_) | Op::SendIn(_) => core.client_in(i, black_box(&self.bytes)),
            Op::ChannelOut(_) | Op::DataOut(_) => {
                core.peer_in(i, self.peer, black_box(&self.bytes), out)
            }
        }
    }
}

/// Up to [`TARGETS`] clients spread evenly over `0..n`.
fn targets(n: usize) -> Vec<usize> {
    let k = n.min(TARGETS);
    (0..k).map(|j| j * n / k).collect()
}

/// ns per op over a batch of at least `batch_ns`.
fn time_batch<C: TurnCore>(core: &mut C, input: &Input, targets: &[usize], batch_ns: u128) -> f64 {
    let mut out = Vec::with_capacity(2048);
    let mut iterations = 0u64;
    let t0 = Instant::now();
    loop {
        for &i in targets.iter().cycle().take(64) {
            let n = input.run(core, i, &mut out);
            assert!(n > 0, "{}: {:?} dropped for client {i}", C::NAME, input.op);
            black_box(n);
        }
        iterations += 64;
        let elapsed = t0.elapsed().as_nanos();
        if elapsed >= batch_ns {
            return elapsed as f64 / iterations as f64;
        }
    }
}

/// Heap allocations per op, over 1,024 ops.
fn allocations_per_op<C: TurnCore>(core: &mut C, input: &Input, targets: &[usize]) -> f64 {
    let mut out = Vec::with_capacity(2048);
    let info = allocation_counter::measure(|| {
        for &i in targets.iter().cycle().take(1024) {
            black_box(input.run(core, i, &mut out));
        }
    });
    info.count_total as f64 / 1024.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The floor of the client → peer ChannelData path: parse the 4-byte header, copy 160 B.
fn floor_ns(batch_ns: u128) -> f64 {
    let wire = channel_data(&[0x5a; 160]);
    let mut out = Vec::with_capacity(2048);
    let mut iterations = 0u64;
    let t0 = Instant::now();
    loop {
        for _ in 0..64 {
            let cd = ChannelData::parse(black_box(&wire)).expect("ChannelData");
            out.clear();
            out.extend_from_slice(cd.data());
            black_box((cd.channel(), out.len()));
        }
        iterations += 64;
        let elapsed = t0.elapsed().as_nanos();
        if elapsed >= batch_ns {
            return elapsed as f64 / iterations as f64;
        }
    }
}

/// One scale's relay figures: `[op] -> (floe ns, peer ns if measured, floe allocs, peer
/// allocs)`.
struct ScaleRow {
    family: Family,
    n: usize,
    ns: Vec<(f64, Option<f64>)>,
    allocations: Vec<(f64, Option<f64>)>,
}

fn relay_scale(family: Family, n: usize, sizes: Sizes) -> ScaleRow {
    let t0 = Instant::now();
    let mut floe: FloeCore = turn_cores::populated(family, n);
    let floe_setup = t0.elapsed();
    let t0 = Instant::now();
    let mut peer: Option<PeerCore> = (n <= PEER_MAX).then(|| turn_cores::populated(family, n));
    eprintln!(
        "{} {n}: set up in {:.2} s (floe-turn) / {} (turn-server-proto)",
        family.name(),
        floe_setup.as_secs_f64(),
        peer.as_ref().map_or("not run".to_owned(), |_| format!(
            "{:.2} s",
            t0.elapsed().as_secs_f64()
        )),
    );
    let targets = targets(n);
    let inputs: Vec<Input> = OPS.iter().map(|op| Input::new(*op, family)).collect();
    let mut floe_ns = vec![Vec::new(); OPS.len()];
    let mut peer_ns = vec![Vec::new(); OPS.len()];
    for round in 0..sizes.rounds {
        for (k, input) in inputs.iter().enumerate() {
            // Alternate which core goes first, round by round.
            let floe_first = round % 2 == 0;
            if floe_first {
                floe_ns[k].push(time_batch(&mut floe, input, &targets, sizes.batch_ns));
            }
            if let Some(p) = peer.as_mut() {
                peer_ns[k].push(time_batch(p, input, &targets, sizes.batch_ns));
            }
            if !floe_first {
                floe_ns[k].push(time_batch(&mut floe, input, &targets, sizes.batch_ns));
            }
        }
    }
    let ns = floe_ns
        .into_iter()
        .zip(peer_ns)
        .map(|(f, p)| (median(f), (!p.is_empty()).then(|| median(p))))
        .collect();
    let allocations = inputs
        .iter()
        .map(|input| {
            (
                allocations_per_op(&mut floe, input, &targets),
                peer.as_mut()
                    .map(|p| allocations_per_op(p, input, &targets)),
            )
        })
        .collect();
    ScaleRow {
        family,
        n,
        ns,
        allocations,
    }
}

/// Setups per second growing from 0 to `n`, and the live heap per allocation at `n`.
struct Growth {
    setups_per_s: f64,
    heap_per_allocation: f64,
}

fn growth<C: TurnCore>(n: usize) -> (Growth, Option<C>) {
    let key = turn_cores::key();
    let mut timed_ns = 0u128;
    let mut core = None;
    let info = allocation_counter::measure(|| {
        let mut c = C::new(Family::V4, n);
        let mut out = Vec::with_capacity(512);
        for i in 0..n {
            let t0 = Instant::now();
            let nonce = turn_cores::challenge(&mut c, i, &mut out);
            timed_ns += t0.elapsed().as_nanos();
            // The client's side (MESSAGE-INTEGRITY over three requests) is not timed.
            let requests = turn_cores::signed_setup(Family::V4, i, &nonce, &key);
            let t0 = Instant::now();
            turn_cores::finish_setup(&mut c, i, &requests, &mut out);
            timed_ns += t0.elapsed().as_nanos();
        }
        out = Vec::new();
        drop(out);
        core = Some(c);
    });
    let g = Growth {
        setups_per_s: n as f64 / (timed_ns as f64 / 1e9),
        heap_per_allocation: info.bytes_current as f64 / n as f64,
    };
    (g, core)
}

fn fmt_ns(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1} µs", v / 1000.0)
    } else {
        format!("{v:.1}")
    }
}

fn main() {
    let quick =
        std::env::args().any(|a| a == "--quick") || std::env::var_os("FLOE_TURN_QUICK").is_some();
    if std::env::args().any(|a| a == "--list") {
        // `cargo test --benches` and criterion-style listing: nothing to list.
        return;
    }
    let sizes = if quick { QUICK } else { FULL };
    // Growth and memory first, on a fresh heap, alternating the cores over two rounds.
    let mut floe_growth = Vec::new();
    let mut peer_growth = Vec::new();
    let mut floe_memory = None;
    for _ in 0..2 {
        let (g, core) = growth::<FloeCore>(sizes.setups);
        floe_memory = core.map(|c| c.server().memory_usage());
        floe_growth.push(g);
        let (g, core) = growth::<PeerCore>(sizes.setups);
        drop(core);
        peer_growth.push(g);
    }
    let best = |v: &[Growth]| {
        let rate = v.iter().map(|g| g.setups_per_s).fold(0.0, f64::max);
        let heap = v
            .iter()
            .map(|g| g.heap_per_allocation)
            .fold(f64::MAX, f64::min);
        (rate, heap)
    };
    let (floe_rate, floe_heap) = best(&floe_growth);
    let (peer_rate, peer_heap) = best(&peer_growth);
    let floor = median(
        (0..sizes.rounds)
            .map(|_| floor_ns(sizes.batch_ns))
            .collect(),
    );

    let mut rows = Vec::new();
    for family in [Family::V4, Family::V6] {
        for &n in sizes.scales {
            rows.push(relay_scale(family, n, sizes));
        }
    }

    println!("\n## turn_server_peers: floe-turn Server vs turn-server-proto TurnServer\n");
    println!(
        "{} mode, {} rounds, batches of ≥ {} ms, medians. ns per relayed datagram.\n",
        if quick { "quick" } else { "full" },
        sizes.rounds,
        sizes.batch_ns / 1_000_000
    );
    println!("| family | allocations live | datagram | floe-turn | turn-server-proto | ratio |");
    println!("|---|---|---|---|---|---|");
    for row in &rows {
        for (op, (f, p)) in OPS.iter().zip(&row.ns) {
            let (p, ratio) = p.map_or(("—".to_owned(), "—".to_owned()), |p| {
                (fmt_ns(p), format!("{:.2}×", f / p))
            });
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                row.family.name(),
                row.n,
                op.label(),
                fmt_ns(*f),
                p,
                ratio
            );
        }
    }
    println!("\nfloor (ChannelData header parsed, 160 B copied): {floor:.1} ns\n");
    println!("| allocations per relayed datagram | floe-turn | turn-server-proto |");
    println!("|---|---|---|");
    for row in &rows {
        let f_max = row.allocations.iter().map(|a| a.0).fold(0.0, f64::max);
        let p_max = row
            .allocations
            .iter()
            .filter_map(|a| a.1)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        println!(
            "| {} {} live, every datagram kind (most) | {f_max} | {} |",
            row.family.name(),
            row.n,
            p_max.map_or("—".to_owned(), |p| p.to_string())
        );
    }
    println!(
        "\n| growing to {} allocations (IPv4, best of 2) | floe-turn | turn-server-proto | ratio |",
        sizes.setups
    );
    println!("|---|---|---|---|");
    println!(
        "| full setups per second | {:.0} k | {:.1} k | {:.1}× |",
        floe_rate / 1e3,
        peer_rate / 1e3,
        floe_rate / peer_rate
    );
    println!(
        "| live heap per allocation (counting allocator) | {floe_heap:.0} B | {peer_heap:.0} B | {:.2}× |",
        floe_heap / peer_heap
    );
    if let Some(m) = floe_memory {
        println!(
            "| floe-turn `Server::memory_usage` per allocation | {} B | — | — |",
            m.bytes / m.allocations.max(1)
        );
    }

    if let Some(path) = std::env::var_os("FLOE_TURN_SVG") {
        let small = |family: Family| rows.iter().find(|r| r.family == family && r.n == 1);
        let mut panels = Vec::new();
        if let Some(row) = small(Family::V4) {
            for (op, (f, p)) in OPS.iter().zip(&row.ns) {
                panels.push(Panel {
                    title: format!("{}, 1 allocation, IPv4 (ns, lower is better)", op.label()),
                    values: vec![*f, p.unwrap_or(0.0)],
                    goal: p.map(|p| 0.8 * p),
                    decimals: 1,
                });
            }
        }
        for row in rows.iter().filter(|r| r.family == Family::V4 && r.n > 1) {
            let (f, p) = row.ns[0];
            panels.push(Panel {
                title: format!(
                    "client → peer ChannelData, {} allocations live (ns, lower is better)",
                    row.n
                ),
                values: vec![f, p.unwrap_or(0.0)],
                goal: Some(35.0),
                decimals: 1,
            });
            let (f, p) = row.ns[2];
            panels.push(Panel {
                title: format!(
                    "peer → client ChannelData, {} allocations live (ns, lower is better)",
                    row.n
                ),
                values: vec![f, p.unwrap_or(0.0)],
                goal: Some(35.0),
                decimals: 1,
            });
        }
        panels.push(Panel {
            title: format!(
                "full setups per second growing to {} (k, higher is better)",
                sizes.setups
            ),
            values: vec![floe_rate / 1e3, peer_rate / 1e3],
            goal: Some(300.0),
            decimals: 1,
        });
        panels.push(Panel {
            title: "live heap per allocation, one permission and one channel (B, lower is better)"
                .to_owned(),
            values: vec![floe_heap, peer_heap],
            goal: Some(512.0),
            decimals: 0,
        });
        let svg = chart::svg(
            "floe-turn Server vs turn-server-proto TurnServer (issue 22)",
            &["floe-turn", "turn-server-proto"],
            &panels,
        );
        if let Err(e) = std::fs::write(&path, svg) {
            eprintln!("could not write {}: {e}", path.to_string_lossy());
        }
    }
}
