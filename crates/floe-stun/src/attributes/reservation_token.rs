//! RESERVATION-TOKEN (RFC 8656 §18.10).

use super::Attribute;
use super::codec::fixed;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// RESERVATION-TOKEN (RFC 8656 §18.10): an 8-byte token naming a relayed address the server
/// reserved (after EVEN-PORT with the R bit).
///
/// ```
/// use floe_stun::attributes::ReservationToken;
/// let t = ReservationToken(0xdead_beef_cafe_babe_u64.to_be_bytes());
/// assert_eq!(t.0[0], 0xde);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReservationToken(pub [u8; 8]);

impl<'a> Attribute<'a> for ReservationToken {
    const TYPE: AttributeType = AttributeType::RESERVATION_TOKEN;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        fixed(&raw).map(Self)
    }

    fn encoded_len(&self) -> usize {
        8
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
        assert_eq!(
            round_trip(&ReservationToken([1; 8]), &mut buf),
            ReservationToken([1; 8])
        );
    }
}
