//! The borrowed parse allocates nothing for typical lines (counted with a counting global
//! allocator, so no `unsafe` of our own), and neither do the accessors or writing into a
//! buffer with enough capacity.

use core::fmt::Write as _;

use floe_ice_candidate::{Candidate, ParseOptions};

/// The benchmark lines (benches/benches/candidate_parse.rs): srflx with Chrome extensions,
/// host, mDNS host, TCP active host.
const LINES: [&str; 4] = [
    "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.5 rport 46154 generation 0 ufrag EsAw network-id 1 network-cost 10",
    "candidate:1039001212 1 udp 2122194687 192.0.2.58 45076 typ host generation 0 network-id 1 network-cost 10",
    "candidate:1560499547 1 udp 2113937151 9b2f4c1e-7d3a-4e8b-a1c6-52f0d8e3b7a4.local 33192 typ host generation 0 network-cost 999",
    "candidate:1936595596 1 tcp 1518214911 198.51.100.23 9 typ host tcptype active generation 0 network-id 1 network-cost 10",
];

fn exercise(line: &str, out: &mut String) {
    let parsed = Candidate::parse_with(line, ParseOptions::lenient()).expect(line);
    let c = &parsed.candidate;
    let mut sum = u64::from(c.priority()) + u64::from(c.port()) + u64::from(c.component());
    sum += c
        .extensions()
        .iter()
        .map(|e| e.name.len() + e.value.len())
        .sum::<usize>() as u64;
    sum += u64::from(c.extensions().generation().unwrap_or(0));
    core::hint::black_box(sum);
    out.clear();
    write!(out, "{c}").unwrap();
    assert_eq!(out, line);
}

#[test]
fn typical_lines_parse_and_serialize_without_allocating() {
    let mut out = String::with_capacity(512);
    for line in LINES {
        let info = allocation_counter::measure(|| exercise(line, &mut out));
        assert_eq!(info.count_total, 0, "{line}: {info:?}");
    }
}

floe_corpus::conformance_test! {
    fn every_canonical_corpus_line_parses_without_allocating() {
        let Some(bytes) = floe_corpus::read("candidates.txt") else {
            return;
        };
        let text = String::from_utf8(bytes).unwrap();
        let mut out = String::with_capacity(512);
        for line in text.lines().filter(|l| !l.is_empty()) {
            let info = allocation_counter::measure(|| exercise(line, &mut out));
            assert_eq!(info.count_total, 0, "{line}: {info:?}");
        }
    }
}

#[test]
fn rejected_lines_do_not_allocate_either() {
    let info = allocation_counter::measure(|| {
        for line in [
            "candidate:1 0 udp 1 192.0.2.1 9 typ host",
            "candidate:1 1 udp 1 192.0.2.1 9 typ host x",
        ] {
            core::hint::black_box(Candidate::parse(line).unwrap_err());
        }
    });
    assert_eq!(info.count_total, 0);
}

#[test]
fn the_counter_does_count() {
    // Guards against a vacuous pass: the rewrite of a non-canonical extension tail allocates.
    let info = allocation_counter::measure(|| {
        let c = Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host a  1").unwrap();
        core::hint::black_box(c);
    });
    assert_eq!(info.count_total, 1);
}
