//! PASSWORD-ALGORITHM (RFC 8489 §14.12).

use super::Attribute;
use crate::{AttributeError, AttributeType, PasswordAlgorithm, RawAttribute, TransactionId};

/// PASSWORD-ALGORITHM (RFC 8489 §14.12): the algorithm the client chose from the server's
/// PASSWORD-ALGORITHMS, with its parameters (none for MD5 and SHA-256).
///
/// ```
/// use floe_stun::attributes::PasswordAlgorithmAttribute;
/// use floe_stun::PasswordAlgorithm;
/// let a = PasswordAlgorithmAttribute::new(PasswordAlgorithm::SHA256);
/// assert!(a.params.is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PasswordAlgorithmAttribute<'a> {
    /// The algorithm.
    pub algorithm: PasswordAlgorithm,
    /// Its parameters (without padding).
    pub params: &'a [u8],
}

impl PasswordAlgorithmAttribute<'static> {
    /// An algorithm without parameters.
    #[must_use]
    pub const fn new(algorithm: PasswordAlgorithm) -> Self {
        Self {
            algorithm,
            params: &[],
        }
    }
}

/// Splits one algorithm entry (algorithm, parameter length, parameters, padding) off `v`;
/// returns the entry and the bytes after its padding.
pub(super) fn split_entry(v: &[u8]) -> Option<(PasswordAlgorithmAttribute<'_>, &[u8])> {
    let (&[a0, a1, l0, l1], rest) = v.split_first_chunk::<4>()?;
    let len = usize::from(u16::from_be_bytes([l0, l1]));
    let params = rest.get(..len)?;
    let after = rest.get(((len + 3) & !3).min(rest.len())..)?;
    let algorithm = PasswordAlgorithm(u16::from_be_bytes([a0, a1]));
    Some((PasswordAlgorithmAttribute { algorithm, params }, after))
}

/// Writes one entry; `out` is exactly `entry_len` bytes.
pub(super) fn write_entry(entry: &PasswordAlgorithmAttribute<'_>, out: &mut [u8]) {
    out[..2].copy_from_slice(&entry.algorithm.0.to_be_bytes());
    out[2..4].copy_from_slice(&(entry.params.len() as u16).to_be_bytes());
    out[4..4 + entry.params.len()].copy_from_slice(entry.params);
    out[4 + entry.params.len()..].fill(0);
}

/// Encoded length of one entry including the padding of its parameters.
pub(super) const fn entry_len(entry: &PasswordAlgorithmAttribute<'_>) -> usize {
    4 + ((entry.params.len() + 3) & !3)
}

impl<'a> Attribute<'a> for PasswordAlgorithmAttribute<'a> {
    const TYPE: AttributeType = AttributeType::PASSWORD_ALGORITHM;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        match split_entry(raw.value) {
            Some((entry, [])) => Ok(entry),
            _ => Err(raw.invalid_length()),
        }
    }

    fn encoded_len(&self) -> usize {
        entry_len(self)
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        write_entry(self, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::round_trip;
    use alloc::vec::Vec;

    #[test]
    fn round_trips() {
        let mut buf = Vec::new();
        let a = PasswordAlgorithmAttribute::new(PasswordAlgorithm::SHA256);
        assert_eq!(round_trip(&a, &mut buf), a);
        assert_eq!(buf, [0, 2, 0, 0]);
        let p = PasswordAlgorithmAttribute {
            algorithm: PasswordAlgorithm(9),
            params: b"xyz",
        };
        assert_eq!(round_trip(&p, &mut buf), p);
    }
}
