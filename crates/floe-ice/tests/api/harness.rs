//! Two agents on a seeded in-memory network: fixed latency, random loss, a drop filter, a
//! virtual clock that jumps to the next delivery or timer, and signalling (credentials and
//! trickled candidates) that the harness carries itself.

use core::cmp::Reverse;
use core::net::SocketAddr;
use core::time::Duration;
use std::collections::BinaryHeap;
use std::time::Instant;

use floe_ice::{
    ConnectionState, FiveTuple, IceAgent, IceConfig, IceEvent, Role, StreamId, Transmit, Transport,
};
use rand::{RngExt as _, SeedableRng as _};
use rand_chacha::ChaCha20Rng;

/// One side.
pub(crate) struct Peer {
    pub(crate) agent: IceAgent,
    pub(crate) stream: StreamId,
    pub(crate) addrs: Vec<SocketAddr>,
    pub(crate) events: Vec<(Duration, IceEvent)>,
}

/// A filter: `(from peer index, transmit) -> drop?`.
pub(crate) type Filter = Box<dyn FnMut(usize, &Transmit, Duration) -> bool>;

pub(crate) struct Sim {
    pub(crate) start: Instant,
    pub(crate) now: Instant,
    pub(crate) peers: [Peer; 2],
    /// (delivery time, sequence, to peer, flow as the receiver sees it, bytes)
    queue: BinaryHeap<Reverse<InFlight>>,
    seq: u64,
    rng: ChaCha20Rng,
    pub(crate) latency: Duration,
    pub(crate) loss: f64,
    pub(crate) filter: Filter,
    /// Candidates of one side are handed to the other after this delay (None: never).
    pub(crate) signal_delay: Option<Duration>,
    pending_signals: Vec<(Instant, usize, floe_ice_candidate::Candidate<'static>)>,
    /// Every delivered datagram and event, for determinism checks.
    pub(crate) trace: Vec<String>,
    pub(crate) data: Vec<(usize, Vec<u8>)>,
    /// The mDNS names the agents registered, the harness's responder.
    pub(crate) names: Vec<(String, core::net::IpAddr)>,
}

/// A datagram on its way: delivery time, sequence, receiving peer, flow, bytes.
type InFlight = (Instant, u64, usize, FiveTupleKey, Vec<u8>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct FiveTupleKey(SocketAddr, SocketAddr);

pub(crate) fn config(role: Role, seed: u8) -> IceConfig {
    let mut c = IceConfig::new(role);
    c.rng_seed = Some([seed; 32]);
    c
}

impl Sim {
    /// Two agents, each with `components` components and its host addresses.
    pub(crate) fn new(
        a: IceConfig,
        b: IceConfig,
        addrs: [&[&str]; 2],
        components: u16,
        seed: u64,
    ) -> Self {
        let start = Instant::now();
        let make = |config: IceConfig, addrs: &[&str]| {
            let mut agent = IceAgent::new(config, start);
            let stream = agent.add_stream(components).unwrap();
            let addrs: Vec<SocketAddr> = addrs.iter().map(|a| a.parse().unwrap()).collect();
            for c in 1..=components {
                for a in &addrs {
                    let mut a = *a;
                    a.set_port(a.port() + c - 1);
                    agent.add_local_address(stream, c, a).unwrap();
                }
            }
            let all = addrs
                .iter()
                .flat_map(|a| (0..components).map(move |c| SocketAddr::new(a.ip(), a.port() + c)))
                .collect();
            Peer {
                agent,
                stream,
                addrs: all,
                events: Vec::new(),
            }
        };
        let peers = [make(a, addrs[0]), make(b, addrs[1])];
        let mut sim = Self {
            start,
            now: start,
            peers,
            queue: BinaryHeap::new(),
            seq: 0,
            rng: ChaCha20Rng::seed_from_u64(seed),
            latency: Duration::from_millis(10),
            loss: 0.0,
            filter: Box::new(|_, _, _| false),
            signal_delay: Some(Duration::ZERO),
            pending_signals: Vec::new(),
            trace: Vec::new(),
            data: Vec::new(),
            names: Vec::new(),
        };
        for p in &mut sim.peers {
            p.agent.gather(start);
        }
        sim
    }

    /// Exchanges credentials now (candidates are carried as they appear).
    pub(crate) fn exchange_credentials(&mut self) {
        let (ca, cb) = (
            self.peers[0].agent.local_credentials().clone(),
            self.peers[1].agent.local_credentials().clone(),
        );
        self.peers[0].agent.set_remote_credentials(self.now, cb);
        self.peers[1].agent.set_remote_credentials(self.now, ca);
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    fn owner(&self, addr: SocketAddr) -> Option<usize> {
        self.peers.iter().position(|p| p.addrs.contains(&addr))
    }

    /// Moves transmits into the network, events into the log, candidates into signalling.
    fn drain(&mut self) {
        for i in 0..2 {
            while let Some(t) = self.peers[i].agent.poll_transmit() {
                let elapsed = self.now - self.start;
                if (self.filter)(i, &t, elapsed) || self.rng.random_bool(self.loss) {
                    continue;
                }
                let Some(to) = self.owner(t.destination) else {
                    continue;
                };
                self.seq += 1;
                let key = FiveTupleKey(t.destination, t.source.unwrap());
                self.queue.push(Reverse((
                    self.now + self.latency,
                    self.seq,
                    to,
                    key,
                    t.contents.to_vec(),
                )));
            }
            while let Some(e) = self.peers[i].agent.poll_event() {
                self.trace
                    .push(format!("{:?} {i} {e:?}", self.now - self.start));
                if let IceEvent::LocalCandidate { candidate, .. } = &e
                    && let Some(delay) = self.signal_delay
                {
                    self.pending_signals
                        .push((self.now + delay, 1 - i, candidate.clone()));
                }
                if let IceEvent::RegisterName { name, address } = &e {
                    self.names.push((name.clone(), *address));
                }
                if let IceEvent::ResolveName { name } = &e {
                    let address = self.names.iter().find(|(n, _)| n == name).map(|(_, a)| *a);
                    let now = self.now;
                    self.peers[i].agent.resolved(now, name, address);
                }
                self.peers[i].events.push((self.now - self.start, e));
            }
        }
    }

    fn deliver_signals(&mut self) {
        let now = self.now;
        let due: Vec<_> = self
            .pending_signals
            .iter()
            .filter(|(t, ..)| *t <= now)
            .cloned()
            .collect();
        self.pending_signals.retain(|(t, ..)| *t > now);
        for (_, to, c) in due {
            let stream = self.peers[to].stream;
            let _ = self.peers[to].agent.add_remote_candidate(now, stream, &c);
        }
    }

    /// One step: deliver what is due, else jump to the next delivery, signal or timer.
    /// Returns false when nothing is left to do.
    pub(crate) fn step(&mut self) -> bool {
        self.drain();
        self.deliver_signals();
        // Signalling may raise events (a name to resolve) that must be seen before sleeping.
        self.drain();
        if let Some(Reverse((at, ..))) = self.queue.peek()
            && *at <= self.now
        {
            let Reverse((_, _, to, FiveTupleKey(local, remote), bytes)) = self.queue.pop().unwrap();
            self.trace.push(format!(
                "{:?} deliver {to} {remote}->{local} {}",
                self.now - self.start,
                bytes.len()
            ));
            let flow = FiveTuple::new(Transport::Udp, local, remote);
            if let Ok(Some(r)) = self.peers[to].agent.handle_receive(self.now, flow, &bytes) {
                self.data.push((to, r.data.to_vec()));
            }
            return true;
        }
        let next = [
            self.queue.peek().map(|Reverse((t, ..))| *t),
            self.pending_signals.iter().map(|(t, ..)| *t).min(),
            self.peers[0].agent.poll_timeout(),
            self.peers[1].agent.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next else {
            return false;
        };
        self.now = self.now.max(next);
        for p in &mut self.peers {
            p.agent.handle_timeout(self.now);
            assert_no_timer_due(&p.agent, self.now, self.start);
        }
        true
    }

    /// Steps until `done` or until `limit` of virtual time since the start has passed
    /// (bounded in steps too).
    pub(crate) fn run_until(
        &mut self,
        limit: Duration,
        mut done: impl FnMut(&Self) -> bool,
    ) -> bool {
        for _ in 0..2_000_000 {
            if done(self) {
                self.drain();
                return true;
            }
            if self.now - self.start > limit || !self.step() {
                self.drain();
                return done(self);
            }
        }
        panic!("2,000,000 steps without reaching the limit: the agents spin");
    }

    pub(crate) fn both_connected(&self) -> bool {
        self.peers
            .iter()
            .all(|p| p.agent.state() == ConnectionState::Connected)
    }

    /// Runs until both are connected, within `limit`.
    pub(crate) fn connect(&mut self, limit: Duration) {
        self.exchange_credentials();
        assert!(
            self.run_until(limit, Self::both_connected),
            "not connected after {:?}: {:?} / {:?}\n{:#?}",
            self.elapsed(),
            self.peers[0].agent.state(),
            self.peers[1].agent.state(),
            self.peers[0].agent.pairs()
        );
    }
}

/// Handled timers are gone: after `handle_timeout(now)` nothing may still be due, or a driver
/// that waits for the next timer would spin.
pub(crate) fn assert_no_timer_due(agent: &IceAgent, now: Instant, start: Instant) {
    assert!(
        agent.poll_timeout().is_none_or(|t| t > now),
        "a timer stays due at {:?}",
        now - start
    );
}
