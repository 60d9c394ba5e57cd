//! Property: whatever the configuration and however late the timer fires, an unreliable
//! transaction sends exactly Rc times on the RFC 8489 §6.2.1 schedule (RTO doubling) and times
//! out Rm × RTO after the last send; a response stops it at once.

use core::time::Duration;
use std::time::Instant;

use core::net::SocketAddr;

use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig, TransactionEvent};
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};
use proptest::prelude::*;

const TO: SocketAddr = SocketAddr::new(core::net::IpAddr::V4(core::net::Ipv4Addr::LOCALHOST), 3478);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn schedule_matches_rfc_8489(
        rto_ms in 1u64..2000,
        rc in 1u32..10,
        rm in 1u32..20,
        lateness in proptest::collection::vec(0u64..50, 0..40),
    ) {
        let t0 = Instant::now();
        let rto = Duration::from_millis(rto_ms);
        let config = TransactionConfig::default().with_rto(rto).with_rc(rc).with_rm(rm);
        let mut tx = ClientTransactions::<()>::new(config);
        let tid = TransactionId::from_bytes([1; 12]);
        tx.start(t0, Request::new(tid, TO), vec![1, 2, 3], ()).unwrap();

        // The expected send times and the final timeout.
        let mut sends_expected = vec![Duration::ZERO];
        let mut interval = rto;
        while sends_expected.len() < rc as usize {
            let last = *sends_expected.last().unwrap();
            sends_expected.push(last + interval);
            interval *= 2;
        }
        let timeout = *sends_expected.last().unwrap() + rto * rm;

        let mut sends = Vec::new();
        let mut now = t0;
        let mut late = lateness.into_iter();
        loop {
            while let Some(t) = tx.poll_transmit() {
                prop_assert_eq!(&t.contents[..], &[1, 2, 3]);
                sends.push(now);
            }
            let Some(next) = tx.poll_timeout() else { break };
            prop_assert!(next >= now);
            // Fire on time or a little late; late timers may merge retransmissions.
            now = next + Duration::from_millis(late.next().unwrap_or(0));
            tx.handle_timeout(now);
        }
        prop_assert_eq!(
            tx.poll_event(),
            Some(TransactionEvent::TimedOut { transaction_id: tid, destination: TO, data: () })
        );
        prop_assert!(now >= t0 + timeout);
        prop_assert!(sends.len() <= rc as usize);
        prop_assert_eq!(sends[0], t0);
        // Each send happens no earlier than its scheduled time.
        for (sent, expected) in sends.iter().zip(&sends_expected) {
            prop_assert!(*sent >= t0 + *expected);
        }
    }

    #[test]
    fn on_time_timers_give_the_exact_schedule(rto_ms in 1u64..2000, rc in 1u32..10, rm in 1u32..20) {
        let t0 = Instant::now();
        let rto = Duration::from_millis(rto_ms);
        let mut tx = ClientTransactions::<()>::new(TransactionConfig::default().with_rto(rto).with_rc(rc).with_rm(rm));
        tx.start(t0, Request::new(TransactionId::default(), TO), vec![0], ()).unwrap();
        let mut sends = Vec::new();
        let mut now = t0;
        while tx.in_flight() > 0 {
            while tx.poll_transmit().is_some() {
                sends.push(now - t0);
            }
            now = tx.poll_timeout().unwrap();
            tx.handle_timeout(now);
        }
        let expected: Vec<Duration> =
            (0..rc).map(|i| rto * ((1u32 << i) - 1)).collect();
        prop_assert_eq!(&sends, &expected);
        prop_assert_eq!(now - t0, *expected.last().unwrap() + rto * rm);
    }

    #[test]
    fn a_response_ends_it(rto_ms in 1u64..2000, at_ms in 0u64..40_000) {
        let t0 = Instant::now();
        let mut tx = ClientTransactions::<()>::new(TransactionConfig::default().with_rto(Duration::from_millis(rto_ms)));
        let tid = TransactionId::from_bytes([9; 12]);
        tx.start(t0, Request::new(tid, TO), vec![0], ()).unwrap();
        tx.handle_timeout(t0 + Duration::from_millis(at_ms));
        if tx.in_flight() == 1 {
            let mut buf = Vec::new();
            let typ = MessageType::new(Method::BINDING, Class::Success);
            let response = MessageBuilder::new(&mut buf, typ, tid).fingerprint().unwrap();
            prop_assert_eq!(tx.handle_response(&Message::parse(response).unwrap()), Some(()));
            prop_assert_eq!(tx.poll_timeout(), None);
            prop_assert_eq!(tx.poll_event(), None);
        }
    }
}
