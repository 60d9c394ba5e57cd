//! Removing a stream (its m= section rejected or bundled away): it no longer holds the agent
//! back, its checks stop, and the streams left keep their pairs.

use core::time::Duration;

use floe_ice::{ConnectionState, IceError, Role};

use crate::harness::{Sim, config};

const A: &[&str] = &["192.0.2.1:5000"];
const B: &[&str] = &["192.0.2.2:6000"];

#[test]
fn a_stream_that_goes_away_no_longer_holds_the_agent_back() {
    let mut sim = Sim::new(
        config(Role::Controlling, 41),
        config(Role::Controlled, 42),
        [A, B],
        1,
        9,
    );
    // A second stream on each side that never gets a candidate: it keeps both from being
    // connected.
    let extra: Vec<_> = sim
        .peers
        .iter_mut()
        .map(|p| p.agent.add_stream(1).unwrap())
        .collect();
    sim.exchange_credentials();
    assert!(!sim.run_until(Duration::from_secs(3), Sim::both_connected));
    for (p, s) in sim.peers.iter_mut().zip(&extra) {
        p.agent.remove_stream(sim.now, *s).unwrap();
        assert!(matches!(
            p.agent.remove_stream(sim.now, *s),
            Err(IceError::UnknownStream(_))
        ));
    }
    assert!(sim.run_until(Duration::from_secs(6), Sim::both_connected));
}

#[test]
fn removing_a_stream_mid_check_cancels_its_checks_and_drops_its_pairs() {
    let mut sim = Sim::new(
        config(Role::Controlling, 43),
        config(Role::Controlled, 44),
        [A, B],
        1,
        10,
    );
    // The peer never answers: checks stay in flight.
    sim.filter = Box::new(|from, _, _| from == 1);
    sim.exchange_credentials();
    sim.run_until(Duration::from_millis(200), |s| {
        s.peers[0]
            .agent
            .pairs()
            .iter()
            .any(|p| p.stats.requests_sent > 0)
    });
    let (stream, now) = (sim.peers[0].stream, sim.now);
    let agent = &mut sim.peers[0].agent;
    agent.remove_stream(now, stream).unwrap();
    assert!(agent.pairs().is_empty());
    assert!(agent.local_candidates(stream).is_empty());
    assert!(agent.selected_pair(stream, 1).is_none());
    // Nothing is sent for it any more: no check, no retransmission.
    while agent.poll_transmit().is_some() {}
    for _ in 0..50 {
        let Some(at) = agent.poll_timeout() else {
            break;
        };
        agent.handle_timeout(at);
        assert!(
            agent.poll_transmit().is_none(),
            "a transmit after the stream was removed"
        );
    }
    assert_ne!(agent.state(), ConnectionState::Failed);
}
