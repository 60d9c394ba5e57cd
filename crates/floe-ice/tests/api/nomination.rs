//! Nomination as controlled from every kind of nominator (regular, aggressive, renomination
//! with NOMINATION alone), and renomination as controlling, agent against agent.

use core::cell::RefCell;
use core::net::SocketAddr;
use core::time::Duration;
use std::rc::Rc;
use std::time::Instant;

use floe_ice::{
    ConnectionState, Credentials, DEFAULT_NOMINATION_TIMEOUT, FiveTuple, IceAgent, IceEvent,
    PairId, Role, Transmit, Transport,
};
use floe_stun::attributes::{
    IceControlling, Nomination, Priority, UseCandidate, Username, XorMappedAddress,
};
use floe_stun::{
    Class, IntegrityKey, IntegrityKind, Message, MessageBuilder, MessageType, Method, TransactionId,
};

use crate::harness::{Sim, config};

const LOCAL: &str = "198.51.100.1:5000";
const PEER_PWD: &str = "the-peer-password-22-chars";
/// Two addresses of the peer; the first has the higher PRIORITY in its checks.
const HIGH: &str = "203.0.113.9:7000";
const LOW: &str = "203.0.113.9:7001";

/// A controlled agent and a scripted controlling peer.
struct Script {
    agent: IceAgent,
    now: Instant,
    next_id: u8,
}

impl Script {
    fn new() -> Self {
        let now = Instant::now();
        let mut agent = IceAgent::new(config(Role::Controlled, 9), now);
        let s = agent.add_stream(1).unwrap();
        agent
            .add_local_address(s, 1, LOCAL.parse().unwrap())
            .unwrap();
        agent.set_remote_credentials(now, Credentials::new("peer", PEER_PWD));
        while agent.poll_event().is_some() {}
        Self {
            agent,
            now,
            next_id: 0,
        }
    }

    fn flow(from: &str) -> FiveTuple {
        FiveTuple::new(
            Transport::Udp,
            LOCAL.parse().unwrap(),
            from.parse().unwrap(),
        )
    }

    /// A check from `from` with USE-CANDIDATE and/or NOMINATION; the agent must answer 200.
    fn check(&mut self, from: &str, use_candidate: bool, nomination: Option<u32>) {
        self.next_id += 1;
        let user = format!("{}:peer", self.agent.local_credentials().ufrag);
        let priority = if from == HIGH {
            0x6e00_ffff
        } else {
            0x6e00_00ff
        };
        let mut buf = Vec::new();
        let typ = MessageType::new(Method::BINDING, Class::Request);
        let tid = TransactionId::from_bytes([self.next_id; 12]);
        let mut b = MessageBuilder::new(&mut buf, typ, tid);
        b.add(&Username(&user))
            .add(&Priority(priority))
            .add(&IceControlling(u64::MAX));
        if use_candidate {
            b.add(&UseCandidate);
        }
        if let Some(n) = nomination {
            b.add(&Nomination(n));
        }
        let key = IntegrityKey::short_term(&self.agent.local_credentials().pwd);
        b.seal(Some((&key, IntegrityKind::Sha1)), true).unwrap();
        self.agent
            .handle_receive(self.now, Self::flow(from), &buf)
            .unwrap();
        let reply = self.agent.poll_transmit().expect("a response");
        assert_eq!(
            Message::parse(&reply.contents).unwrap().class(),
            Class::Success
        );
        self.answer_checks();
    }

    /// Answers every check the agent sends (its triggered checks), so pairs become valid.
    fn answer_checks(&mut self) {
        self.now += Duration::from_millis(60);
        self.agent.handle_timeout(self.now);
        while let Some(t) = self.agent.poll_transmit() {
            let req = Message::parse(&t.contents).unwrap();
            if req.class() != Class::Request {
                continue;
            }
            let mut buf = Vec::new();
            let typ = MessageType::new(Method::BINDING, Class::Success);
            let mut b = MessageBuilder::new(&mut buf, typ, *req.transaction_id());
            b.add(&XorMappedAddress(t.source.unwrap()));
            let key = IntegrityKey::short_term(PEER_PWD);
            b.seal(Some((&key, IntegrityKind::Sha1)), true).unwrap();
            let from = t.destination.to_string();
            self.agent
                .handle_receive(self.now, Self::flow(&from), &buf)
                .unwrap();
            self.now += Duration::from_millis(60);
            self.agent.handle_timeout(self.now);
        }
    }

    /// The remote address of the selected pair.
    fn selected(&self) -> Option<SocketAddr> {
        let stream = self.agent.pairs().first()?.stream;
        self.agent.selected_pair(stream, 1).map(|p| p.remote)
    }
}

#[test]
fn an_aggressive_nominator_gets_its_highest_priority_nominated_pair() {
    // aioice and RFC 5245 aggressive nomination: USE-CANDIDATE on every check.
    let mut s = Script::new();
    s.check(LOW, true, None);
    assert_eq!(s.selected(), Some(LOW.parse().unwrap()));
    s.check(HIGH, true, None);
    assert_eq!(s.selected(), Some(HIGH.parse().unwrap()));
    // A later USE-CANDIDATE on the lower pair does not take the selection back.
    s.check(LOW, true, None);
    assert_eq!(s.selected(), Some(HIGH.parse().unwrap()));
}

#[test]
fn nomination_alone_nominates_and_the_highest_value_wins() {
    // libwebrtc's renomination: NOMINATION without USE-CANDIDATE (pion #881).
    let mut s = Script::new();
    s.check(HIGH, false, None);
    assert_eq!(
        s.selected(),
        None,
        "a check without nomination selects nothing"
    );
    s.check(HIGH, false, Some(2));
    assert_eq!(s.selected(), Some(HIGH.parse().unwrap()));
    // Renominating a lower-priority pair with a higher value moves the selection...
    s.check(LOW, false, Some(3));
    assert_eq!(s.selected(), Some(LOW.parse().unwrap()));
    // ...and a stale value (reordered or retransmitted) does not move it back.
    s.check(HIGH, false, Some(2));
    assert_eq!(s.selected(), Some(LOW.parse().unwrap()));
    s.check(HIGH, true, Some(1));
    assert_eq!(s.selected(), Some(LOW.parse().unwrap()));
    let events: Vec<_> = core::iter::from_fn(|| s.agent.poll_event())
        .filter(|e| matches!(e, IceEvent::SelectedPair { .. }))
        .collect();
    assert_eq!(events.len(), 2, "{events:?}");
}

/// Controlling agent A renominates when a better pair becomes valid after the first
/// selection: B's best address is unreachable for the first second.
fn renominate(renomination: bool) -> (Vec<PairId>, Vec<PairId>) {
    let mut a = config(Role::Controlling, 1);
    a.renomination = renomination;
    let best: SocketAddr = "203.0.113.1:6000".parse().unwrap();
    let mut sim = Sim::new(
        a,
        config(Role::Controlled, 2),
        [
            &["198.51.100.1:5000"],
            &["203.0.113.1:6000", "203.0.113.2:6000"],
        ],
        1,
        1,
    );
    sim.filter = Box::new(move |_, t, elapsed| {
        elapsed < Duration::from_secs(1) && (t.destination == best || t.source == Some(best))
    });
    sim.connect(Duration::from_secs(5));
    sim.run_until(Duration::from_secs(15), |_| false);
    let selections = |i: usize| -> Vec<PairId> {
        sim.peers[i]
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                IceEvent::SelectedPair { pair, .. } => Some(*pair),
                _ => None,
            })
            .collect()
    };
    let (sa, sb) = (selections(0), selections(1));
    // Both sides always agree on the flow.
    let pa = sim.peers[0]
        .agent
        .selected_pair(sim.peers[0].stream, 1)
        .unwrap();
    let pb = sim.peers[1]
        .agent
        .selected_pair(sim.peers[1].stream, 1)
        .unwrap();
    assert_eq!((pa.local, pa.remote), (pb.remote, pb.local));
    if renomination {
        assert_eq!(pa.remote, best);
    } else {
        assert_ne!(pa.remote, best);
    }
    (sa, sb)
}

#[test]
fn renomination_moves_both_sides_to_a_better_pair_found_later() {
    let (a, b) = renominate(true);
    assert_eq!((a.len(), b.len()), (2, 2), "{a:?} / {b:?}");
}

#[test]
fn without_renomination_the_first_selection_stays() {
    let (a, b) = renominate(false);
    assert_eq!((a.len(), b.len()), (1, 1), "{a:?} / {b:?}");
}

/// The transaction id of a check that nominates (USE-CANDIDATE).
fn nominating_check(t: &Transmit) -> Option<TransactionId> {
    let m = Message::parse(&t.contents).ok()?;
    let nominating = m.class() == Class::Request && matches!(m.get::<UseCandidate>(), Ok(Some(_)));
    nominating.then(|| *m.transaction_id())
}

/// The nominating checks a test saw sent: transaction and destination, in order.
type Nominations = Rc<RefCell<Vec<(TransactionId, SocketAddr)>>>;

/// Two agents whose network loses the controlling agent's nominating checks: every send of
/// the first `lost` nominations (each a transaction with its retransmissions), or all of
/// them. Returns the sim and the nominations sent, in order, with their destinations.
fn lose_nominations(
    lost: Option<usize>,
    peer_addrs: &'static [&'static str],
) -> (Sim, Nominations) {
    let mut sim = Sim::new(
        config(Role::Controlling, 3),
        config(Role::Controlled, 4),
        [&["198.51.100.1:5000"], peer_addrs],
        1,
        1,
    );
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&seen);
    sim.filter = Box::new(move |from, t, _| {
        let Some(tid) = nominating_check(t).filter(|_| from == 0) else {
            return false;
        };
        let mut log = log.borrow_mut();
        let i = match log.iter().position(|(x, _)| *x == tid) {
            Some(i) => i,
            None => {
                log.push((tid, t.destination));
                log.len() - 1
            }
        };
        lost.is_none_or(|n| i < n)
    });
    (sim, seen)
}

#[test]
fn a_lost_nomination_is_sent_again_until_it_gets_through() {
    let (mut sim, seen) = lose_nominations(Some(2), &["203.0.113.1:6000"]);
    sim.connect(Duration::from_secs(60));
    let seen = seen.borrow();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().all(|(_, to)| *to == seen[0].1));
}

#[test]
fn a_pair_whose_nominations_never_arrive_is_given_up_for_the_next_then_both_sides_fail() {
    let (mut sim, seen) = lose_nominations(None, &["203.0.113.1:6000", "203.0.113.2:6000"]);
    sim.exchange_credentials();
    // Every candidate is signalled within the first second; then end-of-candidates both ways.
    sim.run_until(Duration::from_secs(1), |_| false);
    let now = sim.now;
    for p in &mut sim.peers {
        p.agent.end_of_remote_candidates(now, p.stream).unwrap();
    }
    let failed = |s: &Sim| {
        s.peers
            .iter()
            .all(|p| p.agent.state() == ConnectionState::Failed)
    };
    assert!(
        sim.run_until(Duration::from_secs(120), failed),
        "{:?} / {:?} after {:?}\n{:#?}\n{:?}",
        sim.peers[0].agent.state(),
        sim.peers[1].agent.state(),
        sim.elapsed(),
        sim.peers[0].agent.pairs(),
        seen.borrow()
    );
    // Three nominations of each pair, the better pair first.
    let seen = seen.borrow();
    let to: Vec<_> = seen.iter().map(|(_, to)| *to).collect();
    assert_eq!(to.len(), 6, "{to:?}");
    assert!(to[..3].iter().all(|a| *a == to[0]) && to[3..].iter().all(|a| *a == to[3]));
    assert_ne!(to[0], to[3]);
    // Neither side ever selected a pair.
    for p in &sim.peers {
        assert!(
            !p.events
                .iter()
                .any(|(_, e)| matches!(e, IceEvent::SelectedPair { .. }))
        );
    }
}

#[test]
fn a_controlled_agent_whose_valid_pair_is_never_nominated_fails_after_the_nomination_timeout() {
    let mut s = Script::new();
    s.check(HIGH, false, None);
    let valid = s.agent.pairs();
    assert!(valid.iter().any(|p| p.valid), "{valid:?}");
    let t0 = s.now;
    let due = s.agent.poll_timeout().expect("the nomination deadline");
    assert!(due <= t0 + DEFAULT_NOMINATION_TIMEOUT, "{:?}", due - t0);
    s.agent.handle_timeout(due - Duration::from_millis(1));
    assert_eq!(s.agent.state(), ConnectionState::Checking);
    s.agent.handle_timeout(due);
    assert_eq!(s.agent.state(), ConnectionState::Failed);
    assert_eq!(s.agent.poll_timeout(), None);
    // Failed is final until a restart: a late nomination is answered but selects nothing.
    s.check(HIGH, true, None);
    assert_eq!(s.selected(), None);
    assert_eq!(s.agent.state(), ConnectionState::Failed);
}
