//! A short list kept with its first entry inline: an allocation's permissions and channels.
//!
//! Most allocations hold one permission and one channel. Kept in a `Vec`, each is a heap block
//! of its own, and every relayed datagram follows a pointer to it: with 100,000 allocations
//! those blocks are rarely in cache, so each costs a cache miss per datagram. Here the first
//! entry lives in the allocation itself and only the second and later ones go to the heap.

use std::vec::Vec;

/// The entries, in insertion order: `first`, then `rest`. `rest` is empty while `first` is
/// `None`.
#[derive(Debug, Clone)]
pub(super) struct Entries<T> {
    first: Option<T>,
    rest: Vec<T>,
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Self {
            first: None,
            rest: Vec::new(),
        }
    }
}

impl<T> Entries<T> {
    /// The entries in insertion order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(&self.rest)
    }

    /// The entries in insertion order, mutable.
    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.first.iter_mut().chain(&mut self.rest)
    }

    /// The first entry `pred` is true of. Checks the inline entry before touching the heap
    /// (cheaper than a chained iterator on the relay path).
    #[inline]
    pub(super) fn find(&self, mut pred: impl FnMut(&T) -> bool) -> Option<&T> {
        match &self.first {
            Some(f) if pred(f) => Some(f),
            Some(_) => self.rest.iter().find(|t| pred(t)),
            None => None,
        }
    }

    /// Whether `pred` is true of any entry.
    #[inline]
    pub(super) fn any(&self, pred: impl FnMut(&T) -> bool) -> bool {
        self.find(pred).is_some()
    }

    /// How many there are.
    pub(super) fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    /// Appends `entry`. The heap part grows one entry at a time: the quota bounds the copying,
    /// and most lists stop at one or two.
    pub(super) fn push(&mut self, entry: T) {
        if self.first.is_none() {
            self.first = Some(entry);
        } else {
            self.rest.reserve_exact(1);
            self.rest.push(entry);
        }
    }

    /// Keeps the entries `keep` is true of, in order.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.rest.retain(&mut keep);
        if self.first.as_ref().is_some_and(|f| !keep(f)) {
            self.first = (!self.rest.is_empty()).then(|| self.rest.remove(0));
        }
    }

    /// Heap bytes held (the inline entry is part of the owner).
    pub(super) fn heap_bytes(&self) -> usize {
        self.rest.capacity() * size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(e: &Entries<u32>) -> Vec<u32> {
        e.iter().copied().collect()
    }

    #[test]
    fn keeps_order_through_pushes_and_removals() {
        let mut e = Entries::default();
        assert_eq!(e.len(), 0);
        for v in 1..=5 {
            e.push(v);
        }
        assert_eq!((items(&e), e.len()), (vec![1, 2, 3, 4, 5], 5));
        assert_eq!((e.find(|&v| v > 1), e.find(|&v| v > 9)), (Some(&2), None));
        assert!(e.any(|&v| v == 1) && e.any(|&v| v == 5) && !e.any(|&v| v == 0));
        assert_eq!(e.heap_bytes(), 4 * size_of::<u32>());
        e.retain(|&v| v != 1 && v != 4);
        assert_eq!(items(&e), [2, 3, 5]);
        e.retain(|&v| v == 5);
        assert_eq!(items(&e), [5]);
        assert_eq!(e.heap_bytes(), 4 * size_of::<u32>());
        for v in e.iter_mut() {
            *v += 1;
        }
        assert_eq!(items(&e), [6]);
        e.retain(|_| false);
        assert_eq!((items(&e), e.len()), (vec![], 0));
        e.push(7);
        assert_eq!(items(&e), [7]);
    }

    #[test]
    fn one_entry_takes_no_heap() {
        let mut e = Entries::default();
        e.push(1u64);
        assert_eq!((e.len(), e.heap_bytes()), (1, 0));
    }
}
