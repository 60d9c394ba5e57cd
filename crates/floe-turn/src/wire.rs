//! Glue between the floe-stun codec and the TURN state machines: parsing with FINGERPRINT
//! checked, building and sealing messages with the right MAC, and the attributes this crate
//! understands (for 420 Unknown Attribute, RFC 8489 §6.3.1).

use floe_stun::attributes::{Attribute, Software};
use floe_stun::{
    AttributeType, Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId,
};

/// Which MAC protects a message (RFC 8489 §14.5, §14.6): floe-stun's own kind.
pub(crate) type Integrity = floe_stun::IntegrityKind;

/// The key and MAC a message is signed with, if any.
pub(crate) type Signer<'k> = Option<(IntegrityKey<'k>, Integrity)>;

/// Parses one STUN message; a present FINGERPRINT must be right (RFC 8489 §7.3).
pub(crate) fn parse(bytes: &[u8]) -> Option<Message<'_>> {
    let msg = Message::parse(bytes).ok()?;
    if msg.fingerprint_offset().is_some() && msg.verify_fingerprint().is_err() {
        return None;
    }
    Some(msg)
}

/// The first occurrence of attribute `A`, when present and well-formed.
pub(crate) fn get<'a, A: Attribute<'a>>(msg: &Message<'a>) -> Option<A> {
    msg.get::<A>().ok().flatten()
}

/// Checks MESSAGE-INTEGRITY(-SHA256) with `key` (constant-time in floe-stun).
pub(crate) fn verify(msg: &Message<'_>, key: &IntegrityKey<'_>) -> bool {
    msg.verify_integrity(key).is_ok()
}

/// Writes a whole message into `buf` (cleared first): header, `body`, SOFTWARE, the
/// integrity attribute of `signer`, FINGERPRINT. `false` when it does not fit a STUN message.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site per role; a struct adds nothing"
)]
pub(crate) fn build(
    buf: &mut Vec<u8>,
    method: Method,
    class: Class,
    tid: TransactionId,
    software: Option<&str>,
    signer: Signer<'_>,
    fingerprint: bool,
    body: impl FnOnce(&mut MessageBuilder<'_>),
) -> bool {
    buf.clear();
    let mut b = MessageBuilder::new(buf, MessageType::new(method, class), tid);
    body(&mut b);
    if let Some(s) = software {
        b.add(&Software(s));
    }
    b.seal(signer.as_ref().map(|(key, kind)| (key, *kind)), fingerprint)
        .is_ok()
}

/// The comprehension-required attributes TURN agents here understand (RFC 8489 §14,
/// RFC 8656 §18): those of a Binding request (floe-stun's responder) and TURN's own; anything
/// else in 0x0000–0x7FFF in a request gets 420.
pub(crate) fn is_known(typ: AttributeType) -> bool {
    floe_stun::binding::understands_binding(typ)
        || matches!(
            typ,
            AttributeType::CHANNEL_NUMBER
                | AttributeType::LIFETIME
                | AttributeType::XOR_PEER_ADDRESS
                | AttributeType::DATA
                | AttributeType::XOR_RELAYED_ADDRESS
                | AttributeType::REQUESTED_ADDRESS_FAMILY
                | AttributeType::EVEN_PORT
                | AttributeType::REQUESTED_TRANSPORT
                | AttributeType::DONT_FRAGMENT
                | AttributeType::RESERVATION_TOKEN
                | AttributeType::PADDING
                | AttributeType::RESPONSE_PORT
                | AttributeType::CONNECTION_ID
        )
}

#[cfg(test)]
mod tests {
    use floe_stun::attributes::{Username, XorPeerAddress};

    use super::*;

    #[test]
    fn build_then_parse_verifies_both_macs_and_rejects_a_bad_fingerprint() {
        let key = IntegrityKey::long_term_md5("alice", "example.org", "secret");
        let peer = "192.0.2.1:5000".parse().unwrap();
        for kind in [Integrity::Sha1, Integrity::Sha256] {
            let mut buf = vec![0xA5; 3];
            let tid = TransactionId::from_bytes([7; 12]);
            assert!(build(
                &mut buf,
                Method::CREATE_PERMISSION,
                Class::Request,
                tid,
                Some("floe"),
                Some((key.clone(), kind)),
                true,
                |b| {
                    b.add(&XorPeerAddress(peer)).add(&Username("alice"));
                },
            ));
            let m = parse(&buf).expect("parses");
            assert_eq!(get::<XorPeerAddress>(&m), Some(XorPeerAddress(peer)));
            assert_eq!(m.integrity_kind(), Some(kind));
            assert!(verify(&m, &key));
            assert!(!verify(&m, &IntegrityKey::from_bytes(b"wrong")));
            let n = buf.len();
            buf[n - 1] ^= 1;
            assert!(parse(&buf).is_none());
        }
    }

    #[test]
    fn knows_turn_attributes_only() {
        assert!(is_known(AttributeType::XOR_PEER_ADDRESS));
        assert!(!is_known(AttributeType(0x0042)));
    }
}
