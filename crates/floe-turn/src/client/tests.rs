//! Client state-machine tests against a scripted server on a virtual clock.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::time::Instant;

use super::*;
use floe_stun::attributes::{
    AdditionalAddressFamily, AlternateServer, ChannelNumber, Data, ErrorCodeAttribute, Lifetime,
    Nonce, PasswordAlgorithmAttribute, PasswordAlgorithms, Realm, Username, XorMappedAddress,
    XorPeerAddress, XorRelayedAddress,
};
use floe_stun::channel_data::ChannelData;
use floe_stun::{AttributeType, Class, ErrorCode, Message, MessageBuilder, Method, TransactionId};

use crate::wire::{self, Integrity, get};

mod data;
mod integrity;
mod refresh;

fn parse(bytes: &[u8]) -> Message<'_> {
    wire::parse(bytes).expect("valid STUN")
}

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
    LongTermKey::derive(PasswordAlgorithm::MD5, "alice", "example.org", "secret").unwrap()
}

/// alice's config for [`server`], its RNG seeded with `seed`.
fn config(seed: u8) -> ClientConfig {
    let mut cfg = ClientConfig::new(server(), "alice", "secret");
    cfg.rng_seed = Some([seed; 32]);
    cfg
}

fn new_client() -> Client {
    Client::new(config(5))
}

/// The next request the client sends, as owned bytes.
fn next(c: &mut Client) -> Vec<u8> {
    let t = c.poll_transmit().expect("a transmit");
    assert!(c.poll_transmit().is_none(), "one transmit at a time");
    t.contents.to_vec()
}

/// A response to `req` built by `body`, signed with `key` when given.
fn reply(
    req: &[u8],
    class: Class,
    key: Option<(&LongTermKey, Integrity)>,
    body: impl FnOnce(&mut MessageBuilder<'_>),
) -> Vec<u8> {
    let m = parse(req);
    let mut buf = Vec::new();
    let signer = key.map(|(k, kind)| (k.integrity_key(), kind));
    let tid = *m.transaction_id();
    assert!(wire::build(
        &mut buf,
        m.method(),
        class,
        tid,
        None,
        signer,
        true,
        body
    ));
    buf
}

/// A response to `req` signed with alice's MD5 key and MESSAGE-INTEGRITY, the scripted
/// server's usual answer.
fn signed(req: &[u8], class: Class, body: impl FnOnce(&mut MessageBuilder<'_>)) -> Vec<u8> {
    reply(req, class, Some((&md5_key(), Integrity::Sha1)), body)
}

fn error(code: u16) -> ErrorCodeAttribute<'static> {
    ErrorCodeAttribute::new(ErrorCode(code))
}

fn challenge(req: &[u8], code: u16, nonce: &str) -> Vec<u8> {
    reply(req, Class::Error, None, |b| {
        b.add(&error(code))
            .add(&Realm("example.org"))
            .add(&Nonce(nonce));
    })
}

fn allocate_ok(req: &[u8], lifetime: u32) -> Vec<u8> {
    signed(req, Class::Success, |b| {
        b.add(&XorRelayedAddress(RELAYED.parse().unwrap()))
            .add(&Lifetime(lifetime))
            .add(&XorMappedAddress("198.51.100.7:50000".parse().unwrap()));
    })
}

fn ok(req: &[u8]) -> Vec<u8> {
    signed(req, Class::Success, |_| {})
}

/// Appends a Data indication from [`peer`] carrying `data` to `out`.
fn data_indication(out: &mut Vec<u8>, data: &[u8]) {
    let typ = floe_stun::MessageType::new(Method::DATA, Class::Indication);
    let mut b = MessageBuilder::new(out, typ, TransactionId::from_bytes([9; 12]));
    b.add(&XorPeerAddress(peer())).add(&Data(data));
    b.finish().unwrap();
}

/// Delivers `bytes` from the server; on streams, also applies what was buffered.
fn feed(c: &mut Client, now: Instant, bytes: &[u8]) {
    c.handle_receive(now, server(), bytes).expect("accepted");
    while c.poll_received(now).expect("accepted").is_some() {}
}

fn events(c: &mut Client) -> Vec<TurnEvent> {
    core::iter::from_fn(|| c.poll_event()).collect()
}

/// A client from `cfg` that sent its first Allocate; returns it, that request and the time.
fn allocating(cfg: ClientConfig) -> (Client, Vec<u8>, Instant) {
    let now = Instant::now();
    let mut c = Client::new(cfg);
    c.allocate(now).unwrap();
    let first = next(&mut c);
    (c, first, now)
}

/// Sends an Allocate (unsigned) and answers it with a 401, which offers SHA-256 before MD5
/// when `offer_sha256`; returns the client, its signed second Allocate and the time.
fn signed_allocate(cfg: ClientConfig, offer_sha256: bool) -> (Client, Vec<u8>, Instant) {
    let (mut c, first, now) = allocating(cfg);
    assert!(parse(&first).integrity_kind().is_none());
    let r = if offer_sha256 {
        reply(&first, Class::Error, None, |b| {
            b.add(&error(401))
                .add(&Realm("example.org"))
                .add(&Nonce("obMatJos2gAAAn1"))
                .add(&PasswordAlgorithms::from_entries(&[
                    PasswordAlgorithmAttribute::new(PasswordAlgorithm::SHA256),
                    PasswordAlgorithmAttribute::new(PasswordAlgorithm::MD5),
                ]));
        })
    } else {
        challenge(&first, 401, "n1")
    };
    feed(&mut c, now, &r);
    let second = next(&mut c);
    (c, second, now)
}

/// Drives a client to Allocated through a 401 challenge; returns it and the time.
fn allocated(lifetime: u32) -> (Client, Instant) {
    allocated_with(config(5), lifetime)
}

/// [`allocated`] with another config.
fn allocated_with(cfg: ClientConfig, lifetime: u32) -> (Client, Instant) {
    let (mut c, second, now) = signed_allocate(cfg, false);
    let m = parse(&second);
    assert_eq!(get(&m), Some(Username("alice")));
    assert_eq!(get(&m), Some(Nonce("n1")));
    assert!(wire::verify(&m, &md5_key().integrity_key()));
    feed(&mut c, now, &allocate_ok(&second, lifetime));
    (c, now)
}

/// Creates the permission for [`peer`], answered with success.
fn permit(c: &mut Client, now: Instant) {
    c.create_permission(now, peer().ip()).unwrap();
    let perm = next(c);
    feed(c, now, &ok(&perm));
}

/// Binds channel 0x4000 to [`peer`], answered with success.
fn bind(c: &mut Client, now: Instant) {
    assert_eq!(c.bind_channel(now, peer()).unwrap(), 0x4000);
    let bind = next(c);
    feed(c, now, &ok(&bind));
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
    let (mut c, second, now) = signed_allocate(config(5), true);
    let m = parse(&second);
    assert_eq!(
        m.raw(AttributeType::PASSWORD_ALGORITHMS).unwrap().value,
        [0u8, 2, 0, 0, 0, 1, 0, 0]
    );
    assert_eq!(
        get(&m),
        Some(PasswordAlgorithmAttribute::new(PasswordAlgorithm::SHA256))
    );
    assert_eq!(m.integrity_kind(), Some(Integrity::Sha256));
    let key =
        LongTermKey::derive(PasswordAlgorithm::SHA256, "alice", "example.org", "secret").unwrap();
    assert!(wire::verify(&m, &key.integrity_key()));
    let r = reply(
        &second,
        Class::Success,
        Some((&key, Integrity::Sha256)),
        |b| {
            b.add(&XorRelayedAddress(RELAYED.parse().unwrap()))
                .add(&Lifetime(600));
        },
    );
    feed(&mut c, now, &r);
    assert!(matches!(events(&mut c)[..], [TurnEvent::Allocated { .. }]));
}

#[test]
fn wrong_password_fails_with_unauthorized() {
    let (mut c, second, now) = signed_allocate(config(5), false);
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
    let m = parse(&retry);
    assert_eq!(m.method(), Method::CREATE_PERMISSION);
    assert_eq!(get(&m), Some(Nonce("n2")));
    assert_ne!(m.transaction_id(), parse(&req).transaction_id());
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
    assert_eq!(parse(&req).method(), Method::REFRESH);
    let r = signed(&req, Class::Success, |b| {
        b.add(&Lifetime(600));
    });
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
    permit(&mut c, now);
    let ch = c.bind_channel(now, peer()).unwrap();
    assert_eq!(ch, 0x4000);
    let bind = next(&mut c);
    let m = parse(&bind);
    assert_eq!(get(&m), Some(ChannelNumber(0x4000)));
    assert_eq!(get(&m), Some(XorPeerAddress(peer())));
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
    let mut methods: Vec<Method> = core::iter::from_fn(|| c.poll_transmit())
        .map(|t| parse(&t.contents).method())
        .collect();
    methods.sort_unstable();
    assert_eq!(methods, [Method::CREATE_PERMISSION, Method::CHANNEL_BIND]);
}

/// Found by the turn_server_sequences fuzz target: the embedder stops driving the client for
/// longer than a channel's lifetime, then binds the same peer again. The client must not
/// answer "bound" without telling the server, whose binding has lapsed.
#[test]
fn binding_a_channel_whose_refresh_is_overdue_refreshes_it() {
    let (mut c, now) = allocated(3600);
    events(&mut c);
    let ch = c.bind_channel(now, peer()).unwrap();
    let bind = next(&mut c);
    feed(&mut c, now, &ok(&bind));
    // Before the refresh is due, binding again sends nothing.
    assert_eq!(
        c.bind_channel(now + Duration::from_secs(60), peer()),
        Ok(ch)
    );
    assert!(c.poll_transmit().is_none());
    // Long after (no handle_timeout in between): the same number is bound again.
    let later = now + Duration::from_secs(700);
    assert_eq!(c.bind_channel(later, peer()), Ok(ch));
    let sent = next(&mut c);
    let again = parse(&sent);
    assert_eq!(again.method(), Method::CHANNEL_BIND);
    assert_eq!(get(&again), Some(ChannelNumber(ch)));
    assert_eq!(get(&again), Some(XorPeerAddress(peer())));
    // While that request is in flight, a third call sends nothing more.
    assert_eq!(c.bind_channel(later, peer()), Ok(ch));
    assert!(c.poll_transmit().is_none());
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
    let r = signed(&req, Class::Error, |b| {
        b.add(&error(437));
    });
    feed(&mut c, now, &r);
    assert_eq!(
        events(&mut c),
        [TurnEvent::AllocationLost {
            reason: Failure::AllocationMismatch
        }]
    );
}

#[test]
fn a_437_to_a_permission_or_a_channel_reports_the_allocation_lost() {
    // coturn drops an allocation on its own when a relayed send fails; the next request on
    // the 5-tuple gets 437, which must end the allocation, not only the request.
    for channel in [false, true] {
        let (mut c, now) = allocated(600);
        events(&mut c);
        if channel {
            c.bind_channel(now, peer()).unwrap();
        } else {
            c.create_permission(now, peer().ip()).unwrap();
        }
        let req = next(&mut c);
        let r = signed(&req, Class::Error, |b| {
            b.add(&error(437));
        });
        feed(&mut c, now, &r);
        let got = events(&mut c);
        assert_eq!(
            got.last(),
            Some(&TurnEvent::AllocationLost {
                reason: Failure::AllocationMismatch
            }),
            "{got:?}"
        );
        assert_eq!(
            got.len(),
            2,
            "the request's own failure comes first: {got:?}"
        );
        assert!(c.relayed().is_none());
    }
}

#[test]
fn a_403_to_a_permission_keeps_the_allocation() {
    let (mut c, now) = allocated(600);
    events(&mut c);
    c.create_permission(now, peer().ip()).unwrap();
    let req = next(&mut c);
    let r = signed(&req, Class::Error, |b| {
        b.add(&error(403));
    });
    feed(&mut c, now, &r);
    let got = events(&mut c);
    assert!(
        matches!(got[..], [TurnEvent::PermissionFailed { .. }]),
        "{got:?}"
    );
    assert!(c.relayed().is_some());
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
    let (mut c, first, now) = allocating(config(5));
    let alt: SocketAddr = "192.0.2.2:3478".parse().unwrap();
    let r = reply(&first, Class::Error, None, |b| {
        b.add(&error(300)).add(&AlternateServer(alt));
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
        (
            599,
            Failure::ErrorResponse {
                code: ErrorCode(599),
            },
        ),
    ] {
        let (mut c, second, now) = signed_allocate(config(5), false);
        let r = signed(&second, Class::Error, |b| {
            b.add(&error(code));
        });
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
    let mut out = vec![0xa5; 3];
    assert_eq!(
        c.send_to(peer(), b"x", &mut out),
        Err(ClientError::NoPermission { peer: peer().ip() })
    );
    assert!(out.is_empty());
    permit(&mut c, now);
    c.send_to(peer(), b"hello", &mut out).unwrap();
    assert!(
        c.poll_transmit().is_none(),
        "data goes to the caller's buffer only"
    );
    let m = parse(&out);
    assert_eq!((m.method(), m.class()), (Method::SEND, Class::Indication));
    assert_eq!(get(&m), Some(Data(b"hello")));
    c.bind_channel(now, peer()).unwrap();
    let bind = next(&mut c);
    // Until the binding is confirmed, indications continue.
    c.send_to(peer(), b"a", &mut out).unwrap();
    assert!(wire::parse(&out).is_some());
    feed(&mut c, now, &ok(&bind));
    c.send_to(peer(), b"abc", &mut out).unwrap();
    assert_eq!(out, [0x40, 0, 0, 3, b'a', b'b', b'c']);

    let mut ind = Vec::new();
    data_indication(&mut ind, b"in1");
    let got = c.handle_receive(now, server(), &ind).unwrap().unwrap();
    assert_eq!(
        (got.peer, got.data, got.via_channel),
        (peer(), &b"in1"[..], false)
    );
    // Borrowed from the input, not copied.
    assert!(ind.as_ptr_range().contains(&got.data.as_ptr()));
    let mut cd = Vec::new();
    ChannelData::new(0x4000, b"in2")
        .unwrap()
        .encode(&mut cd, false);
    let got = c.handle_receive(now, server(), &cd).unwrap().unwrap();
    assert_eq!(
        (got.peer, got.data, got.via_channel),
        (peer(), &b"in2"[..], true)
    );
    assert!(cd.as_ptr_range().contains(&got.data.as_ptr()));
    assert_eq!(
        events(&mut c),
        [
            TurnEvent::PermissionCreated { peer: peer().ip() },
            TurnEvent::ChannelBound {
                peer: peer(),
                channel: 0x4000
            }
        ],
        "no data events"
    );
    let mut unbound = Vec::new();
    ChannelData::new(0x4001, b"z")
        .unwrap()
        .encode(&mut unbound, false);
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
    let m = parse(&req);
    assert_eq!(m.method(), Method::REFRESH);
    assert_eq!(get(&m), Some(Lifetime(0)));
    let r = signed(&req, Class::Success, |b| {
        b.add(&Lifetime(0));
    });
    feed(&mut c, now, &r);
    assert_eq!(events(&mut c), [TurnEvent::Closed]);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn forged_success_is_ignored_and_dual_stack_is_requested() {
    let mut cfg = config(6);
    cfg.dual_stack = true;
    let (mut c, first, now) = allocating(cfg);
    let m = parse(&first);
    assert_eq!(get(&m), Some(AdditionalAddressFamily(AddressFamily::IPV6)));
    feed(&mut c, now, &challenge(&first, 401, "n"));
    let second = next(&mut c);
    let wrong =
        LongTermKey::derive(PasswordAlgorithm::MD5, "alice", "example.org", "nope").unwrap();
    let v6: SocketAddr = "[2001:db8::1]:49152".parse().unwrap();
    let body = |b: &mut MessageBuilder<'_>| {
        b.add(&XorRelayedAddress(RELAYED.parse().unwrap()))
            .add(&XorRelayedAddress(v6))
            .add(&Lifetime(600));
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
    feed(&mut c, now, &signed(&second, Class::Success, body));
    assert_eq!(c.additional_relayed(), Some(v6));
    let _: IpAddr = v6.ip();
}

#[test]
fn no_timer_is_left_in_the_past() {
    // Found by fuzzing: a manual create_permission just before the automatic refresh, and a
    // close with permissions alive, used to leave a due timer nobody handled.
    let (mut c, now) = allocated(3600);
    events(&mut c);
    permit(&mut c, now);
    let t = now + Duration::from_secs(230);
    c.create_permission(t, peer().ip()).unwrap();
    let t = now + Duration::from_secs(241);
    c.handle_timeout(t);
    assert!(c.poll_timeout().is_none_or(|x| x > t));
    c.close(t).unwrap();
    let t = now + Duration::from_secs(500);
    c.handle_timeout(t);
    assert!(c.poll_timeout().is_none_or(|x| x > t));
}
