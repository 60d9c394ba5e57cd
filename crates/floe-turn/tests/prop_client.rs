//! Property: no sequence of server messages, garbage and timeouts makes the client panic, and
//! its timer never points into the past.

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_stun::attributes::{
    AlternateServer, ErrorCodeAttribute, Lifetime, Nonce, PasswordAlgorithmAttribute,
    PasswordAlgorithms, Realm, XorMappedAddress, XorPeerAddress, XorRelayedAddress,
};
use floe_stun::channel_data::ChannelData;
use floe_stun::{
    Class, ErrorCode, IntegrityKey, Message, MessageBuilder, MessageType, Method,
    PasswordAlgorithm, TransactionId,
};
use floe_turn::{Client, ClientConfig, Transport};
use proptest::prelude::*;

const SERVER: &str = "192.0.2.1:3478";

/// A response to the last request: which attributes it carries and how it is signed.
#[derive(Debug, Clone)]
struct Answer {
    /// Success, else error.
    class: bool,
    code: u16,
    realm: bool,
    /// Index into the nonces offered.
    nonce: u8,
    algorithms: bool,
    lifetime: Option<u32>,
    relayed: bool,
    /// 0 unsigned, 1 MESSAGE-INTEGRITY, else MESSAGE-INTEGRITY-SHA256.
    sign: u8,
}

#[derive(Debug, Clone)]
enum Op {
    Wait(u32),
    Garbage(Vec<u8>),
    Answer(Answer),
    DataIndication(Vec<u8>),
    ChannelData(u16, Vec<u8>),
    Command(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u32..700_000).prop_map(Op::Wait),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(Op::Garbage),
        (
            any::<bool>(),
            prop::sample::select(vec![
                300u16, 400, 401, 403, 420, 437, 438, 440, 441, 442, 486, 500, 508
            ]),
            any::<bool>(),
            0u8..3,
            any::<bool>(),
            proptest::option::of(0u32..5000),
            any::<bool>(),
            0u8..3,
        )
            .prop_map(
                |(class, code, realm, nonce, algorithms, lifetime, relayed, sign)| {
                    Op::Answer(Answer {
                        class,
                        code,
                        realm,
                        nonce,
                        algorithms,
                        lifetime,
                        relayed,
                        sign,
                    })
                }
            ),
        proptest::collection::vec(any::<u8>(), 0..32).prop_map(Op::DataIndication),
        (
            0x3FF0u16..0x4010,
            proptest::collection::vec(any::<u8>(), 0..16)
        )
            .prop_map(|(c, d)| Op::ChannelData(c, d)),
        (0u8..6).prop_map(Op::Command),
    ]
}

/// Builds an answer to the last request the client sent.
fn answer(req: &[u8], a: &Answer) -> Option<Vec<u8>> {
    let m = Message::parse(req).ok()?;
    let class = if a.class {
        Class::Success
    } else {
        Class::Error
    };
    let mut buf = Vec::new();
    let typ = MessageType::new(m.method(), class);
    let mut b = MessageBuilder::new(&mut buf, typ, *m.transaction_id());
    let offer = [
        PasswordAlgorithmAttribute::new(PasswordAlgorithm::SHA256),
        PasswordAlgorithmAttribute::new(PasswordAlgorithm::MD5),
    ];
    if class == Class::Error {
        b.add(&ErrorCodeAttribute::new(ErrorCode(a.code)));
        if a.code == 300 {
            b.add(&AlternateServer("192.0.2.2:3478".parse().unwrap()));
        }
    }
    if a.realm {
        b.add(&Realm("example.org"));
    }
    let nonces = ["n1", "n2", "obMatJos2gAAAxyz"];
    b.add(&Nonce(nonces[usize::from(a.nonce)]));
    if a.algorithms {
        b.add(&PasswordAlgorithms::from_entries(&offer));
    }
    if let Some(l) = a.lifetime {
        b.add(&Lifetime(l));
    }
    if a.relayed {
        b.add(&XorRelayedAddress("192.0.2.1:49152".parse().unwrap()))
            .add(&XorMappedAddress("198.51.100.1:5000".parse().unwrap()));
    }
    let md5 = IntegrityKey::long_term_md5("alice", "example.org", "secret");
    let sha = IntegrityKey::long_term_sha256("alice", "example.org", "secret");
    let done = match a.sign {
        0 => b.fingerprint().map(<[u8]>::to_vec),
        1 => b
            .message_integrity(&md5)
            .and_then(|s| s.fingerprint())
            .map(<[u8]>::to_vec),
        _ => b
            .message_integrity_sha256(&sha)
            .and_then(|s| s.fingerprint())
            .map(<[u8]>::to_vec),
    };
    done.ok()
}

fn run(ops: &[Op], transport: Transport) {
    let server: SocketAddr = SERVER.parse().unwrap();
    let peer: SocketAddr = "1.2.3.4:7000".parse().unwrap();
    let mut cfg = ClientConfig::new(server, "alice", "secret");
    cfg.transport = transport;
    cfg.rng_seed = Some([1; 32]);
    let mut c = Client::new(cfg);
    let mut now = Instant::now();
    let _ = c.allocate(now);
    let mut last: Vec<u8> = Vec::new();
    for op in ops {
        while let Some(t) = c.poll_transmit() {
            if Message::parse(&t.contents).is_ok() {
                last = t.contents.to_vec();
            }
        }
        match op {
            Op::Wait(ms) => {
                now += Duration::from_millis(u64::from(*ms));
                c.handle_timeout(now);
                // Nothing may be due right after handle_timeout, or a caller would spin.
                assert!(
                    c.poll_timeout().is_none_or(|t| t > now),
                    "timer in the past"
                );
            }
            Op::Garbage(bytes) => {
                let _ = c.handle_receive(now, server, bytes);
            }
            Op::Answer(a) => {
                if let Some(bytes) = answer(&last, a) {
                    let _ = c.handle_receive(now, server, &bytes);
                }
            }
            Op::DataIndication(data) => {
                let mut buf = Vec::new();
                let typ = MessageType::new(Method::DATA, Class::Indication);
                let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([3; 12]));
                b.add(&XorPeerAddress(peer))
                    .add(&floe_stun::attributes::Data(data));
                if b.finish().is_ok() {
                    let _ = c.handle_receive(now, server, &buf);
                }
            }
            Op::ChannelData(ch, data) => {
                let mut buf = vec![0u8; 4];
                buf[..2].copy_from_slice(&ch.to_be_bytes());
                buf[2..4].copy_from_slice(&(data.len() as u16).to_be_bytes());
                buf.extend_from_slice(data);
                if let Ok(cd) = ChannelData::parse(&buf) {
                    let _ = cd;
                }
                let _ = c.handle_receive(now, server, &buf);
            }
            Op::Command(k) => {
                let _ = match k {
                    0 => c.create_permission(now, peer.ip()).map(drop),
                    1 => c.bind_channel(now, peer).map(drop),
                    2 => c.send_to(peer, b"x", &mut Vec::new()),
                    3 => c.refresh(now),
                    4 => c.close(now),
                    _ => c.allocate(now),
                };
            }
        }
        // On streams, the rest of what was received (bounded: every frame is consumed or the
        // stream is out of sync).
        loop {
            match c.poll_received(now) {
                Ok(Some(_)) => {}
                Ok(None) | Err(floe_turn::ReceiveError::Framing(_)) => break,
                Err(_) => {}
            }
        }
        while c.poll_event().is_some() {}
        if let Some(t) = c.poll_timeout() {
            // A timer in the past must be handled at once, never loop forever.
            if t < now {
                c.handle_timeout(now);
                assert!(
                    c.poll_timeout().is_none_or(|t2| t2 >= now),
                    "timer stays in the past"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn client_survives_any_server_behaviour_udp(ops in proptest::collection::vec(op(), 0..40)) {
        run(&ops, Transport::Udp);
    }

    #[test]
    fn client_survives_any_server_behaviour_stream(ops in proptest::collection::vec(op(), 0..40)) {
        run(&ops, Transport::Tcp);
    }
}
