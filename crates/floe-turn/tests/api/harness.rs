//! An in-process network: one server, any number of clients, peers that record what reaches
//! them, and a virtual clock that jumps to the next timeout.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::collections::HashMap;
use std::time::Instant;

use floe_turn::{
    Client, ClientConfig, ClientError, CredentialLookup, FiveTuple, IpPrefix, ReceiveError,
    RelayGrant, Server, ServerConfig, ServerEvent, StaticCredentials, StreamFramer, Transport,
    TurnEvent,
};

pub(crate) const SERVER: &str = "192.0.2.1:3478";
/// A peer on a public address (the default policy refuses special ranges).
pub(crate) const PEER: &str = "1.2.3.4:7000";

pub(crate) fn server_addr() -> SocketAddr {
    SERVER.parse().unwrap()
}

pub(crate) fn peer() -> SocketAddr {
    PEER.parse().unwrap()
}

/// What the embedder does with relay requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelayPolicy {
    Grant,
    GrantDualStack,
    Refuse(floe_turn::RelayError),
}

pub(crate) struct Net<C> {
    pub(crate) now: Instant,
    pub(crate) server: Server<C>,
    pub(crate) clients: Vec<(SocketAddr, Client)>,
    transports: Vec<Transport>,
    pub(crate) events: Vec<(usize, TurnEvent)>,
    pub(crate) server_events: Vec<ServerEvent>,
    /// (relay, peer, payload) that left the server toward peers.
    pub(crate) at_peers: Vec<(SocketAddr, SocketAddr, Vec<u8>)>,
    /// (client, peer, payload, via channel) that reached clients.
    pub(crate) at_clients: Vec<(usize, SocketAddr, Vec<u8>, bool)>,
    pub(crate) relay_policy: RelayPolicy,
    next_port: u16,
    server_framers: HashMap<SocketAddr, StreamFramer>,
    scratch: Vec<u8>,
}

pub(crate) fn config() -> ServerConfig {
    let mut c = ServerConfig::new("example.org");
    c.rng_seed = Some([42; 32]);
    c.software = Some("floe-test".into());
    c.unix_time = 1_700_000_000;
    c.peer_policy = c
        .peer_policy
        .clone()
        .allow(IpPrefix::new("1.2.3.0".parse().unwrap(), 24));
    c
}

pub(crate) fn users() -> StaticCredentials {
    StaticCredentials::new()
        .with_user("alice", "secret")
        .with_user("bob", "hunter2")
}

impl Net<StaticCredentials> {
    pub(crate) fn new() -> Self {
        Self::with(config(), users())
    }
}

impl<C: CredentialLookup> Net<C> {
    pub(crate) fn with(config: ServerConfig, credentials: C) -> Self {
        let now = Instant::now();
        Self {
            now,
            server: Server::new(config, credentials, now),
            clients: Vec::new(),
            transports: Vec::new(),
            events: Vec::new(),
            server_events: Vec::new(),
            at_peers: Vec::new(),
            at_clients: Vec::new(),
            relay_policy: RelayPolicy::Grant,
            next_port: 49152,
            server_framers: HashMap::new(),
            scratch: Vec::new(),
        }
    }

    /// Adds a client at 198.51.100.N:50000 and returns its index.
    pub(crate) fn add_client(&mut self, user: &str, password: &str, transport: Transport) -> usize {
        let i = self.clients.len();
        let addr: SocketAddr = format!("198.51.100.{}:50000", i + 1).parse().unwrap();
        let mut cfg = ClientConfig::new(server_addr(), user, password);
        cfg.transport = transport;
        cfg.rng_seed = Some([i as u8 + 1; 32]);
        cfg.software = Some("floe-client".into());
        self.clients.push((addr, Client::new(cfg)));
        self.transports.push(transport);
        i
    }

    pub(crate) fn client(&mut self, i: usize) -> &mut Client {
        &mut self.clients[i].1
    }

    fn five_tuple(&self, i: usize) -> FiveTuple {
        FiveTuple {
            remote: self.clients[i].0,
            local: server_addr(),
            transport: self.transports[i],
        }
    }

    /// Moves every pending message once; returns whether anything moved.
    pub(crate) fn step(&mut self) -> bool {
        let mut moved = false;
        for i in 0..self.clients.len() {
            let ft = self.five_tuple(i);
            while let Some(t) = self.clients[i].1.poll_transmit() {
                moved = true;
                assert_eq!(t.destination, server_addr());
                self.deliver_to_server(ft, &t.contents);
            }
            while let Some(e) = self.clients[i].1.poll_event() {
                self.events.push((i, e));
            }
        }
        while let Some(e) = self.server.poll_event() {
            moved = true;
            if let ServerEvent::RelayRequested(req) = &e {
                let grant = match self.relay_policy {
                    RelayPolicy::Grant => Ok(self.grant(None)),
                    RelayPolicy::GrantDualStack => {
                        let v6 = format!("[2001:db8::1]:{}", self.next_port + 1)
                            .parse()
                            .unwrap();
                        Ok(self.grant(Some(v6)))
                    }
                    RelayPolicy::Refuse(e) => Err(e),
                };
                self.server.provide_relay(self.now, req.id, grant);
            }
            self.server_events.push(e);
        }
        while let Some(t) = self.server.poll_transmit() {
            moved = true;
            let i = self
                .clients
                .iter()
                .position(|(a, _)| *a == t.destination)
                .expect("to a client");
            let _ = self.deliver_to_client(i, &t.contents);
        }
        for i in 0..self.clients.len() {
            while let Some(e) = self.clients[i].1.poll_event() {
                moved = true;
                self.events.push((i, e));
            }
        }
        moved
    }

    /// Bytes from the client of `ft` reaching the server (framed on streams).
    fn deliver_to_server(&mut self, ft: FiveTuple, bytes: &[u8]) {
        if ft.transport.is_stream() {
            let framer = self.server_framers.entry(ft.remote).or_default();
            framer.push(bytes);
            let mut frames = Vec::new();
            while let Some((_, f)) = framer.pop().expect("client stream frames") {
                frames.push(f.to_vec());
            }
            for f in frames {
                self.server_input(ft, &f);
            }
        } else {
            self.server_input(ft, bytes);
        }
    }

    /// Bytes from the server reaching client `i`; peer data it hands back is recorded in
    /// `at_clients`.
    fn deliver_to_client(&mut self, i: usize, bytes: &[u8]) -> Result<(), ReceiveError> {
        let now = self.now;
        let client = &mut self.clients[i].1;
        let mut result = match client.handle_receive(now, server_addr(), bytes) {
            Ok(Some(r)) => {
                self.at_clients
                    .push((i, r.peer, r.data.to_vec(), r.via_channel));
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        loop {
            match client.poll_received(now) {
                Ok(Some(r)) => self
                    .at_clients
                    .push((i, r.peer, r.data.to_vec(), r.via_channel)),
                Ok(None) => break,
                Err(e) => result = Err(e),
            }
        }
        result
    }

    /// Client `i` sends `payload` to `peer` through the relay.
    pub(crate) fn client_sends(
        &mut self,
        i: usize,
        peer: SocketAddr,
        payload: &[u8],
    ) -> Result<(), ClientError> {
        let mut out = core::mem::take(&mut self.scratch);
        let sent = self.clients[i].1.send_to(peer, payload, &mut out);
        if sent.is_ok() {
            let ft = self.five_tuple(i);
            self.deliver_to_server(ft, &out);
        }
        self.scratch = out;
        sent
    }

    fn grant(&mut self, additional: Option<SocketAddr>) -> RelayGrant {
        let relayed = format!("192.0.2.1:{}", self.next_port).parse().unwrap();
        self.next_port += 2;
        RelayGrant {
            relayed,
            additional,
        }
    }

    fn server_input(&mut self, ft: FiveTuple, bytes: &[u8]) {
        if let Some(out) = self.server.handle_receive(self.now, ft, bytes) {
            self.at_peers.push((out.relay, out.peer, out.data.to_vec()));
        }
    }

    /// Steps until nothing moves (bounded).
    pub(crate) fn settle(&mut self) {
        for _ in 0..1000 {
            if !self.step() {
                return;
            }
        }
        panic!("the network did not settle");
    }

    /// Advances the clock to `until`, firing every timeout on the way.
    pub(crate) fn advance(&mut self, by: Duration) {
        let until = self.now + by;
        for _ in 0..100_000 {
            self.settle();
            let next = self
                .clients
                .iter()
                .filter_map(|(_, c)| c.poll_timeout())
                .chain(self.server.poll_timeout())
                .min();
            match next {
                Some(t) if t <= until => {
                    self.now = self.now.max(t);
                    for (_, c) in &mut self.clients {
                        c.handle_timeout(self.now);
                    }
                    self.server.handle_timeout(self.now);
                }
                _ => {
                    self.now = until;
                    for (_, c) in &mut self.clients {
                        c.handle_timeout(until);
                    }
                    self.server.handle_timeout(until);
                    self.settle();
                    return;
                }
            }
        }
        panic!("too many timeouts");
    }

    /// A datagram from `peer` arriving on `relay`; delivered to the client if the server
    /// forwards it. Returns whether it was forwarded.
    pub(crate) fn peer_sends(&mut self, relay: SocketAddr, peer: SocketAddr, data: &[u8]) -> bool {
        let mut out = core::mem::take(&mut self.scratch);
        let sent = self
            .server
            .handle_peer_data(self.now, relay, peer, data, &mut out);
        if let Some(t) = sent {
            let i = self
                .clients
                .iter()
                .position(|(a, _)| *a == t.five_tuple.remote)
                .expect("to a client");
            self.deliver_to_client(i, &out)
                .expect("client accepts relayed data");
        }
        self.scratch = out;
        self.settle();
        sent.is_some()
    }

    /// Takes the events of client `i` seen so far.
    pub(crate) fn take_events(&mut self, i: usize) -> Vec<TurnEvent> {
        let (mine, rest): (Vec<_>, Vec<_>) = self.events.drain(..).partition(|(c, _)| *c == i);
        self.events = rest;
        mine.into_iter().map(|(_, e)| e).collect()
    }

    /// Client `i` asks for an allocation; returns its events once the network settled.
    pub(crate) fn try_allocate(&mut self, i: usize) -> Vec<TurnEvent> {
        let now = self.now;
        self.client(i).allocate(now).unwrap();
        self.settle();
        self.take_events(i)
    }

    /// Client `i` asks for a permission to `peer`; returns its events once the network
    /// settled.
    pub(crate) fn try_permit(&mut self, i: usize, peer: IpAddr) -> Vec<TurnEvent> {
        let now = self.now;
        self.client(i).create_permission(now, peer).unwrap();
        self.settle();
        self.take_events(i)
    }

    /// Allocates for client `i` and returns the relayed address.
    pub(crate) fn allocate(&mut self, i: usize) -> SocketAddr {
        match self.try_allocate(i).as_slice() {
            [TurnEvent::Allocated { relayed, .. }] => *relayed,
            other => panic!("expected Allocated, got {other:?}"),
        }
    }
}
