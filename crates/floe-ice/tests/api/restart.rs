//! ICE restart (RFC 8445 §9): new credentials on both sides, the old pair carrying data until
//! the new generation selects one, and consent on the old pair kept meanwhile.

use core::time::Duration;

use floe_ice::{ConnectionState, FiveTuple, IceEvent, Role, Transport};

use crate::harness::{Sim, config};

const A: &[&str] = &["198.51.100.1:5000"];
const B: &[&str] = &["203.0.113.1:6000"];

/// Sends `data` from peer `from` on its selected pair and hands it to the other peer at once;
/// what the other peer got.
fn send_now(sim: &mut Sim, from: usize, data: &[u8]) -> Option<Vec<u8>> {
    let stream = sim.peers[from].stream;
    let t = sim.peers[from].agent.send(stream, 1, data).ok()?;
    let flow = FiveTuple::new(Transport::Udp, t.destination, t.source.unwrap());
    let now = sim.now;
    let got = sim.peers[1 - from]
        .agent
        .handle_receive(now, flow, &t.contents);
    got.ok().flatten().map(|r| r.data.to_vec())
}

/// Selected-pair events of peer `i` after `since`.
fn selections_after(sim: &Sim, i: usize, since: Duration) -> usize {
    sim.peers[i]
        .events
        .iter()
        .filter(|(t, e)| *t >= since && matches!(e, IceEvent::SelectedPair { .. }))
        .count()
}

fn connected_pair() -> Sim {
    let mut sim = Sim::new(
        config(Role::Controlling, 1),
        config(Role::Controlled, 2),
        [A, B],
        1,
        1,
    );
    sim.connect(Duration::from_secs(5));
    sim
}

/// The restarting side's offer reaches the peer at once; the answer after `answer_delay`.
fn restart(sim: &mut Sim, answer_delay: Duration) -> Duration {
    let at = sim.elapsed();
    let now = sim.now;
    let offer = sim.peers[0].agent.restart(now);
    sim.peers[1].agent.set_remote_credentials(now, offer);
    let answer = sim.peers[1].agent.restart(now);
    let deadline = at + answer_delay;
    sim.run_until(deadline + Duration::from_secs(1), |s| {
        s.elapsed() >= deadline
    });
    let now = sim.now;
    sim.peers[0].agent.set_remote_credentials(now, answer);
    at
}

#[test]
fn restart_during_data_keeps_the_old_pair_until_the_new_generation_selects() {
    let mut sim = connected_pair();
    let before = sim.peers[0].agent.local_credentials().clone();
    let at = sim.elapsed();
    let now = sim.now;
    let offer = sim.peers[0].agent.restart(now);
    assert_ne!(offer, before);
    // Right after the restart, before any new check: data still flows both ways.
    assert_eq!(
        send_now(&mut sim, 0, b"during").as_deref(),
        Some(&b"during"[..])
    );
    sim.peers[1].agent.set_remote_credentials(now, offer);
    let answer = sim.peers[1].agent.restart(now);
    assert_eq!(
        send_now(&mut sim, 1, b"back").as_deref(),
        Some(&b"back"[..])
    );
    sim.peers[0].agent.set_remote_credentials(now, answer);
    let reselected = sim.run_until(at + Duration::from_secs(10), |s| {
        selections_after(s, 0, at) >= 1 && selections_after(s, 1, at) >= 1
    });
    assert!(reselected, "no new selection after the restart");
    assert!(sim.both_connected());
    assert_eq!(
        send_now(&mut sim, 0, b"after").as_deref(),
        Some(&b"after"[..])
    );
    // The candidates were signalled again for the new generation.
    let resignalled = sim.peers[0]
        .events
        .iter()
        .filter(|(t, e)| *t >= at && matches!(e, IceEvent::LocalCandidate { .. }))
        .count();
    assert_eq!(resignalled, 1);
    // Never disconnected or failed on the way.
    for p in &sim.peers {
        assert!(!p.events.iter().any(|(t, e)| *t >= at
            && matches!(
                e,
                IceEvent::ConnectionStateChanged {
                    state: ConnectionState::Failed | ConnectionState::Disconnected
                } | IceEvent::ConsentLost { .. }
            )));
    }
}

#[test]
fn a_slow_answer_keeps_consent_on_the_old_pair_with_the_old_credentials() {
    let mut sim = connected_pair();
    // 20 s without the answer: consent checks every 4-6 s on the old pair, still answered.
    let at = restart(&mut sim, Duration::from_secs(20));
    assert!(sim.both_connected());
    assert!(!sim.peers.iter().any(|p| {
        p.events
            .iter()
            .any(|(t, e)| *t >= at && matches!(e, IceEvent::ConsentLost { .. }))
    }));
    let p = &sim.peers[0];
    let old = p.agent.selected_pair(p.stream, 1).unwrap();
    assert!(old.stats.consent_requests_sent >= 3, "{:?}", old.stats);
    // Then the answer arrives and the new generation selects.
    assert!(sim.run_until(at + Duration::from_secs(40), |s| {
        selections_after(s, 0, at) >= 1 && selections_after(s, 1, at) >= 1
    }));
    assert!(sim.both_connected());
}

#[test]
fn a_restart_without_an_answer_loses_consent_after_30_s() {
    let mut sim = connected_pair();
    let now = sim.now;
    let at = sim.elapsed();
    // Only peer 0 restarts and never hears back; peer 1 stops answering old credentials too
    // (it is gone).
    let _ = sim.peers[0].agent.restart(now);
    sim.filter = Box::new(|from, _, _| from == 1);
    sim.run_until(at + Duration::from_secs(45), |_| false);
    let lost = sim.peers[0]
        .events
        .iter()
        .find(|(_, e)| matches!(e, IceEvent::ConsentLost { .. }))
        .map(|(t, _)| *t - at)
        .expect("consent lost");
    assert!(lost <= Duration::from_secs(31), "{lost:?}");
}

#[test]
fn a_restart_recovers_a_failed_agent() {
    let mut sim = connected_pair();
    let at = sim.elapsed();
    // A silent minute: consent is lost on both sides, both fail.
    sim.filter = Box::new(|_, _, _| true);
    sim.run_until(at + Duration::from_secs(60), |_| false);
    assert!(
        sim.peers
            .iter()
            .all(|p| p.agent.state() == ConnectionState::Failed)
    );
    sim.filter = Box::new(|_, _, _| false);
    let restarted = restart(&mut sim, Duration::ZERO);
    let limit = sim.elapsed() + Duration::from_secs(10);
    assert!(sim.run_until(limit, Sim::both_connected));
    // Consent is lost 30 s after the last answered consent check (RFC 7675 §5.1), which was
    // at most one jittered consent interval (5 s × 1.2) before the silence began.
    let failed_after = restarted - at;
    assert!(failed_after >= Duration::from_secs(24), "{failed_after:?}");
    assert!(selections_after(&sim, 0, restarted) >= 1);
}
