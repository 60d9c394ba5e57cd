//! Unit tests of the Binding responder: every rule of RFC 8489 §6.3 and §9.1.3 it applies.

use super::*;
use crate::attributes::{Fingerprint, Priority};
use crate::transaction_id::TransactionId;

/// A test request's credentials: user and the password with the MAC kind it signs with.
type Creds<'a> = (Option<&'a str>, Option<(&'a str, IntegrityKind)>);

const FROM: &str = "198.51.100.7:5000";

/// A request: `user`, signed with `key` by `kind` when given, plus `extra` raw attributes.
fn request(
    method: Method,
    class: Class,
    user: Option<&str>,
    key: Option<(&str, IntegrityKind)>,
    extra: &[(u16, &[u8])],
) -> Vec<u8> {
    let mut buf = Vec::new();
    let typ = MessageType::new(method, class);
    let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([9; 12]));
    if let Some(u) = user {
        b.add(&Username(u));
    }
    b.add(&Priority(0x6e00_01ff));
    for (t, v) in extra {
        b.add_raw(AttributeType(*t), v);
    }
    match key {
        None => b.fingerprint().unwrap(),
        Some((k, IntegrityKind::Sha1)) => b
            .message_integrity(&IntegrityKey::short_term(k))
            .unwrap()
            .fingerprint()
            .unwrap(),
        Some((k, IntegrityKind::Sha256)) => b
            .message_integrity_sha256(&IntegrityKey::short_term(k))
            .unwrap()
            .fingerprint()
            .unwrap(),
    };
    buf
}

fn lookup(user: &str) -> Option<IntegrityKey<'static>> {
    (user == "alice").then(|| IntegrityKey::short_term("secret"))
}

fn answer_short_term(bytes: &[u8], out: &mut Vec<u8>) -> BindingAnswer {
    let msg = Message::parse(bytes).unwrap();
    BindingResponder::new()
        .software("floe test")
        .answer_short_term(&msg, FROM.parse().unwrap(), lookup, out)
}

#[test]
fn authenticated_request_gets_a_signed_success_with_its_own_mac() {
    for kind in [IntegrityKind::Sha1, IntegrityKind::Sha256] {
        let req = request(
            Method::BINDING,
            Class::Request,
            Some("alice"),
            Some(("secret", kind)),
            &[],
        );
        let mut out = Vec::new();
        assert_eq!(answer_short_term(&req, &mut out), BindingAnswer::Success);
        let resp = Message::parse(&out).unwrap();
        assert_eq!(resp.class(), Class::Success);
        assert_eq!(resp.transaction_id(), &TransactionId::from_bytes([9; 12]));
        assert_eq!(resp.integrity_kind(), Some(kind));
        resp.verify_integrity(&IntegrityKey::short_term("secret"))
            .unwrap();
        resp.verify_fingerprint().unwrap();
        assert_eq!(
            resp.get::<XorMappedAddress>().unwrap(),
            Some(XorMappedAddress(FROM.parse().unwrap()))
        );
        assert_eq!(
            resp.get::<Software<'_>>().unwrap(),
            Some(Software("floe test"))
        );
    }
}

#[test]
fn short_term_failures_get_400_or_401_unsigned() {
    let cases: [(Creds<'_>, ErrorCode); 4] = [
        ((Some("alice"), None), ErrorCode::BAD_REQUEST),
        (
            (None, Some(("secret", IntegrityKind::Sha1))),
            ErrorCode::BAD_REQUEST,
        ),
        (
            (Some("mallory"), Some(("secret", IntegrityKind::Sha1))),
            ErrorCode::UNAUTHENTICATED,
        ),
        (
            (Some("alice"), Some(("wrong", IntegrityKind::Sha256))),
            ErrorCode::UNAUTHENTICATED,
        ),
    ];
    for ((user, key), code) in cases {
        let req = request(Method::BINDING, Class::Request, user, key, &[]);
        let mut out = Vec::new();
        assert_eq!(
            answer_short_term(&req, &mut out),
            BindingAnswer::Error(code),
            "{user:?}"
        );
        let resp = Message::parse(&out).unwrap();
        assert_eq!(resp.class(), Class::Error);
        assert_eq!(resp.integrity_kind(), None, "a {code:?} must not be signed");
        let e = resp.get::<ErrorCodeAttribute<'_>>().unwrap().unwrap();
        assert_eq!(e.code, code);
        assert_eq!(resp.get::<XorMappedAddress>().unwrap(), None);
    }
}

#[test]
fn unknown_comprehension_required_gets_420_after_authentication() {
    // 0x0003 CHANGE-REQUEST is not served; 0x7777 is unknown; 0xC001 is optional.
    let extra: &[(u16, &[u8])] = &[(0x0003, &[0, 0, 0, 4]), (0x7777, b"x"), (0xC001, b"y")];
    let req = request(
        Method::BINDING,
        Class::Request,
        Some("alice"),
        Some(("secret", IntegrityKind::Sha1)),
        extra,
    );
    let mut out = Vec::new();
    assert_eq!(
        answer_short_term(&req, &mut out),
        BindingAnswer::Error(ErrorCode::UNKNOWN_ATTRIBUTE)
    );
    let resp = Message::parse(&out).unwrap();
    resp.verify_integrity(&IntegrityKey::short_term("secret"))
        .unwrap();
    let listed = resp.get::<UnknownAttributes<'_>>().unwrap().unwrap();
    assert_eq!(
        listed.iter().collect::<Vec<_>>(),
        [AttributeType(0x0003), AttributeType(0x7777)]
    );
    // Unauthenticated, the same request learns nothing but 401.
    let req = request(
        Method::BINDING,
        Class::Request,
        Some("mallory"),
        Some(("secret", IntegrityKind::Sha1)),
        extra,
    );
    assert_eq!(
        answer_short_term(&req, &mut out),
        BindingAnswer::Error(ErrorCode::UNAUTHENTICATED)
    );
    // Without credentials, 420 unsigned.
    let req = request(Method::BINDING, Class::Request, None, None, extra);
    let msg = Message::parse(&req).unwrap();
    let answer = BindingResponder::new().answer(&msg, FROM.parse().unwrap(), &mut out);
    assert_eq!(answer, BindingAnswer::Error(ErrorCode::UNKNOWN_ATTRIBUTE));
    assert_eq!(Message::parse(&out).unwrap().integrity_kind(), None);
}

#[test]
fn no_auth_answers_any_binding_request_and_ignores_its_mac() {
    let req = request(
        Method::BINDING,
        Class::Request,
        Some("x"),
        Some(("any", IntegrityKind::Sha1)),
        &[],
    );
    let msg = Message::parse(&req).unwrap();
    let mut out = Vec::new();
    let r = BindingResponder::new().fingerprint(false);
    assert_eq!(
        r.answer(&msg, FROM.parse().unwrap(), &mut out),
        BindingAnswer::Success
    );
    let resp = Message::parse(&out).unwrap();
    assert_eq!(
        (resp.integrity_kind(), resp.fingerprint_offset()),
        (None, None)
    );
}

#[test]
fn other_methods_indications_responses_and_bad_fingerprints_are_not_answered() {
    let r = BindingResponder::new();
    let from = FROM.parse().unwrap();
    let mut out = alloc::vec![0xa5; 8];
    let allocate = request(Method::ALLOCATE, Class::Request, None, None, &[]);
    let msg = Message::parse(&allocate).unwrap();
    assert_eq!(r.answer(&msg, from, &mut out), BindingAnswer::NotBinding);
    assert!(out.is_empty());
    for class in [Class::Indication, Class::Success, Class::Error] {
        let m = request(Method::BINDING, class, None, None, &[]);
        let msg = Message::parse(&m).unwrap();
        assert_eq!(r.answer(&msg, from, &mut out), BindingAnswer::Ignored);
        assert_eq!(
            r.answer_short_term(&msg, from, lookup, &mut out),
            BindingAnswer::Ignored
        );
        assert!(out.is_empty());
    }
    let mut bad = request(Method::BINDING, Class::Request, None, None, &[]);
    let n = bad.len();
    bad[n - 1] ^= 1;
    let msg = Message::parse(&bad).unwrap();
    assert!(msg.get::<Fingerprint>().is_ok());
    assert_eq!(r.answer(&msg, from, &mut out), BindingAnswer::Ignored);
}

#[test]
fn the_signed_success_written_in_place_is_what_the_builder_writes() {
    let key = IntegrityKey::short_term("the-password");
    let req = request(
        Method::BINDING,
        Class::Request,
        Some("a:b"),
        Some(("the-password", IntegrityKind::Sha1)),
        &[],
    );
    let msg = Message::parse(&req).unwrap();
    for from in ["198.51.100.7:5000", "[2001:db8::7]:5000"] {
        let source: SocketAddr = from.parse().unwrap();
        let mut fast = Vec::from([0xee; 7]); // leftovers must not survive
        write_signed_success(&msg, source, &key, &mut fast);
        let mut built = Vec::new();
        let typ = MessageType::new(Method::BINDING, Class::Success);
        let mut b = MessageBuilder::new(&mut built, typ, *msg.transaction_id());
        b.add(&XorMappedAddress(source));
        b.seal(Some((&key, IntegrityKind::Sha1)), true).unwrap();
        assert_eq!(fast, built, "{from}");
        let m = Message::parse(&fast).unwrap();
        m.verify_integrity(&key).unwrap();
        m.verify_fingerprint().unwrap();
        assert_eq!(m.get::<XorMappedAddress>().unwrap().unwrap().0, source);
    }
}
