//! What the agent reports: one `#[non_exhaustive]` enum of events, apart from transmits.

use core::net::SocketAddr;
use core::time::Duration;

use floe_ice_candidate::Candidate;

use crate::config::Role;
use crate::id::{PairId, StreamId};

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
        address: core::net::IpAddr,
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
}
