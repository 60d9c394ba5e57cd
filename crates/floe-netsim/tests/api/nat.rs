//! NAT behaviours observed from the hosts, through the STUN server.

use core::time::Duration;

use floe_netsim::{Filtering, HostConfig, Mapping, NatConfig, Network};

use crate::util::{mapped, udp};

#[test]
fn endpoint_independent_mapping_shows_one_address_to_two_servers() {
    let mut net = Network::new(1);
    let (s1, s2) = (net.add_stun_server(), net.add_stun_server());
    let nat = net.add_nat(NatConfig::port_restricted_cone());
    let host = net.add_host(HostConfig::behind(nat));
    let m1 = mapped(&mut net, host, 5000, s1).unwrap();
    let m2 = mapped(&mut net, host, 5000, s2).unwrap();
    assert_eq!(m1, m2);
    assert_eq!(m1.ip(), net.nat_external(nat)[0]);
    // Another local port gets another mapping.
    assert_ne!(mapped(&mut net, host, 5001, s1).unwrap(), m1);
}

#[test]
fn dependent_mappings_show_different_addresses() {
    for mapping in [Mapping::AddressDependent, Mapping::AddressAndPortDependent] {
        let mut net = Network::new(2);
        let (s1, s2) = (net.add_stun_server(), net.add_stun_server());
        let nat = net.add_nat(NatConfig::symmetric().mapping(mapping));
        let host = net.add_host(HostConfig::behind(nat));
        let m1 = mapped(&mut net, host, 5000, s1).unwrap();
        let m2 = mapped(&mut net, host, 5000, s2).unwrap();
        assert_ne!(m1, m2, "{mapping:?}");
        assert_eq!(m1.ip(), m2.ip());
        // The same server again: the same mapping.
        assert_eq!(mapped(&mut net, host, 5000, s1), Some(m1));
    }
}

#[test]
fn port_preservation_keeps_the_local_port() {
    let mut net = Network::new(3);
    let stun = net.add_stun_server();
    let nat = net.add_nat(NatConfig::symmetric().port_preservation(true));
    let host = net.add_host(HostConfig::behind(nat));
    assert_eq!(mapped(&mut net, host, 6543, stun).unwrap().port(), 6543);
}

/// A public host writes to `host`'s mapping from a port `host` never wrote to, then from one
/// on an IP it wrote to but another port, then from one it wrote to: which get through?
fn filtered(filtering: Filtering) -> [bool; 3] {
    let mut net = Network::new(4);
    let stun = net.add_stun_server();
    let nat = net.add_nat(NatConfig::full_cone().filtering(filtering));
    let host = net.add_host(HostConfig::behind(nat));
    let public = net.add_host(HostConfig::public());
    let m = mapped(&mut net, host, 5000, stun).unwrap();
    let p_ip = net.host_addrs(public)[0];
    let (contacted, other_port) = ((p_ip, 1000).into(), (p_ip, 2000).into());
    // The host writes to the public host's port 1000 (a stranger IP before this).
    let unseen = net.add_host(HostConfig::public());
    let stranger = (net.host_addrs(unseen)[0], 1000).into();
    net.send(net.now(), host, udp(None, contacted, b"hi"))
        .unwrap();
    let deadline = net.now() + Duration::from_secs(1);
    assert_eq!(net.next_delivery(deadline).unwrap().five_tuple.remote, m);
    let mut through = [false; 3];
    for (i, (from_host, from)) in [
        (unseen, stranger),
        (public, other_port),
        (public, contacted),
    ]
    .into_iter()
    .enumerate()
    {
        net.send(net.now(), from_host, udp(Some(from), m, b"in"))
            .unwrap();
        let deadline = net.now() + Duration::from_secs(1);
        through[i] = match net.next_delivery(deadline) {
            Some(d) => {
                assert_eq!(d.host, host);
                assert_eq!(d.five_tuple.remote, from);
                true
            }
            None => false,
        };
    }
    through
}

#[test]
fn filtering_behaviours_decide_who_gets_in() {
    assert_eq!(filtered(Filtering::EndpointIndependent), [true, true, true]);
    assert_eq!(filtered(Filtering::AddressDependent), [false, true, true]);
    assert_eq!(
        filtered(Filtering::AddressAndPortDependent),
        [false, false, true]
    );
}

#[test]
fn filter_drops_are_counted() {
    let mut net = Network::new(5);
    let stun = net.add_stun_server();
    let nat = net.add_nat(NatConfig::port_restricted_cone());
    let host = net.add_host(HostConfig::behind(nat));
    let m = mapped(&mut net, host, 5000, stun).unwrap();
    let public = net.add_host(HostConfig::public());
    net.send(net.now(), public, udp(None, m, b"x")).unwrap();
    let unmapped = (m.ip(), m.port().wrapping_add(1)).into();
    net.send(net.now(), public, udp(None, unmapped, b"y"))
        .unwrap();
    assert_eq!(net.next_delivery(net.now() + Duration::from_secs(1)), None);
    let stats = net.stats();
    assert_eq!((stats.filtered, stats.no_mapping), (1, 1));
}

#[test]
fn mappings_time_out() {
    let mut net = Network::new(6);
    let stun = net.add_stun_server();
    let nat = net.add_nat(NatConfig::full_cone().mapping_timeout(Duration::from_secs(30)));
    let host = net.add_host(HostConfig::behind(nat));
    let m = mapped(&mut net, host, 5000, stun).unwrap();
    let public = net.add_host(HostConfig::public());
    net.advance(net.now() + Duration::from_secs(31));
    net.send(net.now(), public, udp(None, m, b"late")).unwrap();
    assert_eq!(net.next_delivery(net.now() + Duration::from_secs(1)), None);
    assert_eq!(net.stats().no_mapping, 1);
}

/// Two hosts behind one full-cone NAT; `a` writes to `b`'s mapped address.
fn hairpin(
    on: bool,
) -> (
    Network,
    Option<floe_netsim::Delivery>,
    core::net::SocketAddr,
) {
    let mut net = Network::new(7);
    let stun = net.add_stun_server();
    let nat = net.add_nat(NatConfig::full_cone().hairpinning(on));
    let a = net.add_host(HostConfig::behind(nat));
    let b = net.add_host(HostConfig::behind(nat));
    let ma = mapped(&mut net, a, 5000, stun).unwrap();
    let mb = mapped(&mut net, b, 5000, stun).unwrap();
    net.send(net.now(), a, udp(None, mb, b"via the NAT"))
        .unwrap();
    let d = net.next_delivery(net.now() + Duration::from_secs(1));
    (net, d, ma)
}

#[test]
fn hairpinning_on_delivers_with_the_external_source() {
    let (net, d, ma) = hairpin(true);
    let d = d.expect("hairpinned");
    assert_eq!(d.five_tuple.remote, ma);
    assert_eq!(net.stats().hairpin_refused, 0);
}

#[test]
fn hairpinning_off_drops() {
    let (net, d, _) = hairpin(false);
    assert_eq!(d, None);
    assert_eq!(net.stats().hairpin_refused, 1);
}

#[test]
fn private_addresses_of_another_network_are_unreachable() {
    let mut net = Network::new(8);
    let n1 = net.add_nat(NatConfig::full_cone());
    let n2 = net.add_nat(NatConfig::full_cone());
    let a = net.add_host(HostConfig::behind(n1));
    let b = net.add_host(HostConfig::behind(n2));
    let c = net.add_host(HostConfig::behind(n1));
    net.send(net.now(), a, udp(None, net.host_addr(b), b"x"))
        .unwrap();
    net.send(net.now(), a, udp(None, net.host_addr(c), b"lan"))
        .unwrap();
    let d = net
        .next_delivery(net.now() + Duration::from_secs(1))
        .unwrap();
    assert_eq!((d.host, d.five_tuple.remote), (c, net.host_addr(a)));
    assert_eq!(net.next_delivery(net.now() + Duration::from_secs(1)), None);
    assert_eq!(net.stats().unroutable, 1);
}

#[test]
fn nat_behind_nat_maps_twice() {
    let mut net = Network::new(9);
    let stun = net.add_stun_server();
    let cgn = net.add_nat(NatConfig::symmetric());
    let home = net.add_nat(NatConfig::port_restricted_cone().behind(cgn));
    let host = net.add_host(HostConfig::behind(home));
    let m = mapped(&mut net, host, 5000, stun).unwrap();
    assert_eq!(m.ip(), net.nat_external(cgn)[0]);
    assert!(net.nat_external(home)[0].to_string().starts_with("198.18."));
    assert_eq!(
        (net.nat_mapping_count(home), net.nat_mapping_count(cgn)),
        (1, 1)
    );
}

#[test]
fn ipv6_through_a_nat() {
    let mut net = Network::new(10);
    let public = net.add_host(HostConfig::public().ipv4(false).ipv6(true));
    let nat = net.add_nat(NatConfig::full_cone());
    let host = net.add_host(HostConfig::behind(nat).ipv6(true));
    let to = (net.host_addrs(public)[0], 7000).into();
    let from = (net.host_addrs(host)[1], 5000).into();
    net.send(net.now(), host, udp(Some(from), to, b"v6"))
        .unwrap();
    let d = net
        .next_delivery(net.now() + Duration::from_secs(1))
        .unwrap();
    assert_eq!(d.five_tuple.remote.ip(), net.nat_external(nat)[1]);
    // A v4 source to a v6 destination is the caller's mistake.
    assert!(net.send(net.now(), host, udp(None, to, b"x")).is_err());
}
