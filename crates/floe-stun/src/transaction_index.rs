//! An index from transaction id to position, for [`crate::transaction::ClientTransactions`]:
//! open addressing with linear probing and backward-shift deletion over a table kept at most
//! half full, so lookups, inserts and removals take O(1) expected time and, once the table has
//! grown to the largest number in flight, allocate nothing. Until more than
//! [`LINEAR_MAX`] transactions are in flight at once there is no table: a scan of that few
//! ids is as fast as a probe, and most clients (an ICE agent's checks, a TURN client) never
//! have more, so they never allocate one.

use alloc::vec;
use alloc::vec::Vec;

use crate::transaction_id::TransactionId;

/// An empty slot.
const EMPTY: u32 = u32::MAX;
/// Most positions the index can hold (positions are `u32`, [`EMPTY`] excluded).
pub(crate) const MAX_INDEXED: usize = (u32::MAX - 1) as usize;

/// Most ids found by a linear scan before the index builds its table.
pub(crate) const LINEAR_MAX: usize = 8;

/// Slots holding positions into the caller's id array (which stays the source of truth);
/// none while the ids are few ([`LINEAR_MAX`]).
#[derive(Debug, Default)]
pub(crate) struct TidIndex {
    slots: Vec<u32>,
}

/// Home slot of `tid` (ids are random, but tests and peers may use patterned ones: mix all 12
/// bytes).
fn home(tid: &TransactionId, mask: usize) -> usize {
    let b = tid.as_bytes();
    let lo = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    let hi = u64::from(u32::from_le_bytes([b[8], b[9], b[10], b[11]]));
    let x = (lo ^ hi.rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((x ^ (x >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 32) as usize & mask
}

impl TidIndex {
    /// Position of `tid` in `tids`.
    pub(crate) fn find(&self, tids: &[TransactionId], tid: &TransactionId) -> Option<usize> {
        if self.slots.is_empty() {
            return tids.iter().position(|t| t == tid);
        }
        self.slot_of(tids, tid).map(|s| self.slots[s] as usize)
    }

    /// Slot holding `tid`.
    fn slot_of(&self, tids: &[TransactionId], tid: &TransactionId) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut s = home(tid, mask);
        loop {
            let v = self.slots[s];
            if v == EMPTY {
                return None;
            }
            if tids.get(v as usize) == Some(tid) {
                return Some(s);
            }
            s = (s + 1) & mask;
        }
    }

    /// Indexes `tids[i]`, just pushed (`i == tids.len() - 1`).
    pub(crate) fn insert(&mut self, tids: &[TransactionId], i: usize) {
        if self.slots.is_empty() && tids.len() <= LINEAR_MAX {
            return;
        }
        if tids.len() * 2 > self.slots.len() {
            let len = (tids.len() * 2).next_power_of_two().max(16);
            self.slots = vec![EMPTY; len];
            for j in 0..tids.len() {
                self.place(tids, j);
            }
        } else {
            self.place(tids, i);
        }
    }

    fn place(&mut self, tids: &[TransactionId], i: usize) {
        let mask = self.slots.len() - 1;
        let mut s = home(&tids[i], mask);
        while self.slots[s] != EMPTY {
            s = (s + 1) & mask;
        }
        self.slots[s] = i as u32;
    }

    /// Unindexes `tids[i]` before the caller `swap_remove`s it: the last id then moves to `i`.
    pub(crate) fn remove(&mut self, tids: &[TransactionId], i: usize) {
        let Some(mut hole) = self.slot_of(tids, &tids[i]) else {
            return;
        };
        let mask = self.slots.len() - 1;
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let v = self.slots[j];
            if v == EMPTY {
                break;
            }
            let h = home(&tids[v as usize], mask);
            // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
            let stays = if hole < j {
                hole < h && h <= j
            } else {
                h > hole || h <= j
            };
            if !stays {
                self.slots[hole] = v;
                hole = j;
            }
        }
        self.slots[hole] = EMPTY;
        let last = tids.len() - 1;
        if i != last
            && let Some(s) = self.slot_of(tids, &tids[last])
        {
            self.slots[s] = i as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_linear_scan_under_churn() {
        let mut tids: Vec<TransactionId> = Vec::new();
        let mut index = TidIndex::default();
        let mut state = 0x1234_5678_u32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        for _ in 0..20_000 {
            let r = next();
            // Patterned ids (few distinct bytes) collide in naive hashes: use them.
            let tid = TransactionId::from_bytes([
                (r % 7) as u8,
                0,
                (r % 300 / 7) as u8,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                (r >> 20) as u8 % 3,
            ]);
            match tids.iter().position(|t| *t == tid) {
                Some(i) => {
                    assert_eq!(index.find(&tids, &tid), Some(i));
                    index.remove(&tids, i);
                    tids.swap_remove(i);
                    assert_eq!(index.find(&tids, &tid), None);
                }
                None => {
                    assert_eq!(index.find(&tids, &tid), None);
                    tids.push(tid);
                    index.insert(&tids, tids.len() - 1);
                }
            }
        }
        for (i, tid) in tids.iter().enumerate() {
            assert_eq!(index.find(&tids, tid), Some(i));
        }
    }

    #[test]
    fn few_ids_need_no_table_and_more_build_it_with_every_id() {
        let tid = |n: u8| TransactionId::from_bytes([n; 12]);
        let mut tids = Vec::new();
        let mut index = TidIndex::default();
        for n in 0..LINEAR_MAX as u8 {
            tids.push(tid(n));
            index.insert(&tids, tids.len() - 1);
        }
        assert!(index.slots.is_empty(), "{LINEAR_MAX} ids are scanned");
        index.remove(&tids, 2);
        tids.swap_remove(2);
        assert_eq!(index.find(&tids, &tid(2)), None);
        assert_eq!(index.find(&tids, &tid(7)), Some(2));
        for n in 10..20 {
            tids.push(tid(n));
            index.insert(&tids, tids.len() - 1);
        }
        assert!(!index.slots.is_empty());
        for (i, t) in tids.iter().enumerate() {
            assert_eq!(index.find(&tids, t), Some(i));
        }
        assert_eq!(index.find(&tids, &tid(2)), None);
    }
}
