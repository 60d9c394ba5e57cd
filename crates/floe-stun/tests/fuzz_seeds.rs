//! The seed corpora of the floe-stun fuzz targets (`fuzz/corpus/{stun_decode,stun_roundtrip,
//! channel_data}/`), written by our own encoder plus the RFC 5769 / RFC 8489 B.1 vectors.
//!
//! `seeds_are_current` fails when the committed seeds differ from what this file generates;
//! regenerate them with `FLOE_WRITE_FUZZ_SEEDS=1 cargo test -p floe-stun --test fuzz_seeds`.

use std::path::PathBuf;

use floe_stun::attributes::*;
use floe_stun::channel_data::{ChannelData, ChannelRange};
use floe_stun::{
    AddressFamily, AttributeType, Class, ErrorCode, IntegrityKey, MessageBuilder, MessageType,
    Method, PasswordAlgorithm, TransactionId,
};

/// RFC 5769 §2.1–2.4 and RFC 8489 App. B.1 (Errata 6268): published vectors, typed in.
const VECTORS: [(&str, &str); 5] = [
    (
        "rfc5769-2.1",
        concat!(
            "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573",
            "7420636c69656e74002400046e0001ff80290008932ff9b151263b3600060009",
            "6576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249",
            "c1b571a280280004e57a3bcf"
        ),
    ),
    (
        "rfc5769-2.2",
        concat!(
            "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563",
            "746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f9",
            "2af9ba53f06be7d780280004c07d4c96"
        ),
    ),
    (
        "rfc5769-2.3",
        concat!(
            "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563",
            "746f7220002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014",
            "a382954e4be67bf11784c97c8292c275bfe3ed4180280004c8fb0b4c"
        ),
    ),
    (
        "rfc5769-2.4",
        concat!(
            "000100602112a44278ad3433c6ad72c029da412e00060012e3839ee38388e383",
            "aae38383e382afe382b900000015001c662f2f3439396b39353464364f4c3334",
            "6f4c394653547679363473410014000b6578616d706c652e6f72670000080014",
            "f67024656dd64a3e02b8e0712e85c9a28ca89666"
        ),
    ),
    (
        "rfc8489-b1",
        concat!(
            "000100902112a44278ad3433c6ad72c029da412e001e00204a3cf38fef6992bd",
            "a952c6780417da0f24819415569e60b205c46e41407f1704001500296f624d61",
            "744a6f733241414143662f2f3439396b39353464364f4c33346f4c3946535476",
            "79363473410000000014000b6578616d706c652e6f726700001d000400020000",
            "001c0020b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278c",
            "c6518e65"
        ),
    ),
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
    let short = IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt");
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
        .map(|(n, h)| (*n, hex::decode(h).unwrap()))
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
