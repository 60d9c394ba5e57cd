//! Shared by the floe-turn fuzz targets (and the seed generator): a server and a client in one
//! process brought to a chosen state, and the byte format of the fuzz input.
//!
//! Input: `[stage, op, op, ...]`; an op is `0 len_hi len_lo bytes..` (a message to the fuzzed
//! side), `1 n` (wait n × 100 ms), `2 k` (a client command), `3 len_hi len_lo bytes..` (a
//! datagram from the peer on the relay). `turn_server_sequences` takes `arbitrary` ops instead
//! and uses only [`setup`] (stage 0) and [`shuttle`].

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use floe_turn::{
    Client, ClientConfig, FiveTuple, IpPrefix, RelayGrant, RelayTransport, Server, ServerConfig,
    ServerEvent, StaticCredentials, Transport, TurnEvent,
};

pub const SERVER: &str = "192.0.2.1:3478";
pub const PEER: &str = "1.2.3.4:7000";
pub const RELAY: &str = "192.0.2.1:49152";

pub struct Setup {
    pub now: Instant,
    pub server: Server<StaticCredentials>,
    pub client: Client,
    pub ft: FiveTuple,
}

/// Moves messages between client and server until both are quiet (bounded).
pub fn shuttle(s: &mut Setup) {
    for _ in 0..16 {
        let mut moved = false;
        while let Some(t) = s.client.poll_transmit() {
            moved = true;
            let _ = s.server.handle_receive(s.now, s.ft, &t.contents);
        }
        while let Some(e) = s.server.poll_event() {
            match e {
                ServerEvent::RelayRequested(req) => {
                    let grant = RelayGrant {
                        relayed: RELAY.parse().unwrap(),
                        additional: None,
                    };
                    s.server.provide_relay(s.now, req.id, Ok(grant));
                }
                ServerEvent::TcpConnectRequested { id, .. } => {
                    s.server.tcp_connect_result(s.now, id, true);
                }
                _ => {}
            }
        }
        while let Some(t) = s.server.poll_transmit() {
            moved = true;
            let _ = s
                .client
                .handle_receive(s.now, SERVER.parse().unwrap(), &t.contents);
        }
        drain_received(&mut s.client, s.now);
        while s.client.poll_event().is_some() {}
        if !moved {
            return;
        }
    }
}

/// Stage 0 idle, 1 Allocate sent, 2 challenged (authenticated Allocate sent), 3 allocated,
/// 4 with a permission, 5 with a channel, 6 closing, 7 a TCP allocation (RFC 6062) over a
/// stream with a permission and a Connect the embedder accepted.
pub fn setup(stage: u8) -> Setup {
    let now = Instant::now();
    let mut config = ServerConfig::new("example.org");
    config.rng_seed = Some([1; 32]);
    config.peer_policy = config
        .peer_policy
        .clone()
        .allow(IpPrefix::new("1.2.3.0".parse().unwrap(), 24));
    let users = StaticCredentials::new().with_user("alice", "secret");
    let server = Server::new(config, users, now);
    let mut cfg = ClientConfig::new(SERVER.parse().unwrap(), "alice", "secret");
    cfg.rng_seed = Some([2; 32]);
    let tcp = stage == 7;
    if tcp {
        cfg.transport = Transport::Tcp;
        cfg.relay_transport = RelayTransport::Tcp;
    }
    let transport = if tcp { Transport::Tcp } else { Transport::Udp };
    // The server's view: local is the server, remote the client.
    let ft = FiveTuple::new(
        transport,
        SERVER.parse().unwrap(),
        "198.51.100.1:50000".parse().unwrap(),
    );
    let mut s = Setup {
        now,
        server,
        client: Client::new(cfg),
        ft,
    };
    let peer: SocketAddr = PEER.parse().unwrap();
    if stage >= 1 {
        let _ = s.client.allocate(now);
    }
    if stage == 1 {
        return s;
    }
    if stage == 2 {
        // Deliver the challenge only: the authenticated Allocate stays unanswered.
        let t = s.client.poll_transmit().unwrap();
        let _ = s.server.handle_receive(now, s.ft, &t.contents);
        let r = s.server.poll_transmit().unwrap();
        let _ = s
            .client
            .handle_receive(now, SERVER.parse().unwrap(), &r.contents);
        drain_received(&mut s.client, now);
        return s;
    }
    shuttle(&mut s);
    if tcp {
        let _ = s.client.connect(now, peer);
        shuttle(&mut s);
        return s;
    }
    if stage >= 4 {
        let _ = s.client.create_permission(now, peer.ip());
        shuttle(&mut s);
    }
    if stage >= 5 {
        let _ = s.client.bind_channel(now, peer);
        shuttle(&mut s);
    }
    if stage >= 6 {
        let _ = s.client.close(now);
    }
    s
}

#[allow(dead_code)]
pub enum Op<'a> {
    Message(&'a [u8]),
    Wait(Duration),
    Command(u8),
    Peer(&'a [u8]),
}

/// Splits the fuzz input after the stage byte into ops; a truncated op ends the list.
#[allow(dead_code)]
pub fn ops(mut data: &[u8]) -> impl Iterator<Item = Op<'_>> {
    std::iter::from_fn(move || {
        let (&tag, rest) = data.split_first()?;
        match tag % 4 {
            1 | 2 => {
                let (&n, rest) = rest.split_first()?;
                data = rest;
                Some(if tag % 4 == 1 {
                    Op::Wait(Duration::from_millis(u64::from(n) * 100))
                } else {
                    Op::Command(n)
                })
            }
            t => {
                let (len, rest) = rest.split_first_chunk::<2>()?;
                let len = usize::from(u16::from_be_bytes(*len)).min(rest.len());
                let (bytes, rest) = rest.split_at(len);
                data = rest;
                Some(if t == 0 {
                    Op::Message(bytes)
                } else {
                    Op::Peer(bytes)
                })
            }
        }
    })
}

/// Runs a client command (the API-misuse paths included).
#[allow(dead_code)]
pub fn command(c: &mut Client, now: Instant, k: u8) {
    let peer: SocketAddr = PEER.parse().unwrap();
    let _ = match k % 7 {
        0 => c.allocate(now),
        1 => c.create_permission(now, peer.ip()),
        2 => c.bind_channel(now, peer).map(drop),
        3 => c.send_to(peer, b"fuzz", &mut Vec::new()),
        4 => c.refresh(now),
        5 => c.close(now),
        _ => c.send_to(peer, &[0; 1200], &mut Vec::new()),
    };
}

/// The rest of a stream's frames; a framing error leaves the stream out of sync for good.
pub fn drain_received(c: &mut Client, now: Instant) {
    loop {
        match c.poll_received(now) {
            Ok(None) | Err(floe_turn::ReceiveError::Framing(_)) => break,
            Ok(Some(_)) | Err(_) => {}
        }
    }
}

#[allow(dead_code)]
pub fn drain_client(c: &mut Client, now: Instant) {
    drain_received(c, now);
    while c.poll_transmit().is_some() {}
    while let Some(e) = c.poll_event() {
        let _: TurnEvent = e;
    }
}
