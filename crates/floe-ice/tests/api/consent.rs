//! Consent freshness (RFC 7675) after connection.

use core::time::Duration;

use floe_ice::{ConnectionState, FiveTuple, IceEvent, Role, Transport};
use floe_stun::{Class, Message};

use crate::harness::{Sim, config};

const A: &[&str] = &["198.51.100.1:5000"];
const B: &[&str] = &["203.0.113.1:6000"];

fn state_changes(sim: &Sim, i: usize) -> Vec<(Duration, ConnectionState)> {
    sim.peers[i]
        .events
        .iter()
        .filter_map(|(t, e)| match e {
            IceEvent::ConnectionStateChanged { state } => Some((*t, *state)),
            _ => None,
        })
        .collect()
}

#[test]
fn consent_checks_keep_an_idle_connection_alive() {
    let mut sim = Sim::new(
        config(Role::Controlling, 1),
        config(Role::Controlled, 2),
        [A, B],
        1,
        1,
    );
    sim.connect(Duration::from_secs(5));
    sim.run_until(Duration::from_secs(120), |_| false);
    assert!(sim.both_connected());
    // Never disconnected while idle.
    for i in 0..2 {
        assert_eq!(
            state_changes(&sim, i).last().unwrap().1,
            ConnectionState::Connected
        );
        assert!(
            !state_changes(&sim, i)
                .iter()
                .any(|(_, s)| *s == ConnectionState::Disconnected)
        );
    }
    let p = &sim.peers[0];
    let sel = p.agent.selected_pair(p.stream, 1).unwrap();
    // One consent check every 4-6 s for two minutes.
    let n = sel.stats.consent_requests_sent;
    assert!((19..=31).contains(&n), "{n} consent checks");
}

#[test]
fn a_silent_peer_disconnects_then_loses_consent_at_30_s() {
    let mut sim = Sim::new(
        config(Role::Controlling, 3),
        config(Role::Controlled, 4),
        [A, B],
        1,
        2,
    );
    sim.connect(Duration::from_secs(5));
    let cut = sim.elapsed();
    sim.filter = Box::new(move |from, _, _| from == 1); // B goes silent
    sim.run_until(Duration::from_secs(60), |s| {
        s.peers[0].agent.state() == ConnectionState::Failed
    });
    let changes = state_changes(&sim, 0);
    let disconnected = changes
        .iter()
        .find(|(_, s)| *s == ConnectionState::Disconnected)
        .expect("disconnected first")
        .0;
    let failed = changes
        .iter()
        .find(|(_, s)| *s == ConnectionState::Failed)
        .expect("failed")
        .0;
    // The next consent check (within 6 s) goes unanswered for 3 s.
    assert!(
        disconnected > cut && disconnected <= cut + Duration::from_secs(9),
        "{disconnected:?} {cut:?}"
    );
    assert!(
        failed >= cut + Duration::from_secs(24) && failed <= cut + Duration::from_secs(31),
        "{failed:?} {cut:?}"
    );
    assert!(
        sim.peers[0]
            .events
            .iter()
            .any(|(_, e)| matches!(e, IceEvent::ConsentLost { .. }))
    );
    let stream = sim.peers[0].stream;
    assert!(
        sim.peers[0].agent.send(stream, 1, b"x").is_err(),
        "data after consent loss"
    );
}

#[test]
fn a_controlled_agent_that_loses_consent_stays_failed_with_no_timer_left_due() {
    // Failed by consent loss, the controlled side has no selected pair left: no deadline may
    // outlive the failure (the harness asserts that no timer stays due after handle_timeout).
    let mut sim = Sim::new(
        config(Role::Controlling, 7),
        config(Role::Controlled, 8),
        [A, B],
        1,
        4,
    );
    sim.connect(Duration::from_secs(5));
    sim.filter = Box::new(move |from, _, _| from == 0); // A goes silent
    let failed = sim.run_until(Duration::from_secs(60), |s| {
        s.peers[1].agent.state() == ConnectionState::Failed
    });
    assert!(failed);
    // Then both agents go quiet: every timer ends, none is left due, the state stays.
    let at = sim.elapsed();
    sim.run_until(at + Duration::from_secs(300), |_| false);
    assert_eq!(sim.peers[1].agent.state(), ConnectionState::Failed);
    assert_eq!(sim.peers[1].agent.poll_timeout(), None);
}

#[test]
fn a_peer_that_checks_but_never_answers_loses_consent() {
    // Chrome 144+ after close(), a throttled tab: its checks keep arriving, authenticated,
    // but it answers none of ours. That is not consent (RFC 7675 §1).
    let mut sim = Sim::new(
        config(Role::Controlling, 5),
        config(Role::Controlled, 6),
        [A, B],
        1,
        3,
    );
    sim.connect(Duration::from_secs(5));
    sim.filter = Box::new(|from, t, _| {
        from == 1 && Message::parse(&t.contents).is_ok_and(|m| m.class() != Class::Request)
    });
    let failed = sim.run_until(Duration::from_secs(60), |s| {
        s.peers[0].agent.state() == ConnectionState::Failed
    });
    assert!(failed);
    // B kept sending checks all along, and A kept answering them.
    let p = &sim.peers[0];
    let pair = p.agent.pairs()[0];
    assert!(pair.stats.requests_received >= 5, "{:?}", pair.stats);
}

#[test]
fn application_data_does_not_refresh_consent() {
    let mut sim = Sim::new(
        config(Role::Controlling, 7),
        config(Role::Controlled, 8),
        [A, B],
        1,
        4,
    );
    sim.connect(Duration::from_secs(5));
    // B's STUN is lost; its application data keeps flowing to A every 100 ms.
    sim.filter = Box::new(|from, t, _| from == 1 && Message::parse(&t.contents).is_ok());
    let stream_b = sim.peers[1].stream;
    let deadline = sim.now + Duration::from_secs(60);
    let mut next_data = sim.now;
    let mut delivered = 0;
    while sim.now < deadline && sim.peers[0].agent.state() != ConnectionState::Failed {
        if sim.now >= next_data {
            if let Ok(t) = sim.peers[1].agent.send(stream_b, 1, b"media") {
                let flow = FiveTuple::new(Transport::Udp, t.destination, t.source.unwrap());
                let now = sim.now;
                if let Ok(Some(_)) = sim.peers[0].agent.handle_receive(now, flow, &t.contents) {
                    delivered += 1;
                }
            }
            next_data = sim.now + Duration::from_millis(100);
        }
        assert!(sim.step());
    }
    assert_eq!(
        sim.peers[0].agent.state(),
        ConnectionState::Failed,
        "consent survived on data"
    );
    assert!(delivered > 10, "{delivered} data datagrams");
}

#[test]
fn a_403_to_a_consent_check_revokes_consent_at_once() {
    use floe_stun::attributes::ErrorCodeAttribute;
    use floe_stun::{ErrorCode, IntegrityKey, MessageBuilder, MessageType, Method};
    let mut sim = Sim::new(
        config(Role::Controlling, 9),
        config(Role::Controlled, 10),
        [A, B],
        1,
        5,
    );
    sim.connect(Duration::from_secs(5));
    // Hold A's next consent check back and answer it ourselves with a signed 403 (RFC 7675 §5.2).
    let held = std::rc::Rc::new(core::cell::RefCell::new(None));
    let keep = std::rc::Rc::clone(&held);
    sim.filter = Box::new(move |from, t, _| {
        let request =
            from == 0 && Message::parse(&t.contents).is_ok_and(|m| m.class() == Class::Request);
        if request && keep.borrow().is_none() {
            *keep.borrow_mut() = Some(t.clone());
        }
        request
    });
    assert!(sim.run_until(Duration::from_secs(20), |_| held.borrow().is_some()));
    let t = held.borrow().clone().unwrap();
    let req = Message::parse(&t.contents).unwrap();
    let mut buf = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Error);
    let mut b = MessageBuilder::new(&mut buf, typ, *req.transaction_id());
    b.add(&ErrorCodeAttribute::new(ErrorCode::FORBIDDEN));
    let pwd = sim.peers[1].agent.local_credentials().pwd.clone();
    b.message_integrity(&IntegrityKey::short_term(&pwd))
        .unwrap()
        .fingerprint()
        .unwrap();
    let flow = FiveTuple::new(Transport::Udp, t.source.unwrap(), t.destination);
    let now = sim.now;
    sim.peers[0].agent.handle_receive(now, flow, &buf).unwrap();
    assert_eq!(sim.peers[0].agent.state(), ConnectionState::Failed);
    let stream = sim.peers[0].stream;
    assert!(sim.peers[0].agent.send(stream, 1, b"x").is_err());
    let lost = core::iter::from_fn(|| sim.peers[0].agent.poll_event())
        .any(|e| matches!(e, IceEvent::ConsentLost { .. }));
    assert!(lost);
}
