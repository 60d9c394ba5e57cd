//! EVEN-PORT (RFC 8656 §18.7).

use super::Attribute;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// EVEN-PORT (RFC 8656 §18.7): ask for an even relayed port; with the R bit set, also reserve
/// the next port. One byte: R in the top bit, 7 reserved bits.
///
/// ```
/// use floe_stun::attributes::EvenPort;
/// assert!(EvenPort { reserve: true }.reserve);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EvenPort {
    /// The R bit: reserve the next-higher port too.
    pub reserve: bool,
}

impl<'a> Attribute<'a> for EvenPort {
    const TYPE: AttributeType = AttributeType::EVEN_PORT;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        match raw.value {
            &[flags] => Ok(Self {
                reserve: flags & 0x80 != 0,
            }),
            _ => Err(raw.invalid_length()),
        }
    }

    fn encoded_len(&self) -> usize {
        1
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[0] = if self.reserve { 0x80 } else { 0 };
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
        for reserve in [false, true] {
            assert_eq!(
                round_trip(&EvenPort { reserve }, &mut buf),
                EvenPort { reserve }
            );
        }
    }
}
