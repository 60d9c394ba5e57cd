//! Exact deadlines: `poll_timeout` is the earliest live deadline, nothing expires a tick
//! early, idle `handle_timeout` touches nothing, and the heap stays bounded.

use core::net::{IpAddr, Ipv4Addr};

use super::*;
use crate::server::tcp::TcpConnState;
use crate::server::timers::COMPACTION_SLACK;

/// The smallest step of time: a deadline minus this has not come yet.
const TICK: Duration = Duration::from_nanos(1);

/// A signed request with a transaction id of its own (the harness's `u8` counter would wrap
/// in the loops below).
fn send_with(
    t: &mut T,
    n: u32,
    method: Method,
    body: impl FnOnce(&mut MessageBuilder<'_>),
) -> Vec<u8> {
    let mut tid = [0xEE; 12];
    tid[8..].copy_from_slice(&n.to_be_bytes());
    let bytes = t.request(method, TransactionId::from_bytes(tid), true, body);
    t.raw(&bytes)
}

/// An Allocate granted at once, with a transaction id and relay port of its own.
fn allocate_with(t: &mut T, n: u32) {
    let mut tid = [0xAA; 12];
    tid[8..].copy_from_slice(&n.to_be_bytes());
    let bytes = t.request(
        Method::ALLOCATE,
        TransactionId::from_bytes(tid),
        true,
        |b| {
            b.add(&RequestedTransport::UDP);
        },
    );
    assert!(t.server.handle_receive(t.now, t.ft, &bytes).is_none());
    let Some(ServerEvent::RelayRequested(req)) = t.server.poll_event() else {
        panic!("no relay request");
    };
    let port = 10_000 + u16::try_from(n % 50_000).unwrap();
    let grant = RelayGrant {
        relayed: SocketAddr::new("192.0.2.1".parse().unwrap(), port),
        additional: None,
    };
    assert!(t.server.provide_relay(t.now, req.id, Ok(grant)));
    assert!(t.server.poll_transmit().is_some());
}

/// Allocation `i` of many, granted at `now` without going through authentication (which
/// would dominate the test's time): its own client address and relayed address.
fn allocate_direct(t: &mut T, i: u32, now: Instant) -> FiveTuple {
    let five_tuple = FiveTuple {
        remote: SocketAddr::new(IpAddr::V4(Ipv4Addr::from(0x0A00_0000 + i)), 4000),
        ..t.ft
    };
    let id = t.server.new_request_id();
    let pending = PendingAllocate {
        five_tuple,
        tid: TransactionId::from_bytes([1; 12]),
        username: "alice".into(),
        integrity: Integrity::Sha1,
        signing: t.key.integrity_key().into_owned(),
        lifetime: DEFAULT_ALLOCATION_LIFETIME,
        additional_family: None,
        tcp: false,
        deadline: now + Duration::from_secs(5),
    };
    t.server.pending.insert(id, pending);
    let grant = RelayGrant {
        relayed: SocketAddr::new(IpAddr::V4(Ipv4Addr::from(0xC000_0000 + i)), 50000),
        additional: None,
    };
    assert!(t.server.provide_relay(now, id, Ok(grant)));
    while t.server.poll_transmit().is_some() {}
    while t.server.poll_event().is_some() {}
    five_tuple
}

/// The earliest deadline found by scanning the whole state, to check the heap against.
fn scanned_deadline(s: &Server<StaticCredentials>) -> Option<Instant> {
    let allocations = s.allocations.values().map(Allocation::next_deadline);
    let pending = s.pending.values().map(|p| p.deadline);
    let conns = s.tcp_conns.values().filter_map(|c| match c.state {
        TcpConnState::AwaitingBind { deadline } => Some(deadline),
        TcpConnState::Connecting { .. } => None,
    });
    allocations.chain(pending).chain(conns).min()
}

fn released(s: &mut Server<StaticCredentials>) -> Vec<ReleaseReason> {
    core::iter::from_fn(|| s.poll_event())
        .filter_map(|e| match e {
            ServerEvent::RelayReleased { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

#[test]
fn poll_timeout_is_exact_and_nothing_expires_a_tick_early() {
    let mut t = T::new();
    let t0 = t.now;
    let peer: SocketAddr = PEER.parse().unwrap();
    assert_eq!(t.server.poll_timeout(), None);
    t.allocate();
    assert_eq!(
        t.server.poll_timeout(),
        Some(t0 + DEFAULT_ALLOCATION_LIFETIME)
    );
    let r = t.send(Method::REFRESH, true, |b| {
        b.add(&Lifetime(3600));
    });
    assert_eq!(reply_code(&r), None);
    assert_eq!(t.server.poll_timeout(), Some(t0 + MAX_ALLOCATION_LIFETIME));

    // ChannelBind installs the permission (300 s) and the channel (600 s + 300 s hold-down).
    t.now = t0 + Duration::from_secs(1);
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001)).add(&XorPeerAddress(peer));
    });
    assert_eq!(reply_code(&r), None);
    assert_eq!(t.server.poll_timeout(), Some(t.now + PERMISSION_LIFETIME));
    // Refreshing the permission moves the deadline; the old entry is no longer reported.
    t.now = t0 + Duration::from_secs(100);
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(peer));
    });
    assert_eq!(reply_code(&r), None);
    let permission_end = t.now + PERMISSION_LIFETIME;
    assert_eq!(t.server.poll_timeout(), Some(permission_end));

    let info = |t: &T| t.server.allocation(&t.ft).unwrap();
    t.server.handle_timeout(permission_end - TICK);
    assert_eq!(info(&t).permissions, [peer.ip()]);
    assert_eq!(t.server.poll_timeout(), Some(permission_end));
    t.server.handle_timeout(permission_end);
    assert!(info(&t).permissions.is_empty());
    let channel_end = t0 + Duration::from_secs(1) + CHANNEL_LIFETIME + CHANNEL_HOLD_DOWN;
    assert_eq!(t.server.poll_timeout(), Some(channel_end));

    t.server.handle_timeout(channel_end - TICK);
    assert_eq!(info(&t).channels, [(0x4001, peer)]);
    t.server.handle_timeout(channel_end);
    assert!(info(&t).channels.is_empty());
    let expiry = t0 + MAX_ALLOCATION_LIFETIME;
    assert_eq!(t.server.poll_timeout(), Some(expiry));

    t.server.handle_timeout(expiry - TICK);
    assert_eq!(t.server.allocation_count(), 1);
    assert!(t.server.poll_event().is_none());
    t.server.handle_timeout(expiry);
    assert_eq!(t.server.allocation_count(), 0);
    assert_eq!(released(&mut t.server), [ReleaseReason::Expired]);
    assert_eq!(t.server.poll_timeout(), None);
}

#[test]
fn unanswered_relay_request_times_out_exactly() {
    let mut t = T::new();
    let bytes = t.request(
        Method::ALLOCATE,
        TransactionId::from_bytes([9; 12]),
        true,
        |b| {
            b.add(&RequestedTransport::UDP);
        },
    );
    assert!(t.server.handle_receive(t.now, t.ft, &bytes).is_none());
    let Some(ServerEvent::RelayRequested(req)) = t.server.poll_event() else {
        panic!("no relay request");
    };
    let deadline = t.now + t.server.config().relay_request_timeout;
    assert_eq!(t.server.poll_timeout(), Some(deadline));
    t.server.handle_timeout(deadline - TICK);
    assert_eq!(t.server.pending_count(), 1);
    t.server.handle_timeout(deadline);
    assert_eq!(t.server.pending_count(), 0);
    assert_eq!(t.server.poll_timeout(), None);
    let grant = RelayGrant {
        relayed: "192.0.2.1:50000".parse().unwrap(),
        additional: None,
    };
    assert!(!t.server.provide_relay(deadline, req.id, Ok(grant)));
}

#[test]
fn unbound_peer_connection_is_closed_at_30_seconds() {
    let mut t = T::new();
    t.ft.transport = Transport::Tcp;
    t.renew_nonce();
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::TCP);
    });
    let relay = get::<XorRelayedAddress>(&wire::parse(&r).unwrap())
        .unwrap()
        .0;
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(PEER.parse().unwrap()));
    });
    assert_eq!(reply_code(&r), None);
    t.now += Duration::from_secs(10);
    let id = t
        .server
        .tcp_peer_accepted(t.now, relay, PEER.parse().unwrap())
        .unwrap();
    let deadline = t.now + CONNECTION_BIND_TIMEOUT;
    assert_eq!(t.server.poll_timeout(), Some(deadline));
    while t.server.poll_event().is_some() {}
    t.server.handle_timeout(deadline - TICK);
    assert!(t.server.poll_event().is_none());
    t.server.handle_timeout(deadline);
    assert_eq!(
        t.server.poll_event(),
        Some(ServerEvent::TcpConnectionClosed {
            id,
            reason: TcpCloseReason::BindTimeout
        })
    );
    // Next: the permission, created at the start.
    assert_eq!(
        t.server.poll_timeout(),
        Some(deadline - Duration::from_secs(40) + PERMISSION_LIFETIME)
    );
}

#[test]
fn idle_handle_timeout_leaves_100_000_allocations_alone() {
    const N: u32 = 100_000;
    let mut t = T::new();
    let t0 = t.now;
    for i in 0..N {
        // One allocation per microsecond, so that each has its own deadline.
        allocate_direct(&mut t, i, t0 + Duration::from_micros(u64::from(i)));
    }
    let first = t0 + DEFAULT_ALLOCATION_LIFETIME;
    assert_eq!(t.server.poll_timeout(), Some(first));
    let entries = t.server.timers.len();
    assert_eq!(entries, N as usize, "one entry per allocation");

    // Nothing is due: every allocation stays, and not a single heap entry is popped.
    t.server.handle_timeout(first - TICK);
    assert_eq!(t.server.allocation_count(), N as usize);
    assert_eq!(t.server.timers.len(), entries);
    assert!(t.server.poll_event().is_none());
    assert_eq!(t.server.poll_timeout(), Some(first));

    // The first deadline expires the first allocation only.
    t.server.handle_timeout(first);
    assert_eq!(t.server.allocation_count(), N as usize - 1);
    assert_eq!(released(&mut t.server), [ReleaseReason::Expired]);
    assert_eq!(
        t.server.poll_timeout(),
        Some(first + Duration::from_micros(1))
    );
}

#[test]
fn memory_usage_counts_the_timer_heap_and_stays_under_1_kib_an_allocation() {
    // The setup of the `turn/memory` benchmark: 10 000 allocations, each given a channel
    // (and with it a permission) at once, which moves its deadline and leaves a stale entry.
    let mut t = T::new();
    let peer: SocketAddr = PEER.parse().unwrap();
    for i in 0..10_000 {
        let now = t.now;
        let ft = allocate_direct(&mut t, i, now);
        let before = t.server.next_deadline_of(&ft);
        let a = t.server.allocations.get_mut(&ft).unwrap();
        a.cached_allocate = None;
        a.bind(0x4001, peer, t.now + CHANNEL_LIFETIME, 64).unwrap();
        assert!(a.permit(peer.ip(), t.now + PERMISSION_LIFETIME, 64));
        t.server.reschedule(ft, before);
    }
    assert_eq!(t.server.timers.len(), 20_000);
    let heap = t.server.timers.heap_bytes();
    // 16-byte entries (instant in ticks, packed key).
    assert!(heap >= 20_000 * 16, "{heap} bytes of heap");
    let usage = t.server.memory_usage();
    assert!(usage.bytes > heap);
    let per_allocation = usage.bytes / usage.allocations;
    assert!(
        per_allocation < 1024,
        "{per_allocation} bytes per allocation"
    );
}

#[test]
fn refreshing_in_a_loop_keeps_the_timer_heap_bounded() {
    let mut t = T::new();
    t.allocate();
    let peer: SocketAddr = PEER.parse().unwrap();
    let bound = 3 + COMPACTION_SLACK;
    for n in 0..1000 {
        // Each request moves a deadline (time advances), so each pushes an entry.
        t.now += Duration::from_millis(1);
        let r = if n % 2 == 0 {
            send_with(&mut t, n, Method::REFRESH, |b| {
                b.add(&Lifetime(600));
            })
        } else {
            send_with(&mut t, n, Method::CREATE_PERMISSION, |b| {
                b.add(&XorPeerAddress(peer));
            })
        };
        assert_eq!(reply_code(&r), None);
        assert!(
            t.server.timers.len() <= bound,
            "{} entries",
            t.server.timers.len()
        );
        assert_eq!(t.server.poll_timeout(), scanned_deadline(&t.server));
    }
}

#[test]
fn poll_timeout_matches_a_scan_of_the_state() {
    // A seeded walk through refreshes, permissions, channels, deletions and time jumps;
    // after every step the heap's answer equals a scan of every deadline the server holds.
    // Nonces outlive the walk, so no request is challenged.
    let mut t = T::with_config(|c| c.nonce_lifetime = Duration::from_secs(30 * 86_400));
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let mut n = 0u32;
    for _ in 0..400 {
        n += 1;
        if t.server.allocation_count() == 0 {
            allocate_with(&mut t, n);
        }
        let peer = SocketAddr::from(([1, 2, 3, 1 + next(4) as u8], 7000));
        match next(6) {
            0 => {
                let lifetime = [0, 600, 1200, 3600][next(4) as usize];
                send_with(&mut t, n, Method::REFRESH, |b| {
                    b.add(&Lifetime(lifetime));
                });
            }
            1 => {
                send_with(&mut t, n, Method::CREATE_PERMISSION, |b| {
                    b.add(&XorPeerAddress(peer));
                });
            }
            2 => {
                let number = 0x4000 + next(4) as u16;
                send_with(&mut t, n, Method::CHANNEL_BIND, |b| {
                    b.add(&ChannelNumber(number)).add(&XorPeerAddress(peer));
                });
            }
            _ => {
                // Jump ahead, firing every deadline on the way like an embedder would.
                let until = t.now + Duration::from_secs(next(400));
                while let Some(at) = t.server.poll_timeout().filter(|at| *at <= until) {
                    t.server.handle_timeout(at);
                    assert!(scanned_deadline(&t.server).is_none_or(|d| d > at));
                    assert_eq!(t.server.poll_timeout(), scanned_deadline(&t.server));
                }
                t.now = until;
                t.server.handle_timeout(until);
            }
        }
        while t.server.poll_event().is_some() {}
        assert_eq!(t.server.poll_timeout(), scanned_deadline(&t.server));
    }
}
