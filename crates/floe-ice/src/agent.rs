//! The agent: its tables, its commands and the `poll_*` half of the drive loop. Checks,
//! responses and incoming requests are in `checks.rs` and `responder.rs`; consent in
//! `consent.rs`; gathering in `gather.rs`.

use core::net::SocketAddr;
use core::time::Duration;
use std::collections::VecDeque;
use std::time::Instant;

use floe_stun::IntegrityKey;
use floe_stun::binding::BindingResponder;
use floe_stun::net::{FiveTuple, Transmit, Transport};
use floe_stun::transaction::{ClientTransactions, TransactionConfig};
use rand::{Rng as _, RngExt as _};

use crate::config::{IceConfig, Role};
use crate::credentials::Credentials;
use crate::error::IceError;
use crate::event::{ConnectionState, IceEvent};
use crate::id::{CandidateId, Counter, PairId, StreamId};
use crate::idmap::IdMap;
use crate::mdns::PendingName;
use crate::relay::{Relay, TurnServer};
use crate::restart::Previous;
use crate::state::{
    CandidateInfo, Foundations, Local, LocalFoundation, Pair, PairInfo, Remote, RemoteFoundation,
    Stream,
};
use crate::turn_stream::StreamInbox;

/// What a transaction of the agent is for.
#[derive(Debug, Clone)]
pub(crate) enum Purpose {
    /// A connectivity check (or a consent check) on a pair.
    Check {
        pair: PairId,
        /// It carried USE-CANDIDATE.
        nominating: bool,
        /// The role it was sent in (a 487 to an older role is stale).
        role: Role,
        /// It is a consent check on a selected pair (RFC 7675).
        consent: bool,
        /// The PRIORITY it carried (a peer-reflexive local candidate gets it).
        priority: u32,
        /// When it was first sent (RTT).
        sent_at: Instant,
        /// A consent check of the generation before a restart (old credentials).
        old_generation: bool,
    },
    /// A Binding request to a STUN server for a server-reflexive candidate.
    Srflx {
        local: CandidateId,
        server: SocketAddr,
    },
}

/// The selected pair of one component and its consent (RFC 7675).
#[derive(Debug, Clone)]
pub(crate) struct Selected {
    pub(crate) pair: PairId,
    /// The last authenticated response on the pair (consent, RFC 7675 §5.1).
    pub(crate) last_response: Instant,
    /// When the next consent check goes out.
    pub(crate) next_consent: Instant,
    /// When the oldest consent check still unanswered went out.
    pub(crate) unanswered_since: Option<Instant>,
    pub(crate) disconnected: bool,
    pub(crate) lost: bool,
    /// Selected before a restart: it carries data until the new generation selects a pair.
    pub(crate) stale: bool,
}

/// The sans-I/O ICE agent (RFC 8445). See the crate docs for the drive loop.
///
/// ```
/// use std::time::Instant;
/// use floe_ice::{IceAgent, IceConfig, Role};
/// let mut config = IceConfig::new(Role::Controlling);
/// config.rng_seed = Some([1; 32]);
/// let mut agent = IceAgent::new(config, Instant::now());
/// let stream = agent.add_stream(1).unwrap();
/// agent.add_local_address(stream, 1, "192.0.2.10:5000".parse().unwrap()).unwrap();
/// assert!(agent.poll_event().is_some()); // the host candidate, to signal
/// ```
#[derive(Debug)]
pub struct IceAgent {
    pub(crate) config: IceConfig,
    pub(crate) rng: crate::rng::AgentRng,
    pub(crate) role: Role,
    pub(crate) tie_breaker: u64,
    pub(crate) local_credentials: Credentials,
    pub(crate) local_key: IntegrityKey<'static>,
    pub(crate) remote_credentials: Option<Credentials>,
    pub(crate) remote_key: Option<IntegrityKey<'static>>,
    pub(crate) remote_lite: bool,
    /// The old generation's credentials during a restart (boxed: rare, and two keys large).
    pub(crate) previous: Option<Box<Previous>>,
    /// The remote credentials came with the peer's restart; a local restart now is the
    /// answer to it and keeps them.
    pub(crate) remote_is_new: bool,
    /// The last NOMINATION value sent (renomination).
    pub(crate) nomination_counter: u32,
    pub(crate) streams: IdMap<StreamId, Stream>,
    pub(crate) locals: IdMap<CandidateId, Local>,
    pub(crate) remotes: IdMap<CandidateId, Remote>,
    pub(crate) pairs: IdMap<PairId, Pair>,
    pub(crate) selected: IdMap<(StreamId, u16), Selected>,
    pub(crate) local_foundations: Foundations<LocalFoundation>,
    pub(crate) remote_foundations: Foundations<RemoteFoundation>,
    pub(crate) stream_ids: Counter,
    pub(crate) candidate_ids: Counter,
    pub(crate) pair_ids: Counter,
    pub(crate) stun_servers: Vec<SocketAddr>,
    /// Remote candidates waiting for their mDNS names.
    pub(crate) pending_names: Vec<PendingName>,
    /// The mDNS names of local host addresses.
    pub(crate) local_names: Vec<(core::net::IpAddr, String)>,
    pub(crate) turn_servers: Vec<TurnServer>,
    /// TURN allocations (relayed candidates), a handful at most.
    pub(crate) relays: Vec<Relay>,
    pub(crate) turn_stream_ids: Counter,
    /// Application data from TURN streams, for `poll_received`.
    pub(crate) turn_inbox: StreamInbox,
    pub(crate) transactions: ClientTransactions<Purpose>,
    pub(crate) responder: BindingResponder,
    /// Responses and indications to send (checks go through `transactions`).
    pub(crate) transmits: VecDeque<Transmit>,
    pub(crate) events: VecDeque<IceEvent>,
    /// Triggered checks, first in first out (RFC 8445 §7.3.1.4): a short list (a check leaves
    /// it from anywhere when its pair succeeds), the first few kept inline.
    pub(crate) triggered: smallvec::SmallVec<[PairId; 4]>,
    /// No check goes out before this instant (Ta pacing, RFC 8445 §6.1.4.2).
    pub(crate) next_check: Instant,
    pub(crate) state: ConnectionState,
    /// Scratch buffer for messages.
    pub(crate) scratch: Vec<u8>,
    /// Where replies and application data are copied for their transmits.
    pub(crate) arena: crate::arena::TransmitArena,
}

/// Room for a check or a response without growing (a check with SOFTWARE is about 130 bytes):
/// the scratch buffer is allocated once.
const SCRATCH_CAPACITY: usize = 160;

impl IceAgent {
    /// A new agent with fresh credentials and tie-breaker from its seeded RNG.
    ///
    /// # Panics
    /// When `config.rng_seed` is `None` and the operating system has no random source.
    #[must_use]
    pub fn new(config: IceConfig, now: Instant) -> Self {
        let mut rng = crate::rng::from_seed(config.rng_seed);
        let local_credentials = match &config.local_credentials {
            Some(given) => given.clone(),
            None => Credentials::random(&mut rng),
        };
        let tie_breaker = rng.next_u64();
        let local_key = IntegrityKey::owned(local_credentials.pwd.as_bytes()).prepare_sha1();
        let transactions = ClientTransactions::new(
            TransactionConfig::new()
                .with_rto(config.check_rto)
                .with_rc(config.check_sends)
                .with_rm(4)
                .with_max_in_flight(config.max_pairs.saturating_mul(2).max(16)),
        );
        let mut responder = BindingResponder::new();
        if let Some(s) = &config.software {
            responder = responder.software(s.as_str());
        }
        // A lite agent is always controlled unless both are lite (RFC 8445 §6.1.1); the
        // configured role is kept and checked by `set_remote_lite`.
        Self {
            role: config.role,
            config,
            rng,
            tie_breaker,
            local_credentials,
            local_key,
            remote_credentials: None,
            remote_key: None,
            remote_lite: false,
            previous: None,
            remote_is_new: false,
            nomination_counter: 0,
            streams: IdMap::new(),
            locals: IdMap::new(),
            remotes: IdMap::new(),
            pairs: IdMap::new(),
            selected: IdMap::new(),
            local_foundations: Foundations::default(),
            remote_foundations: Foundations::default(),
            stream_ids: Counter::default(),
            candidate_ids: Counter::default(),
            pair_ids: Counter::default(),
            stun_servers: Vec::new(),
            pending_names: Vec::new(),
            local_names: Vec::new(),
            turn_servers: Vec::new(),
            relays: Vec::new(),
            turn_stream_ids: Counter::default(),
            turn_inbox: StreamInbox::default(),
            transactions,
            responder,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            triggered: smallvec::SmallVec::new(),
            next_check: now,
            state: ConnectionState::New,
            scratch: Vec::with_capacity(SCRATCH_CAPACITY),
            arena: crate::arena::TransmitArena::default(),
        }
    }

    // ---- getters ----

    /// The local credentials to signal (ice-ufrag, ice-pwd).
    #[must_use]
    pub fn local_credentials(&self) -> &Credentials {
        &self.local_credentials
    }

    /// The current role.
    #[must_use]
    pub fn role(&self) -> Role {
        self.role
    }

    /// The connection state.
    #[must_use]
    pub fn state(&self) -> ConnectionState {
        self.state
    }

    /// Whether the agent is ICE-lite.
    #[must_use]
    pub fn is_lite(&self) -> bool {
        self.config.lite
    }

    /// The selected pair of a component, as (local, remote) addresses.
    #[must_use]
    pub fn selected_pair(&self, stream: StreamId, component: u16) -> Option<PairInfo> {
        let s = self.selected.get(&(stream, component))?;
        self.pair_info(s.pair)
    }

    /// A snapshot of a pair.
    #[must_use]
    pub fn pair_info(&self, pair: PairId) -> Option<PairInfo> {
        let p = self.pairs.get(&pair)?;
        Some(PairInfo {
            id: pair,
            stream: p.stream,
            component: p.component,
            local_candidate: p.local,
            remote_candidate: p.remote,
            local: p.local_base,
            remote: p.remote_addr,
            priority: p.priority,
            state: p.state,
            valid: p.valid,
            nominated: p.nominated,
            stats: p.stats,
        })
    }

    /// A snapshot of a local or remote candidate.
    ///
    /// ```
    /// # use std::time::Instant;
    /// # use floe_ice::{IceAgent, IceConfig, Role};
    /// # let mut config = IceConfig::new(Role::Controlling);
    /// # config.rng_seed = Some([1; 32]);
    /// let mut agent = IceAgent::new(config, Instant::now());
    /// let stream = agent.add_stream(1).unwrap();
    /// let id = agent.add_local_address(stream, 1, "192.0.2.10:5000".parse().unwrap()).unwrap();
    /// let info = agent.candidate_info(id).unwrap();
    /// assert!(info.is_local && info.kind == floe_ice_candidate::CandidateType::Host);
    /// ```
    #[must_use]
    pub fn candidate_info(&self, id: CandidateId) -> Option<CandidateInfo> {
        if let Some(l) = self.locals.get(&id) {
            return Some(CandidateInfo {
                id,
                is_local: true,
                stream: l.stream,
                component: l.component,
                kind: l.kind,
                address: l.addr,
                base: l.base,
                priority: l.priority,
            });
        }
        let r = self.remotes.get(&id)?;
        Some(CandidateInfo {
            id,
            is_local: false,
            stream: r.stream,
            component: r.component,
            kind: r.kind,
            address: r.addr,
            base: r.addr,
            priority: r.priority,
        })
    }

    /// Every pair, highest priority first.
    #[must_use]
    pub fn pairs(&self) -> Vec<PairInfo> {
        let mut v: Vec<PairInfo> = self
            .pairs
            .keys()
            .filter_map(|id| self.pair_info(*id))
            .collect();
        v.sort_by_key(|p| core::cmp::Reverse(p.priority));
        v
    }

    // ---- commands ----

    /// Adds a data stream with `components` components (1 for RTP with rtcp-mux, 2 without).
    ///
    /// # Errors
    /// [`IceError::Limit`] past [`IceConfig::max_streams`]; [`IceError::UnknownComponent`] for
    /// 0 or more than 256 components.
    pub fn add_stream(&mut self, components: u16) -> Result<StreamId, IceError> {
        if self.streams.len() >= self.config.max_streams {
            return Err(IceError::Limit {
                what: "streams",
                limit: self.config.max_streams,
            });
        }
        let id = StreamId(self.stream_ids.next());
        if components == 0 || components > 256 {
            return Err(IceError::UnknownComponent {
                stream: id,
                component: components,
            });
        }
        self.streams.insert(
            id,
            Stream {
                components,
                gathering: 0,
                gathering_done: false,
                end_of_remote: false,
                nominate_at: None,
                unnominated_since: None,
                failed: false,
            },
        );
        Ok(id)
    }

    /// Adds a STUN server for server-reflexive candidates (RFC 8445 §5.1.1.2).
    pub fn add_stun_server(&mut self, server: SocketAddr) {
        if !self.stun_servers.contains(&server) {
            self.stun_servers.push(server);
        }
    }

    /// Sets the peer's credentials (from its description); checks can start. Credentials that
    /// differ from the ones set before are an ICE restart by the peer (RFC 8839 §4.4.1.1):
    /// the checklists are flushed, and its candidates must be added again.
    pub fn set_remote_credentials(&mut self, now: Instant, credentials: Credentials) {
        if let Some(old) = self.remote_credentials.take_if(|old| *old != credentials) {
            self.remote_restart(now, old);
        }
        self.remote_key = Some(IntegrityKey::owned(credentials.pwd.as_bytes()).prepare_sha1());
        self.remote_credentials = Some(credentials);
        self.next_check = self.next_check.max(now);
        self.update_state(now);
    }

    /// Tells the agent the peer is ICE-lite (its description had `a=ice-lite`): a full agent
    /// then takes the controlling role (RFC 8445 §6.1.1).
    pub fn set_remote_lite(&mut self, lite: bool) {
        self.remote_lite = lite;
        if lite && !self.config.lite && self.role != Role::Controlling {
            self.set_role(Role::Controlling);
        }
    }

    /// The peer signalled end-of-candidates for the stream (RFC 8838 §4.4): once every check
    /// is done, a component without a valid pair fails the stream.
    ///
    /// # Errors
    /// Unknown stream.
    pub fn end_of_remote_candidates(
        &mut self,
        now: Instant,
        stream: StreamId,
    ) -> Result<(), IceError> {
        self.streams
            .get_mut(&stream)
            .ok_or(IceError::UnknownStream(stream))?
            .end_of_remote = true;
        self.schedule_nomination(now, stream);
        self.update_state(now);
        Ok(())
    }

    /// Closes the agent: no more checks, transmits or data. Every TURN stream open or
    /// opening is reported as [`IceEvent::CloseTurnStream`] (closing it deletes its
    /// allocation, RFC 8656 §5).
    pub fn close(&mut self) {
        self.close_turn_streams();
        self.transactions.cancel_all();
        self.triggered.clear();
        self.transmits.clear();
        self.set_state(ConnectionState::Closed);
    }

    // ---- poll ----

    /// The next datagram to send: checks, responses, consent checks and STUN queries.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        loop {
            let t = match self.transmits.pop_front() {
                Some(t) => t,
                None => match self.transactions.poll_transmit() {
                    Some(t) => t,
                    None => return self.poll_relay_transmit(),
                },
            };
            // Transmits from a relayed address go to its TURN server, wrapped.
            if let Some(t) = self.through_relay(t) {
                return Some(t);
            }
        }
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<IceEvent> {
        let event = self.events.pop_front();
        // Events come in bursts (gathering, connection) and then rarely: an agent that has
        // settled keeps no queue (an event is 184 bytes), while one still connecting keeps its
        // queue between bursts rather than allocating it anew for each.
        let settled = !matches!(self.state, ConnectionState::New | ConnectionState::Checking);
        if event.is_none() && settled && self.events.capacity() > 0 {
            self.events = VecDeque::new();
        }
        event
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.state == ConnectionState::Closed {
            return None;
        }
        let mut at = [self.transactions.poll_timeout(), self.relay_poll_timeout()]
            .into_iter()
            .flatten()
            .min();
        let mut earliest = |t: Instant| at = Some(at.map_or(t, |a| a.min(t)));
        if self.has_check_to_send() {
            earliest(self.next_check);
        }
        for s in self.streams.values() {
            if let Some(t) = s.nominate_at {
                earliest(t);
            }
            // update_state, which acts on it, stops once the agent is over.
            if let Some(t) = s.unnominated_since.filter(|_| !s.failed && !self.is_over()) {
                earliest(t + self.config.nomination_timeout);
            }
        }
        for s in self.selected.values().filter(|s| !s.lost) {
            earliest(s.next_consent);
            earliest(s.last_response + self.config.consent_timeout);
            if let Some(since) = s.unanswered_since.filter(|_| !s.disconnected) {
                earliest(since + self.config.disconnected_timeout);
            }
        }
        at
    }

    /// Advances time: retransmissions, paced checks, nomination, consent.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.state == ConnectionState::Closed {
            return;
        }
        self.transactions.handle_timeout(now);
        while let Some(ev) = self.transactions.poll_event() {
            let floe_stun::transaction::TransactionEvent::TimedOut {
                transaction_id,
                data,
                ..
            } = ev
            else {
                continue;
            };
            self.on_transaction_timeout(now, transaction_id, data);
        }
        self.relay_timeout(now);
        // A pair that failed or a query that ended may have settled a stream's best pairs
        // (by position: scheduling adds and removes no stream, and allocates nothing).
        for i in 0..self.streams.len() {
            if let Some(stream) = self.streams.key_at(i) {
                self.schedule_nomination(now, stream);
            }
        }
        self.nominate_due(now);
        if now >= self.next_check && self.send_next_check(now) {
            self.next_check = now + self.config.ta;
        }
        self.consent_due(now);
        self.update_state(now);
    }

    // ---- internals shared by the other files ----

    pub(crate) fn check_component(&self, stream: StreamId, component: u16) -> Result<(), IceError> {
        let s = self
            .streams
            .get(&stream)
            .ok_or(IceError::UnknownStream(stream))?;
        if component == 0 || component > s.components {
            return Err(IceError::UnknownComponent { stream, component });
        }
        Ok(())
    }

    /// Sets the role the offer/answer exchange gives the agent (RFC 8445 §6.1.1: with two full
    /// agents the offerer controls; with one lite agent the full one controls), with
    /// [`IceEvent::RoleChanged`] if it changes. Set it before checks start; after that, role
    /// conflicts settle it (RFC 8445 §7.3.1.1).
    ///
    /// ```
    /// # use std::time::Instant;
    /// use floe_ice::{IceAgent, IceConfig, Role};
    /// let mut agent = IceAgent::new(IceConfig::new(Role::Controlling), Instant::now());
    /// agent.set_role(Role::Controlled); // it answered an offer
    /// assert_eq!(agent.role(), Role::Controlled);
    /// ```
    pub fn set_role(&mut self, role: Role) {
        if self.role == role {
            return;
        }
        self.role = role;
        for p in self.pairs.values_mut() {
            p.reprioritise(role);
        }
        self.events.push_back(IceEvent::RoleChanged { role });
    }

    /// Failed or closed: no more checks or nominations (a restart revives a failed agent).
    pub(crate) fn is_over(&self) -> bool {
        matches!(
            self.state,
            ConnectionState::Closed | ConnectionState::Failed
        )
    }

    pub(crate) fn set_state(&mut self, state: ConnectionState) {
        if self.state != state {
            self.state = state;
            self.events
                .push_back(IceEvent::ConnectionStateChanged { state });
        }
    }

    /// Recomputes the connection state from the streams, pairs and selected pairs.
    pub(crate) fn update_state(&mut self, now: Instant) {
        if self.is_over() {
            return;
        }
        // A stream fails when the peer is done trickling, every check is over and a
        // component has no valid pair; or, controlled, when every check is over and a
        // component still has no nomination `nomination_timeout` later.
        let mut failed = false;
        let controlled = self.role == Role::Controlled && !self.config.lite;
        for (&sid, s) in &mut self.streams {
            if s.failed {
                failed = true;
                continue;
            }
            if self.config.lite {
                continue;
            }
            let mut has_pairs = false;
            // A query or allocation still out may yet bring a candidate and pairs
            // (RFC 8838 §4: nothing fails before both sides are done gathering).
            let pending = s.gathering > 0
                || self.pairs.values().any(|p| {
                    has_pairs |= p.stream == sid;
                    p.stream == sid && p.state.is_unfinished()
                });
            // A pair selected before a restart still carries the component (consent decides).
            let unselected =
                (1..=s.components).any(|c| self.selected.get(&(sid, c)).is_none_or(|sel| sel.lost));
            if controlled && has_pairs && !pending && unselected {
                let since = *s.unnominated_since.get_or_insert(now);
                if now >= since + self.config.nomination_timeout {
                    s.failed = true;
                    failed = true;
                    continue;
                }
            } else {
                s.unnominated_since = None;
            }
            if !s.end_of_remote || pending {
                continue;
            }
            let all_valid = (1..=s.components).all(|c| {
                self.pairs
                    .values()
                    .any(|p| p.stream == sid && p.component == c && p.valid)
            });
            if !all_valid {
                s.failed = true;
                failed = true;
            }
        }
        if failed || self.selected.values().any(|s| s.lost) {
            return self.set_state(ConnectionState::Failed);
        }
        let components: usize = self
            .streams
            .values()
            .map(|s| usize::from(s.components))
            .sum();
        let all_selected = components > 0 && self.selected.len() == components;
        let state = if all_selected {
            if self.selected.values().any(|s| s.disconnected) {
                ConnectionState::Disconnected
            } else {
                ConnectionState::Connected
            }
        } else if self.remote_credentials.is_some() && !self.pairs.is_empty() {
            ConnectionState::Checking
        } else {
            self.state
        };
        self.set_state(state);
    }

    /// Sends `data` to the peer on the selected pair of a component: the datagram to send
    /// (from `source` to `destination`).
    ///
    /// # Errors
    /// [`IceError::NotConnected`] without a selected pair with consent, [`IceError::Closed`].
    pub fn send(
        &mut self,
        stream: StreamId,
        component: u16,
        data: &[u8],
    ) -> Result<Transmit, IceError> {
        if self.state == ConnectionState::Closed {
            return Err(IceError::Closed);
        }
        let s = self
            .selected
            .get(&(stream, component))
            .filter(|s| !s.lost)
            .ok_or(IceError::NotConnected)?;
        let p = self.pairs.get_mut(&s.pair).ok_or(IceError::NotConnected)?;
        p.stats.bytes_sent += data.len() as u64;
        let t = Transmit {
            transport: Transport::Udp,
            source: Some(p.local_base),
            destination: p.remote_addr,
            contents: self.arena.copy(data),
        };
        self.through_relay(t).ok_or(IceError::NotConnected)
    }

    /// Whether a datagram looks like something the agent handles (STUN, by its first byte
    /// and magic cookie, RFC 7983): others are the application's.
    #[must_use]
    pub fn accepts(&self, datagram: &[u8]) -> bool {
        floe_stun::Header::peek(datagram).is_ok()
    }

    pub(crate) fn pair_by_flow(&self, flow: &FiveTuple) -> Option<PairId> {
        self.pairs
            .iter()
            .find(|(_, p)| p.local_base == flow.local && p.remote_addr == flow.remote)
            .map(|(id, _)| *id)
    }

    /// A random consent interval: `consent_interval` ± 20 % (RFC 7675 §5.1).
    pub(crate) fn consent_delay(&mut self) -> Duration {
        let base = self.config.consent_interval;
        let jitter = self.rng.random_range(0.8..1.2);
        base.mul_f64(jitter)
    }
}
