//! The built-in servers: a STUN server ([`BindingResponder`], no credentials) and a TURN
//! server ([`floe_turn::Server`]) whose relay sockets the network provides.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};
use std::time::Instant;

use floe_stun::binding::{BindingAnswer, BindingResponder};
use floe_stun::net::{Bytes, FiveTuple, Transport};
use floe_stun::{AddressFamily, ErrorCode, Message};
use floe_turn::{
    IpPrefix, PeerPolicy, RelayError, RelayGrant, Server, ServerConfig, ServerEvent,
    StaticCredentials,
};

/// The STUN and TURN port (RFC 8489 §18.6).
pub const STUN_PORT: u16 = 3478;

/// First relay port of a TURN server (the dynamic range, RFC 6335 §6).
const FIRST_RELAY_PORT: u16 = 49152;

/// A datagram a server sends.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) source: SocketAddr,
    pub(crate) destination: SocketAddr,
    pub(crate) contents: Bytes,
}

/// A public STUN server.
#[derive(Debug)]
pub(crate) struct StunServer {
    responder: BindingResponder,
    buf: Vec<u8>,
}

impl StunServer {
    pub(crate) fn new(_addr: SocketAddr) -> Self {
        Self {
            responder: BindingResponder::new().software("floe-netsim"),
            buf: Vec::new(),
        }
    }

    /// Answers a Binding request (other requests get 400; anything else is dropped).
    pub(crate) fn handle(
        &mut self,
        source: SocketAddr,
        local: SocketAddr,
        contents: &[u8],
        out: &mut Vec<Outgoing>,
    ) {
        let Ok(request) = Message::parse(contents) else {
            return;
        };
        let answer = match self.responder.answer(&request, source, &mut self.buf) {
            BindingAnswer::NotBinding => {
                self.responder
                    .reject(&request, ErrorCode::BAD_REQUEST, &mut self.buf)
            }
            other => other,
        };
        if matches!(answer, BindingAnswer::Success | BindingAnswer::Error(_)) {
            out.push(Outgoing {
                source: local,
                destination: source,
                contents: Bytes::copy_from_slice(&self.buf),
            });
        }
    }
}

/// How to set up a built-in TURN server.
///
/// ```
/// use floe_netsim::{Network, TurnServerConfig};
/// let mut net = Network::new(3);
/// let turn = net.add_turn_server(TurnServerConfig::new("netsim").user("alice", "secret"));
/// assert_eq!(turn.port(), 3478);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TurnServerConfig {
    /// The realm.
    pub realm: String,
    /// Long-term credentials: (username, password).
    pub users: Vec<(String, String)>,
    /// Whether the server also has an IPv6 address (for IPv6 and dual-stack allocations).
    pub ipv6: bool,
}

impl TurnServerConfig {
    /// A server for `realm` without users and without IPv6.
    #[must_use]
    pub fn new(realm: &str) -> Self {
        Self {
            realm: realm.into(),
            users: Vec::new(),
            ipv6: false,
        }
    }

    /// Adds a user.
    #[must_use]
    pub fn user(mut self, username: &str, password: &str) -> Self {
        self.users.push((username.into(), password.into()));
        self
    }

    /// Gives the server an IPv6 address too.
    #[must_use]
    pub fn ipv6(mut self, on: bool) -> Self {
        self.ipv6 = on;
        self
    }
}

/// A TURN server and the relay sockets the network opened for it.
#[derive(Debug)]
pub(crate) struct TurnServer {
    server: Server<StaticCredentials>,
    v4: IpAddr,
    v6: Option<IpAddr>,
    relays: BTreeSet<SocketAddr>,
    next_port: u16,
    buf: Vec<u8>,
}

/// The peers the simulated TURN server relays to: every range the network hands out (the
/// default policy denies documentation and benchmarking ranges).
fn peer_policy() -> PeerPolicy {
    use crate::addr::*;
    [
        (IpAddr::V4(PRIVATE_V4.0), PRIVATE_V4.1),
        (IpAddr::V4(PUBLIC_HOSTS_V4.0), PUBLIC_HOSTS_V4.1),
        (IpAddr::V4(PUBLIC_EDGE_V4.0), PUBLIC_EDGE_V4.1),
        (IpAddr::V6(PRIVATE_V6.0), PRIVATE_V6.1),
        (IpAddr::V6(PUBLIC_HOSTS_V6.0), PUBLIC_HOSTS_V6.1),
        (IpAddr::V6(PUBLIC_EDGE_V6.0), PUBLIC_EDGE_V6.1),
    ]
    .into_iter()
    .fold(PeerPolicy::default(), |p, (ip, len)| {
        p.allow(IpPrefix::new(ip, len))
    })
}

impl TurnServer {
    pub(crate) fn new(
        config: TurnServerConfig,
        v4: IpAddr,
        v6: Option<IpAddr>,
        seed: [u8; 32],
        now: Instant,
    ) -> Self {
        let mut sc = ServerConfig::new(&config.realm);
        sc.software = Some("floe-netsim".into());
        sc.rng_seed = Some(seed);
        sc.peer_policy = peer_policy();
        let users = config
            .users
            .iter()
            .fold(StaticCredentials::new(), |u, (name, pass)| {
                u.with_user(name, pass)
            });
        Self {
            server: Server::new(sc, users, now),
            v4,
            v6,
            relays: BTreeSet::new(),
            next_port: FIRST_RELAY_PORT,
            buf: Vec::new(),
        }
    }

    /// The listening address of a family.
    pub(crate) fn listen(&self, v6: bool) -> SocketAddr {
        let ip = if v6 {
            self.v6.unwrap_or(self.v4)
        } else {
            self.v4
        };
        SocketAddr::new(ip, STUN_PORT)
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.server.poll_timeout()
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant, out: &mut Vec<Outgoing>) {
        self.server.handle_timeout(now);
        self.drain(now, out);
    }

    /// A datagram for the server: from a client on the listening port, else from a peer on
    /// a relay port.
    pub(crate) fn handle(
        &mut self,
        now: Instant,
        source: SocketAddr,
        local: SocketAddr,
        contents: &[u8],
        out: &mut Vec<Outgoing>,
    ) {
        if local.port() == STUN_PORT {
            let ft = FiveTuple::new(Transport::Udp, local, source);
            if let Some(t) = self.server.handle_receive(now, ft, contents) {
                out.push(Outgoing {
                    source: t.relay,
                    destination: t.peer,
                    contents: Bytes::copy_from_slice(t.data),
                });
            }
        } else if self.relays.contains(&local) {
            let to = self
                .server
                .handle_peer_data(now, local, source, contents, &mut self.buf);
            if let Some(to) = to {
                out.push(Outgoing {
                    source: to.five_tuple.local,
                    destination: to.five_tuple.remote,
                    contents: Bytes::copy_from_slice(&self.buf),
                });
            }
        }
        self.drain(now, out);
    }

    /// Answers relay requests, forgets released relays and collects the server's transmits.
    fn drain(&mut self, now: Instant, out: &mut Vec<Outgoing>) {
        // Each event is handled once; provide_relay queues transmits, not events.
        while let Some(event) = self.server.poll_event() {
            match event {
                ServerEvent::RelayRequested(req) => {
                    let grant = self.relay(req.family).and_then(|relayed| {
                        let additional = match req.additional_family {
                            Some(f) => Some(self.relay(f)?),
                            None => None,
                        };
                        Ok(RelayGrant {
                            relayed,
                            additional,
                        })
                    });
                    self.server.provide_relay(now, req.id, grant);
                }
                ServerEvent::RelayReleased {
                    relayed,
                    additional,
                    ..
                } => {
                    self.relays.remove(&relayed);
                    if let Some(a) = additional {
                        self.relays.remove(&a);
                    }
                }
                _ => {}
            }
        }
        while let Some(t) = self.server.poll_transmit() {
            out.push(Outgoing {
                source: t
                    .source
                    .unwrap_or_else(|| self.listen(t.destination.is_ipv6())),
                destination: t.destination,
                contents: t.contents,
            });
        }
    }

    /// Opens a relay socket of `family`.
    fn relay(&mut self, family: AddressFamily) -> Result<SocketAddr, RelayError> {
        let ip = if family == AddressFamily::IPV6 {
            self.v6.ok_or(RelayError::FamilyNotSupported)?
        } else {
            self.v4
        };
        // One pass over the dynamic range at most.
        for _ in FIRST_RELAY_PORT..=u16::MAX {
            let port = self.next_port;
            self.next_port = port.checked_add(1).unwrap_or(FIRST_RELAY_PORT);
            let addr = SocketAddr::new(ip, port);
            if self.relays.insert(addr) {
                return Ok(addr);
            }
        }
        Err(RelayError::InsufficientCapacity)
    }
}
