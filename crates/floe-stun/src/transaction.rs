//! Sans-I/O client transactions (RFC 8489 §6.2): retransmission over unreliable transports,
//! one send and a 39.5 s timeout over reliable ones, responses matched by transaction id.
//!
//! Each transaction carries where it goes (a [`Request`]: destination, transport, optional
//! source), its own RTO and number of sends when the caller wants other than the
//! [`TransactionConfig`] defaults (an ICE agent paces checks by RFC 8445 §14.3), and caller
//! data `T` that comes back with its response or its timeout, so no side table keyed by
//! transaction id is needed.
//!
//! No clock inside: time comes in as [`Instant`]. Drive loop: after any input or timeout, drain
//! [`ClientTransactions::poll_transmit`] and [`ClientTransactions::poll_event`], then sleep
//! until [`ClientTransactions::poll_timeout`] and call
//! [`ClientTransactions::handle_timeout`]. Time must never go backwards.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use floe_stun::net::Transport;
//! use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig, TransactionEvent};
//! use floe_stun::TransactionId;
//!
//! let start = Instant::now();
//! let mut tx = ClientTransactions::new(TransactionConfig::default());
//! let tid = TransactionId::from_bytes([1; 12]);
//! let server = "192.0.2.1:3478".parse().unwrap();
//! tx.start(start, Request::new(tid, server), b"request bytes".to_vec(), "what it was for")
//!     .unwrap();
//! let mut sends = vec![];
//! let mut now = start;
//! loop {
//!     while let Some(transmit) = tx.poll_transmit() {
//!         assert_eq!((transmit.destination, transmit.transport), (server, Transport::Udp));
//!         sends.push(now.duration_since(start).as_millis());
//!     }
//!     let Some(next) = tx.poll_timeout() else { break };
//!     now = next;
//!     tx.handle_timeout(now);
//! }
//! // RFC 8489 §6.2.1: Rc = 7 sends, then Rm × RTO of silence: timeout at 39.5 s.
//! assert_eq!(sends, [0, 500, 1500, 3500, 7500, 15500, 31500]);
//! let Some(TransactionEvent::TimedOut { transaction_id, data, .. }) = tx.poll_event() else {
//!     panic!("no timeout")
//! };
//! assert_eq!((transaction_id, data), (tid, "what it was for"));
//! ```

use alloc::collections::{BinaryHeap, VecDeque};
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use smallvec::SmallVec;

use crate::message::Message;
use crate::net::{Transmit, Transport};
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

/// Where a transaction's request goes and how it is paced: the destination and transport,
/// the local address to send from, and, when other than the [`TransactionConfig`], its RTO and
/// number of sends.
///
/// ```
/// use core::time::Duration;
/// use floe_stun::net::Transport;
/// use floe_stun::transaction::Request;
/// use floe_stun::TransactionId;
/// let r = Request::new(TransactionId::from_bytes([1; 12]), "192.0.2.1:3478".parse().unwrap())
///     .transport(Transport::Tcp)
///     .source("198.51.100.1:5000".parse().unwrap())
///     .rto(Duration::from_millis(250))
///     .max_sends(3);
/// assert_eq!(r.transport, Transport::Tcp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Request {
    /// The request's transaction id (RFC 8489 §6).
    pub transaction_id: TransactionId,
    /// Where it goes.
    pub destination: SocketAddr,
    /// UDP (retransmitted) or a reliable transport (sent once), RFC 8489 §6.2.
    pub transport: Transport,
    /// The local address to send from; `None` for an embedder with one socket.
    pub source: Option<SocketAddr>,
    /// This transaction's initial RTO; `None` takes [`TransactionConfig::rto`].
    pub rto: Option<Duration>,
    /// This transaction's Rc (sends over UDP); `None` takes [`TransactionConfig::rc`].
    pub max_sends: Option<u32>,
}

impl Request {
    /// A request over UDP to `destination`, paced by the [`TransactionConfig`].
    #[must_use]
    pub const fn new(transaction_id: TransactionId, destination: SocketAddr) -> Self {
        Self {
            transaction_id,
            destination,
            transport: Transport::Udp,
            source: None,
            rto: None,
            max_sends: None,
        }
    }

    /// Over another transport.
    #[must_use]
    pub const fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// Sent from this local address.
    #[must_use]
    pub const fn source(mut self, source: SocketAddr) -> Self {
        self.source = Some(source);
        self
    }

    /// With its own initial RTO (at least 1 ms is used).
    #[must_use]
    pub const fn rto(mut self, rto: Duration) -> Self {
        self.rto = Some(rto);
        self
    }

    /// With its own Rc (at least one send is always made).
    #[must_use]
    pub const fn max_sends(mut self, rc: u32) -> Self {
        self.max_sends = Some(rc);
        self
    }
}

/// Something that happened to a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransactionEvent<T> {
    /// No response arrived in time (RFC 8489 §6.2.1, §6.2.2).
    TimedOut {
        /// The transaction.
        transaction_id: TransactionId,
        /// Where its request went.
        destination: SocketAddr,
        /// The caller data it was started with.
        data: T,
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

/// A heap entry: deadline, then the transaction's serial and id.
type Entry = (Instant, u64, TransactionId);

#[derive(Debug)]
struct Transaction<T> {
    /// Unique per transaction started: heap and queue entries name it, so an entry left by
    /// an ended transaction never passes for a new one that reuses its id.
    serial: u64,
    request: Request,
    contents: Bytes,
    /// Whether a send is owed (then the id is in the send queue once).
    transmit_pending: bool,
    sends: u32,
    /// When the next send or the final timeout is due (the heap holds this instant).
    next: Instant,
    /// Current retransmission interval.
    interval: Duration,
    /// This transaction's RTO and Rc.
    rto: Duration,
    rc: u32,
    data: T,
}

/// The client transactions of one agent, with caller data `T` per transaction.
///
/// # Integrity and matching
/// Where the request was protected, verify the response's integrity *before* calling
/// [`handle_response`](Self::handle_response) (RFC 8489 §9.1.4, §9.2.5): a reply that fails
/// verification must be dropped and must not stop retransmission, or anyone on the path could
/// end the transaction with a forged reply. [`is_pending`](Self::is_pending),
/// [`request`](Self::request) and [`data`](Self::data) let the caller match a message to its
/// transaction first, then verify it (with [`Message::verify_integrity_as`] and the request's
/// [`Message::integrity_kind`]), then end the transaction.
///
/// # Cost
/// Built for an ICE agent running thousands of checks a second. Deadlines sit in a binary heap
/// (stale entries of ended transactions are skipped when they surface and compacted away when
/// they outnumber the live ones), so [`poll_timeout`](Self::poll_timeout) is O(1),
/// [`handle_timeout`](Self::handle_timeout) costs O(k log n) for k due timers and nothing when
/// none is due, and ending a transaction never rescans the others. Sends owed are found by a
/// cursor over the dense array ([`poll_transmit`](Self::poll_transmit) is O(1) when nothing
/// is owed, and draining k sends costs O(n + k) in all); a lookup by transaction id is O(1)
/// (a hash index over the ids). A retransmission hands out the same [`Bytes`] again, without
/// copying. Request buffers of ended transactions are kept, with their reference-count
/// headers, and reused by [`start_from_slice`](Self::start_from_slice): once warm, a
/// transaction started that way allocates nothing. A `Vec` passed to [`start`](Self::start)
/// costs one small allocation (the header its [`Bytes`] needs).
#[derive(Debug)]
pub struct ClientTransactions<T = ()> {
    config: TransactionConfig,
    /// Transaction ids, index for index with `live`.
    tids: SmallVec<[TransactionId; 1]>,
    /// Positions in `tids` by id.
    index: TidIndex,
    /// The first transaction is kept inline: a client with one request at a time (an ICE
    /// agent's paced checks, a TURN client) allocates no table for them.
    live: SmallVec<[Transaction<T>; 1]>,
    /// Deadlines: one current entry per live transaction, plus stale ones.
    deadlines: BinaryHeap<Reverse<Entry>>,
    /// How many of `live` have `transmit_pending`.
    pending: usize,
    /// No transaction before this index has `transmit_pending`.
    pending_from: usize,
    /// The next transaction's serial.
    serial: u64,
    events: VecDeque<TransactionEvent<T>>,
    /// Request buffers of ended transactions, cleared, kept for reuse (at most
    /// `max_in_flight`). Once shared (see [`shared_buffer`]) a buffer keeps its reference
    /// count header across uses, so a warm transaction allocates nothing.
    spare: Vec<BytesMut>,
}

impl<T> ClientTransactions<T> {
    /// No transaction yet. An RTO below 1 ms is raised to 1 ms, so timers always advance.
    #[must_use]
    pub fn new(mut config: TransactionConfig) -> Self {
        config.rto = config.rto.max(Duration::from_millis(1));
        Self {
            config,
            tids: SmallVec::new(),
            index: TidIndex::default(),
            live: SmallVec::new(),
            deadlines: BinaryHeap::new(),
            pending: 0,
            pending_from: 0,
            serial: 0,
            events: VecDeque::new(),
            spare: Vec::new(),
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &TransactionConfig {
        &self.config
    }

    /// Starts a transaction for an encoded request, with caller data; its first send is
    /// ready at once.
    ///
    /// # Errors
    /// [`TransactionError::Duplicate`] or [`TransactionError::TooMany`]; `data` is dropped.
    pub fn start(
        &mut self,
        now: Instant,
        request: Request,
        contents: impl Into<Bytes>,
        data: T,
    ) -> Result<(), TransactionError> {
        self.check_start(request.transaction_id)?;
        self.push(now, request, contents.into(), data);
        Ok(())
    }

    /// [`start`](Self::start) with the request copied into a buffer kept from an ended
    /// transaction.
    ///
    /// ```
    /// use std::time::Instant;
    /// use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig};
    /// use floe_stun::TransactionId;
    /// let now = Instant::now();
    /// let mut tx = ClientTransactions::new(TransactionConfig::default());
    /// let tid = TransactionId::from_bytes([1; 12]);
    /// let to = "192.0.2.1:3478".parse().unwrap();
    /// tx.start_from_slice(now, Request::new(tid, to), b"request", 7u32).unwrap();
    /// assert_eq!(tx.request(&tid), Some(&b"request"[..]));
    /// assert_eq!(tx.cancel(&tid), Some(7)); // its buffer is kept for the next transaction
    /// ```
    ///
    /// # Errors
    /// [`TransactionError::Duplicate`] or [`TransactionError::TooMany`].
    pub fn start_from_slice(
        &mut self,
        now: Instant,
        request: Request,
        contents: &[u8],
        data: T,
    ) -> Result<(), TransactionError> {
        self.check_start(request.transaction_id)?;
        let mut buf = self.spare.pop().unwrap_or_else(shared_buffer);
        buf.extend_from_slice(contents);
        self.push(now, request, buf.freeze(), data);
        Ok(())
    }

    /// An empty buffer, reused from an ended transaction when one is kept: encode a request
    /// into it and pass it to [`start`](Self::start).
    ///
    /// ```
    /// use std::time::Instant;
    /// use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig};
    /// use floe_stun::{Class, MessageBuilder, MessageType, Method, TransactionId};
    /// let mut tx = ClientTransactions::<()>::new(TransactionConfig::default());
    /// let tid = TransactionId::from_bytes([2; 12]);
    /// let mut buf = tx.recycled_buffer();
    /// MessageBuilder::new(&mut buf, MessageType::new(Method::BINDING, Class::Request), tid)
    ///     .finish().unwrap();
    /// let to = "192.0.2.1:3478".parse().unwrap();
    /// tx.start(Instant::now(), Request::new(tid, to), buf, ()).unwrap();
    /// ```
    #[must_use]
    pub fn recycled_buffer(&mut self) -> Vec<u8> {
        self.spare.pop().map(Vec::from).unwrap_or_default()
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

    fn push(&mut self, now: Instant, request: Request, contents: Bytes, data: T) {
        let c = &self.config;
        let rto = request
            .rto
            .map_or(c.rto, |r| r.max(Duration::from_millis(1)));
        let rc = request.max_sends.unwrap_or(c.rc);
        let next = if request.transport.is_reliable() {
            later(now, c.reliable_timeout)
        } else if rc <= 1 {
            later(now, rto.saturating_mul(c.rm))
        } else {
            later(now, rto)
        };
        let tid = request.transaction_id;
        let serial = self.serial;
        self.serial += 1;
        self.tids.push(tid);
        self.index.insert(&self.tids, self.tids.len() - 1);
        self.live.push(Transaction {
            serial,
            request,
            contents,
            transmit_pending: true,
            sends: 1,
            next,
            interval: rto,
            rto,
            rc,
            data,
        });
        if self.pending == 0 {
            // Nothing before the new transaction is pending: poll_transmit starts at it.
            self.pending_from = self.live.len() - 1;
        }
        self.pending += 1;
        self.deadlines.push(Reverse((next, serial, tid)));
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
        self.index(tid).is_some()
    }

    /// The request bytes of a transaction in flight (e.g. to learn which integrity mechanism
    /// protected it, with [`Message::integrity_kind`]).
    #[must_use]
    pub fn request(&self, tid: &TransactionId) -> Option<&[u8]> {
        let i = self.index(tid)?;
        Some(&self.live[i].contents)
    }

    /// Where the request of a transaction in flight goes, and how.
    #[must_use]
    pub fn target(&self, tid: &TransactionId) -> Option<&Request> {
        let i = self.index(tid)?;
        Some(&self.live[i].request)
    }

    /// The caller data of a transaction in flight.
    #[must_use]
    pub fn data(&self, tid: &TransactionId) -> Option<&T> {
        let i = self.index(tid)?;
        Some(&self.live[i].data)
    }

    /// The caller data of a transaction in flight, to change.
    #[must_use]
    pub fn data_mut(&mut self, tid: &TransactionId) -> Option<&mut T> {
        let i = self.index(tid)?;
        Some(&mut self.live[i].data)
    }

    /// The transactions in flight: id and caller data, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&TransactionId, &T)> {
        self.tids.iter().zip(self.live.iter().map(|t| &t.data))
    }

    fn index(&self, tid: &TransactionId) -> Option<usize> {
        self.index.find(&self.tids, tid)
    }

    /// Matches a received message: when it is a response (success or error) to a transaction
    /// in flight, that transaction ends and its caller data comes back. Other messages give
    /// `None`.
    ///
    /// **Verify first.** This matches by transaction id only. Where the request carried
    /// MESSAGE-INTEGRITY(-SHA256), check the response's integrity (with the request's
    /// mechanism, [`Message::verify_integrity_as`]) *before* calling this, and do not call it
    /// when the check fails: a reply that fails verification must not stop retransmission
    /// (RFC 8489 §9.1.4, §9.2.5). Use [`is_pending`](Self::is_pending) to match before
    /// verifying. (401 and 438 error responses may come unprotected, §9.2.5.)
    pub fn handle_response(&mut self, msg: &Message<'_>) -> Option<T> {
        if !msg.class().is_response() {
            return None;
        }
        self.cancel(msg.transaction_id())
    }

    /// Ends a transaction without an event (e.g. the application gave up, or its response
    /// was handled by other means). Returns its caller data when it was in flight.
    pub fn cancel(&mut self, tid: &TransactionId) -> Option<T> {
        let i = self.index(tid)?;
        let serial = self.live[i].serial;
        let data = self.remove(i);
        // Only this transaction's entry went stale: the heap top needs a look only when it is
        // that entry.
        if self
            .deadlines
            .peek()
            .is_some_and(|Reverse((_, top, _))| *top == serial)
        {
            self.deadlines.pop();
            self.tidy();
        } else {
            self.compact();
        }
        Some(data)
    }

    /// Sends a transaction's request no more, but keeps waiting for its response until the
    /// next send would have been due, then times it out as usual. ICE does this to a check
    /// that a triggered check replaces (RFC 8445 §7.3.1.4). Whether it was in flight.
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig, TransactionEvent};
    /// # use floe_stun::TransactionId;
    /// let t0 = Instant::now();
    /// let mut tx = ClientTransactions::<()>::new(TransactionConfig::default());
    /// let tid = TransactionId::from_bytes([7; 12]);
    /// let to = "127.0.0.1:3478".parse().unwrap();
    /// tx.start(t0, Request::new(tid, to), vec![0; 20], ()).unwrap();
    /// assert!(tx.poll_transmit().is_some());
    /// assert!(tx.stop_retransmitting(&tid));
    /// let due = tx.poll_timeout().unwrap();
    /// tx.handle_timeout(due);
    /// assert!(tx.poll_transmit().is_none());
    /// assert!(matches!(tx.poll_event(), Some(TransactionEvent::TimedOut { .. })));
    /// ```
    pub fn stop_retransmitting(&mut self, tid: &TransactionId) -> bool {
        let Some(i) = self.index(tid) else {
            return false;
        };
        let t = &mut self.live[i];
        t.rc = t.sends;
        true
    }

    /// Ends every transaction without events, in no particular order, and hands back their
    /// caller data.
    pub fn cancel_all(&mut self) -> Vec<(TransactionId, T)> {
        let mut out = Vec::with_capacity(self.live.len());
        while let Some(&tid) = self.tids.last() {
            let data = self.remove(self.tids.len() - 1);
            out.push((tid, data));
        }
        self.deadlines.clear();
        out
    }

    /// Removes transaction `i` (swapping the last one into its place), keeps its buffer and
    /// returns its data. Its deadline and queued send become stale.
    fn remove(&mut self, i: usize) -> T {
        self.index.remove(&self.tids, i);
        self.tids.swap_remove(i);
        let t = self.live.swap_remove(i);
        if t.transmit_pending {
            self.pending -= 1;
        }
        // The transaction moved into `i` may be pending.
        self.pending_from = self.pending_from.min(i);
        if self.spare.len() < self.config.max_in_flight
            && let Ok(mut buf) = t.contents.try_into_mut()
        {
            buf.clear();
            self.spare.push(buf);
        }
        t.data
    }

    /// Position of the live transaction an entry names, if it is still that one.
    fn find(&self, serial: u64, tid: &TransactionId) -> Option<usize> {
        self.index(tid).filter(|&i| self.live[i].serial == serial)
    }

    /// Drops stale deadlines from the top of the heap, so that [`Self::poll_timeout`] is exact,
    /// and compacts the heap and the send queue when stale entries outnumber live ones.
    fn tidy(&mut self) {
        while let Some(&Reverse((at, serial, tid))) = self.deadlines.peek() {
            if self
                .find(serial, &tid)
                .is_some_and(|i| self.live[i].next == at)
            {
                break;
            }
            self.deadlines.pop();
        }
        self.compact();
    }

    /// Compacts the heap and the send queue when stale entries outnumber live ones.
    fn compact(&mut self) {
        let bound = 2 * self.live.len() + 64;
        if self.deadlines.len() > bound {
            let (index, tids, live) = (&self.index, &self.tids, &self.live);
            self.deadlines.retain(|Reverse((at, serial, tid))| {
                index
                    .find(tids, tid)
                    .is_some_and(|i| live[i].serial == *serial && live[i].next == *at)
            });
        }
    }

    /// Advances time: schedules due retransmissions and times out expired transactions.
    pub fn handle_timeout(&mut self, now: Instant) {
        let c = self.config;
        while let Some(&Reverse((at, serial, tid))) = self.deadlines.peek() {
            if at > now {
                break;
            }
            self.deadlines.pop();
            let Some(i) = self.find(serial, &tid) else {
                continue;
            };
            let t = &mut self.live[i];
            if t.next != at {
                continue;
            }
            let mut timed_out = t.request.transport.is_reliable() || t.sends >= t.rc.max(1);
            if !timed_out {
                if !t.transmit_pending {
                    t.transmit_pending = true;
                    self.pending += 1;
                    self.pending_from = self.pending_from.min(i);
                }
                t.sends += 1;
                t.interval = t.interval.saturating_mul(2);
                t.next = if t.sends >= t.rc {
                    later(at, t.rto.saturating_mul(c.rm))
                } else {
                    later(at, t.interval)
                };
                // The end of representable time: no later send can be scheduled, so give up
                // now rather than resend up to Rc times without time passing.
                timed_out = t.next <= at;
            }
            if timed_out {
                let destination = t.request.destination;
                let data = self.remove(i);
                self.events.push_back(TransactionEvent::TimedOut {
                    transaction_id: tid,
                    destination,
                    data,
                });
            } else {
                let next = t.next;
                self.deadlines.push(Reverse((next, serial, tid)));
            }
        }
        self.tidy();
    }

    /// The next request to send, if any: the same bytes (by reference count) at every
    /// retransmission.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
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
            transport: t.request.transport,
            source: t.request.source,
            destination: t.request.destination,
            contents: t.contents.clone(),
        })
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.peek().map(|Reverse((at, ..))| *at)
    }

    /// The next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<TransactionEvent<T>> {
        self.events.pop_front()
    }
}

/// A new request buffer already in the reference-counted form `Bytes` hands out by clone:
/// splitting a fresh `BytesMut` moves it there once (one small allocation), after which
/// freezing it, cloning the `Bytes` and taking it back with `try_into_mut` allocate nothing.
fn shared_buffer() -> BytesMut {
    let mut buf = BytesMut::with_capacity(256);
    drop(buf.split_off(0));
    buf
}

/// `t + d`, saturating far in the future instead of panicking when a configured duration is
/// absurdly large; `t` itself when even that cannot be represented (the caller then gives up).
fn later(t: Instant, d: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    t.checked_add(d.min(FAR)).unwrap_or(t)
}

#[cfg(test)]
mod tests;
