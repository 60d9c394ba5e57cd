//! The ICE agent's hot path: one inbound connectivity check handled (decode, FINGERPRINT,
//! USERNAME and MESSAGE-INTEGRITY verified with the prepared key, the success response built
//! with MESSAGE-INTEGRITY and FINGERPRINT, queued), beside the cryptography it cannot avoid
//! (one HMAC-SHA1 verify, one HMAC-SHA1 sign, two CRC-32) in the same run; and a whole
//! connection of two agents over a zero-latency in-memory network.

use core::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use floe_benches::ice_harness::{self, Unmetered, host_agent};
use floe_ice::{Credentials, FiveTuple, IceAgent, IceConfig, Role, Transport};
use floe_stun::attributes::{IceControlling, Priority, Username};
use floe_stun::{Class, IntegrityKey, MessageBuilder, MessageType, Method, TransactionId};
use hmac::{KeyInit as _, Mac as _};

const LOCAL: &str = "198.51.100.1:5000";
const PEER: &str = "203.0.113.9:7000";

/// An agent with one stream and one host address, and a check from the peer signed with the
/// agent's password.
fn agent_and_check() -> (IceAgent, Vec<u8>, String) {
    let now = Instant::now();
    let mut config = IceConfig::new(Role::Controlled);
    config.rng_seed = Some([1; 32]);
    let mut agent = IceAgent::new(config, now);
    let stream = agent.add_stream(1).unwrap();
    agent
        .add_local_address(stream, 1, LOCAL.parse().unwrap())
        .unwrap();
    agent.set_remote_credentials(now, Credentials::new("peer", "peer-password-of-22-chars"));
    let ours = agent.local_credentials().clone();
    let mut check = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Request);
    let mut b = MessageBuilder::new(&mut check, typ, TransactionId::from_bytes([5; 12]));
    b.add(&Username(&format!("{}:peer", ours.ufrag)))
        .add(&Priority(0x6e00_00ff))
        .add(&IceControlling(1));
    b.message_integrity(&IntegrityKey::short_term(&ours.pwd))
        .unwrap()
        .fingerprint()
        .unwrap();
    (agent, check, ours.pwd)
}

fn inbound_check(c: &mut Criterion) {
    let (mut agent, check, pwd) = agent_and_check();
    let flow = FiveTuple::new(
        Transport::Udp,
        LOCAL.parse().unwrap(),
        PEER.parse().unwrap(),
    );
    let now = Instant::now();
    // Warm: the peer-reflexive candidate and the pair exist; drain the triggered check.
    agent.handle_receive(now, flow, &check).unwrap();
    agent.handle_timeout(now);
    while agent.poll_transmit().is_some() {}
    while agent.poll_event().is_some() {}
    let mut g = c.benchmark_group("ice");
    g.bench_function("inbound_check", |b| {
        b.iter(|| {
            agent.handle_receive(now, flow, black_box(&check)).unwrap();
            black_box(agent.poll_transmit().unwrap());
        });
    });
    // The floor: what any agent must compute for one check, with the key absorbed once.
    let key = hmac::Hmac::<sha1::Sha1>::new_from_slice(pwd.as_bytes()).unwrap();
    let signed = check.len() - 8 - 24; // before MESSAGE-INTEGRITY
    let response_len = 20 + 12 + 24 + 8 + 8;
    let response = vec![0xa5u8; response_len];
    g.bench_function("crypto_floor", |b| {
        b.iter(|| {
            let mut verify = key.clone();
            verify.update(black_box(&check[..signed]));
            black_box(verify.finalize());
            black_box(crc32fast::hash(black_box(&check[..check.len() - 8])));
            let mut sign = key.clone();
            sign.update(black_box(&response[..response_len - 32]));
            black_box(sign.finalize());
            black_box(crc32fast::hash(black_box(&response[..response_len - 8])));
        });
    });
    g.finish();
}

fn connect(c: &mut Criterion) {
    c.bench_function("ice/connect_host_pair", |b| {
        b.iter(|| {
            let now = Instant::now();
            let mut a = host_agent(Role::Controlling, [1; 32], &[LOCAL.parse().unwrap()], now);
            let mut b = host_agent(Role::Controlled, [2; 32], &[PEER.parse().unwrap()], now);
            black_box(ice_harness::connect(&mut a, &mut b, now, &mut Unmetered));
        });
    });
}

criterion_group!(benches, inbound_check, connect);
criterion_main!(benches);
