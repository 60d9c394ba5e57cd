#![no_main]
//! Any bytes: demultiplexing, parsing, every attribute decoded, FINGERPRINT and
//! MESSAGE-INTEGRITY checked. A message that parses is also answered as an RFC 5780 server
//! would answer it (floe-stun's `binding::rfc5780`, the server side of `floe stun serve
//! --other-address`); whatever that writes must parse and answer the same transaction.
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use floe_stun::binding::BindingResponder;
use floe_stun::binding::rfc5780::AlternateAddresses;
use floe_stun::{IntegrityKey, Message, attributes::AnyAttribute, demux::classify};

/// The server's primary and other address: with them, two IPs × two ports.
const ADDRS: AlternateAddresses =
    AlternateAddresses::new(v4([192, 0, 2, 1], 3478), v4([192, 0, 2, 2], 3479));
/// An address that is none of the four.
const STRANGER: SocketAddr = v4([192, 0, 2, 9], 3478);

const fn v4(ip: [u8; 4], port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(
        Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]),
        port,
    ))
}

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

    // The socket it arrived on: one of the four, or none of them, from the last byte.
    let pick = data.last().copied().unwrap_or(0);
    let local = ADDRS
        .all()
        .get(usize::from(pick % 5))
        .copied()
        .unwrap_or(STRANGER);
    let source = SocketAddr::from(([203, 0, 113, 7], 40000 + u16::from(pick)));
    let mut out = Vec::new();
    let reply = BindingResponder::new().answer_rfc5780(&msg, source, local, &ADDRS, &mut out);
    if !out.is_empty() {
        let answer = Message::parse(&out).expect("the answer parses");
        assert_eq!(answer.transaction_id(), msg.transaction_id());
        assert!(answer.verify_fingerprint().is_ok());
        assert!(ADDRS.all().contains(&reply.from) || reply.from == local);
    }
});
