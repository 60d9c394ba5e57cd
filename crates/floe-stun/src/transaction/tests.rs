//! Unit tests of the client transactions.

use super::*;
use core::net::SocketAddr;

const TO: SocketAddr = SocketAddr::new(
    core::net::IpAddr::V4(core::net::Ipv4Addr::new(192, 0, 2, 1)),
    3478,
);

fn req(tid: TransactionId, transport: Transport) -> Request {
    Request::new(tid, TO).transport(transport)
}

fn timed_out(tid: TransactionId) -> Option<TransactionEvent<()>> {
    Some(TransactionEvent::TimedOut {
        transaction_id: tid,
        destination: TO,
        data: (),
    })
}
use crate::{Class, MessageBuilder, MessageType, Method};

fn response(tid: TransactionId, class: Class) -> Vec<u8> {
    let mut buf = Vec::new();
    MessageBuilder::new(&mut buf, MessageType::new(Method::BINDING, class), tid)
        .finish()
        .unwrap();
    buf
}

#[test]
fn reliable_sends_once_and_times_out_after_ti() {
    let t0 = Instant::now();
    let mut tx = ClientTransactions::<()>::new(TransactionConfig::default());
    let tid = TransactionId::from_bytes([2; 12]);
    tx.start(t0, req(tid, Transport::Tcp), alloc::vec![1, 2, 3], ())
        .unwrap();
    assert_eq!(&tx.poll_transmit().unwrap().contents[..], &[1, 2, 3]);
    assert!(tx.poll_transmit().is_none());
    assert_eq!(tx.poll_timeout(), Some(t0 + Duration::from_millis(39_500)));
    tx.handle_timeout(t0 + Duration::from_millis(39_499));
    assert!(tx.poll_event().is_none());
    tx.handle_timeout(t0 + Duration::from_millis(39_500));
    assert_eq!(tx.poll_event(), timed_out(tid));
    assert_eq!(tx.in_flight(), 0);
}

#[test]
fn response_matches_by_transaction_id_only() {
    let t0 = Instant::now();
    let mut tx = ClientTransactions::<()>::new(TransactionConfig::default());
    let tid = TransactionId::from_bytes([3; 12]);
    tx.start(t0, req(tid, Transport::Udp), alloc::vec![0], ())
        .unwrap();
    assert_eq!(
        tx.start(t0, req(tid, Transport::Udp), alloc::vec![0], ()),
        Err(TransactionError::Duplicate(tid))
    );
    let other = response(TransactionId::from_bytes([4; 12]), Class::Success);
    assert!(
        tx.handle_response(&Message::parse(&other).unwrap())
            .is_none()
    );
    let request = response(tid, Class::Request);
    assert!(
        tx.handle_response(&Message::parse(&request).unwrap())
            .is_none()
    );
    let ok = response(tid, Class::Error);
    assert_eq!(tx.handle_response(&Message::parse(&ok).unwrap()), Some(()));
    assert_eq!(tx.poll_timeout(), None);
}

/// The last `Instant` the platform can represent (found by halving steps).
fn last_instant(from: Instant) -> Instant {
    let mut at = from;
    let mut step = Duration::MAX;
    while step > Duration::ZERO {
        match at.checked_add(step) {
            Some(later) => at = later,
            None => step /= 2,
        }
    }
    at
}

#[test]
fn timers_at_the_end_of_time_do_not_spin() {
    // Near the largest Instant, `now + RTO` cannot be represented: the schedule must not
    // then stay put and loop Rc (here 2^32 - 1) times in one handle_timeout.
    let end = last_instant(Instant::now());
    let start = end.checked_sub(Duration::from_millis(10)).unwrap();
    let config = TransactionConfig::default()
        .with_rto(Duration::from_millis(1))
        .with_rc(u32::MAX);
    let mut tx = ClientTransactions::<()>::new(config);
    let tid = TransactionId::from_bytes([9; 12]);
    tx.start(start, req(tid, Transport::Udp), alloc::vec![0], ())
        .unwrap();
    tx.handle_timeout(end);
    assert_eq!(tx.poll_event(), timed_out(tid));
    assert_eq!(tx.poll_timeout(), None);
}

#[test]
fn absurd_durations_do_not_panic() {
    let t0 = Instant::now();
    let config = TransactionConfig::default()
        .with_rto(Duration::MAX)
        .with_rm(u32::MAX);
    let mut tx = ClientTransactions::<()>::new(config.with_reliable_timeout(Duration::MAX));
    tx.start(
        t0,
        req(TransactionId::from_bytes([6; 12]), Transport::Udp),
        alloc::vec![0],
        (),
    )
    .unwrap();
    tx.start(
        t0,
        req(TransactionId::from_bytes([7; 12]), Transport::Tcp),
        alloc::vec![0],
        (),
    )
    .unwrap();
    tx.handle_timeout(t0 + Duration::from_secs(3600));
    assert!(tx.poll_timeout().unwrap() > t0);
    // A zero RTO with an enormous Rc must not spin.
    let config = TransactionConfig::default()
        .with_rto(Duration::ZERO)
        .with_rc(u32::MAX);
    let mut tx = ClientTransactions::<()>::new(config);
    tx.start(
        t0,
        req(TransactionId::from_bytes([8; 12]), Transport::Udp),
        alloc::vec![0],
        (),
    )
    .unwrap();
    tx.handle_timeout(t0 + Duration::from_secs(24 * 3600));
    assert_eq!(tx.in_flight(), 1);
}

#[test]
fn late_timer_catches_up_and_config_applies() {
    let t0 = Instant::now();
    let config = TransactionConfig::default()
        .with_rto(Duration::from_millis(100))
        .with_rc(3)
        .with_rm(4);
    let mut tx = ClientTransactions::<()>::new(config.with_max_in_flight(1));
    let tid = TransactionId::from_bytes([5; 12]);
    tx.start(t0, req(tid, Transport::Udp), alloc::vec![0], ())
        .unwrap();
    assert_eq!(
        tx.start(
            t0,
            req(TransactionId::default(), Transport::Tcp),
            alloc::vec![],
            ()
        ),
        Err(TransactionError::TooMany(1))
    );
    // Sends at 0, 100, 300; timeout at 300 + 4 × 100 = 700.
    tx.handle_timeout(t0 + Duration::from_millis(350));
    assert_eq!(tx.poll_timeout(), Some(t0 + Duration::from_millis(700)));
    tx.handle_timeout(t0 + Duration::from_millis(700));
    assert_eq!(tx.poll_event(), timed_out(tid));
}

#[test]
fn per_transaction_rto_rc_destination_and_data() {
    let t0 = Instant::now();
    let mut tx = ClientTransactions::<&str>::new(TransactionConfig::default());
    let a = TransactionId::from_bytes([1; 12]);
    let b = TransactionId::from_bytes([2; 12]);
    let src: SocketAddr = "198.51.100.1:5000".parse().unwrap();
    let fast = Request::new(a, TO)
        .source(src)
        .rto(Duration::from_millis(50))
        .max_sends(2);
    tx.start(t0, fast, alloc::vec![1], "check").unwrap();
    tx.start(t0, req(b, Transport::Udp), alloc::vec![2], "default")
        .unwrap();
    let first = tx.poll_transmit().unwrap();
    assert_eq!((first.source, first.destination), (Some(src), TO));
    assert_eq!(tx.poll_transmit().unwrap().source, None);
    assert_eq!(tx.data(&a), Some(&"check"));
    *tx.data_mut(&b).unwrap() = "changed";
    // a: sends at 0 and 50 ms, then Rm × RTO = 800 ms of silence.
    assert_eq!(tx.poll_timeout(), Some(t0 + Duration::from_millis(50)));
    tx.handle_timeout(t0 + Duration::from_millis(50));
    assert_eq!(&tx.poll_transmit().unwrap().contents[..], [1]);
    assert_eq!(tx.poll_timeout(), Some(t0 + Duration::from_millis(500)));
    tx.handle_timeout(t0 + Duration::from_millis(850));
    assert_eq!(
        tx.poll_event(),
        Some(TransactionEvent::TimedOut {
            transaction_id: a,
            destination: TO,
            data: "check"
        })
    );
    assert_eq!(tx.cancel_all(), alloc::vec![(b, "changed")]);
    assert_eq!((tx.in_flight(), tx.poll_timeout()), (0, None));
}

#[test]
fn retransmissions_share_one_buffer_and_ended_ones_leave_no_timer() {
    let t0 = Instant::now();
    let mut tx = ClientTransactions::<u8>::new(TransactionConfig::default());
    let tid = TransactionId::from_bytes([3; 12]);
    tx.start_from_slice(t0, req(tid, Transport::Udp), b"abc", 0)
        .unwrap();
    let first = tx.poll_transmit().unwrap().contents;
    tx.handle_timeout(t0 + Duration::from_millis(500));
    let second = tx.poll_transmit().unwrap().contents;
    assert_eq!(first.as_ptr(), second.as_ptr(), "a retransmission copied");
    // Cancelling the transaction with the earliest deadline exposes the next one at once.
    let other = TransactionId::from_bytes([4; 12]);
    tx.start(
        t0 + Duration::from_millis(600),
        req(other, Transport::Tcp),
        alloc::vec![],
        1,
    )
    .unwrap();
    assert_eq!(tx.cancel(&tid), Some(0));
    assert_eq!(
        tx.poll_timeout(),
        Some(t0 + Duration::from_millis(600 + 39_500))
    );
}

#[test]
fn start_cancel_churn_keeps_the_heap_and_queue_bounded() {
    let t0 = Instant::now();
    let mut tx = ClientTransactions::<()>::new(TransactionConfig::default());
    let long = TransactionId::from_bytes([0xff; 12]);
    tx.start(t0, req(long, Transport::Udp), alloc::vec![0], ())
        .unwrap();
    for n in 0..10_000u32 {
        let mut b = [0u8; 12];
        b[..4].copy_from_slice(&n.to_be_bytes());
        let tid = TransactionId::from_bytes(b);
        let later = t0 + Duration::from_millis(1 + u64::from(n));
        tx.start(later, req(tid, Transport::Udp), alloc::vec![1], ())
            .unwrap();
        assert!(tx.cancel(&tid).is_some());
    }
    assert!(
        tx.deadlines.len() <= 2 * tx.in_flight() + 65,
        "{}",
        tx.deadlines.len()
    );
    assert_eq!(tx.poll_timeout(), Some(t0 + Duration::from_millis(500)));
    assert!(tx.poll_transmit().is_some());
    assert!(tx.poll_transmit().is_none());
}

#[test]
fn reusing_a_transaction_id_at_the_same_instant_leaves_no_live_looking_stale_entry() {
    // A benchmark reuses ids with one fixed `now`: an entry left by an ended transaction had
    // the same (deadline, id) as the new one's, looked current forever and made every later
    // call compact the heap (O(n) each).
    let t0 = Instant::now();
    let mut tx = ClientTransactions::<()>::new(TransactionConfig::default());
    for n in 0..100u8 {
        tx.start(
            t0,
            req(TransactionId::from_bytes([n; 12]), Transport::Udp),
            alloc::vec![n],
            (),
        )
        .unwrap();
    }
    for round in 0..10_000u32 {
        let tid = TransactionId::from_bytes([(round % 100) as u8; 12]);
        assert!(tx.cancel(&tid).is_some());
        tx.start(t0, req(tid, Transport::Udp), alloc::vec![0], ())
            .unwrap();
    }
    assert!(
        tx.deadlines.len() <= 2 * tx.in_flight() + 65,
        "{}",
        tx.deadlines.len()
    );
    // Every transaction still sends and times out exactly once.
    let mut sends = 0;
    while tx.poll_transmit().is_some() {
        sends += 1;
    }
    assert_eq!(sends, 100);
    while let Some(at) = tx.poll_timeout() {
        tx.handle_timeout(at);
    }
    let mut timeouts = 0;
    while tx.poll_event().is_some() {
        timeouts += 1;
    }
    assert_eq!(timeouts, 100);
}
