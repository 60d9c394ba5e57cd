//! Issue 19: Floe's ICE agent beside `is` 0.12, `rtc-ice` 0.21 and `rice-proto` 0.4, every
//! figure for every crate in one run, each crate driven through its adapter
//! (`floe_benches::ice_peers`) by the same loop (`Fleet` over a FIFO of fixed latency).
//!
//! Wall times come from this process (system allocator); allocation counts and live heap from
//! the `ice-peers-alloc` binary, which this bench runs (it links a counting allocator).
//!
//! `cargo bench -p floe-benches --features peers --bench ice_peers` (full), add `-- --quick`
//! or set `FLOE_PEERS_QUICK=1` for the quick mode CI runs; set `FLOE_PEERS_SVG=path` to also
//! draw the main figures as an SVG chart.

use core::hint::black_box;
use core::time::Duration;
use std::process::Command;
use std::time::Instant;

use floe_benches::chart::{self, Panel};
use floe_benches::ice_harness::{FifoWire, Fleet};
use floe_benches::ice_peers::{
    CONNECT_LIMIT, FloeIce, IceUnderTest, Rice, RtcIce, StrIs, answer_check, checks, connected_pair,
};
use hmac::{KeyInit as _, Mac as _};

/// One way, for the runs "at 50 ms RTT" and the fleets.
const LATENCY: Duration = Duration::from_millis(25);
/// Checks per timed batch.
const BATCH: u32 = 64;

/// How much to measure.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    connects: usize,
    fleet_pairs: u32,
    sequential_pairs: u32,
    check_batches: usize,
}

/// One crate's figures from this process.
#[derive(Debug, Clone, Copy)]
struct Timed {
    connect_us: f64,
    fleet_pairs_per_s: f64,
    fleet_setup_share: f64,
    sequential_pairs_per_s: f64,
    virtual_ms: f64,
    datagrams: u64,
    check_ns: f64,
    floor_ns: f64,
}

/// One crate's figures from `ice-peers-alloc`.
#[derive(Debug, Clone, Default)]
struct Counted {
    pair_allocations: String,
    live_a: i64,
    live_b: i64,
    check_allocations: String,
    made: String,
    connecting: String,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The crypto an inbound check cannot avoid (as `benches/benches/ice.rs`): one HMAC-SHA1
/// verify over the check, one HMAC-SHA1 sign of a response, two CRC-32, with the key absorbed
/// once beforehand (`key`, cloned per use).
fn crypto_floor(check: &[u8], key: &hmac::Hmac<sha1::Sha1>) {
    let signed = check.len() - 8 - 24;
    let response = [0xa5u8; 20 + 12 + 24 + 8 + 8];
    let mut verify = key.clone();
    verify.update(black_box(&check[..signed]));
    black_box(verify.finalize());
    black_box(crc32fast::hash(black_box(&check[..check.len() - 8])));
    let mut sign = key.clone();
    sign.update(black_box(&response[..response.len() - 32]));
    black_box(sign.finalize());
    black_box(crc32fast::hash(black_box(&response[..response.len() - 8])));
}

fn timed<U: IceUnderTest>(sizes: Sizes) -> Timed {
    // Warm-up connects.
    for _ in 0..20 {
        drop(connected_pair::<U>(Duration::ZERO, Instant::now()));
    }
    // (1) One pair at zero latency, agents made and signalled inside the timing.
    let mut samples = Vec::with_capacity(sizes.connects);
    for _ in 0..sizes.connects {
        let wire = FifoWire::new(Duration::ZERO);
        let t0 = Instant::now();
        let mut fleet = Fleet::<U, _>::new(1, wire, t0);
        fleet.run_until_connected(CONNECT_LIMIT);
        samples.push(t0.elapsed().as_secs_f64() * 1e6);
        drop(fleet);
    }
    let connect_us = median(samples);
    // (2) Many pairs live at once on one clock: the better of two runs, so that no crate pays
    // alone for the process's first touch of that much memory (the first crate would).
    let (mut fleet_pairs_per_s, mut fleet_setup_share) = (0.0_f64, 0.0);
    for _ in 0..2 {
        let wire = FifoWire::new(LATENCY);
        let t0 = Instant::now();
        let mut fleet = Fleet::<U, _>::new(sizes.fleet_pairs, wire, t0);
        let setup = t0.elapsed();
        fleet.run_until_connected(CONNECT_LIMIT);
        let total = t0.elapsed();
        let rate = f64::from(sizes.fleet_pairs) / total.as_secs_f64();
        if rate > fleet_pairs_per_s {
            fleet_pairs_per_s = rate;
            fleet_setup_share = setup.as_secs_f64() / total.as_secs_f64();
        }
        drop(fleet);
    }
    // (3) The same number of pairs one at a time.
    let t0 = Instant::now();
    for _ in 0..sizes.sequential_pairs {
        let start = Instant::now();
        black_box(connected_pair::<U>(LATENCY, start));
    }
    let sequential_pairs_per_s = f64::from(sizes.sequential_pairs) / t0.elapsed().as_secs_f64();
    // (4) Virtual time and datagrams at 50 ms RTT.
    let mut fleet = Fleet::<U, _>::new(1, FifoWire::new(LATENCY), Instant::now());
    let run = fleet.run_until_connected(CONNECT_LIMIT);
    // (5) Inbound checks on the connected controlled agent, beside the crypto floor.
    let pair = connected_pair::<U>(LATENCY, Instant::now());
    let now = pair.now();
    let mut agents = pair.into_agents();
    let mut b = agents.pop().expect("agent b");
    let mut a = agents.pop().expect("agent a");
    let all = checks(&mut a, &mut b, 4096);
    let (_, pwd) = b.local_credentials();
    let key = hmac::Hmac::<sha1::Sha1>::new_from_slice(pwd.as_bytes()).expect("a key");
    let mut next = 0;
    for _ in 0..64 {
        drop(answer_check(&mut b, now, &all[next % all.len()]));
        next += 1;
    }
    let mut check_samples = Vec::with_capacity(sizes.check_batches);
    let mut floor_samples = Vec::with_capacity(sizes.check_batches);
    for _ in 0..sizes.check_batches {
        let t0 = Instant::now();
        for _ in 0..BATCH {
            black_box(answer_check(&mut b, now, black_box(&all[next % all.len()])));
            next += 1;
        }
        check_samples.push(t0.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH));
        let t0 = Instant::now();
        for i in 0..BATCH {
            crypto_floor(black_box(&all[i as usize]), &key);
        }
        floor_samples.push(t0.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH));
    }
    Timed {
        connect_us,
        fleet_pairs_per_s,
        fleet_setup_share,
        sequential_pairs_per_s,
        virtual_ms: run.virtual_time.as_secs_f64() * 1e3,
        datagrams: run.datagrams,
        check_ns: median(check_samples),
        floor_ns: median(floor_samples),
    }
}

/// Runs `ice-peers-alloc` and reads its lines.
fn counted(quick: bool) -> Vec<(String, Counted)> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ice-peers-alloc"));
    if quick {
        cmd.arg("--quick");
    }
    let out = cmd.output().expect("ice-peers-alloc runs");
    assert!(out.status.success(), "ice-peers-alloc failed: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let [name, pair, a, b, check, made, connecting] = f[..] else {
                return None;
            };
            Some((
                name.to_owned(),
                Counted {
                    pair_allocations: pair.to_owned(),
                    live_a: a.parse().ok()?,
                    live_b: b.parse().ok()?,
                    check_allocations: check.to_owned(),
                    made: made.to_owned(),
                    connecting: connecting.to_owned(),
                },
            ))
        })
        .collect()
}

fn bytes(b: i64) -> String {
    let (k, r) = (b / 1000, b % 1000);
    if k > 0 {
        format!("{k},{r:03} B")
    } else {
        format!("{r} B")
    }
}

fn main() {
    // `cargo test --benches` passes `--test`: nothing to measure then.
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick")
        || std::env::var_os("FLOE_PEERS_QUICK").is_some_and(|v| v != "0");
    let sizes = if quick {
        Sizes {
            connects: 200,
            fleet_pairs: 1_000,
            sequential_pairs: 1_000,
            check_batches: 50,
        }
    } else {
        Sizes {
            connects: 2_000,
            fleet_pairs: 10_000,
            sequential_pairs: 10_000,
            check_batches: 400,
        }
    };
    println!(
        "ice_peers ({} mode): {sizes:?}",
        if quick { "quick" } else { "full" }
    );
    let names = [FloeIce::NAME, StrIs::NAME, RtcIce::NAME, Rice::NAME];
    let agent_sizes = [
        FloeIce::AGENT_SIZE,
        StrIs::AGENT_SIZE,
        RtcIce::AGENT_SIZE,
        Rice::AGENT_SIZE,
    ]
    .map(|s| i64::try_from(s).expect("an agent is smaller than 2^63 bytes"));
    let t = [
        timed::<FloeIce>(sizes),
        timed::<StrIs>(sizes),
        timed::<RtcIce>(sizes),
        timed::<Rice>(sizes),
    ];
    let counts = counted(quick);
    let count = |name: &str| {
        counts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    };
    let c: Vec<Counted> = names.iter().map(|n| count(n)).collect();
    let harness = count("harness");
    let row = |label: &str, cells: Vec<String>| {
        println!("| {label} | {} |", cells.join(" | "));
    };
    println!();
    println!("| figure | {} |", names.join(" | "));
    println!("|---|---|---|---|---|");
    row(
        &format!(
            "wall µs to connect one pair (0 ms latency, median of {})",
            sizes.connects
        ),
        t.iter().map(|t| format!("{:.1}", t.connect_us)).collect(),
    );
    row(
        &format!(
            "pairs connected per second, one core, {} pairs live at once on one clock (25 ms one way, better of 2)",
            sizes.fleet_pairs
        ),
        t.iter()
            .map(|t| format!("{:.1} k", t.fleet_pairs_per_s / 1e3))
            .collect(),
    );
    row(
        "… share of that wall time spent making and signalling the agents",
        t.iter()
            .map(|t| format!("{:.0} %", t.fleet_setup_share * 100.0))
            .collect(),
    );
    row(
        &format!(
            "same, one pair at a time ({} pairs)",
            sizes.sequential_pairs
        ),
        t.iter()
            .map(|t| format!("{:.1} k", t.sequential_pairs_per_s / 1e3))
            .collect(),
    );
    row(
        "virtual ms to connected at 50 ms RTT, both sides",
        t.iter().map(|t| format!("{:.0}", t.virtual_ms)).collect(),
    );
    row(
        "datagrams per connection (delivered until both connected, 50 ms RTT)",
        t.iter().map(|t| t.datagrams.to_string()).collect(),
    );
    row(
        &format!(
            "allocations per connected pair (both agents; harness's {} subtracted)",
            harness.pair_allocations
        ),
        c.iter().map(|c| c.pair_allocations.clone()).collect(),
    );
    row(
        "… of which while made and signalled / while connecting",
        c.iter()
            .map(|c| format!("{} / {}", c.made, c.connecting))
            .collect(),
    );
    row(
        "inbound check answered on a connected agent (USE-CANDIDATE), ns",
        t.iter().map(|t| format!("{:.0}", t.check_ns)).collect(),
    );
    row(
        "bare crypto floor in the same run, ns",
        t.iter().map(|t| format!("{:.0}", t.floor_ns)).collect(),
    );
    row(
        "inbound check / bare crypto",
        t.iter()
            .map(|t| format!("{:.2}×", t.check_ns / t.floor_ns))
            .collect(),
    );
    row(
        "allocations per inbound check",
        c.iter().map(|c| c.check_allocations.clone()).collect(),
    );
    row(
        "live heap per connected host-only agent, idle 30 s (controlling / controlled)",
        c.iter()
            .map(|c| format!("{} / {}", bytes(c.live_a), bytes(c.live_b)))
            .collect(),
    );
    row(
        "the agent value itself (size_of; inline where the embedder keeps it, not in the heap above), B",
        agent_sizes.iter().map(|s| bytes(*s)).collect(),
    );
    row(
        "heap + value per connected agent (controlling / controlled)",
        c.iter()
            .zip(&agent_sizes)
            .map(|(c, s)| format!("{} / {}", bytes(c.live_a + s), bytes(c.live_b + s)))
            .collect(),
    );
    if let Some(path) = std::env::var_os("FLOE_PEERS_SVG") {
        let panels = chart_panels(&t, &c, &agent_sizes);
        let caption = "ICE agents side by side (benches/benches/ice_peers.rs; dashed: Floe's goal)";
        std::fs::write(&path, chart::svg(caption, &names, &panels)).expect("the chart is written");
        println!("\nchart written to {}", path.to_string_lossy());
    }
}

/// The figures a reader would rather see than read, with issue 19's goals for Floe.
fn chart_panels(t: &[Timed], c: &[Counted], agent_sizes: &[i64]) -> Vec<Panel> {
    let panel = |title: &str, values: Vec<f64>, goal: f64, decimals: usize| Panel {
        title: title.to_owned(),
        values,
        goal: Some(goal),
        decimals,
    };
    let parse = |s: &str| s.parse::<f64>().unwrap_or(0.0);
    vec![
        panel(
            "wall µs to connect one pair, 0 ms latency (lower is better)",
            t.iter().map(|t| t.connect_us).collect(),
            5.7,
            1,
        ),
        panel(
            "thousand pairs connected per second, one pair at a time (higher is better)",
            t.iter().map(|t| t.sequential_pairs_per_s / 1e3).collect(),
            172.0,
            0,
        ),
        panel(
            "thousand pairs connected per second, all live at once (higher is better)",
            t.iter().map(|t| t.fleet_pairs_per_s / 1e3).collect(),
            90.0,
            0,
        ),
        panel(
            "inbound check ÷ its bare crypto (lower is better)",
            t.iter().map(|t| t.check_ns / t.floor_ns).collect(),
            1.3,
            2,
        ),
        panel(
            "allocations per connected pair (lower is better)",
            c.iter().map(|c| parse(&c.pair_allocations)).collect(),
            10.0,
            0,
        ),
        panel(
            "live heap per connected agent, KB (lower is better)",
            c.iter()
                .map(|c| c.live_a.max(c.live_b) as f64 / 1e3)
                .collect(),
            3.0,
            1,
        ),
        Panel {
            title: "heap + the agent value itself, KB (lower is better; no goal)".to_owned(),
            values: c
                .iter()
                .zip(agent_sizes)
                .map(|(c, s)| (c.live_a.max(c.live_b) + s) as f64 / 1e3)
                .collect(),
            goal: None,
            decimals: 1,
        },
    ]
}
