//! str0m's `is` 0.12: `IceAgent::new(IceCreds::new())` (its default SHA-1 HMAC provider and
//! timings), a `Candidate::host`, `set_controlling`. It has no end-of-candidates call (it is
//! trickle-only), answers a check only on its next `handle_timeout` (requests are queued), and
//! takes inbound datagrams as a parsed `StunMessage`, so the adapter parses each datagram with
//! `is::stun::StunMessage::parse` first, as the crate's own tests do.

use core::net::SocketAddr;
use std::time::Instant;

use is::stun::{StunMessage, StunPacket};
use is::{Candidate, IceAgent, IceAgentEvent, IceCreds, Protocol};

use super::{IceUnderTest, Outbound};

/// An `is` agent; `selected` once it reported `IceAgentEvent::NominatedSend`.
#[derive(Debug)]
pub struct StrIs {
    agent: IceAgent,
    selected: bool,
}

impl IceUnderTest for StrIs {
    const NAME: &'static str = "is";
    const AGENT_SIZE: usize = size_of::<IceAgent>();
    type Packet = Vec<u8>;
    type Offer = (IceCreds, Vec<Candidate>);

    fn new(controlling: bool, _seed: u64, addr: SocketAddr, _now: Instant) -> Self {
        let mut agent = IceAgent::new(IceCreds::new());
        agent.set_controlling(controlling);
        agent
            .add_local_candidate(Candidate::host(addr, "udp").expect("a host candidate"))
            .expect("the candidate is added");
        Self {
            agent,
            selected: false,
        }
    }

    fn offer(&mut self, _now: Instant) -> Self::Offer {
        (
            self.agent.local_credentials().clone(),
            self.agent.local_candidates().collect(),
        )
    }

    fn answer(&mut self, _now: Instant, (credentials, candidates): Self::Offer) {
        self.agent.set_remote_credentials(credentials);
        for c in candidates {
            self.agent.add_remote_candidate(c);
        }
    }

    fn handle_datagram(
        &mut self,
        now: Instant,
        source: SocketAddr,
        destination: SocketAddr,
        contents: &[u8],
    ) {
        let Ok(message) = StunMessage::parse(contents) else {
            return;
        };
        let packet = StunPacket {
            proto: Protocol::Udp,
            source,
            destination,
            message,
        };
        self.agent.handle_packet(now, packet);
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.agent.handle_timeout(now);
    }

    fn poll_transmit(&mut self, _now: Instant) -> Option<Outbound<Vec<u8>>> {
        let t = self.agent.poll_transmit()?;
        Some(Outbound {
            source: t.source,
            destination: t.destination,
            contents: t.contents.into(),
        })
    }

    fn poll_timeout(&mut self, _now: Instant) -> Option<Instant> {
        self.agent.poll_timeout()
    }

    fn local_credentials(&mut self) -> (String, String) {
        let c = self.agent.local_credentials();
        (c.ufrag.clone(), c.pass.clone())
    }

    fn poll_selected(&mut self, _now: Instant) -> bool {
        while let Some(event) = self.agent.poll_event() {
            if matches!(event, IceAgentEvent::NominatedSend { .. }) {
                self.selected = true;
            }
        }
        self.selected
    }
}
