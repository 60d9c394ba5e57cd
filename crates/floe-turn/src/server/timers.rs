//! The server's deadlines in one ordered structure: allocation lifetimes (RFC 8656 §3.2,
//! §7), permissions (§9), channel bindings and their hold-down (§12), pending Allocates
//! ([`ServerConfig::relay_request_timeout`](super::ServerConfig)) and peer connections
//! waiting for ConnectionBind (RFC 6062 §5.3).
//!
//! A binary min-heap of `(deadline, key)` with lazy deletion. A change of state never
//! searches the heap: a refresh pushes a new entry, and a removal leaves its entries behind.
//! An entry is *current* while the state its key names still has exactly that deadline
//! ([`Server::deadline_of`]); stale entries are dropped when they reach the top, and the
//! whole heap is rebuilt from the state when stale entries exceed 2 × live +
//! [`COMPACTION_SLACK`], so a client refreshing in a loop cannot grow it without bound.
//!
//! After every `&mut` entry point the top is current ([`Server::settle_timers`]), which makes
//! [`Server::poll_timeout`] an O(1) peek. [`Server::handle_timeout`] pops only due entries:
//! O(1) when nothing is due, O(k log n) to expire k things.
//!
//! An entry is 16 bytes: its instant as nanoseconds since the server's epoch, and its key
//! packed into 64 bits (an allocation is named by its slot in the allocation table).
//!
//! An allocation has one live entry, at the earliest of its own expiry, its permissions'
//! expiry and its channels' hold-down ends ([`Allocation::next_deadline`]), rather than one
//! per permission and channel: the quotas allow 64 of each per allocation, an entry per
//! child would have to name both the allocation and the peer, and finding the due children
//! is a scan of the allocation's two short lists, which the relay path does per packet
//! anyway. A channel's own expiry needs no timer: the relay path checks it per packet, and
//! the binding stays in the table, unusable, until its hold-down ends.

use core::cmp::Reverse;
use core::time::Duration;
use std::collections::BinaryHeap;
use std::time::Instant;

use super::allocation::Allocation;
use super::tcp::{TcpCloseReason, TcpConnState};
use super::{RelayRequestId, ReleaseReason, Server};
use crate::auth::CredentialLookup;
use crate::types::FiveTuple;

/// Stale entries tolerated beyond twice the live ones before the heap is rebuilt.
pub(super) const COMPACTION_SLACK: usize = 64;

/// What a deadline belongs to. Kept small: the heap holds one or two per allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TimerKey {
    /// The [`Allocation::next_deadline`] of the allocation in this slot of the allocation
    /// table: its expiry (RFC 8656 §3.2), a permission's (§9) or the end of a channel's
    /// hold-down (§12). A slot reused by a later allocation is harmless: an entry acts only
    /// when its instant is that allocation's deadline, which is then due anyway.
    Allocation(u32),
    /// A pending Allocate that gets no relay socket in time.
    RelayRequest(RelayRequestId),
    /// A peer connection waiting for ConnectionBind (RFC 6062 §5.3: 30 s).
    ConnectionBind(u32),
}

/// Tag of a packed key (top two bits) and the value bits below it.
const TAG_SHIFT: u32 = 62;
const VALUE_MASK: u64 = (1 << TAG_SHIFT) - 1;

impl TimerKey {
    /// The key in 64 bits: a 2-bit tag and the value. Relay request ids are a counter from
    /// 1, so they never reach 2^62.
    fn pack(self) -> u64 {
        match self {
            Self::Allocation(slot) => u64::from(slot),
            Self::RelayRequest(RelayRequestId(id)) => 1 << TAG_SHIFT | (id & VALUE_MASK),
            Self::ConnectionBind(id) => 2 << TAG_SHIFT | u64::from(id),
        }
    }

    #[allow(clippy::cast_possible_truncation, reason = "packed from a u32")]
    fn unpack(bits: u64) -> Self {
        let value = bits & VALUE_MASK;
        match bits >> TAG_SHIFT {
            0 => Self::Allocation(value as u32),
            1 => Self::RelayRequest(RelayRequestId(value)),
            _ => Self::ConnectionBind(value as u32),
        }
    }
}

/// One heap entry, ordered by its deadline alone (simultaneous deadlines fire in the heap's
/// order, which depends only on the sequence of calls).
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Nanoseconds since the epoch.
    at: u64,
    /// [`TimerKey::pack`].
    key: u64,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

/// The deadline heap. It knows nothing of the server's state: the server decides which
/// entries are current.
#[derive(Debug)]
pub(super) struct Timers {
    heap: BinaryHeap<Reverse<Entry>>,
    /// Instants are kept as nanoseconds since this one (the server's epoch); earlier ones
    /// count as the epoch itself.
    epoch: Instant,
}

impl Timers {
    /// An empty heap counting from `epoch`.
    pub(super) fn new(epoch: Instant) -> Self {
        Self {
            heap: BinaryHeap::new(),
            epoch,
        }
    }

    /// `at` as nanoseconds since the epoch (saturating at both ends).
    pub(super) fn ticks(&self, at: Instant) -> u64 {
        let since = at.saturating_duration_since(self.epoch).as_nanos();
        u64::try_from(since).unwrap_or(u64::MAX)
    }

    /// The instant of `ticks`.
    fn instant(&self, ticks: u64) -> Instant {
        let d = Duration::from_nanos(ticks);
        self.epoch.checked_add(d).unwrap_or(self.epoch)
    }

    /// Adds a deadline.
    pub(super) fn push(&mut self, at: Instant, key: TimerKey) {
        let at = self.ticks(at);
        self.heap.push(Reverse(Entry {
            at,
            key: key.pack(),
        }));
    }

    /// The earliest entry, current or not, its instant in ticks.
    pub(super) fn peek(&self) -> Option<(u64, TimerKey)> {
        self.heap
            .peek()
            .map(|Reverse(e)| (e.at, TimerKey::unpack(e.key)))
    }

    /// Removes the earliest entry.
    pub(super) fn pop(&mut self) {
        self.heap.pop();
    }

    /// Entries held, stale ones included.
    pub(super) fn len(&self) -> usize {
        self.heap.len()
    }

    /// Heap bytes held, by capacity.
    pub(super) fn heap_bytes(&self) -> usize {
        self.heap.capacity() * size_of::<Reverse<Entry>>()
    }

    /// Replaces every entry with `live`, in a heap of exactly that size.
    fn rebuild(&mut self, live: impl Iterator<Item = (Instant, TimerKey)>) {
        let mut entries: Vec<_> = live
            .map(|(at, key)| {
                let at = self.ticks(at);
                Reverse(Entry {
                    at,
                    key: key.pack(),
                })
            })
            .collect();
        entries.shrink_to_fit();
        self.heap = BinaryHeap::from(entries);
    }
}

impl<C: CredentialLookup> Server<C> {
    /// The deadline the state named by `key` has now, `None` when it is gone (or, for a
    /// peer connection, still connecting). An entry is current when this equals its instant.
    pub(super) fn deadline_of(&self, key: &TimerKey) -> Option<Instant> {
        match key {
            TimerKey::Allocation(slot) => self.allocations.at(*slot).map(Allocation::next_deadline),
            TimerKey::RelayRequest(id) => self.pending.get(id).map(|p| p.deadline),
            TimerKey::ConnectionBind(id) => match self.tcp_conns.get(id)?.state {
                TcpConnState::AwaitingBind { deadline } => Some(deadline),
                TcpConnState::Connecting { .. } => None,
            },
        }
    }

    /// Records a deadline; rebuilds the heap from the state when stale entries exceed
    /// 2 × live + [`COMPACTION_SLACK`] (live counted from above by the tables' sizes), which
    /// keeps the cost of a push amortized O(log n).
    pub(super) fn schedule(&mut self, at: Instant, key: TimerKey) {
        self.timers.push(at, key);
        let live = self.allocations.len() + self.pending.len() + self.tcp_conns.len();
        if self.timers.len() > live.saturating_mul(3).saturating_add(COMPACTION_SLACK) {
            self.compact_timers();
        }
    }

    /// The [`Allocation::next_deadline`] of the allocation on `ft`, if there is one.
    pub(super) fn next_deadline_of(&self, ft: &FiveTuple) -> Option<Instant> {
        self.allocations.get(ft).map(Allocation::next_deadline)
    }

    /// Whether the entry `(at, key)` is current: its state still has that deadline.
    fn is_current(&self, at: u64, key: &TimerKey) -> bool {
        self.deadline_of(key).map(|d| self.timers.ticks(d)) == Some(at)
    }

    /// Schedules the allocation on `ft` again after a change, when its earliest deadline is
    /// no longer `before` (what [`Server::next_deadline_of`] gave before the change).
    pub(super) fn reschedule(&mut self, ft: FiveTuple, before: Option<Instant>) {
        let Some((slot, alloc)) = self.allocations.slot_of(&ft) else {
            return;
        };
        let at = alloc.next_deadline();
        if Some(at) != before {
            self.schedule(at, TimerKey::Allocation(slot));
        }
    }

    /// Drops stale entries from the top of the heap, so that its top is the earliest live
    /// deadline. Called at the end of every `&mut` entry point that may remove state or move
    /// a deadline.
    pub(super) fn settle_timers(&mut self) {
        while let Some((at, key)) = self.timers.peek() {
            if self.is_current(at, &key) {
                return;
            }
            self.timers.pop();
        }
    }

    /// The earliest live deadline: the top of the heap, which [`Server::settle_timers`] keeps
    /// current.
    pub(super) fn earliest_deadline(&self) -> Option<Instant> {
        let (at, key) = self.timers.peek()?;
        debug_assert!(self.is_current(at, &key), "stale timer on top: {key:?}");
        Some(self.timers.instant(at))
    }

    /// Pops the entries due at `now` and acts on the current ones.
    pub(super) fn fire_timers(&mut self, now: Instant) {
        let now_ticks = self.timers.ticks(now);
        while let Some((at, key)) = self.timers.peek()
            && at <= now_ticks
        {
            self.timers.pop();
            if !self.is_current(at, &key) {
                continue;
            }
            match key {
                TimerKey::Allocation(slot) => self.expire_allocation(slot, now),
                TimerKey::RelayRequest(id) => {
                    if let Some(p) = self.pending.remove(&id) {
                        self.release_slots(&p.username, p.five_tuple.remote.ip());
                    }
                }
                TimerKey::ConnectionBind(id) => self.close_conn(id, TcpCloseReason::BindTimeout),
            }
        }
        self.settle_timers();
    }

    /// Something of the allocation on `ft` is due: the allocation itself, or permissions and
    /// channels past their hold-down, which go while it stays.
    fn expire_allocation(&mut self, slot: u32, now: Instant) {
        let Some(ft) = self.allocations.at(slot).map(|a| a.five_tuple) else {
            return;
        };
        let Some(alloc) = self.allocations.get_mut(&ft) else {
            return;
        };
        if alloc.expires <= now {
            self.remove_allocation(&ft, ReleaseReason::Expired);
        } else {
            alloc.expire_children(now);
            let at = alloc.next_deadline();
            self.schedule(at, TimerKey::Allocation(slot));
        }
    }

    /// Rebuilds the heap from the live deadlines, dropping every stale entry.
    fn compact_timers(&mut self) {
        let allocations = self
            .allocations
            .slots()
            .map(|(slot, a)| (a.next_deadline(), TimerKey::Allocation(slot)));
        let pending = self
            .pending
            .iter()
            .map(|(id, p)| (p.deadline, TimerKey::RelayRequest(*id)));
        let conns = self.tcp_conns.iter().filter_map(|(id, c)| match c.state {
            TcpConnState::AwaitingBind { deadline } => {
                Some((deadline, TimerKey::ConnectionBind(*id)))
            }
            TcpConnState::Connecting { .. } => None,
        });
        self.timers.rebuild(allocations.chain(pending).chain(conns));
    }
}
