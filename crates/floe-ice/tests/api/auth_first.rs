//! Nothing in a check acts before it is authenticated (RFC 8445 §7.3, RFC 8489 §9.1.3):
//! role attributes, USE-CANDIDATE, PRIORITY and the source address of a check that fails
//! authentication change nothing, and it gets 400 or 401.

use core::net::SocketAddr;
use std::time::Instant;

use floe_ice::{Credentials, FiveTuple, IceAgent, IceEvent, Role, StreamId, Transport};
use floe_stun::attributes::{
    ErrorCodeAttribute, IceControlled, IceControlling, Priority, UseCandidate, Username,
};
use floe_stun::{
    Class, ErrorCode, IntegrityKey, IntegrityKind, Message, MessageBuilder, MessageType, Method,
    TransactionId,
};

use crate::harness::config;

const LOCAL: &str = "198.51.100.1:5000";
const PEER: &str = "203.0.113.9:7000";

fn agent(role: Role) -> (IceAgent, StreamId, Instant) {
    let now = Instant::now();
    let mut a = IceAgent::new(config(role, 42), now);
    let s = a.add_stream(1).unwrap();
    a.add_local_address(s, 1, LOCAL.parse().unwrap()).unwrap();
    a.set_remote_credentials(now, Credentials::new("peer", "the-peer-password-22-chars"));
    while a.poll_event().is_some() {}
    (a, s, now)
}

#[derive(Clone, Copy)]
enum Role2 {
    Controlling(u64),
    Controlled(u64),
}

/// A check from the peer: `user` (None: no USERNAME), signed with `pwd` (None: unsigned).
fn check(
    user: Option<&str>,
    pwd: Option<&str>,
    role: Role2,
    use_candidate: bool,
    id: u8,
) -> Vec<u8> {
    let mut buf = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Request);
    let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([id; 12]));
    if let Some(u) = user {
        b.add(&Username(u));
    }
    b.add(&Priority(0x6e00_ffff));
    match role {
        Role2::Controlling(t) => b.add(&IceControlling(t)),
        Role2::Controlled(t) => b.add(&IceControlled(t)),
    };
    if use_candidate {
        b.add(&UseCandidate);
    }
    sign(b, pwd);
    buf
}

/// Seals with MESSAGE-INTEGRITY under `pwd` (none when `None`) and FINGERPRINT.
fn sign(b: MessageBuilder<'_>, pwd: Option<&str>) {
    let key = pwd.map(IntegrityKey::short_term);
    b.seal(key.as_ref().map(|k| (k, IntegrityKind::Sha1)), true)
        .unwrap();
}

fn deliver(a: &mut IceAgent, now: Instant, bytes: &[u8]) -> Option<(ErrorCode, bool)> {
    let flow = FiveTuple::new(
        Transport::Udp,
        LOCAL.parse().unwrap(),
        PEER.parse().unwrap(),
    );
    assert!(a.handle_receive(now, flow, bytes).unwrap().is_none());
    let t = a.poll_transmit()?;
    assert_eq!(t.destination, PEER.parse::<SocketAddr>().unwrap());
    let m = Message::parse(&t.contents).unwrap();
    let signed = m.integrity_kind().is_some();
    let code = match m.class() {
        Class::Success => ErrorCode(200),
        _ => m.get::<ErrorCodeAttribute<'_>>().unwrap().unwrap().code,
    };
    Some((code, signed))
}

#[test]
fn unauthenticated_checks_get_400_or_401_and_change_nothing() {
    for role in [Role::Controlling, Role::Controlled] {
        let (mut a, _, now) = agent(role);
        let ours = a.local_credentials().clone();
        let good_user = format!("{}:peer", ours.ufrag);
        // The role attribute a conflict would act on, with USE-CANDIDATE and PRIORITY.
        let provoke = if role == Role::Controlling {
            Role2::Controlling(u64::MAX)
        } else {
            Role2::Controlled(0)
        };
        let cases: [(Option<&str>, Option<&str>, ErrorCode); 4] = [
            (
                Some(&good_user),
                Some("not-the-password"),
                ErrorCode::UNAUTHENTICATED,
            ),
            (
                Some("someone:peer"),
                Some(&ours.pwd),
                ErrorCode::UNAUTHENTICATED,
            ),
            (None, Some(&ours.pwd), ErrorCode::BAD_REQUEST),
            (Some(&good_user), None, ErrorCode::BAD_REQUEST),
        ];
        for (i, (user, pwd, want)) in cases.into_iter().enumerate() {
            let bytes = check(user, pwd, provoke, true, i as u8);
            let (code, signed) = deliver(&mut a, now, &bytes).expect("an error response");
            assert_eq!(code, want, "case {i}");
            assert!(
                !signed,
                "case {i}: an error to an unauthenticated check is unsigned"
            );
            assert_eq!(a.role(), role, "case {i}: the role changed");
            assert!(a.pairs().is_empty(), "case {i}: a pair was formed");
            assert!(a.poll_event().is_none(), "case {i}: an event (prflx?)");
            assert!(a.poll_transmit().is_none(), "case {i}: a triggered check");
        }
    }
}

#[test]
fn an_authenticated_check_with_an_unknown_required_attribute_gets_420_and_changes_nothing() {
    // RFC 8489 §6.3.1: 420 listing the attribute, signed (the check authenticated), and the
    // request is not processed: no role switch, no peer-reflexive candidate, no pair.
    for role in [Role::Controlling, Role::Controlled] {
        let (mut a, _, now) = agent(role);
        let ours = a.local_credentials().clone();
        let mut bytes = Vec::new();
        let typ = MessageType::new(Method::BINDING, Class::Request);
        let mut b = MessageBuilder::new(&mut bytes, typ, TransactionId::from_bytes([7; 12]));
        b.add(&Username(&format!("{}:peer", ours.ufrag)))
            .add(&Priority(0x6e00_ffff))
            .add_raw(floe_stun::AttributeType(0x0077), b"new")
            .add(&UseCandidate);
        if role == Role::Controlling {
            b.add(&IceControlling(u64::MAX));
        } else {
            b.add(&IceControlled(0));
        }
        sign(b, Some(&ours.pwd));
        let (code, signed) = deliver(&mut a, now, &bytes).expect("an error response");
        assert_eq!(code, ErrorCode::UNKNOWN_ATTRIBUTE);
        assert!(signed, "the answer to an authenticated check is signed");
        assert_eq!(a.role(), role, "the role changed");
        assert!(a.pairs().is_empty(), "a pair was formed");
        assert!(a.poll_event().is_none(), "an event (prflx?)");
        assert!(a.poll_transmit().is_none(), "a triggered check");
    }
}

#[test]
fn an_authenticated_check_learns_a_peer_reflexive_candidate_and_triggers_a_check() {
    let (mut a, s, now) = agent(Role::Controlled);
    let ours = a.local_credentials().clone();
    let bytes = check(
        Some(&format!("{}:peer", ours.ufrag)),
        Some(&ours.pwd),
        Role2::Controlling(1),
        false,
        9,
    );
    let (code, signed) = deliver(&mut a, now, &bytes).unwrap();
    assert_eq!((code, signed), (ErrorCode(200), true));
    assert!(matches!(
        a.poll_event(),
        Some(IceEvent::DiscoveredRemote { stream, address }) if stream == s && address == PEER.parse().unwrap()
    ));
    assert_eq!(a.pairs().len(), 1);
    // The triggered check goes out on the next tick.
    a.handle_timeout(now);
    let t = a.poll_transmit().expect("triggered check");
    assert_eq!(t.destination, PEER.parse::<SocketAddr>().unwrap());
    let m = Message::parse(&t.contents).unwrap();
    m.verify_integrity(&IntegrityKey::short_term("the-peer-password-22-chars"))
        .unwrap();
}

#[test]
fn role_conflict_as_responder_487_or_switch() {
    // Controlling, the peer also controlling with a lower tie-breaker: 487, signed.
    let (mut a, _, now) = agent(Role::Controlling);
    let ours = a.local_credentials().clone();
    let user = format!("{}:peer", ours.ufrag);
    let bytes = check(
        Some(&user),
        Some(&ours.pwd),
        Role2::Controlling(0),
        false,
        1,
    );
    assert_eq!(
        deliver(&mut a, now, &bytes),
        Some((ErrorCode::ROLE_CONFLICT, true))
    );
    assert_eq!(a.role(), Role::Controlling);
    // With a higher tie-breaker the agent switches and answers.
    let bytes = check(
        Some(&user),
        Some(&ours.pwd),
        Role2::Controlling(u64::MAX),
        false,
        2,
    );
    assert_eq!(deliver(&mut a, now, &bytes), Some((ErrorCode(200), true)));
    assert_eq!(a.role(), Role::Controlled);
    // Controlled against a controlled peer: the higher tie-breaker switches to controlling.
    let (mut b, _, now) = agent(Role::Controlled);
    let ours = b.local_credentials().clone();
    let user = format!("{}:peer", ours.ufrag);
    let bytes = check(
        Some(&user),
        Some(&ours.pwd),
        Role2::Controlled(u64::MAX),
        false,
        3,
    );
    assert_eq!(
        deliver(&mut b, now, &bytes),
        Some((ErrorCode::ROLE_CONFLICT, true))
    );
    let bytes = check(Some(&user), Some(&ours.pwd), Role2::Controlled(0), false, 4);
    assert_eq!(deliver(&mut b, now, &bytes), Some((ErrorCode(200), true)));
    assert_eq!(b.role(), Role::Controlling);
}

/// The agent's next check toward the peer (after adding the peer as a remote candidate).
fn next_check(a: &mut IceAgent, s: StreamId, now: Instant) -> Vec<u8> {
    let line = format!(
        "candidate:1 1 udp 2130706431 {} {} typ host",
        "203.0.113.9", 7000
    );
    let c = floe_ice_candidate::Candidate::parse(&line).unwrap();
    a.add_remote_candidate(now, s, &c).unwrap();
    a.handle_timeout(now);
    a.poll_transmit().expect("a check").contents.to_vec()
}

fn error_response(request: &[u8], code: ErrorCode, pwd: Option<&str>) -> Vec<u8> {
    let req = Message::parse(request).unwrap();
    let mut buf = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Error);
    let mut b = MessageBuilder::new(&mut buf, typ, *req.transaction_id());
    b.add(&ErrorCodeAttribute::new(code));
    sign(b, pwd);
    buf
}

#[test]
fn a_487_response_switches_the_role_only_when_authenticated_and_fresh() {
    let (mut a, s, now) = agent(Role::Controlling);
    let request = next_check(&mut a, s, now);
    let flow = FiveTuple::new(
        Transport::Udp,
        LOCAL.parse().unwrap(),
        PEER.parse().unwrap(),
    );
    // Forged (unsigned) 487: ignored, the check goes on.
    let forged = error_response(&request, ErrorCode::ROLE_CONFLICT, None);
    a.handle_receive(now, flow, &forged).unwrap();
    assert_eq!(a.role(), Role::Controlling);
    // Signed with the wrong key: ignored.
    let wrong = error_response(
        &request,
        ErrorCode::ROLE_CONFLICT,
        Some("wrong-password-0000000"),
    );
    a.handle_receive(now, flow, &wrong).unwrap();
    assert_eq!(a.role(), Role::Controlling);
    // Authentic: the agent switches and retries the pair.
    let real = error_response(
        &request,
        ErrorCode::ROLE_CONFLICT,
        Some("the-peer-password-22-chars"),
    );
    a.handle_receive(now, flow, &real).unwrap();
    assert_eq!(a.role(), Role::Controlled);
    // The same 487 again (its transaction ended): stale, ignored.
    a.handle_receive(now, flow, &real).unwrap();
    assert_eq!(a.role(), Role::Controlled);
    a.handle_timeout(now + core::time::Duration::from_millis(100));
    let retry = a.poll_transmit().expect("the pair is checked again");
    let m = Message::parse(&retry.contents).unwrap();
    assert!(m.get::<IceControlled>().unwrap().is_some());
}
