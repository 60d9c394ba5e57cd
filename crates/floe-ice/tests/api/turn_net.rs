//! Two agents and a floe-turn `Server` in process, for TURN over TCP/TLS: agent A reaches the
//! server only over a stream (its UDP is firewalled, so it has no direct path), agent B is on
//! a public address with host candidates only. The harness is A's and B's embedder: it opens
//! A's streams when asked (or fails them, or ignores the request), frames A's bytes for the
//! server, and delivers the server's bytes to A whole, one byte at a time, or several
//! transmits coalesced into one read. A virtual clock jumps to the next delivery or timer.

use core::net::SocketAddr;
use core::time::Duration;
use std::collections::HashMap;
use std::time::Instant;

use floe_ice::{
    ConnectionState, FiveTuple, IceAgent, IceEvent, Role, StreamId, Transport, TurnServer,
    TurnStreamId,
};
use floe_turn::{
    IpPrefix, RelayGrant, Server, ServerConfig, ServerEvent, StaticCredentials, StreamFramer,
};

use crate::harness::config;

pub(crate) const SERVER: &str = "192.0.2.1:3478";
pub(crate) const A_HOST: &str = "198.51.100.1:5000";
pub(crate) const B_HOST: &str = "203.0.113.2:6000";

pub(crate) fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// How the server's bytes reach A's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chunking {
    /// One read per transmit.
    Whole,
    /// One read per byte.
    ByteAtATime,
    /// Every transmit due at the same instant in one read.
    Coalesced,
}

/// What A's embedder does when asked for a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    Connect,
    Fail,
    Ignore,
}

/// Something on its way.
#[derive(Debug, Clone)]
enum Packet {
    /// Stream bytes from A to the server (`flow` as the server sees it).
    ToServer { flow: FiveTuple, bytes: Vec<u8> },
    /// Stream bytes from the server to A (`flow` as A sees it).
    ToA { flow: FiveTuple, bytes: Vec<u8> },
    /// A UDP datagram from the relay to B.
    ToB { flow: FiveTuple, bytes: Vec<u8> },
    /// A UDP datagram from B to the server's relay socket.
    ToRelay {
        relay: SocketAddr,
        peer: SocketAddr,
        bytes: Vec<u8>,
    },
    /// A's embedder finishes opening a stream (connected or failed).
    Connect {
        id: TurnStreamId,
        local: SocketAddr,
        ok: bool,
    },
}

/// A stream A's embedder holds open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Open {
    pub(crate) id: TurnStreamId,
    pub(crate) local: SocketAddr,
    pub(crate) server: SocketAddr,
    pub(crate) transport: Transport,
}

pub(crate) struct TurnNet {
    pub(crate) start: Instant,
    pub(crate) now: Instant,
    pub(crate) a: IceAgent,
    pub(crate) sa: StreamId,
    pub(crate) b: IceAgent,
    pub(crate) sb: StreamId,
    pub(crate) server: Server<StaticCredentials>,
    pub(crate) chunking: Chunking,
    pub(crate) answer: Answer,
    pub(crate) latency: Duration,
    /// Streams A's embedder opened and has not closed.
    pub(crate) open: Vec<Open>,
    /// Every event of A and B.
    pub(crate) events_a: Vec<IceEvent>,
    pub(crate) events_b: Vec<IceEvent>,
    /// Application data received by A (through `poll_received`) and by B.
    pub(crate) data_a: Vec<Vec<u8>>,
    pub(crate) data_b: Vec<Vec<u8>>,
    /// Every byte A wrote on its streams, and every byte it read from them, in order.
    pub(crate) a_wrote: Vec<u8>,
    pub(crate) a_read: Vec<u8>,
    /// Transmits of A that were not on a stream (dropped by its firewall).
    pub(crate) a_udp_dropped: usize,
    /// Errors `handle_receive` returned to A's embedder.
    pub(crate) a_errors: Vec<floe_ice::IceError>,
    /// Reads A's embedder made from its streams.
    pub(crate) a_reads: usize,
    queue: Vec<(Instant, u64, Packet)>,
    seq: u64,
    framers: HashMap<SocketAddr, StreamFramer>,
    next_relay_port: u16,
    next_local_port: u16,
    out: Vec<u8>,
}

impl TurnNet {
    /// A reaches `SERVER` over `transport`.
    pub(crate) fn new(transport: Transport, seed: u8) -> Self {
        Self::with_password(transport, seed, "secret")
    }

    /// A reaches `SERVER` over `transport` with `password` (the server knows `secret`).
    pub(crate) fn with_password(transport: Transport, seed: u8, password: &str) -> Self {
        let start = Instant::now();
        let mut a = IceAgent::new(config(Role::Controlling, seed), start);
        let sa = a.add_stream(1).unwrap();
        a.add_local_address(sa, 1, addr(A_HOST)).unwrap();
        a.add_turn_server(
            TurnServer::new(addr(SERVER), "alice", password).with_transport(transport),
        );
        let mut b = IceAgent::new(config(Role::Controlled, seed.wrapping_add(1)), start);
        let sb = b.add_stream(1).unwrap();
        b.add_local_address(sb, 1, addr(B_HOST)).unwrap();
        let mut sc = ServerConfig::new("example.org");
        sc.rng_seed = Some([seed; 32]);
        sc.peer_policy = sc
            .peer_policy
            .clone()
            .allow(IpPrefix::new("203.0.113.0".parse().unwrap(), 24));
        let users = StaticCredentials::new().with_user("alice", "secret");
        let mut net = Self {
            start,
            now: start,
            a,
            sa,
            b,
            sb,
            server: Server::new(sc, users, start),
            chunking: Chunking::Whole,
            answer: Answer::Connect,
            latency: Duration::from_millis(10),
            open: Vec::new(),
            events_a: Vec::new(),
            events_b: Vec::new(),
            data_a: Vec::new(),
            data_b: Vec::new(),
            a_wrote: Vec::new(),
            a_read: Vec::new(),
            a_udp_dropped: 0,
            a_errors: Vec::new(),
            a_reads: 0,
            queue: Vec::new(),
            seq: 0,
            framers: HashMap::new(),
            next_relay_port: 49152,
            next_local_port: 40000,
            out: Vec::new(),
        };
        let ca = net.a.local_credentials().clone();
        let cb = net.b.local_credentials().clone();
        net.a.set_remote_credentials(start, cb);
        net.b.set_remote_credentials(start, ca);
        net.a.gather(start);
        net.b.gather(start);
        net
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    fn push(&mut self, at: Instant, p: Packet) {
        // Coalesced: server bytes due at the same instant on the same stream are one read.
        if self.chunking == Chunking::Coalesced
            && let Packet::ToA { flow, bytes } = &p
            && let Some((_, _, Packet::ToA { bytes: b, .. })) = self
                .queue
                .iter_mut()
                .find(|(t, _, q)| *t == at && matches!(q, Packet::ToA { flow: f, .. } if f == flow))
        {
            b.extend_from_slice(bytes);
            return;
        }
        self.seq += 1;
        self.queue.push((at, self.seq, p));
    }

    /// Moves transmits into the network, handles events and requests.
    fn drain(&mut self) {
        let at = self.now + self.latency;
        while let Some(t) = self.a.poll_transmit() {
            if !t.transport.is_stream() {
                self.a_udp_dropped += 1;
                continue;
            }
            self.a_wrote.extend_from_slice(&t.contents);
            let flow = FiveTuple::new(t.transport, t.destination, t.source.unwrap());
            self.push(
                at,
                Packet::ToServer {
                    flow,
                    bytes: t.contents.to_vec(),
                },
            );
        }
        while let Some(e) = self.a.poll_event() {
            match &e {
                IceEvent::LocalCandidate { candidate, .. } => {
                    let _ = self.b.add_remote_candidate(self.now, self.sb, candidate);
                }
                IceEvent::ConnectTurnStream {
                    id,
                    server,
                    transport,
                    local_ip,
                } => {
                    let local = SocketAddr::new(*local_ip, self.next_local_port);
                    self.next_local_port += 1;
                    let ok = self.answer == Answer::Connect;
                    if ok {
                        self.open.push(Open {
                            id: *id,
                            local,
                            server: *server,
                            transport: *transport,
                        });
                    }
                    if self.answer != Answer::Ignore {
                        self.push(at, Packet::Connect { id: *id, local, ok });
                    }
                }
                IceEvent::CloseTurnStream { id } => self.close_stream(*id),
                _ => {}
            }
            self.events_a.push(e);
        }
        while let Some(r) = self.a.poll_received() {
            self.data_a.push(r.data.to_vec());
        }
        while let Some(t) = self.b.poll_transmit() {
            // B's only way to A is A's relayed address, on the server.
            if t.destination.ip() == addr(SERVER).ip() {
                let (relay, peer, bytes) = (t.destination, t.source.unwrap(), t.contents.to_vec());
                self.push(at, Packet::ToRelay { relay, peer, bytes });
            }
        }
        while let Some(e) = self.b.poll_event() {
            if let IceEvent::LocalCandidate { candidate, .. } = &e {
                let _ = self.a.add_remote_candidate(self.now, self.sa, candidate);
            }
            self.events_b.push(e);
        }
        while let Some(e) = self.server.poll_event() {
            if let ServerEvent::RelayRequested(req) = e {
                let relayed = SocketAddr::new(addr(SERVER).ip(), self.next_relay_port);
                self.next_relay_port += 2;
                let grant = RelayGrant {
                    relayed,
                    additional: None,
                };
                self.server.provide_relay(self.now, req.id, Ok(grant));
            }
        }
        while let Some(t) = self.server.poll_transmit() {
            let flow = FiveTuple::new(t.transport, t.destination, t.source.unwrap_or(addr(SERVER)));
            let bytes = t.contents.to_vec();
            self.push(at, Packet::ToA { flow, bytes });
        }
    }

    /// A's embedder closes stream `id` (the server drops its allocation with it).
    pub(crate) fn close_stream(&mut self, id: TurnStreamId) {
        if let Some(i) = self.open.iter().position(|o| o.id == id) {
            let o = self.open.remove(i);
            let ft = FiveTuple::new(o.transport, o.server, o.local);
            self.server.connection_closed(self.now, &ft);
            self.framers.remove(&o.local);
        }
    }

    /// The flow A's stream `o` is seen on by A.
    pub(crate) fn flow_of(o: &Open) -> FiveTuple {
        FiveTuple::new(o.transport, o.local, o.server)
    }

    /// Delivers bytes of a stream to A as the chunking says.
    pub(crate) fn read_a(&mut self, flow: FiveTuple, bytes: &[u8]) {
        self.a_read.extend_from_slice(bytes);
        let pieces: Vec<&[u8]> = match self.chunking {
            Chunking::ByteAtATime => bytes.chunks(1).collect(),
            _ => vec![bytes],
        };
        for piece in pieces {
            self.a_reads += 1;
            if let Err(e) = self.a.handle_receive(self.now, flow, piece) {
                self.a_errors.push(e);
            }
        }
    }

    fn deliver(&mut self, p: Packet) {
        let now = self.now;
        match p {
            Packet::ToServer { flow, bytes } => {
                let framer = self.framers.entry(flow.remote).or_default();
                framer.push(&bytes);
                let mut frames = Vec::new();
                while let Ok(Some((_, f))) = framer.pop() {
                    frames.push(f.to_vec());
                }
                for f in frames {
                    if let Some(out) = self.server.handle_receive(now, flow, &f) {
                        let flow = FiveTuple::new(Transport::Udp, out.peer, out.relay);
                        let bytes = out.data.to_vec();
                        let at = now + self.latency;
                        self.push(at, Packet::ToB { flow, bytes });
                    }
                }
            }
            Packet::ToA { flow, bytes } => {
                // Bytes of a stream A's embedder closed meanwhile are lost with it.
                if self.open.iter().any(|o| Self::flow_of(o) == flow) {
                    self.read_a(flow, &bytes);
                }
            }
            Packet::ToB { flow, bytes } => {
                if flow.local == addr(B_HOST)
                    && let Ok(Some(r)) = self.b.handle_receive(now, flow, &bytes)
                {
                    self.data_b.push(r.data.to_vec());
                }
            }
            Packet::ToRelay { relay, peer, bytes } => {
                let mut out = core::mem::take(&mut self.out);
                if let Some(t) = self
                    .server
                    .handle_peer_data(now, relay, peer, &bytes, &mut out)
                {
                    let ft = t.five_tuple;
                    let flow = FiveTuple::new(ft.transport, ft.remote, ft.local);
                    let at = now + self.latency;
                    self.push(
                        at,
                        Packet::ToA {
                            flow,
                            bytes: out.clone(),
                        },
                    );
                }
                self.out = out;
            }
            Packet::Connect { id, local, ok } => {
                let r = if ok {
                    self.a.turn_stream_connected(now, id, local)
                } else {
                    self.a.turn_stream_failed(now, id)
                };
                if let Err(e) = r {
                    self.a_errors.push(e);
                }
            }
        }
    }

    /// One step: deliver what is due, else jump to the next delivery or timer (not past
    /// `limit`). False when nothing is left before `limit`.
    pub(crate) fn step(&mut self, limit: Instant) -> bool {
        self.drain();
        let first = (0..self.queue.len()).min_by_key(|&i| (self.queue[i].0, self.queue[i].1));
        if let Some(i) = first
            && self.queue[i].0 <= self.now
        {
            let (_, _, p) = self.queue.remove(i);
            self.deliver(p);
            return true;
        }
        let next = [
            first.map(|i| self.queue[i].0),
            self.a.poll_timeout(),
            self.b.poll_timeout(),
            self.server.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next.filter(|t| *t <= limit) else {
            self.now = self.now.max(limit);
            return false;
        };
        self.now = self.now.max(next);
        self.a.handle_timeout(self.now);
        self.b.handle_timeout(self.now);
        self.server.handle_timeout(self.now);
        for agent in [&self.a, &self.b] {
            crate::harness::assert_no_timer_due(agent, self.now, self.start);
        }
        true
    }

    /// Steps until `done` or `limit` of virtual time has passed.
    pub(crate) fn run_until(
        &mut self,
        limit: Duration,
        mut done: impl FnMut(&Self) -> bool,
    ) -> bool {
        let until = self.start + limit;
        for _ in 0..1_000_000 {
            if done(self) {
                self.drain();
                return true;
            }
            if self.now >= until || !self.step(until) {
                self.drain();
                return done(self);
            }
        }
        panic!("1,000,000 steps: the agents spin");
    }

    /// Runs for `d` of virtual time (and no further).
    pub(crate) fn run_for(&mut self, d: Duration) {
        let until = self.elapsed() + d;
        self.run_until(until, |_| false);
    }

    pub(crate) fn both_connected(&self) -> bool {
        self.a.state() == ConnectionState::Connected && self.b.state() == ConnectionState::Connected
    }

    /// Runs until both are connected, within 30 s.
    pub(crate) fn connect(&mut self) {
        assert!(
            self.run_until(Duration::from_secs(30), Self::both_connected),
            "not connected after {:?}: {:?} / {:?}\n{:#?}\n{:#?}",
            self.elapsed(),
            self.a.state(),
            self.b.state(),
            self.a.pairs(),
            self.events_a
        );
    }

    /// A sends `data` on its selected pair (the transmit goes on its stream).
    pub(crate) fn a_sends(&mut self, data: &[u8]) -> floe_ice::Transmit {
        let t = self.a.send(self.sa, 1, data).unwrap();
        assert!(t.transport.is_stream(), "{t:?}");
        self.a_wrote.extend_from_slice(&t.contents);
        let flow = FiveTuple::new(t.transport, t.destination, t.source.unwrap());
        let at = self.now + self.latency;
        self.push(
            at,
            Packet::ToServer {
                flow,
                bytes: t.contents.to_vec(),
            },
        );
        t
    }

    /// B sends `data` on its selected pair (to A's relayed address).
    pub(crate) fn b_sends(&mut self, data: &[u8]) {
        let t = self.b.send(self.sb, 1, data).unwrap();
        let (relay, peer, bytes) = (t.destination, t.source.unwrap(), t.contents.to_vec());
        let at = self.now + self.latency;
        self.push(at, Packet::ToRelay { relay, peer, bytes });
    }

    /// The relayed candidates A signalled: (address, `a=candidate` line).
    pub(crate) fn relayed_candidates(&self) -> Vec<(SocketAddr, String)> {
        self.events_a
            .iter()
            .filter_map(|e| match e {
                IceEvent::LocalCandidate { candidate, .. }
                    if candidate.kind() == floe_ice_candidate::CandidateType::Relayed =>
                {
                    Some((candidate.socket_addr().unwrap(), candidate.to_string()))
                }
                _ => None,
            })
            .collect()
    }
}
