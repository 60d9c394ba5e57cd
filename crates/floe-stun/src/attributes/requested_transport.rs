//! REQUESTED-TRANSPORT (RFC 8656 §18.8).

use super::Attribute;
use super::codec::fixed;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// REQUESTED-TRANSPORT (RFC 8656 §18.8): the IP protocol number of the relayed transport
/// (17 for UDP, 6 for TCP per RFC 6062), followed by 24 reserved bits.
///
/// ```
/// use floe_stun::attributes::RequestedTransport;
/// assert_eq!(RequestedTransport::UDP.0, 17);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestedTransport(pub u8);

impl RequestedTransport {
    /// UDP (protocol 17, RFC 8656 §18.8).
    pub const UDP: Self = Self(17);
    /// TCP (protocol 6, RFC 6062 §6.1).
    pub const TCP: Self = Self(6);
}

impl<'a> Attribute<'a> for RequestedTransport {
    const TYPE: AttributeType = AttributeType::REQUESTED_TRANSPORT;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        fixed::<4>(&raw).map(|b| Self(b[0]))
    }

    fn encoded_len(&self) -> usize {
        4
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[0] = self.0;
        out[1..].fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        crate::attributes::codec::check_round_trip(&RequestedTransport::UDP, &[17]);
    }
}
