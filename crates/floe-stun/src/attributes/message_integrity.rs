//! MESSAGE-INTEGRITY (RFC 8489 §14.5).

use super::codec::array_attribute;

array_attribute! {
    /// MESSAGE-INTEGRITY (RFC 8489 §14.5): the 20-byte HMAC-SHA1 of the message up to this
    /// attribute. Written by [`MessageBuilder::message_integrity`](crate::MessageBuilder::message_integrity)
    /// and checked by [`Message::verify_integrity`](crate::Message::verify_integrity); decoding it
    /// only reads the bytes.
    ///
    /// ```
    /// use floe_stun::attributes::{Attribute, MessageIntegrity};
    /// assert_eq!(MessageIntegrity([0; 20]).encoded_len(), 20);
    /// ```
    MessageIntegrity, MESSAGE_INTEGRITY, 20
}
