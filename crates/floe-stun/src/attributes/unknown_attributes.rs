//! UNKNOWN-ATTRIBUTES (RFC 8489 §14.13).

use super::Attribute;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): the comprehension-required attributes a server did not
/// understand, in a 420 response. The value is a list of 16-bit types; read it with
/// [`iter`](Self::iter). Build one from a slice with [`UnknownAttributes::from_types`].
///
/// ```
/// use floe_stun::attributes::UnknownAttributes;
/// use floe_stun::AttributeType;
/// let types = [AttributeType(0x00AA)];
/// let u = UnknownAttributes::from_types(&types);
/// assert_eq!(u.iter().collect::<Vec<_>>(), [AttributeType(0x00AA)]);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct UnknownAttributes<'a> {
    repr: Repr<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Repr<'a> {
    Wire(&'a [u8]),
    Types(&'a [AttributeType]),
}

impl<'a> UnknownAttributes<'a> {
    /// For encoding: the list of types.
    #[must_use]
    pub const fn from_types(types: &'a [AttributeType]) -> Self {
        Self {
            repr: Repr::Types(types),
        }
    }

    /// The listed types in order.
    pub fn iter(&self) -> impl Iterator<Item = AttributeType> + 'a {
        let (wire, types): (&'a [u8], &'a [AttributeType]) = match self.repr {
            Repr::Wire(w) => (w, &[]),
            Repr::Types(t) => (&[], t),
        };
        wire.chunks_exact(2)
            .map(|c| AttributeType(u16::from_be_bytes([c[0], c[1]])))
            .chain(types.iter().copied())
    }
}

/// Equal when the entries are, whether decoded or built.
impl PartialEq for UnknownAttributes<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for UnknownAttributes<'_> {}

impl<'a> Attribute<'a> for UnknownAttributes<'a> {
    const TYPE: AttributeType = AttributeType::UNKNOWN_ATTRIBUTES;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        if raw.value.len().is_multiple_of(2) {
            Ok(Self {
                repr: Repr::Wire(raw.value),
            })
        } else {
            Err(raw.invalid_length())
        }
    }

    fn encoded_len(&self) -> usize {
        match self.repr {
            Repr::Wire(w) => w.len(),
            Repr::Types(t) => 2 * t.len(),
        }
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        for (chunk, typ) in out.chunks_exact_mut(2).zip(self.iter()) {
            chunk.copy_from_slice(&typ.0.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::round_trip;
    use alloc::vec::Vec;

    #[test]
    fn odd_count_round_trips() {
        let types = [
            AttributeType(1),
            AttributeType(0x1000),
            AttributeType(0xab0c),
        ];
        let mut buf = Vec::new();
        let back = round_trip(&UnknownAttributes::from_types(&types), &mut buf);
        assert_eq!(back.iter().collect::<Vec<_>>(), types);
        assert_eq!(buf.len(), 6);
    }
}
