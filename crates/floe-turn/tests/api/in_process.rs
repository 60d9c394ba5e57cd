//! Our client against our server, in process, on a virtual clock.

use core::time::Duration;

use floe_stun::attributes::XorMappedAddress;
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};
use floe_turn::{
    ClientState, Failure, FiveTuple, PeerPolicy, RelayError, ReleaseReason, RestCredentials,
    ServerEvent, Transport, TurnEvent,
};

use super::harness::{Net, RelayPolicy, config, peer, server_addr, users};

/// Client `c` sends `payload` to the peer, which must see it come from `relayed`; the peer
/// answers, and the answer must reach the client on a channel or not as `via_channel` says.
fn round_trip(
    net: &mut Net<floe_turn::StaticCredentials>,
    c: usize,
    relayed: core::net::SocketAddr,
    payload: &[u8],
    via_channel: bool,
) {
    net.client_sends(c, peer(), payload).unwrap();
    net.settle();
    assert_eq!(
        net.at_peers.pop(),
        Some((relayed, peer(), payload.to_vec()))
    );
    let answer = [payload, b" (answer)"].concat();
    assert!(net.peer_sends(relayed, peer(), &answer));
    assert_eq!(net.at_clients.pop(), Some((c, peer(), answer, via_channel)));
    assert_eq!(net.take_events(c), []);
}

fn full_session(transport: Transport) {
    let mut net = Net::new();
    let c = net.add_client("alice", "secret", transport);
    let relayed = net.allocate(c);
    assert_eq!(net.server.allocation_count(), 1);

    // Permission, then a Send indication reaches the peer.
    let now = net.now;
    assert_eq!(
        net.try_permit(c, peer().ip()),
        [TurnEvent::PermissionCreated { peer: peer().ip() }]
    );
    // The peer answers; without a channel it arrives as a Data indication.
    round_trip(&mut net, c, relayed, b"via indication", false);

    // Channel: both directions switch to ChannelData.
    let ch = net.client(c).bind_channel(now, peer()).unwrap();
    net.settle();
    assert_eq!(
        net.take_events(c),
        [TurnEvent::ChannelBound {
            peer: peer(),
            channel: ch
        }]
    );
    round_trip(&mut net, c, relayed, b"via channel", true);

    // Twenty minutes pass: allocation, permission and channel stay alive by themselves.
    net.advance(Duration::from_secs(1200));
    let refreshed = net
        .take_events(c)
        .iter()
        .filter(|e| matches!(e, TurnEvent::Refreshed { .. }))
        .count();
    assert_eq!(refreshed, 2);
    let ft = FiveTuple {
        remote: net.clients[c].0,
        local: server_addr(),
        transport,
    };
    let info = net.server.allocation(&ft).unwrap();
    assert_eq!(info.permissions, [peer().ip()]);
    assert_eq!(info.channels, [(ch, peer())]);
    assert!(net.peer_sends(relayed, peer(), b"still there"));
    net.take_events(c);

    // Delete.
    let now = net.now;
    net.client(c).close(now).unwrap();
    net.settle();
    assert_eq!(net.take_events(c), [TurnEvent::Closed]);
    assert_eq!(net.server.allocation_count(), 0);
    assert!(net.server_events.iter().any(|e| matches!(
        e,
        ServerEvent::RelayReleased {
            reason: ReleaseReason::Deleted,
            ..
        }
    )));
    assert!(!net.peer_sends(relayed, peer(), b"too late"));
}

#[test]
fn full_session_over_udp() {
    full_session(Transport::Udp);
}

#[test]
fn full_session_over_a_stream() {
    full_session(Transport::Tcp);
}

#[test]
fn wrong_password_fails_and_leaves_no_server_state() {
    let mut net = Net::new();
    let c = net.add_client("alice", "wrong", Transport::Udp);
    assert_eq!(
        net.try_allocate(c),
        [TurnEvent::Failed {
            reason: Failure::Unauthorized
        }]
    );
    assert_eq!(net.server.allocation_count(), 0);
    assert_eq!(net.server.pending_count(), 0);
    assert!(net.server.poll_timeout().is_none());
    assert_eq!(net.server.stats().rejected, 2);
}

#[test]
fn stale_nonce_is_renewed_transparently() {
    let mut cfg = config();
    cfg.nonce_lifetime = Duration::from_secs(60);
    let mut net = Net::with(cfg, users());
    let c = net.add_client("alice", "secret", Transport::Udp);
    net.allocate(c);
    net.advance(Duration::from_secs(100));
    let rejected = net.server.stats().rejected;
    assert_eq!(
        net.try_permit(c, peer().ip()),
        [TurnEvent::PermissionCreated { peer: peer().ip() }]
    );
    assert_eq!(net.server.stats().rejected, rejected + 1, "one 438");
}

#[test]
fn server_expires_an_allocation_nobody_refreshes() {
    let mut net = Net::new();
    let c = net.add_client("alice", "secret", Transport::Udp);
    let relayed = net.allocate(c);
    net.clients.clear();
    net.advance(Duration::from_secs(599));
    assert_eq!(net.server.allocation_count(), 1);
    net.advance(Duration::from_secs(2));
    assert_eq!(net.server.allocation_count(), 0);
    assert!(net.server_events.iter().any(|e| matches!(
        e,
        ServerEvent::RelayReleased { relayed: r, reason: ReleaseReason::Expired, .. } if *r == relayed
    )));
    assert!(net.server.poll_timeout().is_none());
}

#[test]
fn loopback_peers_are_forbidden_unless_allowed() {
    let mut net = Net::new();
    let c = net.add_client("alice", "secret", Transport::Udp);
    net.allocate(c);
    let lo: core::net::IpAddr = "127.0.0.1".parse().unwrap();
    assert_eq!(
        net.try_permit(c, lo),
        [TurnEvent::PermissionFailed {
            peer: lo,
            reason: Failure::Forbidden
        }]
    );
    let mut cfg = config();
    cfg.peer_policy = PeerPolicy::default().allow_loopback(true);
    let mut net = Net::with(cfg, users());
    let c = net.add_client("alice", "secret", Transport::Udp);
    net.allocate(c);
    assert_eq!(
        net.try_permit(c, lo),
        [TurnEvent::PermissionCreated { peer: lo }]
    );
}

#[test]
fn quotas_per_user_and_in_total() {
    let mut cfg = config();
    cfg.quotas.allocations_per_user = 1;
    cfg.quotas.allocations_total = 2;
    let mut net = Net::with(cfg, users());
    let a1 = net.add_client("alice", "secret", Transport::Udp);
    let a2 = net.add_client("alice", "secret", Transport::Udp);
    let b1 = net.add_client("bob", "hunter2", Transport::Udp);
    let b2 = net.add_client("bob", "hunter2", Transport::Udp);
    net.allocate(a1);
    assert_eq!(
        net.try_allocate(a2),
        [TurnEvent::Failed {
            reason: Failure::QuotaReached
        }]
    );
    net.allocate(b1);
    // bob has no allocation quota left either, but the total is reached first for a third.
    let e = net.try_allocate(b2);
    assert!(
        matches!(
            e.as_slice(),
            [TurnEvent::Failed {
                reason: Failure::QuotaReached | Failure::InsufficientCapacity
            }]
        ),
        "{e:?}"
    );
}

#[test]
fn md5_only_server_and_rest_credentials() {
    let rest = RestCredentials::new(b"shared".to_vec());
    let (user, pass) = rest.issue("carol", 1_700_000_600);
    let mut cfg = config();
    cfg.password_algorithms.clear();
    let mut net = Net::with(cfg, rest);
    let c = net.add_client(&user, &pass, Transport::Udp);
    net.allocate(c);
    // After the REST expiry the same credentials are refused.
    net.clients.clear();
    net.advance(Duration::from_secs(700));
    let c = net.add_client(&user, &pass, Transport::Udp);
    assert_eq!(
        net.try_allocate(c),
        [TurnEvent::Failed {
            reason: Failure::Unauthorized
        }]
    );
}

#[test]
fn dual_stack_allocation_gets_two_relayed_addresses() {
    let mut net = Net::new();
    net.relay_policy = RelayPolicy::GrantDualStack;
    let c = net.add_client("alice", "secret", Transport::Udp);
    // Rebuild the client with dual stack on.
    let mut cfg = floe_turn::ClientConfig::new(server_addr(), "alice", "secret");
    cfg.dual_stack = true;
    cfg.rng_seed = Some([9; 32]);
    net.clients[c].1 = floe_turn::Client::new(cfg);
    net.allocate(c);
    let additional = net.client(c).additional_relayed().unwrap();
    assert!(additional.is_ipv6());
}

#[test]
fn embedder_refusals_become_typed_failures() {
    for (refusal, want) in [
        (
            RelayError::InsufficientCapacity,
            Failure::InsufficientCapacity,
        ),
        (
            RelayError::FamilyNotSupported,
            Failure::AddressFamilyNotSupported,
        ),
    ] {
        let mut net = Net::new();
        net.relay_policy = RelayPolicy::Refuse(refusal);
        let c = net.add_client("alice", "secret", Transport::Udp);
        assert_eq!(net.try_allocate(c), [TurnEvent::Failed { reason: want }]);
        assert_eq!(net.client(c).state(), ClientState::Done);
        assert_eq!(net.server.allocation_count(), 0);
    }
}

#[test]
fn binding_requests_are_answered_without_authentication() {
    let mut net = Net::new();
    let client = "198.51.100.9:4000".parse().unwrap();
    let ft = FiveTuple {
        remote: client,
        local: server_addr(),
        transport: Transport::Udp,
    };
    let mut req = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Request);
    MessageBuilder::new(&mut req, typ, TransactionId::from_bytes([4; 12]))
        .fingerprint()
        .unwrap();
    assert!(net.server.handle_receive(net.now, ft, &req).is_none());
    let t = net.server.poll_transmit().unwrap();
    assert_eq!(t.destination, client);
    let m = Message::parse(&t.contents).unwrap();
    assert_eq!(m.class(), Class::Success);
    assert_eq!(
        m.get::<XorMappedAddress>(),
        Ok(Some(XorMappedAddress(client)))
    );
    assert_eq!(net.server.allocation_count(), 0);
}
