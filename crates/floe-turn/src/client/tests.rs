//! Client state-machine tests against a scripted server on a virtual clock.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::time::Instant;

use super::*;
use crate::wire::{Builder, Class, Integrity, Msg, attr, channel_data, method};

const SERVER: &str = "192.0.2.1:3478";
const RELAYED: &str = "192.0.2.1:49152";
const PEER: &str = "203.0.113.9:7000";

fn server() -> SocketAddr {
    SERVER.parse().unwrap()
}

fn peer() -> SocketAddr {
    PEER.parse().unwrap()
}

fn md5_key() -> LongTermKey {
    LongTermKey::derive_md5("alice", "example.org", "secret")
}

fn new_client() -> Client {
    let mut cfg = ClientConfig::new(server(), "alice", "secret");
    cfg.rng_seed = Some([5; 32]);
    Client::new(cfg)
}

/// The next request the client sends, as owned bytes.
fn next(c: &mut Client) -> Vec<u8> {
    let t = c.poll_transmit().expect("a transmit");
    assert!(c.poll_transmit().is_none(), "one transmit at a time");
    t.data
}

/// A response to `req` built by `body`, signed with `key` when given.
fn reply(
    req: &[u8],
    class: Class,
    key: Option<(&LongTermKey, Integrity)>,
    body: impl FnOnce(&mut Builder<'_>),
) -> Vec<u8> {
    let m = Msg::parse(req).expect("client sent valid STUN");
    let mut buf = Vec::new();
    let mut b = Builder::new(&mut buf, m.method, class, m.tid);
    body(&mut b);
    if let Some((k, kind)) = key {
        b.integrity(k, kind);
    }
    b.finish_fingerprint();
    buf
}

fn challenge(req: &[u8], code: u16, nonce: &str) -> Vec<u8> {
    reply(req, Class::Error, None, |b| {
        b.error_code(code, "x")
            .attr(attr::REALM, b"example.org")
            .attr(attr::NONCE, nonce.as_bytes());
    })
}

fn allocate_ok(req: &[u8], lifetime: u32) -> Vec<u8> {
    reply(
        req,
        Class::Success,
        Some((&md5_key(), Integrity::Sha1)),
        |b| {
            b.xor_addr(attr::XOR_RELAYED_ADDRESS, RELAYED.parse().unwrap())
                .u32(attr::LIFETIME, lifetime)
                .xor_addr(
                    attr::XOR_MAPPED_ADDRESS,
                    "198.51.100.7:50000".parse().unwrap(),
                );
        },
    )
}

fn ok(req: &[u8]) -> Vec<u8> {
    reply(
        req,
        Class::Success,
        Some((&md5_key(), Integrity::Sha1)),
        |_| {},
    )
}

fn feed(c: &mut Client, now: Instant, bytes: &[u8]) {
    c.handle_receive(now, server(), bytes).expect("accepted");
}

fn events(c: &mut Client) -> Vec<TurnEvent> {
    core::iter::from_fn(|| c.poll_event()).collect()
}

/// Drives a client to Allocated through a 401 challenge; returns it and the time.
fn allocated(lifetime: u32) -> (Client, Instant) {
    let now = Instant::now();
    let mut c = new_client();
    c.allocate(now).unwrap();
    let first = next(&mut c);
    assert!(Msg::parse(&first).unwrap().integrity().is_none());
    feed(&mut c, now, &challenge(&first, 401, "n1"));
    let second = next(&mut c);
    let m = Msg::parse(&second).unwrap();
    assert_eq!(m.str_attr(attr::USERNAME), Some("alice"));
    assert_eq!(m.str_attr(attr::NONCE), Some("n1"));
    assert!(m.verify(md5_key().as_bytes()));
    feed(&mut c, now, &allocate_ok(&second, lifetime));
    (c, now)
}

#[test]
fn challenge_401_then_success() {
    let (mut c, _) = allocated(600);
    assert_eq!(
        events(&mut c),
        [TurnEvent::Allocated {
            relayed: RELAYED.parse().unwrap(),
            additional: None,
            mapped: Some("198.51.100.7:50000".parse().unwrap()),
            lifetime: Duration::from_secs(600),
            server: server(),
        }]
    );
    assert_eq!(c.state(), ClientState::Allocated);
}

#[test]
fn sha256_password_algorithm_is_negotiated() {
    let now = Instant::now();
    let mut c = new_client();
    c.allocate(now).unwrap();
    let first = next(&mut c);
    let nonce = "obMatJos2gAAAabcdef";
    let offer = [0u8, 2, 0, 0, 0, 1, 0, 0];
    let r = reply(&first, Class::Error, None, |b| {
        b.error_code(401, "Unauthorized")
            .attr(attr::REALM, b"example.org")
            .attr(attr::NONCE, nonce.as_bytes())
            .attr(attr::PASSWORD_ALGORITHMS, &offer);
    });
    feed(&mut c, now, &r);
    let second = next(&mut c);
    let m = Msg::parse(&second).unwrap();
    assert_eq!(m.attr(attr::PASSWORD_ALGORITHMS), Some(&offer[..]));
    assert_eq!(m.attr(attr::PASSWORD_ALGORITHM), Some(&[0u8, 2, 0, 0][..]));
    assert_eq!(m.integrity(), Some(Integrity::Sha256));
    let key = LongTermKey::derive_sha256("alice", "example.org", "secret");
    assert!(m.verify(key.as_bytes()));
    let r = reply(
        &second,
        Class::Success,
        Some((&key, Integrity::Sha256)),
        |b| {
            b.xor_addr(attr::XOR_RELAYED_ADDRESS, RELAYED.parse().unwrap())
                .u32(attr::LIFETIME, 600);
        },
    );
    feed(&mut c, now, &r);
    assert!(matches!(events(&mut c)[..], [TurnEvent::Allocated { .. }]));
}

#[test]
fn wrong_password_fails_with_unauthorized() {
    let now = Instant::now();
    let mut c = new_client();
    c.allocate(now).unwrap();
    let first = next(&mut c);
    feed(&mut c, now, &challenge(&first, 401, "n1"));
    let second = next(&mut c);
    feed(&mut c, now, &challenge(&second, 401, "n1"));
    assert_eq!(
        events(&mut c),
        [TurnEvent::Failed {
            reason: Failure::Unauthorized
        }]
    );
    assert_eq!(c.state(), ClientState::Done);
    assert!(c.poll_transmit().is_none());
}

#[test]
fn stale_nonce_438_is_retried_with_the_new_nonce() {
    let (mut c, now) = allocated(600);
    events(&mut c);
    c.create_permission(now, peer().ip()).unwrap();
    let req = next(&mut c);
    feed(&mut c, now, &challenge(&req, 438, "n2"));
    let retry = next(&mut c);
    let m = Msg::parse(&retry).unwrap();
    assert_eq!(m.method, method::CREATE_PERMISSION);
    assert_eq!(m.str_attr(attr::NONCE), Some("n2"));
    assert_ne!(m.tid, Msg::parse(&req).unwrap().tid);
    feed(&mut c, now, &ok(&retry));
    assert_eq!(
        events(&mut c),
        [TurnEvent::PermissionCreated { peer: peer().ip() }]
    );
}

#[test]
fn refresh_is_sent_a_minute_before_expiry() {
    let (mut c, now) = allocated(600);
    events(&mut c);
    assert_eq!(c.poll_timeout(), Some(now + Duration::from_secs(540)));
    c.handle_timeout(now + Duration::from_secs(539));
    assert!(c.poll_transmit().is_none());
    let t = now + Duration::from_secs(540);
    c.handle_timeout(t);
    let req = next(&mut c);
    assert_eq!(Msg::parse(&req).unwrap().method, method::REFRESH);
    let r = reply(
        &req,
        Class::Success,
        Some((&md5_key(), Integrity::Sha1)),
        |b| {
            b.u32(attr::LIFETIME, 600);
        },
    );
    feed(&mut c, t, &r);
    assert_eq!(
        events(&mut c),
        [TurnEvent::Refreshed {
            lifetime: Duration::from_secs(600)
        }]
    );
    assert_eq!(c.poll_timeout(), Some(t + Duration::from_secs(540)));
}

#[test]
fn permission_and_channel_are_refreshed_before_300_seconds() {
    let (mut c, now) = allocated(3600);
    events(&mut c);
    c.create_permission(now, peer().ip()).unwrap();
    let perm = next(&mut c);
    feed(&mut c, now, &ok(&perm));
    let ch = c.bind_channel(now, peer()).unwrap();
    assert_eq!(ch, 0x4000);
    let bind = next(&mut c);
    let m = Msg::parse(&bind).unwrap();
    assert_eq!(m.attr(attr::CHANNEL_NUMBER), Some(&[0x40u8, 0, 0, 0][..]));
    assert_eq!(m.xor_addr(attr::XOR_PEER_ADDRESS), Some(peer()));
    feed(&mut c, now, &ok(&bind));
    assert_eq!(
        events(&mut c),
        [
            TurnEvent::PermissionCreated { peer: peer().ip() },
            TurnEvent::ChannelBound {
                peer: peer(),
                channel: 0x4000
            }
        ]
    );
    assert_eq!(c.poll_timeout(), Some(now + PERMISSION_REFRESH));
    let t = now + Duration::from_secs(240);
    c.handle_timeout(t);
    let mut methods: Vec<u16> = core::iter::from_fn(|| c.poll_transmit())
        .map(|t| Msg::parse(&t.data).unwrap().method)
        .collect();
    methods.sort_unstable();
    assert_eq!(methods, [method::CREATE_PERMISSION, method::CHANNEL_BIND]);
}

#[test]
fn unanswered_refresh_loses_the_allocation_at_expiry() {
    let (mut c, now) = allocated(30);
    events(&mut c);
    let mut t = now;
    for _ in 0..100 {
        let Some(next_t) = c.poll_timeout() else {
            break;
        };
        t = next_t;
        c.handle_timeout(t);
        while c.poll_transmit().is_some() {}
    }
    assert_eq!(t, now + Duration::from_secs(30));
    assert_eq!(
        events(&mut c),
        [TurnEvent::AllocationLost {
            reason: Failure::Expired
        }]
    );
}

#[test]
fn refresh_437_reports_the_allocation_lost() {
    let (mut c, now) = allocated(600);
    events(&mut c);
    c.refresh(now).unwrap();
    let req = next(&mut c);
    let r = reply(
        &req,
        Class::Error,
        Some((&md5_key(), Integrity::Sha1)),
        |b| {
            b.error_code(437, "Allocation Mismatch");
        },
    );
    feed(&mut c, now, &r);
    assert_eq!(
        events(&mut c),
        [TurnEvent::AllocationLost {
            reason: Failure::AllocationMismatch
        }]
    );
}

#[test]
fn allocate_times_out_after_39_5_seconds() {
    let now = Instant::now();
    let mut c = new_client();
    c.allocate(now).unwrap();
    let mut sends = 0;
    while let Some(t) = c.poll_timeout() {
        sends += core::iter::from_fn(|| c.poll_transmit()).count();
        c.handle_timeout(t);
        if c.state() == ClientState::Done {
            assert_eq!(t - now, Duration::from_millis(39_500));
            break;
        }
    }
    assert_eq!(sends, 7);
    assert_eq!(
        events(&mut c),
        [TurnEvent::Failed {
            reason: Failure::Timeout
        }]
    );
}

#[test]
fn alternate_server_is_followed() {
    let now = Instant::now();
    let mut c = new_client();
    c.allocate(now).unwrap();
    let first = next(&mut c);
    let alt: SocketAddr = "192.0.2.2:3478".parse().unwrap();
    let r = reply(&first, Class::Error, None, |b| {
        b.error_code(300, "Try Alternate")
            .plain_addr(attr::ALTERNATE_SERVER, alt);
    });
    feed(&mut c, now, &r);
    assert_eq!(events(&mut c), [TurnEvent::Redirected { server: alt }]);
    let t = c.poll_transmit().unwrap();
    assert_eq!(t.destination, alt);
    assert_eq!(c.server(), alt);
    // The old server's answers are not accepted any more.
    assert_eq!(
        c.handle_receive(now, server(), &first),
        Err(ReceiveError::NotFromServer { from: server() })
    );
}

#[test]
fn error_codes_become_typed_failures() {
    for (code, want) in [
        (437, Failure::AllocationMismatch),
        (440, Failure::AddressFamilyNotSupported),
        (441, Failure::WrongCredentials),
        (442, Failure::UnsupportedTransport),
        (486, Failure::QuotaReached),
        (508, Failure::InsufficientCapacity),
        (403, Failure::Forbidden),
        (599, Failure::ErrorResponse { code: 599 }),
    ] {
        let now = Instant::now();
        let mut c = new_client();
        c.allocate(now).unwrap();
        let first = next(&mut c);
        feed(&mut c, now, &challenge(&first, 401, "n"));
        let second = next(&mut c);
        let r = reply(
            &second,
            Class::Error,
            Some((&md5_key(), Integrity::Sha1)),
            |b| {
                b.error_code(code, "e");
            },
        );
        feed(&mut c, now, &r);
        assert_eq!(
            events(&mut c),
            [TurnEvent::Failed { reason: want }],
            "{code}"
        );
    }
}

#[test]
fn send_switches_from_indication_to_channel_and_data_arrives_both_ways() {
    let (mut c, now) = allocated(600);
    events(&mut c);
    assert_eq!(
        c.send_to(peer(), b"x"),
        Err(ClientError::NoPermission { peer: peer().ip() })
    );
    c.create_permission(now, peer().ip()).unwrap();
    let perm = next(&mut c);
    feed(&mut c, now, &ok(&perm));
    c.send_to(peer(), b"hello").unwrap();
    let ind = next(&mut c);
    let m = Msg::parse(&ind).unwrap();
    assert_eq!((m.method, m.class), (method::SEND, Class::Indication));
    assert_eq!(m.attr(attr::DATA), Some(&b"hello"[..]));
    c.bind_channel(now, peer()).unwrap();
    let bind = next(&mut c);
    // Until the binding is confirmed, indications continue.
    c.send_to(peer(), b"a").unwrap();
    assert!(Msg::parse(&next(&mut c)).is_some());
    feed(&mut c, now, &ok(&bind));
    c.send_to(peer(), b"abc").unwrap();
    assert_eq!(next(&mut c), [0x40, 0, 0, 3, b'a', b'b', b'c']);

    let mut ind = Vec::new();
    {
        let mut b = Builder::new(&mut ind, method::DATA, Class::Indication, [9; 12]);
        b.xor_addr(attr::XOR_PEER_ADDRESS, peer())
            .attr(attr::DATA, b"in1");
        b.finish();
    }
    feed(&mut c, now, &ind);
    let mut cd = Vec::new();
    channel_data::encode(0x4000, b"in2", false, &mut cd);
    feed(&mut c, now, &cd);
    let got: Vec<_> = events(&mut c)
        .into_iter()
        .filter_map(|e| match e {
            TurnEvent::Data {
                peer,
                data,
                via_channel,
            } => Some((peer, data, via_channel)),
            _ => None,
        })
        .collect();
    assert_eq!(
        got,
        [
            (peer(), b"in1".to_vec(), false),
            (peer(), b"in2".to_vec(), true)
        ]
    );
    let mut unbound = Vec::new();
    channel_data::encode(0x4001, b"z", false, &mut unbound);
    assert_eq!(
        c.handle_receive(now, server(), &unbound),
        Err(ReceiveError::UnknownChannel { channel: 0x4001 })
    );
}

#[test]
fn close_deletes_with_lifetime_zero() {
    let (mut c, now) = allocated(600);
    events(&mut c);
    c.close(now).unwrap();
    let req = next(&mut c);
    let m = Msg::parse(&req).unwrap();
    assert_eq!(m.method, method::REFRESH);
    assert_eq!(m.u32_attr(attr::LIFETIME), Some(0));
    let r = reply(
        &req,
        Class::Success,
        Some((&md5_key(), Integrity::Sha1)),
        |b| {
            b.u32(attr::LIFETIME, 0);
        },
    );
    feed(&mut c, now, &r);
    assert_eq!(events(&mut c), [TurnEvent::Closed]);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn forged_success_is_ignored_and_dual_stack_is_requested() {
    let now = Instant::now();
    let mut cfg = ClientConfig::new(server(), "alice", "secret");
    cfg.rng_seed = Some([6; 32]);
    cfg.dual_stack = true;
    let mut c = Client::new(cfg);
    c.allocate(now).unwrap();
    let first = next(&mut c);
    let m = Msg::parse(&first).unwrap();
    assert_eq!(
        m.attr(attr::ADDITIONAL_ADDRESS_FAMILY),
        Some(&[2u8, 0, 0, 0][..])
    );
    feed(&mut c, now, &challenge(&first, 401, "n"));
    let second = next(&mut c);
    let wrong = LongTermKey::derive_md5("alice", "example.org", "nope");
    let v6: SocketAddr = "[2001:db8::1]:49152".parse().unwrap();
    let body = |b: &mut Builder<'_>| {
        b.xor_addr(attr::XOR_RELAYED_ADDRESS, RELAYED.parse().unwrap())
            .xor_addr(attr::XOR_RELAYED_ADDRESS, v6)
            .u32(attr::LIFETIME, 600);
    };
    let forged = reply(
        &second,
        Class::Success,
        Some((&wrong, Integrity::Sha1)),
        body,
    );
    assert_eq!(
        c.handle_receive(now, server(), &forged),
        Err(ReceiveError::UnmatchedResponse)
    );
    let unsigned = reply(&second, Class::Success, None, body);
    assert!(c.handle_receive(now, server(), &unsigned).is_err());
    feed(
        &mut c,
        now,
        &reply(
            &second,
            Class::Success,
            Some((&md5_key(), Integrity::Sha1)),
            body,
        ),
    );
    assert_eq!(c.additional_relayed(), Some(v6));
    let _: IpAddr = v6.ip();
}
