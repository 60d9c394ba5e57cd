//! What a session description of the agent carries (RFC 8839 §5.1): its local candidates in
//! `a=candidate` form, whether gathering has ended, and the default candidate of each
//! component for `c=`/`m=` (RFC 8839 §4.2.1.2), read at any time, so an offer or answer can
//! be written without replaying events.

use floe_ice_candidate::{Candidate, CandidateType};

use crate::agent::IceAgent;
use crate::error::IceError;
use crate::id::StreamId;
use crate::state::Local;

impl IceAgent {
    /// The stream's local candidates as they are signalled (the same form as
    /// [`IceEvent::LocalCandidate`](crate::IceEvent::LocalCandidate)), in the order they were
    /// found: host, server-reflexive and relayed ones; never peer-reflexive ones, and only
    /// relayed ones with [`IceConfig::relay_only`](crate::IceConfig::relay_only).
    ///
    /// ```
    /// # use std::time::Instant;
    /// use floe_ice::{IceAgent, IceConfig, Role};
    /// let mut agent = IceAgent::new(IceConfig::new(Role::Controlling), Instant::now());
    /// let stream = agent.add_stream(1)?;
    /// agent.add_local_address(stream, 1, "192.0.2.10:5000".parse().unwrap())?;
    /// let candidates = agent.local_candidates(stream);
    /// assert_eq!(candidates[0].to_string().split(' ').nth(4), Some("192.0.2.10"));
    /// # Ok::<(), floe_ice::IceError>(())
    /// ```
    #[must_use]
    pub fn local_candidates(&self, stream: StreamId) -> Vec<Candidate<'static>> {
        self.locals
            .values()
            .filter(|l| l.stream == stream && self.is_signalled(l))
            .filter_map(|l| self.signalled_form(l))
            .collect()
    }

    /// Whether gathering has ended for the stream (after
    /// [`IceEvent::GatheringComplete`](crate::IceEvent::GatheringComplete)): a description
    /// written now carries `a=end-of-candidates` (RFC 8840 §4.4).
    ///
    /// # Errors
    /// [`IceError::UnknownStream`].
    ///
    /// ```
    /// # use std::time::Instant;
    /// use floe_ice::{IceAgent, IceConfig, Role};
    /// let now = Instant::now();
    /// let mut agent = IceAgent::new(IceConfig::new(Role::Controlling), now);
    /// let stream = agent.add_stream(1)?;
    /// assert!(!agent.gathering_complete(stream)?);
    /// agent.gather(now); // no STUN or TURN server: nothing to wait for
    /// assert!(agent.gathering_complete(stream)?);
    /// # Ok::<(), floe_ice::IceError>(())
    /// ```
    pub fn gathering_complete(&self, stream: StreamId) -> Result<bool, IceError> {
        self.streams
            .get(&stream)
            .map(|s| s.gathering_done)
            .ok_or(IceError::UnknownStream(stream))
    }

    /// The default candidate of a component (RFC 8839 §4.2.1.2, RFC 9429 §5.3.1): the local
    /// candidate of its selected pair once there is one, else the candidate most likely to
    /// work with any peer (relayed, then server-reflexive, then host; by priority within a
    /// type). `None` before the component has a signalled candidate: a description then uses
    /// `0.0.0.0` and port 9 (RFC 8840 §4.1.1.1).
    ///
    /// ```
    /// # use std::time::Instant;
    /// use floe_ice::{IceAgent, IceConfig, Role};
    /// let mut agent = IceAgent::new(IceConfig::new(Role::Controlling), Instant::now());
    /// let stream = agent.add_stream(1)?;
    /// assert!(agent.default_candidate(stream, 1).is_none());
    /// agent.add_local_address(stream, 1, "192.0.2.10:5000".parse().unwrap())?;
    /// let default = agent.default_candidate(stream, 1).unwrap();
    /// assert_eq!(default.socket_addr(), Some("192.0.2.10:5000".parse().unwrap()));
    /// # Ok::<(), floe_ice::IceError>(())
    /// ```
    #[must_use]
    pub fn default_candidate(
        &self,
        stream: StreamId,
        component: u16,
    ) -> Option<Candidate<'static>> {
        let selected = self
            .selected
            .get(&(stream, component))
            .filter(|s| !s.lost && !s.stale)
            .and_then(|s| self.pairs.get(&s.pair))
            .and_then(|p| self.locals.get(&p.local))
            .filter(|l| self.is_signalled(l));
        let local = selected.or_else(|| {
            self.locals
                .values()
                .filter(|l| l.stream == stream && l.component == component && self.is_signalled(l))
                .max_by_key(|l| (default_rank(l.kind), l.priority))
        })?;
        self.signalled_form(local)
    }

    /// Whether the peer said it is ICE-lite ([`set_remote_lite`](Self::set_remote_lite)).
    #[must_use]
    pub fn remote_lite(&self) -> bool {
        self.remote_lite
    }

    /// Whether a local candidate is signalled: never peer-reflexive ones, and with
    /// `relay_only` only relayed ones.
    pub(crate) fn is_signalled(&self, l: &Local) -> bool {
        match l.kind {
            CandidateType::PeerReflexive => false,
            CandidateType::Relayed => true,
            _ => !self.config.relay_only,
        }
    }
}

/// How likely a candidate type is to work with an unknown peer (RFC 8445 §5.1.4: relayed
/// before server-reflexive before host).
fn default_rank(kind: CandidateType) -> u8 {
    match kind {
        CandidateType::Relayed => 3,
        CandidateType::ServerReflexive => 2,
        CandidateType::Host => 1,
        _ => 0,
    }
}
