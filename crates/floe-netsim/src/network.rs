//! The network: hosts, NATs, built-in servers, the packets in flight and the virtual clock.

use alloc::collections::{BTreeMap, BinaryHeap, VecDeque};
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::net::{IpAddr, SocketAddr};
use std::time::Instant;

use floe_stun::net::{Bytes, FiveTuple, Transmit, Transport};
use rand::{RngExt as _, SeedableRng as _};
use rand_chacha::ChaCha20Rng;

use crate::addr::{Pool, Pools};
use crate::link::{Fate, LinkConfig};
use crate::nat::{Nat, NatConfig, Refused};
use crate::servers::{Outgoing, STUN_PORT, StunServer, TurnServer, TurnServerConfig};
use crate::types::{Delivery, HostConfig, HostId, NatId, NetStats, Realm, SendError};

/// Most events (arrivals and server timers) one [`Network::advance`] processes; a guard
/// against a machine that keeps re-arming a timer in the past.
const MAX_EVENTS_PER_ADVANCE: usize = 1_000_000;

/// Who owns an address.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Host(HostId),
    Nat(NatId),
    Stun(usize),
    Turn(usize),
}

#[derive(Debug)]
struct Host {
    realm: Realm,
    addrs: Vec<IpAddr>,
    default_port: u16,
    link: Option<LinkConfig>,
}

/// A datagram on the wire, ordered by arrival time then send order.
#[derive(Debug)]
struct Packet {
    at: Instant,
    seq: u64,
    realm: Realm,
    transport: Transport,
    source: SocketAddr,
    destination: SocketAddr,
    contents: Bytes,
}

impl PartialEq for Packet {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Packet {}
impl PartialOrd for Packet {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Packet {
    /// Reversed, so the `BinaryHeap` pops the earliest.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A deterministic, seeded, sans-I/O network (see the [crate docs](crate)).
#[derive(Debug)]
pub struct Network {
    epoch: Instant,
    now: Instant,
    rng: ChaCha20Rng,
    link: LinkConfig,
    hosts: Vec<Host>,
    nats: Vec<Nat>,
    owners: BTreeMap<IpAddr, (Realm, Owner)>,
    pools: Pools,
    wire: BinaryHeap<Packet>,
    seq: u64,
    /// Last in-order arrival per flow, so jitter does not reorder a flow.
    last_arrival: BTreeMap<(SocketAddr, SocketAddr), Instant>,
    ready: VecDeque<Delivery>,
    pub(crate) stun: Vec<StunServer>,
    pub(crate) turn: Vec<TurnServer>,
    outgoing: Vec<Outgoing>,
    stats: NetStats,
}

impl Network {
    /// An empty network whose clock starts at an `Instant` read once, here.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self::with_epoch(seed, Instant::now())
    }

    /// An empty network whose clock starts at `epoch`.
    #[must_use]
    pub fn with_epoch(seed: u64, epoch: Instant) -> Self {
        Self {
            epoch,
            now: epoch,
            rng: ChaCha20Rng::seed_from_u64(seed),
            link: LinkConfig::default(),
            hosts: Vec::new(),
            nats: Vec::new(),
            owners: BTreeMap::new(),
            pools: Pools::default(),
            wire: BinaryHeap::new(),
            seq: 0,
            last_arrival: BTreeMap::new(),
            ready: VecDeque::new(),
            stun: Vec::new(),
            turn: Vec::new(),
            outgoing: Vec::new(),
            stats: NetStats::default(),
        }
    }

    /// When the clock started.
    #[must_use]
    pub fn epoch(&self) -> Instant {
        self.epoch
    }

    /// The clock: the latest instant given to [`Network::send`] or [`Network::advance`].
    #[must_use]
    pub fn now(&self) -> Instant {
        self.now
    }

    /// What happened to the packets so far.
    #[must_use]
    pub fn stats(&self) -> NetStats {
        self.stats
    }

    /// The default link of every packet (20 ms one way unless set).
    pub fn set_link(&mut self, link: LinkConfig) {
        self.link = link;
    }

    /// The link of the packets `host` sends; `None` goes back to the network's.
    ///
    /// # Panics
    /// If `host` is not a host of this network.
    pub fn set_host_link(&mut self, host: HostId, link: Option<LinkConfig>) {
        self.hosts[host.0 as usize].link = link;
    }

    /// Adds a NAT; its external addresses (one IPv4, one IPv6) come from the public edge
    /// range, or from the private range when it sits behind another NAT.
    ///
    /// # Panics
    /// If the address range is used up, or `config.behind` is not a NAT of this network.
    pub fn add_nat(&mut self, config: NatConfig) -> NatId {
        let id = NatId(u32::try_from(self.nats.len()).expect("too many NATs"));
        let outside = match config.behind {
            Some(outer) => {
                assert!((outer.0 as usize) < self.nats.len(), "no NAT {outer:?}");
                Realm::Inside(outer)
            }
            None => Realm::Internet,
        };
        let pool = if outside == Realm::Internet {
            Pool::Edge
        } else {
            Pool::Private
        };
        let external = [false, true]
            .map(|v6| self.claim(pool, v6, outside, Owner::Nat(id)))
            .to_vec();
        let first_port = self.rng.random_range(1024..=60000);
        self.nats
            .push(Nat::new(config, outside, external, first_port));
        id
    }

    /// Adds a host.
    ///
    /// # Panics
    /// If the address range is used up or the NAT does not exist.
    pub fn add_host(&mut self, config: HostConfig) -> HostId {
        let id = HostId(u32::try_from(self.hosts.len()).expect("too many hosts"));
        let (realm, pool) = match config.nat {
            Some(nat) => {
                assert!((nat.0 as usize) < self.nats.len(), "no NAT {nat:?}");
                (Realm::Inside(nat), Pool::Private)
            }
            None => (Realm::Internet, Pool::Hosts),
        };
        let mut addrs = Vec::new();
        if config.ipv4 || !config.ipv6 {
            addrs.push(self.claim(pool, false, realm, Owner::Host(id)));
        }
        if config.ipv6 {
            addrs.push(self.claim(pool, true, realm, Owner::Host(id)));
        }
        self.hosts.push(Host {
            realm,
            addrs,
            default_port: config.default_port,
            link: config.link,
        });
        id
    }

    /// Adds a STUN server on the internet answering Binding requests (without credentials)
    /// on port 3478; returns its address.
    pub fn add_stun_server(&mut self) -> SocketAddr {
        let index = self.stun.len();
        let ip = self.claim(Pool::Hosts, false, Realm::Internet, Owner::Stun(index));
        let addr = SocketAddr::new(ip, STUN_PORT);
        self.stun.push(StunServer::new(addr));
        addr
    }

    /// Adds a TURN server on the internet listening on port 3478 of a public address (IPv4,
    /// plus IPv6 when configured); relayed addresses are ports of the same addresses. Returns
    /// its IPv4 address.
    pub fn add_turn_server(&mut self, config: TurnServerConfig) -> SocketAddr {
        let index = self.turn.len();
        let owner = Owner::Turn(index);
        let v4 = self.claim(Pool::Hosts, false, Realm::Internet, owner);
        let v6 = config
            .ipv6
            .then(|| self.claim(Pool::Hosts, true, Realm::Internet, owner));
        let seed = self.rng.random::<[u8; 32]>();
        let server = TurnServer::new(config, v4, v6, seed, self.now);
        let addr = server.listen(false);
        self.turn.push(server);
        addr
    }

    /// The addresses of `host`, IPv4 first.
    ///
    /// # Panics
    /// If `host` is not a host of this network.
    #[must_use]
    pub fn host_addrs(&self, host: HostId) -> &[IpAddr] {
        &self.hosts[host.0 as usize].addrs
    }

    /// The first address of `host` with its default port: where a transmit without a source
    /// comes from.
    ///
    /// # Panics
    /// If `host` is not a host of this network.
    #[must_use]
    pub fn host_addr(&self, host: HostId) -> SocketAddr {
        let h = &self.hosts[host.0 as usize];
        SocketAddr::new(h.addrs[0], h.default_port)
    }

    /// The external addresses of `nat` (IPv4, then IPv6).
    ///
    /// # Panics
    /// If `nat` is not a NAT of this network.
    #[must_use]
    pub fn nat_external(&self, nat: NatId) -> &[IpAddr] {
        &self.nats[nat.0 as usize].external
    }

    /// How many mappings `nat` holds (expired ones may still be counted until touched).
    ///
    /// # Panics
    /// If `nat` is not a NAT of this network.
    #[must_use]
    pub fn nat_mapping_count(&self, nat: NatId) -> usize {
        self.nats[nat.0 as usize].mapping_count()
    }

    /// Takes the next address of a pool for `owner`.
    fn claim(&mut self, pool: Pool, v6: bool, realm: Realm, owner: Owner) -> IpAddr {
        let ip = self
            .pools
            .next(pool, v6)
            .expect("the simulated address range is used up");
        self.owners.insert(ip, (realm, owner));
        ip
    }

    /// Sends a datagram from `host`: `transmit.source` names the local address and port
    /// (`None`: the host's first address and default port; an unspecified IP: the host's
    /// first address of that family). It is translated by every NAT on its way out now, and
    /// by those on its way in when it arrives. Loss, duplication and delays come from the
    /// sender's link.
    ///
    /// The clock first advances to `now` (see [`Network::advance`]).
    ///
    /// # Errors
    /// [`SendError`] for a transmit the host could not have sent; nothing is sent.
    pub fn send(
        &mut self,
        now: Instant,
        host: HostId,
        transmit: Transmit,
    ) -> Result<(), SendError> {
        self.advance(now);
        let h = self
            .hosts
            .get(host.0 as usize)
            .ok_or(SendError::UnknownHost(host))?;
        if transmit.transport != Transport::Udp {
            return Err(SendError::UnsupportedTransport(transmit.transport));
        }
        let source = match transmit.source {
            None => SocketAddr::new(h.addrs[0], h.default_port),
            Some(s) if s.ip().is_unspecified() => {
                let ip = h.addrs.iter().find(|ip| ip.is_ipv4() == s.is_ipv4());
                let ip = ip.ok_or(SendError::NotLocal { host, from: s })?;
                SocketAddr::new(*ip, s.port())
            }
            Some(s) if h.addrs.contains(&s.ip()) => s,
            Some(s) => return Err(SendError::NotLocal { host, from: s }),
        };
        let destination = transmit.destination;
        if source.is_ipv4() != destination.is_ipv4() {
            return Err(SendError::FamilyMismatch {
                from: source,
                destination,
            });
        }
        let (realm, link) = (h.realm, h.link.unwrap_or(self.link));
        self.launch(realm, link, source, destination, transmit.contents);
        Ok(())
    }

    /// Puts a datagram on the wire: NATs on the way out, then the link.
    fn launch(
        &mut self,
        mut realm: Realm,
        link: LinkConfig,
        mut source: SocketAddr,
        destination: SocketAddr,
        contents: Bytes,
    ) {
        self.stats.sent += 1;
        let transport = Transport::Udp;
        // Out through NATs until the destination's realm (addresses are unique network-wide).
        loop {
            let here = self.owners.get(&destination.ip()).map(|(r, _)| *r);
            if here == Some(realm) {
                break;
            }
            let Realm::Inside(nat) = realm else {
                self.stats.unroutable += 1;
                return;
            };
            let n = &mut self.nats[nat.0 as usize];
            let Some(mapped) = n.outbound(self.now, transport, source, destination) else {
                self.stats.unroutable += 1;
                return;
            };
            source = mapped;
            realm = n.outside;
        }
        let (first, copy) = match link.fate(&mut self.rng) {
            Fate::Lost => {
                self.stats.lost += 1;
                return;
            }
            Fate::Delivered { first, copy } => (first, copy),
        };
        for (i, delay) in core::iter::once(first).chain(copy).enumerate() {
            if i > 0 {
                self.stats.duplicated += 1;
            }
            let mut at = self.now + delay.after;
            if delay.in_order {
                let last = self.last_arrival.entry((source, destination)).or_insert(at);
                at = at.max(*last);
                *last = at;
            } else {
                self.stats.reordered += 1;
            }
            self.seq += 1;
            self.wire.push(Packet {
                at,
                seq: self.seq,
                realm,
                transport,
                source,
                destination,
                contents: contents.clone(),
            });
        }
    }

    /// When something next happens inside the network: a datagram arrives or a built-in
    /// server's timer fires (or now, when deliveries are waiting in
    /// [`Network::poll_delivery`]).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if !self.ready.is_empty() {
            return Some(self.now);
        }
        let servers = self.turn.iter().filter_map(TurnServer::poll_timeout);
        self.wire
            .peek()
            .map(|p| p.at)
            .into_iter()
            .chain(servers)
            .min()
    }

    /// Moves the clock to `now` (never backwards: an earlier instant is ignored), processing
    /// every arrival and server timer due by then, in time order. Datagrams for hosts wait in
    /// [`Network::poll_delivery`].
    pub fn advance(&mut self, now: Instant) {
        for _ in 0..MAX_EVENTS_PER_ADVANCE {
            let packet = self.wire.peek().map(|p| p.at).filter(|at| *at <= now);
            let timer = self
                .turn
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((s.poll_timeout()?, i)))
                .filter(|(at, _)| *at <= now)
                .min();
            match (packet, timer) {
                (None, None) => break,
                (Some(p), Some((t, i))) if t < p => self.fire_timer(t, i),
                (None, Some((t, i))) => self.fire_timer(t, i),
                (Some(_), _) => {
                    let p = self.wire.pop().expect("peeked");
                    self.now = self.now.max(p.at);
                    self.arrive(p);
                }
            }
        }
        self.now = self.now.max(now);
    }

    /// The next datagram that reached a host by `now` (the clock advances to `now` first).
    pub fn poll_delivery(&mut self, now: Instant) -> Option<Delivery> {
        self.advance(now);
        self.ready.pop_front()
    }

    /// Advances to the next delivery, but not past `deadline`: for tests that wait for one
    /// datagram. Returns `None` (with the clock at `deadline` or at the last event) when
    /// none comes in time.
    pub fn next_delivery(&mut self, deadline: Instant) -> Option<Delivery> {
        for _ in 0..MAX_EVENTS_PER_ADVANCE {
            if let Some(d) = self.ready.pop_front() {
                return Some(d);
            }
            match self.poll_timeout() {
                Some(t) if t <= deadline => self.advance(t),
                _ => break,
            }
        }
        self.advance(deadline);
        self.ready.pop_front()
    }

    fn fire_timer(&mut self, at: Instant, index: usize) {
        self.now = self.now.max(at);
        self.turn[index].handle_timeout(self.now, &mut self.outgoing);
        self.flush_outgoing();
    }

    /// Sends what the built-in servers produced, from the internet.
    fn flush_outgoing(&mut self) {
        let mut out = core::mem::take(&mut self.outgoing);
        for o in out.drain(..) {
            self.launch(
                Realm::Internet,
                self.link,
                o.source,
                o.destination,
                o.contents,
            );
        }
        self.outgoing = out;
    }

    /// A datagram reaches its destination's realm: through NATs inward, to a host or server.
    fn arrive(&mut self, p: Packet) {
        let Packet {
            mut realm,
            mut destination,
            source,
            transport,
            contents,
            at,
            ..
        } = p;
        // Each pass goes one NAT inward; there are fewer NATs than passes.
        for _ in 0..=self.nats.len() {
            let owner = match self.owners.get(&destination.ip()) {
                Some((r, owner)) if *r == realm => *owner,
                _ => {
                    self.stats.unroutable += 1;
                    return;
                }
            };
            match owner {
                Owner::Host(host) => {
                    self.stats.delivered += 1;
                    let five_tuple = FiveTuple::new(transport, destination, source);
                    self.ready.push_back(Delivery {
                        host,
                        five_tuple,
                        contents,
                        at,
                    });
                    return;
                }
                Owner::Nat(id) => {
                    let nat = &mut self.nats[id.0 as usize];
                    if !nat.config.hairpinning && nat.external.contains(&source.ip()) {
                        self.stats.hairpin_refused += 1;
                        return;
                    }
                    match nat.inbound(self.now, transport, source, destination) {
                        Ok(internal) => {
                            destination = internal;
                            realm = Realm::Inside(id);
                        }
                        Err(Refused::NoMapping) => {
                            self.stats.no_mapping += 1;
                            return;
                        }
                        Err(Refused::Filtered) => {
                            self.stats.filtered += 1;
                            return;
                        }
                    }
                }
                Owner::Stun(i) => {
                    self.stats.to_servers += 1;
                    self.stun[i].handle(source, destination, &contents, &mut self.outgoing);
                    self.flush_outgoing();
                    return;
                }
                Owner::Turn(i) => {
                    self.stats.to_servers += 1;
                    let now = self.now;
                    self.turn[i].handle(now, source, destination, &contents, &mut self.outgoing);
                    self.flush_outgoing();
                    return;
                }
            }
        }
        self.stats.unroutable += 1;
    }
}

#[cfg(test)]
mod tests;
