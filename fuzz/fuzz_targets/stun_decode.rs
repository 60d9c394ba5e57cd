#![no_main]
//! Any bytes: demultiplexing, parsing, every attribute decoded, FINGERPRINT and
//! MESSAGE-INTEGRITY checked. A message that parses is also answered as an RFC 5780 server
//! would answer it (floe-stun's `binding::rfc5780`, the server side of `floe stun serve
//! --other-address`); whatever that writes must parse and answer the same transaction.
use std::net::SocketAddr;

use floe_stun::binding::BindingResponder;
use floe_stun::binding::rfc5780::AlternateAddresses;
use floe_stun::{IntegrityKey, Message, attributes::AnyAttribute, demux::classify};

/// The four addresses of the server: two IPs × two ports.
const PRIMARY: &str = "192.0.2.1:3478";
const OTHER: &str = "192.0.2.2:3479";

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = classify(data);
    let Ok(msg) = Message::parse(data) else {
        return;
    };
    for raw in msg.attributes() {
        let _ = AnyAttribute::decode(raw, msg.transaction_id());
    }
    let _ = msg.verify_fingerprint();
    let _ = msg.verify_integrity(&IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt"));

    let addrs = AlternateAddresses::new(PRIMARY.parse().unwrap(), OTHER.parse().unwrap());
    // The socket it arrived on: one of the four, or none of them, from the last byte.
    let pick = data.last().copied().unwrap_or(0);
    let local = addrs
        .all()
        .get(usize::from(pick % 5))
        .copied()
        .unwrap_or_else(|| "192.0.2.9:3478".parse().unwrap());
    let source = SocketAddr::from(([203, 0, 113, 7], 40000 + u16::from(pick)));
    let mut out = Vec::new();
    let reply = BindingResponder::new().answer_rfc5780(&msg, source, local, &addrs, &mut out);
    if !out.is_empty() {
        let answer = Message::parse(&out).expect("the answer parses");
        assert_eq!(answer.transaction_id(), msg.transaction_id());
        assert!(answer.verify_fingerprint().is_ok());
        assert!(addrs.all().contains(&reply.from) || reply.from == local);
    }
});
