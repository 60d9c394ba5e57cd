//! Property: `ClientTransactions` (indexed, with recycled buffers, cached deadline and pending
//! count) behaves exactly like the plain reference model below (one `Vec`, linear scans, the
//! implementation before the indexing) for any sequence of starts, cancels, responses, polls
//! and timer firings over several transactions.

use core::time::Duration;
use std::time::Instant;

use core::net::SocketAddr;

use floe_stun::net::Transport;
use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig, TransactionEvent};
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};
use proptest::prelude::*;

/// One transaction of the model.
struct Tx {
    tid: TransactionId,
    req: Vec<u8>,
    pending: bool,
    sends: u32,
    next: Instant,
    interval: Duration,
    reliable: bool,
}

/// The reference: what RFC 8489 §6.2.1 asks, written as simply as possible.
struct Model {
    config: TransactionConfig,
    live: Vec<Tx>,
    events: Vec<TransactionEvent<u8>>,
}

impl Model {
    fn start(&mut self, now: Instant, tid: TransactionId, req: &[u8], reliable: bool) -> bool {
        if self.live.iter().any(|t| t.tid == tid) || self.live.len() >= self.config.max_in_flight {
            return false;
        }
        let c = self.config;
        let next = if reliable {
            now + c.reliable_timeout
        } else if c.rc <= 1 {
            now + c.rto * c.rm
        } else {
            now + c.rto
        };
        self.live.push(Tx {
            tid,
            req: req.to_vec(),
            pending: true,
            sends: 1,
            next,
            interval: c.rto,
            reliable,
        });
        true
    }

    fn cancel(&mut self, tid: &TransactionId) -> bool {
        let before = self.live.len();
        self.live.retain(|t| &t.tid != tid);
        before != self.live.len()
    }

    fn timeout(&mut self, now: Instant) {
        let c = self.config;
        let events = &mut self.events;
        self.live.retain_mut(|t| {
            while t.next <= now {
                if t.reliable || t.sends >= c.rc.max(1) {
                    events.push(TransactionEvent::TimedOut {
                        transaction_id: t.tid,
                        destination: to(t.tid.as_bytes()[0]),
                        data: t.tid.as_bytes()[0],
                    });
                    return false;
                }
                t.pending = true;
                t.sends += 1;
                let sent_at = t.next;
                t.interval *= 2;
                t.next = if t.sends >= c.rc {
                    sent_at + c.rto * c.rm
                } else {
                    sent_at + t.interval
                };
            }
            true
        });
    }

    fn transmits(&mut self) -> Vec<(TransactionId, Vec<u8>)> {
        let mut out: Vec<_> = self
            .live
            .iter_mut()
            .filter(|t| t.pending)
            .map(|t| {
                t.pending = false;
                (t.tid, t.req.clone())
            })
            .collect();
        out.sort();
        out
    }
}

#[derive(Debug, Clone)]
enum Op {
    Start {
        id: u8,
        reliable: bool,
        len: u8,
        from_slice: bool,
    },
    Cancel(u8),
    Respond(u8),
    Advance(u16),
    Drain {
        max: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..24, any::<bool>(), 0u8..40, any::<bool>()).prop_map(
            |(id, reliable, len, from_slice)| Op::Start {
                id,
                reliable,
                len,
                from_slice
            }
        ),
        (0u8..24).prop_map(Op::Cancel),
        (0u8..24).prop_map(Op::Respond),
        (0u16..3000).prop_map(Op::Advance),
        (0u8..30).prop_map(|max| Op::Drain { max }),
    ]
}

fn tid(id: u8) -> TransactionId {
    TransactionId::from_bytes([id; 12])
}

/// Each transaction goes to its own port, so a transmit names its transaction.
fn to(id: u8) -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 1], 1000 + u16::from(id)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn matches_the_reference_model(
        rto_ms in 1u64..400,
        rc in 1u32..8,
        rm in 1u32..8,
        max_in_flight in 1usize..20,
        ops in proptest::collection::vec(op(), 0..80),
    ) {
        let t0 = Instant::now();
        let config = TransactionConfig::default()
            .with_rto(Duration::from_millis(rto_ms))
            .with_rc(rc)
            .with_rm(rm)
            .with_reliable_timeout(Duration::from_millis(5000))
            .with_max_in_flight(max_in_flight);
        let mut tx = ClientTransactions::<u8>::new(config);
        let mut model = Model { config, live: Vec::new(), events: Vec::new() };
        let mut now = t0;
        let mut pending_drain: Vec<(TransactionId, Vec<u8>)> = Vec::new();
        let id_of = |t: &floe_stun::net::Transmit| tid((t.destination.port() - 1000) as u8);
        for op in ops {
            match op {
                Op::Start { id, reliable, len, from_slice } => {
                    let req = vec![id; usize::from(len)];
                    let transport = if reliable { Transport::Tcp } else { Transport::Udp };
                    let request = Request::new(tid(id), to(id)).transport(transport);
                    let ok = if from_slice {
                        tx.start_from_slice(now, request, &req, id).is_ok()
                    } else {
                        let mut buf = tx.recycled_buffer();
                        prop_assert!(buf.is_empty());
                        buf.extend_from_slice(&req);
                        tx.start(now, request, buf, id).is_ok()
                    };
                    prop_assert_eq!(ok, model.start(now, tid(id), &req, reliable));
                }
                Op::Cancel(id) => prop_assert_eq!(tx.cancel(&tid(id)).is_some(), model.cancel(&tid(id))),
                Op::Respond(id) => {
                    let mut buf = Vec::new();
                    let typ = MessageType::new(Method::BINDING, Class::Success);
                    MessageBuilder::new(&mut buf, typ, tid(id)).finish().unwrap();
                    let msg = Message::parse(&buf).unwrap();
                    prop_assert_eq!(tx.is_pending(&tid(id)), model.live.iter().any(|t| t.tid == tid(id)));
                    prop_assert_eq!(
                        tx.request(&tid(id)).map(<[u8]>::to_vec),
                        model.live.iter().find(|t| t.tid == tid(id)).map(|t| t.req.clone())
                    );
                    prop_assert_eq!(tx.data(&tid(id)).copied(), model.live.iter().any(|t| t.tid == tid(id)).then_some(id));
                    prop_assert_eq!(tx.handle_response(&msg).is_some(), model.cancel(&tid(id)));
                }
                Op::Advance(ms) => {
                    now += Duration::from_millis(u64::from(ms));
                    tx.handle_timeout(now);
                    model.timeout(now);
                }
                Op::Drain { max } => {
                    // Partial drains interleave with the other operations.
                    for _ in 0..max {
                        let Some(t) = tx.poll_transmit() else { break };
                        pending_drain.push((id_of(&t), t.contents.to_vec()));
                    }
                }
            }
            // Whatever was not drained yet is still owed: drain fully and compare as sets.
            while let Some(t) = tx.poll_transmit() {
                pending_drain.push((id_of(&t), t.contents.to_vec()));
            }
            pending_drain.sort();
            prop_assert_eq!(&pending_drain, &model.transmits());
            pending_drain.clear();
            prop_assert_eq!(tx.in_flight(), model.live.len());
            prop_assert_eq!(tx.poll_timeout(), model.live.iter().map(|t| t.next).min());
            let mut events = Vec::new();
            while let Some(e) = tx.poll_event() {
                events.push(e);
            }
            let mut expected = core::mem::take(&mut model.events);
            events.sort_by_key(|e| format!("{e:?}"));
            expected.sort_by_key(|e| format!("{e:?}"));
            prop_assert_eq!(events, expected);
        }
    }
}
