//! Candidate-line parsing: floe-ice-candidate, and with `--features peers` the same lines
//! through str0m's `is` (0.12, and 0.11 inside str0m 0.23), rice-proto, rtc-ice (webrtc-rs),
//! sdp-types and webrtc-sdp in the same run. Each peer gets the prefix form it expects; a peer
//! that rejects a line is reported and skipped for that line.

use core::fmt::Write as _;
use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use floe_ice_candidate::Candidate;

/// Inputs written for this bench (documentation-range addresses, our own uuid).
const LINES: [(&str, &str); 4] = [
    (
        "srflx",
        "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.5 rport 46154 generation 0 ufrag EsAw network-id 1 network-cost 10",
    ),
    (
        "host",
        "candidate:1039001212 1 udp 2122194687 192.0.2.58 45076 typ host generation 0 network-id 1 network-cost 10",
    ),
    (
        "mdns",
        "candidate:1560499547 1 udp 2113937151 9b2f4c1e-7d3a-4e8b-a1c6-52f0d8e3b7a4.local 33192 typ host generation 0 network-cost 999",
    ),
    (
        "tcp",
        "candidate:1936595596 1 tcp 1518214911 198.51.100.23 9 typ host tcptype active generation 0 network-id 1 network-cost 10",
    ),
];

fn candidate_parse(c: &mut Criterion) {
    for (name, line) in LINES {
        let mut g = c.benchmark_group(format!("candidate_parse/{name}"));
        g.throughput(Throughput::Bytes(line.len() as u64));
        g.bench_function("floe", |b| {
            b.iter(|| Candidate::parse(black_box(line)).expect("valid line"))
        });
        g.bench_function("floe_owned", |b| {
            b.iter(|| {
                Candidate::parse(black_box(line))
                    .expect("valid line")
                    .into_owned()
            })
        });
        #[cfg(feature = "peers")]
        peers::bench(&mut g, line);
        g.finish();
    }
}

fn candidate_write(c: &mut Criterion) {
    let (_, line) = LINES[0];
    let candidate = Candidate::parse(line).expect("valid line");
    let mut g = c.benchmark_group("candidate_write/srflx");
    g.throughput(Throughput::Bytes(line.len() as u64));
    let mut out = String::with_capacity(256);
    g.bench_function("floe", |b| {
        b.iter(|| {
            out.clear();
            write!(out, "{}", black_box(&candidate)).expect("write to String");
            out.len()
        })
    });
    g.finish();
}

#[cfg(feature = "peers")]
mod peers {
    use core::hint::black_box;
    use core::str::FromStr as _;

    use criterion::BenchmarkGroup;
    use criterion::measurement::WallTime;

    /// Benchmarks `parse` under `name` if it accepts the line, else says it rejects it.
    fn run<T, E: core::fmt::Debug>(
        g: &mut BenchmarkGroup<'_, WallTime>,
        name: &str,
        line: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) {
        match parse(line) {
            Ok(_) => {
                g.bench_function(name, |b| b.iter(|| parse(black_box(line))));
            }
            Err(e) => eprintln!("peer {name} rejects {line:?}: {e:?}"),
        }
    }

    pub(super) fn bench(g: &mut BenchmarkGroup<'_, WallTime>, line: &str) {
        let bare = line
            .strip_prefix("candidate:")
            .expect("bench lines carry candidate:");
        let attribute = format!("a={line}");
        run(g, "is", line, is::Candidate::from_sdp_string);
        run(g, "str0m", line, str0m::Candidate::from_sdp_string);
        run(
            g,
            "rice-proto",
            &attribute,
            rice_proto::candidate::Candidate::from_str,
        );
        run(g, "rtc-ice", bare, rtc_ice::candidate::unmarshal_candidate);
        run(g, "sdp-types", bare, sdp_types::Candidate::from_str);
        run(
            g,
            "webrtc-sdp",
            line,
            webrtc_sdp::attribute_type::parse_attribute,
        );
    }
}

criterion_group!(benches, candidate_parse, candidate_write);
criterion_main!(benches);
