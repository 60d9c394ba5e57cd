//! Unit tests of the network core: send errors, the clock, ordering and duplication.

use core::time::Duration;

use super::*;

fn udp(source: Option<SocketAddr>, destination: SocketAddr) -> Transmit {
    Transmit {
        transport: Transport::Udp,
        source,
        destination,
        contents: Bytes::from_static(b"x"),
    }
}

#[test]
fn send_refuses_what_the_host_could_not_send() {
    let mut net = Network::new(1);
    let a = net.add_host(HostConfig::public());
    let b = net.add_host(HostConfig::public());
    let to = net.host_addr(b);
    let foreign: SocketAddr = "192.0.2.1:5".parse().unwrap();
    assert_eq!(
        net.send(net.now(), a, udp(Some(foreign), to)),
        Err(SendError::NotLocal {
            host: a,
            from: foreign
        })
    );
    assert_eq!(
        net.send(net.now(), HostId(9), udp(None, to)),
        Err(SendError::UnknownHost(HostId(9)))
    );
    let mut tcp = udp(None, to);
    tcp.transport = Transport::Tcp;
    assert_eq!(
        net.send(net.now(), a, tcp),
        Err(SendError::UnsupportedTransport(Transport::Tcp))
    );
    let v6 = "[::]:7".parse().unwrap();
    assert!(matches!(
        net.send(net.now(), a, udp(Some(v6), to)),
        Err(SendError::NotLocal { .. })
    ));
    assert_eq!(net.stats().sent, 0);
    // An unspecified IP picks the host's address of that family.
    net.send(net.now(), a, udp(Some("0.0.0.0:7".parse().unwrap()), to))
        .unwrap();
    let d = net
        .next_delivery(net.now() + Duration::from_secs(1))
        .unwrap();
    assert_eq!(
        d.five_tuple.remote,
        SocketAddr::new(net.host_addrs(a)[0], 7)
    );
}

#[test]
fn the_clock_never_goes_backwards() {
    let mut net = Network::new(2);
    let t0 = net.now();
    net.advance(t0 + Duration::from_secs(5));
    net.advance(t0);
    assert_eq!(net.now(), t0 + Duration::from_secs(5));
    assert_eq!(net.poll_timeout(), None);
    assert_eq!(net.next_delivery(t0 + Duration::from_secs(9)), None);
    assert_eq!(net.now(), t0 + Duration::from_secs(9));
}

#[test]
fn simultaneous_arrivals_keep_send_order_and_duplicates_arrive_twice() {
    let mut net = Network::new(3);
    net.set_link(LinkConfig::new(Duration::from_millis(10)).duplicate(1.0));
    let a = net.add_host(HostConfig::public());
    let b = net.add_host(HostConfig::public());
    let c = net.add_host(HostConfig::public());
    let now = net.now();
    net.send(now, a, udp(None, net.host_addr(c))).unwrap();
    net.send(now, b, udp(None, net.host_addr(c))).unwrap();
    assert_eq!(net.poll_timeout(), Some(now + Duration::from_millis(10)));
    let senders: Vec<_> = core::iter::from_fn(|| net.poll_delivery(now + Duration::from_secs(1)))
        .map(|d| d.five_tuple.remote)
        .collect();
    let (pa, pb) = (net.host_addr(a), net.host_addr(b));
    assert_eq!(senders, [pa, pa, pb, pb]);
    assert_eq!(net.stats().duplicated, 2);
    assert_eq!(net.stats().delivered, 4);
}

#[test]
fn a_lossy_host_link_only_affects_its_own_packets() {
    let mut net = Network::new(4);
    let dead = net.add_host(HostConfig::public());
    let live = net.add_host(HostConfig::public());
    net.set_host_link(dead, Some(LinkConfig::default().loss(1.0)));
    net.send(net.now(), dead, udp(None, net.host_addr(live)))
        .unwrap();
    net.send(net.now(), live, udp(None, net.host_addr(dead)))
        .unwrap();
    let d = net
        .next_delivery(net.now() + Duration::from_secs(1))
        .unwrap();
    assert_eq!(d.host, dead);
    assert_eq!(net.next_delivery(net.now() + Duration::from_secs(1)), None);
    assert_eq!(net.stats().lost, 1);
    // Back to the network's link.
    net.set_host_link(dead, None);
    net.send(net.now(), dead, udp(None, net.host_addr(live)))
        .unwrap();
    assert!(
        net.next_delivery(net.now() + Duration::from_secs(1))
            .is_some()
    );
}

#[test]
fn the_stun_server_rejects_other_methods_and_ignores_garbage() {
    let mut net = Network::new(5);
    let stun = net.add_stun_server();
    let a = net.add_host(HostConfig::public());
    let mut junk = udp(None, stun);
    junk.contents = Bytes::from_static(b"not stun at all");
    net.send(net.now(), a, junk).unwrap();
    let mut buf = Vec::new();
    let typ = floe_stun::MessageType::new(floe_stun::Method::ALLOCATE, floe_stun::Class::Request);
    floe_stun::MessageBuilder::new(&mut buf, typ, floe_stun::TransactionId::from_bytes([3; 12]))
        .finish()
        .unwrap();
    let mut alloc = udp(None, stun);
    alloc.contents = Bytes::from(buf);
    net.send(net.now(), a, alloc).unwrap();
    let d = net
        .next_delivery(net.now() + Duration::from_secs(1))
        .unwrap();
    let msg = floe_stun::Message::parse(&d.contents).unwrap();
    assert_eq!(msg.class(), floe_stun::Class::Error);
    assert_eq!(net.next_delivery(net.now() + Duration::from_secs(1)), None);
    assert_eq!(net.stats().to_servers, 2);
}
