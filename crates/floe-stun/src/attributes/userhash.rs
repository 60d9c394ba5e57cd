//! USERHASH (RFC 8489 §14.4).

use super::Attribute;
use super::codec::fixed;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// USERHASH (RFC 8489 §14.4): SHA-256(username ":" realm), sent instead of USERNAME for
/// username anonymity. Compute it with [`crate::integrity::userhash`].
///
/// ```
/// use floe_stun::attributes::Userhash;
/// let h = Userhash(floe_stun::integrity::userhash("user", "realm"));
/// assert_eq!(h.0.len(), 32);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Userhash(pub [u8; 32]);

impl<'a> Attribute<'a> for Userhash {
    const TYPE: AttributeType = AttributeType::USERHASH;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        fixed(&raw).map(Self)
    }

    fn encoded_len(&self) -> usize {
        32
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out.copy_from_slice(&self.0);
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
        assert_eq!(round_trip(&Userhash([9; 32]), &mut buf), Userhash([9; 32]));
    }
}
