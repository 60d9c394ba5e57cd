//! PASSWORD-ALGORITHMS (RFC 8489 §14.11).

use super::password_algorithm::{entry_len, split_entry, write_entry};
use super::{Attribute, PasswordAlgorithmAttribute};
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// PASSWORD-ALGORITHMS (RFC 8489 §14.11): the algorithms a server supports, in order of
/// preference, each with its parameters. Read with [`iter`](Self::iter).
///
/// ```
/// use floe_stun::attributes::{PasswordAlgorithmAttribute as Alg, PasswordAlgorithms};
/// use floe_stun::PasswordAlgorithm;
/// let list = [Alg::new(PasswordAlgorithm::SHA256), Alg::new(PasswordAlgorithm::MD5)];
/// let attr = PasswordAlgorithms::from_entries(&list);
/// assert_eq!(attr.iter().map(|a| a.algorithm).collect::<Vec<_>>(),
///            [PasswordAlgorithm::SHA256, PasswordAlgorithm::MD5]);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PasswordAlgorithms<'a> {
    wire: &'a [u8],
    entries: &'a [PasswordAlgorithmAttribute<'a>],
}

impl<'a> PasswordAlgorithms<'a> {
    /// For encoding: the entries in order of preference.
    #[must_use]
    pub const fn from_entries(entries: &'a [PasswordAlgorithmAttribute<'a>]) -> Self {
        Self { wire: &[], entries }
    }

    /// The entries in order.
    #[must_use]
    pub fn iter(&self) -> PasswordAlgorithmIter<'a> {
        PasswordAlgorithmIter {
            wire: self.wire,
            entries: self.entries.iter(),
        }
    }
}

/// Iterator over the entries of [`PasswordAlgorithms`].
#[derive(Debug, Clone)]
pub struct PasswordAlgorithmIter<'a> {
    wire: &'a [u8],
    entries: core::slice::Iter<'a, PasswordAlgorithmAttribute<'a>>,
}

impl<'a> Iterator for PasswordAlgorithmIter<'a> {
    type Item = PasswordAlgorithmAttribute<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some((entry, rest)) = split_entry(self.wire) {
            self.wire = rest;
            return Some(entry);
        }
        self.entries.next().copied()
    }
}

/// Equal when the entries are, whether decoded or built.
impl PartialEq for PasswordAlgorithms<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for PasswordAlgorithms<'_> {}

impl<'a> Attribute<'a> for PasswordAlgorithms<'a> {
    const TYPE: AttributeType = AttributeType::PASSWORD_ALGORITHMS;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        let mut rest = raw.value;
        while !rest.is_empty() {
            let Some((_, after)) = split_entry(rest) else {
                return Err(raw.invalid_length());
            };
            rest = after;
        }
        Ok(Self {
            wire: raw.value,
            entries: &[],
        })
    }

    fn encoded_len(&self) -> usize {
        self.iter().map(|e| entry_len(&e)).sum()
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        let mut at = 0;
        for entry in self.iter() {
            let len = entry_len(&entry);
            write_entry(&entry, &mut out[at..at + len]);
            at += len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PasswordAlgorithm;
    use crate::attributes::codec::round_trip;
    use alloc::vec::Vec;

    #[test]
    fn round_trips_and_rejects_truncation() {
        let list = [
            PasswordAlgorithmAttribute::new(PasswordAlgorithm::MD5),
            PasswordAlgorithmAttribute {
                algorithm: PasswordAlgorithm(7),
                params: b"abcde",
            },
        ];
        let mut buf = Vec::new();
        let back = round_trip(&PasswordAlgorithms::from_entries(&list), &mut buf);
        assert_eq!(back.iter().collect::<Vec<_>>(), list);
        let raw = RawAttribute {
            typ: AttributeType::PASSWORD_ALGORITHMS,
            value: &buf[..6],
            offset: 20,
            ignored: false,
        };
        assert!(PasswordAlgorithms::decode(raw, &TransactionId::default()).is_err());
    }
}
