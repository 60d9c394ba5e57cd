//! librice's `rice-proto` 0.4 (`default-features = false, features = ["std"]`):
//! `Agent::builder().controlling(..).build()` (its defaults: no trickle, Ta 50 ms, its default
//! retransmissions), one stream of one component, local credentials from
//! `rice_proto::random_string` (4 and 22 characters, as the crate makes its own), a host
//! candidate from `Candidate::builder` (its default priority) added directly, and
//! end-of-candidates signalled both ways. Time is rice's own `stun_proto::Instant`, counted from
//! the agent's creation. Its `poll` is both the timer and the event source: the adapter calls
//! it until it says `WaitUntil`, for `handle_timeout` and for `poll_timeout` alike.

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use rice_proto::agent::{Agent, AgentPoll};
use rice_proto::candidate::{Candidate, CandidateType, TransportType};
use rice_proto::stream::Credentials;
use stun_proto::agent::Transmit;

use super::{IceUnderTest, Outbound};

/// A `rice-proto` agent with its one stream and component; `selected` once `poll` returned
/// `AgentPoll::SelectedPair`.
#[derive(Debug)]
pub struct Rice {
    agent: Agent,
    stream: usize,
    component: usize,
    epoch: Instant,
    wait: Option<stun_proto::Instant>,
    selected: bool,
}

impl Rice {
    fn at(&self, now: Instant) -> stun_proto::Instant {
        let nanos = now.saturating_duration_since(self.epoch).as_nanos();
        stun_proto::Instant::from_nanos(i64::try_from(nanos).unwrap_or(i64::MAX))
    }

    /// `poll` until the agent says what to wait for, noting a selected pair on the way.
    fn pump(&mut self, now: Instant) {
        let at = self.at(now);
        self.wait = loop {
            match self.agent.poll(at) {
                AgentPoll::WaitUntil(t) => break Some(t),
                AgentPoll::Closed => break None,
                AgentPoll::SelectedPair(_) => self.selected = true,
                _ => {}
            }
        };
    }
}

impl IceUnderTest for Rice {
    const NAME: &'static str = "rice-proto";
    const AGENT_SIZE: usize = size_of::<Agent>();
    type Packet = Box<[u8]>;
    type Offer = (Credentials, Vec<Candidate>);

    fn new(controlling: bool, _seed: u64, addr: SocketAddr, now: Instant) -> Self {
        let mut agent = Agent::builder().controlling(controlling).build();
        let stream = agent.add_stream();
        let mut s = agent.mut_stream(stream).expect("the stream");
        let component = s.add_component().expect("a component");
        s.set_local_credentials(Credentials::new(
            rice_proto::random_string(4),
            rice_proto::random_string(22),
        ));
        let host = Candidate::builder(
            component,
            CandidateType::Host,
            TransportType::Udp,
            "1",
            addr,
        )
        .base_address(addr)
        .build();
        s.add_local_candidate(host);
        s.end_of_local_candidates();
        Self {
            agent,
            stream,
            component,
            epoch: now,
            wait: None,
            selected: false,
        }
    }

    fn offer(&mut self, _now: Instant) -> Self::Offer {
        let s = self.agent.stream(self.stream).expect("the stream");
        (
            s.local_credentials().expect("credentials"),
            s.local_candidates().cloned().collect(),
        )
    }

    fn answer(&mut self, _now: Instant, (credentials, candidates): Self::Offer) {
        let mut s = self.agent.mut_stream(self.stream).expect("the stream");
        s.set_remote_credentials(credentials);
        for c in candidates {
            s.add_remote_candidate(c);
        }
        s.end_of_remote_candidates();
    }

    fn handle_datagram(
        &mut self,
        now: Instant,
        source: SocketAddr,
        destination: SocketAddr,
        contents: &[u8],
    ) {
        let at = self.at(now);
        let component = self.component;
        let mut s = self.agent.mut_stream(self.stream).expect("the stream");
        let transmit = Transmit::new(contents, TransportType::Udp, source, destination);
        let _ = s.handle_incoming_data(component, transmit, at);
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.pump(now);
    }

    fn poll_transmit(&mut self, now: Instant) -> Option<Outbound<Box<[u8]>>> {
        let t = self.agent.poll_transmit(self.at(now))?.transmit;
        Some(Outbound {
            source: t.from,
            destination: t.to,
            contents: t.data,
        })
    }

    fn poll_timeout(&mut self, now: Instant) -> Option<Instant> {
        self.pump(now);
        let t = self.wait?;
        let nanos = u64::try_from(t.as_nanos()).unwrap_or(0);
        Some(self.epoch + Duration::from_nanos(nanos))
    }

    fn local_credentials(&mut self) -> (String, String) {
        let s = self.agent.stream(self.stream).expect("the stream");
        let c = s.local_credentials().expect("credentials");
        (c.ufrag, c.passwd)
    }

    fn poll_selected(&mut self, _now: Instant) -> bool {
        self.selected
    }
}
