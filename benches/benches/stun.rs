//! floe-stun benchmarks: decode of the RFC 5769 §2.1 request with its FINGERPRINT check, decode
//! plus MESSAGE-INTEGRITY verification, encode with integrity and fingerprint, ChannelData
//! decode/encode, and a bare HMAC-SHA1 over the same bytes as the verification baseline.
//!
//! With `--features peers` the same operations run through stun-types, stun_codec, stun-rs,
//! rtc-stun and str0m's `is` in the same run (see docs/benchmarks.md for the results).
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use core::hint::black_box;
use core::time::Duration;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use floe_corpus::rfc5769::{PASSWORD, SAMPLE_REQUEST, TRANSACTION_ID, USERNAME};
use floe_stun::attributes::{IceControlled, Priority, Software, Username};
use floe_stun::channel_data::ChannelData;
use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Offset of MESSAGE-INTEGRITY in the request: the HMAC covers the 84 bytes before it.
const MI_OFFSET: usize = 84;

/// Encodes the §2.1 request (same attributes, MESSAGE-INTEGRITY, FINGERPRINT) into `buf`.
fn floe_encode(buf: &mut Vec<u8>, key: &IntegrityKey<'_>) -> usize {
    buf.clear();
    let typ = MessageType::new(Method::BINDING, Class::Request);
    let mut b = MessageBuilder::new(buf, typ, TransactionId::from_bytes(TRANSACTION_ID));
    // RFC 5769 pads with spaces; with them the output is the vector, byte for byte.
    b.padding_byte(b' ')
        .add(&Software("STUN test client"))
        .add(&Priority(0x6e00_01ff))
        .add(&IceControlled(0x932f_f9b1_5126_3b36))
        .add(&Username(USERNAME));
    b.message_integrity(key)
        .unwrap()
        .fingerprint()
        .unwrap()
        .len()
}

fn decode(c: &mut Criterion) {
    let bytes = SAMPLE_REQUEST.to_vec();
    let mut g = c.benchmark_group("stun_decode");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("floe", |b| {
        b.iter(|| {
            let msg = Message::parse(black_box(&bytes)).unwrap();
            msg.verify_fingerprint().unwrap();
            msg
        })
    });
    g.bench_function("floe_no_fingerprint", |b| {
        b.iter(|| Message::parse(black_box(&bytes)).unwrap())
    });
    #[cfg(feature = "peers")]
    peers::decode(&mut g, &bytes);
    g.finish();
}

/// Parse, then read USERNAME, PRIORITY and ICE-CONTROLLED as typed values, as an ICE agent
/// does with every check (issue 14), without the FINGERPRINT check (`is` has none).
fn floe_typed_reads(bytes: &[u8]) {
    let msg = Message::parse(black_box(bytes)).unwrap();
    black_box(msg.get::<Username<'_>>().unwrap());
    black_box(msg.get::<Priority>().unwrap());
    black_box(msg.get::<IceControlled>().unwrap());
}

fn typed_reads(c: &mut Criterion) {
    let bytes = SAMPLE_REQUEST.to_vec();
    let mut g = c.benchmark_group("stun_typed_reads");
    g.bench_function("floe", |b| b.iter(|| floe_typed_reads(&bytes)));
    #[cfg(feature = "peers")]
    peers::typed_reads(&mut g, &bytes);
    g.finish();
}

fn verify(c: &mut Criterion) {
    let bytes = SAMPLE_REQUEST.to_vec();
    let mut g = c.benchmark_group("stun_verify");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("bare_hmac_sha1", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha1>::new_from_slice(black_box(PASSWORD.as_bytes())).unwrap();
            mac.update(black_box(&bytes[..MI_OFFSET]));
            mac.finalize().into_bytes()
        })
    });
    g.bench_function("floe_verify", |b| {
        let msg = Message::parse(&bytes).unwrap();
        b.iter(|| {
            black_box(&msg)
                .verify_integrity(&IntegrityKey::short_term(black_box(PASSWORD)))
                .unwrap()
        })
    });
    g.bench_function("floe_decode_verify", |b| {
        b.iter(|| {
            let msg = Message::parse(black_box(&bytes)).unwrap();
            msg.verify_integrity(&IntegrityKey::short_term(black_box(PASSWORD)))
                .unwrap();
            msg
        })
    });
    g.bench_function("floe_decode_verify_prepared_key", |b| {
        // The key absorbed into the HMAC state once, as a server or ICE agent would keep it.
        let key = IntegrityKey::short_term(PASSWORD).prepare();
        b.iter(|| {
            let msg = Message::parse(black_box(&bytes)).unwrap();
            msg.verify_integrity(black_box(&key)).unwrap();
            msg
        })
    });
    #[cfg(feature = "peers")]
    peers::verify(&mut g, &bytes);
    g.finish();
}

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("stun_encode");
    let mut buf = Vec::with_capacity(256);
    let key = IntegrityKey::short_term(PASSWORD);
    assert_eq!(floe_encode(&mut buf, &key), 108);
    assert_eq!(
        buf[..104],
        SAMPLE_REQUEST[..104],
        "encode matches the vector up to FINGERPRINT"
    );
    g.throughput(Throughput::Bytes(108));
    g.bench_function("floe", |b| {
        b.iter(|| floe_encode(black_box(&mut buf), &key))
    });
    let prepared = IntegrityKey::short_term(PASSWORD).prepare();
    g.bench_function("floe_into_slice", |b| {
        let key = IntegrityKey::short_term(PASSWORD).prepare();
        let mut buf = [0u8; 256];
        b.iter(|| {
            let typ = MessageType::new(Method::BINDING, Class::Request);
            MessageBuilder::new_in(&mut buf, typ, TransactionId::from_bytes(TRANSACTION_ID))
                .with(&Software("STUN test client"))
                .with(&Priority(0x6e00_01ff))
                .with(&IceControlled(0x932f_f9b1_5126_3b36))
                .with(&Username(USERNAME))
                .message_integrity(black_box(&key))
                .unwrap()
                .fingerprint()
                .unwrap()
                .len()
        })
    });
    g.bench_function("floe_prepared_key", |b| {
        b.iter(|| floe_encode(black_box(&mut buf), &prepared))
    });
    #[cfg(feature = "peers")]
    peers::encode(&mut g);
    g.finish();
}

/// Runs `a` and `b` in alternating batches of 16 and reports the ratio of their fastest batch
/// times, ×1000, as the "time" per iteration: "1.0612 µs" reads as `a` takes 1.0612× as long as
/// `b`. Alternating keeps both sides under the same load, and the per-batch minimum drops the
/// batches a preemption hit: the machine is shared, so separate benchmarks drift apart.
fn paired<A: FnMut(), B: FnMut()>(bencher: &mut criterion::Bencher<'_>, mut a: A, mut b: B) {
    bencher.iter_custom(|iters| {
        let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
        for _ in 0..iters.max(8) {
            let start = Instant::now();
            (0..16).for_each(|_| a());
            best_a = best_a.min(start.elapsed());
            let start = Instant::now();
            (0..16).for_each(|_| b());
            best_b = best_b.min(start.elapsed());
        }
        let ratio_x1000 = best_a.as_secs_f64() / best_b.as_secs_f64().max(1e-12) * 1000.0;
        Duration::from_secs_f64(ratio_x1000 * 1e-9 * iters as f64)
    });
}

fn bare_hmac(bytes: &[u8]) {
    let mut mac = Hmac::<Sha1>::new_from_slice(black_box(PASSWORD.as_bytes())).unwrap();
    mac.update(black_box(&bytes[..MI_OFFSET]));
    black_box(mac.finalize().into_bytes());
}

fn ratios(c: &mut Criterion) {
    let bytes = SAMPLE_REQUEST.to_vec();
    let prepared = IntegrityKey::short_term(PASSWORD).prepare();
    let decode_verify = |key: &IntegrityKey<'_>| {
        let msg = Message::parse(black_box(&bytes)).unwrap();
        msg.verify_integrity(black_box(key)).unwrap();
    };
    let mut g = c.benchmark_group("stun_ratio_x1000");
    g.bench_function("floe_decode_verify_vs_bare_hmac", |b| {
        paired(
            b,
            || decode_verify(&IntegrityKey::short_term(PASSWORD)),
            || bare_hmac(&bytes),
        )
    });
    g.bench_function("floe_verify_vs_bare_hmac", |b| {
        let msg = Message::parse(&bytes).unwrap();
        let verify = || {
            black_box(&msg)
                .verify_integrity(&IntegrityKey::short_term(black_box(PASSWORD)))
                .unwrap();
        };
        paired(b, verify, || bare_hmac(&bytes))
    });
    g.bench_function("floe_decode_verify_prepared_vs_bare_hmac", |b| {
        paired(b, || decode_verify(&prepared), || bare_hmac(&bytes))
    });
    #[cfg(feature = "peers")]
    peers::ratios(&mut g, &bytes);
    g.finish();
}

fn channel_data(c: &mut Criterion) {
    let payload = vec![0x5a; 160];
    let mut frame = Vec::new();
    ChannelData::new(0x4000, &payload)
        .unwrap()
        .encode(&mut frame, false);
    let mut g = c.benchmark_group("channel_data");
    g.throughput(Throughput::Bytes(frame.len() as u64));
    g.bench_function("floe_decode", |b| {
        b.iter(|| ChannelData::parse(black_box(&frame)).unwrap())
    });
    let mut out = Vec::with_capacity(256);
    g.bench_function("floe_encode", |b| {
        b.iter(|| {
            out.clear();
            ChannelData::new(0x4000, black_box(&payload))
                .unwrap()
                .encode(&mut out, true)
        })
    });
    g.finish();
}

/// One STUN check through `ClientTransactions` with `n` others in flight: start (request copied
/// into a recycled buffer), drain its transmit, and end the oldest transaction with its
/// response. Steady state, no allocation; shows how the cost grows with `n`.
fn transactions(c: &mut Criterion) {
    use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig};
    let to: core::net::SocketAddr = "192.0.2.1:3478".parse().unwrap();
    let request = SAMPLE_REQUEST.to_vec();
    let mut g = c.benchmark_group("stun_transactions");
    for n in [16usize, 256, 1024] {
        let tids: Vec<TransactionId> = (0..=n as u32)
            .map(|i| {
                let mut b = [0u8; 12];
                b[..4].copy_from_slice(&i.to_be_bytes());
                TransactionId::from_bytes(b)
            })
            .collect();
        let responses: Vec<Vec<u8>> = tids
            .iter()
            .map(|tid| {
                let mut buf = Vec::new();
                let typ = MessageType::new(Method::BINDING, Class::Success);
                MessageBuilder::new(&mut buf, typ, *tid).finish().unwrap();
                buf
            })
            .collect();
        let now = Instant::now();
        let config = TransactionConfig::default().with_max_in_flight(n + 1);
        let mut tx = ClientTransactions::<()>::new(config);
        for tid in &tids[..n] {
            tx.start_from_slice(now, Request::new(*tid, to), &request, ())
                .unwrap();
        }
        while tx.poll_transmit().is_some() {}
        // tids[oldest] is the oldest in flight; tids[free] the one not in flight.
        let (mut oldest, mut free) = (0, n);
        g.bench_function(format!("start_transmit_respond_{n}_in_flight"), |b| {
            b.iter(|| {
                tx.start_from_slice(now, Request::new(tids[free], to), black_box(&request), ())
                    .unwrap();
                black_box(tx.poll_transmit().unwrap());
                let msg = Message::parse(black_box(&responses[oldest])).unwrap();
                assert!(tx.handle_response(&msg).is_some());
                black_box(tx.poll_timeout());
                free = oldest;
                oldest = (oldest + 1) % (n + 1);
            })
        });
    }
    g.finish();
}

#[cfg(feature = "peers")]
mod peers {
    //! The same operations through the peer crates.

    use core::hint::black_box;

    use criterion::BenchmarkGroup;
    use criterion::measurement::WallTime;
    use peer_hmac::{Hmac, Mac};
    use peer_sha1::Sha1;

    use super::{PASSWORD, TRANSACTION_ID, USERNAME};

    fn is_hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 20] {
        let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key).unwrap();
        for p in parts {
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    fn rtc_provider() -> std::sync::Arc<dyn rtc_stun::crypto::RTCCryptoProvider> {
        rtc_stun::crypto::default_provider().expect("rtc-stun crypto provider")
    }

    pub(super) fn decode(g: &mut BenchmarkGroup<'_, WallTime>, bytes: &[u8]) {
        g.bench_function("stun-types", |b| {
            // from_bytes checks FINGERPRINT when present.
            b.iter(|| stun_types::message::Message::from_bytes(black_box(bytes)).unwrap())
        });
        g.bench_function("is_no_fingerprint", |b| {
            b.iter(|| is::stun::StunMessage::parse(black_box(bytes)).unwrap())
        });
        g.bench_function("rtc-stun", |b| {
            let mut m = rtc_stun::message::Message::new();
            b.iter(|| {
                m.reset();
                m.raw.extend_from_slice(black_box(bytes));
                m.decode().unwrap();
                rtc_stun::fingerprint::FINGERPRINT.check(&m).unwrap();
            })
        });
        g.bench_function("stun-rs_no_fingerprint", |b| {
            let decoder = stun_rs::MessageDecoderBuilder::default().build();
            b.iter(|| decoder.decode(black_box(bytes)).unwrap())
        });
        g.bench_function("stun_codec", |b| {
            use bytecodec::DecodeExt;
            let mut decoder = stun_codec::MessageDecoder::<stun_codec::rfc5389::Attribute>::new();
            b.iter(|| {
                decoder
                    .decode_from_bytes(black_box(bytes))
                    .unwrap()
                    .unwrap()
            })
        });
    }

    pub(super) fn verify(g: &mut BenchmarkGroup<'_, WallTime>, bytes: &[u8]) {
        g.bench_function("stun-types_decode_verify", |b| {
            let creds: stun_types::message::MessageIntegrityCredentials =
                stun_types::message::ShortTermCredentials::new(PASSWORD.to_owned()).into();
            b.iter(|| {
                let msg = stun_types::message::Message::from_bytes(black_box(bytes)).unwrap();
                msg.validate_integrity(&creds).unwrap();
            })
        });
        g.bench_function("is_decode_verify", |b| {
            b.iter(|| {
                let msg = is::stun::StunMessage::parse(black_box(bytes)).unwrap();
                assert!(msg.verify(PASSWORD.as_bytes(), is_hmac));
            })
        });
        g.bench_function("rtc-stun_decode_verify", |b| {
            let provider = rtc_provider();
            let mut m = rtc_stun::message::Message::new();
            b.iter(|| {
                m.reset();
                m.raw.extend_from_slice(black_box(bytes));
                m.decode().unwrap();
                rtc_stun::integrity::MessageIntegrity::check(
                    &mut m,
                    PASSWORD.as_bytes(),
                    provider.crypto(),
                )
                .unwrap();
            })
        });
        g.bench_function("stun-rs_decode_verify", |b| {
            let ctx = stun_rs::DecoderContextBuilder::default()
                .with_key(stun_rs::HMACKey::new_short_term(PASSWORD).unwrap())
                .with_validation()
                .build();
            let decoder = stun_rs::MessageDecoderBuilder::default()
                .with_context(ctx)
                .build();
            b.iter(|| decoder.decode(black_box(bytes)).unwrap())
        });
        g.bench_function("stun_codec_decode_verify", |b| {
            use bytecodec::DecodeExt;
            use stun_codec::rfc5389::attributes::MessageIntegrity;
            let mut decoder = stun_codec::MessageDecoder::<stun_codec::rfc5389::Attribute>::new();
            b.iter(|| {
                let msg = decoder
                    .decode_from_bytes(black_box(bytes))
                    .unwrap()
                    .unwrap();
                let mi = msg.get_attribute::<MessageIntegrity>().unwrap();
                mi.check_short_term_credential(PASSWORD).unwrap();
            })
        });
    }

    /// `is`: parse, then the same three values.
    pub(super) fn is_typed_reads(bytes: &[u8]) {
        let msg = is::stun::StunMessage::parse(black_box(bytes)).unwrap();
        black_box(msg.username());
        black_box(msg.prio());
        black_box(msg.ice_controlled());
    }

    pub(super) fn typed_reads(g: &mut BenchmarkGroup<'_, WallTime>, bytes: &[u8]) {
        g.bench_function("is", |b| b.iter(|| is_typed_reads(bytes)));
        g.bench_function("ratio_x1000_floe_vs_is", |b| {
            super::paired(
                b,
                || super::floe_typed_reads(bytes),
                || is_typed_reads(bytes),
            )
        });
    }

    pub(super) fn ratios(g: &mut BenchmarkGroup<'_, WallTime>, bytes: &[u8]) {
        let floe = || {
            let msg = floe_stun::Message::parse(black_box(bytes)).unwrap();
            msg.verify_fingerprint().unwrap();
        };
        g.bench_function("stun-types_decode_vs_floe_decode", |b| {
            let other = || {
                black_box(stun_types::message::Message::from_bytes(black_box(bytes)).unwrap());
            };
            super::paired(b, other, floe)
        });
        g.bench_function(
            "is_decode_no_fingerprint_vs_floe_decode_no_fingerprint",
            |b| {
                let other = || {
                    black_box(is::stun::StunMessage::parse(black_box(bytes)).unwrap());
                };
                let floe = || {
                    black_box(floe_stun::Message::parse(black_box(bytes)).unwrap());
                };
                super::paired(b, other, floe)
            },
        );
    }

    pub(super) fn encode(g: &mut BenchmarkGroup<'_, WallTime>) {
        const PRIORITY: [u8; 4] = 0x6e00_01ff_u32.to_be_bytes();
        const CONTROLLED: [u8; 8] = 0x932f_f9b1_5126_3b36_u64.to_be_bytes();
        g.bench_function("stun-types", |b| {
            use stun_types::attribute::{AttributeType, RawAttribute, Software, Username};
            use stun_types::message::{
                BINDING, IntegrityAlgorithm, Message, MessageIntegrityCredentials, MessageWrite,
                MessageWriteExt, MessageWriteVec, ShortTermCredentials,
            };
            let creds: MessageIntegrityCredentials =
                ShortTermCredentials::new(PASSWORD.to_owned()).into();
            b.iter(|| {
                let mut m = Message::builder_request(BINDING, MessageWriteVec::new());
                m.add_attribute(&Software::new("STUN test client").unwrap())
                    .unwrap();
                m.add_attribute(&RawAttribute::new(AttributeType::new(0x0024), &PRIORITY))
                    .unwrap();
                m.add_attribute(&RawAttribute::new(AttributeType::new(0x8029), &CONTROLLED))
                    .unwrap();
                m.add_attribute(&Username::new(USERNAME).unwrap()).unwrap();
                m.add_message_integrity(&creds, IntegrityAlgorithm::Sha1)
                    .unwrap();
                m.add_fingerprint().unwrap();
                m.finish()
            })
        });
        g.bench_function("is_no_software", |b| {
            let mut buf = [0u8; 256];
            b.iter(|| {
                let msg = is::stun::StunMessage::binding_request(
                    USERNAME,
                    is::stun::TransId::new(),
                    false,
                    0x932f_f9b1_5126_3b36,
                    0x6e00_01ff,
                    false,
                );
                msg.to_bytes(Some(PASSWORD.as_bytes()), &mut buf, is_hmac)
                    .unwrap()
            })
        });
        g.bench_function("rtc-stun", |b| {
            use rtc_stun::attributes::{ATTR_SOFTWARE, ATTR_USERNAME, AttrType};
            use rtc_stun::message::{BINDING_REQUEST, Message, Setter, TransactionId};
            use rtc_stun::textattrs::TextAttribute;
            let provider = rtc_provider();
            let integrity =
                rtc_stun::integrity::MessageIntegrity::new_short_term_integrity_with_provider(
                    PASSWORD.to_owned(),
                    provider.crypto(),
                );
            let mut m = Message::new();
            b.iter(|| {
                m.reset();
                m.set_type(BINDING_REQUEST);
                m.transaction_id = TransactionId(TRANSACTION_ID);
                m.write_header();
                TextAttribute::new(ATTR_SOFTWARE, "STUN test client".to_owned())
                    .add_to(&mut m)
                    .unwrap();
                m.add(AttrType(0x0024), &PRIORITY);
                m.add(AttrType(0x8029), &CONTROLLED);
                TextAttribute::new(ATTR_USERNAME, USERNAME.to_owned())
                    .add_to(&mut m)
                    .unwrap();
                integrity.add_to(&mut m).unwrap();
                rtc_stun::fingerprint::FINGERPRINT.add_to(&mut m).unwrap();
                m.raw.len()
            })
        });
        g.bench_function("stun-rs", |b| {
            use stun_rs::attributes::ice::{IceControlled, Priority};
            use stun_rs::attributes::stun::{Fingerprint, MessageIntegrity, Software, UserName};
            let key = stun_rs::HMACKey::new_short_term(PASSWORD).unwrap();
            let encoder = stun_rs::MessageEncoderBuilder::default().build();
            let mut buf = [0u8; 256];
            b.iter(|| {
                let msg = stun_rs::StunMessageBuilder::new(
                    stun_rs::methods::BINDING,
                    stun_rs::MessageClass::Request,
                )
                .with_attribute(Software::new("STUN test client").unwrap())
                .with_attribute(Priority::from(0x6e00_01ff))
                .with_attribute(IceControlled::from(0x932f_f9b1_5126_3b36))
                .with_attribute(UserName::new(USERNAME).unwrap())
                .with_attribute(MessageIntegrity::new(key.clone()))
                .with_attribute(Fingerprint::default())
                .build();
                encoder.encode(&mut buf, &msg).unwrap()
            })
        });
    }
}

criterion_group!(
    benches,
    decode,
    typed_reads,
    verify,
    encode,
    channel_data,
    ratios,
    transactions
);
criterion_main!(benches);
