//! Relayed candidates (RFC 8445 §5.1.1.2) through `floe-turn` clients, one allocation per
//! TURN server and component, made from the component's first host candidate of the server's
//! address family.
//!
//! A relayed candidate is its own base: pairs, flows and transmits of the agent name the
//! relayed address as their local address. The relay is invisible above this file:
//! - out: [`IceAgent::poll_transmit`] wraps every transmit whose source is a relayed address
//!   into a Send indication, or ChannelData once the selected pair's channel is bound
//!   (RFC 8656 §10.1, §12), sent from the host base to the server;
//! - in: a datagram from the server on the host base is the client's; the peer data it
//!   carries (Data indication or ChannelData) comes back to the agent as if it had arrived on
//!   the flow (relayed address, peer), borrowed from the datagram.
//!
//! Permissions (RFC 8656 §9) are asked for every remote candidate a relayed candidate is
//! paired with, as the pairs form; the client refreshes them.

use core::fmt;
use core::net::{IpAddr, SocketAddr};
use std::time::Instant;

use floe_ice_candidate::{CandidateType, candidate_priority};
use floe_stun::net::{Bytes, FiveTuple, Transmit, Transport};
use floe_turn::{Client, ClientConfig, TurnEvent};
use rand::Rng as _;

use crate::agent::IceAgent;
use crate::candidates::NewLocal;
use crate::id::{CandidateId, StreamId};
use crate::state::PairState;

/// A TURN server to gather relayed candidates from (UDP to the server, long-term
/// credentials, RFC 8656). Debug never prints the password.
///
/// ```
/// let turn = floe_ice::TurnServer::new("198.51.100.3:3478".parse().unwrap(), "alice", "secret");
/// assert!(!format!("{turn:?}").contains("secret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TurnServer {
    /// The server's address.
    pub addr: SocketAddr,
    /// The long-term credential's username.
    pub username: String,
    /// The long-term credential's password.
    pub password: String,
}

impl fmt::Debug for TurnServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TurnServer")
            .field("addr", &self.addr)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl TurnServer {
    /// A server at `addr` with the given long-term credentials.
    #[must_use]
    pub fn new(addr: SocketAddr, username: &str, password: &str) -> Self {
        Self {
            addr,
            username: username.to_owned(),
            password: password.to_owned(),
        }
    }
}

/// One allocation of the agent.
#[derive(Debug)]
pub(crate) struct Relay {
    pub(crate) client: Client,
    pub(crate) stream: StreamId,
    pub(crate) component: u16,
    /// The host address the client talks to its server from.
    pub(crate) base: SocketAddr,
    /// The configured server (the client may be redirected elsewhere).
    pub(crate) server: SocketAddr,
    /// The relayed address, once allocated.
    pub(crate) relayed: Option<SocketAddr>,
    /// The relayed candidate, once allocated.
    pub(crate) candidate: Option<CandidateId>,
    /// Still counted as gathering in its stream.
    pub(crate) gathering: bool,
    /// Peer IPs a permission was asked for.
    pub(crate) permitted: Vec<IpAddr>,
}

impl IceAgent {
    /// Adds a TURN server for relayed candidates (RFC 8445 §5.1.1.2, RFC 8656): at
    /// [`gather`](Self::gather), each component allocates on it from its first host candidate
    /// of the server's address family. The TURN server's address may also be a STUN server's.
    pub fn add_turn_server(&mut self, server: TurnServer) {
        if !self.turn_servers.contains(&server) {
            self.turn_servers.push(server);
        }
    }

    /// Starts one allocation per TURN server and component (called by `gather`). Returns
    /// how many started per stream.
    pub(crate) fn start_relays(&mut self, now: Instant) {
        let mut bases: Vec<(StreamId, u16, SocketAddr)> = Vec::new();
        for l in self.locals.values() {
            if l.kind == CandidateType::Host
                && !bases.iter().any(|(s, c, b)| {
                    *s == l.stream && *c == l.component && b.is_ipv4() == l.base.is_ipv4()
                })
            {
                bases.push((l.stream, l.component, l.base));
            }
        }
        for server in self.turn_servers.clone() {
            for &(stream, component, base) in &bases {
                let started = self.relays.iter().any(|r| {
                    r.stream == stream
                        && r.component == component
                        && r.server == server.addr
                        && r.base == base
                });
                if started || server.addr.is_ipv4() != base.is_ipv4() {
                    continue;
                }
                let mut config = ClientConfig::new(server.addr, &server.username, &server.password);
                let mut seed = [0; 32];
                self.rng.fill_bytes(&mut seed);
                config.rng_seed = Some(seed);
                config.software.clone_from(&self.config.software);
                let mut client = Client::new(config);
                if client.allocate(now).is_err() {
                    continue;
                }
                if let Some(s) = self.streams.get_mut(&stream) {
                    s.gathering += 1;
                }
                self.relays.push(Relay {
                    client,
                    stream,
                    component,
                    base,
                    server: server.addr,
                    relayed: None,
                    candidate: None,
                    gathering: true,
                    permitted: Vec::new(),
                });
            }
        }
    }

    /// The relay whose relayed address is `addr`.
    pub(crate) fn relay_at(&self, addr: SocketAddr) -> Option<usize> {
        self.relays.iter().position(|r| r.relayed == Some(addr))
    }

    /// Wraps a transmit from a relayed address for its server; other transmits pass.
    /// `None` when the client cannot send it (no allocation any more): it is dropped, as a
    /// lost datagram would be.
    pub(crate) fn through_relay(&mut self, t: Transmit) -> Option<Transmit> {
        if self.relays.is_empty() {
            return Some(t);
        }
        let Some(i) = t.source.and_then(|s| self.relay_at(s)) else {
            return Some(t);
        };
        let r = &mut self.relays[i];
        let mut out = Vec::with_capacity(t.contents.len() + 36);
        r.client
            .send_to(t.destination, &t.contents, &mut out)
            .ok()?;
        Some(Transmit {
            transport: Transport::Udp,
            source: Some(r.base),
            destination: r.client.server(),
            contents: Bytes::from(out),
        })
    }

    /// The next TURN request of a client (allocate, refresh, permission, channel), sent from
    /// its host base.
    pub(crate) fn poll_relay_transmit(&mut self) -> Option<Transmit> {
        self.relays.iter_mut().find_map(|r| {
            let mut t = r.client.poll_transmit()?;
            t.source = Some(r.base);
            Some(t)
        })
    }

    /// A datagram on `flow` from a TURN server on the host base its client talks from: the
    /// relay index and, for peer data, the flow and payload it carries. `None` when no relay
    /// claims it (a STUN server on the same address, say).
    pub(crate) fn relay_receive<'a>(
        &mut self,
        now: Instant,
        flow: &FiveTuple,
        datagram: &'a [u8],
    ) -> Option<Option<(FiveTuple, &'a [u8])>> {
        let i = self
            .relays
            .iter()
            .position(|r| r.base == flow.local && r.client.server() == flow.remote)?;
        let r = &mut self.relays[i];
        let got = match r.client.handle_receive(now, flow.remote, datagram) {
            Ok(Some(got)) => r
                .relayed
                .map(|relayed| (FiveTuple::new(Transport::Udp, relayed, got.peer), got.data)),
            Ok(None) => None,
            Err(_) => return None,
        };
        self.relay_events(now);
        Some(got)
    }

    /// Timers of every client.
    pub(crate) fn relay_timeout(&mut self, now: Instant) {
        if self.relays.is_empty() {
            return;
        }
        for r in &mut self.relays {
            r.client.handle_timeout(now);
        }
        self.relay_events(now);
    }

    /// The earliest timer of the clients.
    pub(crate) fn relay_poll_timeout(&self) -> Option<Instant> {
        self.relays
            .iter()
            .filter_map(|r| r.client.poll_timeout())
            .min()
    }

    /// Applies what the clients report, then asks for the permissions new pairs need.
    pub(crate) fn relay_events(&mut self, now: Instant) {
        for i in 0..self.relays.len() {
            while let Some(event) = self.relays[i].client.poll_event() {
                self.on_relay_event(now, i, event);
            }
        }
        self.permit_pairs(now);
    }

    fn on_relay_event(&mut self, now: Instant, i: usize, event: TurnEvent) {
        let (stream, component, base, server) = {
            let r = &self.relays[i];
            (r.stream, r.component, r.base, r.server)
        };
        match event {
            TurnEvent::Allocated {
                relayed, mapped, ..
            } => {
                // The mapped address is a server-reflexive candidate too (RFC 8445 §5.1.1.2).
                if let Some(mapped) = mapped {
                    self.add_reflexive(stream, component, base, mapped, server);
                }
                let local_pref = self.host_local_preference(base);
                let priority = candidate_priority(
                    CandidateType::Relayed.type_preference(),
                    local_pref,
                    component,
                );
                let id = self.add_local(NewLocal {
                    stream,
                    component,
                    kind: CandidateType::Relayed,
                    addr: relayed,
                    base: relayed,
                    related: Some(mapped.unwrap_or(base)),
                    priority,
                    server: Some(server),
                });
                let r = &mut self.relays[i];
                r.relayed = Some(relayed);
                r.candidate = id.ok();
                self.relay_gathered(now, i);
            }
            TurnEvent::Failed { .. } => self.relay_gathered(now, i),
            TurnEvent::AllocationLost { .. } => {
                // Its pairs cannot carry anything any more.
                if let Some(c) = self.relays[i].candidate {
                    for p in self.pairs.values_mut().filter(|p| p.local == c) {
                        p.state = PairState::Failed;
                        p.valid = false;
                    }
                }
                self.relay_gathered(now, i);
            }
            _ => {}
        }
    }

    /// The allocation of relay `i` ended its part of gathering.
    fn relay_gathered(&mut self, now: Instant, i: usize) {
        let r = &mut self.relays[i];
        if core::mem::take(&mut r.gathering) {
            let stream = r.stream;
            self.gather_step_done(now, stream);
        }
    }

    /// Asks each client for a permission to every remote candidate its relayed candidate is
    /// paired with (RFC 8656 §9.1), once per peer IP.
    fn permit_pairs(&mut self, now: Instant) {
        for r in &mut self.relays {
            let Some(c) = r.candidate else { continue };
            for p in self.pairs.values().filter(|p| p.local == c) {
                let ip = p.remote_addr.ip();
                if !r.permitted.contains(&ip) && r.client.create_permission(now, ip).is_ok() {
                    r.permitted.push(ip);
                }
            }
        }
    }

    /// Binds a channel for a selected relayed pair, so its data goes in ChannelData (4 bytes
    /// of overhead instead of 36, RFC 8656 §12).
    pub(crate) fn bind_relay_channel(
        &mut self,
        now: Instant,
        local: SocketAddr,
        remote: SocketAddr,
    ) {
        if let Some(i) = self.relay_at(local) {
            let _ = self.relays[i].client.bind_channel(now, remote);
        }
    }
}
