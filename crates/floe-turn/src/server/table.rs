//! The allocation table: every allocation boxed in a slot of a slab, found by one probe of an
//! index keyed for the direction of the traffic (RFC 8656 §2.2, §5): by 5-tuple for what a
//! client sends, by relayed address for what a peer sends.
//!
//! Each index is an open-addressing table of slot numbers (4 bytes a bucket, at most half
//! full, linear probing, backward-shift deletion); the key itself is read from the slot, so
//! an index costs no copy of it. The hash is a keyed multiply-fold over the address bits,
//! with keys drawn from the server's seeded CSPRNG. It is not a cryptographic PRF, unlike
//! the SipHash of [`crate::hash`]: the relay path runs it per datagram, and only
//! authenticated clients, within their quotas, can add keys to these tables, so a
//! collision-crafting peer or stranger can lengthen no probe sequence, only look up.

use core::net::{IpAddr, SocketAddr};

use rand::Rng;

use super::allocation::Allocation;
use crate::hash::ip_bits;
use crate::types::{FiveTuple, Transport};

/// Marks an empty bucket.
const EMPTY: u32 = u32::MAX;
/// The smallest index: 16 buckets.
const MIN_BUCKETS: usize = 16;
/// The bit of a relay-index entry that says the key is the slot's additional address.
const ADDITIONAL: u32 = 1 << 31;
/// Slots beyond this cannot be named in the relay index (the top bit is the tag above).
const MAX_SLOTS: usize = (ADDITIONAL - 1) as usize;

/// The keys of the index hash.
#[derive(Debug, Clone, Copy)]
struct HashKeys([u64; 6]);

/// 64 × 64 → 128-bit multiply, halves folded together.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the two halves, on purpose"
    )]
    let (lo, hi) = (p as u64, (p >> 64) as u64);
    lo ^ hi
}

/// The two 64-bit halves of an IP address (IPv4 as IPv4-mapped IPv6).
#[inline]
fn ip_words(ip: &IpAddr) -> (u64, u64) {
    let bits = ip_bits(ip);
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the two halves, on purpose"
    )]
    let halves = ((bits >> 64) as u64, bits as u64);
    halves
}

#[inline]
fn transport_bits(t: Transport) -> u64 {
    match t {
        Transport::Udp => 1,
        Transport::Tcp => 2,
        _ => 3,
    }
}

impl HashKeys {
    fn from_rng<R: Rng + ?Sized>(rng: &mut R) -> Self {
        // Odd multipliers keep every key bit in play.
        Self(core::array::from_fn(|_| rng.next_u64() | 1))
    }

    /// A relayed transport address.
    #[inline]
    fn relay(&self, a: &SocketAddr) -> u64 {
        let k = &self.0;
        let (hi, lo) = ip_words(&a.ip());
        let h = fold(hi ^ k[0], lo ^ k[1]);
        fold(h ^ u64::from(a.port()) ^ k[2], k[3])
    }

    /// A client's 5-tuple.
    #[inline]
    fn five_tuple(&self, ft: &FiveTuple) -> u64 {
        let k = &self.0;
        let (rhi, rlo) = ip_words(&ft.remote.ip());
        let (lhi, llo) = ip_words(&ft.local.ip());
        let ports = u64::from(ft.remote.port())
            | u64::from(ft.local.port()) << 16
            | transport_bits(ft.transport) << 32;
        let h = fold(rhi ^ k[0], rlo ^ k[1]) ^ fold(lhi ^ k[2], llo ^ k[4]);
        fold(h ^ ports ^ k[5], k[3])
    }
}

/// An open-addressing index of slot numbers. It stores no keys: the caller says which slot
/// matches and how to hash the slot's key when entries move.
#[derive(Debug, Default)]
struct Index {
    buckets: Vec<u32>,
    len: usize,
}

impl Index {
    #[inline]
    fn mask(&self) -> usize {
        self.buckets.len().wrapping_sub(1)
    }

    #[inline]
    #[allow(clippy::cast_possible_truncation, reason = "masked to the table size")]
    fn home(&self, hash: u64) -> usize {
        (hash as usize) & self.mask()
    }

    /// The entry with `hash` for which `is` holds.
    #[inline]
    fn find(&self, hash: u64, mut is: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.buckets.is_empty() {
            return None;
        }
        let mut i = self.home(hash);
        loop {
            let e = *self.buckets.get(i)?;
            if e == EMPTY {
                return None;
            }
            if is(e) {
                return Some(e);
            }
            i = (i + 1) & self.mask();
        }
    }

    /// Adds `entry` (not present) under `hash`; `rehash` gives any entry's hash, for growth.
    fn insert(&mut self, hash: u64, entry: u32, rehash: &impl Fn(u32) -> u64) {
        if (self.len + 1) * 2 > self.buckets.len() {
            self.grow(rehash);
        }
        let mut i = self.home(hash);
        while self.buckets[i] != EMPTY {
            i = (i + 1) & self.mask();
        }
        self.buckets[i] = entry;
        self.len += 1;
    }

    fn grow(&mut self, rehash: &impl Fn(u32) -> u64) {
        let size = (self.buckets.len() * 2).max(MIN_BUCKETS);
        let old = core::mem::replace(&mut self.buckets, vec![EMPTY; size]);
        for e in old.into_iter().filter(|e| *e != EMPTY) {
            let mut i = self.home(rehash(e));
            while self.buckets[i] != EMPTY {
                i = (i + 1) & self.mask();
            }
            self.buckets[i] = e;
        }
    }

    /// Removes `entry`, stored under `hash`, closing the gap by shifting later entries of the
    /// probe run back.
    fn remove(&mut self, hash: u64, entry: u32, rehash: &impl Fn(u32) -> u64) {
        if self.buckets.is_empty() {
            return;
        }
        let mask = self.mask();
        let mut i = self.home(hash);
        loop {
            match self.buckets[i] {
                EMPTY => return,
                e if e == entry => break,
                _ => i = (i + 1) & mask,
            }
        }
        self.len -= 1;
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let e = self.buckets[j];
            if e == EMPTY {
                break;
            }
            // Move `e` into the hole at `i` unless its home lies cyclically in (i, j].
            let home = self.home(rehash(e));
            let stays = if i <= j {
                i < home && home <= j
            } else {
                i < home || home <= j
            };
            if !stays {
                self.buckets[i] = e;
                i = j;
            }
        }
        self.buckets[i] = EMPTY;
    }

    fn heap_bytes(&self) -> usize {
        self.buckets.capacity() * size_of::<u32>()
    }
}

/// Live allocations, found by 5-tuple or by relayed address.
#[derive(Debug)]
pub(super) struct Allocations {
    slots: Vec<Option<Box<Allocation>>>,
    /// Empty slots, reused first.
    free: Vec<u32>,
    len: usize,
    keys: HashKeys,
    /// Slot numbers by the allocation's 5-tuple.
    by_client: Index,
    /// Slot numbers by relayed address; [`ADDITIONAL`] set for the additional address.
    by_relay: Index,
}

impl Allocations {
    /// An empty table with hash keys from `rng`.
    pub(super) fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            keys: HashKeys::from_rng(rng),
            by_client: Index::default(),
            by_relay: Index::default(),
        }
    }

    /// Live allocations.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn slot(&self, n: u32) -> Option<&Allocation> {
        self.slots.get(n as usize)?.as_deref()
    }

    /// The relayed address a relay-index entry names.
    #[inline]
    fn relay_of(&self, entry: u32) -> Option<SocketAddr> {
        let a = self.slot(entry & !ADDITIONAL)?;
        if entry & ADDITIONAL == 0 {
            Some(a.relayed)
        } else {
            a.additional
        }
    }

    #[inline]
    fn find_client(&self, ft: &FiveTuple) -> Option<u32> {
        let hash = self.keys.five_tuple(ft);
        self.by_client
            .find(hash, |n| self.slot(n).is_some_and(|a| a.five_tuple == *ft))
    }

    /// The allocation of `ft`.
    #[inline]
    pub(super) fn get(&self, ft: &FiveTuple) -> Option<&Allocation> {
        self.slot(self.find_client(ft)?)
    }

    /// The allocation of `ft`, to change. Its 5-tuple and relayed addresses must not change.
    pub(super) fn get_mut(&mut self, ft: &FiveTuple) -> Option<&mut Allocation> {
        let n = self.find_client(ft)?;
        self.slots.get_mut(n as usize)?.as_deref_mut()
    }

    /// Whether `ft` has an allocation.
    pub(super) fn contains_key(&self, ft: &FiveTuple) -> bool {
        self.find_client(ft).is_some()
    }

    /// The allocation relaying on `relay` (its relayed or its additional address).
    #[inline]
    pub(super) fn by_relay(&self, relay: &SocketAddr) -> Option<&Allocation> {
        let hash = self.keys.relay(relay);
        let entry = self
            .by_relay
            .find(hash, |e| self.relay_of(e) == Some(*relay))?;
        self.slot(entry & !ADDITIONAL)
    }

    /// The allocation in slot `slot`.
    pub(super) fn at(&self, slot: u32) -> Option<&Allocation> {
        self.slot(slot)
    }

    /// The slot and allocation of `ft`.
    pub(super) fn slot_of(&self, ft: &FiveTuple) -> Option<(u32, &Allocation)> {
        let n = self.find_client(ft)?;
        Some((n, self.slot(n)?))
    }

    /// Every live allocation with its slot.
    pub(super) fn slots(&self) -> impl Iterator<Item = (u32, &Allocation)> {
        self.slots.iter().enumerate().filter_map(|(n, a)| {
            let n = u32::try_from(n).ok()?;
            Some((n, a.as_deref()?))
        })
    }

    /// Adds `alloc`, whose 5-tuple and relayed addresses must be free (the server checks):
    /// its slot, or `None` (and nothing added) when they are not, or the table is full.
    pub(super) fn insert(&mut self, alloc: Allocation) -> Option<u32> {
        let taken = |a: &SocketAddr| self.by_relay(a).is_some();
        if self.contains_key(&alloc.five_tuple)
            || taken(&alloc.relayed)
            || alloc.additional.as_ref().is_some_and(taken)
            || alloc.additional == Some(alloc.relayed)
        {
            return None;
        }
        let n = match self.free.pop() {
            Some(n) => n,
            None if self.slots.len() < MAX_SLOTS => {
                self.slots.push(None);
                #[allow(clippy::cast_possible_truncation, reason = "below MAX_SLOTS")]
                let n = (self.slots.len() - 1) as u32;
                n
            }
            None => return None,
        };
        let (client_hash, relay_hash) = (
            self.keys.five_tuple(&alloc.five_tuple),
            self.keys.relay(&alloc.relayed),
        );
        let additional = alloc.additional.map(|a| self.keys.relay(&a));
        self.slots[n as usize] = Some(Box::new(alloc));
        self.len += 1;
        let (slots, keys) = (&self.slots, self.keys);
        let client_rehash = |e: u32| {
            let a = slots.get(e as usize).and_then(Option::as_deref);
            a.map_or(0, |a| keys.five_tuple(&a.five_tuple))
        };
        self.by_client.insert(client_hash, n, &client_rehash);
        let relay_rehash = |e: u32| relay_hash_of(slots, keys, e);
        self.by_relay.insert(relay_hash, n, &relay_rehash);
        if let Some(h) = additional {
            self.by_relay.insert(h, n | ADDITIONAL, &relay_rehash);
        }
        Some(n)
    }

    /// Removes the allocation of `ft`.
    pub(super) fn remove(&mut self, ft: &FiveTuple) -> Option<Allocation> {
        let n = self.find_client(ft)?;
        let (slots, keys) = (&self.slots, self.keys);
        let alloc = slots.get(n as usize)?.as_deref()?;
        let client_rehash = |e: u32| {
            let a = slots.get(e as usize).and_then(Option::as_deref);
            a.map_or(0, |a| keys.five_tuple(&a.five_tuple))
        };
        self.by_client
            .remove(keys.five_tuple(ft), n, &client_rehash);
        let relay_rehash = |e: u32| relay_hash_of(slots, keys, e);
        self.by_relay
            .remove(keys.relay(&alloc.relayed), n, &relay_rehash);
        if let Some(extra) = alloc.additional {
            self.by_relay
                .remove(keys.relay(&extra), n | ADDITIONAL, &relay_rehash);
        }
        let alloc = self.slots.get_mut(n as usize)?.take()?;
        self.free.push(n);
        self.len -= 1;
        Some(*alloc)
    }

    /// Every live allocation.
    pub(super) fn values(&self) -> impl Iterator<Item = &Allocation> {
        self.slots.iter().filter_map(Option::as_deref)
    }

    /// Heap bytes: the slab, the free list, both indexes and each allocation's box and heap.
    pub(super) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * size_of::<Option<Box<Allocation>>>()
            + self.free.capacity() * size_of::<u32>()
            + self.by_client.heap_bytes()
            + self.by_relay.heap_bytes()
            + self
                .values()
                .map(|a| size_of::<Allocation>() + a.heap_bytes())
                .sum::<usize>()
    }
}

/// The hash of the relayed address a relay-index entry names.
fn relay_hash_of(slots: &[Option<Box<Allocation>>], keys: HashKeys, entry: u32) -> u64 {
    let Some(a) = slots
        .get((entry & !ADDITIONAL) as usize)
        .and_then(Option::as_deref)
    else {
        return 0;
    };
    let addr = if entry & ADDITIONAL == 0 {
        Some(a.relayed)
    } else {
        a.additional
    };
    addr.map_or(0, |r| keys.relay(&r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> HashKeys {
        HashKeys::from_rng(&mut crate::rng::from_seed(Some([3; 32])))
    }

    /// Entries whose hash is their value's low bits: every collision is chosen.
    fn colliding(e: u32) -> u64 {
        u64::from(e % 4)
    }

    #[test]
    fn index_finds_inserts_and_removes_through_collisions() {
        let mut ix = Index::default();
        for e in 0..100u32 {
            ix.insert(colliding(e), e, &colliding);
        }
        assert!(ix.buckets.len() >= 200);
        for e in 0..100u32 {
            assert_eq!(ix.find(colliding(e), |x| x == e), Some(e));
        }
        for e in (0..100u32).filter(|e| e % 3 == 0) {
            ix.remove(colliding(e), e, &colliding);
        }
        for e in 0..100u32 {
            let want = (e % 3 != 0).then_some(e);
            assert_eq!(ix.find(colliding(e), |x| x == e), want, "{e}");
        }
        assert_eq!(ix.len, 66);
        // Removing what is not there changes nothing.
        ix.remove(colliding(0), 0, &colliding);
        assert_eq!(ix.len, 66);
    }

    #[test]
    fn index_wraps_around_the_end() {
        let mut ix = Index::default();
        let last = |_: u32| 15u64;
        for e in 0..5u32 {
            ix.insert(15, e, &last);
        }
        ix.remove(15, 0, &last);
        for e in 1..5u32 {
            assert_eq!(ix.find(15, |x| x == e), Some(e));
        }
        assert_eq!(ix.find(15, |x| x == 0), None);
    }

    #[test]
    fn hashes_tell_families_ports_and_transports_apart() {
        let k = keys();
        let v4: SocketAddr = "192.0.2.1:3478".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:192.0.2.1]:3478".parse().unwrap();
        // IPv4 and its mapped form are one address, as in `hash::AddrKey`.
        assert_eq!(k.relay(&v4), k.relay(&mapped));
        let other: SocketAddr = "192.0.2.1:3479".parse().unwrap();
        assert_ne!(k.relay(&v4), k.relay(&other));
        let ft = FiveTuple {
            transport: Transport::Udp,
            local: v4,
            remote: "198.51.100.1:5000".parse().unwrap(),
        };
        let tcp = FiveTuple {
            transport: Transport::Tcp,
            ..ft
        };
        let swapped = FiveTuple {
            local: ft.remote,
            remote: ft.local,
            ..ft
        };
        assert_ne!(k.five_tuple(&ft), k.five_tuple(&tcp));
        assert_ne!(k.five_tuple(&ft), k.five_tuple(&swapped));
    }
}
