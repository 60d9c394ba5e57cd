//! Property tests over random topologies (floe-netsim): random seeds, an RFC 4787 behaviour
//! for each side's NAT (or none), random loss and latency, with or without a STUN server.
//!
//! Properties, for every case:
//! 1. nothing panics;
//! 2. when a path exists without a relay, the agents connect before a virtual deadline; when
//!    none exists, they never do;
//! 3. a selected pair is, at every step, a valid pair in the `Succeeded` state, the same as in
//!    [`IceAgent::pairs`];
//! 4. the same case run twice gives the same trace (every event, transmit and delivery, with
//!    its time since the start);
//! 5. agents that do not connect both end `Failed`: neither waits for ever, and neither is left
//!    `Connected` alone.
//!
//! Property 2 is asserted where it must hold whatever the luck: no path, or a path with loss up
//! to [`LOW_LOSS`]. Cases this test found that broke the agent are kept as replays at the end
//! of the file (10,000 cases pass).
//!
//! 128 cases by default (about 0.2 s in a debug build: one case is two short simulations);
//! `PROPTEST_CASES` sets another number. `FLOE_PROP_TRACE=1` prints each case's trace.

use core::cell::RefCell;
use core::fmt::Write as _;
use core::time::Duration;
use std::rc::Rc;
use std::time::Instant;

use floe_ice::{ConnectionState, IceAgent, IceConfig, IceEvent, PairState, Role, StreamId};
use floe_ice_candidate::Candidate;
use floe_netsim::run::{Driver, Endpoint, Stopped};
use floe_netsim::{Delivery, HostConfig, HostId, LinkConfig, NatConfig, Network};
use floe_stun::net::Transmit;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// Virtual time a connectable case gets to connect (a check that loses five sends in a row
/// still ends in about 8 s; gathering and nomination add little).
const DEADLINE: Duration = Duration::from_secs(40);
/// Loss up to which a case with a path must connect: every send of a check or a STUN query
/// (six) is lost with a chance below 10⁻⁶ there; above it, a case may fail by bad luck.
const LOW_LOSS: f64 = 0.05;
/// Virtual time the agents keep running after both connected (consent, late checks).
const AFTER_CONNECTED: Duration = Duration::from_secs(6);

/// Where a host sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Public,
    FullCone,
    RestrictedCone,
    PortRestrictedCone,
    Symmetric,
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        Just(Place::Public),
        Just(Place::FullCone),
        Just(Place::RestrictedCone),
        Just(Place::PortRestrictedCone),
        Just(Place::Symmetric),
    ]
}

/// One random topology.
#[derive(Debug, Clone, Copy)]
struct Case {
    seed: u64,
    places: [Place; 2],
    /// Loss on every link, 0–30 %.
    loss: f64,
    latency: Duration,
    stun: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<u64>(),
        place(),
        place(),
        prop_oneof![Just(0.0), 0.0..0.05f64, 0.0..=0.3f64],
        1u64..=60,
        any::<bool>(),
    )
        .prop_map(|(seed, a, b, loss, ms, stun)| Case {
            seed,
            places: [a, b],
            loss,
            latency: Duration::from_millis(ms),
            stun,
        })
}

/// Whether a path exists with host, server-reflexive and peer-reflexive candidates only.
///
/// A host behind a NAT is reachable only at a mapping it opened. With a STUN server each side
/// learns its mapping and the agents connect unless one side's NAT maps per destination
/// (symmetric, RFC 4787 §4.1: the mapping it signalled is not the one its checks use) and the
/// other filters by address and port (§5: the unsignalled mapping's checks are dropped), as
/// the matrix in `tests/netsim.rs` shows. Without one, only a public side's host candidate is
/// reachable: the other side's checks open the way back (peer-reflexive), whatever its NAT.
fn path_exists(places: [Place; 2], stun: bool) -> bool {
    let [a, b] = places;
    if !stun {
        return a == Place::Public || b == Place::Public;
    }
    let hard = |p| matches!(p, Place::PortRestrictedCone | Place::Symmetric);
    !((a == Place::Symmetric && hard(b)) || (b == Place::Symmetric && hard(a)))
}

/// What signalling carries after the credentials (RFC 8838 trickle).
enum Signal {
    Candidate(Candidate<'static>),
    EndOfCandidates,
}

type Mailbox = Rc<RefCell<Vec<Signal>>>;
type Trace = Rc<RefCell<String>>;

/// An agent on a simulated host; signalling through two mailboxes; everything it does is
/// written to the trace.
struct Agent {
    agent: IceAgent,
    side: usize,
    host: HostId,
    stream: StreamId,
    start: Instant,
    now: Instant,
    outbox: Mailbox,
    inbox: Mailbox,
    trace: Trace,
}

impl Agent {
    fn log(&self, what: core::fmt::Arguments<'_>) {
        let mut t = self.trace.borrow_mut();
        let _ = writeln!(t, "{:?} {} {what}", self.now - self.start, self.side);
    }

    /// Signalling: takes the peer's candidates and end-of-candidates, posts its own; logs
    /// every event.
    fn pump(&mut self) {
        let incoming: Vec<_> = self.inbox.borrow_mut().drain(..).collect();
        for signal in incoming {
            match signal {
                Signal::Candidate(c) => {
                    let r = self.agent.add_remote_candidate(self.now, self.stream, &c);
                    self.log(format_args!("remote candidate {c} -> {r:?}"));
                }
                Signal::EndOfCandidates => {
                    let r = self.agent.end_of_remote_candidates(self.now, self.stream);
                    self.log(format_args!("remote end-of-candidates -> {r:?}"));
                }
            }
        }
        while let Some(e) = self.agent.poll_event() {
            self.log(format_args!("event {e:?}"));
            match e {
                IceEvent::LocalCandidate { candidate, .. } => {
                    self.outbox.borrow_mut().push(Signal::Candidate(candidate));
                }
                IceEvent::GatheringComplete { .. } => {
                    self.outbox.borrow_mut().push(Signal::EndOfCandidates);
                }
                _ => {}
            }
        }
    }

    /// Property 3: a selected pair is valid and `Succeeded`, as `pairs()` has it.
    fn check_selected(&self) {
        let Some(sel) = self.agent.selected_pair(self.stream, 1) else {
            return;
        };
        let at = self.now - self.start;
        assert!(
            sel.valid && sel.state == PairState::Succeeded,
            "side {} at {at:?}: selected pair {sel:#?}",
            self.side
        );
        let listed = self.agent.pairs().into_iter().find(|p| p.id == sel.id);
        assert_eq!(
            listed.as_ref(),
            Some(&sel),
            "side {} at {at:?}: selected pair not as listed",
            self.side
        );
    }
}

impl Endpoint for Agent {
    fn host(&self) -> HostId {
        self.host
    }

    fn handle_delivery(&mut self, now: Instant, d: Delivery) {
        self.now = now;
        let r = self
            .agent
            .handle_receive(now, d.five_tuple, &d.contents)
            .map(|r| r.map(|r| r.data.len()));
        self.log(format_args!(
            "receive {:?} {} bytes -> {r:?}",
            d.five_tuple,
            d.contents.len()
        ));
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        self.agent.handle_timeout(now);
        self.log(format_args!("timeout"));
    }

    fn poll_transmit(&mut self) -> Option<Transmit> {
        self.pump();
        let t = self.agent.poll_transmit()?;
        self.log(format_args!("transmit {t:?}"));
        Some(t)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        // Wake up for signalling too: a candidate may wait in the inbox.
        let signal = (!self.inbox.borrow().is_empty()).then_some(self.now);
        [self.agent.poll_timeout(), signal]
            .into_iter()
            .flatten()
            .min()
    }
}

fn host(net: &mut Network, place: Place) -> HostId {
    let nat = match place {
        Place::Public => return net.add_host(HostConfig::public()),
        Place::FullCone => NatConfig::full_cone(),
        Place::RestrictedCone => NatConfig::restricted_cone(),
        Place::PortRestrictedCone => NatConfig::port_restricted_cone(),
        Place::Symmetric => NatConfig::symmetric(),
    };
    let nat = net.add_nat(nat);
    net.add_host(HostConfig::behind(nat))
}

fn agent(net: &Network, case: &Case, side: usize, host: HostId, trace: &Trace) -> Agent {
    let role = [Role::Controlling, Role::Controlled][side];
    let mut config = IceConfig::new(role);
    let mut seed = [u8::try_from(side).unwrap(); 32];
    seed[..8].copy_from_slice(&case.seed.to_le_bytes());
    config.rng_seed = Some(seed);
    let now = net.now();
    let mut agent = IceAgent::new(config, now);
    let stream = agent.add_stream(1).unwrap();
    agent
        .add_local_address(stream, 1, net.host_addr(host))
        .unwrap();
    Agent {
        agent,
        side,
        host,
        stream,
        start: now,
        now,
        outbox: Rc::default(),
        inbox: Rc::default(),
        trace: Rc::clone(trace),
    }
}

/// What one run gave.
struct Outcome {
    /// Virtual time until both agents were connected.
    connected_after: Option<Duration>,
    /// Why the driver stopped, if it did before the end.
    stopped: Option<Stopped>,
    trace: String,
    states: [ConnectionState; 2],
    pairs: [Vec<floe_ice::PairInfo>; 2],
}

/// Runs a case: until both agents are connected and [`AFTER_CONNECTED`] more, or until the
/// deadline, or until nothing is left to do. Checks property 3 after every step.
fn run(case: &Case) -> Outcome {
    let mut net = Network::new(case.seed);
    net.set_link(LinkConfig::new(case.latency).loss(case.loss));
    let stun = case.stun.then(|| net.add_stun_server());
    let hosts = [
        host(&mut net, case.places[0]),
        host(&mut net, case.places[1]),
    ];
    let trace = Trace::default();
    let mut a = agent(&net, case, 0, hosts[0], &trace);
    let mut b = agent(&net, case, 1, hosts[1], &trace);
    b.inbox = Rc::clone(&a.outbox);
    a.inbox = Rc::clone(&b.outbox);
    let now = net.now();
    for x in [&mut a, &mut b] {
        if let Some(stun) = stun {
            x.agent.add_stun_server(stun);
        }
        x.agent.gather(now);
    }
    a.agent
        .set_remote_credentials(now, b.agent.local_credentials().clone());
    b.agent
        .set_remote_credentials(now, a.agent.local_credentials().clone());
    let start = net.now();
    let mut driver = Driver::new(start + DEADLINE + AFTER_CONNECTED, 1_000_000);
    let mut connected_after = None;
    let stopped = loop {
        if connected_after.is_none()
            && [&a, &b]
                .iter()
                .all(|x| x.agent.state() == ConnectionState::Connected)
        {
            connected_after = Some(net.now() - start);
        }
        if connected_after.is_some_and(|t| net.now() - start >= t + AFTER_CONNECTED) {
            break None;
        }
        if let Err(stop) = driver.step(&mut net, &mut [&mut a, &mut b]) {
            break Some(stop);
        }
        a.check_selected();
        b.check_selected();
    };
    let trace = trace.borrow().clone();
    Outcome {
        connected_after,
        stopped,
        trace,
        states: [a.agent.state(), b.agent.state()],
        pairs: [a.agent.pairs(), b.agent.pairs()],
    }
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128);
    Config {
        cases,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_topologies(case in case()) {
        let first = run(&case);
        if std::env::var_os("FLOE_PROP_TRACE").is_some() {
            eprintln!("{case:?}\n{}", first.trace);
        }
        let expected = path_exists(case.places, case.stun);
        let connected = first.connected_after.filter(|t| *t <= DEADLINE);
        let why = format!(
            "{case:?}: connected after {:?}, driver stopped: {:?}, states {:?}\npairs: {:#?}",
            first.connected_after, first.stopped, first.states, first.pairs
        );
        if !expected {
            prop_assert!(connected.is_none(), "connected without a path: {}", why);
        } else if case.loss <= LOW_LOSS {
            prop_assert!(connected.is_some(), "a path, little loss, no connection: {}", why);
        }
        if first.connected_after.is_none() {
            prop_assert_eq!(first.states, [ConnectionState::Failed; 2], "not connected, not failed: {}", why);
        }
        let second = run(&case);
        if first.trace != second.trace {
            let line = first
                .trace
                .lines()
                .zip(second.trace.lines())
                .position(|(x, y)| x != y);
            prop_assert!(false, "{:?}: traces differ from line {:?}", case, line);
        }
    }
}

/// Replay of an agent bug `random_topologies` found (fixed): a nominating check that timed out
/// was never retried. Here (port-restricted cone against restricted cone, 19 % loss) the controlling
/// agent's pair is valid at 0.93 s; it nominates at 1.13 s (USE-CANDIDATE); the controlled
/// agent gets a copy at 1.425 s, selects the pair and is connected, but all its responses are
/// lost, and the transaction times out at 9.88 s. `on_transaction_timeout` (checks.rs) only
/// clears `in_flight` on a valid pair, and `nominate_at` was already taken, so nothing ever
/// nominates again: the controlling agent stays `Checking` with its consent-free pair for
/// good while the controlled one stays `Connected` and keeps its consent checks answered.
/// Now the nomination is sent again (up to three times, then the next pair is tried).
#[test]
fn a_nominating_check_that_times_out_is_retried() {
    let case = Case {
        seed: 7_919_359_472_804_911_219,
        places: [Place::PortRestrictedCone, Place::RestrictedCone],
        loss: 0.192_390_457_215_836_47,
        latency: Duration::from_millis(45),
        stun: true,
    };
    let out = run(&case);
    assert!(out.connected_after.is_some(), "states {:?}", out.states);
}

/// Replay of an agent bug `random_topologies` found (fixed): a check that arrived on a pair
/// whose own check was in progress triggered nothing (RFC 8445 §7.3.1.4 says: stop that check's
/// retransmissions and trigger a new one). Here (restricted cone against full cone, 18 % loss,
/// the srflx candidates late because STUN was lost) the controlled agent's last retransmission
/// was lost, its pair failed while the peer's checks on it were being answered, and the
/// controlling agent ended `Connected` on a pair the controlled one had failed.
#[test]
fn a_check_on_a_pair_in_progress_triggers_a_new_check() {
    let case = Case {
        seed: 9_433_822_688_560_726_058,
        places: [Place::RestrictedCone, Place::FullCone],
        loss: 0.184_029_219_940_707_84,
        latency: Duration::from_millis(1),
        stun: true,
    };
    let out = run(&case);
    assert!(out.connected_after.is_some(), "states {:?}", out.states);
}
