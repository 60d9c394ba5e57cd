//! floe-turn benchmarks: ChannelData decode and encode, the server's relay path per packet in
//! both directions and the client's data path (send into a reused buffer, receive borrowed),
//! an authenticated Allocate handled by the server (and the 401 challenge),
//! and the server's memory per allocation with one permission and one channel (printed, from
//! `Server::memory_usage`).
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use core::hint::black_box;
use core::net::SocketAddr;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use floe_stun::attributes::{Nonce, Realm, RequestedTransport, Username};
use floe_stun::channel_data::ChannelData;
use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
use floe_turn::{
    Client, ClientConfig, FiveTuple, IpPrefix, RelayGrant, Server, ServerConfig, ServerEvent,
    StaticCredentials, Transport, TurnEvent,
};

const SERVER: &str = "192.0.2.1:3478";
const PEER: &str = "1.2.3.4:7000";

/// A 160-byte payload (20 ms of G.711) and a 1200-byte one (a video packet).
const SIZES: [usize; 2] = [160, 1200];

fn five_tuple(port: u16) -> FiveTuple {
    FiveTuple {
        remote: SocketAddr::new("198.51.100.1".parse().unwrap(), port),
        local: SERVER.parse().unwrap(),
        transport: Transport::Udp,
    }
}

fn server(now: Instant) -> Server<StaticCredentials> {
    let mut config = ServerConfig::new("example.org");
    config.rng_seed = Some([1; 32]);
    config.quotas.allocations_per_user = u32::MAX;
    config.quotas.allocations_per_client_ip = u32::MAX;
    config.quotas.allocations_total = u32::MAX;
    config.peer_policy = config
        .peer_policy
        .clone()
        .allow(IpPrefix::new("1.2.3.0".parse().unwrap(), 24));
    Server::new(
        config,
        StaticCredentials::new().with_user("alice", "secret"),
        now,
    )
}

/// Runs our client against `server` on `ft` until it has an allocation with a permission
/// and a channel to [`PEER`]; returns the client and the channel.
fn allocate_with_channel(
    server: &mut Server<StaticCredentials>,
    now: Instant,
    ft: FiveTuple,
    relayed: SocketAddr,
) -> (Client, u16) {
    let mut cfg = ClientConfig::new(SERVER.parse().unwrap(), "alice", "secret");
    cfg.rng_seed = Some([ft.remote.port() as u8; 32]);
    let mut client = Client::new(cfg);
    let peer: SocketAddr = PEER.parse().unwrap();
    client.allocate(now).unwrap();
    let mut channel = 0;
    for _ in 0..20 {
        while let Some(t) = client.poll_transmit() {
            let _ = server.handle_receive(now, ft, &t.contents);
        }
        while let Some(e) = server.poll_event() {
            if let ServerEvent::RelayRequested(req) = e {
                let grant = RelayGrant {
                    relayed,
                    additional: None,
                };
                server.provide_relay(now, req.id, Ok(grant));
            }
        }
        while let Some(t) = server.poll_transmit() {
            client
                .handle_receive(now, SERVER.parse().unwrap(), &t.contents)
                .unwrap();
        }
        while let Some(e) = client.poll_event() {
            match e {
                TurnEvent::Allocated { .. } => {
                    client.create_permission(now, peer.ip()).unwrap();
                    channel = client.bind_channel(now, peer).unwrap();
                }
                TurnEvent::ChannelBound { channel: c, .. } => return (client, c),
                _ => {}
            }
        }
    }
    panic!("no channel (last channel {channel:#x})")
}

fn channel_data(c: &mut Criterion) {
    let mut g = c.benchmark_group("turn/channel_data");
    for size in SIZES {
        let payload = vec![0xA5u8; size];
        let mut wire = Vec::new();
        ChannelData::new(0x4001, &payload)
            .unwrap()
            .encode(&mut wire, false);
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(format!("decode/{size}"), |b| {
            b.iter(|| {
                let cd = ChannelData::parse(black_box(&wire)).unwrap();
                black_box((cd.channel(), cd.data().len()))
            });
        });
        let mut out = Vec::with_capacity(2048);
        g.bench_function(format!("encode/{size}"), |b| {
            b.iter(|| {
                out.clear();
                ChannelData::new(0x4001, black_box(&payload))
                    .unwrap()
                    .encode(&mut out, false);
                black_box(out.len())
            });
        });
    }
    g.finish();
}

fn relay_path(c: &mut Criterion) {
    let now = Instant::now();
    let mut server = server(now);
    // A busy server: 1000 other allocations with a channel each, then ours.
    for i in 0..1000u16 {
        let relayed = SocketAddr::new("192.0.2.1".parse().unwrap(), 10_000 + i);
        allocate_with_channel(&mut server, now, five_tuple(20_000 + i), relayed);
    }
    let ft = five_tuple(50_000);
    let relayed: SocketAddr = "192.0.2.1:49152".parse().unwrap();
    let (mut client, channel) = allocate_with_channel(&mut server, now, ft, relayed);
    let peer: SocketAddr = PEER.parse().unwrap();
    let mut g = c.benchmark_group("turn/relay");
    g.throughput(Throughput::Elements(1));
    for size in SIZES {
        let payload = vec![0x5Au8; size];
        let mut inbound = Vec::new();
        ChannelData::new(channel, &payload)
            .unwrap()
            .encode(&mut inbound, false);
        g.bench_function(format!("client_to_peer/{size}"), |b| {
            b.iter(|| {
                let t = server
                    .handle_receive(now, black_box(ft), black_box(&inbound))
                    .unwrap();
                black_box((t.peer, t.data.len()))
            });
        });
        let mut out = Vec::with_capacity(2048);
        g.bench_function(format!("peer_to_client/{size}"), |b| {
            b.iter(|| {
                let t = server
                    .handle_peer_data(now, relayed, peer, black_box(&payload), &mut out)
                    .unwrap();
                black_box((t.five_tuple.remote, out.len()))
            });
        });
        // The client's side of the same path: ChannelData written into a reused buffer,
        // and peer data handed back borrowed from the datagram.
        g.bench_function(format!("client_send/{size}"), |b| {
            b.iter(|| {
                client.send_to(peer, black_box(&payload), &mut out).unwrap();
                black_box(out.len())
            });
        });
        let server_addr: SocketAddr = SERVER.parse().unwrap();
        g.bench_function(format!("client_receive/{size}"), |b| {
            b.iter(|| {
                let r = client
                    .handle_receive(now, server_addr, black_box(&inbound))
                    .unwrap()
                    .unwrap();
                black_box((r.peer, r.data.len()))
            });
        });
    }
    g.finish();
}

/// An unsigned Allocate for UDP (the server answers it with a 401 challenge).
fn unsigned_allocate(tid: u8) -> Vec<u8> {
    let typ = MessageType::new(Method::ALLOCATE, Class::Request);
    let mut bare = Vec::new();
    let mut b = MessageBuilder::new(&mut bare, typ, TransactionId::from_bytes([tid; 12]));
    b.add(&RequestedTransport::UDP);
    b.fingerprint().unwrap();
    bare
}

/// A signed Allocate from `ft` with the nonce the server gave it.
fn signed_allocate(server: &mut Server<StaticCredentials>, now: Instant, ft: FiveTuple) -> Vec<u8> {
    let bare = unsigned_allocate(1);
    assert!(server.handle_receive(now, ft, &bare).is_none());
    let challenge = server.poll_transmit().unwrap().contents;
    let nonce = Message::parse(&challenge)
        .unwrap()
        .get::<Nonce<'_>>()
        .unwrap()
        .unwrap()
        .0
        .to_owned();
    let key = IntegrityKey::long_term_md5("alice", "example.org", "secret");
    let mut req = Vec::new();
    let typ = MessageType::new(Method::ALLOCATE, Class::Request);
    let mut b = MessageBuilder::new(&mut req, typ, TransactionId::from_bytes([2; 12]));
    b.add(&RequestedTransport::UDP)
        .add(&Username("alice"))
        .add(&Realm("example.org"))
        .add(&Nonce(&nonce));
    b.message_integrity(&key).unwrap().fingerprint().unwrap();
    req
}

fn allocate(c: &mut Criterion) {
    let now = Instant::now();
    let mut server = server(now);
    let ft = five_tuple(40_000);
    let request = signed_allocate(&mut server, now, ft);
    let relayed: SocketAddr = "192.0.2.1:49152".parse().unwrap();
    let mut g = c.benchmark_group("turn/allocate");
    g.throughput(Throughput::Elements(1));
    g.bench_function("authenticated", |b| {
        b.iter(|| {
            assert!(
                server
                    .handle_receive(now, ft, black_box(&request))
                    .is_none()
            );
            let Some(ServerEvent::RelayRequested(req)) = server.poll_event() else {
                panic!("no relay request");
            };
            let grant = RelayGrant {
                relayed,
                additional: None,
            };
            assert!(server.provide_relay(now, req.id, Ok(grant)));
            let response = server.poll_transmit().unwrap();
            black_box(response.contents.len());
            while server.poll_event().is_some() {}
            // Tear down so the next iteration allocates again on the same 5-tuple.
            server.connection_closed(now, &ft);
            while server.poll_event().is_some() {}
        });
    });
    let bare = unsigned_allocate(3);
    g.bench_function("challenge_401", |b| {
        b.iter(|| {
            assert!(server.handle_receive(now, ft, black_box(&bare)).is_none());
            black_box(server.poll_transmit().unwrap().contents.len())
        });
    });
    g.finish();
}

fn memory(_: &mut Criterion) {
    let now = Instant::now();
    let n = 10_000u16;
    let mut server = server(now);
    for i in 0..n {
        let relayed = SocketAddr::new("192.0.2.1".parse().unwrap(), 1 + i);
        allocate_with_channel(&mut server, now, five_tuple(1 + i), relayed);
    }
    let usage = server.memory_usage();
    println!(
        "turn/memory: {} allocations with one permission and one channel hold {} bytes: {} bytes \
         per allocation",
        usage.allocations,
        usage.bytes,
        usage.bytes / usage.allocations
    );
}

criterion_group!(benches, channel_data, relay_path, allocate, memory);
criterion_main!(benches);
