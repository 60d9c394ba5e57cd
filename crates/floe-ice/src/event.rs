//! What the agent reports: one `#[non_exhaustive]` enum of events, apart from transmits.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use floe_ice_candidate::Candidate;
use floe_stun::framing::FramingError;
use floe_stun::net::Transport;
use floe_turn::Failure;

use crate::config::Role;
use crate::id::{PairId, StreamId, TurnStreamId};

/// The agent's connection state (the W3C `RTCIceTransportState` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionState {
    /// Nothing checked yet.
    New,
    /// Checks are running and not every component has a selected pair.
    Checking,
    /// Every component of every stream has a selected pair.
    Connected,
    /// A consent check on a selected pair has gone unanswered for
    /// [`crate::IceConfig::disconnected_timeout`]; checks go on, and a response brings the agent
    /// back to connected.
    Disconnected,
    /// Checks failed for a component, or consent was lost (RFC 7675 §5.1).
    Failed,
    /// [`crate::IceAgent::close`] was called.
    Closed,
}

/// Something the embedder may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IceEvent {
    /// A local candidate to signal to the peer (trickle, RFC 8838): host and server-reflexive
    /// candidates as they are found, in `a=candidate` form.
    LocalCandidate {
        /// Its stream.
        stream: StreamId,
        /// The candidate.
        candidate: Candidate<'static>,
    },
    /// Gathering ended for the stream: signal end-of-candidates (RFC 8838 §4.4).
    GatheringComplete {
        /// The stream.
        stream: StreamId,
    },
    /// A remote peer-reflexive candidate was learned from an authenticated check
    /// (RFC 8445 §7.3.1.3).
    DiscoveredRemote {
        /// The stream.
        stream: StreamId,
        /// Its address.
        address: SocketAddr,
    },
    /// The role changed after a role conflict (RFC 8445 §7.3.1.1, §7.2.5.1).
    RoleChanged {
        /// The new role.
        role: Role,
    },
    /// The selected pair of a component (a nominated valid pair, RFC 8445 §8.1.1); it may change
    /// later without a restart.
    SelectedPair {
        /// The stream.
        stream: StreamId,
        /// The component (1 for RTP, 2 for RTCP).
        component: u16,
        /// The pair.
        pair: PairId,
        /// The local address to send from (the pair's local base).
        local: SocketAddr,
        /// The remote address to send to.
        remote: SocketAddr,
    },
    /// A remote candidate names an mDNS host (`*.local`): resolve it and call
    /// [`crate::IceAgent::resolved`] (asked once per name).
    ResolveName {
        /// The name.
        name: String,
    },
    /// With [`crate::IceConfig::mdns_host_names`]: the embedder's mDNS responder must answer
    /// for `name` with `address` (reported once per host address, before the candidates that
    /// use it).
    RegisterName {
        /// The name.
        name: String,
        /// The host address it stands for.
        address: IpAddr,
    },
    /// The connection state changed.
    ConnectionStateChanged {
        /// The new state.
        state: ConnectionState,
    },
    /// Consent for a selected pair expired or was revoked (RFC 7675 §5.1): no more data may be
    /// sent on it.
    ConsentLost {
        /// The stream.
        stream: StreamId,
        /// The component.
        component: u16,
        /// How long since the last authenticated response.
        silent_for: Duration,
    },
    /// Open a TCP connection (TLS over TCP for [`Transport::Tls`], the embedder running the
    /// TLS session) to a TURN server configured with [`crate::TurnServer::with_transport`]
    /// (RFC 8656 §3.1), then answer with [`crate::IceAgent::turn_stream_connected`] or
    /// [`crate::IceAgent::turn_stream_failed`]. Bytes read from it go to
    /// [`crate::IceAgent::handle_receive`] with the flow `(transport, local, server)`; transmits
    /// on that flow are written to it. At most
    /// [`crate::IceConfig::max_pending_turn_streams`] are outstanding at once.
    ConnectTurnStream {
        /// The stream's id, for the answer and the flow.
        id: TurnStreamId,
        /// The address to connect to (the configured server's, or the alternate one a
        /// 300 Try Alternate named).
        server: SocketAddr,
        /// [`Transport::Tcp`] or [`Transport::Tls`].
        transport: Transport,
        /// The host address the relayed candidate stands for: bind the connection's socket
        /// to it (any port) to keep the relay on that interface.
        local_ip: IpAddr,
    },
    /// Close a TURN stream: the agent is done with it ([`crate::IceAgent::close`], its
    /// allocation failed, its connection timed out, a redirect, or its bytes are out of sync).
    /// The id is forgotten; nothing more about it needs to be reported. Closing the connection
    /// deletes the allocation on the server (RFC 8656 §5).
    CloseTurnStream {
        /// The stream.
        id: TurnStreamId,
    },
    /// A TURN server gives no relayed candidate for a component, or the one it gave is gone
    /// (its pairs fail). Gathering goes on with the other servers; a failure before the
    /// allocation counts as that server's end of gathering.
    RelayFailed {
        /// The stream.
        stream: StreamId,
        /// The component.
        component: u16,
        /// The configured server ([`crate::TurnServer::addr`]).
        server: SocketAddr,
        /// How the agent reached it.
        transport: Transport,
        /// Why.
        reason: RelayFailure,
    },
}

/// Why a TURN server gives no relayed candidate, or took it back
/// ([`IceEvent::RelayFailed`]).
///
/// ```
/// use floe_ice::{RelayFailure, TurnFailure};
/// let f = RelayFailure::AllocationFailed(TurnFailure::Unauthorized);
/// assert_eq!(
///     f.to_string(),
///     "allocation failed: 401 Unauthorized: the server refused the credentials"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RelayFailure {
    /// The Allocate failed (RFC 8656 §7.3): refused, wrong credentials, no answer.
    #[error("allocation failed: {0}")]
    AllocationFailed(Failure),
    /// An allocation that existed is gone: a refresh was refused or went unanswered until it
    /// expired (RFC 8656 §7.3, §8).
    #[error("allocation lost: {0}")]
    AllocationLost(Failure),
    /// The embedder could not open the stream ([`crate::IceAgent::turn_stream_failed`]).
    #[error("the connection to the TURN server could not be opened")]
    ConnectFailed,
    /// The stream was not connected within [`crate::IceConfig::turn_connect_timeout`].
    #[error("the connection to the TURN server was not opened within {0:?}")]
    ConnectTimeout(Duration),
    /// The stream ended ([`crate::IceAgent::turn_stream_closed`]); the server deletes the
    /// allocation with it (RFC 8656 §5).
    #[error("the connection to the TURN server was closed")]
    StreamClosed,
    /// The server's bytes are not a sequence of STUN and ChannelData messages
    /// (RFC 8656 §12.5): the stream is out of sync and is closed.
    #[error("the TURN stream is out of sync: {0}")]
    OutOfSync(FramingError),
}
