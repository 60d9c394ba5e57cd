//! Property: requests that do not authenticate never create server state beyond the
//! challenge (RFC 8656 §7.2, RFC 8489 §9.2.4), whatever they carry.

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_stun::attributes::{
    ChannelNumber, Data, Lifetime, Nonce, Realm, RequestedTransport, Username, XorPeerAddress,
};
use floe_stun::{Class, IntegrityKey, MessageBuilder, MessageType, Method, TransactionId};
use floe_turn::{FiveTuple, Server, ServerConfig, ServerEvent, StaticCredentials, Transport};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Req {
    method: u16,
    class: u8,
    username: Option<String>,
    realm: bool,
    nonce: Option<String>,
    password: String,
    sign: u8,
    transport: Option<u8>,
    extra: Vec<u8>,
    garbage: Option<Vec<u8>>,
}

fn req() -> impl Strategy<Value = Req> {
    (
        prop::sample::select(vec![
            0x001u16, 0x003, 0x004, 0x006, 0x008, 0x009, 0x00A, 0x0FF,
        ]),
        0u8..4,
        proptest::option::of(prop::sample::select(vec![
            "alice".to_owned(),
            "mallory".to_owned(),
            String::new(),
        ])),
        any::<bool>(),
        proptest::option::of("[a-z0-9]{0,40}"),
        prop::sample::select(vec!["wrong".to_owned(), "secret2".to_owned()]),
        0u8..3,
        proptest::option::of(any::<u8>()),
        proptest::collection::vec(any::<u8>(), 0..8),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..80)),
    )
        .prop_map(
            |(method, class, username, realm, nonce, password, sign, transport, extra, garbage)| {
                Req {
                    method,
                    class,
                    username,
                    realm,
                    nonce,
                    password,
                    sign,
                    transport,
                    extra,
                    garbage,
                }
            },
        )
}

/// Encodes `r`; a nonce of "reuse" is replaced by the last real nonce the server sent, so
/// wrong passwords are tried with valid nonces too.
fn encode(r: &Req, tid: [u8; 12], real_nonce: &str) -> Vec<u8> {
    if let Some(g) = &r.garbage {
        return g.clone();
    }
    let classes = [
        Class::Request,
        Class::Indication,
        Class::Success,
        Class::Error,
    ];
    let typ = MessageType::new(Method(r.method), classes[usize::from(r.class)]);
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes(tid));
    if let Some(t) = r.transport {
        b.add(&RequestedTransport(t));
    }
    b.add(&Lifetime(600))
        .add(&XorPeerAddress("1.2.3.4:5".parse().unwrap()))
        .add(&ChannelNumber(0x4000))
        .add(&Data(&r.extra));
    if let Some(u) = &r.username {
        b.add(&Username(u));
    }
    if r.realm {
        b.add(&Realm("example.org"));
    }
    if let Some(n) = &r.nonce {
        let n = if n.len() % 2 == 0 {
            real_nonce
        } else {
            n.as_str()
        };
        b.add(&Nonce(n));
    }
    let user = r.username.as_deref().unwrap_or("");
    let md5 = IntegrityKey::long_term_md5(user, "example.org", &r.password);
    let out = match r.sign {
        0 => b.fingerprint().map(<[u8]>::to_vec),
        1 => b
            .message_integrity(&md5)
            .and_then(|s| s.fingerprint())
            .map(<[u8]>::to_vec),
        _ => b
            .message_integrity_sha256(&md5)
            .and_then(|s| s.finish())
            .map(<[u8]>::to_vec),
    };
    out.unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn unauthenticated_requests_leave_no_state(reqs in proptest::collection::vec(req(), 1..30)) {
        let now = Instant::now();
        let mut cfg = ServerConfig::new("example.org");
        cfg.rng_seed = Some([8; 32]);
        let users = StaticCredentials::new().with_user("alice", "secret");
        let mut server = Server::new(cfg, users, now);
        let ft = FiveTuple {
            remote: "198.51.100.1:4000".parse::<SocketAddr>().unwrap(),
            local: "192.0.2.1:3478".parse().unwrap(),
            transport: Transport::Udp,
        };
        let mut real_nonce = String::new();
        for (i, r) in reqs.iter().enumerate() {
            let t = now + Duration::from_millis(i as u64 * 10);
            let bytes = encode(r, [i as u8; 12], &real_nonce);
            prop_assert!(server.handle_receive(t, ft, &bytes).is_none());
            server.handle_timeout(t);
            while let Some(tx) = server.poll_transmit() {
                let m = floe_stun::Message::parse(&tx.contents).expect("server output parses");
                if let Ok(Some(Nonce(n))) = m.get::<Nonce<'_>>() {
                    real_nonce = n.to_owned();
                }
                prop_assert!(
                    m.class() == Class::Error || m.method() == Method::BINDING,
                    "only challenges, errors and Binding answers"
                );
            }
            while let Some(e) = server.poll_event() {
                prop_assert!(!matches!(e, ServerEvent::RelayRequested(_)), "state created: {e:?}");
            }
            prop_assert_eq!(server.allocation_count(), 0);
            prop_assert_eq!(server.pending_count(), 0);
            prop_assert!(server.poll_timeout().is_none());
        }
    }
}
