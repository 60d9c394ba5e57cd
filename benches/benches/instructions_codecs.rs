//! Instruction counts of the codecs under valgrind's callgrind, through `gungraun` (issue 14):
//! STUN parse and typed reads, candidate parse, SDP parse with values checked; with
//! `--features peers` the same work through `is`, str0m and sdp-types, so each ratio repeats
//! exactly from run to run (docs/benchmarks.md).
//!
//! ```text
//! cargo bench -p floe-benches --features peers --bench instructions_codecs
//! ```

// The gungraun macros expand to paths this lint calls needlessly qualified, and to modules
// without docs.
#![allow(unused_qualifications, missing_docs)]

use core::hint::black_box;

use floe_corpus::rfc5769::SAMPLE_REQUEST;
use floe_ice_candidate::Candidate;
use floe_sdp::{Mode, ParseOptions, SessionDescription};
use floe_stun::Message;
use floe_stun::attributes::{IceControlled, Priority, Username};
use gungraun::{library_benchmark, library_benchmark_group, main};

/// The srflx line of the candidate_parse bench (a browser's, with its extensions).
const SRFLX: &str = "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.5 rport 46154 generation 0 ufrag EsAw network-id 1 network-cost 10";
/// The Chrome offer of the sdp bench.
const CHROME_OFFER: &str = include_str!("../data/chrome-offer.sdp");

#[library_benchmark]
fn stun_parse_floe() -> usize {
    black_box(Message::parse(black_box(SAMPLE_REQUEST)).unwrap())
        .as_bytes()
        .len()
}

#[library_benchmark]
fn stun_typed_reads_floe() -> u32 {
    let msg = Message::parse(black_box(SAMPLE_REQUEST)).unwrap();
    let user = msg.get::<Username<'_>>().unwrap().map_or(0, |u| u.0.len());
    let prio = msg.get::<Priority>().unwrap().map_or(0, |p| p.0);
    let role = msg.get::<IceControlled>().unwrap().map_or(0, |r| r.0);
    black_box(user as u32 ^ prio ^ role as u32)
}

#[library_benchmark]
fn candidate_parse_floe() -> u16 {
    black_box(Candidate::parse(black_box(SRFLX)).unwrap()).port()
}

#[library_benchmark]
fn sdp_parse_checked_floe() -> usize {
    let options = ParseOptions::new(Mode::Lenient).check_values(true);
    let parsed = SessionDescription::parse_with(black_box(CHROME_OFFER), options).unwrap();
    black_box(parsed.warnings().len())
}

#[library_benchmark]
fn sdp_parse_strict_floe() -> usize {
    let parsed = SessionDescription::parse_with(black_box(CHROME_OFFER), Mode::Strict).unwrap();
    black_box(parsed.description().media().len())
}

library_benchmark_group!(
    name = codecs;
    benchmarks = stun_parse_floe, stun_typed_reads_floe, candidate_parse_floe,
        sdp_parse_checked_floe, sdp_parse_strict_floe
);

#[cfg(feature = "peers")]
mod peers {
    use super::*;

    #[library_benchmark]
    pub(super) fn stun_typed_reads_is() -> u32 {
        let msg = is::stun::StunMessage::parse(black_box(SAMPLE_REQUEST)).unwrap();
        let user = msg.username().map_or(0, str::len);
        let prio = msg.prio().unwrap_or(0);
        let role = msg.ice_controlled().unwrap_or(0);
        black_box(user as u32 ^ prio ^ role as u32)
    }

    #[library_benchmark]
    pub(super) fn candidate_parse_str0m() -> bool {
        black_box(str0m::Candidate::from_sdp_string(black_box(SRFLX)).is_ok())
    }

    #[library_benchmark]
    pub(super) fn candidate_parse_is() -> bool {
        black_box(is::Candidate::from_sdp_string(black_box(SRFLX)).is_ok())
    }

    #[library_benchmark]
    pub(super) fn sdp_parse_sdp_types() -> bool {
        black_box(sdp_types::Session::parse(black_box(CHROME_OFFER.as_bytes())).is_ok())
    }

    library_benchmark_group!(
        name = codecs_peers;
        benchmarks = stun_typed_reads_is, candidate_parse_str0m, candidate_parse_is,
            sdp_parse_sdp_types
    );
}

#[cfg(feature = "peers")]
use peers::codecs_peers;

#[cfg(feature = "peers")]
main!(library_benchmark_groups = codecs, codecs_peers);

#[cfg(not(feature = "peers"))]
main!(library_benchmark_groups = codecs);
