//! CHANGE-REQUEST (RFC 5780 §7.2).

use super::Attribute;
use super::codec::fixed;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// CHANGE-REQUEST (RFC 5780 §7.2): ask the server to answer from its other IP address
/// (flag "A", 0x4) and/or other port (flag "B", 0x2). 32 bits.
///
/// ```
/// use floe_stun::attributes::ChangeRequest;
/// let c = ChangeRequest { change_ip: true, change_port: false };
/// assert!(c.change_ip);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChangeRequest {
    /// Flag A: send the response from the alternate IP address.
    pub change_ip: bool,
    /// Flag B: send the response from the alternate port.
    pub change_port: bool,
}

impl<'a> Attribute<'a> for ChangeRequest {
    const TYPE: AttributeType = AttributeType::CHANGE_REQUEST;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        let b = fixed::<4>(&raw)?;
        Ok(Self {
            change_ip: b[3] & 0x4 != 0,
            change_port: b[3] & 0x2 != 0,
        })
    }

    fn encoded_len(&self) -> usize {
        4
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[..3].fill(0);
        out[3] = (u8::from(self.change_ip) << 2) | (u8::from(self.change_port) << 1);
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
        let c = ChangeRequest {
            change_ip: true,
            change_port: true,
        };
        assert_eq!(round_trip(&c, &mut buf), c);
        assert_eq!(buf, [0, 0, 0, 6]);
    }
}
