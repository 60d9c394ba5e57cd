//! Instruction counts under valgrind's callgrind, through `gungraun`: exact figures that
//! repeat from run to run, so a change can be judged without the noise of wall times
//! (docs/benchmarks.md). Each benchmark's setup (agents connected, a check built) runs outside
//! the measurement.
//!
//! ```text
//! cargo install gungraun-runner --version 0.20.0   # once; the version must match
//! cargo bench -p floe-benches --bench instructions                     # Floe alone
//! cargo bench -p floe-benches --features peers --bench instructions    # beside the peers
//! ```
//!
//! valgrind does not report SHA-NI to the program, so SHA-1 runs in software here and weighs
//! more than on a machine where the sha1 crate finds the instructions.

// The gungraun macros expand to paths this lint calls needlessly qualified, and to modules
// without docs.
#![allow(unused_qualifications, missing_docs)]

use core::hint::black_box;
use core::time::Duration;
use std::time::Instant;

use floe_benches::ice_harness::{FifoWire, Fleet};
use floe_benches::ice_peers::{
    CONNECT_LIMIT, FloeIce, IceUnderTest, answer_check, checks, connected_pair,
};
use gungraun::{library_benchmark, library_benchmark_group, main};
use hmac::{KeyInit as _, Mac as _};

/// One pair made, signalled and connected at zero latency (the wall figure "µs to connect one
/// pair" of `ice_peers`); the connected fleet is returned, so its drop is not counted.
fn connect<U: IceUnderTest>() -> Fleet<U, FifoWire<U::Packet>> {
    let mut fleet = Fleet::<U, _>::new(1, FifoWire::new(Duration::ZERO), Instant::now());
    fleet.run_until_connected(CONNECT_LIMIT);
    fleet
}

/// A connected controlled agent, the time, and a check for it (as the wall figure "inbound
/// check" of `ice_peers`: USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT), after 16 warm-up
/// checks. The agent is boxed so that handing it to the benchmark and back copies a pointer,
/// not the agent.
fn check_setup<U: IceUnderTest>() -> (Box<U>, Instant, Vec<u8>) {
    let pair = connected_pair::<U>(Duration::from_millis(25), Instant::now());
    let now = pair.now();
    let mut agents = pair.into_agents();
    let mut b = agents.pop().expect("agent b");
    let mut a = agents.pop().expect("agent a");
    let mut all = checks(&mut a, &mut b, 17);
    for check in &all[..16] {
        drop(answer_check(&mut b, now, check));
    }
    let check = all.pop().expect("a check");
    (Box::new(b), now, check)
}

fn check<U: IceUnderTest>(
    (mut agent, now, check): (Box<U>, Instant, Vec<u8>),
) -> (Box<U>, U::Packet, Vec<u8>) {
    let answer = answer_check(&mut *agent, now, &check);
    (agent, answer, check)
}

/// The crypto an inbound check cannot avoid, as `ice_peers` measures it beside the check: one
/// HMAC-SHA1 verify over the check, one sign of a response, two CRC-32, the key absorbed
/// beforehand.
fn floor_setup() -> (Vec<u8>, hmac::Hmac<sha1::Sha1>) {
    let (mut agent, _, check) = check_setup::<FloeIce>();
    let (_, pwd) = agent.local_credentials();
    let key = hmac::Hmac::<sha1::Sha1>::new_from_slice(pwd.as_bytes()).expect("a key");
    (check, key)
}

#[library_benchmark]
#[bench::check(floor_setup())]
fn crypto_floor((check, key): (Vec<u8>, hmac::Hmac<sha1::Sha1>)) -> u32 {
    let signed = check.len() - 8 - 24;
    let response = [0xa5u8; 20 + 12 + 24 + 8 + 8];
    let mut verify = key.clone();
    verify.update(black_box(&check[..signed]));
    let a = verify.finalize().into_bytes()[0];
    let b = crc32fast::hash(black_box(&check[..check.len() - 8]));
    let mut sign = key;
    sign.update(black_box(&response[..response.len() - 32]));
    let c = sign.finalize().into_bytes()[0];
    let d = crc32fast::hash(black_box(&response[..response.len() - 8]));
    black_box(u32::from(a) ^ b ^ u32::from(c) ^ d)
}

#[library_benchmark]
fn connect_pair_floe() -> Fleet<FloeIce, FifoWire<<FloeIce as IceUnderTest>::Packet>> {
    black_box(connect::<FloeIce>())
}

#[library_benchmark]
#[bench::connected(check_setup::<FloeIce>())]
fn inbound_check_floe(
    input: (Box<FloeIce>, Instant, Vec<u8>),
) -> (Box<FloeIce>, <FloeIce as IceUnderTest>::Packet, Vec<u8>) {
    black_box(check(black_box(input)))
}

library_benchmark_group!(
    name = ice;
    benchmarks = connect_pair_floe, inbound_check_floe, crypto_floor
);

#[cfg(feature = "peers")]
mod peers {
    use floe_benches::ice_peers::{Rice, RtcIce, StrIs};

    use super::*;

    #[library_benchmark]
    fn connect_pair_is() -> Fleet<StrIs, FifoWire<<StrIs as IceUnderTest>::Packet>> {
        black_box(connect::<StrIs>())
    }

    #[library_benchmark]
    fn connect_pair_rtc_ice() -> Fleet<RtcIce, FifoWire<<RtcIce as IceUnderTest>::Packet>> {
        black_box(connect::<RtcIce>())
    }

    #[library_benchmark]
    fn connect_pair_rice() -> Fleet<Rice, FifoWire<<Rice as IceUnderTest>::Packet>> {
        black_box(connect::<Rice>())
    }

    #[library_benchmark]
    #[bench::connected(check_setup::<StrIs>())]
    fn inbound_check_is(
        input: (Box<StrIs>, Instant, Vec<u8>),
    ) -> (Box<StrIs>, <StrIs as IceUnderTest>::Packet, Vec<u8>) {
        black_box(check(black_box(input)))
    }

    #[library_benchmark]
    #[bench::connected(check_setup::<RtcIce>())]
    fn inbound_check_rtc_ice(
        input: (Box<RtcIce>, Instant, Vec<u8>),
    ) -> (Box<RtcIce>, <RtcIce as IceUnderTest>::Packet, Vec<u8>) {
        black_box(check(black_box(input)))
    }

    #[library_benchmark]
    #[bench::connected(check_setup::<Rice>())]
    fn inbound_check_rice(
        input: (Box<Rice>, Instant, Vec<u8>),
    ) -> (Box<Rice>, <Rice as IceUnderTest>::Packet, Vec<u8>) {
        black_box(check(black_box(input)))
    }

    library_benchmark_group!(
        name = ice_peers;
        benchmarks = connect_pair_is, connect_pair_rtc_ice, connect_pair_rice,
            inbound_check_is, inbound_check_rtc_ice, inbound_check_rice
    );
}

#[cfg(feature = "peers")]
use peers::ice_peers;

#[cfg(feature = "peers")]
main!(library_benchmark_groups = ice, ice_peers);

#[cfg(not(feature = "peers"))]
main!(library_benchmark_groups = ice);
