//! A small table-driven network for the discovery tests: one host, an optional NAT with a
//! chosen mapping and filtering behaviour (RFC 4787), and a STUN server on four addresses that
//! is a real RFC 5780 responder (floe-stun's) or one of several broken or limited ones. Time is
//! virtual; every hop takes 5 ms; nothing is lost unless a test drops it.

#![allow(dead_code, unreachable_pub)]

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use floe_nat::{Behaviour, Discovery, DiscoveryConfig, Event, Report, SocketId};
use floe_stun::attributes::XorMappedAddress;
use floe_stun::binding::BindingResponder;
use floe_stun::binding::rfc5780::AlternateAddresses;
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method};

pub const HOST: &str = "10.0.0.2";
pub const NAT_IP: &str = "198.51.100.1";
pub const SERVER: &str = "203.0.113.10:3478";
pub const OTHER: &str = "203.0.113.20:3479";
const HOP: Duration = Duration::from_millis(5);

/// The NAT in front of the host, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nat {
    /// The host has a public address.
    None,
    /// A NAT with these behaviours.
    Nat {
        mapping: Behaviour,
        filtering: Behaviour,
        hairpin: bool,
        preserve_port: bool,
    },
}

/// How the server behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// floe-stun's RFC 5780 responder on all four addresses.
    Rfc5780,
    /// A plain Binding responder: no OTHER-ADDRESS, 420 to CHANGE-REQUEST.
    Plain,
    /// Says OTHER-ADDRESS but answers everything from the address the request came in on.
    IgnoresChange,
    /// Answers with success responses that carry no mapped address.
    NoMappedAddress,
    /// RFC 5780, but the other IP address never answers.
    OtherSilent,
    /// Answers every request with 500.
    Erroring,
    /// Never answers.
    Silent,
}

/// The network and the run's outcome.
pub struct Net {
    nat: Nat,
    server: Server,
    /// Internal (host port) <-> external port, by the mapping key.
    mappings: BTreeMap<(u16, Option<IpAddr>, Option<u16>), u16>,
    /// External port -> host port.
    reverse: BTreeMap<u16, u16>,
    /// (external port, remote ip, remote port) sent to.
    sent: BTreeSet<(u16, IpAddr, u16)>,
    next_port: u16,
    /// Host socket ports by id.
    ports: BTreeMap<SocketId, u16>,
    /// Datagrams in flight: (arrival, socket, from, bytes).
    flight: Vec<(Instant, SocketId, SocketAddr, Vec<u8>)>,
    /// Open requests the embedder refuses.
    pub refuse_sockets: bool,
    /// A mapping no datagram has used for this long is gone (RFC 4787 §4.3).
    pub mapping_timeout: Option<Duration>,
    /// When each external port last carried a datagram.
    used: BTreeMap<u16, Instant>,
    /// Each datagram (request or answer) is lost with this probability, in percent.
    pub loss_percent: u64,
    /// xorshift64 state of the loss decisions.
    rng: u64,
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

impl Net {
    pub fn new(nat: Nat, server: Server) -> Self {
        Self {
            nat,
            server,
            mappings: BTreeMap::new(),
            reverse: BTreeMap::new(),
            sent: BTreeSet::new(),
            next_port: 20_000,
            ports: BTreeMap::new(),
            flight: Vec::new(),
            refuse_sockets: false,
            mapping_timeout: None,
            used: BTreeMap::new(),
            loss_percent: 0,
            rng: 0x9e37_79b9_7f4a_7c15,
        }
    }

    /// Seeds the loss decisions.
    pub fn seed(&mut self, seed: u64) {
        self.rng = seed | 1;
    }

    /// Whether the next datagram is lost.
    fn lost(&mut self) -> bool {
        if self.loss_percent == 0 {
            return false;
        }
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % 100 < self.loss_percent
    }

    fn host_ip(&self) -> IpAddr {
        match self.nat {
            Nat::None => ip("198.51.100.50"),
            Nat::Nat { .. } => ip(HOST),
        }
    }

    /// The external address of host port `port` towards `dst`, creating the mapping.
    fn map_out(&mut self, now: Instant, port: u16, dst: SocketAddr) -> SocketAddr {
        let Nat::Nat {
            mapping,
            preserve_port,
            ..
        } = self.nat
        else {
            return SocketAddr::new(self.host_ip(), port);
        };
        let key = match mapping {
            Behaviour::EndpointIndependent => (port, None, None),
            Behaviour::AddressDependent => (port, Some(dst.ip()), None),
            _ => (port, Some(dst.ip()), Some(dst.port())),
        };
        if let (Some(&e), Some(timeout)) = (self.mappings.get(&key), self.mapping_timeout)
            && self.used.get(&e).is_some_and(|&t| now - t > timeout)
        {
            self.mappings.remove(&key);
            self.reverse.remove(&e);
            self.sent.retain(|s| s.0 != e);
        }
        let ext = match self.mappings.get(&key) {
            Some(&e) => e,
            None => {
                let e = if preserve_port && !self.reverse.contains_key(&port) {
                    port
                } else {
                    self.next_port += 7;
                    self.next_port
                };
                self.mappings.insert(key, e);
                self.reverse.insert(e, port);
                e
            }
        };
        self.sent.insert((ext, dst.ip(), dst.port()));
        self.used.insert(ext, now);
        SocketAddr::new(ip(NAT_IP), ext)
    }

    /// Delivers a datagram arriving at public address `to` from `from`, through the NAT.
    fn map_in(&mut self, now: Instant, to: SocketAddr, from: SocketAddr) -> Option<SocketId> {
        let port = match self.nat {
            Nat::None => (to.ip() == self.host_ip()).then_some(to.port())?,
            Nat::Nat { filtering, .. } => {
                if to.ip() != ip(NAT_IP) {
                    return None;
                }
                let host = *self.reverse.get(&to.port())?;
                let last = self.used.get(&to.port()).copied();
                if let (Some(timeout), Some(last)) = (self.mapping_timeout, last)
                    && now - last > timeout
                {
                    return None;
                }
                let ok = match filtering {
                    Behaviour::EndpointIndependent => true,
                    Behaviour::AddressDependent => self
                        .sent
                        .iter()
                        .any(|&(e, i, _)| e == to.port() && i == from.ip()),
                    _ => self.sent.contains(&(to.port(), from.ip(), from.port())),
                };
                if !ok {
                    return None;
                }
                self.used.insert(to.port(), now);
                host
            }
        };
        self.socket_of(port)
    }

    fn socket_of(&self, port: u16) -> Option<SocketId> {
        self.ports
            .iter()
            .find(|(_, p)| **p == port)
            .map(|(s, _)| *s)
    }

    /// What the server sends back to a request that reached `local` from `source`.
    fn serve(
        &self,
        bytes: &[u8],
        source: SocketAddr,
        local: SocketAddr,
    ) -> Option<(SocketAddr, SocketAddr, Vec<u8>)> {
        let msg = Message::parse(bytes).ok()?;
        let addrs = AlternateAddresses::new(SERVER.parse().unwrap(), OTHER.parse().unwrap());
        let r = BindingResponder::new().software("sim");
        let mut out = Vec::new();
        match self.server {
            Server::Silent => None,
            Server::OtherSilent if local.ip() == ip("203.0.113.20") => None,
            Server::Rfc5780 | Server::OtherSilent => {
                let reply = r.answer_rfc5780(&msg, source, local, &addrs, &mut out);
                if reply.from.ip() == ip("203.0.113.20") && self.server == Server::OtherSilent {
                    return None;
                }
                (!out.is_empty()).then_some((reply.from, reply.to, out))
            }
            Server::IgnoresChange => {
                let reply = r.answer_rfc5780(&msg, source, local, &addrs, &mut out);
                (!out.is_empty()).then_some((local, reply.to, out))
            }
            Server::Plain => {
                r.answer(&msg, source, &mut out);
                (!out.is_empty()).then_some((local, source, out))
            }
            Server::NoMappedAddress | Server::Erroring => {
                let class = if self.server == Server::Erroring {
                    Class::Error
                } else {
                    Class::Success
                };
                let typ = MessageType::new(Method::BINDING, class);
                let mut b = MessageBuilder::new(&mut out, typ, *msg.transaction_id());
                if class == Class::Error {
                    b.add(&floe_stun::attributes::ErrorCodeAttribute::new(
                        floe_stun::ErrorCode::SERVER_ERROR,
                    ));
                } else {
                    b.add(&floe_stun::attributes::OtherAddress(OTHER.parse().unwrap()));
                }
                b.finish().ok()?;
                Some((local, source, out))
            }
        }
    }

    /// Routes one datagram sent by the host from `socket` at `now`.
    fn send(&mut self, now: Instant, socket: SocketId, dst: SocketAddr, bytes: &[u8]) {
        let Some(&port) = self.ports.get(&socket) else {
            return;
        };
        if self.lost() {
            return;
        }
        let src = self.map_out(now, port, dst);
        let server_ips = [ip("203.0.113.10"), ip("203.0.113.20")];
        if server_ips.contains(&dst.ip()) {
            if let Some((from, to, reply)) = self.serve(bytes, src, dst)
                && !self.lost()
                && let Some(s) = self.map_in(now + HOP, to, from)
            {
                self.flight.push((now + 2 * HOP, s, from, reply));
            }
        } else if dst.ip() == self.host_ip() {
            if let Some(s) = self.socket_of(dst.port()) {
                self.flight.push((now + HOP, s, src, bytes.to_vec()));
            }
        } else if dst.ip() == ip(NAT_IP)
            && matches!(self.nat, Nat::Nat { hairpin: true, .. })
            && let Some(&host) = self.reverse.get(&dst.port())
            && let Some(s) = self.socket_of(host)
        {
            self.flight.push((now + 2 * HOP, s, src, bytes.to_vec()));
        }
    }

    /// Runs a whole discovery; `tweak` adjusts the configuration. Returns the report and the
    /// virtual time it took.
    pub fn run(&mut self, tweak: impl FnOnce(&mut DiscoveryConfig)) -> (Report, Duration) {
        let start = Instant::now();
        let mut now = start;
        self.ports.insert(SocketId::PRIMARY, 5000);
        let local = SocketAddr::new(self.host_ip(), 5000);
        let mut config = DiscoveryConfig::new(SERVER.parse().unwrap(), local);
        config.rng_seed = Some([3; 32]);
        tweak(&mut config);
        let mut d = Discovery::new(config, now);
        for _ in 0..100_000 {
            while let Some(ev) = d.poll_event() {
                match ev {
                    Event::OpenSocket(s) if self.refuse_sockets => d.socket_failed(now, s),
                    Event::OpenSocket(s) => {
                        let port = 5000 + u16::from(s.index()) * 11;
                        self.ports.insert(s, port);
                        d.socket_opened(now, s, SocketAddr::new(self.host_ip(), port));
                    }
                    Event::Finished => return (d.report(), now - start),
                    _ => {}
                }
            }
            while let Some(t) = d.poll_transmit() {
                self.send(now, t.socket, t.destination, &t.contents);
            }
            let next_in = self.flight.iter().map(|f| f.0).min();
            let next = match (next_in, d.poll_timeout()) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(t) => t,
                    None => return (d.report(), now - start),
                },
            };
            now = now.max(next);
            let (due, later): (Vec<_>, Vec<_>) = self.flight.drain(..).partition(|f| f.0 <= now);
            self.flight = later;
            for (_, s, from, bytes) in due {
                d.handle_receive(now, s, from, &bytes);
            }
            d.handle_timeout(now);
        }
        panic!("the run did not finish");
    }
}

/// The address a plain response would report for the host.
pub fn xor_mapped(bytes: &[u8]) -> Option<SocketAddr> {
    Message::parse(bytes)
        .ok()?
        .get::<XorMappedAddress>()
        .ok()
        .flatten()
        .map(|a| a.0)
}
