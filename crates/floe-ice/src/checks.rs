//! Outgoing connectivity checks (RFC 8445 §6.1.4, §7.2.4), their responses (§7.2.5) and
//! the hand-off to nomination (`nomination.rs`).

use std::time::Instant;

use floe_ice_candidate::{CandidateType, candidate_priority};
use floe_stun::attributes::{
    ErrorCodeAttribute, IceControlled, IceControlling, Nomination, Priority, Software,
    UseCandidate, Username, XorMappedAddress,
};
use floe_stun::net::FiveTuple;
use floe_stun::transaction::Request;
use floe_stun::{Class, ErrorCode, Message, MessageBuilder, MessageType, Method, TransactionId};

use crate::agent::{IceAgent, Purpose};
use crate::candidates::NewLocal;
use crate::config::Role;
use crate::id::PairId;
use crate::state::PairState;

/// Longest USERNAME of a check: two ice-ufrags of at most 256 characters and the colon
/// (RFC 8839 §5.4, RFC 8445 §7.2.2).
const MAX_USERNAME: usize = 2 * 256 + 1;

impl IceAgent {
    /// Whether a paced check is owed (exactly when [`Self::send_next_check`] would send one,
    /// so a timer never fires for nothing).
    pub(crate) fn has_check_to_send(&self) -> bool {
        self.pick_check().is_some()
    }

    /// Queues a triggered check on `pair` (RFC 8445 §7.3.1.4), once.
    pub(crate) fn queue_triggered(&mut self, pair: PairId) {
        if !self.triggered.contains(&pair) {
            self.triggered.push(pair);
        }
    }

    /// The next check (RFC 8445 §6.1.4.2): the oldest triggered one whose pair is free, else
    /// the highest-priority waiting pair, else the best frozen pair whose foundation is not
    /// busy. None once the agent failed: that is final until a restart.
    fn pick_check(&self) -> Option<PairId> {
        if self.config.lite || self.remote_key.is_none() || self.is_over() {
            return None;
        }
        let triggered = self
            .triggered
            .iter()
            .copied()
            .find(|id| self.pairs.get(id).is_some_and(|p| p.in_flight.is_none()));
        if triggered.is_some() {
            return triggered;
        }
        let waiting = self
            .pairs
            .iter()
            .filter(|(_, p)| p.state == PairState::Waiting && p.in_flight.is_none())
            .max_by_key(|(_, p)| p.priority)
            .map(|(id, _)| *id);
        if waiting.is_some() {
            return waiting;
        }
        if !self.pairs.values().any(|p| p.state == PairState::Frozen) {
            return None;
        }
        // Foundations with a waiting or in-progress pair, found once (not per frozen pair).
        let mut busy: Vec<(u32, u32)> = self
            .pairs
            .values()
            .filter(|p| matches!(p.state, PairState::Waiting | PairState::InProgress))
            .map(|p| p.foundation)
            .collect();
        busy.sort_unstable();
        self.pairs
            .iter()
            .filter(|(_, p)| {
                p.state == PairState::Frozen && busy.binary_search(&p.foundation).is_err()
            })
            .max_by_key(|(_, p)| p.priority)
            .map(|(id, _)| *id)
    }

    /// Sends the next check, if one is owed. Returns whether a check went out.
    pub(crate) fn send_next_check(&mut self, now: Instant) -> bool {
        let Some(id) = self.pick_check() else {
            return false;
        };
        let was_triggered = self.triggered.contains(&id);
        self.triggered.retain(|t| *t != id);
        let nominate = was_triggered && self.wants_nomination(id);
        self.send_check(now, id, nominate, false);
        true
    }

    /// Whether a triggered check on `pair` should carry USE-CANDIDATE: a controlling agent
    /// re-checking the pair it nominates.
    fn wants_nomination(&self, pair: PairId) -> bool {
        self.role == Role::Controlling
            && self.pairs.get(&pair).is_some_and(|p| p.nominate_on_success)
    }

    /// Sends a check on `pair` (RFC 8445 §7.2.4): USERNAME, PRIORITY, the role attribute with
    /// the tie-breaker, USE-CANDIDATE when nominating, MESSAGE-INTEGRITY and FINGERPRINT.
    pub(crate) fn send_check(&mut self, now: Instant, id: PairId, nominating: bool, consent: bool) {
        // Encoded in the agent's scratch buffer, then copied into the transmit arena: no
        // allocation per check in the steady state.
        let mut buf = core::mem::take(&mut self.scratch);
        buf.clear();
        self.encode_and_start_check(now, id, nominating, consent, &mut buf);
        self.scratch = buf;
    }

    /// [`send_check`](Self::send_check) with the message encoded in `buf`.
    fn encode_and_start_check(
        &mut self,
        now: Instant,
        id: PairId,
        nominating: bool,
        consent: bool,
        buf: &mut Vec<u8>,
    ) {
        let tid = TransactionId::random(&mut self.rng);
        let nomination =
            (nominating && self.config.renomination && !consent).then(|| self.next_nomination());
        let Some((remote_ufrag, local_ufrag, key, old_generation)) =
            self.check_credentials(id, consent)
        else {
            return;
        };
        let Some(pair) = self.pairs.get(&id) else {
            return;
        };
        let Some(local) = self.locals.get(&pair.local) else {
            return;
        };
        // PRIORITY: what a peer-reflexive candidate of this base would have (§7.2.4).
        let local_pref = ((local.priority >> 8) & 0xFFFF) as u16;
        let priority = candidate_priority(
            CandidateType::PeerReflexive.type_preference(),
            local_pref,
            pair.component,
        );
        // USERNAME "remote:local" (RFC 8445 §7.2.2), put together on the stack.
        let mut name = [0u8; MAX_USERNAME];
        let len = remote_ufrag.len() + 1 + local_ufrag.len();
        let Some(dest) = name.get_mut(..len) else {
            return;
        };
        let (r, rest) = dest.split_at_mut(remote_ufrag.len());
        r.copy_from_slice(remote_ufrag.as_bytes());
        rest[0] = b':';
        rest[1..].copy_from_slice(local_ufrag.as_bytes());
        let Ok(username) = core::str::from_utf8(dest) else {
            return;
        };
        let typ = MessageType::new(Method::BINDING, Class::Request);
        let mut b = MessageBuilder::new(buf, typ, tid);
        b.add(&Username(username)).add(&Priority(priority));
        match self.role {
            Role::Controlling => b.add(&IceControlling(self.tie_breaker)),
            Role::Controlled => b.add(&IceControlled(self.tie_breaker)),
        };
        if nominating {
            b.add(&UseCandidate);
        }
        if let Some(value) = nomination {
            b.add(&Nomination(value));
        }
        if let Some(s) = &self.config.software {
            b.add(&Software(s));
        }
        if b.message_integrity(key)
            .and_then(floe_stun::WithIntegrity::fingerprint)
            .is_err()
        {
            return;
        }
        let contents = self.arena.copy(buf);
        // RFC 8445 §14.3: RTO = max(check_rto, Ta × pairs in flight).
        let in_flight = self
            .pairs
            .values()
            .filter(|p| p.in_flight.is_some())
            .count();
        let rto = self.config.check_rto.max(
            self.config
                .ta
                .saturating_mul(u32::try_from(in_flight).unwrap_or(u32::MAX)),
        );
        let mut request = Request::new(tid, pair.remote_addr)
            .source(pair.local_base)
            .rto(rto);
        if consent {
            // RFC 7675 §5.1: a consent check is retransmitted within the consent interval.
            request = request.max_sends(3);
        }
        let purpose = Purpose::Check {
            pair: id,
            nominating,
            role: self.role,
            consent,
            priority,
            sent_at: now,
            old_generation,
        };
        if self
            .transactions
            .start(now, request, contents, purpose)
            .is_err()
        {
            return;
        }
        if let Some(p) = self.pairs.get_mut(&id) {
            p.in_flight = Some(tid);
            if nomination.is_some() {
                p.nomination = nomination;
            }
            if consent {
                p.stats.consent_requests_sent += 1;
            } else {
                p.stats.requests_sent += 1;
                if p.state != PairState::Succeeded {
                    p.state = PairState::InProgress;
                }
            }
        }
    }

    /// A response to one of the agent's transactions, from `flow`. Nothing happens before the
    /// response is matched to a request and its MESSAGE-INTEGRITY verified with the key the
    /// request was signed with (RFC 8445 §7.2.5.1, RFC 8489 §9.1.4).
    pub(crate) fn handle_response(&mut self, now: Instant, flow: FiveTuple, msg: &Message<'_>) {
        let tid = *msg.transaction_id();
        let Some(purpose) = self.transactions.data(&tid).cloned() else {
            return;
        };
        match purpose {
            Purpose::Srflx { local, server } => {
                if flow.remote != server {
                    return;
                }
                self.transactions.cancel(&tid);
                self.on_srflx_response(now, local, server, msg);
            }
            Purpose::Check {
                pair,
                nominating,
                role,
                consent,
                priority,
                sent_at,
                old_generation,
            } => {
                let Some(key) = self.response_key(old_generation) else {
                    return;
                };
                if msg.verify_integrity(key).is_err() {
                    return; // unauthenticated: dropped, the check goes on
                }
                self.transactions.cancel(&tid);
                if let Some(p) = self.pairs.get_mut(&pair) {
                    // A replaced check's response counts, but the new check stays in flight.
                    if p.in_flight == Some(tid) {
                        p.in_flight = None;
                    }
                    p.stats.responses_received += 1;
                }
                if msg.class() == Class::Error {
                    return self.on_check_error(now, pair, role, msg);
                }
                if old_generation {
                    // Consent on a pair of the old generation: nothing else changes.
                    return self.consent_answered(now, pair, sent_at);
                }
                // RFC 8445 §7.2.5.2.1: the response must come back on the same flow.
                let symmetric = self
                    .pairs
                    .get(&pair)
                    .is_some_and(|p| p.remote_addr == flow.remote && p.local_base == flow.local);
                if !symmetric {
                    if let Some(p) = self.pairs.get_mut(&pair) {
                        p.state = PairState::Failed;
                    }
                    return;
                }
                self.on_check_success(now, pair, nominating, consent, priority, sent_at, msg);
            }
        }
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the fields of one Purpose::Check"
    )]
    fn on_check_success(
        &mut self,
        now: Instant,
        id: PairId,
        nominating: bool,
        consent: bool,
        priority: u32,
        sent_at: Instant,
        msg: &Message<'_>,
    ) {
        let Some(p) = self.pairs.get_mut(&id) else {
            return;
        };
        if p.stats.requests_sent <= 1 || consent {
            p.stats.current_round_trip_time = Some(now.saturating_duration_since(sent_at));
        }
        let first_success = !p.valid;
        p.state = PairState::Succeeded;
        p.valid = true;
        let (stream, component, foundation, base) =
            (p.stream, p.component, p.foundation, p.local_base);
        let nominate_now = nominating || (self.role == Role::Controlled && p.nominate_on_success);
        // A triggered check still queued for a pair that just succeeded (its replaced check
        // was answered after all) has nothing left to learn, unless it is to nominate.
        if !self.wants_nomination(id) {
            self.triggered.retain(|t| *t != id);
        }
        self.refresh_consent(now, stream, component, id);
        if first_success {
            // RFC 8445 §7.2.5.3.1: a mapped address the agent does not know is a local
            // peer-reflexive candidate (not signalled, not paired: its base is).
            if let Ok(Some(XorMappedAddress(mapped))) = msg.get::<XorMappedAddress>()
                && !self
                    .locals
                    .values()
                    .any(|l| l.addr == mapped && l.base == base)
            {
                let _ = self.add_local(NewLocal {
                    stream,
                    component,
                    kind: CandidateType::PeerReflexive,
                    addr: mapped,
                    base,
                    related: None,
                    priority,
                    server: None,
                });
            }
            // RFC 8445 §7.2.5.3.3: unfreeze the pairs of the same foundation.
            for q in self.pairs.values_mut() {
                if q.foundation == foundation && q.state == PairState::Frozen {
                    q.state = PairState::Waiting;
                }
            }
            self.schedule_nomination(now, stream);
            self.maybe_renominate(now, id);
        }
        if nominate_now {
            self.nominate(now, id);
        }
    }

    fn on_check_error(&mut self, now: Instant, id: PairId, sent_role: Role, msg: &Message<'_>) {
        let code = msg
            .get::<ErrorCodeAttribute<'_>>()
            .ok()
            .flatten()
            .map(|e| e.code);
        if code == Some(ErrorCode::ROLE_CONFLICT) {
            // RFC 8445 §7.2.5.1: switch to the other role and check again, unless the role
            // already changed since the request (a stale 487).
            if sent_role == self.role {
                self.set_role(sent_role.other());
            }
            if let Some(p) = self.pairs.get_mut(&id) {
                p.state = PairState::Waiting;
            }
            self.triggered.push(id);
            self.next_check = self.next_check.min(now);
            return;
        }
        if let Some(p) = self.pairs.get_mut(&id) {
            p.state = PairState::Failed;
        }
        if code == Some(ErrorCode::FORBIDDEN) {
            // RFC 7675 §5.2: 403 to a consent check revokes consent.
            self.revoke(now, id);
        }
        self.update_state(now);
    }

    /// A transaction gave up.
    pub(crate) fn on_transaction_timeout(
        &mut self,
        now: Instant,
        tid: TransactionId,
        purpose: Purpose,
    ) {
        match purpose {
            Purpose::Check {
                pair,
                consent,
                nominating,
                ..
            } => {
                let Some(p) = self.pairs.get_mut(&pair) else {
                    return;
                };
                // A check a triggered check replaced (§7.3.1.4) fails nothing.
                if p.in_flight != Some(tid) {
                    return;
                }
                p.in_flight = None;
                if consent {
                    return;
                }
                if !p.valid {
                    p.state = PairState::Failed;
                } else if nominating && self.role == Role::Controlling {
                    self.nomination_lost(now, pair);
                }
            }
            Purpose::Srflx { local, .. } => self.srflx_done(now, local),
        }
    }
}
