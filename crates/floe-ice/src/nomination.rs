//! Nomination (RFC 8445 §8): regular nomination by the controlling agent (§8.1.1), nominations
//! taken as controlled (§7.3.1.5), aggressive nominators accepted (every check carries
//! USE-CANDIDATE: the highest-priority nominated pair wins, RFC 8445 §8.1.1 and RFC 5245
//! §8.1.1.2), and renomination (draft-thatcher-ice-renomination, as libwebrtc does it).
//!
//! # Renomination
//! With [`crate::IceConfig::renomination`] (both sides signalled
//! `a=ice-options:renomination`), the controlling agent puts NOMINATION (0xC001) with an
//! increasing value on every nominating check, beside USE-CANDIDATE (so a peer that ignores
//! NOMINATION still takes the first nomination), and renominates when a pair better than the
//! selected one becomes valid. As controlled, a check with NOMINATION nominates with or
//! without USE-CANDIDATE (libwebrtc sends it alone; pion #881), and the highest value wins:
//! a lower or equal value than the one behind the selected pair is stale and ignored.

use std::time::Instant;

use crate::agent::{IceAgent, Selected};
use crate::config::Role;
use crate::event::IceEvent;
use crate::id::{PairId, StreamId};
use crate::state::PairState;

impl IceAgent {
    /// Regular nomination (RFC 8445 §8.1.1): once every component of the stream has a valid
    /// pair, nominate the best one, at once when nothing better can come (see
    /// [`Self::nomination_settled`]), else after `nomination_delay` for better pairs.
    pub(crate) fn schedule_nomination(&mut self, now: Instant, stream: StreamId) {
        if self.role != Role::Controlling {
            return;
        }
        let Some(s) = self.streams.get(&stream) else {
            return;
        };
        let all = (1..=s.components).all(|c| {
            self.pairs
                .values()
                .any(|p| p.stream == stream && p.component == c && p.valid)
        });
        // Once a nomination is under way, its own retries and give-up rules take over.
        let nominating = self
            .pairs
            .values()
            .any(|p| p.stream == stream && (p.nominate_on_success || p.nominated));
        if !all || nominating || self.has_selected(stream) {
            return;
        }
        let at = if self.remote_lite || self.nomination_settled(stream) {
            now
        } else {
            now + self.config.nomination_delay
        };
        if let Some(s) = self.streams.get_mut(&stream) {
            s.nominate_at = Some(s.nominate_at.map_or(at, |t| t.min(at)));
        }
    }

    /// Whether waiting cannot bring a better pair: both sides are done gathering and, per
    /// component, no pair still to be checked outranks the best valid one.
    fn nomination_settled(&self, stream: StreamId) -> bool {
        let Some(s) = self.streams.get(&stream) else {
            return false;
        };
        if s.gathering > 0 || !s.end_of_remote {
            return false;
        }
        (1..=s.components).all(|c| {
            let of = |p: &&crate::state::Pair| p.stream == stream && p.component == c;
            let best = self
                .pairs
                .values()
                .filter(of)
                .filter(|p| p.valid)
                .map(|p| p.priority)
                .max();
            best.is_some_and(|best| {
                !self
                    .pairs
                    .values()
                    .filter(of)
                    .any(|p| p.priority > best && p.state.is_unfinished())
            })
        })
    }

    fn has_selected(&self, stream: StreamId) -> bool {
        // A pair selected before a restart does not count: the new generation selects anew.
        self.selected
            .iter()
            .any(|((s, _), sel)| *s == stream && !sel.stale)
    }

    /// Nominates what is due: the best valid pair of each component, re-checked with
    /// USE-CANDIDATE.
    pub(crate) fn nominate_due(&mut self, now: Instant) {
        let due: Vec<_> = self
            .streams
            .iter()
            .filter(|(_, s)| s.nominate_at.is_some_and(|t| t <= now))
            .map(|(id, s)| (*id, s.components))
            .collect();
        for (stream, components) in due {
            if let Some(s) = self.streams.get_mut(&stream) {
                s.nominate_at = None;
            }
            if self.role != Role::Controlling {
                continue;
            }
            for c in 1..=components {
                let best = self
                    .pairs
                    .iter()
                    .filter(|(_, p)| p.stream == stream && p.component == c && p.valid)
                    .max_by_key(|(_, p)| p.priority)
                    .map(|(id, _)| *id);
                if let Some(id) = best {
                    if let Some(p) = self.pairs.get_mut(&id) {
                        p.nominate_on_success = true;
                    }
                    if let Some(old) = self.pairs.get(&id).and_then(|p| p.in_flight) {
                        self.transactions.cancel(&old);
                        if let Some(p) = self.pairs.get_mut(&id) {
                            p.in_flight = None;
                        }
                    }
                    self.send_check(now, id, true, false);
                }
            }
        }
    }

    /// Makes `id` the selected pair of its component (RFC 8445 §8.1.1 for the controlling
    /// side, §7.3.1.5 for the controlled one). Nothing once the agent failed (a late success
    /// or nomination does not revive it: only a restart does, as for a browser's `failed`).
    pub(crate) fn nominate(&mut self, now: Instant, id: PairId) {
        if self.is_over() {
            return;
        }
        let Some(p) = self.pairs.get_mut(&id) else {
            return;
        };
        p.nominated = true;
        p.nominate_on_success = false;
        let (stream, component, local, remote) =
            (p.stream, p.component, p.local_base, p.remote_addr);
        let (nomination, priority) = (p.nomination, p.priority);
        let key = (stream, component);
        let current = self
            .selected
            .get(&key)
            .filter(|s| !s.stale && !s.lost)
            .map(|s| s.pair);
        if current == Some(id) {
            return;
        }
        // As controlled, a second nomination replaces the selected pair only if it wins:
        // a higher NOMINATION (renomination), else a higher priority (aggressive nominators,
        // RFC 8445 §8.1.1: the highest-priority nominated pair is selected).
        if self.role == Role::Controlled
            && let Some(c) = current.and_then(|c| self.pairs.get(&c))
        {
            let wins = match (nomination, c.nomination) {
                (Some(new), Some(old)) => new > old,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => priority > c.priority,
            };
            if !wins {
                return;
            }
        }
        self.bind_relay_channel(now, local, remote);
        let next_consent = now + self.consent_delay();
        self.selected.insert(
            key,
            Selected {
                pair: id,
                last_response: now,
                next_consent,
                unanswered_since: None,
                disconnected: false,
                lost: false,
                stale: false,
            },
        );
        self.generation_selected();
        self.events.push_back(IceEvent::SelectedPair {
            stream,
            component,
            pair: id,
            local,
            remote,
        });
        self.update_state(now);
    }

    /// Renomination as controlling: a pair that just became valid and beats the selected
    /// pair of its component is nominated in its place.
    pub(crate) fn maybe_renominate(&mut self, now: Instant, id: PairId) {
        if !self.config.renomination || self.role != Role::Controlling {
            return;
        }
        let Some(p) = self.pairs.get(&id) else {
            return;
        };
        let Some(current) = self
            .selected
            .get(&(p.stream, p.component))
            .filter(|s| !s.stale && !s.lost && s.pair != id)
            .and_then(|s| self.pairs.get(&s.pair))
        else {
            return;
        };
        if p.priority <= current.priority {
            return;
        }
        let busy = p.in_flight.is_some();
        if let Some(p) = self.pairs.get_mut(&id) {
            p.nominate_on_success = true;
        }
        if !busy {
            self.send_check(now, id, true, false);
        } else {
            // A check still in flight on the pair: the nominating one follows it.
            self.queue_triggered(id);
        }
    }

    /// The next NOMINATION value (increasing, so the latest nomination wins).
    pub(crate) fn next_nomination(&mut self) -> u32 {
        self.nomination_counter = self.nomination_counter.saturating_add(1);
        self.nomination_counter
    }

    /// As controlled: whether NOMINATION `value` on `pair` is older than a nomination already
    /// taken for its component (then it is ignored).
    pub(crate) fn stale_nomination(&self, pair: PairId, value: u32) -> bool {
        let Some(p) = self.pairs.get(&pair) else {
            return true;
        };
        self.pairs.iter().any(|(id, q)| {
            *id != pair
                && q.stream == p.stream
                && q.component == p.component
                && q.nomination.is_some_and(|n| n >= value)
        })
    }

    /// A nominating check on a valid pair timed out (every send lost): nominate it again, up
    /// to [`NOMINATION_ATTEMPTS`] times, then give the pair up and nominate the next best
    /// valid pair (RFC 8445 §8.1.1: a nomination that did not succeed may be replaced).
    pub(crate) fn nomination_lost(&mut self, now: Instant, pair: PairId) {
        let Some(p) = self.pairs.get_mut(&pair) else {
            return;
        };
        p.nominations_lost = p.nominations_lost.saturating_add(1);
        if p.nominations_lost < NOMINATION_ATTEMPTS {
            p.nominate_on_success = true;
            self.queue_triggered(pair);
            self.next_check = self.next_check.min(now);
            return;
        }
        p.valid = false;
        p.state = PairState::Failed;
        p.nominate_on_success = false;
        let stream = p.stream;
        if let Some(s) = self.streams.get_mut(&stream) {
            s.nominate_at = Some(now);
        }
    }
}

/// Nominating checks sent on one pair (each with its retransmissions) before the controlling
/// agent gives the pair up.
pub(crate) const NOMINATION_ATTEMPTS: u8 = 3;
