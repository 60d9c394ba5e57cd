//! Drivers of ICE agents shared by the ICE benches: Floe agents with host candidates, in-memory
//! signalling, a zero-latency connect loop (with a hook to meter one side's allocations), and
//! a [`Fleet`] of agent pairs of any crate ([`IceUnderTest`]) on one virtual clock over a
//! [`Wire`]: a FIFO of fixed latency ([`FifoWire`]) or floe-netsim ([`NetsimWire`]).

use core::cmp::Reverse;
use core::net::{Ipv4Addr, SocketAddr};
use core::time::Duration;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::time::Instant;

use floe_ice::{
    ConnectionState, FiveTuple, IceAgent, IceConfig, IceEvent, Role, StreamId, Transmit, Transport,
};
use floe_netsim::{HostConfig, HostId, LinkConfig, NatConfig, NatId, Network};
use floe_stun::net::Bytes;

use crate::ice_peers::{IceUnderTest, Outbound};

/// An agent and its one stream.
#[derive(Debug)]
pub struct Side {
    /// The agent.
    pub agent: IceAgent,
    /// Its stream (one component).
    pub stream: StreamId,
}

/// A 32-byte RNG seed from a number and a tag (distinct agents get distinct credentials).
#[must_use]
pub fn seed(n: u64, tag: u8) -> [u8; 32] {
    let mut s = [tag; 32];
    s[..8].copy_from_slice(&n.to_le_bytes());
    s
}

/// An agent with one stream of one component and a host candidate on each of `addrs`
/// (the candidates wait as events, see [`signal`]).
///
/// # Panics
/// When an address is refused (more than `max_local_candidates`).
#[must_use]
pub fn host_agent(role: Role, seed: [u8; 32], addrs: &[SocketAddr], now: Instant) -> Side {
    let mut config = IceConfig::new(role);
    config.rng_seed = Some(seed);
    let mut agent = IceAgent::new(config, now);
    let stream = agent.add_stream(1).expect("a stream");
    for &addr in addrs {
        agent
            .add_local_address(stream, 1, addr)
            .expect("a host address");
    }
    Side { agent, stream }
}

/// Runs the calls that touch one side's memory, so a caller can count their allocations
/// (`allocation_counter::measure` around each call); the identity for everyone else.
pub trait Meter {
    /// Runs `f` and returns its result.
    fn run<R>(&mut self, f: impl FnOnce() -> R) -> R;
}

/// The identity [`Meter`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Unmetered;

impl Meter for Unmetered {
    fn run<R>(&mut self, f: impl FnOnce() -> R) -> R {
        f()
    }
}

/// Signalling in memory: `from`'s credentials and local candidates to `to` (other events of
/// `from` are dropped). `from`'s calls, and the drop of what it hands out, go through
/// `from_meter`; `to`'s calls through `to_meter`.
///
/// # Panics
/// When `to` refuses a candidate.
pub fn signal<F: Meter, T: Meter>(
    from: &mut Side,
    to: &mut Side,
    now: Instant,
    from_meter: &mut F,
    to_meter: &mut T,
) {
    let credentials = from_meter.run(|| from.agent.local_credentials().clone());
    to_meter.run(|| {
        to.agent.set_remote_credentials(now, credentials.clone());
    });
    from_meter.run(|| drop(credentials));
    while let Some(event) = from_meter.run(|| from.agent.poll_event()) {
        if let IceEvent::LocalCandidate { candidate, .. } = &event {
            to_meter.run(|| {
                to.agent
                    .add_remote_candidate(now, to.stream, candidate)
                    .expect("a usable candidate");
            });
        }
        from_meter.run(|| drop(event));
    }
}

/// The flow a transmit arrives on, as its receiver sees it.
///
/// # Panics
/// When the transmit has no source (the agent always sets one).
#[must_use]
pub fn arriving_flow(t: &Transmit) -> FiveTuple {
    FiveTuple::new(
        Transport::Udp,
        t.destination,
        t.source.expect("a source address"),
    )
}

/// Delivers every datagram `from` sends to `to` at once; whether any moved. `metered` says
/// which side's calls go through `meter`.
fn deliver<M: Meter>(
    from: &mut Side,
    to: &mut Side,
    metered_from: bool,
    now: Instant,
    meter: &mut M,
) -> bool {
    let mut moved = false;
    loop {
        let t = if metered_from {
            meter.run(|| from.agent.poll_transmit())
        } else {
            from.agent.poll_transmit()
        };
        let Some(t) = t else { break };
        let flow = arriving_flow(&t);
        if metered_from {
            let _ = to.agent.handle_receive(now, flow, &t.contents);
            meter.run(|| drop(t));
        } else {
            meter.run(|| {
                let _ = to.agent.handle_receive(now, flow, &t.contents);
            });
        }
        moved = true;
    }
    moved
}

/// Whether both agents are connected.
#[must_use]
pub fn both_connected(a: &Side, b: &Side) -> bool {
    a.agent.state() == ConnectionState::Connected && b.agent.state() == ConnectionState::Connected
}

/// Drives `a` and `b` over a zero-latency network, jumping the clock to the next timer, until
/// `done(a, b)` or nothing is left to do; `a`'s calls go through `meter`. Returns the virtual
/// time reached. Signal first ([`signal`] both ways).
pub fn drive<M: Meter>(
    a: &mut Side,
    b: &mut Side,
    mut now: Instant,
    meter: &mut M,
    mut done: impl FnMut(&Side, &Side, Instant) -> bool,
) -> Instant {
    for _ in 0..1_000_000 {
        let moved = deliver(a, b, true, now, meter) | deliver(b, a, false, now, meter);
        // Events (a selected pair, state changes) are not needed here; drop them as they come.
        meter.run(|| while a.agent.poll_event().is_some() {});
        while b.agent.poll_event().is_some() {}
        if done(a, b, now) {
            break;
        }
        if !moved {
            let next = meter.run(|| a.agent.poll_timeout());
            let Some(next) = [next, b.agent.poll_timeout()].into_iter().flatten().min() else {
                break;
            };
            now = now.max(next);
            meter.run(|| a.agent.handle_timeout(now));
            b.agent.handle_timeout(now);
        }
    }
    now
}

/// Signals both ways and drives `a` and `b` until both are connected; the virtual time then.
///
/// # Panics
/// When they do not connect.
pub fn connect<M: Meter>(a: &mut Side, b: &mut Side, now: Instant, meter: &mut M) -> Instant {
    signal(a, b, now, meter, &mut Unmetered);
    signal(b, a, now, &mut Unmetered, meter);
    let t = drive(a, b, now, meter, |a, b, _| both_connected(a, b));
    assert!(both_connected(a, b), "the agents did not connect");
    t
}

/// The `i`-th address of the benchmarking range `198.18.0.0/15` (RFC 2544), port 5000.
///
/// # Panics
/// Past the end of the range.
#[must_use]
pub fn bench_addr(i: u32) -> SocketAddr {
    let base = u32::from(Ipv4Addr::new(198, 18, 0, 0));
    assert!(i + 1 < 1 << 17, "198.18.0.0/15 has 2^17 addresses");
    SocketAddr::new(Ipv4Addr::from(base + i + 1).into(), 5000)
}

/// What a [`Fleet`] run took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetRun {
    /// Virtual time from the start until every agent of every pair reported a selected pair.
    pub virtual_time: Duration,
    /// Datagrams delivered.
    pub datagrams: u64,
    /// Timer expiries handled (`handle_timeout` calls).
    pub timeouts: u64,
}

/// A datagram delivered by a [`Wire`]: the receiving agent and the datagram as it arrived.
pub type Delivery<P> = (u32, Outbound<P>);

/// The network a [`Fleet`] runs over, carrying datagrams in buffers of type `P`; agents are
/// numbered from 0.
pub trait Wire<P> {
    /// Gives agent `i` an address (called once per agent, in order).
    fn attach(&mut self, i: u32) -> SocketAddr;
    /// Agent `from` sends `t` at `now`.
    fn send(&mut self, now: Instant, from: u32, t: Outbound<P>);
    /// When the next datagram arrives.
    fn poll_timeout(&self) -> Option<Instant>;
    /// The next datagram that arrived by `now`, with `source` and `destination` as the
    /// receiver sees them.
    fn poll_delivery(&mut self, now: Instant) -> Option<Delivery<P>>;
}

/// A network that delivers every datagram after a fixed one-way latency, in the order sent: a
/// FIFO (with one latency and a clock that never goes back, the order of sending is the order
/// of arrival). Agent `i` is at [`bench_addr`]`(i)`; datagrams to other addresses are lost.
#[derive(Debug)]
pub struct FifoWire<P> {
    latency: Duration,
    by_addr: HashMap<SocketAddr, u32>,
    queue: VecDeque<(Instant, u32, Outbound<P>)>,
}

impl<P> FifoWire<P> {
    /// A FIFO network with this one-way latency.
    #[must_use]
    pub fn new(latency: Duration) -> Self {
        Self {
            latency,
            by_addr: HashMap::new(),
            // Room for the datagrams of a few pairs in flight, so that a small run allocates
            // nothing in the wire once started.
            queue: VecDeque::with_capacity(256),
        }
    }
}

impl<P> Wire<P> for FifoWire<P> {
    fn attach(&mut self, i: u32) -> SocketAddr {
        let addr = bench_addr(i);
        self.by_addr.insert(addr, i);
        addr
    }

    fn send(&mut self, now: Instant, _from: u32, t: Outbound<P>) {
        if let Some(&to) = self.by_addr.get(&t.destination) {
            self.queue.push_back((now + self.latency, to, t));
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.queue.front().map(|(at, ..)| *at)
    }

    fn poll_delivery(&mut self, now: Instant) -> Option<Delivery<P>> {
        if self.queue.front().is_some_and(|(at, ..)| *at <= now) {
            let (_, to, t) = self.queue.pop_front()?;
            return Some((to, t));
        }
        None
    }
}

/// floe-netsim as a [`Wire`] (Floe's buffers only): every agent on its own host behind one
/// full-cone NAT (one realm, so the hosts reach each other at their private addresses in
/// `198.18.0.0/15`), one link of fixed latency.
#[derive(Debug)]
pub struct NetsimWire {
    net: Network,
    nat: NatId,
    hosts: Vec<HostId>,
    by_host: HashMap<HostId, u32>,
}

impl NetsimWire {
    /// A network with this seed and one-way latency; its clock starts at `epoch`.
    #[must_use]
    pub fn new(seed: u64, latency: Duration, epoch: Instant) -> Self {
        let mut net = Network::with_epoch(seed, epoch);
        net.set_link(LinkConfig::new(latency));
        let nat = net.add_nat(NatConfig::full_cone());
        Self {
            net,
            nat,
            hosts: Vec::new(),
            by_host: HashMap::new(),
        }
    }
}

impl Wire<Bytes> for NetsimWire {
    fn attach(&mut self, i: u32) -> SocketAddr {
        let host = self.net.add_host(HostConfig::behind(self.nat));
        self.hosts.push(host);
        self.by_host.insert(host, i);
        self.net.host_addr(host)
    }

    fn send(&mut self, now: Instant, from: u32, t: Outbound<Bytes>) {
        let t = Transmit {
            transport: Transport::Udp,
            source: Some(t.source),
            destination: t.destination,
            contents: t.contents,
        };
        self.net
            .send(now, self.hosts[from as usize], t)
            .expect("the agent sends from its host");
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.net.poll_timeout()
    }

    fn poll_delivery(&mut self, now: Instant) -> Option<Delivery<Bytes>> {
        let d = self.net.poll_delivery(now)?;
        let to = *self.by_host.get(&d.host).expect("a host of the fleet");
        let t = Outbound {
            source: d.five_tuple.remote,
            destination: d.five_tuple.local,
            contents: d.contents,
        };
        Some((to, t))
    }
}

/// Many controlling/controlled pairs of agents of one crate (any [`IceUnderTest`]), all live
/// at once on one virtual clock, each agent with one host candidate at a distinct address, over
/// a [`Wire`]. Agent `2k` is the controlling side of pair `k`, `2k + 1` the controlled side.
///
/// The loop: every agent gets `handle_timeout(start)`; then the clock jumps to the earliest of
/// the wire's next delivery and the agents' `poll_timeout`; due datagrams are delivered (or the
/// earliest timer handled), and after every call into an agent its transmits go onto the wire,
/// its next timeout is read and its events are drained. One pair is a fleet of one.
#[derive(Debug)]
pub struct Fleet<U, W> {
    start: Instant,
    now: Instant,
    wire: W,
    agents: Vec<U>,
    /// Agents' next timeouts, earliest first; an entry is stale unless it equals `due[i]`.
    timers: BinaryHeap<Reverse<(Instant, u32)>>,
    due: Vec<Option<Instant>>,
    connected: Vec<bool>,
    connected_count: usize,
    datagrams: u64,
    timeouts: u64,
}

impl<U: IceUnderTest, W: Wire<U::Packet>> Fleet<U, W> {
    /// `pairs` pairs on `wire`, signalled (credentials and candidates exchanged in memory) at
    /// `start`, each agent's first `handle_timeout` made.
    #[must_use]
    pub fn new(pairs: u32, mut wire: W, start: Instant) -> Self {
        let n = pairs * 2;
        let mut agents = Vec::with_capacity(n as usize);
        for i in 0..n {
            let addr = wire.attach(i);
            agents.push(U::new(i % 2 == 0, u64::from(i), addr, start));
        }
        for pair in agents.chunks_exact_mut(2) {
            let [a, b] = pair else { unreachable!() };
            let offer_a = a.offer(start);
            let offer_b = b.offer(start);
            b.answer(start, offer_a);
            a.answer(start, offer_b);
        }
        let mut fleet = Self {
            start,
            now: start,
            wire,
            agents,
            // Room for several stale entries per agent, so that a small run does not grow it.
            timers: BinaryHeap::with_capacity((n as usize * 8).max(1024)),
            due: vec![None; n as usize],
            connected: vec![false; n as usize],
            connected_count: 0,
            datagrams: 0,
            timeouts: 0,
        };
        for i in 0..n {
            fleet.agents[i as usize].handle_timeout(start);
            fleet.after_call(i);
        }
        fleet
    }

    /// The agents (`2k`: controlling side of pair `k`).
    #[must_use]
    pub fn agents(&self) -> &[U] {
        &self.agents
    }

    /// The agents, to take them out after a run (`2k`: controlling side of pair `k`).
    #[must_use]
    pub fn into_agents(self) -> Vec<U> {
        self.agents
    }

    /// The virtual time now.
    #[must_use]
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Whether every agent has reported a selected pair.
    #[must_use]
    pub fn all_connected(&self) -> bool {
        self.connected_count == self.agents.len()
    }

    /// After a call into agent `i`: its transmits onto the wire, its next timeout scheduled,
    /// its events drained and a selected pair noted.
    fn after_call(&mut self, i: u32) {
        let now = self.now;
        let agent = &mut self.agents[i as usize];
        while let Some(t) = agent.poll_transmit(now) {
            self.wire.send(now, i, t);
        }
        let next = agent.poll_timeout(now);
        if agent.poll_selected(now) && !self.connected[i as usize] {
            self.connected[i as usize] = true;
            self.connected_count += 1;
        }
        if next != self.due[i as usize] {
            self.due[i as usize] = next;
            if let Some(t) = next {
                self.timers.push(Reverse((t, i)));
            }
        }
    }

    /// Runs until every agent has reported a selected pair.
    ///
    /// # Panics
    /// When `limit` of virtual time passes, or nothing is left to do, before every agent is
    /// connected.
    pub fn run_until_connected(&mut self, limit: Duration) -> FleetRun {
        let deadline = self.start + limit;
        self.run(|fleet| fleet.all_connected() || fleet.now > deadline);
        assert!(
            self.all_connected(),
            "{} of {} agents connected after {limit:?}",
            self.connected_count,
            self.agents.len()
        );
        FleetRun {
            virtual_time: self.now - self.start,
            datagrams: self.datagrams,
            timeouts: self.timeouts,
        }
    }

    /// Runs on until the clock has reached `until` (e.g. to let connected agents idle).
    pub fn run_until(&mut self, until: Instant) {
        self.run(|fleet| fleet.next_event().is_none_or(|next| next > until));
        self.now = self.now.max(until);
    }

    /// The time of the next delivery or timer (stale timer entries dropped on the way).
    fn next_event(&mut self) -> Option<Instant> {
        while let Some(&Reverse((t, i))) = self.timers.peek() {
            if self.due[i as usize] == Some(t) {
                break;
            }
            self.timers.pop();
        }
        let wire = self.wire.poll_timeout();
        let timer = self.timers.peek().map(|Reverse((t, _))| *t);
        match (wire, timer) {
            (Some(w), Some(t)) => Some(w.min(t)),
            (w, t) => w.or(t),
        }
    }

    /// Handles deliveries and timers in time order until `stop`.
    fn run(&mut self, mut stop: impl FnMut(&mut Self) -> bool) {
        while !stop(self) {
            let Some(next) = self.next_event() else {
                panic!("idle with {} agents connected", self.connected_count)
            };
            self.now = self.now.max(next);
            if self.wire.poll_timeout() == Some(next) {
                while let Some((to, t)) = self.wire.poll_delivery(self.now) {
                    self.agents[to as usize].handle_datagram(
                        self.now,
                        t.source,
                        t.destination,
                        t.contents.as_ref(),
                    );
                    drop(t);
                    self.datagrams += 1;
                    self.after_call(to);
                }
            } else {
                let Reverse((_, i)) = self.timers.pop().expect("a timer");
                self.due[i as usize] = None;
                self.agents[i as usize].handle_timeout(self.now);
                self.timeouts += 1;
                self.after_call(i);
            }
        }
    }
}
