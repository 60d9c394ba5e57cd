//! Relayed candidates (RFC 8445 §5.1.1.2) through `floe-turn` clients, one allocation per
//! TURN server and component, made from the component's first host candidate of the server's
//! address family. The client reaches its server over UDP from that host base, or over a
//! TCP/TLS stream the embedder opens on request (`turn_stream.rs`); the relayed candidate is
//! UDP toward peers either way (RFC 8656 §3.1).
//!
//! A relayed candidate is its own base: pairs, flows and transmits of the agent name the
//! relayed address as their local address. The relay is invisible above this file:
//! - out: [`IceAgent::poll_transmit`] wraps every transmit whose source is a relayed address
//!   into a Send indication, or ChannelData once the selected pair's channel is bound
//!   (RFC 8656 §10.1, §12), sent from the host base (or on the stream) to the server;
//! - in: a datagram from the server on the host base is the client's; the peer data it
//!   carries (Data indication or ChannelData) comes back to the agent as if it had arrived on
//!   the flow (relayed address, peer), borrowed from the datagram. Stream bytes are framed
//!   by the client; see `turn_stream.rs`.
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
use crate::event::{IceEvent, RelayFailure};
use crate::id::{CandidateId, StreamId, TurnStreamId};
use crate::state::PairState;
use crate::turn_stream::{Link, LinkState};

/// A TURN server to gather relayed candidates from (long-term credentials, RFC 8656). Debug
/// never prints the password.
///
/// The agent reaches it over UDP by default. RFC 8656 §3.1 lets the client reach its server
/// over TCP or TLS over TCP as well, while the server still relays UDP to peers: with
/// [`with_transport`](Self::with_transport) the agent asks the embedder for a stream
/// ([`IceEvent::ConnectTurnStream`]) and runs the TURN client over it. The relayed candidate
/// is a UDP candidate toward the peer either way (RFC 8445 §5.1.1.2), which is what gets a
/// session through networks that let only TCP or TLS out.
///
/// ```
/// use floe_ice::{Transport, TurnServer};
/// let turn = TurnServer::new("198.51.100.3:3478".parse().unwrap(), "alice", "secret");
/// assert_eq!(turn.transport, Transport::Udp);
/// assert!(!format!("{turn:?}").contains("secret"));
/// let tls = TurnServer::new("198.51.100.3:5349".parse().unwrap(), "alice", "secret")
///     .with_transport(Transport::Tls);
/// assert_eq!(tls.transport, Transport::Tls);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TurnServer {
    /// The server's address.
    pub addr: SocketAddr,
    /// The long-term credential's username.
    pub username: String,
    /// The long-term credential's password.
    pub password: String,
    /// How the agent reaches the server: [`Transport::Udp`] (the default), or a stream the
    /// embedder opens, [`Transport::Tcp`] or [`Transport::Tls`] (RFC 8656 §3.1).
    pub transport: Transport,
}

impl fmt::Debug for TurnServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TurnServer")
            .field("addr", &self.addr)
            .field("transport", &self.transport)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl TurnServer {
    /// A server at `addr`, reached over UDP, with the given long-term credentials.
    #[must_use]
    pub fn new(addr: SocketAddr, username: &str, password: &str) -> Self {
        Self {
            addr,
            username: username.to_owned(),
            password: password.to_owned(),
            transport: Transport::Udp,
        }
    }

    /// The same server reached over `transport` (RFC 8656 §3.1): UDP, TCP, or TLS over TCP
    /// (the embedder runs the TLS session and hands the agent the plaintext bytes). A
    /// server added once per transport gives one relayed candidate per transport; those
    /// reached over a stream rank just below the one reached over UDP.
    #[must_use]
    pub fn with_transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
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
    /// How the client reaches its server.
    pub(crate) transport: Transport,
    /// The stream to the server (TCP/TLS); `None` over UDP, where the client talks from
    /// `base`.
    pub(crate) link: Option<Link>,
}

impl Relay {
    /// The local address the client's bytes go out from: the host base over UDP, the
    /// stream's local address once it is open; `None` while it cannot send.
    pub(crate) fn socket(&self) -> Option<SocketAddr> {
        match &self.link {
            None => Some(self.base),
            Some(link) => link.local(),
        }
    }

    /// Whether the client still runs (its stream, if any, has not ended).
    pub(crate) fn is_live(&self) -> bool {
        self.link.as_ref().is_none_or(Link::is_live)
    }
}

impl IceAgent {
    /// Adds a TURN server for relayed candidates (RFC 8445 §5.1.1.2, RFC 8656): at
    /// [`gather`](Self::gather), each component allocates on it from its first host candidate
    /// of the server's address family. The TURN server's address may also be a STUN server's.
    /// Over TCP or TLS ([`TurnServer::with_transport`]) each allocation first asks the
    /// embedder for a stream ([`IceEvent::ConnectTurnStream`]).
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
                        && r.transport == server.transport
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
                config.transport = server.transport;
                let mut client = Client::new(config);
                // Over a stream, the Allocate goes out once the embedder connected it.
                let link = if server.transport.is_stream() {
                    Some(Link::new(TurnStreamId(self.turn_stream_ids.next())))
                } else {
                    if client.allocate(now).is_err() {
                        continue;
                    }
                    None
                };
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
                    transport: server.transport,
                    link,
                });
            }
        }
        self.open_turn_streams(now);
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
        let source = r.socket()?;
        // Over a stream, ChannelData is padded to 4 bytes (RFC 8656 §12.5).
        let mut out = Vec::with_capacity(t.contents.len() + 36);
        r.client
            .send_to(t.destination, &t.contents, &mut out)
            .ok()?;
        Some(Transmit {
            transport: r.transport,
            source: Some(source),
            destination: r.client.server(),
            contents: Bytes::from(out),
        })
    }

    /// The next TURN request of a client (allocate, refresh, permission, channel), sent from
    /// its host base or on its stream (a stream not open yet keeps them).
    pub(crate) fn poll_relay_transmit(&mut self) -> Option<Transmit> {
        self.relays.iter_mut().find_map(|r| {
            let source = r.socket()?;
            let mut t = r.client.poll_transmit()?;
            t.source = Some(source);
            t.transport = r.transport;
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
        let i = self.relays.iter().position(|r| {
            r.link.is_none() && r.base == flow.local && r.client.server() == flow.remote
        })?;
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

    /// Timers of every client, and of the streams waiting to connect.
    pub(crate) fn relay_timeout(&mut self, now: Instant) {
        if self.relays.is_empty() {
            return;
        }
        for r in self.relays.iter_mut().filter(|r| r.is_live()) {
            r.client.handle_timeout(now);
        }
        self.turn_stream_timeout(now);
        self.relay_events(now);
    }

    /// The earliest timer of the clients and of the streams waiting to connect.
    pub(crate) fn relay_poll_timeout(&self) -> Option<Instant> {
        self.relays
            .iter()
            .filter(|r| r.is_live())
            .filter_map(|r| {
                let connect = match r.link.as_ref().map(|l| &l.state) {
                    Some(LinkState::Connecting { deadline }) => Some(*deadline),
                    _ => None,
                };
                [r.client.poll_timeout(), connect]
                    .into_iter()
                    .flatten()
                    .min()
            })
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
        let transport = self.relays[i].transport;
        match event {
            TurnEvent::Allocated {
                relayed, mapped, ..
            } => {
                // The mapped address is a server-reflexive candidate too (RFC 8445 §5.1.1.2);
                // not over a stream, whose mapping is a TCP one.
                if let Some(mapped) = mapped.filter(|_| !transport.is_stream()) {
                    self.add_reflexive(stream, component, base, mapped, server);
                }
                // TURN over UDP before TURN over a stream (RFC 8445 §5.1.2.1 leaves the local
                // preference to the agent); TCP and TLS alike, so that the agent's bytes
                // over TLS are the ones it sends over TCP.
                let penalty = u16::from(transport.is_stream());
                let local_pref = self.host_local_preference(base).saturating_sub(penalty);
                let priority = candidate_priority(
                    CandidateType::Relayed.type_preference(),
                    local_pref,
                    component,
                );
                let id = self.add_local_via(
                    NewLocal {
                        stream,
                        component,
                        kind: CandidateType::Relayed,
                        addr: relayed,
                        base: relayed,
                        related: Some(mapped.unwrap_or(base)),
                        priority,
                        server: Some(server),
                    },
                    transport,
                );
                let r = &mut self.relays[i];
                r.relayed = Some(relayed);
                r.candidate = id.ok();
                self.relay_gathered(now, i);
            }
            TurnEvent::Failed { reason } => {
                self.relay_failed(now, i, RelayFailure::AllocationFailed(reason));
            }
            TurnEvent::AllocationLost { reason } => {
                self.relay_failed(now, i, RelayFailure::AllocationLost(reason));
            }
            TurnEvent::Redirected { .. } => self.turn_stream_redirected(now, i),
            _ => {}
        }
    }

    /// Relay `i` gives no relayed candidate, or lost it: its pairs fail, its stream (if the
    /// embedder has one open or opening) is to be closed, and the failure is reported.
    pub(crate) fn relay_failed(&mut self, now: Instant, i: usize, reason: RelayFailure) {
        let r = &mut self.relays[i];
        if let Some(id) = r.link.as_mut().and_then(Link::end) {
            self.events.push_back(IceEvent::CloseTurnStream { id });
        }
        let (stream, component, server, transport) = (r.stream, r.component, r.server, r.transport);
        // Its pairs cannot carry anything any more.
        if let Some(c) = r.candidate {
            for p in self.pairs.values_mut().filter(|p| p.local == c) {
                p.state = PairState::Failed;
                p.valid = false;
            }
        }
        self.events.push_back(IceEvent::RelayFailed {
            stream,
            component,
            server,
            transport,
            reason,
        });
        self.relay_gathered(now, i);
        // A stream slot may have freed.
        self.open_turn_streams(now);
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
        for r in self.relays.iter_mut().filter(|r| r.is_live()) {
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
