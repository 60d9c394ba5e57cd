//! Shared helpers: a probe for mapped addresses and a recording endpoint.

use core::net::SocketAddr;
use core::time::Duration;
use std::collections::VecDeque;
use std::time::Instant;

use floe_netsim::run::Endpoint;
use floe_netsim::{Bytes, Delivery, HostId, Network, Transmit, Transport, probe};

/// A UDP transmit from `source` (`None`: the host's default) to `destination`.
pub(crate) fn udp(source: Option<SocketAddr>, destination: SocketAddr, data: &[u8]) -> Transmit {
    Transmit {
        transport: Transport::Udp,
        source,
        destination,
        contents: Bytes::copy_from_slice(data),
    }
}

/// Sends a Binding request from `host` (port `port`) to `server` and returns the mapped
/// address, or `None` when no answer comes within a second.
pub(crate) fn mapped(
    net: &mut Network,
    host: HostId,
    port: u16,
    server: SocketAddr,
) -> Option<SocketAddr> {
    let source = SocketAddr::new(net.host_addrs(host)[0], port);
    let mut t = udp(Some(source), server, b"");
    t.contents = probe::binding_request([port as u8; 12]);
    net.send(net.now(), host, t).unwrap();
    let d = net.next_delivery(net.now() + Duration::from_secs(1))?;
    assert_eq!(d.host, host);
    assert_eq!(d.five_tuple.local, source);
    probe::mapped_address(&d.contents)
}

/// An endpoint that sends what is queued and records what it receives.
#[derive(Debug)]
pub(crate) struct Recorder {
    pub(crate) host: HostId,
    pub(crate) outbox: VecDeque<Transmit>,
    pub(crate) received: Vec<Delivery>,
}

impl Recorder {
    pub(crate) fn new(host: HostId) -> Self {
        Self {
            host,
            outbox: VecDeque::new(),
            received: Vec::new(),
        }
    }
}

impl Endpoint for Recorder {
    fn host(&self) -> HostId {
        self.host
    }
    fn handle_delivery(&mut self, _now: Instant, delivery: Delivery) {
        self.received.push(delivery);
    }
    fn handle_timeout(&mut self, _now: Instant) {}
    fn poll_transmit(&mut self) -> Option<Transmit> {
        self.outbox.pop_front()
    }
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }
}
