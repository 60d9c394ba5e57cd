//! The candidate tables: local candidates (host addresses the embedder registers, and those
//! learned from servers and checks), remote candidates (signalled, resolved or peer-reflexive)
//! and the pairs formed from them (RFC 8445 §5.1, §6.1.2).

use core::net::SocketAddr;
use std::time::Instant;

use floe_ice_candidate::{Candidate, CandidateType, candidate_priority};
use floe_stun::net::Transport;

use crate::agent::IceAgent;
use crate::error::IceError;
use crate::event::IceEvent;
use crate::id::{CandidateId, PairId, StreamId};
use crate::state::{Local, LocalFoundation, Pair, PairState, PairStats, Remote};

impl IceAgent {
    /// Registers a local address the embedder has a UDP socket on, as a host candidate of a
    /// component (RFC 8445 §5.1.1.1); it is reported as [`IceEvent::LocalCandidate`] and paired
    /// with the remote candidates known. Server-reflexive queries start for it once
    /// [`gather`](Self::gather) was called.
    ///
    /// # Errors
    /// Unknown stream or component, or [`IceConfig::max_local_candidates`](crate::IceConfig::max_local_candidates) reached.
    pub fn add_local_address(
        &mut self,
        stream: StreamId,
        component: u16,
        addr: SocketAddr,
    ) -> Result<CandidateId, IceError> {
        self.check_component(stream, component)?;
        let rank = self
            .locals
            .values()
            .filter(|l| l.kind == CandidateType::Host && l.stream == stream)
            .count();
        let local_pref = floe_ice_candidate::dual_stack_local_preference(
            addr.ip(),
            u8::try_from(rank).unwrap_or(u8::MAX),
        );
        let priority =
            candidate_priority(CandidateType::Host.type_preference(), local_pref, component);
        self.add_local(NewLocal {
            stream,
            component,
            kind: CandidateType::Host,
            addr,
            base: addr,
            related: None,
            priority,
            server: None,
        })
    }

    /// Adds a remote candidate (from the description or trickled, RFC 8838) at any time.
    /// Only UDP candidates are paired. A candidate named `*.local` (mDNS) waits for
    /// [`resolved`](Self::resolved) after [`IceEvent::ResolveName`]; its id stays the same.
    ///
    /// # Errors
    /// Unknown stream or component, [`IceError::UnusableCandidate`] (not UDP, a name that is
    /// not mDNS, an unusable address), or a limit reached
    /// ([`IceConfig::max_remote_candidates`](crate::IceConfig::max_remote_candidates), [`IceConfig::max_pending_names`](crate::IceConfig::max_pending_names)).
    pub fn add_remote_candidate(
        &mut self,
        now: Instant,
        stream: StreamId,
        candidate: &Candidate<'_>,
    ) -> Result<CandidateId, IceError> {
        self.check_component(stream, candidate.component())?;
        if candidate.transport().is_tcp()
            || !candidate.transport().as_str().eq_ignore_ascii_case("udp")
        {
            return Err(IceError::UnusableCandidate { reason: "not UDP" });
        }
        let Some(addr) = candidate.socket_addr() else {
            return match candidate.address() {
                floe_ice_candidate::Address::Mdns(name) => self.await_name(stream, candidate, name),
                _ => Err(IceError::UnusableCandidate {
                    reason: "a host name that is not mDNS (.local)",
                }),
            };
        };
        self.add_resolved(now, stream, candidate, addr, None)
    }

    /// A remote candidate with its address known: paired, or merged into the
    /// peer-reflexive candidate learned at that address. `id`: the id given while its name
    /// was being resolved.
    pub(crate) fn add_resolved(
        &mut self,
        now: Instant,
        stream: StreamId,
        candidate: &Candidate<'_>,
        addr: SocketAddr,
        id: Option<CandidateId>,
    ) -> Result<CandidateId, IceError> {
        if addr.port() == 0 || addr.ip().is_unspecified() || addr.ip().is_multicast() {
            return Err(IceError::UnusableCandidate {
                reason: "unusable address",
            });
        }
        let existing = self.remotes.iter().find(|(_, r)| {
            r.stream == stream && r.component == candidate.component() && r.addr == addr
        });
        if let Some((&id, r)) = existing {
            // A signalled candidate replaces the peer-reflexive one learned first (RFC 8445
            // §7.3.1.3, trickle races). Between two signalled candidates at one address (a
            // server-reflexive address equal to the host one, as on loopback or without a
            // NAT) the higher priority stays (RFC 8445 §6.1.2.4 keeps the better of redundant
            // pairs): a later, lower one changes nothing.
            let replaces =
                r.kind == CandidateType::PeerReflexive || candidate.priority() > r.priority;
            if !replaces {
                return Ok(id);
            }
            let foundation = self
                .remote_foundations
                .intern_str(candidate.foundation().as_str());
            if let Some(r) = self.remotes.get_mut(&id) {
                r.kind = candidate.kind();
                r.priority = candidate.priority();
                r.foundation = foundation;
            }
            let role = self.role;
            for p in self.pairs.values_mut().filter(|p| p.remote == id) {
                p.remote_priority = candidate.priority();
                p.reprioritise(role);
            }
            return Ok(id);
        }
        self.add_remote(
            now,
            RemoteSpec {
                id,
                stream,
                component: candidate.component(),
                kind: candidate.kind(),
                addr,
                priority: candidate.priority(),
            },
            candidate.foundation().as_str(),
        )
    }

    /// Adds a local candidate, reports it (all but peer-reflexive ones) and pairs it (host and
    /// relayed ones).
    pub(crate) fn add_local(&mut self, new: NewLocal) -> Result<CandidateId, IceError> {
        self.add_local_via(new, Transport::Udp)
    }

    /// [`Self::add_local`] for a candidate learned from a server over `via` (part of the
    /// foundation).
    pub(crate) fn add_local_via(
        &mut self,
        new: NewLocal,
        via: Transport,
    ) -> Result<CandidateId, IceError> {
        let NewLocal {
            stream,
            component,
            kind,
            addr,
            base,
            related,
            priority,
            server,
        } = new;
        if self.locals.len() >= self.config.max_local_candidates {
            return Err(IceError::Limit {
                what: "local candidates",
                limit: self.config.max_local_candidates,
            });
        }
        // RFC 8445 §5.1.1.3: same type, base IP, server and transport share a foundation
        // (a relay reached over TCP or TLS is obtained over TCP).
        let key = LocalFoundation {
            kind,
            base: base.ip(),
            server: server.map(|s| s.ip()),
            reliable: via.is_reliable(),
        };
        let foundation = self.local_foundations.intern(|k| *k == key, || key);
        let id = CandidateId(self.candidate_ids.next());
        self.locals.insert(
            id,
            Local {
                stream,
                component,
                kind,
                addr,
                base,
                related,
                priority,
                foundation,
            },
        );
        // With `relay_only`, only relayed candidates are announced (W3C `iceTransportPolicy`
        // "relay": the host and reflexive addresses stay private).
        if self.locals.get(&id).is_some_and(|l| self.is_signalled(l)) {
            self.report_local(id);
        }
        // Reflexive candidates are not paired: their base is (RFC 8445 §6.1.2.4).
        if is_paired(kind, self.config.relay_only) {
            let mut i = 0;
            while let Some((r, remote)) = self.remotes.at(i) {
                i += 1;
                if remote.stream == stream && remote.component == component {
                    self.add_pair(id, r);
                }
            }
        }
        Ok(id)
    }

    /// Reports a local candidate as [`IceEvent::LocalCandidate`], in `a=candidate` form.
    pub(crate) fn report_local(&mut self, id: CandidateId) {
        let Some(l) = self.locals.get(&id).cloned() else {
            return;
        };
        if self.config.mdns_host_names && l.kind == CandidateType::Host {
            // Registers the name first (reported as `RegisterName`).
            self.host_name(l.addr.ip());
        }
        let stream = l.stream;
        if let Some(candidate) = self.signalled_form(&l) {
            self.events
                .push_back(IceEvent::LocalCandidate { stream, candidate });
        }
    }

    /// A local candidate as it is signalled (`a=candidate`): host addresses by mDNS name
    /// when [`IceConfig::mdns_host_names`](crate::IceConfig::mdns_host_names) is set, the
    /// related address hidden then.
    pub(crate) fn signalled_form(&self, l: &Local) -> Option<Candidate<'static>> {
        let named = self.config.mdns_host_names;
        let address: floe_ice_candidate::Address<'static> =
            if named && l.kind == CandidateType::Host {
                floe_ice_candidate::Address::from_name(self.host_name_of(l.addr.ip())?.to_owned())
                    .ok()?
            } else {
                l.addr.ip().into()
            };
        let mut b = floe_ice_candidate::CandidateBuilder::new(l.kind, address, l.addr.port())
            .foundation(foundation_name(l.foundation))
            .component(l.component)
            .priority(l.priority);
        if l.kind != CandidateType::Host {
            let related = l.related.unwrap_or(l.base);
            // With names, the related address would give the host address away.
            b = if named {
                let hidden = match related {
                    SocketAddr::V4(_) => core::net::IpAddr::from([0, 0, 0, 0]),
                    SocketAddr::V6(_) => core::net::IpAddr::from([0u16; 8]),
                };
                b.related(hidden, 0)
            } else {
                b.related(related.ip(), related.port())
            };
        }
        // Every part is 'static already (the foundation a static name): no copy.
        b.build().ok()
    }

    /// Adds a remote candidate and pairs it with the local host and relayed candidates.
    pub(crate) fn add_remote(
        &mut self,
        now: Instant,
        spec: RemoteSpec,
        foundation: &str,
    ) -> Result<CandidateId, IceError> {
        if self.remotes.len() >= self.config.max_remote_candidates {
            return Err(IceError::Limit {
                what: "remote candidates",
                limit: self.config.max_remote_candidates,
            });
        }
        let RemoteSpec {
            id,
            stream,
            component,
            kind,
            addr,
            priority,
        } = spec;
        let foundation = self.remote_foundations.intern_str(foundation);
        let id = id.unwrap_or_else(|| CandidateId(self.candidate_ids.next()));
        self.remotes.insert(
            id,
            Remote {
                stream,
                component,
                kind,
                addr,
                priority,
                foundation,
            },
        );
        // By position: pairing changes the pair table, never the local one.
        let mut i = 0;
        while let Some((l, local)) = self.locals.at(i) {
            i += 1;
            if local.stream == stream
                && local.component == component
                && is_paired(local.kind, self.config.relay_only)
                && local.base.is_ipv4() == addr.is_ipv4()
            {
                self.add_pair(l, id);
            }
        }
        self.next_check = self.next_check.max(now);
        Ok(id)
    }

    /// Forms a pair (RFC 8445 §6.1.2.2) unless it exists, its families differ or the limit
    /// is reached (then the lowest-priority pair is pruned if the new one beats it,
    /// RFC 8445 §6.1.2.5).
    pub(crate) fn add_pair(&mut self, local: CandidateId, remote: CandidateId) -> Option<PairId> {
        let (l, r) = (self.locals.get(&local)?, self.remotes.get(&remote)?);
        if l.base.is_ipv4() != r.addr.is_ipv4() {
            return None;
        }
        if let Some((id, _)) = self.pairs.iter().find(|(_, p)| {
            p.local_base == l.base && p.remote_addr == r.addr && p.component == r.component
        }) {
            return Some(*id);
        }
        let mut pair = Pair {
            stream: r.stream,
            component: r.component,
            local,
            remote,
            local_base: l.base,
            remote_addr: r.addr,
            local_priority: l.priority,
            remote_priority: r.priority,
            foundation: (l.foundation, r.foundation),
            priority: 0,
            state: PairState::Frozen,
            valid: false,
            nominated: false,
            nominate_on_success: false,
            nomination: None,
            nominations_lost: 0,
            in_flight: None,
            stats: PairStats::default(),
        };
        pair.reprioritise(self.role);
        if self.pairs.len() >= self.config.max_pairs {
            let lowest = self
                .pairs
                .iter()
                .filter(|(_, p)| !p.valid && p.in_flight.is_none())
                .min_by_key(|(_, p)| p.priority)
                .map(|(id, p)| (*id, p.priority))?;
            if lowest.1 >= pair.priority {
                return None;
            }
            self.pairs.remove(&lowest.0);
            self.triggered.retain(|p| *p != lowest.0);
        }
        // RFC 8445 §6.1.2.6: a pair starts Waiting unless a pair of its foundation is
        // already waiting, in progress or succeeded (it then waits for that one).
        let foundation_busy = self.pairs.values().any(|p| {
            p.foundation == pair.foundation
                && matches!(
                    p.state,
                    PairState::Waiting | PairState::InProgress | PairState::Succeeded
                )
        });
        if !foundation_busy {
            pair.state = PairState::Waiting;
        }
        let id = PairId(self.pair_ids.next());
        self.pairs.insert(id, pair);
        Some(id)
    }
}

/// What [`IceAgent::add_local`] needs to know of a new local candidate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewLocal {
    pub(crate) stream: StreamId,
    pub(crate) component: u16,
    pub(crate) kind: CandidateType,
    pub(crate) addr: SocketAddr,
    /// The address it sends from (itself for host and relayed candidates).
    pub(crate) base: SocketAddr,
    /// `raddr`/`rport` to signal (the base unless given: a relayed candidate signals its
    /// mapped address, RFC 8839 §5.1).
    pub(crate) related: Option<SocketAddr>,
    pub(crate) priority: u32,
    /// The STUN or TURN server it was learned from (part of its foundation).
    pub(crate) server: Option<SocketAddr>,
}

/// Local candidates that are paired (RFC 8445 §6.1.2.2): host and relayed ones; reflexive
/// candidates check through their base. With `relay_only`, relayed ones only.
pub(crate) const fn is_paired(kind: CandidateType, relay_only: bool) -> bool {
    match kind {
        CandidateType::Relayed => true,
        CandidateType::Host => !relay_only,
        _ => false,
    }
}

/// What [`IceAgent::add_remote`] needs to know of a new remote candidate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RemoteSpec {
    /// The id reserved while its name was resolved, if any.
    pub(crate) id: Option<CandidateId>,
    pub(crate) stream: StreamId,
    pub(crate) component: u16,
    pub(crate) kind: CandidateType,
    pub(crate) addr: SocketAddr,
    pub(crate) priority: u32,
}

/// The foundation of a local candidate in `a=candidate` form: its interned number, borrowed for
/// the first sixteen (an agent rarely has more), formatted beyond.
fn foundation_name(n: u32) -> std::borrow::Cow<'static, str> {
    const NAMES: [&str; 16] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
    ];
    match NAMES.get(n as usize) {
        Some(name) => std::borrow::Cow::Borrowed(name),
        None => std::borrow::Cow::Owned(n.to_string()),
    }
}
