//! Consent freshness (RFC 7675) on the selected pairs: a check every 4–6 s at random, consent
//! lost 30 s after the last authenticated response, revoked by 403. Application data never
//! refreshes it, and neither do the peer's checks: only responses to our own checks do.
//!
//! A peer that stops answering but keeps sending authenticated checks (Chrome 144+ after
//! `close()`, a throttled browser tab) therefore loses consent here after 30 s even though
//! its checks keep arriving: a one-way path is not consent to receive (RFC 7675 §1).

use std::time::Instant;

use crate::agent::IceAgent;
use crate::config::Role;
use crate::event::{ConnectionState, IceEvent};
use crate::id::{PairId, StreamId};

impl IceAgent {
    /// Sends the consent checks that are due and expires consent.
    pub(crate) fn consent_due(&mut self, now: Instant) {
        if self.config.lite {
            // A lite agent does not check (RFC 8445 §2.5); its peer checks consent.
            return;
        }
        let keys: Vec<_> = self.selected.keys().copied().collect();
        for key in keys {
            let Some(s) = self.selected.get(&key).cloned() else {
                continue;
            };
            if s.lost {
                continue;
            }
            let silent = now.saturating_duration_since(s.last_response);
            if silent >= self.config.consent_timeout {
                if let Some(s) = self.selected.get_mut(&key) {
                    s.lost = true;
                }
                self.events.push_back(IceEvent::ConsentLost {
                    stream: key.0,
                    component: key.1,
                    silent_for: silent,
                });
                self.set_state(ConnectionState::Failed);
                continue;
            }
            if s.unanswered_since
                .is_some_and(|t| now >= t + self.config.disconnected_timeout)
                && !s.disconnected
                && let Some(s) = self.selected.get_mut(&key)
            {
                s.disconnected = true;
            }
            if now >= s.next_consent {
                let delay = self.consent_delay();
                if let Some(s) = self.selected.get_mut(&key) {
                    s.next_consent = now + delay;
                    s.unanswered_since.get_or_insert(now);
                }
                let busy = self
                    .pairs
                    .get(&s.pair)
                    .is_some_and(|p| p.in_flight.is_some());
                if !busy {
                    // Some ICE-lite servers want USE-CANDIDATE on every check of the selected
                    // pair, consent checks included (ex_ice #110); a full peer ignores it on a
                    // pair already selected.
                    let nominating = self.remote_lite && self.role == Role::Controlling;
                    self.send_check(now, s.pair, nominating, true);
                }
            }
        }
    }

    /// An authenticated response on `pair` refreshes consent if it is its component's
    /// selected pair (RFC 7675 §5.1).
    pub(crate) fn refresh_consent(
        &mut self,
        now: Instant,
        stream: StreamId,
        component: u16,
        pair: PairId,
    ) {
        if let Some(s) = self.selected.get_mut(&(stream, component))
            && s.pair == pair
        {
            s.last_response = now;
            s.unanswered_since = None;
            s.disconnected = false;
        }
    }

    /// A consent check of the old generation was answered (during a restart).
    pub(crate) fn consent_answered(&mut self, now: Instant, pair: PairId, sent_at: Instant) {
        let Some(p) = self.pairs.get_mut(&pair) else {
            return;
        };
        p.stats.current_round_trip_time = Some(now.saturating_duration_since(sent_at));
        let (stream, component) = (p.stream, p.component);
        self.refresh_consent(now, stream, component, pair);
    }

    /// A 403 to a consent check revokes consent at once (RFC 7675 §5.2).
    pub(crate) fn revoke(&mut self, now: Instant, pair: PairId) {
        let key = self
            .selected
            .iter()
            .find(|(_, s)| s.pair == pair && !s.lost)
            .map(|(k, _)| *k);
        if let Some(key) = key
            && let Some(s) = self.selected.get_mut(&key)
        {
            s.lost = true;
            let silent_for = now.saturating_duration_since(s.last_response);
            self.events.push_back(IceEvent::ConsentLost {
                stream: key.0,
                component: key.1,
                silent_for,
            });
            self.set_state(ConnectionState::Failed);
        }
    }
}
