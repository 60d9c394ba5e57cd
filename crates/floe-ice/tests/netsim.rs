//! Agents behind simulated NATs (floe-netsim): the connectivity matrix of RFC 4787 behaviours
//! with a STUN server, and the time to connect at 50 ms RTT.

use core::cell::RefCell;
use core::time::Duration;
use std::rc::Rc;
use std::time::Instant;

use core::net::SocketAddr;

use floe_ice::{
    ConnectionState, IceAgent, IceConfig, IceEvent, PairInfo, Role, StreamId, TurnServer,
};
use floe_ice_candidate::Candidate;
use floe_ice_candidate::CandidateType;
use floe_netsim::run::{Driver, Endpoint};
use floe_netsim::{Delivery, HostConfig, HostId, LinkConfig, NatConfig, Network, TurnServerConfig};
use floe_stun::net::Transmit;

type Mailbox = Rc<RefCell<Vec<Candidate<'static>>>>;

/// An agent on a simulated host, with signalling through two mailboxes.
struct Agent {
    agent: IceAgent,
    host: HostId,
    stream: StreamId,
    now: Instant,
    outbox: Mailbox,
    inbox: Mailbox,
    candidates_sent: usize,
    /// The candidate lines it signalled.
    signalled: Vec<String>,
    /// Application data to send (from [`IceAgent::send`]).
    app_out: Vec<Transmit>,
    /// Application data received.
    app_in: Vec<Vec<u8>>,
}

impl Agent {
    /// Signalling: takes the peer's candidates, posts its own.
    fn pump(&mut self) {
        let incoming: Vec<_> = self.inbox.borrow_mut().drain(..).collect();
        for c in incoming {
            let _ = self.agent.add_remote_candidate(self.now, self.stream, &c);
        }
        while let Some(e) = self.agent.poll_event() {
            if let IceEvent::LocalCandidate { candidate, .. } = e {
                self.candidates_sent += 1;
                self.signalled.push(candidate.to_string());
                self.outbox.borrow_mut().push(candidate);
            }
        }
    }
}

impl Endpoint for Agent {
    fn host(&self) -> HostId {
        self.host
    }

    fn handle_delivery(&mut self, now: Instant, d: Delivery) {
        self.now = now;
        if let Ok(Some(got)) = self.agent.handle_receive(now, d.five_tuple, &d.contents) {
            self.app_in.push(got.data.to_vec());
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        self.agent.handle_timeout(now);
    }

    fn poll_transmit(&mut self) -> Option<Transmit> {
        self.pump();
        self.app_out.pop().or_else(|| self.agent.poll_transmit())
    }

    fn poll_timeout(&self) -> Option<Instant> {
        // Wake up for signalling too: a candidate may wait in the inbox.
        let signal =
            (!self.inbox.borrow().is_empty() || !self.app_out.is_empty()).then_some(self.now);
        [self.agent.poll_timeout(), signal]
            .into_iter()
            .flatten()
            .min()
    }
}

/// Where a host sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Public,
    FullCone,
    RestrictedCone,
    PortRestrictedCone,
    Symmetric,
}

const PLACES: [Place; 5] = [
    Place::Public,
    Place::FullCone,
    Place::RestrictedCone,
    Place::PortRestrictedCone,
    Place::Symmetric,
];

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

fn agent(net: &Network, host: HostId, role: Role, seed: u8, servers: &Servers) -> Agent {
    let mut config = IceConfig::new(role);
    config.rng_seed = Some([seed; 32]);
    config.relay_only = servers.relay_only;
    let now = net.now();
    let mut agent = IceAgent::new(config, now);
    let stream = agent.add_stream(1).unwrap();
    agent
        .add_local_address(stream, 1, net.host_addr(host))
        .unwrap();
    agent.add_stun_server(servers.stun);
    if let Some(turn) = servers.turn {
        agent.add_turn_server(TurnServer::new(turn, "alice", "secret"));
    }
    agent.gather(now);
    Agent {
        agent,
        host,
        stream,
        now,
        outbox: Rc::default(),
        inbox: Rc::default(),
        candidates_sent: 0,
        signalled: Vec::new(),
        app_out: Vec::new(),
        app_in: Vec::new(),
    }
}

/// The servers in the network.
struct Servers {
    stun: SocketAddr,
    turn: Option<SocketAddr>,
    /// Both agents use relayed candidates only.
    relay_only: bool,
}

/// Runs two agents at `places` until both connect or `limit` passes; the time to connect.
fn run(
    places: [Place; 2],
    seed: u64,
    link: LinkConfig,
    limit: Duration,
) -> (Option<Duration>, [Agent; 2]) {
    let (t, agents, _) = run_with(places, seed, link, limit, false);
    (t, agents)
}

/// [`run`], with a TURN server (user `alice`) both agents allocate on when `turn` is set.
fn run_with(
    places: [Place; 2],
    seed: u64,
    link: LinkConfig,
    limit: Duration,
    turn: bool,
) -> (Option<Duration>, [Agent; 2], Network) {
    run_with_policy(places, seed, link, limit, turn, false)
}

/// [`run_with`], both agents relay-only when `relay_only` is set.
fn run_with_policy(
    places: [Place; 2],
    seed: u64,
    link: LinkConfig,
    limit: Duration,
    turn: bool,
    relay_only: bool,
) -> (Option<Duration>, [Agent; 2], Network) {
    let mut net = Network::new(seed);
    net.set_link(link);
    let servers = Servers {
        stun: net.add_stun_server(),
        turn: turn
            .then(|| net.add_turn_server(TurnServerConfig::new("netsim").user("alice", "secret"))),
        relay_only,
    };
    let (ha, hb) = (host(&mut net, places[0]), host(&mut net, places[1]));
    let mut a = agent(&net, ha, Role::Controlling, 1, &servers);
    let mut b = agent(&net, hb, Role::Controlled, 2, &servers);
    b.inbox = Rc::clone(&a.outbox);
    a.inbox = Rc::clone(&b.outbox);
    let now = net.now();
    a.agent
        .set_remote_credentials(now, b.agent.local_credentials().clone());
    b.agent
        .set_remote_credentials(now, a.agent.local_credentials().clone());
    let start = net.now();
    let mut driver = Driver::new(start + limit, 200_000);
    loop {
        let connected = [&a, &b]
            .iter()
            .all(|x| x.agent.state() == ConnectionState::Connected);
        if connected {
            return (Some(net.now() - start), [a, b], net);
        }
        if driver.step(&mut net, &mut [&mut a, &mut b]).is_err() {
            return (None, [a, b], net);
        }
    }
}

/// Without a relay, two agents connect unless one sits behind an address-and-port-dependent
/// mapping (symmetric NAT) and the other filters by address and port (RFC 4787 §4.1, §5).
fn should_connect(a: Place, b: Place) -> bool {
    let hard = |p| matches!(p, Place::PortRestrictedCone | Place::Symmetric);
    !((a == Place::Symmetric && hard(b)) || (b == Place::Symmetric && hard(a)))
}

#[test]
fn connectivity_matrix_with_a_stun_server() {
    let link = LinkConfig::new(Duration::from_millis(20));
    let mut report = Vec::new();
    for pa in PLACES {
        for pb in PLACES {
            let (t, agents) = run([pa, pb], 7, link, Duration::from_secs(20));
            report.push(format!("{pa:?} x {pb:?}: {t:?}"));
            assert_eq!(
                t.is_some(),
                should_connect(pa, pb),
                "{pa:?} x {pb:?}: connected after {t:?}\n{:#?}",
                agents[0].agent.pairs()
            );
            if t.is_some() {
                // The selected pair is valid and nominated on both sides, and the same flow.
                let sa = agents[0].agent.selected_pair(agents[0].stream, 1).unwrap();
                let sb = agents[1].agent.selected_pair(agents[1].stream, 1).unwrap();
                assert!(sa.valid && sa.nominated && sb.valid && sb.nominated);
                assert!(agents.iter().all(|x| x.candidates_sent >= 1));
            }
        }
    }
    println!("{}", report.join("\n"));
}

#[test]
fn time_to_connect_at_50_ms_rtt_is_within_two_round_trips_plus_pacing_and_nomination() {
    // Two public hosts, 25 ms each way. The bound: gathering (one RTT to the STUN server),
    // a check and its response (one RTT), the nomination delay, the nominating check (one
    // RTT), plus Ta per check.
    let link = LinkConfig::new(Duration::from_millis(25));
    let (t, _) = run(
        [Place::Public, Place::Public],
        1,
        link,
        Duration::from_secs(10),
    );
    let t = t.expect("connects");
    let config = IceConfig::new(Role::Controlling);
    let bound = Duration::from_millis(50) * 3 + config.nomination_delay + config.ta * 4;
    assert!(t <= bound, "{t:?} > {bound:?}");
}

#[test]
fn connects_through_nats_with_30_percent_loss() {
    let link = LinkConfig::new(Duration::from_millis(20)).loss(0.3);
    for seed in 0..4 {
        let (t, _) = run(
            [Place::PortRestrictedCone, Place::RestrictedCone],
            seed,
            link,
            Duration::from_secs(40),
        );
        assert!(t.is_some(), "seed {seed}");
    }
}

/// The kind of the local candidate of a pair.
fn local_kind(agent: &Agent, pair: &PairInfo) -> CandidateType {
    agent
        .agent
        .candidate_info(pair.local_candidate)
        .expect("the pair's candidate exists")
        .kind
}

#[test]
fn connectivity_matrix_with_stun_and_turn_servers_connects_every_pair() {
    let link = LinkConfig::new(Duration::from_millis(20));
    let mut report = Vec::new();
    for pa in PLACES {
        for pb in PLACES {
            let (t, agents, _) = run_with([pa, pb], 11, link, Duration::from_secs(20), true);
            let sa = agents[0].agent.selected_pair(agents[0].stream, 1);
            let kinds = sa.map(|p| local_kind(&agents[0], &p));
            report.push(format!("{pa:?} x {pb:?}: {t:?} via {kinds:?}"));
            assert!(t.is_some(), "{pa:?} x {pb:?} did not connect");
            let sa = sa.unwrap();
            let sb = agents[1].agent.selected_pair(agents[1].stream, 1).unwrap();
            assert!(sa.valid && sa.nominated && sb.valid && sb.nominated);
            // Without a direct path, one side at least sends through its relay.
            if !should_connect(pa, pb) {
                let relayed = local_kind(&agents[0], &sa) == CandidateType::Relayed
                    || local_kind(&agents[1], &sb) == CandidateType::Relayed;
                assert!(relayed, "{pa:?} x {pb:?}: {sa:?} / {sb:?}");
            }
        }
    }
    println!("{}", report.join("\n"));
}

#[test]
fn relay_only_agents_announce_and_pair_relayed_candidates_only() {
    // Both public, so a direct path exists: relay-only must not take it, and must not tell
    // the peer its host or reflexive addresses.
    let link = LinkConfig::new(Duration::from_millis(20));
    let places = [Place::Public, Place::FullCone];
    let (t, agents, _) = run_with_policy(places, 12, link, Duration::from_secs(20), true, true);
    assert!(t.is_some(), "relay-only agents did not connect");
    for a in &agents {
        let sel = a.agent.selected_pair(a.stream, 1).unwrap();
        assert_eq!(local_kind(a, &sel), CandidateType::Relayed, "{sel:?}");
        for p in a.agent.pairs() {
            assert_eq!(local_kind(a, &p), CandidateType::Relayed, "{p:?}");
        }
        assert!(a.candidates_sent > 0);
    }
    // What each side signalled: relayed candidates only.
    for a in &agents {
        for line in &a.signalled {
            assert!(line.contains("typ relay"), "{line}");
        }
    }
}

#[test]
fn a_relayed_pair_carries_application_data_both_ways() {
    let link = LinkConfig::new(Duration::from_millis(10));
    let places = [Place::Symmetric, Place::Symmetric];
    let (t, [mut a, mut b], mut net) = run_with(places, 3, link, Duration::from_secs(20), true);
    assert!(t.is_some());
    // Each side relays (a symmetric NAT maps every destination anew, so the peer's relay
    // cannot reach a host or reflexive address), or one relays to the other's relay.
    let (pa, pb) = (
        a.agent.selected_pair(a.stream, 1).unwrap(),
        b.agent.selected_pair(b.stream, 1).unwrap(),
    );
    let kinds = [local_kind(&a, &pa), local_kind(&b, &pb)];
    assert!(kinds.contains(&CandidateType::Relayed), "{kinds:?}");
    let out = a
        .agent
        .send(a.stream, 1, b"hello through the relay")
        .unwrap();
    if kinds[0] == CandidateType::Relayed {
        // Wrapped for the TURN server, sent from the host address.
        assert_ne!(out.destination, pa.remote);
        assert_ne!(out.source, Some(pa.local));
    }
    a.app_out.push(out);
    let back = b.agent.send(b.stream, 1, b"and back").unwrap();
    b.app_out.push(back);
    let mut driver = Driver::new(net.now() + Duration::from_secs(1), 10_000);
    while a.app_in.is_empty() || b.app_in.is_empty() {
        driver
            .step(&mut net, &mut [&mut a, &mut b])
            .expect("data arrives");
    }
    assert_eq!(b.app_in, [b"hello through the relay".to_vec()]);
    assert_eq!(a.app_in, [b"and back".to_vec()]);
}
