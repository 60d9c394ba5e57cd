//! ERROR-CODE (RFC 8489 §14.8).

use super::Attribute;
use super::codec::{decode_error_code, encode_error_code};
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
        decode_error_code(&raw).map(|(code, reason)| Self { code, reason })
    }

    fn encoded_len(&self) -> usize {
        4 + self.reason.len()
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[..2].fill(0);
        encode_error_code(self.code, self.reason, out);
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
