//! The published test vectors, typed in: RFC 5769 §2.1–2.4 and RFC 8489 Appendix B.1 as
//! corrected by Errata 6268. Each is decoded field by field, verified with the published
//! credentials, and re-encoded byte for byte from the decoded fields.

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

fn unhex(parts: &[&str]) -> Vec<u8> {
    hex::decode(parts.concat()).unwrap()
}

/// RFC 5769 §2.1 sample request.
pub(crate) const REQUEST_2_1: &[&str] = &[
    "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573",
    "7420636c69656e74002400046e0001ff80290008932ff9b151263b3600060009",
    "6576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249",
    "c1b571a280280004e57a3bcf",
];
const RESPONSE_2_2: &[&str] = &[
    "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563",
    "746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f9",
    "2af9ba53f06be7d780280004c07d4c96",
];
const RESPONSE_2_3: &[&str] = &[
    "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563",
    "746f7220002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014",
    "a382954e4be67bf11784c97c8292c275bfe3ed4180280004c8fb0b4c",
];
const REQUEST_2_4: &[&str] = &[
    "000100602112a44278ad3433c6ad72c029da412e00060012e3839ee38388e383",
    "aae38383e382afe382b900000015001c662f2f3439396b39353464364f4c3334",
    "6f4c394653547679363473410014000b6578616d706c652e6f72670000080014",
    "f67024656dd64a3e02b8e0712e85c9a28ca89666",
];
const REQUEST_B_1: &[&str] = &[
    "000100902112a44278ad3433c6ad72c029da412e001e00204a3cf38fef6992bd",
    "a952c6780417da0f24819415569e60b205c46e41407f1704001500296f624d61",
    "744a6f733241414143662f2f3439396b39353464364f4c33346f4c3946535476",
    "79363473410000000014000b6578616d706c652e6f726700001d000400020000",
    "001c0020b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278c",
    "c6518e65",
];

const PASSWORD: &str = "VOkJxbRl1RmTxUk/WvJxBt";
const TID_5769: [u8; 12] = [
    0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
];
const TID_LONG_TERM: [u8; 12] = [
    0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e,
];
/// "マトリックス" (RFC 5769 §2.4).
const USER: &str = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}";
/// "The\u{AD}M\u{AA}tr\u{2168}" after SASLprep.
const LONG_TERM_PASSWORD: &str = "TheMatrIX";

fn types(msg: &Message<'_>) -> Vec<AttributeType> {
    msg.attributes().map(|a| a.typ).collect()
}

#[test]
fn rfc5769_2_1_sample_request() {
    let bytes = unhex(REQUEST_2_1);
    let msg = Message::parse(&bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Request)
    );
    assert_eq!(msg.transaction_id().0, TID_5769);
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
    assert_eq!(username, Username("evtj:h6vY"));
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
        &bytes[..]
    );
}

fn check_response(parts: &[&str], mapped: &str) {
    let bytes = unhex(parts);
    let msg = Message::parse(&bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Success)
    );
    assert_eq!(msg.transaction_id().0, TID_5769);
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
        &bytes[..]
    );
}

#[test]
fn rfc5769_2_2_ipv4_response() {
    check_response(RESPONSE_2_2, "192.0.2.1:32853");
}

#[test]
fn rfc5769_2_3_ipv6_response() {
    check_response(RESPONSE_2_3, "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
}

#[test]
fn rfc5769_2_4_long_term_request() {
    let bytes = unhex(REQUEST_2_4);
    let msg = Message::parse(&bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Request)
    );
    assert_eq!(msg.transaction_id().0, TID_LONG_TERM);
    let username = msg.require::<Username<'_>>().unwrap();
    let nonce = msg.require::<Nonce<'_>>().unwrap();
    let realm = msg.require::<Realm<'_>>().unwrap();
    assert_eq!(username, Username(USER));
    assert_eq!(nonce, Nonce("f//499k954d6OL34oL9FSTvy64sA"));
    assert_eq!(nonce.security_features(), None);
    assert_eq!(realm, Realm("example.org"));
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
    assert_eq!(
        b.message_integrity(&key).unwrap().finish().unwrap(),
        &bytes[..]
    );
}

#[test]
fn rfc8489_b1_errata_6268_sha256_userhash() {
    let bytes = unhex(REQUEST_B_1);
    let msg = Message::parse(&bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Request)
    );
    assert_eq!(
        msg.transaction_id(),
        &TransactionId::from_bytes(TID_LONG_TERM)
    );
    let hash = msg.require::<Userhash>().unwrap();
    let nonce = msg.require::<Nonce<'_>>().unwrap();
    let realm = msg.require::<Realm<'_>>().unwrap();
    let algorithm = msg.require::<PasswordAlgorithmAttribute<'_>>().unwrap();
    assert_eq!(hash, Userhash(userhash(USER, "example.org")));
    assert_eq!(nonce, Nonce("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"));
    assert_eq!(nonce.security_features(), Some(2));
    assert_eq!(realm, Realm("example.org"));
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
        &bytes[..]
    );
}
