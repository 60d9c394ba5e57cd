//! ADDRESS-ERROR-CODE (RFC 8656 §18.12).

use super::Attribute;
use super::codec::decode_text;
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
        let v = raw.value;
        if v.len() < 4 || v.len() > 4 + 763 {
            return Err(raw.invalid_length());
        }
        let class = u16::from(v[2] & 0x07);
        let number = u16::from(v[3]);
        if !(3..=6).contains(&class) || number > 99 {
            return Err(AttributeError::OutOfRange {
                typ: raw.typ,
                offset: raw.value_offset() + 2,
            });
        }
        let reason_raw = RawAttribute {
            value: &v[4..],
            offset: raw.offset + 4,
            ..raw
        };
        let reason = decode_text(&reason_raw, 763)?;
        Ok(Self {
            family: AddressFamily(v[0]),
            code: ErrorCode(class * 100 + number),
            reason,
        })
    }

    fn encoded_len(&self) -> usize {
        4 + self.reason.len()
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[0] = self.family.0;
        out[1] = 0;
        out[2] = (self.code.0 / 100) as u8 & 0x07;
        out[3] = (self.code.0 % 100) as u8;
        out[4..].copy_from_slice(self.reason.as_bytes());
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
