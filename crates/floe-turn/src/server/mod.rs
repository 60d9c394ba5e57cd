//! The sans-I/O TURN server core (RFC 8656 §5–§12, RFC 8489 §9.2 long-term credentials).
//!
//! The embedder owns every socket: it hands each datagram (or framed stream message) from a
//! client to [`Server::handle_receive`], each datagram arriving on a relay socket to
//! [`Server::handle_peer_data`], drains [`Server::poll_transmit`] and [`Server::poll_event`],
//! and calls [`Server::handle_timeout`] at [`Server::poll_timeout`]. Relay addresses are
//! requested through [`ServerEvent::RelayRequested`] and granted with
//! [`Server::provide_relay`].

mod allocation;
mod relay;
mod requests;
mod table;
mod tcp;
mod timers;

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::collections::VecDeque;
use std::time::Instant;

use rand::Rng as _;

use self::allocation::Allocation;
pub use self::allocation::AllocationInfo;
pub use self::relay::{ClientTransmit, PeerTransmit};
use self::table::Allocations;
use self::tcp::TcpConn;
pub use self::tcp::{CONNECTION_BIND_TIMEOUT, TcpCloseReason};
use self::timers::{TimerKey, Timers};
use floe_stun::attributes::ConnectionId;
use floe_stun::binding::BindingResponder;
use floe_stun::channel_data::ChannelRange;
use floe_stun::{AddressFamily, ErrorCode, IntegrityKey, PasswordAlgorithm, TransactionId};

use crate::auth::{CredentialLookup, NonceMinter};
use crate::hash::{self, Map};
use crate::policy::{PeerPolicy, Quota, Quotas};
use crate::types::{FiveTuple, RelayTransport, Transmit};
use crate::wire::Integrity;

/// Default allocation lifetime (RFC 8656 §3.2: 10 minutes).
pub const DEFAULT_ALLOCATION_LIFETIME: Duration = Duration::from_secs(600);
/// Largest lifetime the server grants by default (RFC 8656 §7.2 suggests one hour).
pub const MAX_ALLOCATION_LIFETIME: Duration = Duration::from_secs(3600);
/// Permission lifetime (RFC 8656 §9: 300 seconds, not configurable by the client).
pub const PERMISSION_LIFETIME: Duration = Duration::from_secs(300);
/// Channel binding lifetime (RFC 8656 §12: 10 minutes).
pub const CHANNEL_LIFETIME: Duration = Duration::from_secs(600);
/// How long an expired channel's number and peer stay reserved (RFC 8656 §12: 5 minutes).
pub const CHANNEL_HOLD_DOWN: Duration = Duration::from_secs(300);
/// How long a nonce stays valid before 438 Stale Nonce (RFC 8489 §9.2 leaves it to the
/// server; coturn also uses 600 s).
pub const DEFAULT_NONCE_LIFETIME: Duration = Duration::from_secs(600);

/// Server configuration. Build with [`ServerConfig::new`] and adjust the public fields.
///
/// ```
/// let mut config = floe_turn::ServerConfig::new("example.org");
/// config.peer_policy = floe_turn::PeerPolicy::default().allow_loopback(true);
/// config.rng_seed = Some([7; 32]);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The REALM of the long-term credentials.
    pub realm: String,
    /// SOFTWARE attribute added to responses, if any.
    pub software: Option<String>,
    /// Whether responses end with FINGERPRINT.
    pub fingerprint: bool,
    /// Nonce lifetime; older nonces get 438.
    pub nonce_lifetime: Duration,
    /// Lifetime granted when the client asks for less or nothing.
    pub default_lifetime: Duration,
    /// Largest lifetime granted.
    pub max_lifetime: Duration,
    /// Password algorithms offered in PASSWORD-ALGORITHMS, in order of preference. Empty
    /// turns RFC 8489 algorithm negotiation off (nonces then carry no security-feature
    /// cookie and MD5 is used, as with RFC 5389 clients). Without MD5 in a non-empty list,
    /// a request naming no algorithm (which means MD5, RFC 8489 §9.2.4) gets 400.
    pub password_algorithms: Vec<PasswordAlgorithm>,
    /// Which peers may be relayed to.
    pub peer_policy: PeerPolicy,
    /// The channel numbers ChannelBind accepts. By default [`ChannelRange::Rfc5766`],
    /// 0x4000–0x7FFF (RFC 5766 §11): the range Chrome's TURN client (libwebrtc), coturn's
    /// clients and baresip pick from, and that coturn, pion and libwebrtc's servers accept.
    /// [`ChannelRange::Rfc8656`] is strict RFC 8656 §12: 0x5000–0x7FFF get 400 Bad Request
    /// (their first bytes 0x50–0x7F collide with other protocols multiplexed on one port,
    /// RFC 9443), at the cost of refusing most of those clients' ChannelBinds.
    pub channel_range: ChannelRange,
    /// Accept TCP allocations (RFC 6062) over stream transports; the embedder then gets
    /// [`RelayRequest`]s with [`RelayTransport::Tcp`] and the TCP events.
    pub tcp_allocations: bool,
    /// Allocation, permission and channel limits.
    pub quotas: Quotas,
    /// Unix time in seconds at the `now` given to [`Server::new`]; used for REST credential
    /// expiry only.
    pub unix_time: u64,
    /// How long an Allocate waits for [`Server::provide_relay`] before it is dropped.
    pub relay_request_timeout: Duration,
    /// Seed of the server's CSPRNG (nonce key); `None` draws one from the OS.
    pub rng_seed: Option<[u8; 32]>,
}

impl ServerConfig {
    /// Defaults for `realm`: lifetimes from RFC 8656, SHA-256 then MD5 offered, special peer
    /// ranges denied, FINGERPRINT on.
    #[must_use]
    pub fn new(realm: &str) -> Self {
        Self {
            realm: realm.to_owned(),
            software: None,
            fingerprint: true,
            nonce_lifetime: DEFAULT_NONCE_LIFETIME,
            default_lifetime: DEFAULT_ALLOCATION_LIFETIME,
            max_lifetime: MAX_ALLOCATION_LIFETIME,
            password_algorithms: vec![PasswordAlgorithm::SHA256, PasswordAlgorithm::MD5],
            peer_policy: PeerPolicy::default(),
            channel_range: ChannelRange::Rfc5766,
            tcp_allocations: true,
            quotas: Quotas::default(),
            unix_time: 0,
            relay_request_timeout: Duration::from_secs(5),
            rng_seed: None,
        }
    }
}

/// Identifies one relay request until [`Server::provide_relay`] answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelayRequestId(u64);

/// What the server needs from the embedder to finish an Allocate: a relay socket.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RelayRequest {
    /// Answer with [`Server::provide_relay`] and this id.
    pub id: RelayRequestId,
    /// The allocation's 5-tuple.
    pub five_tuple: FiveTuple,
    /// Family of the relayed address (REQUESTED-ADDRESS-FAMILY, IPv4 by default).
    pub family: AddressFamily,
    /// Also a relayed address of this family (ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §7.2).
    pub additional_family: Option<AddressFamily>,
    /// UDP relaying, or a TCP allocation (RFC 6062): a listening TCP socket.
    pub transport: RelayTransport,
    /// EVEN-PORT was requested (RFC 8656 §14.6); reservations are not supported.
    pub even_port: bool,
    /// DONT-FRAGMENT was requested (RFC 8656 §14.8): set DF on the relay socket.
    pub dont_fragment: bool,
}

/// The embedder's answer to a [`RelayRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayGrant {
    /// The relayed transport address of the requested family.
    pub relayed: SocketAddr,
    /// The additional relayed address, when one was requested and could be opened.
    pub additional: Option<SocketAddr>,
}

/// Why the embedder could not provide a relay socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// No port free: the client gets 508 Insufficient Capacity.
    #[error("no relay port available")]
    InsufficientCapacity,
    /// The family cannot be served: the client gets 440 Address Family not Supported.
    #[error("address family not supported")]
    FamilyNotSupported,
}

/// Why an allocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReleaseReason {
    /// The client deleted it (Refresh with LIFETIME 0).
    Deleted,
    /// Its lifetime ran out.
    Expired,
    /// The stream (TCP/TLS) connection of its 5-tuple closed (RFC 8656 §5).
    ConnectionClosed,
}

/// Something the embedder must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerEvent {
    /// Open a relay socket and answer with [`Server::provide_relay`].
    RelayRequested(RelayRequest),
    /// An allocation was created on the relay address(es) granted.
    AllocationCreated {
        /// Its 5-tuple.
        five_tuple: FiveTuple,
        /// The relayed address.
        relayed: SocketAddr,
        /// The additional relayed address.
        additional: Option<SocketAddr>,
        /// The authenticated user.
        username: String,
    },
    /// Connect to `peer` from the TCP relayed address `relayed` (RFC 6062 §5.2), then report
    /// with [`Server::tcp_connect_result`].
    TcpConnectRequested {
        /// The connection's id.
        id: ConnectionId,
        /// The allocation's 5-tuple.
        five_tuple: FiveTuple,
        /// The relayed address to connect from.
        relayed: SocketAddr,
        /// The peer to connect to.
        peer: SocketAddr,
    },
    /// The client bound its data connection `data` to the peer connection `id`: send the
    /// queued response on `data`, then pipe bytes between it and the peer connection.
    TcpConnectionBound {
        /// The peer connection.
        id: ConnectionId,
        /// The client's data connection.
        data: FiveTuple,
        /// The peer.
        peer: SocketAddr,
        /// The relayed address the peer connection belongs to.
        relayed: Option<SocketAddr>,
    },
    /// Close the peer connection `id`.
    TcpConnectionClosed {
        /// The peer connection.
        id: ConnectionId,
        /// Why.
        reason: TcpCloseReason,
    },
    /// A request was refused because it would exceed one of the [`Quotas`] (the client got
    /// 486 or 508): for the operator's log, nothing to do.
    QuotaReached {
        /// The client's 5-tuple.
        five_tuple: FiveTuple,
        /// The authenticated user.
        username: String,
        /// Which quota.
        quota: Quota,
    },
    /// An allocation ended: close its relay socket(s).
    RelayReleased {
        /// Its 5-tuple.
        five_tuple: FiveTuple,
        /// The relayed address to close.
        relayed: SocketAddr,
        /// The additional relayed address to close.
        additional: Option<SocketAddr>,
        /// Why.
        reason: ReleaseReason,
    },
}

/// Counters of what the server did with its input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerStats {
    /// Inputs that were neither STUN nor ChannelData.
    pub malformed: u64,
    /// Requests refused with an error response (401 challenges included).
    pub rejected: u64,
    /// Packets relayed from clients to peers.
    pub relayed_to_peer: u64,
    /// Packets relayed from peers to clients.
    pub relayed_to_client: u64,
    /// Packets dropped on the relay path: no allocation, no permission, no channel, or a
    /// peer the policy refuses.
    pub relay_dropped: u64,
}

/// What the server's state costs in memory, counted from its tables' capacities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemoryUsage {
    /// Live allocations.
    pub allocations: usize,
    /// Bytes held by all tables (inline entries, control bytes and per-entry heap).
    pub bytes: usize,
}

/// A pending Allocate, waiting for the embedder's relay socket.
#[derive(Debug)]
struct PendingAllocate {
    five_tuple: FiveTuple,
    tid: TransactionId,
    username: Box<str>,
    integrity: Integrity,
    /// The key that verified the Allocate, ready to sign its response.
    signing: IntegrityKey<'static>,
    lifetime: Duration,
    additional_family: Option<AddressFamily>,
    tcp: bool,
    deadline: Instant,
}

/// The sans-I/O TURN server. See the module documentation for the drive loop.
///
/// ```
/// use std::time::Instant;
/// use floe_turn::{Server, ServerConfig, StaticCredentials};
/// let now = Instant::now();
/// let mut config = ServerConfig::new("example.org");
/// config.rng_seed = Some([1; 32]);
/// let server = Server::new(config, StaticCredentials::new().with_user("alice", "secret"), now);
/// assert_eq!(server.allocation_count(), 0);
/// assert!(server.poll_timeout().is_none());
/// ```
#[derive(Debug)]
pub struct Server<C> {
    config: ServerConfig,
    credentials: C,
    epoch: Instant,
    nonces: NonceMinter,
    /// Answers Binding requests (floe-stun's responder, SOFTWARE and FINGERPRINT as
    /// configured).
    binding: BindingResponder,
    /// Live allocations, by 5-tuple and by relayed address.
    allocations: Allocations,
    per_user: Map<Box<str>, u32>,
    /// Allocations (and pending Allocates) per client IP address.
    per_ip: Map<IpAddr, u32>,
    pending: Map<RelayRequestId, PendingAllocate>,
    next_request: u64,
    transmits: VecDeque<Transmit>,
    events: VecDeque<ServerEvent>,
    /// Every deadline: allocations, pending Allocates, peer connections awaiting
    /// ConnectionBind.
    timers: Timers,
    stats: ServerStats,
    indications: u64,
    tcp_conns: Map<u32, TcpConn>,
    next_connection: u32,
    connection_salt: u32,
}

impl<C: CredentialLookup> Server<C> {
    /// A server with no allocations. `now` is the server's epoch for nonces and the instant
    /// at which `config.unix_time` holds.
    pub fn new(config: ServerConfig, credentials: C, now: Instant) -> Self {
        let mut key = [0u8; 20];
        let mut rng = crate::rng::from_seed(config.rng_seed);
        rng.fill_bytes(&mut key);
        let connection_salt = rng.next_u32();
        let nonces = NonceMinter::new(
            key,
            u32::try_from(config.nonce_lifetime.as_secs()).unwrap_or(u32::MAX),
            !config.password_algorithms.is_empty(),
        );
        let mut binding = BindingResponder::new()
            .fingerprint(config.fingerprint)
            .understands(crate::wire::is_known);
        if let Some(software) = &config.software {
            binding = binding.software(software.as_str());
        }
        Self {
            config,
            credentials,
            epoch: now,
            nonces,
            binding,
            allocations: Allocations::new(&mut rng),
            per_user: hash::map(&mut rng),
            per_ip: hash::map(&mut rng),
            pending: hash::map(&mut rng),
            next_request: 0,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            timers: Timers::new(now),
            stats: ServerStats::default(),
            indications: 0,
            tcp_conns: hash::map(&mut rng),
            next_connection: 0,
            connection_salt,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Number of live allocations.
    pub fn allocation_count(&self) -> usize {
        self.allocations.len()
    }

    /// Number of Allocates waiting for [`Server::provide_relay`].
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// A snapshot of the allocation on `five_tuple`.
    pub fn allocation(&self, five_tuple: &FiveTuple) -> Option<AllocationInfo> {
        self.allocations.get(five_tuple).map(Allocation::info)
    }

    /// The memory held by the server's tables: allocations with their permissions, channels
    /// and cached responses, the relay index, per-user and per-IP counters, pending Allocates,
    /// peer TCP connections and the deadline heap.
    pub fn memory_usage(&self) -> MemoryUsage {
        use core::mem::size_of;
        let table = |cap: usize, entry: usize| cap * (entry + 1);
        let mut bytes = self.allocations.heap_bytes();
        bytes += table(self.per_user.capacity(), size_of::<(Box<str>, u32)>());
        bytes += self.per_user.keys().map(|k| k.len()).sum::<usize>();
        bytes += table(self.per_ip.capacity(), size_of::<(IpAddr, u32)>());
        bytes += table(
            self.pending.capacity(),
            size_of::<(RelayRequestId, PendingAllocate)>(),
        );
        bytes += table(self.tcp_conns.capacity(), size_of::<(u32, TcpConn)>());
        bytes += self.timers.heap_bytes();
        MemoryUsage {
            allocations: self.allocations.len(),
            bytes,
        }
    }

    /// What the server did with its input so far.
    pub fn stats(&self) -> ServerStats {
        self.stats
    }

    /// The next datagram (or stream bytes) to send to a client.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event for the embedder.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.events.pop_front()
    }

    /// When [`Server::handle_timeout`] should be called next: exactly the earliest instant
    /// at which an allocation, a permission (RFC 8656 §9) or a channel's hold-down (§12) ends,
    /// a pending Allocate times out ([`ServerConfig::relay_request_timeout`]) or a peer
    /// connection's ConnectionBind wait ends (RFC 6062 §5.3). `None` when nothing can expire.
    /// O(1).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.earliest_deadline()
    }

    /// Expires what is due at `now` (deadlines `<= now`): allocations (reported as
    /// [`ReleaseReason::Expired`]), permissions, channels whose hold-down is over, relay
    /// requests the embedder did not answer in time, and peer connections never bound
    /// ([`TcpCloseReason::BindTimeout`]). Only due deadlines are looked at: O(1) when nothing
    /// is due, O(k log n) for k of them.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.fire_timers(now);
    }

    /// Tells the server that the stream connection of `five_tuple` closed: its allocation
    /// goes away with it (RFC 8656 §5). Returns whether there was one. `now` is not needed;
    /// it keeps the signature of the other inputs.
    pub fn connection_closed(&mut self, _now: Instant, five_tuple: &FiveTuple) -> bool {
        let had = self.allocations.contains_key(five_tuple);
        self.remove_allocation(five_tuple, ReleaseReason::ConnectionClosed);
        self.settle_timers();
        had
    }

    fn remove_allocation(&mut self, ft: &FiveTuple, reason: ReleaseReason) {
        let Some(alloc) = self.allocations.remove(ft) else {
            return;
        };
        self.release_slots(&alloc.username, ft.remote.ip());
        if alloc.tcp {
            // Only TCP allocations have peer connections (RFC 6062).
            self.drop_tcp_of(ft);
        }
        self.events.push_back(ServerEvent::RelayReleased {
            five_tuple: *ft,
            relayed: alloc.relayed,
            additional: alloc.additional,
            reason,
        });
    }

    /// Gives back the quota slots (per user and per client IP) of an allocation or of a
    /// pending Allocate.
    fn release_slots(&mut self, username: &str, client_ip: IpAddr) {
        if let Some(n) = self.per_user.get_mut(username) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_user.remove(username);
            }
        }
        if let Some(n) = self.per_ip.get_mut(&client_ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_ip.remove(&client_ip);
            }
        }
    }

    /// Seconds since the server's epoch, for nonces.
    fn stamp(&self, now: Instant) -> u32 {
        u32::try_from(now.saturating_duration_since(self.epoch).as_secs()).unwrap_or(u32::MAX)
    }

    /// Unix time at `now`, for REST credentials.
    fn unix_now(&self, now: Instant) -> u64 {
        self.config
            .unix_time
            .saturating_add(now.saturating_duration_since(self.epoch).as_secs())
    }

    /// Grants (or refuses) the relay socket of a [`RelayRequest`]; the Allocate is answered
    /// now. Unknown or timed-out ids are ignored (the embedder should close the socket it
    /// opened; `false` tells it so).
    pub fn provide_relay(
        &mut self,
        now: Instant,
        id: RelayRequestId,
        grant: Result<RelayGrant, RelayError>,
    ) -> bool {
        let created = self.grant_relay(now, id, grant);
        self.settle_timers();
        created
    }

    /// [`Server::provide_relay`] without the timer upkeep.
    fn grant_relay(
        &mut self,
        now: Instant,
        id: RelayRequestId,
        grant: Result<RelayGrant, RelayError>,
    ) -> bool {
        let Some(p) = self.pending.remove(&id) else {
            return false;
        };
        let grant = match grant {
            Ok(g)
                if self.allocations.by_relay(&g.relayed).is_none()
                    && g.additional
                        .is_none_or(|a| self.allocations.by_relay(&a).is_none()) =>
            {
                g
            }
            Ok(_) | Err(RelayError::InsufficientCapacity) => {
                self.release_slots(&p.username, p.five_tuple.remote.ip());
                self.send_pending_error(&p, ErrorCode::INSUFFICIENT_CAPACITY);
                return false;
            }
            Err(RelayError::FamilyNotSupported) => {
                self.release_slots(&p.username, p.five_tuple.remote.ip());
                self.send_pending_error(&p, ErrorCode::ADDRESS_FAMILY_NOT_SUPPORTED);
                return false;
            }
        };
        let mut alloc = Allocation::new(&p, grant, now);
        let Some(response) = self.allocate_success(&p, grant) else {
            self.release_slots(&p.username, p.five_tuple.remote.ip());
            return false;
        };
        alloc.cached_allocate = Some((p.tid, response.clone().into_boxed_slice()));
        let deadline = alloc.next_deadline();
        let Some(slot) = self.allocations.insert(alloc) else {
            // The 5-tuple already has an allocation, or the table is full.
            self.release_slots(&p.username, p.five_tuple.remote.ip());
            self.send_pending_error(&p, ErrorCode::INSUFFICIENT_CAPACITY);
            return false;
        };
        self.schedule(deadline, TimerKey::Allocation(slot));
        self.push_transmit(p.five_tuple, response);
        self.events.push_back(ServerEvent::AllocationCreated {
            five_tuple: p.five_tuple,
            relayed: grant.relayed,
            additional: grant.additional,
            username: p.username.into_string(),
        });
        true
    }

    fn push_transmit(&mut self, ft: FiveTuple, data: Vec<u8>) {
        self.transmits.push_back(Transmit::reply(ft, data));
    }

    fn new_request_id(&mut self) -> RelayRequestId {
        self.next_request += 1;
        RelayRequestId(self.next_request)
    }
}

#[cfg(test)]
mod tests;
