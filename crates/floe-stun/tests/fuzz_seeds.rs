//! The seed corpora of the floe-stun fuzz targets (`fuzz/corpus/{stun_decode,stun_roundtrip,
//! channel_data}/`), written by our own encoder plus the RFC 5769 / RFC 8489 B.1 vectors.
//!
//! `seeds_are_current` fails when the committed seeds differ from what this file generates;
//! regenerate them with `FLOE_WRITE_FUZZ_SEEDS=1 cargo test -p floe-stun --test fuzz_seeds`.

use std::path::PathBuf;

use floe_corpus::{rfc5769, rfc8489};
use floe_stun::attributes::*;
use floe_stun::channel_data::{ChannelData, ChannelRange};
use floe_stun::{
    AddressFamily, AttributeType, Class, ErrorCode, IntegrityKey, MessageBuilder, MessageType,
    Method, PasswordAlgorithm, TransactionId,
};

/// RFC 5769 §2.1–2.4 and RFC 8489 App. B.1 (Errata 6268): the published vectors.
const VECTORS: [(&str, &[u8]); 5] = [
    ("rfc5769-2.1", rfc5769::SAMPLE_REQUEST),
    ("rfc5769-2.2", rfc5769::SAMPLE_IPV4_RESPONSE),
    ("rfc5769-2.3", rfc5769::SAMPLE_IPV6_RESPONSE),
    ("rfc5769-2.4", rfc5769::SAMPLE_LONG_TERM_REQUEST),
    ("rfc8489-b1", rfc8489::SAMPLE_REQUEST_SHA256),
];

fn tid(n: u8) -> TransactionId {
    TransactionId::from_bytes([n; 12])
}

fn addr(s: &str) -> core::net::SocketAddr {
    s.parse().unwrap()
}

/// STUN messages built with our encoder, one per shape the codec knows.
fn built_messages() -> Vec<(&'static str, Vec<u8>)> {
    let long_term = IntegrityKey::long_term_md5("alice", "example.org", "secret");
    let sha_key = IntegrityKey::long_term_sha256("alice", "example.org", "secret");
    let short = IntegrityKey::short_term(rfc5769::PASSWORD);
    let mut out = Vec::new();
    let mut push = |name: &'static str, build: &dyn Fn(&mut Vec<u8>)| {
        let mut buf = Vec::new();
        build(&mut buf);
        out.push((name, buf));
    };
    push("ice-check", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::BINDING, Class::Request),
            tid(1),
        );
        b.add(&Username("remote:local"))
            .add(&GoogNetworkInfo {
                network_id: 1,
                network_cost: 10,
            })
            .add(&IceControlling(0x1122_3344_5566_7788))
            .add(&UseCandidate)
            .add(&Nomination(2))
            .add(&Priority(0x6e7f_1eff));
        b.message_integrity(&short).unwrap().fingerprint().unwrap();
    });
    push("allocate-request", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::ALLOCATE, Class::Request),
            tid(2),
        );
        b.add(&RequestedTransport::UDP)
            .add(&Lifetime(600))
            .add(&DontFragment)
            .add(&EvenPort { reserve: true })
            .add(&RequestedAddressFamily(AddressFamily::IPV4))
            .add(&AdditionalAddressFamily(AddressFamily::IPV6))
            .add(&Username("alice"))
            .add(&Realm("example.org"))
            .add(&Nonce("obMatJos2gAAAnonce"))
            .add(&PasswordAlgorithmAttribute::new(PasswordAlgorithm::SHA256));
        b.message_integrity_sha256(&sha_key)
            .unwrap()
            .fingerprint()
            .unwrap();
    });
    push("allocate-401", &|buf| {
        let algs = [
            PasswordAlgorithmAttribute::new(PasswordAlgorithm::SHA256),
            PasswordAlgorithmAttribute::new(PasswordAlgorithm::MD5),
        ];
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::ALLOCATE, Class::Error),
            tid(3),
        );
        b.add(&ErrorCodeAttribute::new(ErrorCode::UNAUTHENTICATED))
            .add(&Realm("example.org"))
            .add(&Nonce("obMatJos2gAAAabcdef"))
            .add(&PasswordAlgorithms::from_entries(&algs))
            .add(&Software("floe"));
        b.fingerprint().unwrap();
    });
    push("allocate-success", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::ALLOCATE, Class::Success),
            tid(4),
        );
        b.add(&XorRelayedAddress(addr("203.0.113.7:49152")))
            .add(&XorRelayedAddress(addr("[2001:db8::7]:49153")))
            .add(&XorMappedAddress(addr("198.51.100.1:40000")))
            .add(&Lifetime(600))
            .add(&ReservationToken(*b"token!!!"))
            .add(&AddressErrorCode {
                family: AddressFamily::IPV6,
                code: ErrorCode(440),
                reason: "no v6",
            });
        b.message_integrity(&long_term)
            .unwrap()
            .fingerprint()
            .unwrap();
    });
    push("create-permission", &|buf| {
        let typ = MessageType::new(Method::CREATE_PERMISSION, Class::Request);
        let mut b = MessageBuilder::new(buf, typ, tid(5));
        for peer in ["192.0.2.10:0", "192.0.2.11:0", "[2001:db8::11]:0"] {
            b.add(&XorPeerAddress(addr(peer)));
        }
        b.message_integrity(&long_term).unwrap().finish().unwrap();
    });
    push("send-indication", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::SEND, Class::Indication),
            tid(6),
        );
        b.add(&XorPeerAddress(addr("192.0.2.10:5000")))
            .add(&Data(b"hello, peer"))
            .add(&DontFragment);
        b.finish().unwrap();
    });
    push("data-indication-icmp", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::DATA, Class::Indication),
            tid(7),
        );
        b.add(&XorPeerAddress(addr("192.0.2.10:5000"))).add(&Icmp {
            icmp_type: 3,
            code: 4,
            error_data: 1400,
        });
        b.finish().unwrap();
    });
    push("channel-bind", &|buf| {
        let typ = MessageType::new(Method::CHANNEL_BIND, Class::Request);
        let mut b = MessageBuilder::new(buf, typ, tid(8));
        b.add(&ChannelNumber(0x4001))
            .add(&XorPeerAddress(addr("192.0.2.10:5000")));
        b.message_integrity(&long_term)
            .unwrap()
            .fingerprint()
            .unwrap();
    });
    push("connect-rfc6062", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::CONNECTION_BIND, Class::Request),
            tid(9),
        );
        b.add(&ConnectionId(0xdead_beef));
        b.finish().unwrap();
    });
    push("unknown-420", &|buf| {
        let types = [
            AttributeType(0x00AA),
            AttributeType(0x7FFF),
            AttributeType(0x0031),
        ];
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::BINDING, Class::Error),
            tid(10),
        );
        b.add(&ErrorCodeAttribute::new(ErrorCode::UNKNOWN_ATTRIBUTE))
            .add(&UnknownAttributes::from_types(&types));
        b.fingerprint().unwrap();
    });
    push("rfc5780-request", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::BINDING, Class::Request),
            tid(11),
        );
        b.add(&ChangeRequest {
            change_ip: true,
            change_port: true,
        })
        .add(&ResponsePort(12345))
        .add(&Padding(&[0; 24]));
        b.finish().unwrap();
    });
    push("rfc5780-response", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::BINDING, Class::Success),
            tid(11),
        );
        b.add(&MappedAddress(addr("80.200.136.90:53054")))
            .add(&ResponseOrigin(addr("52.17.36.97:3478")))
            .add(&OtherAddress(addr("52.17.36.97:3479")))
            .add(&AlternateServer(addr("[2001:db8::2]:3478")))
            .add(&AlternateDomain("stun.example.org"));
        b.finish().unwrap();
    });
    push("both-integrities-userhash", &|buf| {
        let mut b = MessageBuilder::new(
            buf,
            MessageType::new(Method::REFRESH, Class::Request),
            tid(12),
        );
        b.padding_byte(0x20)
            .add(&Userhash(floe_stun::integrity::userhash(
                "alice",
                "example.org",
            )))
            .add(&Lifetime(0))
            .add_raw(AttributeType(0x8123), b"opaque");
        b.message_integrity(&long_term)
            .unwrap()
            .message_integrity_sha256(&sha_key)
            .unwrap()
            .fingerprint()
            .unwrap();
    });
    out
}

/// ChannelData frames and TCP-style streams mixing frames and STUN messages.
fn channel_seeds(messages: &[(&'static str, Vec<u8>)]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    for (name, channel, len, padded) in [
        ("udp-empty", 0x4000, 0, false),
        ("udp-odd", 0x4001, 5, false),
        ("tcp-padded", 0x4FFF, 7, true),
    ] {
        let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let mut buf = Vec::new();
        ChannelData::new(channel, &data)
            .unwrap()
            .encode(&mut buf, padded);
        out.push((name, buf));
    }
    let mut stream = Vec::new();
    ChannelData::new(0x4002, b"dtls")
        .unwrap()
        .encode(&mut stream, true);
    stream.extend_from_slice(&messages[0].1);
    ChannelData::new(0x4003, b"rtp!!")
        .unwrap()
        .encode(&mut stream, true);
    out.push(("tcp-stream", stream));
    let mut inner = Vec::new();
    ChannelData::new(0x4000, &messages[0].1)
        .unwrap()
        .encode(&mut inner, false);
    out.push(("stun-inside", inner));
    // An RFC 5766 channel (0x5000..=0x7FFF), accepted only with ChannelRange::Rfc5766.
    let mut old_range = Vec::new();
    ChannelData::new_with(0x6abc, b"rfc5766", ChannelRange::Rfc5766)
        .unwrap()
        .encode(&mut old_range, true);
    out.push(("rfc5766-channel", old_range));
    out
}

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

/// Every seed file: (target, file name, bytes).
fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut stun: Vec<(&'static str, Vec<u8>)> = VECTORS
        .iter()
        .map(|(name, bytes)| (*name, bytes.to_vec()))
        .collect();
    stun.extend(built_messages());
    let mut all = Vec::new();
    for target in ["stun_decode", "stun_roundtrip"] {
        for (name, bytes) in &stun {
            all.push((target, format!("{name}.bin"), bytes.clone()));
        }
    }
    for (name, bytes) in channel_seeds(&stun) {
        all.push(("channel_data", format!("{name}.bin"), bytes));
    }
    all
}

#[test]
fn seeds_are_current() {
    let write = std::env::var_os("FLOE_WRITE_FUZZ_SEEDS").is_some();
    for (target, name, bytes) in seeds() {
        let path = corpus_dir(target).join(&name);
        if write {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        } else {
            let on_disk = std::fs::read(&path).unwrap_or_default();
            assert!(
                on_disk == bytes,
                "{} is stale: regenerate (see the module docs)",
                path.display()
            );
        }
    }
}

#[test]
fn built_seeds_parse() {
    for (name, bytes) in built_messages() {
        floe_stun::Message::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
