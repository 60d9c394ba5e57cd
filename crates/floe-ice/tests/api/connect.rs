//! Connectivity: the happy path, loss, role conflicts, components, lite, trickle, IPv6,
//! many candidates, failure, determinism.

use core::time::Duration;

use floe_ice::{ConnectionState, IceEvent, PairState, Role};

use crate::harness::{Sim, config};

const A: &[&str] = &["198.51.100.1:5000"];
const B: &[&str] = &["203.0.113.1:6000"];

fn selected_remote(sim: &Sim, i: usize, component: u16) -> core::net::SocketAddr {
    let p = &sim.peers[i];
    p.agent
        .selected_pair(p.stream, component)
        .expect("selected")
        .remote
}

#[test]
fn host_only_connects_and_both_select_the_same_pair() {
    let mut sim = Sim::new(
        config(Role::Controlling, 1),
        config(Role::Controlled, 2),
        [A, B],
        1,
        1,
    );
    sim.connect(Duration::from_secs(5));
    assert_eq!(selected_remote(&sim, 0, 1), B[0].parse().unwrap());
    assert_eq!(selected_remote(&sim, 1, 1), A[0].parse().unwrap());
    // Two round trips plus pacing at 10 ms one way, and the nomination delay.
    assert!(
        sim.elapsed() < Duration::from_millis(500),
        "{:?}",
        sim.elapsed()
    );
    // Application data flows on the selected pair and comes back borrowed.
    let t = sim.peers[0]
        .agent
        .send(sim.peers[0].stream, 1, b"hello")
        .unwrap();
    let flow = floe_ice::FiveTuple::new(floe_ice::Transport::Udp, t.destination, t.source.unwrap());
    let now = sim.now;
    let got = sim.peers[1]
        .agent
        .handle_receive(now, flow, &t.contents)
        .unwrap()
        .unwrap();
    assert_eq!(got.data, b"hello");
    let info = sim.peers[1].agent.pair_info(got.pair).unwrap();
    assert!(info.nominated && info.valid && info.state == PairState::Succeeded);
    assert_eq!(info.stats.bytes_received, 5);
}

#[test]
fn connects_with_30_percent_loss_both_ways() {
    for seed in 0..5 {
        let mut sim = Sim::new(
            config(Role::Controlling, 3),
            config(Role::Controlled, 4),
            [A, B],
            1,
            seed,
        );
        sim.loss = 0.3;
        sim.latency = Duration::from_millis(25);
        sim.connect(Duration::from_secs(30));
    }
}

#[test]
fn role_conflict_resolves_both_ways() {
    for role in [Role::Controlling, Role::Controlled] {
        let mut sim = Sim::new(config(role, 5), config(role, 6), [A, B], 1, 2);
        sim.connect(Duration::from_secs(10));
        let (ra, rb) = (sim.peers[0].agent.role(), sim.peers[1].agent.role());
        assert_ne!(ra, rb, "both ended {ra:?}");
        assert_eq!(selected_remote(&sim, 0, 1), B[0].parse().unwrap());
        let changed = sim
            .peers
            .iter()
            .flat_map(|p| &p.events)
            .filter(|(_, e)| matches!(e, IceEvent::RoleChanged { .. }))
            .count();
        assert_eq!(changed, 1, "exactly one side switches");
    }
}

#[test]
fn two_components_each_get_a_selected_pair() {
    let mut sim = Sim::new(
        config(Role::Controlling, 7),
        config(Role::Controlled, 8),
        [A, B],
        2,
        3,
    );
    sim.connect(Duration::from_secs(5));
    for i in 0..2 {
        for c in 1..=2 {
            let p = &sim.peers[i];
            let s = p.agent.selected_pair(p.stream, c).unwrap();
            assert_eq!(s.component, c);
        }
    }
    assert_eq!(selected_remote(&sim, 0, 2).port(), 6001);
}

#[test]
fn full_against_lite() {
    let mut lite = config(Role::Controlled, 9);
    lite.lite = true;
    let mut sim = Sim::new(config(Role::Controlling, 10), lite, [A, B], 1, 4);
    sim.peers[0].agent.set_remote_lite(true);
    sim.connect(Duration::from_secs(5));
    // The lite side sent no check of its own: only responses.
    let lite_pairs = sim.peers[1].agent.pairs();
    assert!(lite_pairs.iter().all(|p| p.stats.requests_sent == 0));
    assert_eq!(selected_remote(&sim, 1, 1), A[0].parse().unwrap());
}

#[test]
fn lite_controlling_by_mistake_becomes_controlled_against_full() {
    // A full agent facing a lite one takes the controlling role (RFC 8445 §6.1.1).
    let mut lite = config(Role::Controlled, 11);
    lite.lite = true;
    let mut sim = Sim::new(config(Role::Controlled, 12), lite, [A, B], 1, 5);
    sim.peers[0].agent.set_remote_lite(true);
    assert_eq!(sim.peers[0].agent.role(), Role::Controlling);
    sim.connect(Duration::from_secs(5));
}

#[test]
fn trickle_with_late_out_of_order_candidates() {
    let a: &[&str] = &[
        "198.51.100.1:5000",
        "198.51.100.2:5000",
        "198.51.100.3:5000",
    ];
    let mut sim = Sim::new(
        config(Role::Controlling, 13),
        config(Role::Controlled, 14),
        [a, B],
        1,
        6,
    );
    sim.signal_delay = Some(Duration::from_secs(2));
    sim.connect(Duration::from_secs(10));
    assert!(sim.elapsed() >= Duration::from_secs(2));
    // Peer-reflexive learning may have connected before the candidates arrived.
    let discovered = sim.peers[0]
        .events
        .iter()
        .chain(&sim.peers[1].events)
        .any(|(_, e)| matches!(e, IceEvent::DiscoveredRemote { .. }));
    let _ = discovered;
}

#[test]
fn ipv6_and_ipv4_both_connect_each_within_its_family() {
    let a: &[&str] = &["198.51.100.1:5000", "[2001:db8::1]:5000"];
    let b: &[&str] = &["203.0.113.1:6000", "[2001:db8::2]:6000"];
    let mut sim = Sim::new(
        config(Role::Controlling, 15),
        config(Role::Controlled, 16),
        [a, b],
        1,
        7,
    );
    sim.connect(Duration::from_secs(5));
    for p in sim.peers[0].agent.pairs() {
        assert_eq!(
            p.local.is_ipv4(),
            p.remote.is_ipv4(),
            "a pair mixes families"
        );
    }
    // RFC 6724 precedence prefers IPv6 in the dual-stack local preference.
    assert!(selected_remote(&sim, 0, 1).is_ipv6());
}

#[test]
fn ten_by_ten_candidates_connect_within_the_pair_limit() {
    let a: Vec<String> = (1..=10).map(|i| format!("198.51.100.{i}:5000")).collect();
    let b: Vec<String> = (1..=10).map(|i| format!("203.0.113.{i}:6000")).collect();
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let mut sim = Sim::new(
        config(Role::Controlling, 17),
        config(Role::Controlled, 18),
        [&a, &b],
        1,
        8,
    );
    sim.connect(Duration::from_secs(30));
    assert!(sim.peers[0].agent.pairs().len() <= floe_ice::DEFAULT_MAX_PAIRS);
    assert_eq!(sim.peers[0].agent.pairs().len(), 100);
}

#[test]
fn no_path_fails_after_end_of_candidates() {
    let mut sim = Sim::new(
        config(Role::Controlling, 19),
        config(Role::Controlled, 20),
        [A, B],
        1,
        9,
    );
    sim.filter = Box::new(|_, _, _| true); // nothing gets through
    sim.exchange_credentials();
    let now = sim.now;
    for p in &mut sim.peers {
        p.agent.end_of_remote_candidates(now, p.stream).unwrap();
    }
    let failed = sim.run_until(Duration::from_secs(60), |s| {
        s.peers
            .iter()
            .all(|p| p.agent.state() == ConnectionState::Failed)
    });
    assert!(failed, "{:?}", sim.peers[0].agent.pairs());
    // Checks give up in seconds (Rc = 6, RTO 250 ms doubling), not the 39.5 s of RFC 8489.
    assert!(
        sim.elapsed() < Duration::from_secs(15),
        "{:?}",
        sim.elapsed()
    );
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    let run = || {
        let mut sim = Sim::new(
            config(Role::Controlling, 21),
            config(Role::Controlling, 22),
            [A, B],
            2,
            10,
        );
        sim.loss = 0.2;
        sim.connect(Duration::from_secs(20));
        sim.run_until(Duration::from_secs(25), |_| false);
        sim.trace.join("\n")
    };
    assert_eq!(run(), run());
}

#[test]
fn nothing_fails_while_an_allocation_is_still_being_tried() {
    // Relay-only, the peer's candidates and end-of-candidates arrive while the agent's own
    // Allocate is still unanswered (its first send lost): no pair yet, but the stream must
    // not fail before gathering ends (RFC 8838 §4). Once the allocation gives up, it does.
    use std::time::Instant;

    use floe_ice::{Credentials, IceAgent, TurnServer};
    use floe_ice_candidate::Candidate;

    let now = Instant::now();
    let mut cfg = config(Role::Controlling, 33);
    cfg.relay_only = true;
    let mut a = IceAgent::new(cfg, now);
    let s = a.add_stream(1).unwrap();
    a.add_local_address(s, 1, "198.51.100.1:5000".parse().unwrap())
        .unwrap();
    a.add_turn_server(TurnServer::new(
        "203.0.113.200:3478".parse().unwrap(),
        "alice",
        "secret",
    ));
    a.gather(now);
    a.set_remote_credentials(now, Credentials::new("peer", "the-peer-password-22-chars"));
    let c = Candidate::parse("candidate:1 1 udp 2359295 203.0.113.7 40000 typ relay").unwrap();
    a.add_remote_candidate(now, s, &c).unwrap();
    a.end_of_remote_candidates(now, s).unwrap();
    a.handle_timeout(now);
    while a.poll_transmit().is_some() {}
    assert_ne!(
        a.state(),
        ConnectionState::Failed,
        "failed with the allocation in flight"
    );
    // The server never answers: the allocation times out, gathering ends, then the stream
    // fails (no candidate of its own, so no pair).
    let mut t = now;
    let mut gathered = false;
    for _ in 0..10_000 {
        let Some(next) = a.poll_timeout() else { break };
        t = next.max(t);
        a.handle_timeout(t);
        while a.poll_transmit().is_some() {}
        while let Some(e) = a.poll_event() {
            gathered |= matches!(e, IceEvent::GatheringComplete { .. });
        }
        if a.state() == ConnectionState::Failed {
            assert!(gathered, "failed before gathering ended");
            break;
        }
    }
    assert!(gathered);
    assert_eq!(a.state(), ConnectionState::Failed);
    assert!(
        t - now > Duration::from_secs(5),
        "gave up after {:?}",
        t - now
    );
}

#[test]
fn a_lower_priority_candidate_at_a_known_address_does_not_replace_the_better_one() {
    // On loopback or without a NAT a peer's srflx candidate has its host candidate's address:
    // the host one (higher priority) stays, and so does its pair's priority. A signalled
    // candidate still replaces a peer-reflexive one.
    use std::time::Instant;

    use floe_ice::{Credentials, IceAgent};
    use floe_ice_candidate::{Candidate, CandidateType};

    let now = Instant::now();
    let mut a = IceAgent::new(config(Role::Controlling, 34), now);
    let s = a.add_stream(1).unwrap();
    a.add_local_address(s, 1, "198.51.100.1:5000".parse().unwrap())
        .unwrap();
    a.set_remote_credentials(now, Credentials::new("peer", "the-peer-password-22-chars"));
    let host = Candidate::parse("candidate:1 1 udp 2130706431 203.0.113.7 40000 typ host").unwrap();
    let srflx = Candidate::parse(
        "candidate:2 1 udp 1694498815 203.0.113.7 40000 typ srflx raddr 10.0.0.1 rport 40000",
    )
    .unwrap();
    let id = a.add_remote_candidate(now, s, &host).unwrap();
    let before = a.pairs()[0].priority;
    assert_eq!(a.add_remote_candidate(now, s, &srflx).unwrap(), id);
    let info = a.candidate_info(id).unwrap();
    assert_eq!(info.kind, CandidateType::Host);
    assert_eq!(info.priority, 2_130_706_431);
    assert_eq!(a.pairs().len(), 1);
    assert_eq!(a.pairs()[0].priority, before);
    // The other order: the better one arriving second takes over, pair priority with it.
    let mut b = IceAgent::new(config(Role::Controlling, 35), now);
    let s = b.add_stream(1).unwrap();
    b.add_local_address(s, 1, "198.51.100.1:5000".parse().unwrap())
        .unwrap();
    b.set_remote_credentials(now, Credentials::new("peer", "the-peer-password-22-chars"));
    let id = b.add_remote_candidate(now, s, &srflx).unwrap();
    let low = b.pairs()[0].priority;
    b.add_remote_candidate(now, s, &host).unwrap();
    assert_eq!(b.candidate_info(id).unwrap().kind, CandidateType::Host);
    assert!(b.pairs()[0].priority > low);
    assert_eq!(b.pairs()[0].priority, before);
}
