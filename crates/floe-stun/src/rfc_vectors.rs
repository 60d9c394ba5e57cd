//! The published test vectors, RFC 5769 §2.1–2.4 and RFC 8489 Appendix B.1 as corrected by
//! Errata 6268 (typed in once, in `floe_corpus`). Each is decoded field by field, verified with
//! the published credentials, and re-encoded byte for byte from the decoded fields.

use alloc::vec::Vec;
use core::net::SocketAddr;

use crate::attributes::{
    IceControlled, MessageIntegrity, MessageIntegritySha256, Nonce, PasswordAlgorithmAttribute,
    Priority, Realm, Software, Userhash, Username, XorMappedAddress,
};
use crate::integrity::userhash;
use crate::{
    AttributeType, Class, IntegrityKey, Message, MessageBuilder, Method, PasswordAlgorithm,
    TransactionId,
};

use floe_corpus::rfc5769::{
    LONG_TERM_NONCE, LONG_TERM_PASSWORD, LONG_TERM_REALM, LONG_TERM_TRANSACTION_ID,
    LONG_TERM_USERNAME as USER, PASSWORD, SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE,
    SAMPLE_LONG_TERM_REQUEST, SAMPLE_REQUEST, TRANSACTION_ID, USERNAME,
};
use floe_corpus::rfc8489;

fn types(msg: &Message<'_>) -> Vec<AttributeType> {
    msg.attributes().map(|a| a.typ).collect()
}

#[test]
fn rfc5769_2_1_sample_request() {
    let bytes = SAMPLE_REQUEST;
    let msg = Message::parse(bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Request)
    );
    assert_eq!(msg.transaction_id().0, TRANSACTION_ID);
    assert_eq!(
        types(&msg),
        [
            AttributeType::SOFTWARE,
            AttributeType::PRIORITY,
            AttributeType::ICE_CONTROLLED,
            AttributeType::USERNAME,
            AttributeType::MESSAGE_INTEGRITY,
            AttributeType::FINGERPRINT
        ]
    );
    let software = msg.require::<Software<'_>>().unwrap();
    let priority = msg.require::<Priority>().unwrap();
    let controlled = msg.require::<IceControlled>().unwrap();
    let username = msg.require::<Username<'_>>().unwrap();
    assert_eq!(software, Software("STUN test client"));
    assert_eq!(priority, Priority(0x6e00_01ff));
    assert_eq!(controlled, IceControlled(0x932f_f9b1_5126_3b36));
    assert_eq!(username, Username(USERNAME));
    let key = IntegrityKey::short_term(PASSWORD);
    assert_eq!(
        msg.verify_integrity(&key),
        Ok(AttributeType::MESSAGE_INTEGRITY)
    );
    msg.verify_fingerprint().unwrap();
    assert!(msg.get::<MessageIntegrity>().unwrap().is_some());

    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, msg.message_type(), *msg.transaction_id());
    b.padding_byte(0x20)
        .add(&software)
        .add(&priority)
        .add(&controlled)
        .add(&username);
    assert_eq!(
        b.message_integrity(&key).unwrap().fingerprint().unwrap(),
        bytes
    );
}

fn check_response(bytes: &[u8], mapped: &str) {
    let msg = Message::parse(bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Success)
    );
    assert_eq!(msg.transaction_id().0, TRANSACTION_ID);
    let software = msg.require::<Software<'_>>().unwrap();
    let address = msg.require::<XorMappedAddress>().unwrap();
    assert_eq!(software, Software("test vector"));
    assert_eq!(
        address,
        XorMappedAddress(mapped.parse::<SocketAddr>().unwrap())
    );
    let key = IntegrityKey::short_term(PASSWORD);
    msg.verify_message_integrity(&key).unwrap();
    msg.verify_fingerprint().unwrap();

    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, msg.message_type(), *msg.transaction_id());
    b.padding_byte(0x20).add(&software).add(&address);
    assert_eq!(
        b.message_integrity(&key).unwrap().fingerprint().unwrap(),
        bytes
    );
}

#[test]
fn rfc5769_2_2_ipv4_response() {
    check_response(SAMPLE_IPV4_RESPONSE, "192.0.2.1:32853");
}

#[test]
fn rfc5769_2_3_ipv6_response() {
    check_response(
        SAMPLE_IPV6_RESPONSE,
        "[2001:db8:1234:5678:11:2233:4455:6677]:32853",
    );
}

#[test]
fn rfc5769_2_4_long_term_request() {
    let bytes = SAMPLE_LONG_TERM_REQUEST;
    let msg = Message::parse(bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Request)
    );
    assert_eq!(msg.transaction_id().0, LONG_TERM_TRANSACTION_ID);
    let username = msg.require::<Username<'_>>().unwrap();
    let nonce = msg.require::<Nonce<'_>>().unwrap();
    let realm = msg.require::<Realm<'_>>().unwrap();
    assert_eq!(username, Username(USER));
    assert_eq!(nonce, Nonce(LONG_TERM_NONCE));
    assert_eq!(nonce.security_features(), None);
    assert_eq!(realm, Realm(LONG_TERM_REALM));
    assert_eq!(msg.fingerprint_offset(), None);
    let key = IntegrityKey::long_term_md5(username.0, realm.0, LONG_TERM_PASSWORD);
    msg.verify_integrity(&key).unwrap();
    assert!(
        msg.verify_integrity(&IntegrityKey::short_term(LONG_TERM_PASSWORD))
            .is_err()
    );

    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, msg.message_type(), *msg.transaction_id());
    b.add(&username).add(&nonce).add(&realm);
    assert_eq!(b.message_integrity(&key).unwrap().finish().unwrap(), bytes);
}

#[test]
fn rfc8489_b1_errata_6268_sha256_userhash() {
    let bytes = rfc8489::SAMPLE_REQUEST_SHA256;
    let msg = Message::parse(bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Request)
    );
    assert_eq!(
        msg.transaction_id(),
        &TransactionId::from_bytes(LONG_TERM_TRANSACTION_ID)
    );
    let hash = msg.require::<Userhash>().unwrap();
    let nonce = msg.require::<Nonce<'_>>().unwrap();
    let realm = msg.require::<Realm<'_>>().unwrap();
    let algorithm = msg.require::<PasswordAlgorithmAttribute<'_>>().unwrap();
    assert_eq!(hash, Userhash(userhash(USER, LONG_TERM_REALM)));
    assert_eq!(nonce, Nonce(rfc8489::NONCE));
    assert_eq!(nonce.security_features(), Some(2));
    assert_eq!(realm, Realm(LONG_TERM_REALM));
    assert_eq!(
        algorithm,
        PasswordAlgorithmAttribute::new(PasswordAlgorithm::SHA256)
    );
    assert_eq!(
        msg.require::<MessageIntegritySha256<'_>>().unwrap().0.len(),
        32
    );

    let key =
        IntegrityKey::long_term(algorithm.algorithm, USER, realm.0, LONG_TERM_PASSWORD).unwrap();
    assert_eq!(
        msg.verify_integrity(&key),
        Ok(AttributeType::MESSAGE_INTEGRITY_SHA256)
    );
    let md5 = IntegrityKey::long_term_md5(USER, realm.0, LONG_TERM_PASSWORD);
    assert!(msg.verify_integrity(&md5).is_err());

    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, msg.message_type(), *msg.transaction_id());
    b.add(&hash).add(&nonce).add(&realm).add(&algorithm);
    assert_eq!(
        b.message_integrity_sha256(&key).unwrap().finish().unwrap(),
        bytes
    );
}
