//! ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11).

use super::Attribute;
use super::codec::fixed;
use crate::{AddressFamily, AttributeError, AttributeType, RawAttribute, TransactionId};

/// ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11): ask for a second relayed address of this family (IPv6) in the same allocation. One family byte followed by 24 reserved bits.
///
/// ```
/// use floe_stun::attributes::AdditionalAddressFamily;
/// use floe_stun::AddressFamily;
/// assert_eq!(AdditionalAddressFamily(AddressFamily::IPV6).0.name(), Some("IPv6"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AdditionalAddressFamily(pub AddressFamily);

impl<'a> Attribute<'a> for AdditionalAddressFamily {
    const TYPE: AttributeType = AttributeType::ADDITIONAL_ADDRESS_FAMILY;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        fixed::<4>(&raw).map(|b| Self(AddressFamily(b[0])))
    }

    fn encoded_len(&self) -> usize {
        4
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[0] = self.0.0;
        out[1..].fill(0);
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
        let a = AdditionalAddressFamily(AddressFamily::IPV4);
        assert_eq!(round_trip(&a, &mut buf), a);
        assert_eq!(buf, [1, 0, 0, 0]);
    }
}
