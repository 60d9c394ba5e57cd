//! Structure-aware STUN: a message built by floe-stun's builder from an `arbitrary` method,
//! class and attribute list (typed attributes and raw unknown ones), sealed with
//! MESSAGE-INTEGRITY under a short-term key from arbitrary bytes and FINGERPRINT. It must parse,
//! every attribute must read back as written, and the real checks run (the `cfg(fuzzing)`
//! bypass is off here): the right key verifies, a different key does not.
#![no_main]

use std::net::{IpAddr, SocketAddr};

use arbitrary::Arbitrary;
use floe_stun::attributes::{
    AnyAttribute, ChannelNumber, ErrorCodeAttribute, IceControlled, IceControlling, Lifetime,
    Priority, Realm, RequestedTransport, Software, UseCandidate, Username, XorMappedAddress,
    XorPeerAddress,
};
use floe_stun::{
    AttributeType, Class, ErrorCode, IntegrityKey, Message, MessageBuilder, MessageType, Method,
    TransactionId,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Attr<'a> {
    Username(&'a str),
    Software(&'a str),
    Realm(&'a str),
    Priority(u32),
    Lifetime(u32),
    IceControlling(u64),
    IceControlled(u64),
    UseCandidate,
    /// An address and port (STUN carries no IPv6 flow label or scope).
    XorMapped(IpAddr, u16),
    XorPeer(IpAddr, u16),
    Channel(u16),
    Transport(u8),
    Error(u16),
    /// An attribute of a type the registry does not know, kept raw.
    Unknown {
        typ: u16,
        value: &'a [u8],
    },
}

impl<'a> Attr<'a> {
    /// The attribute as the decoder must give it back; `None` for a raw type that is known.
    fn any(&self) -> Option<AnyAttribute<'a>> {
        Some(match *self {
            Self::Username(s) => AnyAttribute::Username(Username(s)),
            Self::Software(s) => AnyAttribute::Software(Software(s)),
            Self::Realm(s) => AnyAttribute::Realm(Realm(s)),
            Self::Priority(p) => AnyAttribute::Priority(Priority(p)),
            Self::Lifetime(l) => AnyAttribute::Lifetime(Lifetime(l)),
            Self::IceControlling(t) => AnyAttribute::IceControlling(IceControlling(t)),
            Self::IceControlled(t) => AnyAttribute::IceControlled(IceControlled(t)),
            Self::UseCandidate => AnyAttribute::UseCandidate(UseCandidate),
            Self::XorMapped(ip, port) => {
                AnyAttribute::XorMappedAddress(XorMappedAddress(SocketAddr::new(ip, port)))
            }
            Self::XorPeer(ip, port) => {
                AnyAttribute::XorPeerAddress(XorPeerAddress(SocketAddr::new(ip, port)))
            }
            Self::Channel(c) => AnyAttribute::ChannelNumber(ChannelNumber(c)),
            Self::Transport(t) => AnyAttribute::RequestedTransport(RequestedTransport(t)),
            Self::Error(c) => {
                AnyAttribute::ErrorCode(ErrorCodeAttribute::new(ErrorCode(300 + c % 400)))
            }
            Self::Unknown { typ, value } => {
                let typ = AttributeType(typ);
                if typ.name().is_some() {
                    return None;
                }
                AnyAttribute::Other { typ, value }
            }
        })
    }
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: u16,
    class: u8,
    tid: [u8; 12],
    attrs: Vec<Attr<'a>>,
    key: &'a [u8],
    other_key: &'a [u8],
}

/// Whether two keys give the same HMAC-SHA1: keys up to the 64-byte block are padded with
/// zeros, so `k` and `k\0` are one key (longer keys are hashed first).
fn same_hmac_key(a: &[u8], b: &[u8]) -> bool {
    let trim = |k: &[u8]| {
        let end = k.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
        k[..end].to_vec()
    };
    match (a.len() <= 64, b.len() <= 64) {
        (true, true) => trim(a) == trim(b),
        (false, false) => a == b,
        _ => false,
    }
}

fuzz_target!(|input: Input<'_>| {
    floe_stun::integrity::set_fuzzing_bypass(false);
    let typ = MessageType::new(
        Method::new(input.method & Method::MAX).expect("12 bits"),
        Class::from_bits(input.class),
    );
    let tid = TransactionId::from_bytes(input.tid);
    let attrs: Vec<_> = input.attrs.iter().filter_map(Attr::any).collect();
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, typ, tid);
    for a in &attrs {
        b.add_any(a);
    }
    let key = IntegrityKey::from_bytes(input.key);
    // Values over their limits or a message over 64 KiB are refused by the builder: fine.
    let Ok(bytes) = b.message_integrity(&key).and_then(|s| s.fingerprint()) else {
        return;
    };
    let msg = Message::parse(bytes).expect("what the builder seals parses");
    assert_eq!((msg.message_type(), *msg.transaction_id()), (typ, tid));
    let read: Vec<_> = msg
        .attributes()
        .take(attrs.len())
        .map(|raw| AnyAttribute::decode(raw, &tid))
        .collect();
    assert_eq!(read, attrs.into_iter().map(Ok).collect::<Vec<_>>());
    msg.verify_fingerprint().expect("our FINGERPRINT");
    msg.verify_integrity(&key).expect("the right key");
    if !same_hmac_key(input.key, input.other_key) {
        let other = IntegrityKey::from_bytes(input.other_key);
        assert!(
            msg.verify_integrity(&other).is_err(),
            "a different key verified"
        );
    }
});
