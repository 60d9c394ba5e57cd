//! Arbitrary sequences of commands, datagrams, authenticated checks and responses (so the
//! fuzzer gets past MESSAGE-INTEGRITY), and time steps against one `floe_ice::IceAgent`. The
//! agent must never panic, and its timers must never ask to be woken in the past. Restarts on
//! both sides, renomination, mDNS names waiting for resolution and a TURN server at peer 255
//! are in the mix, and a TURN server reached over TCP or TLS: the stream asked for is
//! connected or failed, fed arbitrary bytes in arbitrary pieces, and closed.
#![no_main]

use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use floe_ice::{
    Credentials, FiveTuple, IceAgent, IceConfig, IceEvent, Role, Transport, TurnServer,
    TurnStreamId,
};
use floe_stun::attributes::{
    ErrorCodeAttribute, IceControlled, IceControlling, Nomination, Priority, UseCandidate,
    Username, XorMappedAddress,
};
use floe_stun::{Class, ErrorCode, IntegrityKey, Message, MessageBuilder, MessageType, Method};
use libfuzzer_sys::fuzz_target;

const LOCAL: &str = "198.51.100.1:5000";
const PEER_PWD: &str = "peer-password-of-22-chars";

#[derive(Arbitrary, Debug)]
enum Op {
    /// Raw bytes from peer `from`.
    Raw {
        from: u8,
        bytes: Vec<u8>,
    },
    /// A check signed with the agent's password, then bytes flipped.
    Check {
        from: u8,
        controlling: bool,
        tie: u64,
        nominate: bool,
        /// NOMINATION (renomination), if any.
        nomination: Option<u32>,
        flips: Vec<(u8, u8)>,
    },
    /// A response to the agent's last check, signed with the peer's password.
    Respond {
        code: Option<u16>,
        mapped_port: u16,
    },
    /// A remote candidate.
    Candidate {
        from: u8,
        priority: u32,
        component: u8,
    },
    /// A remote candidate named `<n>.local`, waiting for resolution.
    NamedCandidate {
        name: u8,
        port: u16,
    },
    /// The answer to a name (`None`: not resolved).
    Resolve {
        name: u8,
        address: Option<[u8; 4]>,
    },
    /// A local ICE restart.
    Restart,
    /// The peer restarts: new remote credentials.
    RemoteRestart(u8),
    /// A TURN server (at peer 255) to allocate on, then gathering.
    Turn,
    EndOfCandidates,
    Lite(bool),
    Send(Vec<u8>),
    Wait(u16),
    Close,
    /// The TURN server at peer 255 over TCP (or TLS), then gathering.
    TurnStream {
        tls: bool,
    },
    /// The embedder answers the last stream asked for: connected, or failed.
    StreamConnect {
        fail: bool,
    },
    /// Bytes read from the open stream, in pieces of `piece` bytes (0: one read).
    StreamBytes {
        bytes: Vec<u8>,
        piece: u8,
    },
    /// The open stream ends.
    StreamClosed,
}

/// The local address of the stream the harness opens.
const STREAM_LOCAL: &str = "198.51.100.1:40000";

/// Peer `from`; 255 is the TURN server.
fn peer(from: u8) -> std::net::SocketAddr {
    if from == 255 {
        return std::net::SocketAddr::from(([203, 0, 113, 200], 3478));
    }
    std::net::SocketAddr::from(([203, 0, 113, from % 8 + 1], 7000 + u16::from(from % 3)))
}

fn mdns_name(n: u8) -> String {
    format!("{n:08x}-0000-4000-8000-000000000000.local")
}

fuzz_target!(|input: (bool, bool, Vec<Op>)| {
    let (controlling, renomination, ops) = input;
    let mut now = Instant::now();
    let role = if controlling {
        Role::Controlling
    } else {
        Role::Controlled
    };
    let mut config = IceConfig::new(role);
    config.rng_seed = Some([7; 32]);
    config.renomination = renomination;
    let mut agent = IceAgent::new(config, now);
    let stream = agent.add_stream(2).unwrap();
    agent
        .add_local_address(stream, 1, LOCAL.parse().unwrap())
        .unwrap();
    agent.set_remote_credentials(now, Credentials::new("peer", PEER_PWD));
    let mut last_check: Option<(Vec<u8>, std::net::SocketAddr)> = None;
    // The last stream asked for (id, server, transport), and the open one's flow.
    let mut asked: Option<(TurnStreamId, std::net::SocketAddr, Transport)> = None;
    let mut open: Option<(TurnStreamId, FiveTuple)> = None;
    for op in ops.into_iter().take(64) {
        let deliver = |agent: &mut IceAgent, from, bytes: &[u8]| {
            let flow = FiveTuple::new(Transport::Udp, LOCAL.parse().unwrap(), from);
            let _ = agent.handle_receive(now, flow, bytes);
        };
        match op {
            Op::Raw { from, bytes } => deliver(&mut agent, peer(from), &bytes),
            Op::Check {
                from,
                controlling,
                tie,
                nominate,
                nomination,
                flips,
            } => {
                let ours = agent.local_credentials().clone();
                let mut buf = Vec::new();
                let typ = MessageType::new(Method::BINDING, Class::Request);
                let mut b = MessageBuilder::new(
                    &mut buf,
                    typ,
                    floe_stun::TransactionId::from_bytes([from; 12]),
                );
                b.add(&Username(&format!("{}:peer", ours.ufrag)))
                    .add(&Priority(0x6e00_00ff));
                if controlling {
                    b.add(&IceControlling(tie));
                } else {
                    b.add(&IceControlled(tie));
                }
                if nominate {
                    b.add(&UseCandidate);
                }
                if let Some(n) = nomination {
                    b.add(&Nomination(n));
                }
                let _ = b
                    .message_integrity(&IntegrityKey::short_term(&ours.pwd))
                    .and_then(|s| s.fingerprint());
                for (at, x) in flips.into_iter().take(4) {
                    let i = usize::from(at) % buf.len();
                    buf[i] ^= x;
                }
                deliver(&mut agent, peer(from), &buf);
            }
            Op::Respond { code, mapped_port } => {
                let Some((request, to)) = &last_check else {
                    continue;
                };
                let Ok(req) = Message::parse(request) else {
                    continue;
                };
                let class = if code.is_some() {
                    Class::Error
                } else {
                    Class::Success
                };
                let mut buf = Vec::new();
                let mut b = MessageBuilder::new(
                    &mut buf,
                    MessageType::new(Method::BINDING, class),
                    *req.transaction_id(),
                );
                match code {
                    Some(c) => b.add(&ErrorCodeAttribute::new(ErrorCode(300 + c % 400))),
                    None => b.add(&XorMappedAddress(std::net::SocketAddr::from((
                        [198, 51, 100, 9],
                        mapped_port,
                    )))),
                };
                let _ = b
                    .message_integrity(&IntegrityKey::short_term(PEER_PWD))
                    .and_then(|s| s.fingerprint());
                deliver(&mut agent, *to, &buf);
            }
            Op::Candidate {
                from,
                priority,
                component,
            } => {
                let p = peer(from);
                let line = format!(
                    "candidate:{from} {} udp {priority} {} {} typ host",
                    component % 3,
                    p.ip(),
                    p.port()
                );
                if let Ok(c) = floe_ice_candidate::Candidate::parse(&line) {
                    let _ = agent.add_remote_candidate(now, stream, &c);
                }
            }
            Op::NamedCandidate { name, port } => {
                let line = format!(
                    "candidate:9 1 udp 2122260223 {} {port} typ host",
                    mdns_name(name)
                );
                if let Ok(c) = floe_ice_candidate::Candidate::parse(&line) {
                    let _ = agent.add_remote_candidate(now, stream, &c);
                }
            }
            Op::Resolve { name, address } => {
                let ip = address.map(|a| std::net::IpAddr::from(a));
                let _ = agent.resolved(now, &mdns_name(name), ip);
            }
            Op::Restart => drop(agent.restart(now)),
            Op::RemoteRestart(n) => {
                let pwd = format!("{PEER_PWD}{n}");
                agent.set_remote_credentials(now, Credentials::new("peer", &pwd));
            }
            Op::Turn => {
                agent.add_turn_server(TurnServer::new(peer(255), "alice", "secret"));
                agent.gather(now);
            }
            Op::EndOfCandidates => drop(agent.end_of_remote_candidates(now, stream)),
            Op::Lite(lite) => agent.set_remote_lite(lite),
            Op::Send(data) => drop(agent.send(stream, 1, &data)),
            Op::Wait(ms) => {
                now += Duration::from_millis(u64::from(ms));
                agent.handle_timeout(now);
            }
            Op::Close => agent.close(),
            Op::TurnStream { tls } => {
                let transport = if tls { Transport::Tls } else { Transport::Tcp };
                let server = TurnServer::new(peer(255), "alice", "secret");
                agent.add_turn_server(server.with_transport(transport));
                agent.gather(now);
            }
            Op::StreamConnect { fail } => {
                let Some((id, server, transport)) = asked.take() else {
                    continue;
                };
                if fail {
                    let _ = agent.turn_stream_failed(now, id);
                } else {
                    let local = STREAM_LOCAL.parse().unwrap();
                    if agent.turn_stream_connected(now, id, local).is_ok() {
                        open = Some((id, FiveTuple::new(transport, local, server)));
                    }
                }
            }
            Op::StreamBytes { bytes, piece } => {
                let Some((_, flow)) = open else { continue };
                let n = usize::from(piece).max(1);
                let pieces: Vec<&[u8]> = if piece == 0 {
                    vec![&bytes]
                } else {
                    bytes.chunks(n).collect()
                };
                for p in pieces {
                    let _ = agent.handle_receive(now, flow, p);
                }
            }
            Op::StreamClosed => {
                if let Some((id, _)) = open.take() {
                    let _ = agent.turn_stream_closed(now, id);
                }
            }
        }
        while let Some(t) = agent.poll_transmit() {
            if Message::parse(&t.contents).is_ok_and(|m| m.class() == Class::Request) {
                last_check = Some((t.contents.to_vec(), t.destination));
            }
        }
        while let Some(e) = agent.poll_event() {
            match e {
                IceEvent::ConnectTurnStream {
                    id,
                    server,
                    transport,
                    ..
                } => asked = Some((id, server, transport)),
                IceEvent::CloseTurnStream { id } => {
                    open = open.filter(|(o, _)| *o != id);
                }
                _ => {}
            }
        }
        while agent.poll_received().is_some() {}
        // Due timers are handled; after that none may still be due, or a driver would spin.
        if agent.poll_timeout().is_some_and(|t| t <= now) {
            agent.handle_timeout(now);
            assert!(
                agent.poll_timeout().is_none_or(|t| t > now),
                "a timer stays due"
            );
        }
    }
});
