//! Decode and verify allocate nothing: measured with a counting global allocator.

use floe_corpus::rfc5769::{PASSWORD, SAMPLE_REQUEST, USERNAME};
use floe_stun::attributes::{AnyAttribute, Software, Username, XorMappedAddress};
use floe_stun::channel_data::ChannelData;
use floe_stun::framing::next_frame;
use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};

#[test]
fn the_counter_counts() {
    let info = allocation_counter::measure(|| {
        core::hint::black_box(vec![1u8; 16]);
    });
    assert_eq!(info.count_total, 1);
}

#[test]
fn decode_and_verify_do_not_allocate() {
    let bytes = SAMPLE_REQUEST;
    // Keys are built outside the measured region (the MD5/SHA-256 derivations do not allocate
    // either, but a key is set up once per credential, not per message).
    let key = IntegrityKey::short_term(PASSWORD);
    let long_term = IntegrityKey::long_term_sha256("user", "realm", "pass").prepare();

    let mut sha_msg = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Success);
    let mut b = MessageBuilder::new(&mut sha_msg, typ, TransactionId::from_bytes([4; 12]));
    b.add(&Software("x"))
        .add(&XorMappedAddress("[2001:db8::1]:3478".parse().unwrap()));
    b.message_integrity_sha256_truncated(&long_term, 16)
        .unwrap()
        .fingerprint()
        .unwrap();
    let mut channel = Vec::new();
    ChannelData::new(0x4001, b"payload")
        .unwrap()
        .encode(&mut channel, true);

    let info = allocation_counter::measure(|| {
        let msg = Message::parse(core::hint::black_box(bytes)).unwrap();
        msg.verify_fingerprint().unwrap();
        msg.verify_integrity(&key).unwrap();
        assert_eq!(msg.get::<Username<'_>>().unwrap(), Some(Username(USERNAME)));
        for raw in msg.attributes() {
            AnyAttribute::decode(raw, msg.transaction_id()).unwrap();
        }
        let msg = Message::parse(core::hint::black_box(&sha_msg)).unwrap();
        msg.verify_integrity(&long_term).unwrap();
        msg.verify_fingerprint().unwrap();
        assert!(msg.get_all::<XorMappedAddress>().all(|a| a.is_ok()));
        let frame = ChannelData::parse(core::hint::black_box(&channel)).unwrap();
        assert_eq!(frame.data(), b"payload");
        next_frame(&channel).unwrap();
        // Failures must not allocate either.
        assert!(Message::parse(&bytes[..50]).is_err());
        assert!(msg.verify_integrity(&key).is_err());
    });
    assert_eq!(info.count_total, 0, "decode/verify allocated: {info:?}");
}

#[test]
fn encoding_into_a_reserved_buffer_does_not_allocate() {
    let key = IntegrityKey::short_term("pw");
    let mut buf = Vec::with_capacity(512);
    let info = allocation_counter::measure(|| {
        buf.clear();
        let typ = MessageType::new(Method::BINDING, Class::Request);
        let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([1; 12]));
        b.add(&Username("alice:bob"));
        b.message_integrity(&key).unwrap().fingerprint().unwrap();
    });
    assert_eq!(info.count_total, 0, "encode allocated: {info:?}");
}

#[test]
fn warm_transactions_do_not_allocate() {
    use core::time::Duration;
    use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig};
    use std::time::Instant;
    const N: u8 = 64;
    let t0 = Instant::now();
    let mut tx = ClientTransactions::new(TransactionConfig::default());
    let request = [0xa5u8; 100];
    let mut responses = Vec::new();
    for id in 0..N {
        let mut buf = Vec::new();
        let typ = MessageType::new(Method::BINDING, Class::Success);
        MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([id; 12]))
            .finish()
            .unwrap();
        responses.push(buf);
    }
    // One round: N transactions, every transmit drained, half answered, half timed out.
    let to = "192.0.2.1:3478".parse().unwrap();
    let round = |tx: &mut ClientTransactions, start: Instant| {
        for id in 0..N {
            let tid = TransactionId::from_bytes([id; 12]);
            tx.start_from_slice(start, Request::new(tid, to), &request, ())
                .unwrap();
        }
        let mut now = start;
        while let Some(at) = tx.poll_timeout() {
            while tx.poll_transmit().is_some() {}
            if now == start {
                for r in responses.iter().step_by(2) {
                    let msg = Message::parse(r).unwrap();
                    assert!(tx.is_pending(msg.transaction_id()));
                    assert_eq!(tx.handle_response(&msg), Some(()));
                }
            }
            now = at;
            tx.handle_timeout(now);
            while tx.poll_event().is_some() {}
        }
        assert_eq!(tx.in_flight(), 0);
        now + Duration::from_secs(1)
    };
    let next = round(&mut tx, t0);
    let info = allocation_counter::measure(|| {
        round(&mut tx, next);
    });
    // Request buffers are recycled with their reference-count headers: retransmissions
    // (a `Bytes` clone), responses, timeouts, the heap and the queues allocate nothing.
    assert_eq!(info.count_total, 0, "warm transactions allocated: {info:?}");
}
