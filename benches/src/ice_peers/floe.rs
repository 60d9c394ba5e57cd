//! Floe's agent: [`floe_ice::IceAgent`] with its default [`floe_ice::IceConfig`] (seeded RNG).

use core::net::SocketAddr;
use std::time::Instant;

use floe_ice::{Credentials, FiveTuple, IceEvent, Role, Transport};
use floe_ice_candidate::Candidate;
use floe_stun::net::Bytes;

use super::{IceUnderTest, Outbound};
use crate::ice_harness::{Side, host_agent, seed};

/// Floe's agent and its one stream; `selected` once it reported `IceEvent::SelectedPair`.
#[derive(Debug)]
pub struct FloeIce {
    /// The agent and its stream.
    pub side: Side,
    selected: bool,
}

impl IceUnderTest for FloeIce {
    const NAME: &'static str = "floe";
    const AGENT_SIZE: usize = size_of::<floe_ice::IceAgent>();
    type Packet = Bytes;
    type Offer = (Credentials, Vec<Candidate<'static>>);

    fn new(controlling: bool, n: u64, addr: SocketAddr, now: Instant) -> Self {
        let role = if controlling {
            Role::Controlling
        } else {
            Role::Controlled
        };
        Self {
            side: host_agent(role, seed(n, 0xf1), &[addr], now),
            selected: false,
        }
    }

    fn offer(&mut self, _now: Instant) -> Self::Offer {
        let credentials = self.side.agent.local_credentials().clone();
        let mut candidates = Vec::new();
        while let Some(event) = self.side.agent.poll_event() {
            if let IceEvent::LocalCandidate { candidate, .. } = event {
                candidates.push(candidate);
            }
        }
        (credentials, candidates)
    }

    fn answer(&mut self, now: Instant, (credentials, candidates): Self::Offer) {
        let agent = &mut self.side.agent;
        agent.set_remote_credentials(now, credentials);
        for c in &candidates {
            agent
                .add_remote_candidate(now, self.side.stream, c)
                .expect("a usable candidate");
        }
        agent
            .end_of_remote_candidates(now, self.side.stream)
            .expect("the stream");
    }

    fn handle_datagram(
        &mut self,
        now: Instant,
        source: SocketAddr,
        destination: SocketAddr,
        contents: &[u8],
    ) {
        let flow = FiveTuple::new(Transport::Udp, destination, source);
        let _ = self.side.agent.handle_receive(now, flow, contents);
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.side.agent.handle_timeout(now);
    }

    fn poll_transmit(&mut self, _now: Instant) -> Option<Outbound<Bytes>> {
        let t = self.side.agent.poll_transmit()?;
        Some(Outbound {
            source: t.source.expect("a source address"),
            destination: t.destination,
            contents: t.contents,
        })
    }

    fn poll_timeout(&mut self, _now: Instant) -> Option<Instant> {
        self.side.agent.poll_timeout()
    }

    fn local_credentials(&mut self) -> (String, String) {
        let c = self.side.agent.local_credentials();
        (c.ufrag.clone(), c.pwd.clone())
    }

    fn poll_selected(&mut self, _now: Instant) -> bool {
        while let Some(event) = self.side.agent.poll_event() {
            if matches!(event, IceEvent::SelectedPair { .. }) {
                self.selected = true;
            }
        }
        self.selected
    }
}
