//! A TURN allocation through a symmetric NAT relays data to a peer behind another NAT.

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_netsim::run::{Driver, Endpoint};
use floe_netsim::{
    Bytes, Delivery, HostConfig, HostId, NatConfig, Network, Transmit, Transport, TurnServerConfig,
};
use floe_turn::{Client, ClientConfig, TurnEvent};

use crate::util::{Recorder, mapped, udp};

/// A TURN client on a host: peer data it receives and the events it reported are kept.
struct TurnHost {
    host: HostId,
    client: Client,
    events: Vec<TurnEvent>,
    from_peers: Vec<(SocketAddr, Vec<u8>)>,
    outbox: Vec<Transmit>,
}

impl Endpoint for TurnHost {
    fn host(&self) -> HostId {
        self.host
    }
    fn handle_delivery(&mut self, now: Instant, d: Delivery) {
        if let Ok(Some(r)) = self
            .client
            .handle_receive(now, d.five_tuple.remote, &d.contents)
        {
            self.from_peers.push((r.peer, r.data.to_vec()));
        }
        self.events
            .extend(core::iter::from_fn(|| self.client.poll_event()));
    }
    fn handle_timeout(&mut self, now: Instant) {
        self.client.handle_timeout(now);
        self.events
            .extend(core::iter::from_fn(|| self.client.poll_event()));
    }
    fn poll_transmit(&mut self) -> Option<Transmit> {
        self.outbox.pop().or_else(|| self.client.poll_transmit())
    }
    fn poll_timeout(&self) -> Option<Instant> {
        self.client.poll_timeout()
    }
}

impl TurnHost {
    fn send_to(&mut self, peer: SocketAddr, data: &[u8]) {
        let mut out = Vec::new();
        self.client.send_to(peer, data, &mut out).unwrap();
        self.outbox.push(Transmit {
            transport: Transport::Udp,
            source: None,
            destination: self.client.server(),
            contents: Bytes::from(out),
        });
    }
}

/// Steps until `done` holds; panics when the driver stops first.
fn until(
    net: &mut Network,
    driver: &mut Driver,
    client: &mut TurnHost,
    peer: &mut Recorder,
    done: impl Fn(&TurnHost, &Recorder) -> bool,
) {
    while !done(client, peer) {
        if let Err(stop) = driver.step(net, &mut [client, peer]) {
            panic!(
                "stopped ({stop}) before the condition held: {:?}",
                client.events
            );
        }
    }
}

#[test]
fn relay_through_symmetric_nat_to_a_peer_behind_another_nat() {
    let mut net = Network::new(21);
    let stun = net.add_stun_server();
    let turn = net.add_turn_server(TurnServerConfig::new("netsim").user("alice", "secret"));
    let sym = net.add_nat(NatConfig::symmetric());
    let home = net.add_nat(NatConfig::port_restricted_cone());
    let client_host = net.add_host(HostConfig::behind(sym));
    let peer_host = net.add_host(HostConfig::behind(home));
    let peer_mapped = mapped(&mut net, peer_host, 5000, stun).unwrap();

    let mut cfg = ClientConfig::new(turn, "alice", "secret");
    cfg.rng_seed = Some([5; 32]);
    let mut client = TurnHost {
        host: client_host,
        client: Client::new(cfg),
        events: Vec::new(),
        from_peers: Vec::new(),
        outbox: Vec::new(),
    };
    let mut peer = Recorder::new(peer_host);
    client.client.allocate(net.now()).unwrap();
    let mut driver = Driver::new(net.now() + Duration::from_secs(30), 10_000);

    until(&mut net, &mut driver, &mut client, &mut peer, |c, _| {
        c.client.relayed().is_some()
    });
    let relayed = client.client.relayed().unwrap();
    assert_eq!(relayed.ip(), turn.ip());
    let Some(TurnEvent::Allocated { mapped, .. }) = client.events.first().cloned() else {
        panic!("{:?}", client.events)
    };
    assert_eq!(mapped.unwrap().ip(), net.nat_external(sym)[0]);

    client
        .client
        .create_permission(net.now(), peer_mapped.ip())
        .unwrap();
    until(&mut net, &mut driver, &mut client, &mut peer, |c, _| {
        c.events
            .iter()
            .any(|e| matches!(e, TurnEvent::PermissionCreated { .. }))
    });

    // The peer writes to the relayed address (which also opens its own NAT's filter).
    peer.outbox
        .push_back(udp(None, relayed, b"hello from the peer"));
    until(&mut net, &mut driver, &mut client, &mut peer, |c, _| {
        !c.from_peers.is_empty()
    });
    assert_eq!(
        client.from_peers[0],
        (peer_mapped, b"hello from the peer".to_vec())
    );

    // And back: through the relay, the peer sees the relayed address as the source.
    client.send_to(peer_mapped, b"hello from behind a symmetric NAT");
    until(&mut net, &mut driver, &mut client, &mut peer, |_, p| {
        !p.received.is_empty()
    });
    let d = &peer.received[0];
    assert_eq!(d.five_tuple.remote, relayed);
    assert_eq!(&d.contents[..], b"hello from behind a symmetric NAT");
    assert!(driver.steps() < 100, "{}", driver.steps());
}
