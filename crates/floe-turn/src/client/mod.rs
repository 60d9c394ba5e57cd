//! The sans-I/O TURN client (RFC 8656 §6–§12, RFC 8489 §9.2).
//!
//! One [`Client`] holds one allocation on one server. The caller owns the socket (UDP, or a
//! TCP/TLS stream): it passes what arrives to [`Client::handle_receive`] (which hands back
//! peer data borrowed, without copying; on streams [`Client::poll_received`] drains the rest),
//! sends what [`Client::poll_transmit`] returns, writes application data with
//! [`Client::send_to`] into its own buffer, reacts to [`Client::poll_event`] and calls
//! [`Client::handle_timeout`] at [`Client::poll_timeout`]. Time never goes backwards.

mod data;
mod failure;
mod requests;
mod responses;
mod tcp;
mod transaction;

#[cfg(test)]
mod tests;

use core::fmt;
use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::collections::VecDeque;
use std::time::Instant;

use floe_stun::framing::FramingError;
use floe_stun::transaction::{ClientTransactions, TransactionConfig};
use floe_stun::{AddressFamily, PasswordAlgorithm};
use rand_chacha::ChaCha20Rng;

pub use self::data::Received;
pub use self::failure::Failure;
pub use self::tcp::{DataConnection, DataConnectionState};
use self::transaction::Outstanding;
use crate::auth::LongTermKey;
use crate::framing::StreamFramer;
use crate::hash::{self, Map};
use crate::types::{RelayTransport, Transmit, Transport};

/// Initial retransmission timeout (RFC 8489 §6.2.1: 500 ms).
pub const DEFAULT_RTO: Duration = Duration::from_millis(500);
/// Sends of one request over UDP (RFC 8489 §6.2.1: Rc = 7).
pub const DEFAULT_RC: u32 = 7;

/// Permissions are refreshed this long before their 300 s lifetime ends (RFC 8656 §9.1).
pub const PERMISSION_REFRESH: Duration = Duration::from_secs(240);
/// Channels are refreshed (which also refreshes their permission, RFC 8656 §12.1) every
/// 240 s: before the permission's 300 s and well before the channel's 600 s.
pub const CHANNEL_REFRESH: Duration = Duration::from_secs(240);

/// Client configuration. Build with [`ClientConfig::new`] and adjust the public fields.
///
/// ```
/// let mut c = floe_turn::ClientConfig::new("127.0.0.1:3478".parse().unwrap(), "alice", "secret");
/// c.rng_seed = Some([3; 32]);
/// c.requested_lifetime = Some(std::time::Duration::from_secs(300));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// The TURN server.
    pub server: SocketAddr,
    /// UDP, or a stream (TCP/TLS) owned by the caller.
    pub transport: Transport,
    /// Relay UDP (the default) or get a TCP allocation (RFC 6062; needs a stream transport).
    pub relay_transport: RelayTransport,
    /// Long-term credential username.
    pub username: String,
    /// Long-term credential password (never printed by Debug).
    pub password: String,
    /// When set, a server announcing another realm is refused.
    pub realm: Option<String>,
    /// LIFETIME to ask for; `None` leaves it to the server.
    pub requested_lifetime: Option<Duration>,
    /// REQUESTED-ADDRESS-FAMILY (RFC 8656 §7.1); `None` lets the server pick (IPv4).
    pub family: Option<AddressFamily>,
    /// Ask for an IPv6 relayed address too (ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §7.1).
    pub dual_stack: bool,
    /// SOFTWARE attribute for requests.
    pub software: Option<String>,
    /// Add FINGERPRINT to requests.
    pub fingerprint: bool,
    /// Initial RTO (UDP).
    pub rto: Duration,
    /// Number of sends of a request over UDP (Rc).
    pub max_sends: u32,
    /// ALTERNATE-SERVER redirects followed before giving up.
    pub max_redirects: u8,
    /// Seed of the client's CSPRNG (transaction ids); `None` draws one from the OS.
    pub rng_seed: Option<[u8; 32]>,
    /// Accept a success response to the unsigned first Allocate, for servers that run
    /// without authentication. Off by default: such a response can come from anyone who sees
    /// the request, so RFC 8656 §7.2 has the client discard it.
    pub allow_unauthenticated_server: bool,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("server", &self.server)
            .field("transport", &self.transport)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("realm", &self.realm)
            .field("requested_lifetime", &self.requested_lifetime)
            .field("family", &self.family)
            .field("dual_stack", &self.dual_stack)
            .field(
                "allow_unauthenticated_server",
                &self.allow_unauthenticated_server,
            )
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// UDP to `server` with the given credentials and RFC 8489 timer defaults.
    #[must_use]
    pub fn new(server: SocketAddr, username: &str, password: &str) -> Self {
        Self {
            server,
            transport: Transport::Udp,
            relay_transport: RelayTransport::Udp,
            username: username.to_owned(),
            password: password.to_owned(),
            realm: None,
            requested_lifetime: None,
            family: None,
            dual_stack: false,
            software: None,
            fingerprint: true,
            rto: DEFAULT_RTO,
            max_sends: DEFAULT_RC,
            max_redirects: 3,
            rng_seed: None,
            allow_unauthenticated_server: false,
        }
    }
}

/// What the client reports to its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TurnEvent {
    /// The allocation exists.
    Allocated {
        /// The relayed transport address (the relay candidate).
        relayed: SocketAddr,
        /// The second relayed address of a dual-stack allocation.
        additional: Option<SocketAddr>,
        /// The client's address as the server saw it (server-reflexive).
        mapped: Option<SocketAddr>,
        /// Lifetime granted.
        lifetime: Duration,
        /// The server that holds it (differs from the configured one after a redirect).
        server: SocketAddr,
    },
    /// A refresh succeeded.
    Refreshed {
        /// Lifetime granted.
        lifetime: Duration,
    },
    /// A permission was installed (or refreshed for the first time).
    PermissionCreated {
        /// The peer IP.
        peer: IpAddr,
    },
    /// CreatePermission failed.
    PermissionFailed {
        /// The peer IP.
        peer: IpAddr,
        /// Why.
        reason: Failure,
    },
    /// A channel is bound; [`Client::send_to`] now uses ChannelData for this peer.
    ChannelBound {
        /// The peer.
        peer: SocketAddr,
        /// The channel number.
        channel: u16,
    },
    /// ChannelBind failed; the peer keeps using Send indications.
    ChannelBindFailed {
        /// The peer.
        peer: SocketAddr,
        /// Why.
        reason: Failure,
    },
    /// The server sent 300 Try Alternate; the client now talks to `server`.
    Redirected {
        /// The alternate server.
        server: SocketAddr,
    },
    /// The server connected the TCP allocation to `peer` (RFC 6062 §4.3): bind a data
    /// connection with [`Client::connection_bind`].
    TcpConnected {
        /// The peer.
        peer: SocketAddr,
        /// The connection to bind.
        id: floe_stun::attributes::ConnectionId,
    },
    /// Connect failed.
    TcpConnectFailed {
        /// The peer.
        peer: SocketAddr,
        /// Why.
        reason: Failure,
    },
    /// A peer connected to the TCP relayed address (RFC 6062 §4.5): bind a data connection
    /// within 30 s with [`Client::connection_bind`] to accept it.
    TcpConnectionAttempt {
        /// The peer.
        peer: SocketAddr,
        /// The connection to bind.
        id: floe_stun::attributes::ConnectionId,
    },
    /// An allocation that existed is gone (refresh refused or timed out, or expired).
    AllocationLost {
        /// Why.
        reason: Failure,
    },
    /// [`Client::close`] finished: the allocation is deleted.
    Closed,
    /// Allocating failed; the client is done.
    Failed {
        /// Why.
        reason: Failure,
    },
}

/// A command the client cannot carry out in its current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// `allocate` was already called.
    #[error("allocate was already called")]
    AlreadyStarted,
    /// There is no allocation (yet, or any more).
    #[error("no allocation")]
    NotAllocated,
    /// `send_to` a peer without a permission or channel.
    #[error("no permission for {peer}")]
    NoPermission {
        /// The peer IP.
        peer: IpAddr,
    },
    /// A TCP operation on a UDP allocation, or a TCP allocation over UDP (RFC 6062 §4.1).
    #[error("needs a TCP allocation over a stream transport")]
    NotTcpAllocation,
    /// All 4096 channel numbers are in use.
    #[error("no free channel number")]
    NoFreeChannel,
    /// The payload does not fit one message (65535 bytes of ChannelData).
    #[error("payload of {len} bytes is too long")]
    DataTooLong {
        /// Its length.
        len: usize,
    },
}

/// Why [`Client::handle_receive`] did not use its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiveError {
    /// A datagram from another address than the server.
    #[error("datagram from {from}, not from the server")]
    NotFromServer {
        /// The sender.
        from: SocketAddr,
    },
    /// Neither STUN nor ChannelData, or malformed.
    #[error("not a well-formed STUN or ChannelData message ({len} bytes)")]
    Malformed {
        /// Length of the input.
        len: usize,
    },
    /// A response to no outstanding request, or one whose MESSAGE-INTEGRITY is wrong.
    #[error("response to no outstanding request, or failing MESSAGE-INTEGRITY")]
    UnmatchedResponse,
    /// A response without the integrity its request calls for: unsigned, other than 401 or
    /// 438, to a signed request (RFC 8489 §9.2.5), or a success to the unsigned Allocate
    /// (RFC 8656 §7.2). It is dropped; the request is still retransmitted.
    #[error("response without the required MESSAGE-INTEGRITY")]
    Unauthenticated,
    /// ChannelData on a channel that is not bound.
    #[error("ChannelData on unbound channel {channel:#06x}")]
    UnknownChannel {
        /// The channel number.
        channel: u16,
    },
    /// The stream carries something that is not a STUN or ChannelData frame.
    #[error(transparent)]
    Framing(#[from] FramingError),
}

/// Where the client is in its life (RFC 8656 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientState {
    /// `allocate` not called yet.
    Idle,
    /// Allocate sent, waiting.
    Allocating,
    /// The allocation exists.
    Allocated,
    /// `close` called, waiting for the delete.
    Closing,
    /// Deleted, lost or failed.
    Done,
}

/// Credentials learned from the server's 401 (RFC 8489 §9.2.3).
#[derive(Debug, Clone)]
pub(super) struct AuthState {
    realm: String,
    nonce: String,
    key: LongTermKey,
    algorithm: PasswordAlgorithm,
    /// The PASSWORD-ALGORITHMS value to echo, when the server offered negotiation.
    offered: Option<Vec<u8>>,
}

impl AuthState {
    /// The MAC requests carry: SHA-256 with the SHA-256 password algorithm (RFC 8489 §9.2.4).
    fn integrity(&self) -> crate::wire::Integrity {
        if self.algorithm == PasswordAlgorithm::SHA256 {
            crate::wire::Integrity::Sha256
        } else {
            crate::wire::Integrity::Sha1
        }
    }
}

/// The allocation as the client knows it.
#[derive(Debug, Clone, Copy)]
struct Allocation {
    relayed: SocketAddr,
    additional: Option<SocketAddr>,
    expires: Instant,
    refresh_at: Instant,
}

/// A permission the client keeps alive.
#[derive(Debug, Clone, Copy)]
struct PermissionState {
    installed: bool,
    in_flight: bool,
    refresh_at: Option<Instant>,
}

/// A channel the client keeps alive.
#[derive(Debug, Clone, Copy)]
struct ChannelState {
    number: u16,
    bound: bool,
    in_flight: bool,
    refresh_at: Option<Instant>,
}

/// The sans-I/O TURN client. See the module docs for the drive loop.
///
/// ```
/// use std::time::Instant;
/// use floe_turn::{Client, ClientConfig, TurnEvent};
/// let now = Instant::now();
/// let mut cfg = ClientConfig::new("127.0.0.1:3478".parse().unwrap(), "alice", "secret");
/// cfg.rng_seed = Some([1; 32]);
/// let mut client = Client::new(cfg);
/// client.allocate(now).unwrap();
/// let first = client.poll_transmit().unwrap();
/// assert_eq!(first.destination, "127.0.0.1:3478".parse().unwrap());
/// assert!(client.poll_timeout().is_some());
/// ```
#[derive(Debug)]
pub struct Client {
    config: ClientConfig,
    rng: ChaCha20Rng,
    server: SocketAddr,
    state: ClientState,
    auth: Option<AuthState>,
    /// Requests in flight, each with what it was for.
    transactions: ClientTransactions<Outstanding>,
    allocation: Option<Allocation>,
    permissions: Map<IpAddr, PermissionState>,
    channels: Map<SocketAddr, ChannelState>,
    channel_peers: Map<u16, SocketAddr>,
    next_channel: u16,
    redirects: u8,
    events: VecDeque<TurnEvent>,
    framer: StreamFramer,
}

impl Client {
    /// A client that has not contacted its server yet.
    ///
    /// # Panics
    ///
    /// When `config.rng_seed` is `None` and the operating system has no random source.
    #[must_use]
    pub fn new(config: ClientConfig) -> Self {
        let mut rng = crate::rng::from_seed(config.rng_seed);
        let (permissions, channels, channel_peers) = (
            hash::map(&mut rng),
            hash::map(&mut rng),
            hash::map(&mut rng),
        );
        let transactions = ClientTransactions::new(
            TransactionConfig::new()
                .with_rto(config.rto)
                .with_rc(config.max_sends),
        );
        Self {
            server: config.server,
            config,
            rng,
            state: ClientState::Idle,
            auth: None,
            transactions,
            allocation: None,
            permissions,
            channels,
            channel_peers,
            next_channel: crate::types::CHANNEL_MIN,
            redirects: 0,
            events: VecDeque::new(),
            framer: StreamFramer::new(),
        }
    }

    /// Where the client is.
    pub fn state(&self) -> ClientState {
        self.state
    }

    /// The server currently used (changes after 300 Try Alternate).
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// The relayed address, once allocated.
    pub fn relayed(&self) -> Option<SocketAddr> {
        self.allocation.map(|a| a.relayed)
    }

    /// The additional relayed address of a dual-stack allocation.
    pub fn additional_relayed(&self) -> Option<SocketAddr> {
        self.allocation.and_then(|a| a.additional)
    }

    /// The channel bound to `peer`, if the binding is confirmed.
    pub fn channel(&self, peer: &SocketAddr) -> Option<u16> {
        self.channels
            .get(peer)
            .filter(|c| c.bound)
            .map(|c| c.number)
    }

    /// The next bytes to send to the server.
    ///
    /// Only STUN requests (and their retransmissions) come out here; application data is
    /// written into the caller's buffer by [`Client::send_to`].
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transactions.poll_transmit()
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<TurnEvent> {
        self.events.pop_front()
    }

    /// When [`Client::handle_timeout`] must be called next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let tx = self.transactions.poll_timeout();
        let alloc = self
            .allocation
            .filter(|_| self.state == ClientState::Allocated)
            .into_iter()
            .flat_map(|a| [a.refresh_at, a.expires]);
        // Permissions and channels are only refreshed while the allocation lives.
        let live = self.state == ClientState::Allocated;
        // An entry with a request in flight is due again only when that request ends.
        let perms = self
            .permissions
            .values()
            .filter(|p| live && !p.in_flight)
            .filter_map(|p| p.refresh_at);
        let chans = self
            .channels
            .values()
            .filter(|c| live && !c.in_flight)
            .filter_map(|c| c.refresh_at);
        tx.into_iter().chain(alloc).chain(perms).chain(chans).min()
    }

    /// Starts allocating (RFC 8656 §7.1).
    pub fn allocate(&mut self, now: Instant) -> Result<(), ClientError> {
        if self.state != ClientState::Idle {
            return Err(ClientError::AlreadyStarted);
        }
        self.check_relay_transport()?;
        self.state = ClientState::Allocating;
        self.start(now, transaction::Purpose::Allocate, 0);
        Ok(())
    }

    /// Refreshes the allocation now (it is also refreshed automatically before it expires).
    pub fn refresh(&mut self, now: Instant) -> Result<(), ClientError> {
        if self.state != ClientState::Allocated {
            return Err(ClientError::NotAllocated);
        }
        let lifetime = self.requested_lifetime_secs();
        self.start(now, transaction::Purpose::Refresh { lifetime }, 0);
        Ok(())
    }

    /// Deletes the allocation (Refresh with LIFETIME 0, RFC 8656 §7). [`TurnEvent::Closed`]
    /// follows.
    pub fn close(&mut self, now: Instant) -> Result<(), ClientError> {
        if self.state != ClientState::Allocated {
            return Err(ClientError::NotAllocated);
        }
        self.state = ClientState::Closing;
        self.transactions.cancel_all();
        self.start(now, transaction::Purpose::Refresh { lifetime: Some(0) }, 0);
        Ok(())
    }

    /// Installs a permission for `peer` (RFC 8656 §9.1), kept alive until the allocation
    /// ends. [`TurnEvent::PermissionCreated`] follows.
    pub fn create_permission(&mut self, now: Instant, peer: IpAddr) -> Result<(), ClientError> {
        if self.state != ClientState::Allocated {
            return Err(ClientError::NotAllocated);
        }
        let p = self.permissions.entry(peer).or_insert(PermissionState {
            installed: false,
            in_flight: false,
            refresh_at: None,
        });
        if p.in_flight {
            return Ok(());
        }
        p.in_flight = true;
        p.refresh_at = None;
        self.start(
            now,
            transaction::Purpose::CreatePermission { peers: vec![peer] },
            0,
        );
        Ok(())
    }

    /// Binds a channel to `peer` (RFC 8656 §12.1) and returns its number. Until
    /// [`TurnEvent::ChannelBound`], data to the peer still goes in Send indications.
    pub fn bind_channel(&mut self, now: Instant, peer: SocketAddr) -> Result<u16, ClientError> {
        if self.state != ClientState::Allocated {
            return Err(ClientError::NotAllocated);
        }
        if let Some(c) = self.channels.get_mut(&peer) {
            let number = c.number;
            // A binding whose refresh is overdue (`handle_timeout` was not called in time) may
            // have lapsed at the server (RFC 8656 §12: ten minutes): refresh it now, with the
            // same number, rather than report a channel that may be gone.
            if !c.in_flight && c.refresh_at.is_some_and(|t| t <= now) {
                c.in_flight = true;
                c.refresh_at = None;
                self.start(now, transaction::Purpose::ChannelBind { number, peer }, 0);
            }
            return Ok(number);
        }
        let number = self.free_channel().ok_or(ClientError::NoFreeChannel)?;
        self.channels.insert(
            peer,
            ChannelState {
                number,
                bound: false,
                in_flight: true,
                refresh_at: None,
            },
        );
        self.channel_peers.insert(number, peer);
        self.start(now, transaction::Purpose::ChannelBind { number, peer }, 0);
        Ok(number)
    }

    fn free_channel(&mut self) -> Option<u16> {
        let span = crate::types::CHANNEL_MAX - crate::types::CHANNEL_MIN + 1;
        for _ in 0..span {
            let n = self.next_channel;
            self.next_channel = if n >= crate::types::CHANNEL_MAX {
                crate::types::CHANNEL_MIN
            } else {
                n + 1
            };
            if !self.channel_peers.contains_key(&n) {
                return Some(n);
            }
        }
        None
    }

    /// LIFETIME for Allocate and Refresh; never 0, which would mean delete.
    fn requested_lifetime_secs(&self) -> Option<u32> {
        self.config
            .requested_lifetime
            .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX).max(1))
    }
}
