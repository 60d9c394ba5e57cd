//! RESPONSE-PORT (RFC 5780 §7.5).

use super::Attribute;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// RESPONSE-PORT (RFC 5780 §7.5): the port the response should be sent to; 16 bits followed by
/// 16 bits of padding.
///
/// ```
/// use floe_stun::attributes::ResponsePort;
/// assert_eq!(ResponsePort(12345).0, 12345);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResponsePort(pub u16);

impl<'a> Attribute<'a> for ResponsePort {
    const TYPE: AttributeType = AttributeType::RESPONSE_PORT;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        match raw.value {
            // Some agents (coturn's seed) send the 2-byte port and let padding do the rest.
            &[a, b] | &[a, b, _, _] => Ok(Self(u16::from_be_bytes([a, b]))),
            _ => Err(raw.invalid_length()),
        }
    }

    fn encoded_len(&self) -> usize {
        4
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[..2].copy_from_slice(&self.0.to_be_bytes());
        out[2..].fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        crate::attributes::codec::check_round_trip(&ResponsePort(12345), &[0x30]);
    }
}
