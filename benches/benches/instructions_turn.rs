//! Instruction counts (callgrind through `gungraun`) of one relayed datagram each way in a
//! TURN server core holding one allocation with one permission and one channel: 160 B of
//! ChannelData from the client, and 160 B from the peer framed as ChannelData for the client,
//! each over IPv4 and over IPv6;
//! and a client's setup in its two parts: the 401 round of an unauthenticated Allocate, then the
//! signed Allocate, CreatePermission and ChannelBind. Floe's `Server`, and with `peers`
//! turn-server-proto's `TurnServer`, fed the same bytes (`benches/src/turn_cores.rs`). What
//! the benchmark is handed (the allocation, the inputs, the client's MESSAGE-INTEGRITY) is not
//! counted.
//!
//! ```text
//! cargo bench -p floe-benches --bench instructions_turn                    # Floe alone
//! cargo bench -p floe-benches --features peers --bench instructions_turn   # beside the peer
//! ```

// The gungraun macros expand to paths this lint calls needlessly qualified, and to modules
// without docs.
#![allow(unused_qualifications, missing_docs)]

use core::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};

// The harness shared with `turn_server_peers`.
#[path = "../src/turn_cores.rs"]
#[allow(dead_code, reason = "each bench uses part of the shared harness")]
mod turn_cores;

use turn_cores::{
    Family, FloeCore, TurnCore, allocate_401, challenge, channel_data, key, peer_addr, signed_setup,
};

/// A core with one allocation, the 160 B ChannelData a client sends, a buffer for the
/// client-bound frame. The core is boxed, so that handing it to the benchmark and back copies
/// a pointer, not the core.
fn setup<C: TurnCore>(family: Family) -> (Box<C>, Vec<u8>, Vec<u8>) {
    let core = Box::new(turn_cores::populated::<C>(family, 1));
    (core, channel_data(&[0x5a; 160]), Vec::with_capacity(2048))
}

fn client_to_peer<C: TurnCore>(
    (mut core, bytes, out): (Box<C>, Vec<u8>, Vec<u8>),
) -> (Box<C>, Vec<u8>, Vec<u8>) {
    let n = core.client_in(0, black_box(&bytes));
    assert_eq!(n, 160);
    (core, bytes, out)
}

fn peer_to_client<C: TurnCore>(
    (mut core, bytes, mut out): (Box<C>, Vec<u8>, Vec<u8>),
) -> (Box<C>, Vec<u8>, Vec<u8>) {
    let peer = peer_addr(core.family());
    let n = core.peer_in(0, peer, black_box(&bytes[4..]), &mut out);
    assert_eq!(n, 164);
    (core, bytes, out)
}

/// An empty core and the unauthenticated Allocate that gets the 401.
fn unsigned_input<C: TurnCore>() -> (Box<C>, Vec<u8>, Vec<u8>) {
    let core = Box::new(C::new(Family::V4, 1));
    (core, allocate_401(Family::V4, 0), Vec::with_capacity(2048))
}

/// A core that has challenged client 0, and the client's three signed requests.
fn signed_input<C: TurnCore>() -> (Box<C>, [Vec<u8>; 3], Vec<u8>) {
    let mut core = Box::new(C::new(Family::V4, 1));
    let mut out = Vec::with_capacity(2048);
    let nonce = challenge(&mut *core, 0, &mut out);
    let requests = signed_setup(Family::V4, 0, &nonce, &key());
    (core, requests, out)
}

/// Whether `out` holds a STUN error response (the class bits of its type, RFC 8489 §5).
fn is_error(out: &[u8]) -> bool {
    out.first_chunk::<2>()
        .is_some_and(|t| u16::from_be_bytes(*t) & 0x0110 == 0x0110)
}

fn challenge_round<C: TurnCore>(
    (mut core, bytes, mut out): (Box<C>, Vec<u8>, Vec<u8>),
) -> (Box<C>, Vec<u8>, Vec<u8>) {
    assert!(core.request(0, black_box(&bytes), &mut out));
    assert!(is_error(&out), "{}: no 401", C::NAME);
    (core, bytes, out)
}

fn signed_requests<C: TurnCore>(
    (mut core, requests, mut out): (Box<C>, [Vec<u8>; 3], Vec<u8>),
) -> (Box<C>, [Vec<u8>; 3], Vec<u8>) {
    for r in &requests {
        assert!(core.request(0, black_box(r), &mut out));
        assert!(!is_error(&out), "{}: refused", C::NAME);
    }
    (core, requests, out)
}

#[library_benchmark]
#[bench::first_request(unsigned_input::<FloeCore>())]
fn setup_401_floe(input: (Box<FloeCore>, Vec<u8>, Vec<u8>)) -> (Box<FloeCore>, Vec<u8>, Vec<u8>) {
    black_box(challenge_round(input))
}

#[library_benchmark]
#[bench::allocate_permission_channel(signed_input::<FloeCore>())]
fn setup_signed_floe(
    input: (Box<FloeCore>, [Vec<u8>; 3], Vec<u8>),
) -> (Box<FloeCore>, [Vec<u8>; 3], Vec<u8>) {
    black_box(signed_requests(input))
}

#[library_benchmark]
#[bench::one_allocation(setup::<FloeCore>(Family::V4))]
#[bench::one_allocation_ipv6(setup::<FloeCore>(Family::V6))]
fn client_to_peer_floe(
    input: (Box<FloeCore>, Vec<u8>, Vec<u8>),
) -> (Box<FloeCore>, Vec<u8>, Vec<u8>) {
    black_box(client_to_peer(input))
}

#[library_benchmark]
#[bench::one_allocation(setup::<FloeCore>(Family::V4))]
#[bench::one_allocation_ipv6(setup::<FloeCore>(Family::V6))]
fn peer_to_client_floe(
    input: (Box<FloeCore>, Vec<u8>, Vec<u8>),
) -> (Box<FloeCore>, Vec<u8>, Vec<u8>) {
    black_box(peer_to_client(input))
}

library_benchmark_group!(
    name = turn;
    benchmarks = client_to_peer_floe, peer_to_client_floe, setup_401_floe, setup_signed_floe
);

#[cfg(feature = "peers")]
mod peers {
    use super::turn_cores::PeerCore;
    use super::*;

    #[library_benchmark]
    #[bench::one_allocation(setup::<PeerCore>(Family::V4))]
    #[bench::one_allocation_ipv6(setup::<PeerCore>(Family::V6))]
    fn client_to_peer_turn_server_proto(
        input: (Box<PeerCore>, Vec<u8>, Vec<u8>),
    ) -> (Box<PeerCore>, Vec<u8>, Vec<u8>) {
        black_box(client_to_peer(input))
    }

    #[library_benchmark]
    #[bench::one_allocation(setup::<PeerCore>(Family::V4))]
    #[bench::one_allocation_ipv6(setup::<PeerCore>(Family::V6))]
    fn peer_to_client_turn_server_proto(
        input: (Box<PeerCore>, Vec<u8>, Vec<u8>),
    ) -> (Box<PeerCore>, Vec<u8>, Vec<u8>) {
        black_box(peer_to_client(input))
    }

    #[library_benchmark]
    #[bench::first_request(unsigned_input::<PeerCore>())]
    fn setup_401_turn_server_proto(
        input: (Box<PeerCore>, Vec<u8>, Vec<u8>),
    ) -> (Box<PeerCore>, Vec<u8>, Vec<u8>) {
        black_box(challenge_round(input))
    }

    #[library_benchmark]
    #[bench::allocate_permission_channel(signed_input::<PeerCore>())]
    fn setup_signed_turn_server_proto(
        input: (Box<PeerCore>, [Vec<u8>; 3], Vec<u8>),
    ) -> (Box<PeerCore>, [Vec<u8>; 3], Vec<u8>) {
        black_box(signed_requests(input))
    }

    library_benchmark_group!(
        name = turn_peers;
        benchmarks = client_to_peer_turn_server_proto, peer_to_client_turn_server_proto,
            setup_401_turn_server_proto, setup_signed_turn_server_proto
    );
}

#[cfg(feature = "peers")]
use peers::turn_peers;

#[cfg(feature = "peers")]
main!(library_benchmark_groups = turn, turn_peers);

#[cfg(not(feature = "peers"))]
main!(library_benchmark_groups = turn);
