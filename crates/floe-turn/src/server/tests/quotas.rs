//! Each quota refuses with its code and names itself in [`ServerEvent::QuotaReached`].

use super::*;

/// The `QuotaReached` events queued so far (other events are dropped).
fn quotas_reached(t: &mut T) -> Vec<(FiveTuple, String, Quota)> {
    core::iter::from_fn(|| t.server.poll_event())
        .filter_map(|e| match e {
            ServerEvent::QuotaReached {
                five_tuple,
                username,
                quota,
            } => Some((five_tuple, username, quota)),
            _ => None,
        })
        .collect()
}

/// An Allocate from a new port of the current client IP; its error code, if any.
fn allocate_from(t: &mut T, port: u16) -> Option<u16> {
    t.ft.remote.set_port(port);
    t.renew_nonce();
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP);
    });
    reply_code(&r)
}

#[test]
fn allocation_quotas_name_themselves() {
    for (quota, adjust, code) in [
        (
            Quota::AllocationsPerUser,
            (|c: &mut ServerConfig| c.quotas.allocations_per_user = 2) as fn(&mut ServerConfig),
            486,
        ),
        (
            Quota::AllocationsPerClientIp,
            |c: &mut ServerConfig| c.quotas.allocations_per_client_ip = 2,
            486,
        ),
        (
            Quota::AllocationsTotal,
            |c: &mut ServerConfig| c.quotas.allocations_total = 2,
            508,
        ),
    ] {
        let mut t = T::with_config(adjust);
        assert_eq!(allocate_from(&mut t, 4001), None, "{quota}");
        assert_eq!(allocate_from(&mut t, 4002), None, "{quota}");
        assert!(
            quotas_reached(&mut t).is_empty(),
            "{quota}: nothing refused yet"
        );
        // Sent by hand: `T::allocate_request` drains the events.
        t.ft.remote.set_port(4003);
        t.renew_nonce();
        let tid = TransactionId::from_bytes([0xAB; 12]);
        let bytes = t.request(Method::ALLOCATE, tid, true, |b| {
            b.add(&RequestedTransport::UDP);
        });
        assert_eq!(reply_code(&t.raw(&bytes)), Some(code), "{quota}");
        let ft = t.ft;
        assert_eq!(
            quotas_reached(&mut t),
            [(ft, "alice".to_owned(), quota)],
            "{quota}"
        );
        assert_eq!(t.server.config().quotas.limit(quota), 2, "{quota}");
    }
}

#[test]
fn permission_and_channel_quotas_name_themselves() {
    let peer = |last: u8| SocketAddr::from(([1, 2, 3, last], 7000));
    let mut t = T::with_config(|c| {
        c.quotas.permissions_per_allocation = 2;
        c.quotas.channels_per_allocation = 1;
    });
    t.allocate();
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(peer(4)))
            .add(&XorPeerAddress(peer(5)));
    });
    assert_eq!(reply_code(&r), None);
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(peer(6)));
    });
    assert_eq!(reply_code(&r), Some(508));
    let ft = t.ft;
    let alice = || "alice".to_owned();
    assert_eq!(
        quotas_reached(&mut t),
        [(ft, alice(), Quota::PermissionsPerAllocation)]
    );
    // A channel to a peer without a permission slot: the permission quota refuses it.
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001)).add(&XorPeerAddress(peer(6)));
    });
    assert_eq!(reply_code(&r), Some(508));
    assert_eq!(
        quotas_reached(&mut t),
        [(ft, alice(), Quota::PermissionsPerAllocation)]
    );
    // One channel fits; the second is over the channel quota.
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001)).add(&XorPeerAddress(peer(4)));
    });
    assert_eq!(reply_code(&r), None);
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4002)).add(&XorPeerAddress(peer(5)));
    });
    assert_eq!(reply_code(&r), Some(508));
    assert_eq!(
        quotas_reached(&mut t),
        [(ft, alice(), Quota::ChannelsPerAllocation)]
    );
    // A bad request is not a quota: 400 and no event.
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001)).add(&XorPeerAddress(peer(5)));
    });
    assert_eq!(reply_code(&r), Some(400));
    assert!(quotas_reached(&mut t).is_empty());
}

#[test]
fn connect_over_the_tcp_connection_quota_names_it() {
    let mut t = T::with_config(|c| c.quotas.tcp_connections_per_allocation = 1);
    t.ft.transport = Transport::Tcp;
    t.renew_nonce();
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::TCP);
    });
    let relay = get::<XorRelayedAddress>(&wire::parse(&r).unwrap())
        .unwrap()
        .0;
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(PEER.parse().unwrap()));
    });
    assert_eq!(reply_code(&r), None);
    let peer: SocketAddr = "1.2.3.4:9000".parse().unwrap();
    assert!(t.server.tcp_peer_accepted(t.now, relay, peer).is_some());
    while t.server.poll_transmit().is_some() {}
    let r = t.send(Method::CONNECT, true, |b| {
        b.add(&XorPeerAddress("1.2.3.4:9999".parse().unwrap()));
    });
    assert_eq!(reply_code(&r), Some(508));
    let ft = t.ft;
    assert_eq!(
        quotas_reached(&mut t),
        [(ft, "alice".to_owned(), Quota::TcpConnectionsPerAllocation)]
    );
}

#[test]
fn quota_names_and_display() {
    for (quota, name) in [
        (Quota::AllocationsPerUser, "allocations_per_user"),
        (Quota::AllocationsPerClientIp, "allocations_per_client_ip"),
        (Quota::AllocationsTotal, "allocations_total"),
        (
            Quota::PermissionsPerAllocation,
            "permissions_per_allocation",
        ),
        (Quota::ChannelsPerAllocation, "channels_per_allocation"),
        (
            Quota::TcpConnectionsPerAllocation,
            "tcp_connections_per_allocation",
        ),
    ] {
        assert_eq!(quota.to_string(), name);
        assert_eq!(quota.as_str(), name);
    }
}
