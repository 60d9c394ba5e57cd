//! Agent configuration: role, ICE-lite, pacing, retransmissions, consent timers and the limits on
//! what a peer controls.

use core::time::Duration;

/// The agent's role (RFC 8445 §6.1.1): the controlling agent nominates pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// Nominates (the offerer, or the full agent facing a lite one).
    Controlling,
    /// Follows the other side's nominations.
    Controlled,
}

impl Role {
    /// The other role.
    ///
    /// ```
    /// use floe_ice::Role;
    /// assert_eq!(Role::Controlling.other(), Role::Controlled);
    /// ```
    #[must_use]
    pub const fn other(self) -> Self {
        match self {
            Self::Controlling => Self::Controlled,
            Self::Controlled => Self::Controlling,
        }
    }
}

/// Ta, the pacing of connectivity checks (RFC 8445 §14.2: 50 ms by default).
pub const DEFAULT_TA: Duration = Duration::from_millis(50);
/// The initial RTO of a check (RFC 8445 §14.3 asks for at least 500 ms with many pairs in
/// flight; each check uses `max(check_rto, Ta × pairs in flight)`).
pub const DEFAULT_CHECK_RTO: Duration = Duration::from_millis(250);
/// Sends of one check before it fails (Rc, RFC 8489 §6.2.1; 7 by default there, fewer here so a
/// dead pair fails in seconds, as browsers do).
pub const DEFAULT_CHECK_SENDS: u32 = 6;
/// Consent checks go out every 5 s ± 20 % (RFC 7675 §5.1: at random between 4 and 6 s).
pub const CONSENT_INTERVAL: Duration = Duration::from_secs(5);
/// Consent expires 30 s after the last authenticated response (RFC 7675 §5.1).
pub const CONSENT_TIMEOUT: Duration = Duration::from_secs(30);
/// A consent check unanswered for this long makes the agent report itself disconnected (it
/// keeps checking; consent is lost only after [`CONSENT_TIMEOUT`]).
pub const DEFAULT_DISCONNECTED_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a controlled agent whose checks are over waits for a nomination before the stream
/// fails (RFC 8445 leaves it open). 30 s, as [`CONSENT_TIMEOUT`]: it outlasts the controlling
/// agent's attempts to nominate over a lossy path (3 nominating checks, each about 9 s with its
/// retransmissions).
pub const DEFAULT_NOMINATION_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the embedder has to open a TURN stream (TCP, or TLS over TCP) before the agent
/// gives up on that server ([`crate::RelayFailure::ConnectTimeout`]). RFC 8656 sets no value;
/// 10 s keeps gathering bounded when a connection hangs in a firewall that drops SYNs.
pub const DEFAULT_TURN_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`IceConfig::max_pending_turn_streams`].
pub const DEFAULT_MAX_PENDING_TURN_STREAMS: usize = 4;
/// Default of [`IceConfig::max_turn_stream_buffer`]: 256 KiB.
pub const DEFAULT_MAX_TURN_STREAM_BUFFER: usize = 256 * 1024;
/// RFC 8445 §6.1.2.5: the default limit on candidate pairs (100).
pub const DEFAULT_MAX_PAIRS: usize = 100;

/// Agent configuration. Build with [`IceConfig::new`] and adjust the public fields.
///
/// ```
/// use floe_ice::{IceConfig, Role};
/// let mut config = IceConfig::new(Role::Controlling);
/// config.rng_seed = Some([7; 32]);
/// config.lite = false;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IceConfig {
    /// The role to start with; a role conflict may switch it (RFC 8445 §7.3.1.1).
    pub role: Role,
    /// Be an ICE-lite agent (RFC 8445 §2.5): host candidates only, no checks of its own,
    /// answers checks and takes nominations.
    pub lite: bool,
    /// Ta: one check per Ta (RFC 8445 §14.2).
    pub ta: Duration,
    /// Lower bound of a check's RTO (RFC 8445 §14.3).
    pub check_rto: Duration,
    /// Sends of one check (Rc).
    pub check_sends: u32,
    /// How long the controlling agent waits, after the first valid pair of a stream's last
    /// component, for better pairs before it nominates (regular nomination, RFC 8445 §8.1.1).
    pub nomination_delay: Duration,
    /// Mean interval of consent checks (RFC 7675 §5.1; randomised ± 20 %).
    pub consent_interval: Duration,
    /// Controlled: how long after its last check ended a stream with a component that was
    /// never nominated waits before it fails (the controlling agent is gone, or its
    /// nominations do not arrive).
    pub nomination_timeout: Duration,
    /// Renomination (draft-thatcher-ice-renomination; set when both descriptions carry
    /// `a=ice-options:renomination`): as controlling, nominate with NOMINATION and move to a
    /// better pair when one becomes valid after the first selection. Controlled agents take
    /// NOMINATION whether or not this is set.
    pub renomination: bool,
    /// Use relayed candidates only (the W3C `iceTransportPolicy` "relay"): host and
    /// server-reflexive candidates are still gathered as the bases of TURN allocations, but
    /// they are neither announced as [`IceEvent::LocalCandidate`](crate::IceEvent::LocalCandidate)
    /// nor paired, and checks arriving on a host base directly are not answered.
    pub relay_only: bool,
    /// Consent is lost this long after the last authenticated response (RFC 7675 §5.1).
    pub consent_timeout: Duration,
    /// How long a consent check may go unanswered before the agent reports
    /// [`crate::ConnectionState::Disconnected`].
    pub disconnected_timeout: Duration,
    /// Most candidate pairs kept (RFC 8445 §6.1.2.5); lower-priority pairs are pruned.
    pub max_pairs: usize,
    /// Most remote candidates accepted (signalled and peer-reflexive), per agent.
    pub max_remote_candidates: usize,
    /// Most local candidates (host, server-reflexive, peer-reflexive), per agent.
    pub max_local_candidates: usize,
    /// Most remote candidates waiting for their mDNS name to be resolved.
    pub max_pending_names: usize,
    /// Announce host candidates by mDNS name (a random `<uuid>.local` per host address,
    /// reported by [`crate::IceEvent::RegisterName`]) instead of by address, and hide the
    /// related address of the other candidates, as browsers do.
    pub mdns_host_names: bool,
    /// Most data streams.
    pub max_streams: usize,
    /// Most TURN streams (TCP/TLS to a TURN server) the agent waits on at once: asked for with
    /// [`crate::IceEvent::ConnectTurnStream`] and not yet connected or failed. Further ones
    /// wait their turn and are asked for as earlier ones connect or fail (at least one is
    /// always asked for).
    pub max_pending_turn_streams: usize,
    /// How long a TURN stream may take to connect before the agent gives up on it
    /// ([`crate::RelayFailure::ConnectTimeout`]).
    pub turn_connect_timeout: Duration,
    /// Most bytes of application data from TURN streams kept for
    /// [`crate::IceAgent::poll_received`]; data past it is dropped, as a full socket buffer
    /// drops datagrams.
    pub max_turn_stream_buffer: usize,
    /// The agent's first credentials, instead of ones drawn from its RNG (a restart always
    /// draws new ones). Check them first with [`crate::Credentials::check`]: the agent uses
    /// them as given.
    pub local_credentials: Option<crate::Credentials>,
    /// SOFTWARE in checks and responses, if any.
    pub software: Option<String>,
    /// Seed of the agent's CSPRNG (credentials, tie-breaker, transaction ids, consent jitter);
    /// `None` draws one from the OS.
    pub rng_seed: Option<[u8; 32]>,
}

impl IceConfig {
    /// The RFC defaults for a full agent in `role`.
    #[must_use]
    pub fn new(role: Role) -> Self {
        Self {
            role,
            lite: false,
            ta: DEFAULT_TA,
            check_rto: DEFAULT_CHECK_RTO,
            check_sends: DEFAULT_CHECK_SENDS,
            nomination_delay: Duration::from_millis(200),
            consent_interval: CONSENT_INTERVAL,
            nomination_timeout: DEFAULT_NOMINATION_TIMEOUT,
            renomination: false,
            relay_only: false,
            consent_timeout: CONSENT_TIMEOUT,
            disconnected_timeout: DEFAULT_DISCONNECTED_TIMEOUT,
            max_pairs: DEFAULT_MAX_PAIRS,
            max_remote_candidates: 200,
            max_local_candidates: 64,
            max_pending_names: 32,
            mdns_host_names: false,
            max_streams: 16,
            max_pending_turn_streams: DEFAULT_MAX_PENDING_TURN_STREAMS,
            turn_connect_timeout: DEFAULT_TURN_CONNECT_TIMEOUT,
            max_turn_stream_buffer: DEFAULT_MAX_TURN_STREAM_BUFFER,
            local_credentials: None,
            software: None,
            rng_seed: None,
        }
    }
}
