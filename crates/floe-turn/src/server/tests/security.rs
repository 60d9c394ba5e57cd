//! Regression tests for the security review of the server (authentication, replay,
//! atomicity and quotas).

use super::*;

#[test]
fn sha256_only_server_refuses_the_implicit_md5_algorithm() {
    // Review finding 3 (RFC 8489 §9.2.4): without PASSWORD-ALGORITHM(S) the request is
    // processed as MD5, which a SHA-256-only server must refuse with 400.
    let mut t = T::with_config(|c| c.password_algorithms = vec![PasswordAlgorithm::SHA256]);
    assert!(t.nonce.starts_with(Nonce::COOKIE));
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP);
    });
    assert_eq!(reply_code(&r), Some(400));
    assert!(t.server.poll_event().is_none(), "no relay was requested");
    // The default offer (SHA-256, then MD5) still serves RFC 5389 clients with MD5.
    let mut t = T::with_config(|c| {
        c.password_algorithms = vec![PasswordAlgorithm::SHA256, PasswordAlgorithm::MD5];
    });
    t.allocate();
}

#[test]
fn captured_allocate_replayed_from_other_ports_gets_438() {
    // Review finding 4: the nonce was bound to the client IP only, so one captured signed
    // Allocate, replayed from other ports of that IP, created one allocation per port.
    let mut t = T::new();
    let tid = TransactionId::from_bytes([0xEE; 12]);
    let captured = t.request(Method::ALLOCATE, tid, true, |b| {
        b.add(&RequestedTransport::UDP);
    });
    for port in 4001..4020 {
        t.ft.remote.set_port(port);
        assert_eq!(reply_code(&t.raw(&captured)), Some(438), "port {port}");
        assert!(t.server.poll_event().is_none(), "port {port} got a relay");
    }
    assert_eq!(t.server.pending_count(), 0);
}

#[test]
fn allocations_per_client_ip_are_capped() {
    let mut t = T::with_config(|c| {
        c.quotas.allocations_per_user = 100;
        c.quotas.allocations_per_client_ip = 2;
    });
    for port in [4001, 4002] {
        t.ft.remote.set_port(port);
        t.renew_nonce();
        let r = t.allocate_request(|b| {
            b.add(&RequestedTransport::UDP);
        });
        assert_eq!(reply_code(&r), None, "port {port}");
    }
    t.ft.remote.set_port(4003);
    t.renew_nonce();
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP);
    });
    assert_eq!(reply_code(&r), Some(486));
    // Another host is not affected, and a freed slot can be used again.
    t.ft.remote = "198.51.100.2:4003".parse().unwrap();
    t.renew_nonce();
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP);
    });
    assert_eq!(reply_code(&r), None);
}

#[test]
fn ipv4_mapped_peer_shares_the_ipv4_permission_and_channel() {
    // Review finding 5: a dual-stack relay socket reports IPv4 peers as ::ffff:a.b.c.d;
    // permissions and channels are kept canonical so both forms are one peer.
    let mut t = T::new();
    let relay = t.allocate();
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(PEER.parse().unwrap()));
    });
    assert_eq!(reply_code(&r), None);
    let mapped: SocketAddr = "[::ffff:1.2.3.4]:7000".parse().unwrap();
    let mut buf = Vec::new();
    let out = t
        .server
        .handle_peer_data(t.now, relay, mapped, b"yo", &mut buf);
    assert_eq!(out, Some(ClientTransmit { five_tuple: t.ft }));
    let m = wire::parse(&buf).unwrap();
    assert_eq!(get(&m), Some(XorPeerAddress(PEER.parse().unwrap())));
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001))
            .add(&XorPeerAddress(PEER.parse().unwrap()));
    });
    assert_eq!(reply_code(&r), None);
    t.server
        .handle_peer_data(t.now, relay, mapped, b"yo", &mut buf);
    assert_eq!(buf, [0x40, 0x01, 0, 2, b'y', b'o']);
}

#[test]
fn rfc5766_channel_numbers_by_default_strict_rfc8656_opt_in() {
    // Issue 12: Chrome, coturn's clients and baresip bind 0x4000–0x7FFF (RFC 5766 §11), so the
    // server accepts them by default; strict RFC 8656 §12.2 (400 above 0x4FFF, whose first
    // bytes collide with other protocols, RFC 9443) is the operator's opt-in.
    assert_eq!(ServerConfig::new("r").channel_range, ChannelRange::Rfc5766);
    for (range, channel, want) in [
        (ChannelRange::Rfc5766, 0x5000, None),
        (ChannelRange::Rfc5766, 0x7FFF, None),
        (ChannelRange::Rfc5766, 0x8000, Some(400)),
        (ChannelRange::Rfc5766, 0x3FFF, Some(400)),
        (ChannelRange::Rfc8656, 0x4FFF, None),
        (ChannelRange::Rfc8656, 0x5000, Some(400)),
    ] {
        let mut t = T::with_config(|c| c.channel_range = range);
        t.allocate();
        let r = t.send(Method::CHANNEL_BIND, true, |b| {
            b.add(&ChannelNumber(channel))
                .add(&XorPeerAddress(PEER.parse().unwrap()));
        });
        assert_eq!(reply_code(&r), want, "{range:?} channel {channel:#06x}");
    }
}

#[test]
fn create_permission_over_quota_installs_nothing() {
    // Review finding 7: with several XOR-PEER-ADDRESS, the earlier ones were installed before
    // the quota answered 508 (RFC 8656 §9.2 processes the request as a whole).
    let mut t = T::with_config(|c| c.quotas.permissions_per_allocation = 2);
    let relay = t.allocate();
    let peer = |last: u8| SocketAddr::from(([1, 2, 3, last], 7000));
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(peer(4)));
    });
    assert_eq!(reply_code(&r), None);
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(peer(5)))
            .add(&XorPeerAddress(peer(6)));
    });
    assert_eq!(reply_code(&r), Some(508));
    let mut buf = Vec::new();
    for last in [5, 6] {
        let out = t
            .server
            .handle_peer_data(t.now, relay, peer(last), b"x", &mut buf);
        assert_eq!(out, None, "1.2.3.{last} got a permission");
    }
    // Refreshing what exists and adding one more fits, and counts the repeated peer once.
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(peer(4)))
            .add(&XorPeerAddress(peer(5)))
            .add(&XorPeerAddress(peer(5)));
    });
    assert_eq!(reply_code(&r), None);
    // A channel to a new peer needs a permission slot too: 508, and no channel is bound.
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001)).add(&XorPeerAddress(peer(7)));
    });
    assert_eq!(reply_code(&r), Some(508));
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001)).add(&XorPeerAddress(peer(4)));
    });
    assert_eq!(
        reply_code(&r),
        None,
        "0x4001 was left bound to the refused peer"
    );
}

#[test]
fn peer_initiated_tcp_connections_are_capped() {
    // Review finding 8: every connection a permitted peer opened to a TCP relayed address
    // (RFC 6062 §5.3) created state and a ConnectionAttempt, without limit.
    let mut t = T::with_config(|c| c.quotas.tcp_connections_per_allocation = 3);
    t.ft.transport = Transport::Tcp;
    t.renew_nonce();
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::TCP);
    });
    let m = wire::parse(&r).unwrap();
    let relay = get::<XorRelayedAddress>(&m).unwrap().0;
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(PEER.parse().unwrap()));
    });
    assert_eq!(reply_code(&r), None);
    let mut accepted = Vec::new();
    for port in 9000..9010 {
        let peer = SocketAddr::from(([1, 2, 3, 4], port));
        if let Some(id) = t.server.tcp_peer_accepted(t.now, relay, peer) {
            accepted.push(id);
        }
    }
    assert_eq!(accepted.len(), 3);
    let attempts = core::iter::from_fn(|| t.server.poll_transmit()).count();
    assert_eq!(attempts, 3, "one ConnectionAttempt per accepted connection");
    // Connect shares the cap.
    let r = t.send(Method::CONNECT, true, |b| {
        b.add(&XorPeerAddress("1.2.3.4:9999".parse().unwrap()));
    });
    assert_eq!(reply_code(&r), Some(508));
}
