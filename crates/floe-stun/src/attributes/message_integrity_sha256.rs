//! MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6).

use super::Attribute;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): the HMAC-SHA256 of the message up to this
/// attribute, possibly truncated to 16..=32 bytes in steps of 4. Written by
/// [`MessageBuilder::message_integrity_sha256`](crate::MessageBuilder::message_integrity_sha256)
/// and checked by [`Message::verify_integrity`](crate::Message::verify_integrity).
///
/// ```
/// use floe_stun::attributes::MessageIntegritySha256;
/// assert!(MessageIntegritySha256::valid_len(16));
/// assert!(!MessageIntegritySha256::valid_len(18));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageIntegritySha256<'a>(pub &'a [u8]);

impl MessageIntegritySha256<'_> {
    /// Whether `len` is an allowed (possibly truncated) length: 16..=32, a multiple of 4.
    #[must_use]
    pub const fn valid_len(len: usize) -> bool {
        len >= 16 && len <= 32 && len.is_multiple_of(4)
    }
}

impl<'a> Attribute<'a> for MessageIntegritySha256<'a> {
    const TYPE: AttributeType = AttributeType::MESSAGE_INTEGRITY_SHA256;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        if Self::valid_len(raw.value.len()) {
            Ok(Self(raw.value))
        } else {
            Err(raw.invalid_length())
        }
    }

    fn encoded_len(&self) -> usize {
        self.0.len()
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out.copy_from_slice(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_rules() {
        let tid = TransactionId::default();
        for len in 0..40 {
            let value = [0u8; 40];
            let raw = RawAttribute {
                typ: AttributeType::MESSAGE_INTEGRITY_SHA256,
                value: &value[..len],
                offset: 20,
                ignored: false,
            };
            assert_eq!(
                MessageIntegritySha256::decode(raw, &tid).is_ok(),
                [16, 20, 24, 28, 32].contains(&len)
            );
        }
    }
}
