//! ICMP (RFC 8656 §18.13).

use super::Attribute;
use super::codec::fixed;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// ICMP (RFC 8656 §18.13): an ICMP error the server received for relayed traffic, in a Data
/// indication. 16 reserved bits, type, code, 32 bits of error data.
///
/// ```
/// use floe_stun::attributes::Icmp;
/// let i = Icmp { icmp_type: 3, code: 4, error_data: 1400 };
/// assert_eq!(i.error_data, 1400);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Icmp {
    /// ICMP type.
    pub icmp_type: u8,
    /// ICMP code.
    pub code: u8,
    /// Error data (e.g. the MTU for "fragmentation needed").
    pub error_data: u32,
}

impl<'a> Attribute<'a> for Icmp {
    const TYPE: AttributeType = AttributeType::ICMP;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        let b = fixed::<8>(&raw)?;
        Ok(Self {
            icmp_type: b[2],
            code: b[3],
            error_data: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
        })
    }

    fn encoded_len(&self) -> usize {
        8
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[..2].fill(0);
        out[2] = self.icmp_type;
        out[3] = self.code;
        out[4..].copy_from_slice(&self.error_data.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let i = Icmp {
            icmp_type: 3,
            code: 4,
            error_data: 0x0102_0304,
        };
        crate::attributes::codec::check_round_trip(&i, &[0; 4]);
    }
}
