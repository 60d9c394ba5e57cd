//! The TURN server driven by authenticated sequences: a real client (floe-turn's) allocates,
//! creates permissions, binds channels, sends and receives data, refreshes and closes in an
//! `arbitrary` order, with time running for both sides or for the server alone (expiry), with
//! replays and tampered copies of the client's messages, and an intruder with a wrong
//! password. The real MESSAGE-INTEGRITY and nonce checks run (the `cfg(fuzzing)` bypass is off
//! here). The server must never panic, never keep an expired allocation, grant what the
//! authenticated client asked for, and never allocate for the intruder.
#![no_main]

#[path = "turn_harness.rs"]
mod turn_harness;

use std::net::SocketAddr;
use std::time::Duration;

use arbitrary::Arbitrary;
use floe_turn::{Client, ClientConfig, ClientState, FiveTuple, Transport};
use libfuzzer_sys::fuzz_target;
use turn_harness::{RELAY, SERVER, drain_client, setup, shuttle};

#[derive(Arbitrary, Debug)]
enum Op {
    Allocate,
    Permission(u8),
    Channel(u8),
    /// Client data for a peer (ChannelData or a Send indication).
    Send(u8, Vec<u8>),
    /// A peer's datagram on the relay, and what the server makes of it handed to the client.
    PeerData(u8, Vec<u8>),
    Refresh,
    Close,
    /// Both sides' clocks run (seconds); the client refreshes what it holds.
    Wait(u16),
    /// Only the server's clock runs (seconds): the client is gone, allocations expire.
    Silence(u16),
    /// The client's next messages delivered twice (replays and retransmissions).
    Replay,
    /// The client's next messages delivered with byte `at` flipped by `x`, then not at all.
    Tamper {
        at: u16,
        x: u8,
    },
    /// A second client, with a wrong password, tries to allocate.
    Intruder,
}

fn peer(i: u8) -> SocketAddr {
    SocketAddr::from(([1, 2, 3, i % 4 + 1], 7000 + u16::from(i % 2)))
}

fuzz_target!(|ops: Vec<Op>| {
    floe_stun::integrity::set_fuzzing_bypass(false);
    let mut s = setup(0);
    let server: SocketAddr = SERVER.parse().unwrap();
    let mut out = Vec::new();
    for op in ops.into_iter().take(48) {
        // What the client asked for and the server must grant: (permission for, channel to).
        let mut expect: (Option<SocketAddr>, Option<SocketAddr>) = (None, None);
        match op {
            Op::Allocate => drop(s.client.allocate(s.now)),
            Op::Permission(p) => {
                if s.client.create_permission(s.now, peer(p).ip()).is_ok() {
                    expect.0 = Some(peer(p));
                }
            }
            Op::Channel(p) => {
                if s.client.bind_channel(s.now, peer(p)).is_ok() {
                    expect.1 = Some(peer(p));
                }
            }
            Op::Send(p, data) => {
                if s.client.send_to(peer(p), &data, &mut out).is_ok() {
                    let _ = s.server.handle_receive(s.now, s.ft, &out);
                }
            }
            Op::PeerData(p, data) => {
                let relay = RELAY.parse().unwrap();
                if let Some(t) = s
                    .server
                    .handle_peer_data(s.now, relay, peer(p), &data, &mut out)
                {
                    assert_eq!(t.five_tuple, s.ft);
                    let _ = s.client.handle_receive(s.now, server, &out);
                }
            }
            Op::Refresh => drop(s.client.refresh(s.now)),
            Op::Close => drop(s.client.close(s.now)),
            Op::Wait(secs) => {
                s.now += Duration::from_secs(u64::from(secs));
                s.client.handle_timeout(s.now);
                s.server.handle_timeout(s.now);
            }
            Op::Silence(secs) => {
                s.now += Duration::from_secs(u64::from(secs));
                s.server.handle_timeout(s.now);
            }
            Op::Replay => {
                while let Some(t) = s.client.poll_transmit() {
                    let _ = s.server.handle_receive(s.now, s.ft, &t.contents);
                    let _ = s.server.handle_receive(s.now, s.ft, &t.contents);
                }
            }
            Op::Tamper { at, x } => {
                while let Some(t) = s.client.poll_transmit() {
                    let mut bytes = t.contents.to_vec();
                    let i = usize::from(at) % bytes.len().max(1);
                    if let Some(b) = bytes.get_mut(i) {
                        *b ^= x.max(1);
                    }
                    let _ = s.server.handle_receive(s.now, s.ft, &bytes);
                }
            }
            Op::Intruder => intruder(&mut s),
        }
        shuttle(&mut s);
        drain_client(&mut s.client, s.now);
        // Expired allocations are gone once the server has handled its timeout.
        let info = s.server.allocation(&s.ft);
        assert!(
            info.as_ref().is_none_or(|a| a.expires > s.now),
            "expired allocation kept"
        );
        assert!(
            s.server.allocation_count() <= 1,
            "an allocation for the intruder"
        );
        // A request the client sent on a live allocation is granted once it is answered.
        if s.client.state() == ClientState::Allocated {
            if let (Some(info), Some(p)) = (&info, expect.0) {
                assert!(
                    info.permissions.contains(&p.ip()),
                    "permission for {p} missing"
                );
            }
            if let (Some(info), Some(p)) = (&info, expect.1) {
                assert!(
                    info.channels.iter().any(|(_, a)| *a == p),
                    "channel to {p} missing"
                );
            }
        }
    }
});

/// A client on another 5-tuple with the right user name and a wrong password: its Allocate
/// is challenged, then refused.
fn intruder(s: &mut turn_harness::Setup) {
    let server: SocketAddr = SERVER.parse().unwrap();
    let mut cfg = ClientConfig::new(server, "alice", "not-the-secret");
    cfg.rng_seed = Some([3; 32]);
    let mut c = Client::new(cfg);
    let ft = FiveTuple::new(
        Transport::Udp,
        server,
        "198.51.100.2:50001".parse().unwrap(),
    );
    let _ = c.allocate(s.now);
    for _ in 0..4 {
        while let Some(t) = c.poll_transmit() {
            let _ = s.server.handle_receive(s.now, ft, &t.contents);
        }
        while s.server.poll_event().is_some() {}
        while let Some(t) = s.server.poll_transmit() {
            if t.destination == ft.remote {
                let _ = c.handle_receive(s.now, server, &t.contents);
            }
        }
    }
    assert!(
        s.server.allocation(&ft).is_none(),
        "the intruder got an allocation"
    );
}
