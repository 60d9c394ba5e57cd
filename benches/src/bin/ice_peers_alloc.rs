//! The allocation figures of the `ice_peers` bench, in a process of their own: this binary
//! links `allocation_counter`'s counting global allocator, the bench does not (so its wall
//! times carry no counting cost, which would weigh most on the crates that allocate most).
//! The bench runs it and reads one tab-separated line per crate:
//! `name, allocations per connected pair, live heap of the controlling agent, of the
//! controlled agent (bytes, connected and idle 30 s), allocations per inbound check, and the
//! allocations per pair split into agents made and signalled / connecting`.

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_benches::ice_harness::FifoWire;
use floe_benches::ice_harness::Fleet;
use floe_benches::ice_peers::{
    CONNECT_LIMIT, FloeIce, IceUnderTest, Outbound, Rice, RtcIce, StrIs, answer_check, checks,
    connected_pair,
};

/// A stand-in agent that does nothing and is connected from the start: what the harness alone
/// allocates for a pair.
#[derive(Debug)]
struct Null;

impl IceUnderTest for Null {
    const NAME: &'static str = "null";
    const AGENT_SIZE: usize = 0;
    type Packet = Vec<u8>;
    type Offer = ();

    fn new(_: bool, _: u64, _: SocketAddr, _: Instant) -> Self {
        Self
    }
    fn offer(&mut self, _: Instant) {}
    fn answer(&mut self, _: Instant, (): ()) {}
    fn handle_datagram(&mut self, _: Instant, _: SocketAddr, _: SocketAddr, _: &[u8]) {}
    fn handle_timeout(&mut self, _: Instant) {}
    fn poll_transmit(&mut self, _: Instant) -> Option<Outbound<Vec<u8>>> {
        None
    }
    fn poll_timeout(&mut self, _: Instant) -> Option<Instant> {
        None
    }
    fn poll_selected(&mut self, _: Instant) -> bool {
        true
    }
    fn local_credentials(&mut self) -> (String, String) {
        (String::new(), String::new())
    }
}

/// Allocations made to connect one pair at zero latency: while the agents are made and
/// signalled (and given their first tick), and while they connect.
fn connect_allocations<U: IceUnderTest>() -> (u64, u64) {
    let mut fleet = None;
    let made = allocation_counter::measure(|| {
        fleet = Some(Fleet::<U, _>::new(
            1,
            FifoWire::new(Duration::ZERO),
            Instant::now(),
        ));
    });
    let mut fleet = fleet.expect("a fleet");
    let connecting = allocation_counter::measure(|| {
        fleet.run_until_connected(CONNECT_LIMIT);
    });
    (made.count_total, connecting.count_total)
}

fn figures<U: IceUnderTest>(harness: (u64, u64), checks_n: u32) {
    // Warm: one connection first, so one-time global set-up (loggers, RNGs) is not counted.
    drop(connected_pair::<U>(Duration::ZERO, Instant::now()));
    let (made, connecting) = connect_allocations::<U>();
    let (made, connecting) = (
        made.saturating_sub(harness.0),
        connecting.saturating_sub(harness.1),
    );
    let pair = made + connecting;
    // Live heap: connected over 25 ms one way, idle 30 s, then each agent dropped; what the
    // drop frees is what it held.
    let mut fleet = connected_pair::<U>(Duration::from_millis(25), Instant::now());
    let idle_until = fleet.now() + Duration::from_secs(30);
    fleet.run_until(idle_until);
    let now = fleet.now();
    let mut agents = fleet.into_agents();
    let mut b = agents.pop().expect("agent b");
    let mut a = agents.pop().expect("agent a");
    // Inbound checks on the connected controlled agent (after the drops below would be too
    // late: measure them first on this pair, warm).
    let all = checks(&mut a, &mut b, checks_n + 16);
    for c in &all[..16] {
        drop(answer_check(&mut b, now, c));
    }
    let info = allocation_counter::measure(|| {
        for c in &all[16..] {
            drop(answer_check(&mut b, now, c));
        }
    });
    let per_check = info.count_total as f64 / f64::from(checks_n);
    let live_a = -allocation_counter::measure(|| drop(a)).bytes_current;
    // `b` took the checks since: measure its heap on a fresh pair instead.
    drop(b);
    let mut fleet = connected_pair::<U>(Duration::from_millis(25), Instant::now());
    let idle_until = fleet.now() + Duration::from_secs(30);
    fleet.run_until(idle_until);
    let b = fleet.into_agents().pop().expect("agent b");
    let live_b = -allocation_counter::measure(|| drop(b)).bytes_current;
    println!(
        "{}\t{pair}\t{live_a}\t{live_b}\t{per_check:.2}\t{made}\t{connecting}",
        U::NAME
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let checks_n = if quick { 64 } else { 1024 };
    let harness = connect_allocations::<Null>();
    println!(
        "harness\t{}\t0\t0\t0\t{}\t{}",
        harness.0 + harness.1,
        harness.0,
        harness.1
    );
    figures::<FloeIce>(harness, checks_n);
    figures::<StrIs>(harness, checks_n);
    figures::<RtcIce>(harness, checks_n);
    figures::<Rice>(harness, checks_n);
}
