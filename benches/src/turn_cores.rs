//! Two sans-I/O TURN server cores behind one trait, fed the same hand-made messages: Floe's
//! `floe_turn::Server` and (with `peers`) librice's `turn_server_proto::server::TurnServer`.
//!
//! Every client message is written here, once, with floe-stun's builder, and handed to both
//! cores as bytes; the only per-core difference is the NONCE each server handed out in its
//! 401. A client `i` has its own 5-tuple ([`client_addr`]) and its own relayed address
//! ([`relay_addr`]); each gets one permission and one channel ([`CHANNEL`]) to [`peer_addr`].
//! A second port of the same peer IP ([`other_peer_addr`]) has the permission but no
//! channel, so data from it goes to the client as a Data indication.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Instant;

use floe_stun::attributes::{
    ChannelNumber, Data, Nonce, Realm, RequestedAddressFamily, RequestedTransport, Username,
    XorPeerAddress,
};
use floe_stun::channel_data::ChannelData;
use floe_stun::{
    AddressFamily, Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId,
};
use floe_turn::{
    FiveTuple, IpPrefix, RelayGrant, Server, ServerConfig, ServerEvent, StaticCredentials,
    Transport,
};

/// The realm, user and password of both servers.
pub(crate) const REALM: &str = "example.org";
/// The one user every client authenticates as.
pub(crate) const USER: &str = "alice";
/// Its password.
pub(crate) const PASSWORD: &str = "secret";
/// The channel every client binds to [`peer_addr`].
pub(crate) const CHANNEL: u16 = 0x4001;

/// The address family of every address of a run: clients, server, relays and peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// IPv4 throughout.
    V4,
    /// IPv6 throughout (the Allocate asks for an IPv6 relay).
    V6,
}

impl Family {
    /// "IPv4" or "IPv6".
    #[must_use]
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::V4 => "IPv4",
            Self::V6 => "IPv6",
        }
    }
}

/// Spreads `i` over addresses: (which address, port from 1024).
fn spread(i: usize) -> (u32, u16) {
    let per_ip = 60_000;
    let ip = u32::try_from(i / per_ip).expect("fewer than 2^32 × 60,000 clients");
    let port = u16::try_from(1024 + i % per_ip).expect("below 61,024");
    (ip, port)
}

fn v4(base: [u8; 4], n: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(u32::from(Ipv4Addr::from(base)) + n))
}

fn v6(base: u128, n: u32) -> IpAddr {
    IpAddr::V6(Ipv6Addr::from(base + u128::from(n)))
}

/// The server's listening address.
#[must_use]
pub(crate) fn server_addr(family: Family) -> SocketAddr {
    match family {
        Family::V4 => "192.0.2.1:3478".parse().expect("an address"),
        Family::V6 => "[2001:db8::1]:3478".parse().expect("an address"),
    }
}

/// Client `i`'s address.
#[must_use]
pub(crate) fn client_addr(family: Family, i: usize) -> SocketAddr {
    let (n, port) = spread(i);
    match family {
        Family::V4 => SocketAddr::new(v4([100, 64, 0, 1], n), port),
        Family::V6 => SocketAddr::new(v6(0x2001_0db8_0100 << 80, n), port),
    }
}

/// The relayed address granted to client `i`.
#[must_use]
pub(crate) fn relay_addr(family: Family, i: usize) -> SocketAddr {
    let (n, port) = spread(i);
    match family {
        Family::V4 => SocketAddr::new(v4([198, 18, 0, 1], n), port),
        Family::V6 => SocketAddr::new(v6(0x2001_0db8_0200 << 80, n), port),
    }
}

/// The peer every client gets a permission and a channel for (public addresses: both
/// servers' peer policies let them through).
#[must_use]
pub(crate) fn peer_addr(family: Family) -> SocketAddr {
    // Built, not parsed: the instruction counts take the peer address inside the measurement.
    let ip = match family {
        Family::V4 => IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4)),
        Family::V6 => IpAddr::V6(Ipv6Addr::new(0x2a00, 0x1450, 0x4001, 0, 0, 0, 0, 4)),
    };
    SocketAddr::new(ip, 7000)
}

/// The same peer IP from another port: permitted, no channel.
#[must_use]
pub(crate) fn other_peer_addr(family: Family) -> SocketAddr {
    let p = peer_addr(family);
    SocketAddr::new(p.ip(), p.port() + 1)
}

/// A transaction id for step `step` of client `i`.
fn tid(step: u8, i: usize) -> TransactionId {
    let mut t = [0u8; 12];
    t[0] = step;
    t[4..].copy_from_slice(&(i as u64).to_be_bytes());
    TransactionId::from_bytes(t)
}

/// The unauthenticated Allocate that gets the 401 (REQUESTED-TRANSPORT UDP, an IPv6 relay
/// requested for [`Family::V6`], FINGERPRINT).
#[must_use]
pub(crate) fn allocate_401(family: Family, i: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let typ = MessageType::new(Method::ALLOCATE, Class::Request);
    let mut b = MessageBuilder::new(&mut out, typ, tid(1, i));
    b.add(&RequestedTransport::UDP);
    if family == Family::V6 {
        b.add(&RequestedAddressFamily(AddressFamily::IPV6));
    }
    b.fingerprint().expect("fits");
    out
}

/// A request signed with the long-term MD5 key: USERNAME, REALM, NONCE, MESSAGE-INTEGRITY,
/// FINGERPRINT after the attributes `body` adds.
fn signed(
    method: Method,
    t: TransactionId,
    nonce: &str,
    key: &IntegrityKey<'_>,
    body: impl FnOnce(&mut MessageBuilder<'_>),
) -> Vec<u8> {
    let mut out = Vec::new();
    let typ = MessageType::new(method, Class::Request);
    let mut b = MessageBuilder::new(&mut out, typ, t);
    body(&mut b);
    b.add(&Username(USER)).add(&Realm(REALM)).add(&Nonce(nonce));
    b.message_integrity(key)
        .expect("fits")
        .fingerprint()
        .expect("fits");
    out
}

/// The three signed requests of a setup after the 401: Allocate, CreatePermission for
/// [`peer_addr`], ChannelBind of [`CHANNEL`] to it.
#[must_use]
pub(crate) fn signed_setup(
    family: Family,
    i: usize,
    nonce: &str,
    key: &IntegrityKey<'_>,
) -> [Vec<u8>; 3] {
    let peer = peer_addr(family);
    let allocate = signed(Method::ALLOCATE, tid(2, i), nonce, key, |b| {
        b.add(&RequestedTransport::UDP);
        if family == Family::V6 {
            b.add(&RequestedAddressFamily(AddressFamily::IPV6));
        }
    });
    let permission = signed(Method::CREATE_PERMISSION, tid(3, i), nonce, key, |b| {
        b.add(&XorPeerAddress(peer));
    });
    let channel = signed(Method::CHANNEL_BIND, tid(4, i), nonce, key, |b| {
        b.add(&ChannelNumber(CHANNEL)).add(&XorPeerAddress(peer));
    });
    [allocate, permission, channel]
}

/// The NONCE of a 401 (or any response carrying one).
#[must_use]
pub(crate) fn nonce_of(response: &[u8]) -> Option<String> {
    let msg = Message::parse(response).ok()?;
    msg.get::<Nonce<'_>>()
        .ok()
        .flatten()
        .map(|n| n.0.to_owned())
}

/// Whether `response` is a success response.
#[must_use]
pub(crate) fn is_success(response: &[u8]) -> bool {
    Message::parse(response).is_ok_and(|m| m.class() == Class::Success)
}

/// ChannelData on [`CHANNEL`] carrying `payload`.
#[must_use]
pub(crate) fn channel_data(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ChannelData::new(CHANNEL, payload)
        .expect("a valid channel")
        .encode(&mut out, false);
    out
}

/// A Send indication of `payload` to [`peer_addr`] (no FINGERPRINT, as browsers send them).
#[must_use]
pub(crate) fn send_indication(family: Family, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let typ = MessageType::new(Method::SEND, Class::Indication);
    let mut b = MessageBuilder::new(&mut out, typ, tid(5, 0));
    b.add(&XorPeerAddress(peer_addr(family)))
        .add(&Data(payload));
    b.finish().expect("fits");
    out
}

/// A sans-I/O TURN server core as the benches drive it. Every method takes the client's
/// index; the 5-tuple, relayed address and peer follow from it and the core's family.
pub(crate) trait TurnCore {
    /// The name in reports.
    const NAME: &'static str;

    /// A core with no allocations, serving `family`, its quotas raised to hold `capacity`
    /// allocations of one user.
    fn new(family: Family, capacity: usize) -> Self;

    /// The family it serves.
    fn family(&self) -> Family;

    /// Hands a request from client `i` to the server, grants any relay it asks for
    /// ([`relay_addr`]), and writes the response into `out`. `false` when there was none.
    fn request(&mut self, i: usize, bytes: &[u8], out: &mut Vec<u8>) -> bool;

    /// ChannelData or a Send indication from client `i`: the length of the payload relayed
    /// to the peer (0 when dropped).
    fn client_in(&mut self, i: usize, bytes: &[u8]) -> usize;

    /// A datagram from `peer` on client `i`'s relayed address, framed for the client into
    /// `out`: the bytes written (0 when dropped).
    fn peer_in(&mut self, i: usize, peer: SocketAddr, data: &[u8], out: &mut Vec<u8>) -> usize;
}

/// The long-term MD5 key of [`USER`].
#[must_use]
pub(crate) fn key() -> IntegrityKey<'static> {
    IntegrityKey::long_term_md5(USER, REALM, PASSWORD)
}

/// The 401 round of client `i`: its nonce.
pub(crate) fn challenge<C: TurnCore>(core: &mut C, i: usize, out: &mut Vec<u8>) -> String {
    let bare = allocate_401(core.family(), i);
    assert!(core.request(i, &bare, out), "{}: no 401", C::NAME);
    nonce_of(out).unwrap_or_else(|| panic!("{}: no nonce in the 401", C::NAME))
}

/// The signed part of client `i`'s setup: Allocate (relay granted), CreatePermission,
/// ChannelBind, each answered with success.
pub(crate) fn finish_setup<C: TurnCore>(
    core: &mut C,
    i: usize,
    requests: &[Vec<u8>; 3],
    out: &mut Vec<u8>,
) {
    for r in requests {
        assert!(core.request(i, r, out), "{}: no answer", C::NAME);
        assert!(
            is_success(out),
            "{}: refused: {:?}",
            C::NAME,
            Message::parse(out)
        );
    }
}

/// A full setup of client `i` (401, Allocate, CreatePermission, ChannelBind).
pub(crate) fn setup<C: TurnCore>(
    core: &mut C,
    i: usize,
    key: &IntegrityKey<'_>,
    out: &mut Vec<u8>,
) {
    let nonce = challenge(core, i, out);
    let requests = signed_setup(core.family(), i, &nonce, key);
    finish_setup(core, i, &requests, out);
}

/// A core with clients `0..n` set up.
#[must_use]
pub(crate) fn populated<C: TurnCore>(family: Family, n: usize) -> C {
    let mut core = C::new(family, n);
    let key = key();
    let mut out = Vec::new();
    for i in 0..n {
        setup(&mut core, i, &key, &mut out);
    }
    core
}

/// Floe's `Server`, at one fixed instant.
#[derive(Debug)]
pub(crate) struct FloeCore {
    server: Server<StaticCredentials>,
    family: Family,
    /// [`server_addr`], parsed once.
    local: SocketAddr,
    now: Instant,
}

impl FloeCore {
    fn five_tuple(&self, i: usize) -> FiveTuple {
        FiveTuple {
            transport: Transport::Udp,
            local: self.local,
            remote: client_addr(self.family, i),
        }
    }

    /// The server, for its memory report.
    #[must_use]
    pub(crate) fn server(&self) -> &Server<StaticCredentials> {
        &self.server
    }
}

impl TurnCore for FloeCore {
    const NAME: &'static str = "floe-turn";

    fn new(family: Family, capacity: usize) -> Self {
        let mut config = ServerConfig::new(REALM);
        config.rng_seed = Some([1; 32]);
        let n = u32::try_from(capacity).unwrap_or(u32::MAX).max(16);
        config.quotas.allocations_per_user = n;
        config.quotas.allocations_per_client_ip = n;
        config.quotas.allocations_total = n;
        // The documentation peers are special-purpose ranges the default policy refuses;
        // these two public ones it allows anyway, listed to keep the bench independent of it.
        config.peer_policy = config
            .peer_policy
            .clone()
            .allow(IpPrefix::new(peer_addr(Family::V4).ip(), 32))
            .allow(IpPrefix::new(peer_addr(Family::V6).ip(), 128));
        let now = Instant::now();
        let server = Server::new(
            config,
            StaticCredentials::new().with_user(USER, PASSWORD),
            now,
        );
        Self {
            server,
            family,
            local: server_addr(family),
            now,
        }
    }

    fn family(&self) -> Family {
        self.family
    }

    fn request(&mut self, i: usize, bytes: &[u8], out: &mut Vec<u8>) -> bool {
        let ft = self.five_tuple(i);
        let _ = self.server.handle_receive(self.now, ft, bytes);
        while let Some(e) = self.server.poll_event() {
            if let ServerEvent::RelayRequested(req) = e {
                let grant = RelayGrant {
                    relayed: relay_addr(self.family, i),
                    additional: None,
                };
                self.server.provide_relay(self.now, req.id, Ok(grant));
            }
        }
        let mut answered = false;
        while let Some(t) = self.server.poll_transmit() {
            out.clear();
            out.extend_from_slice(&t.contents);
            answered = true;
        }
        answered
    }

    #[inline]
    fn client_in(&mut self, i: usize, bytes: &[u8]) -> usize {
        let ft = self.five_tuple(i);
        self.server
            .handle_receive(self.now, ft, bytes)
            .map_or(0, |t| t.data.len())
    }

    #[inline]
    fn peer_in(&mut self, i: usize, peer: SocketAddr, data: &[u8], out: &mut Vec<u8>) -> usize {
        let relay = relay_addr(self.family, i);
        match self
            .server
            .handle_peer_data(self.now, relay, peer, data, out)
        {
            Some(_) => out.len(),
            None => 0,
        }
    }
}

#[cfg(feature = "peers")]
pub(crate) use self::peer::PeerCore;

#[cfg(feature = "peers")]
mod peer {
    use core::net::SocketAddr;

    use turn_server_proto::api::{DelayedMessageOrChannelSend, TurnServerApi, TurnServerPollRet};
    use turn_server_proto::server::TurnServer;
    use turn_server_proto::stun::Instant;
    use turn_server_proto::stun::agent::Transmit;
    use turn_server_proto::types::TransportType;
    use turn_server_proto::types::prelude::DelayedTransmitBuild as _;

    use super::{Family, PASSWORD, REALM, TurnCore, USER, client_addr, relay_addr, server_addr};

    /// librice's `turn-server-proto` `TurnServer` (UDP listener), at one fixed instant.
    #[derive(Debug)]
    pub(crate) struct PeerCore {
        server: TurnServer,
        family: Family,
        /// [`server_addr`], parsed once.
        local: SocketAddr,
        now: Instant,
    }

    impl TurnCore for PeerCore {
        const NAME: &'static str = "turn-server-proto";

        fn new(family: Family, _capacity: usize) -> Self {
            let mut server =
                TurnServer::new(TransportType::Udp, server_addr(family), REALM.to_owned());
            server.add_user(USER.to_owned(), PASSWORD.to_owned());
            Self {
                server,
                family,
                local: server_addr(family),
                now: Instant::from_nanos(1_000_000_000),
            }
        }

        fn family(&self) -> Family {
            self.family
        }

        fn request(&mut self, i: usize, bytes: &[u8], out: &mut Vec<u8>) -> bool {
            let from = client_addr(self.family, i);
            let to = self.local;
            let now = self.now;
            if let Some(t) = self
                .server
                .recv(Transmit::new(bytes, TransportType::Udp, from, to), now)
            {
                out.clear();
                out.resize(t.data.len(), 0);
                t.write_into(out);
                return true;
            }
            while let TurnServerPollRet::AllocateSocket {
                transport,
                listen_addr,
                client_addr,
                allocation_transport,
                family,
            } = self.server.poll(now)
            {
                self.server.allocated_socket(
                    transport,
                    listen_addr,
                    client_addr,
                    allocation_transport,
                    family,
                    Ok(relay_addr(self.family, i)),
                    now,
                );
            }
            let mut answered = false;
            while let Some(t) = self.server.poll_transmit(now) {
                out.clear();
                out.extend_from_slice(&t.data);
                answered = true;
            }
            answered
        }

        #[inline]
        fn client_in(&mut self, i: usize, bytes: &[u8]) -> usize {
            let from = client_addr(self.family, i);
            let to = self.local;
            let t = Transmit::new(bytes, TransportType::Udp, from, to);
            match self.server.recv(t, self.now) {
                // The payload is handed out as a range of the input, not copied.
                Some(t) => match &t.data {
                    DelayedMessageOrChannelSend::Range(_, r) => r.len(),
                    other => other.len(),
                },
                None => 0,
            }
        }

        #[inline]
        fn peer_in(&mut self, i: usize, peer: SocketAddr, data: &[u8], out: &mut Vec<u8>) -> usize {
            let relay = relay_addr(self.family, i);
            let t = Transmit::new(data, TransportType::Udp, peer, relay);
            match self.server.recv(t, self.now) {
                Some(t) => {
                    // Framed into the caller's reused buffer, as Floe does.
                    let len = t.data.len();
                    out.resize(len, 0);
                    t.write_into(out).data.len()
                }
                None => 0,
            }
        }
    }
}
