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
//! An allocation has one live entry, at the earliest of its own expiry, its permissions'
//! expiry and its channels' hold-down ends ([`Allocation::next_deadline`]), rather than one
//! per permission and channel: the quotas allow 64 of each per allocation, an entry per
//! child would have to name both the allocation and the peer, and finding the due children
//! is a scan of the allocation's two short lists, which the relay path does per packet
//! anyway. A channel's own expiry needs no timer: the relay path checks it per packet, and
//! the binding stays in the table, unusable, until its hold-down ends.

use core::cmp::Reverse;
use core::net::SocketAddr;
use std::collections::BinaryHeap;
use std::time::Instant;

use super::allocation::Allocation;
use super::tcp::{TcpCloseReason, TcpConnState};
use super::{RelayRequestId, ReleaseReason, Server};
use crate::auth::CredentialLookup;
use crate::hash::AddrKey;
use crate::types::FiveTuple;

/// Stale entries tolerated beyond twice the live ones before the heap is rebuilt.
pub(super) const COMPACTION_SLACK: usize = 64;

/// What a deadline belongs to. Kept small: the heap holds one or two per allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TimerKey {
    /// The [`Allocation::next_deadline`] of the allocation on this relayed address (unique
    /// among live allocations, and half the size of a 5-tuple): its expiry (RFC 8656 §3.2),
    /// a permission's (§9) or the end of a channel's hold-down (§12).
    Allocation(SocketAddr),
    /// A pending Allocate that gets no relay socket in time.
    RelayRequest(RelayRequestId),
    /// A peer connection waiting for ConnectionBind (RFC 6062 §5.3: 30 s).
    ConnectionBind(u32),
}

/// One heap entry, ordered by its deadline alone (simultaneous deadlines fire in the heap's
/// order, which depends only on the sequence of calls).
#[derive(Debug, Clone, Copy)]
struct Entry {
    at: Instant,
    key: TimerKey,
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
#[derive(Debug, Default)]
pub(super) struct Timers {
    heap: BinaryHeap<Reverse<Entry>>,
}

impl Timers {
    /// Adds a deadline.
    pub(super) fn push(&mut self, at: Instant, key: TimerKey) {
        self.heap.push(Reverse(Entry { at, key }));
    }

    /// The earliest entry, current or not.
    pub(super) fn peek(&self) -> Option<(Instant, TimerKey)> {
        self.heap.peek().map(|Reverse(e)| (e.at, e.key))
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
        let mut entries: Vec<_> = live.map(|(at, key)| Reverse(Entry { at, key })).collect();
        entries.shrink_to_fit();
        self.heap = BinaryHeap::from(entries);
    }
}

impl<C: CredentialLookup> Server<C> {
    /// The deadline the state named by `key` has now, `None` when it is gone (or, for a
    /// peer connection, still connecting). An entry is current when this equals its instant.
    pub(super) fn deadline_of(&self, key: &TimerKey) -> Option<Instant> {
        match key {
            TimerKey::Allocation(relayed) => {
                let (_, alloc) = self.allocation_on(relayed)?;
                Some(alloc.next_deadline())
            }
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

    /// The allocation whose (first) relayed address is `relayed`, with its 5-tuple.
    fn allocation_on(&self, relayed: &SocketAddr) -> Option<(FiveTuple, &Allocation)> {
        let ft = self.by_relay.get(&AddrKey(*relayed))?;
        let alloc = self.allocations.get(ft).filter(|a| a.relayed == *relayed)?;
        Some((*ft, alloc))
    }

    /// Schedules the allocation on `ft` again after a change, when its earliest deadline is
    /// no longer `before` (what [`Server::next_deadline_of`] gave before the change).
    pub(super) fn reschedule(&mut self, ft: FiveTuple, before: Option<Instant>) {
        let Some(alloc) = self.allocations.get(&ft) else {
            return;
        };
        let (at, relayed) = (alloc.next_deadline(), alloc.relayed);
        if Some(at) != before {
            self.schedule(at, TimerKey::Allocation(relayed));
        }
    }

    /// Drops stale entries from the top of the heap, so that its top is the earliest live
    /// deadline. Called at the end of every `&mut` entry point that may remove state or move
    /// a deadline.
    pub(super) fn settle_timers(&mut self) {
        while let Some((at, key)) = self.timers.peek() {
            if self.deadline_of(&key) == Some(at) {
                return;
            }
            self.timers.pop();
        }
    }

    /// The earliest live deadline: the top of the heap, which [`Server::settle_timers`] keeps
    /// current.
    pub(super) fn earliest_deadline(&self) -> Option<Instant> {
        let (at, key) = self.timers.peek()?;
        debug_assert_eq!(
            self.deadline_of(&key),
            Some(at),
            "stale timer on top: {key:?}"
        );
        Some(at)
    }

    /// Pops the entries due at `now` and acts on the current ones.
    pub(super) fn fire_timers(&mut self, now: Instant) {
        while let Some((at, key)) = self.timers.peek()
            && at <= now
        {
            self.timers.pop();
            if self.deadline_of(&key) != Some(at) {
                continue;
            }
            match key {
                TimerKey::Allocation(relayed) => self.expire_allocation(&relayed, now),
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
    fn expire_allocation(&mut self, relayed: &SocketAddr, now: Instant) {
        let Some((ft, _)) = self.allocation_on(relayed) else {
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
            self.schedule(at, TimerKey::Allocation(*relayed));
        }
    }

    /// Rebuilds the heap from the live deadlines, dropping every stale entry.
    fn compact_timers(&mut self) {
        let allocations = self
            .allocations
            .values()
            .map(|a| (a.next_deadline(), TimerKey::Allocation(a.relayed)));
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
