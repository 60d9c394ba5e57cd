//! ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1): new credentials, checklists flushed, the
//! candidates kept, and the selected pairs of the old generation carrying data until the new
//! generation selects its own.
//!
//! A restart is local ([`IceAgent::restart`], new local credentials to signal) or remote (the
//! peer's description carries new credentials: [`IceAgent::set_remote_credentials`] with
//! credentials that differ from the ones it had). Either flushes the checklists; an offer/answer
//! exchange does both, one on each side.
//!
//! Until the new generation has selected a pair on every component:
//! - data still goes over the old selected pairs ([`IceAgent::send`]);
//! - checks the peer still signs with the old credentials (its consent checks on the old pair)
//!   are answered, and change nothing else;
//! - consent checks on the old pairs go out with the peer's new credentials once it has sent
//!   them (RFC 7675 §5.1: consent is still lost 30 s after the last authenticated response).

use std::time::Instant;

use floe_ice_candidate::CandidateType;
use floe_stun::IntegrityKey;

use crate::agent::IceAgent;
use crate::credentials::Credentials;
use crate::event::{ConnectionState, IceEvent};
use crate::id::{CandidateId, PairId, StreamId};
use crate::state::PairState;

/// The credentials of the generation before a restart, kept while its selected pairs carry
/// data: checks the peer signs with the old local ones are answered, and consent checks on the
/// old pairs use the old remote ones.
#[derive(Debug)]
pub(crate) struct Previous {
    /// The old local ufrag and key.
    pub(crate) ufrag: String,
    pub(crate) key: IntegrityKey<'static>,
    /// The old remote credentials and key.
    pub(crate) remote: Option<(Credentials, IntegrityKey<'static>)>,
}

impl IceAgent {
    /// Restarts ICE (RFC 8445 §9): new local credentials (returned, to signal in the next
    /// offer or answer), the checklists flushed, the candidates kept and reported again as
    /// [`IceEvent::LocalCandidate`] (then [`IceEvent::GatheringComplete`]) for the new
    /// generation. The selected pairs keep carrying data until the new generation selects
    /// pairs. Call [`set_remote_credentials`](Self::set_remote_credentials) with the peer's
    /// new credentials and add its candidates as they come.
    ///
    /// ```
    /// # use std::time::Instant;
    /// # use floe_ice::{IceAgent, IceConfig, Role};
    /// # let mut config = IceConfig::new(Role::Controlling);
    /// # config.rng_seed = Some([1; 32]);
    /// let now = Instant::now();
    /// let mut agent = IceAgent::new(config, now);
    /// let old = agent.local_credentials().clone();
    /// let new = agent.restart(now);
    /// assert_ne!(old.ufrag, new.ufrag);
    /// assert_eq!(agent.local_credentials(), &new);
    /// ```
    pub fn restart(&mut self, now: Instant) -> Credentials {
        let fresh = Credentials::random(&mut self.rng);
        let key = IntegrityKey::owned(fresh.pwd.as_bytes()).prepare_sha1();
        let old = core::mem::replace(&mut self.local_credentials, fresh);
        let old_key = core::mem::replace(&mut self.local_key, key);
        // The new generation waits for the peer's new credentials, unless the peer restarted
        // first and these are its new ones (the answerer's side of a restart).
        let remote = if core::mem::take(&mut self.remote_is_new) {
            None
        } else {
            self.remote_credentials.take().zip(self.remote_key.take())
        };
        self.keep_previous(Previous {
            ufrag: old.ufrag,
            key: old_key,
            remote,
        });
        self.flush_checklists(now);
        // The peer must pair the new generation's candidates again (RFC 8838 §4.4 after a
        // restart: candidates and end-of-candidates are signalled anew).
        let ids: Vec<CandidateId> = self
            .locals
            .iter()
            .filter(|(_, l)| l.kind != CandidateType::PeerReflexive)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.report_local(id);
        }
        let done: Vec<StreamId> = self
            .streams
            .iter()
            .filter(|(_, s)| s.gathering_done)
            .map(|(id, _)| *id)
            .collect();
        for stream in done {
            self.events
                .push_back(IceEvent::GatheringComplete { stream });
        }
        self.local_credentials.clone()
    }

    /// The peer restarted: its credentials changed (RFC 8839 §4.4.1.1).
    pub(crate) fn remote_restart(&mut self, now: Instant, old: Credentials) {
        let remote = self.remote_key.take().map(|k| (old, k));
        self.remote_is_new = true;
        self.keep_previous(Previous {
            ufrag: self.local_credentials.ufrag.clone(),
            key: self.local_key.clone(),
            remote,
        });
        self.flush_checklists(now);
    }

    /// Keeps the old generation's credentials while it has selected pairs (the first restart
    /// of a series wins: its pairs are the ones still carrying data).
    fn keep_previous(&mut self, previous: Previous) {
        if self.selected.values().any(|s| !s.lost) {
            match &mut self.previous {
                Some(p) => {
                    if p.remote.is_none() {
                        p.remote = previous.remote;
                    }
                }
                None => self.previous = Some(Box::new(previous)),
            }
        }
    }

    /// The credentials a check on `pair` goes out with: (remote ufrag, local ufrag, the peer's
    /// key, old generation). A consent check on a selected pair of the old generation uses
    /// the old credentials while they are kept.
    pub(crate) fn check_credentials(
        &self,
        pair: PairId,
        consent: bool,
    ) -> Option<(&str, &str, &IntegrityKey<'static>, bool)> {
        let stale = consent && self.selected.values().any(|s| s.pair == pair && s.stale);
        if stale
            && let Some(p) = &self.previous
            && let Some((remote, key)) = &p.remote
        {
            return Some((&remote.ufrag, &p.ufrag, key, true));
        }
        let (remote, key) = (self.remote_credentials.as_ref()?, self.remote_key.as_ref()?);
        Some((&remote.ufrag, &self.local_credentials.ufrag, key, false))
    }

    /// The key responses to a check were signed with.
    pub(crate) fn response_key(&self, old_generation: bool) -> Option<&IntegrityKey<'static>> {
        if old_generation {
            self.previous
                .as_ref()
                .and_then(|p| p.remote.as_ref())
                .map(|(_, k)| k)
        } else {
            self.remote_key.as_ref()
        }
    }

    /// Flushes the checklists for a new generation (a restart on either side): checks in
    /// flight cancelled, every pair but the selected ones dropped (those start over, not
    /// valid), remote candidates dropped but those of the selected pairs (and those waiting
    /// for a name), end-of-candidates and failures forgotten.
    pub(crate) fn flush_checklists(&mut self, now: Instant) {
        let keep: Vec<PairId> = self
            .selected
            .values()
            .filter(|s| !s.lost)
            .map(|s| s.pair)
            .collect();
        self.selected.retain(|_, s| !s.lost);
        for s in self.selected.values_mut() {
            s.stale = true;
        }
        for p in self.pairs.values_mut() {
            if let Some(tid) = p.in_flight.take() {
                self.transactions.cancel(&tid);
            }
        }
        self.triggered.clear();
        self.pairs.retain(|id, _| keep.contains(id));
        for p in self.pairs.values_mut() {
            p.state = PairState::Waiting;
            p.valid = false;
            p.nominated = false;
            p.nominate_on_success = false;
        }
        let kept_remotes: Vec<CandidateId> = self.pairs.values().map(|p| p.remote).collect();
        self.remotes.retain(|id, _| kept_remotes.contains(id));
        self.pending_names.clear();
        for s in self.streams.values_mut() {
            s.end_of_remote = false;
            s.failed = false;
            s.nominate_at = None;
        }
        if self.state == ConnectionState::Failed {
            // A restart is how a failed session recovers (RFC 8445 §9).
            self.state = ConnectionState::Checking;
            self.events.push_back(IceEvent::ConnectionStateChanged {
                state: ConnectionState::Checking,
            });
        }
        self.next_check = self.next_check.max(now);
    }

    /// Whether `ufrag` (the first half of a check's USERNAME) is the previous generation's,
    /// with its key.
    pub(crate) fn previous_key(&self, ufrag: &str) -> Option<&IntegrityKey<'static>> {
        self.previous
            .as_ref()
            .filter(|p| p.ufrag == ufrag)
            .map(|p| &p.key)
    }

    /// The new generation selected a pair: once no old selected pair is left, the old
    /// credentials are forgotten.
    pub(crate) fn generation_selected(&mut self) {
        if !self.selected.values().any(|s| s.stale) {
            self.previous = None;
        }
    }
}
