//! mDNS host names: remote `.local` candidates resolved by the embedder, local host
//! candidates announced by name.

use core::time::Duration;
use std::time::Instant;

use floe_ice::{IceAgent, IceError, IceEvent, Role};
use floe_ice_candidate::Candidate;

use crate::harness::{Sim, config};

const A: &[&str] = &["198.51.100.1:5000"];
const B: &[&str] = &["203.0.113.1:6000"];

#[test]
fn agents_announcing_names_connect_through_resolution() {
    let (mut a, mut b) = (config(Role::Controlling, 1), config(Role::Controlled, 2));
    a.mdns_host_names = true;
    b.mdns_host_names = true;
    let mut sim = Sim::new(a, b, [A, B], 1, 1);
    sim.connect(Duration::from_secs(5));
    for (i, want) in [(0, B[0]), (1, A[0])] {
        let p = &sim.peers[i];
        let events = &p.events;
        // Every host candidate went out by name, after the name was registered.
        let registered = events
            .iter()
            .position(|(_, e)| matches!(e, IceEvent::RegisterName { .. }))
            .expect("a name registered");
        let candidates: Vec<&Candidate<'_>> = events
            .iter()
            .filter_map(|(_, e)| match e {
                IceEvent::LocalCandidate { candidate, .. } => Some(candidate),
                _ => None,
            })
            .collect();
        assert!(!candidates.is_empty());
        assert!(candidates.iter().all(|c| c.address().is_mdns()));
        let first = events
            .iter()
            .position(|(_, e)| matches!(e, IceEvent::LocalCandidate { .. }))
            .unwrap();
        assert!(registered < first);
        // The peer's name was asked for and resolved to its address.
        assert!(
            events
                .iter()
                .any(|(_, e)| matches!(e, IceEvent::ResolveName { .. }))
        );
        assert_eq!(
            p.agent.selected_pair(p.stream, 1).unwrap().remote,
            want.parse().unwrap()
        );
    }
}

fn agent() -> (IceAgent, floe_ice::StreamId, Instant) {
    let now = Instant::now();
    let mut a = IceAgent::new(config(Role::Controlling, 3), now);
    let s = a.add_stream(1).unwrap();
    (a, s, now)
}

fn named(i: u32) -> Candidate<'static> {
    let line = format!(
        "candidate:{i} 1 udp 2122260223 9b36ec5f-0f5e-4d3c-8f5e-{i:012x}.local 5000{} typ host",
        i % 10
    );
    Candidate::parse(&line).unwrap().into_owned()
}

#[test]
fn a_name_is_asked_for_once_and_an_unresolved_one_is_dropped() {
    let (mut a, s, now) = agent();
    let c = named(1);
    let id1 = a.add_remote_candidate(now, s, &c).unwrap();
    let id2 = a.add_remote_candidate(now, s, &c).unwrap();
    assert_ne!(id1, id2);
    let asks: Vec<_> = core::iter::from_fn(|| a.poll_event()).collect();
    assert_eq!(asks.len(), 1, "{asks:?}");
    let IceEvent::ResolveName { name } = &asks[0] else {
        panic!("{asks:?}")
    };
    assert!(a.resolved(now, name, None).is_empty());
    assert!(a.candidate_info(id1).is_none());
    // Resolving it again later finds nothing waiting.
    assert!(
        a.resolved(now, name, Some("192.0.2.9".parse().unwrap()))
            .is_empty()
    );
}

#[test]
fn names_waiting_for_resolution_are_limited() {
    let (mut a, s, now) = agent();
    let limit = floe_ice::IceConfig::new(Role::Controlling).max_pending_names;
    for i in 0..limit {
        a.add_remote_candidate(now, s, &named(i as u32)).unwrap();
    }
    assert!(matches!(
        a.add_remote_candidate(now, s, &named(limit as u32)),
        Err(IceError::Limit { .. })
    ));
    // A name that is not mDNS is refused outright.
    let c = Candidate::parse("candidate:1 1 udp 1 host.example 5000 typ host").unwrap();
    assert!(matches!(
        a.add_remote_candidate(now, s, &c),
        Err(IceError::UnusableCandidate { .. })
    ));
}
