//! Arbitrary responses, datagrams, waits and socket answers fed to the NAT discovery machine
//! (floe-nat). Replies carry the transaction id of a request it really sent, so the fuzzer
//! reaches every verdict rule; the run must never panic, never leave a timer due after
//! `handle_timeout`, keep its evidence bounded, and always finish once time runs on. The
//! report is then written out in full (every verdict, name and piece of evidence), which must
//! not panic either.
#![no_main]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use std::fmt::Write as _;

use floe_nat::{Discovery, DiscoveryConfig, Event, LifetimeConfig, MAX_LIFETIME_TRIALS, Report};
use libfuzzer_sys::fuzz_target;

const FROM: [&str; 6] = [
    "203.0.113.10:3478",
    "203.0.113.20:3479",
    "203.0.113.10:3479",
    "203.0.113.20:3478",
    "198.51.100.1:5000",
    "192.0.2.77:9",
];

/// Answers pending socket requests: opened unless `fail`.
fn sockets(d: &mut Discovery, now: Instant, fail: bool, port: &mut u16) {
    while let Some(ev) = d.poll_event() {
        if let Event::OpenSocket(s) = ev {
            *port += 1;
            if fail {
                d.socket_failed(now, s)
            } else {
                d.socket_opened(now, s, SocketAddr::from(([10, 0, 0, 2], *port)))
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let mut c = DiscoveryConfig::new(FROM[0].parse().unwrap(), "10.0.0.2:5000".parse().unwrap());
    (c.rng_seed, c.filtering, c.hairpinning, c.mapping) = (
        Some([flags; 32]),
        flags & 1 == 0,
        flags & 2 == 0,
        flags & 8 == 0,
    );
    if flags & 4 != 0 {
        c.lifetime = Some(LifetimeConfig::new([5, 30, 1].map(Duration::from_secs)));
    }
    let (start, mut port) = (Instant::now(), 6000);
    let (mut now, mut d, mut sent) = (start, Discovery::new(c, start), Vec::new());
    while let Some((&op, tail)) = rest.split_first() {
        sockets(&mut d, now, flags & 16 != 0, &mut port);
        while let Some(t) = d.poll_transmit() {
            sent.push(
                t.contents
                    .get(8..20)
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default(),
            );
        }
        let take = usize::from(tail.first().copied().unwrap_or(0)) % 64;
        let (arg, body) = tail
            .get(1..)
            .unwrap_or(&[])
            .split_at(take.min(tail.len().saturating_sub(1)));
        rest = body;
        let from = FROM[usize::from(op >> 4) % FROM.len()].parse().unwrap();
        let socket = floe_nat::SocketId::from_index(op >> 5).unwrap_or(floe_nat::SocketId::PRIMARY);
        match op % 4 {
            // A STUN message with the id of a request sent: type from `op`, attributes from `arg`.
            0 | 1 => {
                let tid = sent
                    .get(usize::from(op) % sent.len().max(1))
                    .cloned()
                    .unwrap_or(vec![0; 12]);
                let typ: u16 = [0x0101, 0x0111, 0x0001, 0x0011][usize::from(op >> 2) % 4];
                let len = (arg.len() + 3) & !3;
                let mut m = [
                    &typ.to_be_bytes()[..],
                    &(len as u16).to_be_bytes(),
                    &[0x21, 0x12, 0xa4, 0x42],
                    &tid,
                ]
                .concat();
                m.extend_from_slice(arg);
                m.resize(20 + len, 0);
                d.handle_receive(now, socket, from, &m);
            }
            2 => drop(d.handle_receive(now, socket, from, arg)),
            _ => {
                now += Duration::from_millis(u64::from(u16::from_be_bytes([
                    arg.first().copied().unwrap_or(0),
                    op,
                ])));
                d.handle_timeout(now);
                assert!(d.poll_timeout().is_none_or(|t| t > now));
            }
        }
        assert!(d.report().evidence.len() <= 7 + 2 * MAX_LIFETIME_TRIALS);
    }
    // Time runs on: every run finishes.
    for _ in 0..1000 {
        sockets(&mut d, now, flags & 16 != 0, &mut port);
        while d.poll_transmit().is_some() {}
        let Some(at) = d.poll_timeout() else { break };
        now = now.max(at);
        d.handle_timeout(now);
    }
    sockets(&mut d, now, flags & 16 != 0, &mut port);
    assert!(d.is_finished(), "{:?}", d.report());
    render(&d.report());
});

/// Every verdict, name and piece of evidence as text.
fn render(r: &Report) {
    let mut text = format!("{r:?}\n");
    for verdict in [
        r.mapping.as_ref().map(ToString::to_string),
        r.filtering.as_ref().map(ToString::to_string),
        r.hairpinning.as_ref().map(|h| format!("{h:?}")),
        r.lifetime.as_ref().map(|l| format!("{l:?}")),
    ] {
        match verdict {
            Ok(v) => text.push_str(&v),
            Err(unknown) => write!(text, "{unknown}").unwrap(),
        }
    }
    if let Some(c) = r.classic() {
        write!(text, "{c}: {}", c.ice_meaning()).unwrap();
    }
    write!(text, "{} {}", r.server_lacks_rfc5780(), r.no_response()).unwrap();
    for e in &r.evidence {
        write!(text, "{e}").unwrap();
    }
    std::hint::black_box(text);
}
