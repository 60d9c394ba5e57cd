//! ADDRESS-ERROR-CODE (RFC 8656 §18.12).

use super::Attribute;
use super::codec::{decode_error_code, encode_error_code};
use crate::{AddressFamily, AttributeError, AttributeType, ErrorCode, RawAttribute, TransactionId};

/// ADDRESS-ERROR-CODE (RFC 8656 §18.12): why the server could not allocate a relayed address
/// of one family in a dual allocation. Family byte, 8 reserved bits, 5 reserved bits, class,
/// number, reason phrase.
///
/// ```
/// use floe_stun::attributes::AddressErrorCode;
/// use floe_stun::{AddressFamily, ErrorCode};
/// let e = AddressErrorCode { family: AddressFamily::IPV6, code: ErrorCode(440), reason: "" };
/// assert_eq!(e.code, ErrorCode::ADDRESS_FAMILY_NOT_SUPPORTED);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressErrorCode<'a> {
    /// The address family the error is about.
    pub family: AddressFamily,
    /// The error code.
    pub code: ErrorCode,
    /// The reason phrase.
    pub reason: &'a str,
}

impl<'a> Attribute<'a> for AddressErrorCode<'a> {
    const TYPE: AttributeType = AttributeType::ADDRESS_ERROR_CODE;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        let (code, reason) = decode_error_code(&raw)?;
        Ok(Self {
            family: AddressFamily(raw.value[0]),
            code,
            reason,
        })
    }

    fn encoded_len(&self) -> usize {
        4 + self.reason.len()
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[0] = self.family.0;
        out[1] = 0;
        encode_error_code(self.code, self.reason, out);
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
        let e = AddressErrorCode {
            family: AddressFamily::IPV4,
            code: ErrorCode(486),
            reason: "quota",
        };
        assert_eq!(round_trip(&e, &mut buf), e);
    }
}
