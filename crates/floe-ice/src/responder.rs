//! Incoming datagrams: checks from the peer (RFC 8445 §7.3), responses to the agent's own
//! transactions, and application data.
//!
//! **Nothing in a check acts before it is authenticated.** USERNAME and MESSAGE-INTEGRITY are
//! verified first (RFC 8445 §7.3, RFC 8489 §9.1.3); a check that fails gets 400 or 401 and
//! leaves no state behind. Only then may ICE-CONTROLLING/-CONTROLLED switch the role or draw a
//! 487, PRIORITY teach a peer-reflexive candidate, or USE-CANDIDATE nominate.

use std::time::Instant;

use floe_ice_candidate::CandidateType;
use floe_stun::AttributeType;
use floe_stun::binding::{BindingAnswer, understands_binding};
use floe_stun::net::{FiveTuple, Transmit};
use floe_stun::{Class, ErrorCode, Message, Method};

use crate::agent::IceAgent;
use crate::candidates::{RemoteSpec, is_paired};
use crate::config::Role;
use crate::error::IceError;
use crate::event::{ConnectionState, IceEvent};
use crate::id::PairId;
use crate::state::PairState;

/// Application data that arrived on a pair, borrowed from the datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Received<'a> {
    /// The pair it arrived on.
    pub pair: PairId,
    /// The bytes.
    pub data: &'a [u8],
}

impl IceAgent {
    /// Handles one datagram that arrived on `flow` (`local`: the socket's address, `remote`:
    /// the sender). STUN is the agent's; anything else that arrives on a known pair comes back
    /// as [`Received`] for the application, borrowed.
    ///
    /// On a TCP/TLS flow, `datagram` is the next piece of a TURN stream (see
    /// [`IceEvent::ConnectTurnStream`]): `Ok(None)`, and the application data it completed
    /// waits for [`Self::poll_received`].
    ///
    /// # Errors
    /// [`IceError::NotIce`] for a datagram that is neither a well-formed STUN message nor data
    /// on a known pair, or bytes on a stream that is not an open TURN stream;
    /// [`IceError::Closed`].
    pub fn handle_receive<'a>(
        &mut self,
        now: Instant,
        flow: FiveTuple,
        datagram: &'a [u8],
    ) -> Result<Option<Received<'a>>, IceError> {
        if self.state == ConnectionState::Closed {
            return Err(IceError::Closed);
        }
        // TCP/TLS: only TURN streams (peer data in them waits for `poll_received`).
        if flow.transport.is_stream() {
            return self.turn_stream_receive(now, flow, datagram).map(|()| None);
        }
        // From a TURN server to the base its client talks from: the client's. Peer data in
        // it continues as if it had arrived on the relayed address.
        if !self.relays.is_empty()
            && let Some(claimed) = self.relay_receive(now, &flow, datagram)
        {
            let Some((inner, payload)) = claimed else {
                self.update_state(now);
                return Ok(None);
            };
            return self.handle_flow(now, inner, payload);
        }
        self.handle_flow(now, flow, datagram)
    }

    /// [`Self::handle_receive`] past the relays.
    pub(crate) fn handle_flow<'a>(
        &mut self,
        now: Instant,
        flow: FiveTuple,
        datagram: &'a [u8],
    ) -> Result<Option<Received<'a>>, IceError> {
        if !self.accepts(datagram) {
            let pair = self.pair_by_flow(&flow).ok_or(IceError::NotIce)?;
            if let Some(p) = self.pairs.get_mut(&pair) {
                p.stats.bytes_received += datagram.len() as u64;
            }
            // Application data never refreshes consent (RFC 7675 §5.1, pion #767).
            return Ok(Some(Received {
                pair,
                data: datagram,
            }));
        }
        let msg = Message::parse(datagram).map_err(|_| IceError::NotIce)?;
        // RFC 8445 §7.2.2 / §7.3: checks and their responses carry FINGERPRINT; a wrong one
        // means the datagram is not ours.
        if msg.fingerprint_offset().is_some() && msg.verify_fingerprint().is_err() {
            return Err(IceError::NotIce);
        }
        match msg.class() {
            Class::Request if msg.method() == Method::BINDING => {
                self.handle_check(now, flow, &msg);
            }
            Class::Success | Class::Error => {
                self.handle_response(now, flow, &msg);
                self.update_state(now);
            }
            // Binding indications are keepalives (RFC 8445 §11): nothing to do.
            _ => {}
        }
        Ok(None)
    }

    /// An incoming check (RFC 8445 §7.3).
    fn handle_check(&mut self, now: Instant, flow: FiveTuple, msg: &Message<'_>) {
        // The receiving address must be one of ours (a host candidate's base).
        let Some((&local_id, local)) = self
            .locals
            .iter()
            .find(|(_, l)| is_paired(l.kind, self.config.relay_only) && l.base == flow.local)
        else {
            return;
        };
        let (stream, component) = (local.stream, local.component);
        // 1. Authentication (RFC 8489 §9.1.3): USERNAME must start with our ufrag, the MAC
        //    must verify with our password. Failures get 400/401 from the shared responder,
        //    unsigned, and change nothing.
        let attrs = CheckAttributes::read(msg);
        let user_ok = attrs.username_starts_with(&self.local_credentials.ufrag);
        let mac_ok = user_ok && msg.verify_integrity(&self.local_key).is_ok();
        let username = || attrs.username.and_then(|u| core::str::from_utf8(u).ok());
        if !mac_ok && self.answer_previous_generation(flow, msg, username()) {
            return;
        }
        if !mac_ok {
            let ours = &self.local_credentials.ufrag;
            let key = self.local_key.clone();
            let answer = self.responder.answer_short_term(
                msg,
                flow.remote,
                |u| {
                    u.split_once(':')
                        .is_some_and(|(l, _)| l == ours)
                        .then_some(key)
                },
                &mut self.scratch,
            );
            if matches!(answer, BindingAnswer::Error(_)) {
                self.push_reply(flow);
            }
            return;
        }
        // 2. Authenticated. A comprehension-required attribute the agent does not understand
        //    stops the request here with 420 (RFC 8489 §6.3.1): nothing in it acts.
        if !attrs.unknown().is_empty() {
            self.responder.answer_checked(
                msg,
                flow.remote,
                &self.local_key,
                attrs.unknown(),
                &mut self.scratch,
            );
            return self.push_reply(flow);
        }
        // PRIORITY is required (RFC 8445 §7.3.1.1 via §7.2.4).
        let Some(priority) = attrs.priority else {
            self.responder.reject_signed(
                msg,
                ErrorCode::BAD_REQUEST,
                &self.local_key,
                &mut self.scratch,
            );
            return self.push_reply(flow);
        };
        // 3. Role conflict (RFC 8445 §7.3.1.1).
        match (self.role, attrs.controlling, attrs.controlled) {
            (Role::Controlling, Some(theirs), _) => {
                if self.tie_breaker >= theirs {
                    return self.reject_role_conflict(flow, msg);
                }
                self.set_role(Role::Controlled);
            }
            (Role::Controlled, _, Some(theirs)) => {
                if self.tie_breaker >= theirs {
                    self.set_role(Role::Controlling);
                } else {
                    return self.reject_role_conflict(flow, msg);
                }
            }
            _ => {}
        }
        // 4. Learn a peer-reflexive remote candidate (RFC 8445 §7.3.1.3).
        let known = self
            .remotes
            .iter()
            .find(|(_, r)| r.stream == stream && r.component == component && r.addr == flow.remote)
            .map(|(id, _)| *id);
        let remote = match known {
            Some(id) => Some(id),
            None => {
                let foundation = format!("prflx{}", self.rng_word());
                let spec = RemoteSpec {
                    id: None,
                    stream,
                    component,
                    kind: CandidateType::PeerReflexive,
                    addr: flow.remote,
                    priority,
                };
                let id = self.add_remote(now, spec, &foundation);
                if id.is_ok() {
                    self.events.push_back(IceEvent::DiscoveredRemote {
                        stream,
                        address: flow.remote,
                    });
                }
                id.ok()
            }
        };
        // 5. Answer: success (unknown attributes were answered with 420 above).
        let answer = self.responder.answer_checked(
            msg,
            flow.remote,
            &self.local_key,
            &[],
            &mut self.scratch,
        );
        self.push_reply(flow);
        if answer != BindingAnswer::Success {
            return;
        }
        let pair = remote.and_then(|r| self.add_pair(local_id, r));
        let Some(pair) = pair else {
            return;
        };
        if let Some(p) = self.pairs.get_mut(&pair) {
            p.stats.requests_received += 1;
            p.stats.responses_sent += 1;
        }
        // 6. Triggered check (RFC 8445 §7.3.1.4) and nomination (§7.3.1.5).
        self.trigger(pair);
        // USE-CANDIDATE, or NOMINATION with or without it (renomination); a NOMINATION older
        // than one already taken for the component is ignored.
        let nominates = match attrs.nomination {
            Some(value) if self.role == Role::Controlled => {
                let fresh = !self.stale_nomination(pair, value);
                if fresh && let Some(p) = self.pairs.get_mut(&pair) {
                    p.nomination = Some(value);
                }
                fresh
            }
            _ => attrs.use_candidate,
        };
        if nominates && self.role == Role::Controlled {
            let valid = self.pairs.get(&pair).is_some_and(|p| p.valid);
            if valid || self.config.lite || self.remote_lite {
                if self.config.lite
                    && let Some(p) = self.pairs.get_mut(&pair)
                {
                    // A lite agent checks nothing: a nominated pair is valid (§7.3.2).
                    p.valid = true;
                    p.state = PairState::Succeeded;
                }
                self.nominate(now, pair);
            } else if let Some(p) = self.pairs.get_mut(&pair) {
                p.nominate_on_success = true;
            }
        }
        // An authenticated check on the selected pair does not refresh consent: only
        // responses to our own checks do (RFC 7675 §5.1).
    }

    /// A check signed with the local credentials of before a restart (the peer's consent
    /// checks on the old pair): answered with the old key, nothing else. Whether it was one.
    fn answer_previous_generation(
        &mut self,
        flow: FiveTuple,
        msg: &Message<'_>,
        username: Option<&str>,
    ) -> bool {
        let Some(key) = username
            .and_then(|u| u.split_once(':'))
            .and_then(|(l, _)| self.previous_key(l))
            .filter(|k| msg.verify_integrity(k).is_ok())
            .cloned()
        else {
            return false;
        };
        self.responder
            .answer_verified(msg, flow.remote, &key, &mut self.scratch);
        self.push_reply(flow);
        true
    }

    /// Schedules a triggered check on `pair` (RFC 8445 §7.3.1.4).
    fn trigger(&mut self, pair: PairId) {
        if self.config.lite {
            return;
        }
        let Some(p) = self.pairs.get_mut(&pair) else {
            return;
        };
        match p.state {
            PairState::Succeeded => return,
            PairState::InProgress if p.valid => return,
            // §7.3.1.4: the check in progress is sent no more (its response is still
            // welcome until it would have been resent) and a new one is triggered, so that
            // losing its last retransmission does not fail a pair the peer can reach.
            PairState::InProgress => {
                if let Some(tid) = p.in_flight.take() {
                    self.transactions.stop_retransmitting(&tid);
                }
            }
            _ => {}
        }
        p.state = PairState::Waiting;
        self.queue_triggered(pair);
    }

    fn reject_role_conflict(&mut self, flow: FiveTuple, msg: &Message<'_>) {
        self.responder.reject_signed(
            msg,
            ErrorCode::ROLE_CONFLICT,
            &self.local_key,
            &mut self.scratch,
        );
        self.push_reply(flow);
    }

    /// Queues the message in `scratch` as a reply on `flow`.
    fn push_reply(&mut self, flow: FiveTuple) {
        if self.scratch.is_empty() {
            return;
        }
        let contents = self.arena.copy(&self.scratch);
        self.transmits.push_back(Transmit::reply(flow, contents));
    }

    /// A short random token for peer-reflexive foundations.
    fn rng_word(&mut self) -> u32 {
        use rand::Rng as _;
        self.rng.next_u32()
    }
}

/// The ICE attributes of a check (RFC 8445 §7.1.1, §16.1), read in one walk over the message:
/// the first well-formed occurrence of each, attributes after MESSAGE-INTEGRITY ignored
/// (RFC 8489 §14.5), and the comprehension-required attributes a Binding responder does not
/// understand (RFC 8489 §6.3.1), so that the answer needs no second walk.
#[derive(Debug)]
struct CheckAttributes<'a> {
    username: Option<&'a [u8]>,
    priority: Option<u32>,
    controlling: Option<u64>,
    controlled: Option<u64>,
    use_candidate: bool,
    nomination: Option<u32>,
    unknown: [AttributeType; UNKNOWN_LISTED],
    unknown_count: usize,
}

/// How many unknown comprehension-required attributes a 420 lists.
const UNKNOWN_LISTED: usize = 8;

impl<'a> CheckAttributes<'a> {
    fn read(msg: &Message<'a>) -> Self {
        let mut out = Self {
            username: None,
            priority: None,
            controlling: None,
            controlled: None,
            use_candidate: false,
            nomination: None,
            unknown: [AttributeType(0); UNKNOWN_LISTED],
            unknown_count: 0,
        };
        for a in msg.attributes().filter(|a| !a.ignored) {
            match a.typ {
                AttributeType::USERNAME if out.username.is_none() => out.username = Some(a.value),
                AttributeType::PRIORITY if out.priority.is_none() => {
                    out.priority = a.value.try_into().ok().map(u32::from_be_bytes);
                }
                AttributeType::ICE_CONTROLLING if out.controlling.is_none() => {
                    out.controlling = a.value.try_into().ok().map(u64::from_be_bytes);
                }
                AttributeType::ICE_CONTROLLED if out.controlled.is_none() => {
                    out.controlled = a.value.try_into().ok().map(u64::from_be_bytes);
                }
                AttributeType::USE_CANDIDATE => out.use_candidate = true,
                AttributeType::NOMINATION if out.nomination.is_none() => {
                    // 24-bit value in 32 bits (draft-thatcher-ice-renomination §3).
                    out.nomination = a.value.try_into().ok().map(u32::from_be_bytes);
                }
                t if t.is_comprehension_required() && !understands_binding(t) => {
                    if let Some(slot) = out.unknown.get_mut(out.unknown_count) {
                        *slot = t;
                        out.unknown_count += 1;
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The unknown comprehension-required attributes seen.
    fn unknown(&self) -> &[AttributeType] {
        &self.unknown[..self.unknown_count]
    }

    /// Whether USERNAME is `<ufrag>:<anything>` (RFC 8445 §7.2.2), compared as bytes.
    fn username_starts_with(&self, ufrag: &str) -> bool {
        self.username.is_some_and(|u| {
            u.strip_prefix(ufrag.as_bytes())
                .is_some_and(|rest| rest.first() == Some(&b':'))
        })
    }
}
