//! webrtc-rs's `rtc-ice` 0.21: `Agent::new` with `AgentConfig::default()` (so its default mDNS
//! mode, `QueryOnly`, which keeps a sans-I/O mDNS responder in every agent) and the crate's
//! default crypto provider (ring), a host candidate from `CandidateHostConfig`, and
//! `start_connectivity_checks` once the peer's credentials are in. It has no end-of-candidates
//! call. Its receive call takes an owned `BytesMut`, so each inbound datagram is copied into
//! one (as its own example does from its socket buffer).

use core::fmt;
use core::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::BytesMut;
use rtc_ice::candidate::candidate_host::CandidateHostConfig;
use rtc_ice::candidate::{Candidate, CandidateConfig};
use rtc_ice::{Agent, AgentConfig, Event, crypto};
use rtc_shared::{TransportContext, TransportMessage, TransportProtocol};
use sansio::Protocol as _;

use super::{IceUnderTest, Outbound};

/// An `rtc-ice` agent; `selected` once it reported `Event::SelectedCandidatePairChange`.
pub struct RtcIce {
    agent: Agent,
    controlling: bool,
    selected: bool,
}

impl fmt::Debug for RtcIce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RtcIce")
            .field("controlling", &self.controlling)
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl IceUnderTest for RtcIce {
    const NAME: &'static str = "rtc-ice";
    const AGENT_SIZE: usize = size_of::<Agent>();
    type Packet = BytesMut;
    type Offer = (String, String, Vec<Candidate>);

    fn new(controlling: bool, _seed: u64, addr: SocketAddr, now: Instant) -> Self {
        let provider = crypto::default_provider().expect("rtc-ice's default crypto provider");
        let mut agent =
            Agent::new(now, Arc::new(AgentConfig::default()), provider).expect("an agent");
        let host = CandidateHostConfig {
            base_config: CandidateConfig {
                network: "udp".to_owned(),
                address: addr.ip().to_string(),
                port: addr.port(),
                component: 1,
                ..Default::default()
            },
            ..Default::default()
        }
        .new_candidate_host()
        .expect("a host candidate");
        agent.add_local_candidate(host).expect("the candidate");
        Self {
            agent,
            controlling,
            selected: false,
        }
    }

    fn offer(&mut self, _now: Instant) -> Self::Offer {
        let credentials = self.agent.get_local_credentials();
        (
            credentials.ufrag.clone(),
            credentials.pwd.clone(),
            self.agent.get_local_candidates().to_vec(),
        )
    }

    fn answer(&mut self, now: Instant, (ufrag, pwd, candidates): Self::Offer) {
        for c in candidates {
            self.agent
                .add_remote_candidate(c)
                .expect("a usable candidate");
        }
        self.agent
            .start_connectivity_checks(now, self.controlling, ufrag, pwd)
            .expect("checks start");
    }

    fn handle_datagram(
        &mut self,
        now: Instant,
        source: SocketAddr,
        destination: SocketAddr,
        contents: &[u8],
    ) {
        let _ = self.agent.handle_read(TransportMessage {
            now,
            transport: TransportContext {
                local_addr: destination,
                peer_addr: source,
                transport_protocol: TransportProtocol::UDP,
                ecn: None,
            },
            message: BytesMut::from(contents),
        });
    }

    fn handle_timeout(&mut self, now: Instant) {
        let _ = self.agent.handle_timeout(now);
    }

    fn poll_transmit(&mut self, _now: Instant) -> Option<Outbound<BytesMut>> {
        let t = self.agent.poll_write()?;
        Some(Outbound {
            source: t.transport.local_addr,
            destination: t.transport.peer_addr,
            contents: t.message,
        })
    }

    fn poll_timeout(&mut self, _now: Instant) -> Option<Instant> {
        self.agent.poll_timeout()
    }

    fn local_credentials(&mut self) -> (String, String) {
        let c = self.agent.get_local_credentials();
        (c.ufrag.clone(), c.pwd.clone())
    }

    fn poll_selected(&mut self, _now: Instant) -> bool {
        while let Some(e) = self.agent.poll_event() {
            if matches!(e.event, Event::SelectedCandidatePairChange(..)) {
                self.selected = true;
            }
        }
        self.selected
    }
}
