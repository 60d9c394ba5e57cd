//! [`IdMap`]: the agent's tables (streams, candidates, pairs, selected pairs), a vector of
//! entries sorted by key, its first entry kept inline.
//!
//! Ids come from counters, so new entries go at the end and lookups are a binary search over
//! one contiguous run sized to what it holds. A `BTreeMap` allocates a node for eleven
//! entries from the first one: with one stream, two candidates and one pair (a connected
//! host-only agent) its nodes were most of the agent's heap. Most tables of most agents hold
//! one entry for the agent's whole life (one stream, one local and one remote candidate per
//! component, one pair, one selected pair), so that entry lives in the agent itself and a
//! table allocates only from its second entry.

use smallvec::SmallVec;

/// A map from ordered, copyable keys to values, stored sorted in one vector. Iteration is in
/// key order, as with `BTreeMap`.
#[derive(Debug, Clone)]
pub(crate) struct IdMap<K, V> {
    entries: SmallVec<[(K, V); 1]>,
}

impl<K, V> Default for IdMap<K, V> {
    fn default() -> Self {
        Self {
            entries: SmallVec::new(),
        }
    }
}

impl<K: Ord + Copy, V> IdMap<K, V> {
    pub(crate) fn new() -> Self {
        Self {
            entries: SmallVec::new(),
        }
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        // Fresh ids are the largest: look at the end first.
        match self.entries.last() {
            Some((last, _)) if last < key => Err(self.entries.len()),
            _ => self.entries.binary_search_by(|(k, _)| k.cmp(key)),
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Inserts or replaces; the value replaced, if any.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                // Grow by half (at least one) rather than doubling from four: most tables
                // hold one or two entries for the agent's whole life.
                if self.entries.len() == self.entries.capacity() {
                    self.entries.reserve_exact((self.entries.len() / 2).max(1));
                }
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain(|(k, v)| keep(k, v));
    }

    /// The key at position `i` in key order.
    pub(crate) fn key_at(&self, i: usize) -> Option<K> {
        self.entries.get(i).map(|(k, _)| *k)
    }

    /// The entry at position `i` in key order (to walk a table by position while the agent
    /// changes other tables, without collecting its keys first).
    pub(crate) fn at(&self, i: usize) -> Option<(K, &V)> {
        self.entries.get(i).map(|(k, v)| (*k, v))
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub(crate) fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub(crate) fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub(crate) fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl<'a, K: Ord + Copy, V> IntoIterator for &'a mut IdMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter =
        core::iter::Map<core::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl<'a, K: Ord + Copy, V> IntoIterator for &'a IdMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter =
        core::iter::Map<core::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::IdMap;

    #[test]
    fn behaves_as_a_sorted_map() {
        let mut m = IdMap::new();
        for k in [5u32, 1, 9, 3, 7] {
            assert_eq!(m.insert(k, k * 10), None);
        }
        assert_eq!(m.insert(3, 31), Some(30));
        assert_eq!(m.keys().copied().collect::<Vec<_>>(), [1, 3, 5, 7, 9]);
        assert_eq!(m.get(&3), Some(&31));
        assert_eq!(m.get(&4), None);
        *m.get_mut(&9).unwrap() += 1;
        assert_eq!(m.remove(&5), Some(50));
        assert_eq!(m.remove(&5), None);
        m.retain(|k, _| *k != 1);
        assert_eq!(
            m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(),
            [(3, 31), (7, 70), (9, 91)]
        );
        for (_, v) in &mut m {
            *v = 0;
        }
        assert!(m.values().all(|v| *v == 0));
        assert_eq!(m.len(), 3);
        m.retain(|_, _| false);
        assert!(m.is_empty());
    }
}
