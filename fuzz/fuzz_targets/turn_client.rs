//! Arbitrary bytes from the server, timeouts and commands, in every client state.
#![no_main]

#[path = "turn_harness.rs"]
mod turn_harness;

use libfuzzer_sys::fuzz_target;
use turn_harness::{Op, SERVER, command, drain_client, ops, setup};

fuzz_target!(|data: &[u8]| {
    let Some((&stage, rest)) = data.split_first() else {
        return;
    };
    let mut s = setup(stage % 8);
    for op in ops(rest) {
        match op {
            Op::Message(b) => drop(s.client.handle_receive(s.now, SERVER.parse().unwrap(), b)),
            Op::Peer(b) => drop(
                s.client
                    .handle_receive(s.now, "192.0.2.9:1".parse().unwrap(), b),
            ),
            Op::Wait(d) => {
                s.now += d;
                s.client.handle_timeout(s.now);
                // After handle_timeout nothing may be due, or a caller's loop would spin.
                assert!(s.client.poll_timeout().is_none_or(|t| t > s.now));
            }
            Op::Command(k) => command(&mut s.client, s.now, k),
        }
        drain_client(&mut s.client, s.now);
    }
});
