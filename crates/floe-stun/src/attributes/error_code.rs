//! ERROR-CODE (RFC 8489 §14.8).

use super::Attribute;
use super::codec::decode_text;
use crate::{AttributeError, AttributeType, ErrorCode, RawAttribute, TransactionId};

/// ERROR-CODE (RFC 8489 §14.8): an error code (300..=699) and its reason phrase.
///
/// Wire form: 21 reserved bits, the class (hundreds digit, 3 bits), the number (0..=99, 8 bits),
/// then the UTF-8 reason phrase (fewer than 128 characters, 763 bytes).
///
/// ```
/// use floe_stun::attributes::ErrorCodeAttribute;
/// use floe_stun::ErrorCode;
/// let e = ErrorCodeAttribute::new(ErrorCode::STALE_NONCE);
/// assert_eq!(e.reason, "Stale Nonce");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCodeAttribute<'a> {
    /// The code.
    pub code: ErrorCode,
    /// The reason phrase.
    pub reason: &'a str,
}

impl ErrorCodeAttribute<'static> {
    /// The code with the RFC reason phrase (empty for unregistered codes).
    #[must_use]
    pub const fn new(code: ErrorCode) -> Self {
        Self {
            code,
            reason: match code.reason() {
                Some(r) => r,
                None => "",
            },
        }
    }
}

impl<'a> Attribute<'a> for ErrorCodeAttribute<'a> {
    const TYPE: AttributeType = AttributeType::ERROR_CODE;

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
            code: ErrorCode(class * 100 + number),
            reason,
        })
    }

    fn encoded_len(&self) -> usize {
        4 + self.reason.len()
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[..2].fill(0);
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
    fn round_trips_and_validates() {
        let mut buf = Vec::new();
        let e = ErrorCodeAttribute {
            code: ErrorCode(438),
            reason: "Stale Nonce",
        };
        assert_eq!(round_trip(&e, &mut buf), e);
        assert_eq!(&buf[..4], &[0, 0, 4, 38]);
        let tid = TransactionId::default();
        let raw = RawAttribute {
            typ: AttributeType::ERROR_CODE,
            value: &[0, 0, 7, 0],
            offset: 20,
            ignored: false,
        };
        assert_eq!(
            ErrorCodeAttribute::decode(raw, &tid),
            Err(AttributeError::OutOfRange {
                typ: AttributeType::ERROR_CODE,
                offset: 26
            })
        );
        let raw = RawAttribute {
            value: &[0, 0, 4, 100],
            ..raw
        };
        assert!(ErrorCodeAttribute::decode(raw, &tid).is_err());
        let raw = RawAttribute {
            value: &[0, 0, 4],
            ..raw
        };
        assert_eq!(
            ErrorCodeAttribute::decode(raw, &tid),
            Err(raw.invalid_length())
        );
    }
}
