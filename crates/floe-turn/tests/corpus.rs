//! The shared STUN/TURN corpus (`../shared/corpus/stun`, read through floe-corpus, never
//! copied): every message into our server and our client must be handled without a panic
//! and without creating server state; the Chrome and coturn TURN captures get the answers
//! the RFCs call for.

use core::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use floe_stun::attributes::{ErrorCodeAttribute, Nonce, Realm};
use floe_stun::{Class, Message};
use floe_turn::{
    Client, ClientConfig, FiveTuple, ReceiveError, Server, ServerConfig, ServerEvent,
    StaticCredentials, Transport,
};

fn hex_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            hex_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "hex") {
            out.push(path);
        }
    }
}

fn decode_hex(text: &str) -> Vec<u8> {
    let text = text.trim();
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn read(rel: &str) -> Option<Vec<u8>> {
    let dir = floe_corpus::corpus_dir("stun")?;
    Some(decode_hex(&std::fs::read_to_string(dir.join(rel)).unwrap()))
}

fn server() -> Server<StaticCredentials> {
    let mut cfg = ServerConfig::new("example.org");
    cfg.rng_seed = Some([4; 32]);
    Server::new(
        cfg,
        StaticCredentials::new().with_user("alice", "secret"),
        Instant::now(),
    )
}

fn ft() -> FiveTuple {
    FiveTuple {
        remote: "198.51.100.1:5000".parse().unwrap(),
        local: "192.0.2.1:3478".parse().unwrap(),
        transport: Transport::Udp,
    }
}

floe_corpus::conformance_test! {
    fn every_corpus_message_is_handled_without_state_or_panic() {
        let Some(dir) = floe_corpus::corpus_dir("stun") else {
            return;
        };
        let mut files = Vec::new();
        hex_files(&dir, &mut files);
        assert!(files.len() > 20, "corpus too small: {}", files.len());
        let now = Instant::now();
        let mut s = server();
        let server_addr: SocketAddr = "192.0.2.1:3478".parse().unwrap();
        let mut cfg = ClientConfig::new(server_addr, "alice", "secret");
        cfg.rng_seed = Some([5; 32]);
        let mut c = Client::new(cfg);
        c.allocate(now).unwrap();
        for path in &files {
            let bytes = decode_hex(&std::fs::read_to_string(path).unwrap());
            assert!(
                s.handle_receive(now, ft(), &bytes).is_none(),
                "{path:?} relayed"
            );
            while let Some(t) = s.poll_transmit() {
                Message::parse(&t.contents).expect("our answers parse");
            }
            while let Some(e) = s.poll_event() {
                assert!(
                    !matches!(e, ServerEvent::RelayRequested(_)),
                    "{path:?} created state"
                );
            }
            // None of them answers our client's transaction: they are ignored with a reason.
            assert!(
                c.handle_receive(now, server_addr, &bytes).is_err(),
                "{path:?}"
            );
        }
        assert_eq!(s.allocation_count(), 0);
        assert_eq!(s.pending_count(), 0);
    }
}

/// The error code, REALM and NONCE of our server's answer to a corpus request.
fn answer(rel: &str) -> Option<(u16, String, String)> {
    let bytes = read(rel)?;
    let mut s = server();
    assert!(s.handle_receive(Instant::now(), ft(), &bytes).is_none());
    let t = s.poll_transmit().expect("an answer");
    let m = Message::parse(&t.contents).unwrap();
    assert_eq!(m.class(), Class::Error);
    let code = m.get::<ErrorCodeAttribute<'_>>().unwrap().unwrap().code.0;
    let realm = m.get::<Realm<'_>>().unwrap().unwrap().0.to_owned();
    let nonce = m.get::<Nonce<'_>>().unwrap().unwrap().0.to_owned();
    Some((code, realm, nonce))
}

floe_corpus::conformance_test! {
    fn chrome_allocate_requests_get_a_challenge_and_a_fresh_nonce() {
        // Unauthenticated first request: 401 with our realm and a nonce.
        let Some((code, realm, nonce)) = answer("captures/turn-1-chrome-allocate-request-unauth.hex")
        else {
            return;
        };
        assert_eq!((code, realm.as_str()), (401, "example.org"));
        assert!(nonce.starts_with("obMatJos2"));
        // Chrome's authenticated retry carries coturn's nonce, which is not ours: 438 with a new
        // nonce (RFC 8489 §9.2.4), never a 401 that would make it give up.
        let (code, _, nonce) = answer("captures/turn-3-chrome-allocate-request-auth.hex").unwrap();
        assert_eq!(code, 438);
        assert!(nonce.starts_with("obMatJos2"));
    }
}

floe_corpus::conformance_test! {
    fn coturn_responses_and_channel_data_without_a_transaction_are_rejected_with_a_reason() {
        let Some(success) = read("captures/turn-4-coturn-allocate-success.hex") else {
            return;
        };
        let server_addr: SocketAddr = "192.0.2.1:3478".parse().unwrap();
        let mut cfg = ClientConfig::new(server_addr, "alice", "secret");
        cfg.rng_seed = Some([6; 32]);
        let mut c = Client::new(cfg);
        c.allocate(Instant::now()).unwrap();
        assert_eq!(
            c.handle_receive(Instant::now(), server_addr, &success),
            Err(ReceiveError::UnmatchedResponse)
        );
        let cd = read("captures/turn-channeldata-1.hex").unwrap();
        assert!(matches!(
            c.handle_receive(Instant::now(), server_addr, &cd),
            Err(ReceiveError::UnknownChannel { .. })
        ));
    }
}
