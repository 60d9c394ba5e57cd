//! Property: flipping any single bit of a protected message makes it fail to parse, or fail
//! MESSAGE-INTEGRITY(-SHA256), or fail FINGERPRINT.

use floe_stun::attributes::{Data, Lifetime, Software, Username, XorPeerAddress};
use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy)]
enum Seal {
    Integrity,
    IntegrityFingerprint,
    Sha256Fingerprint(usize),
    Both,
}

fn passes(bytes: &[u8], key: &IntegrityKey<'_>, fingerprinted: bool) -> bool {
    let Ok(msg) = Message::parse(bytes) else {
        return false;
    };
    msg.verify_integrity(key).is_ok() && (!fingerprinted || msg.verify_fingerprint().is_ok())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_single_bit_flip_is_detected(
        tid in any::<[u8; 12]>(),
        user in "[a-z:]{0,20}",
        software in "[ -~]{0,30}",
        data in proptest::collection::vec(any::<u8>(), 0..40),
        peers in proptest::collection::vec(any::<core::net::SocketAddr>(), 0..3),
        lifetime in proptest::option::of(any::<u32>()),
        seal in prop_oneof![
            Just(Seal::Integrity),
            Just(Seal::IntegrityFingerprint),
            Just(Seal::Both),
            (4usize..=8).prop_map(|n| Seal::Sha256Fingerprint(n * 4)),
        ],
        password in "[ -~]{1,24}",
    ) {
        let key = IntegrityKey::long_term_md5(&user, "realm", &password);
        let mut buf = Vec::new();
        let typ = MessageType::new(Method::SEND, Class::Indication);
        let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes(tid));
        b.padding_byte(0x20).add(&Username(&user)).add(&Software(&software)).add(&Data(&data));
        for p in &peers {
            b.add(&XorPeerAddress(*p));
        }
        if let Some(l) = lifetime {
            b.add(&Lifetime(l));
        }
        let (bytes, fingerprinted) = match seal {
            Seal::Integrity => (b.message_integrity(&key).unwrap().finish().unwrap(), false),
            Seal::IntegrityFingerprint => (b.message_integrity(&key).unwrap().fingerprint().unwrap(), true),
            Seal::Sha256Fingerprint(n) => {
                (b.message_integrity_sha256_truncated(&key, n).unwrap().fingerprint().unwrap(), true)
            }
            Seal::Both => (
                b.message_integrity(&key).unwrap().message_integrity_sha256(&key).unwrap().fingerprint().unwrap(),
                true,
            ),
        };
        let mut bytes = bytes.to_vec();
        prop_assert!(passes(&bytes, &key, fingerprinted));
        for bit in 0..bytes.len() * 8 {
            bytes[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(!passes(&bytes, &key, fingerprinted), "flip of bit {} went unnoticed", bit);
            bytes[bit / 8] ^= 1 << (bit % 8);
        }
    }
}
