//! MESSAGE-INTEGRITY (RFC 8489 §14.5).

use super::Attribute;
use super::codec::fixed;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// MESSAGE-INTEGRITY (RFC 8489 §14.5): the 20-byte HMAC-SHA1 of the message up to this
/// attribute. Written by [`MessageBuilder::message_integrity`](crate::MessageBuilder::message_integrity)
/// and checked by [`Message::verify_integrity`](crate::Message::verify_integrity); decoding it
/// only reads the bytes.
///
/// ```
/// use floe_stun::attributes::{Attribute, MessageIntegrity};
/// assert_eq!(MessageIntegrity([0; 20]).encoded_len(), 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageIntegrity(pub [u8; 20]);

impl<'a> Attribute<'a> for MessageIntegrity {
    const TYPE: AttributeType = AttributeType::MESSAGE_INTEGRITY;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        fixed(&raw).map(Self)
    }

    fn encoded_len(&self) -> usize {
        20
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out.copy_from_slice(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_twenty_bytes() {
        let raw = RawAttribute {
            typ: MessageIntegrity::TYPE,
            value: &[0; 16],
            offset: 20,
            ignored: false,
        };
        assert_eq!(
            MessageIntegrity::decode(raw, &TransactionId::default()),
            Err(raw.invalid_length())
        );
    }
}
