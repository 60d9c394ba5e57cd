//! Property: no input makes decoding panic, whatever function is asked to look at it.

use floe_stun::attributes::AnyAttribute;
use floe_stun::channel_data::ChannelData;
use floe_stun::demux::classify;
use floe_stun::framing::{StreamFramer, next_frame};
use floe_stun::{Header, IntegrityKey, MAGIC_COOKIE, Message, ParseError};
use proptest::prelude::*;

fn exercise(bytes: &[u8]) {
    let _ = classify(bytes);
    let _ = Header::peek(bytes);
    let _ = next_frame(bytes);
    let _ = ChannelData::parse(bytes);
    let mut framer = StreamFramer::new();
    framer.push(bytes);
    while let Ok(Some(_)) = framer.pop() {}
    if let Ok(msg) = Message::parse(bytes) {
        for raw in msg.attributes() {
            let _ = AnyAttribute::decode(raw, msg.transaction_id());
        }
        let _ = msg.verify_fingerprint();
        let _ = msg.verify_integrity(&IntegrityKey::short_term("pw"));
        let _ = msg.verify_message_integrity(&IntegrityKey::short_term("pw"));
        let _ = format!("{msg:?}");
    }
}

/// Bytes that pass the header checks, so the attribute walk gets exercised.
fn stun_like() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<u16>(),
        any::<[u8; 12]>(),
        proptest::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(typ, tid, mut body)| {
            body.truncate(body.len() & !3);
            let mut v = Vec::with_capacity(20 + body.len());
            v.extend_from_slice(&(typ & 0x3FFF).to_be_bytes());
            v.extend_from_slice(&(body.len() as u16).to_be_bytes());
            v.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
            v.extend_from_slice(&tid);
            v.extend_from_slice(&body);
            v
        })
}

/// Well-formed TLV sequences with random types (so typed decoders see random values).
fn tlvs() -> impl Strategy<Value = Vec<u8>> {
    let attr = (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..40));
    (any::<[u8; 12]>(), proptest::collection::vec(attr, 0..10)).prop_map(|(tid, attrs)| {
        let mut v = vec![0, 1, 0, 0];
        v.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
        v.extend_from_slice(&tid);
        for (t, val) in attrs {
            // Favour known types in the low range.
            let t = if t & 0x8000 == 0 {
                t & 0x3F
            } else {
                0x8000 | (t & 0xC07F)
            };
            v.extend_from_slice(&t.to_be_bytes());
            v.extend_from_slice(&(val.len() as u16).to_be_bytes());
            v.extend_from_slice(&val);
            v.resize((v.len() + 3) & !3, 0);
        }
        let len = (v.len() - 20) as u16;
        v[2..4].copy_from_slice(&len.to_be_bytes());
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        exercise(&bytes);
    }

    #[test]
    fn stun_shaped_bytes(bytes in stun_like()) {
        exercise(&bytes);
    }

    #[test]
    fn well_formed_walks_with_random_values(bytes in tlvs()) {
        // Only a FINGERPRINT that is not last may fail a well-formed walk.
        let walked = matches!(
            Message::parse(&bytes),
            Ok(_) | Err(ParseError::AfterFingerprint { .. })
        );
        prop_assert!(walked);
        exercise(&bytes);
    }
}
