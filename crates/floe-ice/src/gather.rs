//! Gathering (RFC 8445 §5.1.1): host candidates are the addresses the embedder registers;
//! server-reflexive ones come from Binding requests to the configured STUN servers, sent from
//! each host candidate's base; relayed ones from TURN allocations (`relay.rs`). Candidates are events as they appear (trickle, RFC 8838).

use core::net::SocketAddr;
use std::time::Instant;

use floe_ice_candidate::CandidateType;
use floe_stun::attributes::XorMappedAddress;
use floe_stun::transaction::Request;
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};

use crate::agent::{IceAgent, Purpose};
use crate::candidates::NewLocal;
use crate::event::IceEvent;
use crate::id::{CandidateId, StreamId};

impl IceAgent {
    /// Starts gathering server-reflexive candidates for every host candidate registered so
    /// far; [`IceEvent::GatheringComplete`] follows per stream once every query has ended.
    pub fn gather(&mut self, now: Instant) {
        if self.config.lite {
            // Lite agents have host candidates only (RFC 8445 §2.5).
            let streams: Vec<StreamId> = self.streams.keys().copied().collect();
            for s in streams {
                self.finish_gathering(s);
            }
            return;
        }
        let hosts: Vec<(CandidateId, StreamId, SocketAddr)> = self
            .locals
            .iter()
            .filter(|(_, l)| l.kind == CandidateType::Host)
            .map(|(id, l)| (*id, l.stream, l.base))
            .collect();
        for (id, stream, base) in hosts {
            for server in self.stun_servers.clone() {
                if server.is_ipv4() != base.is_ipv4() {
                    continue;
                }
                let tid = TransactionId::random(&mut self.rng);
                let mut buf = self.transactions.recycled_buffer();
                let typ = MessageType::new(Method::BINDING, Class::Request);
                if MessageBuilder::new(&mut buf, typ, tid)
                    .fingerprint()
                    .is_err()
                {
                    continue;
                }
                let request = Request::new(tid, server).source(base);
                let purpose = Purpose::Srflx { local: id, server };
                if self.transactions.start(now, request, buf, purpose).is_ok()
                    && let Some(s) = self.streams.get_mut(&stream)
                {
                    s.gathering += 1;
                }
            }
        }
        self.start_relays(now);
        let idle: Vec<StreamId> = self
            .streams
            .iter()
            .filter(|(_, s)| s.gathering == 0)
            .map(|(id, _)| *id)
            .collect();
        for s in idle {
            self.finish_gathering(s);
        }
    }

    /// A STUN server answered a server-reflexive query.
    pub(crate) fn on_srflx_response(
        &mut self,
        now: Instant,
        local: CandidateId,
        server: SocketAddr,
        msg: &Message<'_>,
    ) {
        if msg.class() == Class::Success
            && let Ok(Some(XorMappedAddress(mapped))) = msg.get::<XorMappedAddress>()
            && let Some(l) = self.locals.get(&local).cloned()
        {
            self.add_reflexive(l.stream, l.component, l.base, mapped, server);
        }
        self.srflx_done(now, local);
    }

    /// A server-reflexive candidate `mapped` of the host candidate at `base`, learned from
    /// `server` (a STUN server, or a TURN server's Allocate response), unless redundant.
    pub(crate) fn add_reflexive(
        &mut self,
        stream: StreamId,
        component: u16,
        base: SocketAddr,
        mapped: SocketAddr,
        server: SocketAddr,
    ) {
        // RFC 8445 §5.1.3: a reflexive address equal to its base or to a candidate with the
        // same base is redundant.
        if mapped == base
            || self
                .locals
                .values()
                .any(|o| o.addr == mapped && o.base == base)
        {
            return;
        }
        let priority = floe_ice_candidate::candidate_priority(
            CandidateType::ServerReflexive.type_preference(),
            self.host_local_preference(base),
            component,
        );
        let _ = self.add_local(NewLocal {
            stream,
            component,
            kind: CandidateType::ServerReflexive,
            addr: mapped,
            base,
            related: None,
            priority,
            server: Some(server),
        });
    }

    /// The local preference of the host candidate at `base` (RFC 8445 §5.1.2.1), which the
    /// candidates learned through it share.
    pub(crate) fn host_local_preference(&self, base: SocketAddr) -> u16 {
        self.locals
            .values()
            .find(|l| l.kind == CandidateType::Host && l.base == base)
            .map_or(0, |l| ((l.priority >> 8) & 0xFFFF) as u16)
    }

    /// One server-reflexive query ended (answered or timed out).
    pub(crate) fn srflx_done(&mut self, now: Instant, local: CandidateId) {
        if let Some(stream) = self.locals.get(&local).map(|l| l.stream) {
            self.gather_step_done(now, stream);
        }
    }

    /// One query or allocation of `stream` ended: gathering is complete when none is left.
    pub(crate) fn gather_step_done(&mut self, now: Instant, stream: StreamId) {
        let done = match self.streams.get_mut(&stream) {
            Some(s) => {
                s.gathering = s.gathering.saturating_sub(1);
                s.gathering == 0
            }
            None => false,
        };
        if done {
            self.finish_gathering(stream);
            self.schedule_nomination(now, stream);
        }
    }

    fn finish_gathering(&mut self, stream: StreamId) {
        if let Some(s) = self.streams.get_mut(&stream)
            && !s.gathering_done
        {
            s.gathering_done = true;
            self.events
                .push_back(IceEvent::GatheringComplete { stream });
        }
    }
}
