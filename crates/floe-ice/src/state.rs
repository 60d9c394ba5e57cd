//! The agent's tables: streams, candidates and pairs, addressed by stable ids.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::time::Instant;

use floe_ice_candidate::{CandidateType, MAX_FOUNDATION_LEN, pair_priority};
use floe_stun::TransactionId;

use crate::config::Role;
use crate::id::{CandidateId, PairId, StreamId};

/// One data stream and its checklist state (RFC 8445 §6.1.2).
#[derive(Debug)]
pub(crate) struct Stream {
    pub(crate) components: u16,
    /// Server-reflexive queries still in flight (gathering ends when none are).
    pub(crate) gathering: usize,
    /// `GatheringComplete` was reported.
    pub(crate) gathering_done: bool,
    /// The peer signalled end-of-candidates (RFC 8838 §4.4).
    pub(crate) end_of_remote: bool,
    /// When the controlling agent nominates (regular nomination, RFC 8445 §8.1.1).
    pub(crate) nominate_at: Option<Instant>,
    /// Controlled: since when every check is over with a component still not nominated.
    pub(crate) unnominated_since: Option<Instant>,
    /// Checks failed for a component of this stream.
    pub(crate) failed: bool,
}

/// A local candidate (RFC 8445 §5.1.1).
#[derive(Debug, Clone)]
pub(crate) struct Local {
    pub(crate) stream: StreamId,
    pub(crate) component: u16,
    pub(crate) kind: CandidateType,
    pub(crate) addr: SocketAddr,
    /// The address the agent sends from (RFC 8445 §5.1.1.1): the host address itself, or the
    /// host candidate a reflexive one was learned through.
    pub(crate) base: SocketAddr,
    /// `raddr`/`rport` when not the base (a relayed candidate's mapped address).
    pub(crate) related: Option<SocketAddr>,
    pub(crate) priority: u32,
    pub(crate) foundation: u32,
}

/// A remote candidate (signalled, or peer-reflexive, RFC 8445 §7.3.1.3).
#[derive(Debug, Clone)]
pub(crate) struct Remote {
    pub(crate) stream: StreamId,
    pub(crate) component: u16,
    pub(crate) kind: CandidateType,
    pub(crate) addr: SocketAddr,
    pub(crate) priority: u32,
    pub(crate) foundation: u32,
}

/// A pair's state (RFC 8445 §6.1.2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PairState {
    /// Waits for a check of a pair with the same foundation to succeed.
    Frozen,
    /// Ready to be checked.
    Waiting,
    /// A check is in flight.
    InProgress,
    /// A check succeeded: the pair is valid.
    Succeeded,
    /// Its check failed or timed out.
    Failed,
}

impl PairState {
    /// Frozen, waiting or in progress: its checks are not over.
    pub(crate) const fn is_unfinished(self) -> bool {
        matches!(self, Self::Frozen | Self::Waiting | Self::InProgress)
    }
}

/// A candidate pair with its check state and statistics.
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    pub(crate) stream: StreamId,
    pub(crate) component: u16,
    pub(crate) local: CandidateId,
    pub(crate) remote: CandidateId,
    pub(crate) local_base: SocketAddr,
    pub(crate) remote_addr: SocketAddr,
    pub(crate) local_priority: u32,
    pub(crate) remote_priority: u32,
    /// (local foundation, remote foundation), RFC 8445 §6.1.2.6.
    pub(crate) foundation: (u32, u32),
    pub(crate) priority: u64,
    pub(crate) state: PairState,
    /// The pair is in the valid list (RFC 8445 §7.2.5.3.2).
    pub(crate) valid: bool,
    /// The pair is nominated (RFC 8445 §8.1.1).
    pub(crate) nominated: bool,
    /// Controlled: USE-CANDIDATE arrived before the pair's own check succeeded
    /// (RFC 8445 §7.3.1.5).
    pub(crate) nominate_on_success: bool,
    /// The NOMINATION value it was nominated with (renomination: the highest wins).
    pub(crate) nomination: Option<u32>,
    /// Controlling: nominating checks on it that timed out.
    pub(crate) nominations_lost: u8,
    /// The check in flight, if any.
    pub(crate) in_flight: Option<TransactionId>,
    pub(crate) stats: PairStats,
}

impl Pair {
    /// RFC 8445 §6.1.2.3 with G the controlling side's priority.
    pub(crate) fn reprioritise(&mut self, role: Role) {
        self.priority = match role {
            Role::Controlling => pair_priority(self.local_priority, self.remote_priority),
            Role::Controlled => pair_priority(self.remote_priority, self.local_priority),
        };
    }
}

/// Statistics of a pair (W3C `RTCIceCandidatePairStats` names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PairStats {
    /// Checks sent (retransmissions included).
    pub requests_sent: u64,
    /// Checks received.
    pub requests_received: u64,
    /// Authenticated responses received.
    pub responses_received: u64,
    /// Responses sent.
    pub responses_sent: u64,
    /// Consent checks sent.
    pub consent_requests_sent: u64,
    /// Round-trip time of the last check answered on its first send.
    pub current_round_trip_time: Option<Duration>,
    /// Application bytes sent.
    pub bytes_sent: u64,
    /// Application bytes received.
    pub bytes_received: u64,
}

/// A snapshot of a pair for the embedder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PairInfo {
    /// The pair.
    pub id: PairId,
    /// Its stream.
    pub stream: StreamId,
    /// Its component.
    pub component: u16,
    /// Its local candidate.
    pub local_candidate: CandidateId,
    /// Its remote candidate.
    pub remote_candidate: CandidateId,
    /// The local address it sends from.
    pub local: SocketAddr,
    /// The remote address.
    pub remote: SocketAddr,
    /// Its priority (RFC 8445 §6.1.2.3).
    pub priority: u64,
    /// Its state.
    pub state: PairState,
    /// Whether it is valid (a check succeeded).
    pub valid: bool,
    /// Whether it is nominated.
    pub nominated: bool,
    /// Its statistics.
    pub stats: PairStats,
}

/// A snapshot of a local or remote candidate for the embedder (the W3C
/// `RTCIceCandidateStats` fields the agent knows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CandidateInfo {
    /// The candidate.
    pub id: CandidateId,
    /// Whether it is one of the agent's own (else the peer's).
    pub is_local: bool,
    /// Its stream.
    pub stream: StreamId,
    /// Its component.
    pub component: u16,
    /// Host, server-reflexive, peer-reflexive or relayed.
    pub kind: CandidateType,
    /// Its transport address.
    pub address: SocketAddr,
    /// The address checks from it are sent from (local candidates; the address itself for
    /// remote ones).
    pub base: SocketAddr,
    /// Its priority (RFC 8445 §5.1.2).
    pub priority: u32,
}

/// Interns foundations as small numbers (a pair compares foundations per check): the peer's
/// foundation strings, and for local candidates the facts that make a foundation
/// ([`LocalFoundation`]), so that no string is formatted to compare them. A stream has a
/// handful of foundations, so a vector searched in order is smaller and as fast as a map; the
/// number is the position. The first foundation is kept inline: a host-only agent has one of
/// each kind and allocates none.
#[derive(Debug)]
pub(crate) struct Foundations<K> {
    keys: smallvec::SmallVec<[K; 1]>,
}

impl<K> Default for Foundations<K> {
    fn default() -> Self {
        Self {
            keys: smallvec::SmallVec::new(),
        }
    }
}

impl<K> Foundations<K> {
    /// The number of the first key `is` accepts, or of `make()` added.
    pub(crate) fn intern(&mut self, is: impl Fn(&K) -> bool, make: impl FnOnce() -> K) -> u32 {
        let at = match self.keys.iter().position(is) {
            Some(i) => i,
            None => {
                // Grow by one at a time: an agent has a handful of foundations for its life.
                if self.keys.len() == self.keys.capacity() {
                    self.keys.reserve_exact(1);
                }
                self.keys.push(make());
                self.keys.len() - 1
            }
        };
        u32::try_from(at).unwrap_or(u32::MAX)
    }
}

impl Foundations<RemoteFoundation> {
    /// The number of a peer's foundation string.
    pub(crate) fn intern_str(&mut self, name: &str) -> u32 {
        let key = RemoteFoundation::new(name);
        self.intern(|k| *k == key, || key)
    }
}

/// A peer's foundation, kept inline: at most 32 ice-chars (RFC 8839 §5.1, which the candidate
/// parser enforces); a longer one is cut there, so at worst two such foundations count as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RemoteFoundation {
    len: u8,
    bytes: [u8; MAX_FOUNDATION_LEN],
}

impl RemoteFoundation {
    fn new(name: &str) -> Self {
        let mut bytes = [0; MAX_FOUNDATION_LEN];
        let len = name.len().min(MAX_FOUNDATION_LEN);
        bytes[..len].copy_from_slice(&name.as_bytes()[..len]);
        Self {
            len: u8::try_from(len).unwrap_or(u8::MAX),
            bytes,
        }
    }
}

/// What local candidates share a foundation by (RFC 8445 §5.1.1.3): type, base IP, server IP
/// and transport to the server (a relay reached over TCP or TLS is obtained over TCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalFoundation {
    pub(crate) kind: CandidateType,
    pub(crate) base: IpAddr,
    pub(crate) server: Option<IpAddr>,
    pub(crate) reliable: bool,
}

#[cfg(test)]
mod foundation_tests {
    use core::net::{IpAddr, Ipv4Addr};

    use floe_ice_candidate::CandidateType;

    use super::{Foundations, LocalFoundation, RemoteFoundation};

    #[test]
    fn equal_foundations_share_a_number_and_others_do_not() {
        let mut remote = Foundations::<RemoteFoundation>::default();
        assert_eq!(remote.intern_str("a1"), 0);
        assert_eq!(remote.intern_str("b2"), 1);
        assert_eq!(remote.intern_str("a1"), 0);
        // "a" and "a1" differ although one is a prefix of the other.
        assert_eq!(remote.intern_str("a"), 2);
        let long = "x".repeat(32);
        assert_eq!(remote.intern_str(&long), 3);
        assert_eq!(remote.intern_str(&long), 3);

        let mut local = Foundations::<LocalFoundation>::default();
        let host = LocalFoundation {
            kind: CandidateType::Host,
            base: IpAddr::V4(Ipv4Addr::LOCALHOST),
            server: None,
            reliable: false,
        };
        let over_tcp = LocalFoundation {
            reliable: true,
            ..host
        };
        assert_eq!(local.intern(|k| *k == host, || host), 0);
        assert_eq!(local.intern(|k| *k == over_tcp, || over_tcp), 1);
        assert_eq!(local.intern(|k| *k == host, || host), 0);
    }
}
