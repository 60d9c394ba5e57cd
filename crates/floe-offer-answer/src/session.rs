//! [`IceSession`]: one ICE agent driven by offers and answers (RFC 8839 §4, RFC 9429 §5),
//! with BUNDLE (RFC 9143) and trickle (RFC 8840).

use std::collections::VecDeque;
use std::time::Instant;

use floe_ice::{Credentials, IceAgent, IceConfig, IceEvent, Role, StreamId};
use floe_sdp::SessionDescription;

use crate::error::{DescriptionError, DescriptionErrorKind, OfferAnswerError};
use crate::read::{IceDescription, IceOptionSet};
use crate::signaling::{SdpType, Side, Signaling, SignalingState};
use crate::trickle::{FragmentSection, TrickleCandidate, TrickleFragment};
use crate::write::{SectionAttributes, write_section};

/// How media sections share ICE transports (RFC 9429 §4.1.1, RFC 9143).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BundlePolicy {
    /// Every section in one BUNDLE group on one transport; in an initial offer the sections
    /// after the first are `a=bundle-only` with port 0 (RFC 9429 §4.1.1, "max-bundle").
    #[default]
    MaxBundle,
    /// No BUNDLE: one transport per section. As answerer, an offered BUNDLE group is declined.
    Disabled,
}

/// The session's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionConfig {
    /// The ICE agent's configuration (its `role` is replaced by the one the exchange gives).
    pub ice: IceConfig,
    /// How sections share transports.
    pub bundle: BundlePolicy,
    /// Announce `a=ice-options:trickle` (RFC 8840 §4.1.1) and trickle candidates.
    pub trickle: bool,
    /// Most media sections a description may have (a peer controls the count).
    pub max_sections: usize,
}

impl SessionConfig {
    /// Defaults: max-bundle, trickle, at most 64 sections, and `ice` as given.
    ///
    /// ```
    /// use floe_ice::{IceConfig, Role};
    /// use floe_offer_answer::SessionConfig;
    /// let config = SessionConfig::new(IceConfig::new(Role::Controlling));
    /// assert!(config.trickle);
    /// ```
    #[must_use]
    pub fn new(ice: IceConfig) -> Self {
        Self {
            ice,
            bundle: BundlePolicy::MaxBundle,
            trickle: true,
            max_sections: 64,
        }
    }
}

/// What the embedder acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionEvent {
    /// A transport (an agent stream) was created for these sections: register the addresses
    /// of its sockets with [`IceAgent::add_local_address`] for each component, and once every
    /// transport of the step has them, call [`IceAgent::gather`] (a transport without
    /// addresses when gathering starts ends its gathering empty).
    TransportAdded {
        /// The agent's stream.
        stream: StreamId,
        /// Its components (1, or 2 without rtcp-mux).
        components: u16,
        /// The mids of the sections on it, the tagged one first.
        mids: Vec<String>,
    },
    /// A transport's agent stream was removed: no section uses it any more (rejected, or
    /// moved onto the BUNDLE transport). Close its sockets.
    TransportRemoved {
        /// The agent's stream, gone.
        stream: StreamId,
    },
    /// A local candidate (or end-of-candidates) to trickle to the peer (RFC 8840 §4.4).
    LocalCandidate(TrickleCandidate),
    /// ICE restarted (RFC 8839 §4.4.1.1): by the peer (`remote`), or at the embedder's request
    /// in the offer just created.
    Restarted {
        /// The peer restarted.
        remote: bool,
    },
    /// Any other agent event, as the agent reported it.
    Ice(IceEvent),
}

/// A section's place: its mid, m= index, media line and the transport it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SectionEntry {
    mid: Option<String>,
    media_line: String,
    /// The transport, or `None` for a rejected section.
    transport: Option<usize>,
    bundle_only: bool,
    /// The components its transport needs: 1 with rtcp-mux, BUNDLE (RFC 9143 §9.3) or
    /// non-RTP media, else 2.
    components: u16,
}

/// An agent stream and the sections on it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Transport {
    stream: StreamId,
    components: u16,
    /// Indexes of its sections, the tagged (first) one first.
    sections: Vec<usize>,
    /// Its agent stream was removed: no section uses it any more.
    removed: bool,
}

/// Sections and transports as one description set them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Binding {
    sections: Vec<SectionEntry>,
    /// The BUNDLE group written or accepted (mids, tagged first).
    bundle: Vec<String>,
}

/// One ICE agent driven by offers and answers.
///
/// The embedder writes the media part of each description (m= lines, mids, codecs, DTLS
/// `a=fingerprint`/`a=setup`); the session writes the ICE part into it and applies the
/// peer's ICE part to the agent. It drives the agent through [`agent_mut`](Self::agent_mut)
/// as usual (`handle_receive`, `poll_transmit`, `handle_timeout`), but drains events through
/// [`poll_event`](Self::poll_event), which turns candidates into trickle messages with
/// their mid.
///
/// See the crate documentation for a whole exchange between two sessions.
#[derive(Debug)]
pub struct IceSession {
    agent: IceAgent,
    config: SessionConfig,
    signaling: Signaling,
    /// The agent's streams, by transport index.
    transports: Vec<Transport>,
    /// The binding in force (the last stable one) and the pending one.
    current: Binding,
    pending: Option<Binding>,
    local: Option<SessionDescription<'static>>,
    remote: Option<SessionDescription<'static>>,
    /// The remote credentials last applied.
    remote_credentials: Option<Credentials>,
    /// The role is decided by the first offer or answer.
    role_decided: bool,
    /// The next offer restarts ICE (W3C `restartIce()`).
    restart_requested: bool,
    events: VecDeque<SessionEvent>,
}

impl IceSession {
    /// A session with a new agent.
    ///
    /// ```
    /// use std::time::Instant;
    /// use floe_ice::{IceConfig, Role};
    /// use floe_offer_answer::{IceSession, SessionConfig, SignalingState};
    /// let session = IceSession::new(SessionConfig::new(IceConfig::new(Role::Controlling)), Instant::now());
    /// assert_eq!(session.signaling_state(), SignalingState::Stable);
    /// ```
    #[must_use]
    pub fn new(config: SessionConfig, now: Instant) -> Self {
        Self {
            agent: IceAgent::new(config.ice.clone(), now),
            config,
            signaling: Signaling::new(),
            transports: Vec::new(),
            current: Binding::default(),
            pending: None,
            local: None,
            remote: None,
            remote_credentials: None,
            role_decided: false,
            restart_requested: false,
            events: VecDeque::new(),
        }
    }

    /// The agent.
    #[must_use]
    pub fn agent(&self) -> &IceAgent {
        &self.agent
    }

    /// The agent, to drive: `handle_receive`, `poll_transmit`, `handle_timeout`, `send`,
    /// `add_local_address` and `gather` after [`SessionEvent::TransportAdded`].
    pub fn agent_mut(&mut self) -> &mut IceAgent {
        &mut self.agent
    }

    /// The signaling state.
    #[must_use]
    pub fn signaling_state(&self) -> SignalingState {
        self.signaling.state()
    }

    /// The agent stream carrying the section with `mid`, once a description bound it.
    #[must_use]
    pub fn stream_of(&self, mid: &str) -> Option<StreamId> {
        let b = self.pending.as_ref().unwrap_or(&self.current);
        let s = b.sections.iter().find(|s| s.mid.as_deref() == Some(mid))?;
        Some(self.transports.get(s.transport?)?.stream)
    }

    /// The next offer restarts ICE (new credentials, RFC 8839 §4.4.1.1; W3C `restartIce()`).
    pub fn restart_ice(&mut self) {
        self.restart_requested = true;
    }

    /// Closes the agent and the signaling machine.
    pub fn close(&mut self) {
        self.agent.close();
        self.signaling.close();
    }

    /// Writes the ICE part of an offer into `media`, the embedder's description (its m=
    /// sections with their mids). With [`BundlePolicy::MaxBundle`] it adds the BUNDLE group,
    /// and in an initial offer marks the sections after the first `a=bundle-only`. Set it
    /// with [`set_local_description`](Self::set_local_description) (it may be edited first).
    ///
    /// # Errors
    /// The signaling state does not allow a local offer; a section without a mid (BUNDLE and
    /// trickle need one); too many sections.
    pub fn create_offer(
        &mut self,
        now: Instant,
        mut media: SessionDescription<'static>,
    ) -> Result<SessionDescription<'static>, OfferAnswerError> {
        self.signaling.next(Side::Local, SdpType::Offer)?;
        self.check_count(media.media().len())?;
        if core::mem::take(&mut self.restart_requested) {
            self.agent.restart(now);
            self.events
                .push_back(SessionEvent::Restarted { remote: false });
        }
        let initial = self.current.sections.is_empty();
        if self.config.bundle == BundlePolicy::MaxBundle && !media.media().is_empty() {
            let mids: Vec<String> = media
                .media()
                .iter()
                .enumerate()
                .map(|(i, s)| mid_or_error(s.mid(), i))
                .collect::<Result<_, _>>()?;
            set_bundle_group(&mut media, &mids);
            if initial {
                for s in media.media_mut().iter_mut().skip(1) {
                    if !s.has_attribute("bundle-only") {
                        s.push_raw_attribute("bundle-only", None);
                    }
                }
            }
        }
        let binding = self.bind_local_offer(&media)?;
        self.write_ice(&mut media, &binding);
        Ok(media)
    }

    /// Writes the ICE part of an answer to the remote offer into `media` (see
    /// [`answer_template`](crate::answer_template) for a starting point that mirrors a
    /// browser's offer). The sections must match the offer's, in order.
    ///
    /// # Errors
    /// No remote offer, or a signaling state that does not allow a local answer; sections
    /// that do not match the offer's.
    pub fn create_answer(
        &mut self,
        media: SessionDescription<'static>,
    ) -> Result<SessionDescription<'static>, OfferAnswerError> {
        self.signaling.next(Side::Local, SdpType::Answer)?;
        let binding = self
            .pending
            .clone()
            .ok_or(OfferAnswerError::NoRemoteOffer)?;
        let mut media = media;
        check_answer_sections(&media, &binding)?;
        if !binding.bundle.is_empty() {
            let mids = binding.bundle.clone();
            set_bundle_group(&mut media, &mids);
        }
        self.write_ice(&mut media, &binding);
        Ok(media)
    }

    /// Sets a local description (`kind` offer, pranswer or answer, or rollback with any
    /// description). A local offer creates the transports its sections need
    /// ([`SessionEvent::TransportAdded`]); a local answer removes the transports no section
    /// uses any more ([`SessionEvent::TransportRemoved`]).
    ///
    /// # Errors
    /// The signaling state does not allow it (nothing changes then); an invalid ICE part.
    pub fn set_local_description(
        &mut self,
        now: Instant,
        kind: SdpType,
        description: &SessionDescription<'_>,
    ) -> Result<SignalingState, OfferAnswerError> {
        self.signaling.next(Side::Local, kind)?;
        match kind {
            SdpType::Rollback => {
                self.pending = None;
            }
            SdpType::Offer => {
                let binding = self.bind_local_offer(description)?;
                self.create_transports(&binding);
                self.decide_role(Role::Controlling);
                self.pending = Some(binding);
            }
            SdpType::Pranswer | SdpType::Answer => {
                let binding = self
                    .pending
                    .clone()
                    .ok_or(OfferAnswerError::NoRemoteOffer)?;
                if kind == SdpType::Answer {
                    self.current = binding;
                    self.pending = None;
                    self.remove_unused_transports(now);
                }
            }
        }
        self.local = Some(description.clone().into_owned());
        Ok(self.signaling.set(Side::Local, kind)?)
    }

    /// Sets the peer's description: an offer binds its sections to transports (accepting its
    /// BUNDLE group unless BUNDLE is disabled) and creates them; an offer, pranswer or answer
    /// gives the agent the peer's credentials (a change is a restart by the peer, RFC 8839
    /// §4.4.1.1), lite flag and candidates.
    ///
    /// # Errors
    /// The signaling state does not allow it; an invalid ICE part
    /// ([`DescriptionError`] with line and column); an answer whose sections do not match the
    /// offer. Nothing is applied on error.
    pub fn set_remote_description(
        &mut self,
        now: Instant,
        kind: SdpType,
        description: &SessionDescription<'_>,
    ) -> Result<SignalingState, OfferAnswerError> {
        self.signaling.next(Side::Remote, kind)?;
        if kind == SdpType::Rollback {
            self.pending = None;
            return Ok(self.signaling.set(Side::Remote, kind)?);
        }
        self.check_count(description.media().len())?;
        let ice = IceDescription::read(description)?;
        let binding = match kind {
            SdpType::Offer => self.bind_remote_offer(&ice)?,
            _ => self.bind_remote_answer(&ice)?,
        };
        let credentials = remote_credentials(&ice, &binding)?;
        if kind == SdpType::Offer {
            self.create_transports(&binding);
            self.decide_role(Role::Controlled);
        }
        self.agent.set_remote_lite(ice.lite);
        if ice.lite && !self.agent.is_lite() {
            self.decide_role(Role::Controlling);
        }
        if let Some(credentials) = credentials {
            let restart = self
                .remote_credentials
                .as_ref()
                .is_some_and(|old| *old != credentials);
            self.agent.set_remote_credentials(now, credentials.clone());
            self.remote_credentials = Some(credentials);
            if restart {
                self.events
                    .push_back(SessionEvent::Restarted { remote: true });
                if kind == SdpType::Offer {
                    // The answer carries new credentials too (RFC 8839 §4.4.1.2).
                    self.agent.restart(now);
                }
            }
        }
        self.apply_candidates(now, &ice, &binding)?;
        match kind {
            SdpType::Answer => {
                self.current = binding;
                self.pending = None;
                self.remove_unused_transports(now);
            }
            _ => self.pending = Some(binding),
        }
        self.remote = Some(description.clone().into_owned());
        Ok(self.signaling.set(Side::Remote, kind)?)
    }

    /// Adds a candidate (or end-of-candidates) the peer trickled, found by mid, else by m=
    /// line index (RFC 8840 §4.4).
    ///
    /// # Errors
    /// No remote description yet; no such section; the agent refused the candidate.
    pub fn add_remote_candidate(
        &mut self,
        now: Instant,
        candidate: &TrickleCandidate,
    ) -> Result<(), OfferAnswerError> {
        if self.remote.is_none() {
            return Err(
                DescriptionError::new(0, 0, DescriptionErrorKind::NoRemoteDescription).into(),
            );
        }
        let b = self.pending.as_ref().unwrap_or(&self.current);
        let index = match (&candidate.mid, candidate.m_line_index) {
            (Some(mid), _) => b.sections.iter().position(|s| s.mid.as_ref() == Some(mid)),
            (None, Some(i)) => Some(usize::from(i)).filter(|i| *i < b.sections.len()),
            (None, None) => None,
        };
        let stream = index
            .and_then(|i| b.sections[i].transport)
            .and_then(|t| self.transports.get(t))
            .map(|t| t.stream)
            .ok_or_else(|| {
                let what = candidate.mid.as_ref().map_or_else(
                    || format!("index {:?}", candidate.m_line_index),
                    |m| format!("mid {m:?}"),
                );
                DescriptionError::new(0, 0, DescriptionErrorKind::UnknownSection(what))
            })?;
        match &candidate.candidate {
            Some(c) => {
                self.agent.add_remote_candidate(now, stream, c)?;
            }
            None => self.agent.end_of_remote_candidates(now, stream)?,
        }
        Ok(())
    }

    /// Adds every candidate of a trickle fragment ([`TrickleFragment::candidates`]).
    ///
    /// # Errors
    /// As [`add_remote_candidate`](Self::add_remote_candidate), at the first that fails.
    pub fn add_remote_fragment(
        &mut self,
        now: Instant,
        fragment: &TrickleFragment,
    ) -> Result<(), OfferAnswerError> {
        for c in fragment.candidates() {
            self.add_remote_candidate(now, &c)?;
        }
        Ok(())
    }

    /// The local description set last, with its ICE part brought up to date: the candidates
    /// gathered since, end-of-candidates, and the default candidates (W3C
    /// `localDescription`). `None` before one was set.
    #[must_use]
    pub fn local_description(&self) -> Option<SessionDescription<'static>> {
        let mut d = self.local.clone()?;
        let binding = self.pending.as_ref().unwrap_or(&self.current);
        self.write_ice(&mut d, binding);
        Some(d)
    }

    /// The remote description set last.
    #[must_use]
    pub fn remote_description(&self) -> Option<&SessionDescription<'static>> {
        self.remote.as_ref()
    }

    /// A trickle fragment (RFC 8840 §4.4) with these candidates, the session's credentials
    /// and options, one section per mid named.
    #[must_use]
    pub fn fragment(&self, candidates: &[TrickleCandidate]) -> TrickleFragment {
        let mut fragment = TrickleFragment {
            credentials: Some(self.agent.local_credentials().clone()),
            options: self.options(),
            ..TrickleFragment::default()
        };
        let b = self.pending.as_ref().unwrap_or(&self.current);
        for c in candidates {
            let entry = c
                .mid
                .as_ref()
                .and_then(|m| b.sections.iter().find(|s| s.mid.as_ref() == Some(m)));
            let media_line = entry.map_or("application 9 UDP/DTLS/SCTP webrtc-datachannel", |e| {
                e.media_line.as_str()
            });
            if fragment.sections.last().is_none_or(|s| s.mid != c.mid) {
                fragment
                    .sections
                    .push(FragmentSection::new(media_line, c.mid.as_deref()));
            }
            if let Some(s) = fragment.sections.last_mut() {
                match &c.candidate {
                    Some(candidate) => s.candidates.push(candidate.clone()),
                    None => s.end_of_candidates = true,
                }
            }
        }
        fragment
    }

    /// The next event: agent events, with candidates and gathering completion turned into
    /// [`SessionEvent::LocalCandidate`] for the tagged section of their transport.
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        if let Some(e) = self.events.pop_front() {
            return Some(e);
        }
        let event = self.agent.poll_event()?;
        Some(match event {
            IceEvent::LocalCandidate { stream, candidate } => {
                let (mid, index) = self.tagged_of(stream);
                SessionEvent::LocalCandidate(TrickleCandidate::new(
                    mid.as_deref(),
                    index,
                    Some(candidate),
                ))
            }
            IceEvent::GatheringComplete { stream } => {
                let (mid, index) = self.tagged_of(stream);
                SessionEvent::LocalCandidate(TrickleCandidate::new(mid.as_deref(), index, None))
            }
            other => SessionEvent::Ice(other),
        })
    }

    /// The mid and index of the tagged section of a stream's transport.
    fn tagged_of(&self, stream: StreamId) -> (Option<String>, Option<u16>) {
        let b = self.pending.as_ref().unwrap_or(&self.current);
        let tagged = self
            .transports
            .iter()
            .position(|t| t.stream == stream)
            .and_then(|t| b.sections.iter().position(|s| s.transport == Some(t)));
        match tagged {
            Some(i) => (b.sections[i].mid.clone(), u16::try_from(i).ok()),
            None => (None, None),
        }
    }

    fn options(&self) -> IceOptionSet {
        IceOptionSet {
            trickle: self.config.trickle,
            ice2: true,
            renomination: self.config.ice.renomination,
        }
    }

    fn check_count(&self, n: usize) -> Result<(), DescriptionError> {
        if n > self.config.max_sections {
            return Err(DescriptionError::new(
                0,
                0,
                DescriptionErrorKind::TooManySections {
                    limit: self.config.max_sections,
                },
            ));
        }
        Ok(())
    }

    /// The role the exchange gives, unless a role was already decided (RFC 8445 §6.1.1; a
    /// lite agent is always controlled by a full peer).
    fn decide_role(&mut self, role: Role) {
        if !self.role_decided || (role == Role::Controlling && self.agent.remote_lite()) {
            let role = if self.agent.is_lite() && !self.agent.remote_lite() {
                Role::Controlled
            } else {
                role
            };
            self.agent.set_role(role);
            self.role_decided = true;
        }
    }

    /// Writes the ICE part of every section of `d` from the agent.
    fn write_ice(&self, d: &mut SessionDescription<'static>, binding: &Binding) {
        if self.agent.is_lite() && !d.session_lines().iter().any(|l| l.text() == "a=ice-lite") {
            d.session_lines_mut()
                .push(floe_sdp::Line::attribute_line("ice-lite", None));
        }
        let credentials = self.agent.local_credentials().clone();
        let options = self.options();
        for (i, section) in d.media_mut().iter_mut().enumerate() {
            let entry = binding.sections.get(i);
            let transport = entry
                .and_then(|e| e.transport)
                .and_then(|t| self.transports.get(t));
            let tagged = transport.is_some_and(|t| t.sections.first() == Some(&i));
            let rejected = entry.is_some_and(|e| e.transport.is_none());
            let (candidates, end, default, rtcp) = match transport {
                Some(t) if tagged => {
                    let candidates = self.agent.local_candidates(t.stream);
                    let end = self.agent.gathering_complete(t.stream).unwrap_or(false);
                    let addr = |c: u16| {
                        self.agent
                            .default_candidate(t.stream, c)
                            .and_then(|c| c.socket_addr())
                    };
                    let rtcp = if t.components > 1 { addr(2) } else { None };
                    (candidates, end, addr(1), rtcp)
                }
                _ => (Vec::new(), false, None, None),
            };
            let bundle_only = entry.is_some_and(|e| e.bundle_only) && !tagged;
            write_section(
                section,
                &SectionAttributes {
                    credentials: &credentials,
                    options,
                    candidates: &candidates,
                    end_of_candidates: end,
                    default,
                    rtcp_default: rtcp,
                    port_zero: rejected || bundle_only,
                },
            );
        }
    }

    /// The binding a local offer asks for: existing sections keep their transports; new
    /// ones join the BUNDLE transport or get their own.
    fn bind_local_offer(&self, d: &SessionDescription<'_>) -> Result<Binding, DescriptionError> {
        let group = crate::read::first_bundle(d);
        let mut binding = Binding {
            bundle: group.iter().map(|m| (*m).to_owned()).collect(),
            ..Binding::default()
        };
        let mut next = self.transports.len();
        for (i, s) in d.media().iter().enumerate() {
            let mid = s.mid().map(str::to_owned);
            let old = self.current.sections.get(i).filter(|o| o.mid == mid);
            let bundled_with = mid
                .as_deref()
                .filter(|m| group.contains(m) && group.first() != Some(m))
                .and_then(|_| {
                    binding
                        .sections
                        .iter()
                        .position(|e| e.mid.as_deref() == group.first().copied())
                })
                .and_then(|tagged| binding.sections[tagged].transport);
            let reusable = old
                .and_then(|o| o.transport)
                .filter(|t| self.transports.get(*t).is_some_and(|t| !t.removed));
            let m_value = s.lines().first().and_then(|l| l.value());
            // Port 0 without bundle-only: the embedder rejects or removes the section.
            let rejected = m_value
                .and_then(|v| v.split(' ').nth(1))
                .is_some_and(|p| p == "0" || p.starts_with("0/"))
                && !s.has_attribute("bundle-only");
            let transport = match (rejected, reusable, bundled_with) {
                (true, ..) => None,
                (false, _, Some(t)) | (false, Some(t), None) => Some(t),
                (false, None, None) => {
                    next += 1;
                    Some(next - 1)
                }
            };
            let rtp = m_value.is_some_and(|v| v.contains("RTP"));
            let one = s.has_attribute("rtcp-mux") || !rtp || !group.is_empty();
            binding.sections.push(SectionEntry {
                mid,
                media_line: media_line_for_fragment(m_value),
                transport,
                bundle_only: s.has_attribute("bundle-only"),
                components: if one { 1 } else { 2 },
            });
        }
        Ok(binding)
    }

    /// The binding a remote offer asks for.
    fn bind_remote_offer(&self, ice: &IceDescription<'_>) -> Result<Binding, DescriptionError> {
        let accept_bundle = self.config.bundle != BundlePolicy::Disabled && !ice.bundle.is_empty();
        let mut binding = Binding {
            bundle: if accept_bundle {
                ice.bundle.iter().map(|m| (*m).to_owned()).collect()
            } else {
                Vec::new()
            },
            ..Binding::default()
        };
        let mut next = self.transports.len();
        for s in &ice.sections {
            let mid = s.mid.map(str::to_owned);
            let old = self.current.sections.get(s.index).filter(|o| o.mid == mid);
            let bundled = accept_bundle && s.mid.is_some_and(|m| ice.is_bundled(m));
            let tagged_transport = if bundled && !ice.is_tagged(s) {
                binding
                    .sections
                    .iter()
                    .find(|e| e.mid.as_deref() == ice.bundle.first().copied())
                    .and_then(|e| e.transport)
            } else {
                None
            };
            let transport = if s.is_rejected() || (s.bundle_only && !accept_bundle) {
                None
            } else if let Some(t) = tagged_transport {
                Some(t)
            } else if let Some(t) = old
                .and_then(|o| o.transport)
                .filter(|t| self.transports.get(*t).is_some_and(|t| !t.removed))
            {
                Some(t)
            } else {
                next += 1;
                Some(next - 1)
            };
            binding.sections.push(SectionEntry {
                mid,
                media_line: media_line_for_fragment(Some(&format!(
                    "{} {} {} {}",
                    s.media, s.port, s.proto, s.formats
                ))),
                transport,
                bundle_only: false,
                components: if bundled { 1 } else { s.components() },
            });
        }
        Ok(binding)
    }

    /// The binding a remote answer settles: the offer's, with the sections the answer
    /// rejected dropped and the answer's BUNDLE choice.
    fn bind_remote_answer(&self, ice: &IceDescription<'_>) -> Result<Binding, DescriptionError> {
        let mut binding = self.pending.clone().ok_or_else(|| {
            DescriptionError::new(0, 0, DescriptionErrorKind::AnswerMismatch("no local offer"))
        })?;
        if ice.sections.len() != binding.sections.len() {
            return Err(DescriptionError::new(
                0,
                0,
                DescriptionErrorKind::AnswerMismatch("not as many sections as the offer"),
            ));
        }
        let accepted: Vec<String> = ice.bundle.iter().map(|m| (*m).to_owned()).collect();
        let tagged = accepted
            .first()
            .and_then(|m| binding.sections.iter().find(|e| e.mid.as_ref() == Some(m)))
            .and_then(|e| e.transport);
        for (entry, s) in binding.sections.iter_mut().zip(&ice.sections) {
            if entry.mid.as_deref() != s.mid {
                return Err(DescriptionError::new(
                    s.line,
                    0,
                    DescriptionErrorKind::AnswerMismatch(
                        "a section's mid differs from the offer's",
                    ),
                ));
            }
            let in_group = s.mid.is_some_and(|m| ice.is_bundled(m));
            entry.transport = if s.is_rejected() && !in_group {
                None
            } else if in_group {
                tagged.or(entry.transport)
            } else {
                entry.transport
            };
            entry.bundle_only = false;
        }
        binding.bundle = accepted;
        Ok(binding)
    }

    /// Removes the agent streams of transports no section of the settled binding uses (their
    /// sections were rejected, or moved onto the BUNDLE transport, RFC 9143 §7.3.3).
    fn remove_unused_transports(&mut self, now: Instant) {
        for (t, transport) in self.transports.iter_mut().enumerate() {
            let used = self.current.sections.iter().any(|s| s.transport == Some(t));
            if used || transport.removed {
                continue;
            }
            transport.removed = true;
            if self.agent.remove_stream(now, transport.stream).is_ok() {
                self.events.push_back(SessionEvent::TransportRemoved {
                    stream: transport.stream,
                });
            }
        }
    }

    /// Creates the agent streams of transports the binding names that do not exist yet.
    fn create_transports(&mut self, binding: &Binding) {
        for (i, s) in binding.sections.iter().enumerate() {
            let Some(t) = s.transport else {
                continue;
            };
            if t < self.transports.len() {
                if !self.transports[t].sections.contains(&i) {
                    self.transports[t].sections.push(i);
                }
                continue;
            }
            let components = s.components;
            let Ok(stream) = self.agent.add_stream(components) else {
                continue;
            };
            self.transports.push(Transport {
                stream,
                components,
                sections: vec![i],
                removed: false,
            });
            let mids = binding
                .sections
                .iter()
                .filter(|e| e.transport == Some(t))
                .filter_map(|e| e.mid.clone())
                .collect();
            self.events.push_back(SessionEvent::TransportAdded {
                stream,
                components,
                mids,
            });
        }
    }

    /// Gives the agent the candidates of every section that carries its transport's ICE.
    fn apply_candidates(
        &mut self,
        now: Instant,
        ice: &IceDescription<'_>,
        binding: &Binding,
    ) -> Result<(), OfferAnswerError> {
        for s in &ice.sections {
            let Some(t) = binding.sections.get(s.index).and_then(|e| e.transport) else {
                continue;
            };
            let Some(stream) = self.transports.get(t).map(|t| t.stream) else {
                continue;
            };
            for c in &s.candidates {
                // Candidates the agent cannot use (TCP, a limit) are skipped, as a browser
                // skips them: the description is still valid.
                let _ = self.agent.add_remote_candidate(now, stream, &c.candidate);
            }
            if s.end_of_candidates {
                self.agent.end_of_remote_candidates(now, stream)?;
            }
        }
        Ok(())
    }
}

/// The remote credentials of a description: the same in every section carrying ICE (one
/// agent, one set of remote credentials).
fn remote_credentials(
    ice: &IceDescription<'_>,
    binding: &Binding,
) -> Result<Option<Credentials>, DescriptionError> {
    let mut found: Option<(usize, &Credentials)> = None;
    for s in &ice.sections {
        if binding
            .sections
            .get(s.index)
            .and_then(|e| e.transport)
            .is_none()
        {
            continue;
        }
        let Some(c) = &s.credentials else {
            continue;
        };
        match found {
            Some((first, f)) if f != c => {
                return Err(DescriptionError::new(
                    s.line,
                    0,
                    DescriptionErrorKind::CredentialsDiffer {
                        first,
                        index: s.index,
                    },
                ));
            }
            Some(_) => {}
            None => found = Some((s.index, c)),
        }
    }
    Ok(found.map(|(_, c)| c.clone()))
}

/// The mid of section `i`, required for BUNDLE.
fn mid_or_error(mid: Option<&str>, i: usize) -> Result<String, DescriptionError> {
    mid.map(str::to_owned).ok_or_else(|| {
        DescriptionError::new(
            0,
            0,
            DescriptionErrorKind::Mid(if i == 0 {
                "the first section has no a=mid, which BUNDLE needs"
            } else {
                "a section has no a=mid, which BUNDLE needs"
            }),
        )
    })
}

/// Replaces the description's `a=group:BUNDLE` with one naming `mids`.
fn set_bundle_group(d: &mut SessionDescription<'static>, mids: &[String]) {
    let lines = d.session_lines_mut();
    lines.retain(|l| {
        !l.attribute()
            .is_some_and(|a| a.name == "group" && a.value.is_some_and(|v| v.starts_with("BUNDLE")))
    });
    let value = format!("BUNDLE {}", mids.join(" "));
    lines.push(floe_sdp::Line::attribute_line("group", Some(&value)));
}

/// An answer has the offer's sections, in order, with the same mids (RFC 3264 §6).
fn check_answer_sections(
    d: &SessionDescription<'_>,
    binding: &Binding,
) -> Result<(), DescriptionError> {
    if d.media().len() != binding.sections.len() {
        return Err(DescriptionError::new(
            0,
            0,
            DescriptionErrorKind::AnswerMismatch("not as many sections as the offer"),
        ));
    }
    for (s, e) in d.media().iter().zip(&binding.sections) {
        if s.mid() != e.mid.as_deref() {
            return Err(DescriptionError::new(
                0,
                0,
                DescriptionErrorKind::AnswerMismatch("a section's mid differs from the offer's"),
            ));
        }
    }
    Ok(())
}

/// The m= value a fragment repeats for a section: port 9 (RFC 8840 §4.4).
fn media_line_for_fragment(value: Option<&str>) -> String {
    let mut fields = value.unwrap_or("").splitn(3, ' ');
    match (fields.next(), fields.next(), fields.next()) {
        (Some(media), Some(_), Some(rest)) => format!("{media} 9 {rest}"),
        _ => "application 9 UDP/DTLS/SCTP webrtc-datachannel".to_owned(),
    }
}
