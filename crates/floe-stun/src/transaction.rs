//! Sans-I/O client transactions (RFC 8489 §6.2): retransmission over unreliable transports,
//! one send and a 39.5 s timeout over reliable ones, responses matched by transaction id.
//!
//! No clock inside: time comes in as [`Instant`]. Drive loop: after any input or timeout, drain
//! [`ClientTransactions::poll_transmit`] and [`ClientTransactions::poll_event`], then sleep
//! until [`ClientTransactions::poll_timeout`] and call
//! [`ClientTransactions::handle_timeout`]. Time must never go backwards.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use floe_stun::transaction::{ClientTransactions, TransactionConfig, TransactionEvent, Transport};
//! use floe_stun::TransactionId;
//!
//! let start = Instant::now();
//! let mut tx = ClientTransactions::new(TransactionConfig::default());
//! let tid = TransactionId::from_bytes([1; 12]);
//! tx.start(start, tid, b"request bytes".to_vec(), Transport::Unreliable).unwrap();
//! let mut sends = vec![];
//! let mut now = start;
//! loop {
//!     while let Some(_transmit) = tx.poll_transmit() {
//!         sends.push(now.duration_since(start).as_millis());
//!     }
//!     let Some(next) = tx.poll_timeout() else { break };
//!     now = next;
//!     tx.handle_timeout(now);
//! }
//! // RFC 8489 §6.2.1: Rc = 7 sends, then Rm × RTO of silence: timeout at 39.5 s.
//! assert_eq!(sends, [0, 500, 1500, 3500, 7500, 15500, 31500]);
//! assert_eq!(tx.poll_event(), Some(TransactionEvent::TimedOut { transaction_id: tid }));
//! ```

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::time::Duration;
use std::time::Instant;

use crate::message::Message;
use crate::transaction_id::TransactionId;
use crate::transaction_index::{MAX_INDEXED, TidIndex};

/// Retransmission parameters (RFC 8489 §6.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransactionConfig {
    /// Initial retransmission timeout, RTO: 500 ms by default (RFC 8489 §6.2.1).
    pub rto: Duration,
    /// Rc: total sends over an unreliable transport, 7 by default (RFC 8489 §6.2.1).
    pub rc: u32,
    /// Rm: the last send waits Rm × RTO for a response, 16 by default (RFC 8489 §6.2.1).
    pub rm: u32,
    /// Ti: the timeout over reliable transports, 39.5 s by default (RFC 8489 §6.2.2).
    pub reliable_timeout: Duration,
    /// Most transactions in flight at once; [`ClientTransactions::start`] refuses more.
    pub max_in_flight: usize,
}

impl TransactionConfig {
    /// The RFC defaults.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            rto: Duration::from_millis(500),
            rc: 7,
            rm: 16,
            reliable_timeout: Duration::from_millis(39_500),
            max_in_flight: 1024,
        }
    }

    /// With another initial RTO.
    #[must_use]
    pub const fn with_rto(mut self, rto: Duration) -> Self {
        self.rto = rto;
        self
    }

    /// With another Rc (at least 1 send is always made).
    #[must_use]
    pub const fn with_rc(mut self, rc: u32) -> Self {
        self.rc = rc;
        self
    }

    /// With another Rm.
    #[must_use]
    pub const fn with_rm(mut self, rm: u32) -> Self {
        self.rm = rm;
        self
    }

    /// With another reliable-transport timeout.
    #[must_use]
    pub const fn with_reliable_timeout(mut self, timeout: Duration) -> Self {
        self.reliable_timeout = timeout;
        self
    }

    /// With another in-flight limit.
    #[must_use]
    pub const fn with_max_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = max;
        self
    }
}

impl Default for TransactionConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// The kind of transport a request goes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(
    clippy::exhaustive_enums,
    reason = "RFC 8489 §6.2 distinguishes exactly these two"
)]
pub enum Transport {
    /// UDP: retransmit with backoff.
    Unreliable,
    /// TCP or TLS: send once, time out after Ti.
    Reliable,
}

/// Something that happened to a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransactionEvent {
    /// No response arrived in time (RFC 8489 §6.2.1, §6.2.2).
    TimedOut {
        /// The transaction.
        transaction_id: TransactionId,
    },
}

/// A transaction could not be started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionError {
    /// A transaction with this id is already in flight.
    #[error("transaction {0} is already in flight")]
    Duplicate(TransactionId),
    /// [`TransactionConfig::max_in_flight`] reached.
    #[error("{0} transactions already in flight")]
    TooMany(usize),
}

/// A request to (re)send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transmit<'a> {
    /// The transaction it belongs to.
    pub transaction_id: TransactionId,
    /// The request bytes.
    pub bytes: &'a [u8],
}

#[derive(Debug)]
struct Transaction {
    tid: TransactionId,
    request: Vec<u8>,
    transmit_pending: bool,
    sends: u32,
    /// When the next send or the final timeout is due.
    next: Instant,
    /// Current retransmission interval.
    interval: Duration,
    reliable: bool,
}

/// The client transactions of one agent.
///
/// # Integrity and matching
/// Where the request was protected, verify the response's integrity *before* calling
/// [`handle_response`](Self::handle_response) (RFC 8489 §9.1.4, §9.2.5): a reply that fails
/// verification must be dropped and must not stop retransmission, or anyone on the path could
/// end the transaction with a forged reply. [`is_pending`](Self::is_pending) and
/// [`request`](Self::request) let the caller match a message to its transaction first, then
/// verify it (with [`Message::verify_integrity_as`] and the request's
/// [`Message::integrity_kind`]), then end the transaction.
///
/// # Cost
/// Built for an ICE agent running thousands of checks a second: no allocation per transaction
/// once warm (the request buffers of ended transactions are kept and reused by
/// [`start_from_slice`](Self::start_from_slice) and [`recycled_buffer`](Self::recycled_buffer)),
/// [`poll_transmit`](Self::poll_transmit) and [`poll_timeout`](Self::poll_timeout) are O(1) when
/// nothing is due, draining k transmits costs O(n + k) in all (not O(n × k)), and a lookup
/// by transaction id is O(1) (a hash index over the ids). Ending the transaction with the
/// earliest deadline rescans the n deadlines, to keep `poll_timeout` exact.
#[derive(Debug)]
pub struct ClientTransactions {
    config: TransactionConfig,
    /// Transaction ids, index for index with `live` (a dense array that scans fast).
    tids: Vec<TransactionId>,
    /// Positions in `tids` by id.
    index: TidIndex,
    live: Vec<Transaction>,
    events: VecDeque<TransactionEvent>,
    /// Request buffers of ended transactions, cleared, kept for reuse (at most
    /// `max_in_flight`).
    spare: Vec<Vec<u8>>,
    /// How many of `live` have `transmit_pending`.
    pending: usize,
    /// No transaction before this index has `transmit_pending`.
    pending_from: usize,
    /// The earliest `next` of `live`.
    earliest: Option<Instant>,
}

impl ClientTransactions {
    /// No transaction yet. An RTO below 1 ms is raised to 1 ms, so timers always advance.
    #[must_use]
    pub fn new(mut config: TransactionConfig) -> Self {
        config.rto = config.rto.max(Duration::from_millis(1));
        Self {
            config,
            tids: Vec::new(),
            index: TidIndex::default(),
            live: Vec::new(),
            events: VecDeque::new(),
            spare: Vec::new(),
            pending: 0,
            pending_from: 0,
            earliest: None,
        }
    }

    /// Starts a transaction for an encoded request; its first send is ready at once.
    ///
    /// # Errors
    /// [`TransactionError::Duplicate`] or [`TransactionError::TooMany`].
    pub fn start(
        &mut self,
        now: Instant,
        tid: TransactionId,
        request: Vec<u8>,
        transport: Transport,
    ) -> Result<(), TransactionError> {
        self.check_start(tid)?;
        self.push(now, tid, request, transport);
        Ok(())
    }

    /// [`start`](Self::start) with the request copied into a buffer kept from an ended
    /// transaction: no allocation once as many transactions have ended as are in flight.
    ///
    /// ```
    /// use std::time::Instant;
    /// use floe_stun::transaction::{ClientTransactions, TransactionConfig, Transport};
    /// use floe_stun::TransactionId;
    /// let now = Instant::now();
    /// let mut tx = ClientTransactions::new(TransactionConfig::default());
    /// let tid = TransactionId::from_bytes([1; 12]);
    /// tx.start_from_slice(now, tid, b"request", Transport::Unreliable).unwrap();
    /// assert_eq!(tx.request(&tid), Some(&b"request"[..]));
    /// assert!(tx.cancel(&tid)); // its buffer is kept for the next transaction
    /// ```
    ///
    /// # Errors
    /// [`TransactionError::Duplicate`] or [`TransactionError::TooMany`].
    pub fn start_from_slice(
        &mut self,
        now: Instant,
        tid: TransactionId,
        request: &[u8],
        transport: Transport,
    ) -> Result<(), TransactionError> {
        self.check_start(tid)?;
        let mut buf = self.recycled_buffer();
        buf.extend_from_slice(request);
        self.push(now, tid, buf, transport);
        Ok(())
    }

    /// An empty buffer, reused from an ended transaction when one is kept: encode a request
    /// into it and pass it to [`start`](Self::start), so nothing is copied or allocated.
    ///
    /// ```
    /// use std::time::Instant;
    /// use floe_stun::transaction::{ClientTransactions, TransactionConfig, Transport};
    /// use floe_stun::{Class, MessageBuilder, MessageType, Method, TransactionId};
    /// let mut tx = ClientTransactions::new(TransactionConfig::default());
    /// let tid = TransactionId::from_bytes([2; 12]);
    /// let mut buf = tx.recycled_buffer();
    /// MessageBuilder::new(&mut buf, MessageType::new(Method::BINDING, Class::Request), tid)
    ///     .finish().unwrap();
    /// tx.start(Instant::now(), tid, buf, Transport::Unreliable).unwrap();
    /// ```
    #[must_use]
    pub fn recycled_buffer(&mut self) -> Vec<u8> {
        self.spare.pop().unwrap_or_default()
    }

    fn check_start(&self, tid: TransactionId) -> Result<(), TransactionError> {
        if self.index.find(&self.tids, &tid).is_some() {
            return Err(TransactionError::Duplicate(tid));
        }
        if self.live.len() >= self.config.max_in_flight.min(MAX_INDEXED) {
            return Err(TransactionError::TooMany(self.live.len()));
        }
        Ok(())
    }

    fn push(&mut self, now: Instant, tid: TransactionId, request: Vec<u8>, transport: Transport) {
        let reliable = transport == Transport::Reliable;
        let c = &self.config;
        let next = if reliable {
            later(now, c.reliable_timeout)
        } else if c.rc <= 1 {
            later(now, c.rto.saturating_mul(c.rm))
        } else {
            later(now, c.rto)
        };
        if self.pending == 0 {
            // Nothing before the new transaction is pending: poll_transmit starts at it.
            self.pending_from = self.live.len();
        }
        self.tids.push(tid);
        self.index.insert(&self.tids, self.tids.len() - 1);
        self.live.push(Transaction {
            tid,
            request,
            transmit_pending: true,
            sends: 1,
            next,
            interval: c.rto,
            reliable,
        });
        self.pending += 1;
        self.earliest = Some(self.earliest.map_or(next, |e| e.min(next)));
    }

    /// Transactions in flight.
    #[must_use]
    pub fn in_flight(&self) -> usize {
        self.live.len()
    }

    /// Whether a transaction with this id is in flight: match a received response with this,
    /// verify its integrity, and only then call [`handle_response`](Self::handle_response).
    #[must_use]
    pub fn is_pending(&self, tid: &TransactionId) -> bool {
        self.index.find(&self.tids, tid).is_some()
    }

    /// The request bytes of a transaction in flight (e.g. to learn which integrity mechanism
    /// protected it, with [`Message::integrity_kind`]).
    #[must_use]
    pub fn request(&self, tid: &TransactionId) -> Option<&[u8]> {
        let i = self.index(tid)?;
        Some(&self.live[i].request)
    }

    fn index(&self, tid: &TransactionId) -> Option<usize> {
        self.index.find(&self.tids, tid)
    }

    /// Matches a received message: when it is a response (success or error) to a transaction
    /// in flight, that transaction ends and this returns true. Other messages return false.
    ///
    /// **Verify first.** This matches by transaction id only. Where the request carried
    /// MESSAGE-INTEGRITY(-SHA256), check the response's integrity (with the request's
    /// mechanism, [`Message::verify_integrity_as`]) *before* calling this, and do not call it
    /// when the check fails: a reply that fails verification must not stop retransmission
    /// (RFC 8489 §9.1.4, §9.2.5). Use [`is_pending`](Self::is_pending) to match before
    /// verifying. (401 and 438 error responses may come unprotected, §9.2.5.)
    pub fn handle_response(&mut self, msg: &Message<'_>) -> bool {
        if !msg.class().is_response() {
            return false;
        }
        self.cancel(msg.transaction_id())
    }

    /// Ends a transaction without an event (e.g. the application gave up). Returns whether it
    /// was in flight.
    pub fn cancel(&mut self, tid: &TransactionId) -> bool {
        let Some(i) = self.index(tid) else {
            return false;
        };
        let next = self.live[i].next;
        self.remove(i);
        if self.earliest == Some(next) {
            self.earliest = self.live.iter().map(|t| t.next).min();
        }
        true
    }

    /// Removes transaction `i` (swapping the last one into its place) and keeps its buffer.
    /// Does not update `earliest`.
    fn remove(&mut self, i: usize) {
        self.index.remove(&self.tids, i);
        self.tids.swap_remove(i);
        let t = self.live.swap_remove(i);
        if t.transmit_pending {
            self.pending -= 1;
        }
        // The transaction moved into `i` may be pending.
        self.pending_from = self.pending_from.min(i);
        if self.spare.len() < self.config.max_in_flight {
            let mut buf = t.request;
            buf.clear();
            self.spare.push(buf);
        }
    }

    /// Advances time: schedules due retransmissions and times out expired transactions.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.earliest.is_none_or(|e| e > now) {
            return;
        }
        let c = self.config;
        let mut i = 0;
        let mut earliest: Option<Instant> = None;
        while i < self.live.len() {
            let t = &mut self.live[i];
            let mut timed_out = false;
            while t.next <= now {
                if t.reliable || t.sends >= c.rc.max(1) {
                    timed_out = true;
                    break;
                }
                if !t.transmit_pending {
                    t.transmit_pending = true;
                    self.pending += 1;
                    self.pending_from = self.pending_from.min(i);
                }
                t.sends += 1;
                let sent_at = t.next;
                t.interval = t.interval.saturating_mul(2);
                t.next = if t.sends >= c.rc {
                    later(sent_at, c.rto.saturating_mul(c.rm))
                } else {
                    later(sent_at, t.interval)
                };
                if t.next <= sent_at {
                    // The end of representable time: no later send can be scheduled, so give
                    // up now rather than resend up to Rc times without time passing.
                    timed_out = true;
                    break;
                }
            }
            if timed_out {
                self.events.push_back(TransactionEvent::TimedOut {
                    transaction_id: t.tid,
                });
                // The last transaction moves into `i`: look at `i` again.
                self.remove(i);
            } else {
                earliest = Some(earliest.map_or(t.next, |e| e.min(t.next)));
                i += 1;
            }
        }
        self.earliest = earliest;
    }

    /// The next request to send, if any.
    pub fn poll_transmit(&mut self) -> Option<Transmit<'_>> {
        if self.pending == 0 {
            return None;
        }
        let offset = self.live[self.pending_from..]
            .iter()
            .position(|t| t.transmit_pending)?;
        let i = self.pending_from + offset;
        self.pending_from = i + 1;
        self.pending -= 1;
        let t = &mut self.live[i];
        t.transmit_pending = false;
        Some(Transmit {
            transaction_id: t.tid,
            bytes: &t.request,
        })
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.earliest
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<TransactionEvent> {
        self.events.pop_front()
    }
}

/// `t + d`, saturating far in the future instead of panicking when a configured duration is
/// absurdly large; `t` itself when even that cannot be represented (the caller then gives up).
fn later(t: Instant, d: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    t.checked_add(d.min(FAR)).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let mut tx = ClientTransactions::new(TransactionConfig::default());
        let tid = TransactionId::from_bytes([2; 12]);
        tx.start(t0, tid, alloc::vec![1, 2, 3], Transport::Reliable)
            .unwrap();
        assert_eq!(tx.poll_transmit().unwrap().bytes, &[1, 2, 3]);
        assert!(tx.poll_transmit().is_none());
        assert_eq!(tx.poll_timeout(), Some(t0 + Duration::from_millis(39_500)));
        tx.handle_timeout(t0 + Duration::from_millis(39_499));
        assert!(tx.poll_event().is_none());
        tx.handle_timeout(t0 + Duration::from_millis(39_500));
        assert_eq!(
            tx.poll_event(),
            Some(TransactionEvent::TimedOut {
                transaction_id: tid
            })
        );
        assert_eq!(tx.in_flight(), 0);
    }

    #[test]
    fn response_matches_by_transaction_id_only() {
        let t0 = Instant::now();
        let mut tx = ClientTransactions::new(TransactionConfig::default());
        let tid = TransactionId::from_bytes([3; 12]);
        tx.start(t0, tid, alloc::vec![0], Transport::Unreliable)
            .unwrap();
        assert_eq!(
            tx.start(t0, tid, alloc::vec![0], Transport::Unreliable),
            Err(TransactionError::Duplicate(tid))
        );
        let other = response(TransactionId::from_bytes([4; 12]), Class::Success);
        assert!(!tx.handle_response(&Message::parse(&other).unwrap()));
        let request = response(tid, Class::Request);
        assert!(!tx.handle_response(&Message::parse(&request).unwrap()));
        let ok = response(tid, Class::Error);
        assert!(tx.handle_response(&Message::parse(&ok).unwrap()));
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
        let mut tx = ClientTransactions::new(config);
        let tid = TransactionId::from_bytes([9; 12]);
        tx.start(start, tid, alloc::vec![0], Transport::Unreliable)
            .unwrap();
        tx.handle_timeout(end);
        assert_eq!(
            tx.poll_event(),
            Some(TransactionEvent::TimedOut {
                transaction_id: tid
            })
        );
        assert_eq!(tx.poll_timeout(), None);
    }

    #[test]
    fn absurd_durations_do_not_panic() {
        let t0 = Instant::now();
        let config = TransactionConfig::default()
            .with_rto(Duration::MAX)
            .with_rm(u32::MAX);
        let mut tx = ClientTransactions::new(config.with_reliable_timeout(Duration::MAX));
        tx.start(
            t0,
            TransactionId::from_bytes([6; 12]),
            alloc::vec![0],
            Transport::Unreliable,
        )
        .unwrap();
        tx.start(
            t0,
            TransactionId::from_bytes([7; 12]),
            alloc::vec![0],
            Transport::Reliable,
        )
        .unwrap();
        tx.handle_timeout(t0 + Duration::from_secs(3600));
        assert!(tx.poll_timeout().unwrap() > t0);
        // A zero RTO with an enormous Rc must not spin.
        let config = TransactionConfig::default()
            .with_rto(Duration::ZERO)
            .with_rc(u32::MAX);
        let mut tx = ClientTransactions::new(config);
        tx.start(
            t0,
            TransactionId::from_bytes([8; 12]),
            alloc::vec![0],
            Transport::Unreliable,
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
        let mut tx = ClientTransactions::new(config.with_max_in_flight(1));
        let tid = TransactionId::from_bytes([5; 12]);
        tx.start(t0, tid, alloc::vec![0], Transport::Unreliable)
            .unwrap();
        assert_eq!(
            tx.start(
                t0,
                TransactionId::default(),
                alloc::vec![],
                Transport::Reliable
            ),
            Err(TransactionError::TooMany(1))
        );
        // Sends at 0, 100, 300; timeout at 300 + 4 × 100 = 700.
        tx.handle_timeout(t0 + Duration::from_millis(350));
        assert_eq!(tx.poll_timeout(), Some(t0 + Duration::from_millis(700)));
        tx.handle_timeout(t0 + Duration::from_millis(700));
        assert_eq!(
            tx.poll_event(),
            Some(TransactionEvent::TimedOut {
                transaction_id: tid
            })
        );
    }
}
