//! An authenticated allocation with a permission and a channel, then arbitrary client
//! messages on its 5-tuple, peer datagrams on its relay and timeouts.
#![no_main]

#[path = "turn_harness.rs"]
mod turn_harness;

use floe_turn::{RelayGrant, ServerEvent};
use libfuzzer_sys::fuzz_target;
use turn_harness::{Op, PEER, RELAY, ops, setup};

fuzz_target!(|data: &[u8]| {
    let Some((&stage, rest)) = data.split_first() else {
        return;
    };
    // Allocated, with a permission, with a channel, or a TCP allocation with a connection.
    let mut s = setup([3, 4, 5, 7][usize::from(stage % 4)]);
    let mut out = Vec::new();
    for op in ops(rest) {
        match op {
            Op::Message(b) => drop(s.server.handle_receive(s.now, s.ft, b)),
            Op::Peer(b) => drop(s.server.handle_peer_data(
                s.now,
                RELAY.parse().unwrap(),
                PEER.parse().unwrap(),
                b,
                &mut out,
            )),
            Op::Wait(d) => {
                s.now += d * 10;
                s.server.handle_timeout(s.now);
            }
            // Embedder reports for TCP allocations, and a new data connection's 5-tuple.
            Op::Command(k) => match k % 3 {
                0 => drop(s.server.tcp_peer_accepted(
                    s.now,
                    RELAY.parse().unwrap(),
                    PEER.parse().unwrap(),
                )),
                1 => drop(s.server.tcp_connect_result(
                    s.now,
                    floe_turn::ConnectionId(u32::from(k)),
                    k & 4 == 0,
                )),
                _ => {
                    let mut data = s.ft;
                    data.remote.set_port(60_000 + u16::from(k));
                    let _ = s.server.handle_receive(s.now, data, &[k; 4]);
                }
            },
        }
        while s.server.poll_transmit().is_some() {}
        while let Some(e) = s.server.poll_event() {
            if let ServerEvent::RelayRequested(req) = e {
                let grant = RelayGrant {
                    relayed: "192.0.2.1:49154".parse().unwrap(),
                    additional: None,
                };
                s.server.provide_relay(s.now, req.id, Ok(grant));
            }
        }
        assert!(s.server.allocation_count() <= 1);
    }
});
