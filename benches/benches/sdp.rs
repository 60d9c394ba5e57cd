//! SDP parse and serialize: floe-sdp, and with `--features peers` the same inputs through
//! sdp-types, rtc-sdp (webrtc-rs), webrtc-sdp (Firefox) and str0m in the same run.
//!
//! Inputs (written for this bench, `benches/data/`): a 5.6 KB Chrome-style Unified Plan offer
//! (audio, video with RTX/RED/ULPFEC and three simulcast rids, a data channel, BUNDLE, 15
//! extmaps, 12 candidates) and a 0.6 KB audio-only answer. A peer that rejects an input is
//! reported and skipped for it.
//!
//! `floe` is the default parse (lenient: line order, every field, attribute names and
//! placement; known attributes' values are checked when the warnings or typed views read them);
//! `floe_eager` checks every known attribute's value during the parse (candidates through
//! floe-ice-candidate), `floe_warnings` is the default parse followed by reading its warnings
//! (the same checks, deferred), and `floe_strict` checks everything and rejects.
#![allow(missing_docs, reason = "criterion macros generate undocumented items")]

use core::hint::black_box;

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use floe_sdp::{Mode, ParseOptions, SessionDescription, validate};

const INPUTS: [(&str, &str); 2] = [
    ("chrome-offer", include_str!("../data/chrome-offer.sdp")),
    ("audio-answer", include_str!("../data/audio-answer.sdp")),
];

fn group<'c>(c: &'c mut Criterion, name: String, input: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(input.len() as u64));
    g
}

fn sdp_parse(c: &mut Criterion) {
    for (name, input) in INPUTS {
        let mut g = group(c, format!("sdp_parse/{name}"), input);
        g.bench_function("floe", |b| {
            b.iter(|| {
                SessionDescription::parse_with(black_box(input), Mode::Lenient)
                    .expect("valid input")
            })
        });
        let eager = ParseOptions::new(Mode::Lenient).check_values(true);
        g.bench_function("floe_eager", |b| {
            b.iter(|| SessionDescription::parse_with(black_box(input), eager).expect("valid input"))
        });
        g.bench_function("floe_warnings", |b| {
            b.iter(|| {
                let parsed = SessionDescription::parse_with(black_box(input), Mode::Lenient)
                    .expect("valid input");
                black_box(parsed.warnings().len());
                parsed
            })
        });
        g.bench_function("floe_strict", |b| {
            b.iter(|| {
                SessionDescription::parse_with(black_box(input), Mode::Strict).expect("valid input")
            })
        });
        g.bench_function("floe_owned", |b| {
            b.iter(|| {
                SessionDescription::parse(black_box(input))
                    .expect("valid input")
                    .into_owned()
            })
        });
        #[cfg(feature = "peers")]
        peers::parse(&mut g, input);
        g.finish();
    }
}

fn sdp_serialize(c: &mut Criterion) {
    for (name, input) in INPUTS {
        let sdp = SessionDescription::parse(input).expect("valid input");
        let mut g = group(c, format!("sdp_serialize/{name}"), input);
        let mut out = String::with_capacity(input.len() * 2);
        g.bench_function("floe", |b| {
            b.iter(|| {
                out.clear();
                black_box(&sdp).write_to(&mut out);
                black_box(out.len())
            })
        });
        g.bench_function("floe_to_string", |b| b.iter(|| black_box(&sdp).to_string()));
        #[cfg(feature = "peers")]
        peers::serialize(&mut g, input);
        g.finish();
    }
}

fn sdp_validate(c: &mut Criterion) {
    let (name, input) = INPUTS[0];
    let sdp = SessionDescription::parse(input).expect("valid input");
    assert!(validate(&sdp).is_empty());
    let mut g = group(c, format!("sdp_validate/{name}"), input);
    g.bench_function("floe", |b| b.iter(|| validate(black_box(&sdp))));
    g.finish();
}

#[cfg(feature = "peers")]
mod peers {
    use core::hint::black_box;
    use std::io::Cursor;

    use criterion::{BenchmarkGroup, measurement::WallTime};

    pub(crate) fn parse(g: &mut BenchmarkGroup<'_, WallTime>, input: &str) {
        if let Err(e) = sdp_types::Session::parse(input.as_bytes()) {
            eprintln!("sdp-types rejects the input: {e:?}");
        } else {
            g.bench_function("sdp-types", |b| {
                b.iter(|| sdp_types::Session::parse(black_box(input.as_bytes())))
            });
        }
        if let Err(e) = rtc_sdp::SessionDescription::unmarshal(&mut Cursor::new(input.as_bytes())) {
            eprintln!("rtc-sdp rejects the input: {e:?}");
        } else {
            g.bench_function("rtc-sdp", |b| {
                b.iter(|| {
                    rtc_sdp::SessionDescription::unmarshal(&mut Cursor::new(black_box(
                        input.as_bytes(),
                    )))
                })
            });
        }
        if let Err(e) = webrtc_sdp::parse_sdp(input, false) {
            eprintln!("webrtc-sdp rejects the input: {e:?}");
        } else {
            g.bench_function("webrtc-sdp", |b| {
                b.iter(|| webrtc_sdp::parse_sdp(black_box(input), false))
            });
        }
        if let Err(e) = str0m::change::SdpOffer::from_sdp_string(input) {
            eprintln!("str0m rejects the input: {e:?}");
        } else {
            g.bench_function("str0m", |b| {
                b.iter(|| str0m::change::SdpOffer::from_sdp_string(black_box(input)))
            });
        }
    }

    pub(crate) fn serialize(g: &mut BenchmarkGroup<'_, WallTime>, input: &str) {
        if let Ok(s) = sdp_types::Session::parse(input.as_bytes()) {
            let mut out = Vec::with_capacity(input.len() * 2);
            g.bench_function("sdp-types", |b| {
                b.iter(|| {
                    out.clear();
                    black_box(&s).write(&mut out).expect("write to a Vec");
                    black_box(out.len())
                })
            });
        }
        if let Ok(s) = rtc_sdp::SessionDescription::unmarshal(&mut Cursor::new(input.as_bytes())) {
            g.bench_function("rtc-sdp", |b| b.iter(|| black_box(&s).marshal()));
        }
        if let Ok(s) = webrtc_sdp::parse_sdp(input, false) {
            g.bench_function("webrtc-sdp", |b| b.iter(|| black_box(&s).to_string()));
        }
        if let Ok(s) = str0m::change::SdpOffer::from_sdp_string(input) {
            g.bench_function("str0m", |b| b.iter(|| black_box(&s).to_sdp_string()));
        }
    }
}

criterion_group!(benches, sdp_parse, sdp_serialize, sdp_validate);
criterion_main!(benches);
