//! The 20-byte message header (RFC 8489 §5) and a cheap peek for demultiplexing.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |0 0|     STUN Message Type     |         Message Length        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Magic Cookie                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                     Transaction ID (96 bits)                  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use crate::error::ParseError;
use crate::registry::MessageType;
use crate::transaction_id::TransactionId;

/// The magic cookie, bytes 4..8 of every RFC 5389/8489 message (RFC 8489 §5).
pub const MAGIC_COOKIE: u32 = 0x2112_A442;

/// Length of the message header in bytes (RFC 8489 §5).
pub const HEADER_LEN: usize = 20;

/// Byte ranges of the header fields.
pub(crate) mod field {
    use core::ops::Range;
    pub(crate) const TYPE: Range<usize> = 0..2;
    pub(crate) const LENGTH: Range<usize> = 2..4;
    pub(crate) const COOKIE: Range<usize> = 4..8;
    pub(crate) const TRANSACTION_ID: Range<usize> = 8..20;
}

/// The fixed header of a STUN message, read without walking the attributes: enough to
/// demultiplex, frame a stream, or match a transaction before paying for a full parse.
///
/// ```
/// use floe_stun::{Class, Header, Method};
/// let mut bytes = [0u8; 20];
/// bytes[..8].copy_from_slice(&[0x01, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
/// let h = Header::peek(&bytes).unwrap();
/// assert_eq!((h.typ.method, h.typ.class), (Method::BINDING, Class::Success));
/// assert_eq!(h.length, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Method and class.
    pub typ: MessageType,
    /// Length of the body after the header (the length field).
    pub length: u16,
    /// The transaction id.
    pub transaction_id: TransactionId,
}

impl Header {
    /// Reads the header from the first 20 bytes of `bytes`: checks the two zero bits, the
    /// magic cookie and the length alignment, but not that the body is present.
    ///
    /// # Errors
    /// [`ParseError::TruncatedHeader`], [`ParseError::NotStun`], [`ParseError::UnalignedLength`]
    /// or [`ParseError::Rfc3489`].
    pub fn peek(bytes: &[u8]) -> Result<Self, ParseError> {
        let Some(head) = bytes.first_chunk::<HEADER_LEN>() else {
            return Err(ParseError::TruncatedHeader {
                available: bytes.len(),
            });
        };
        let [t0, t1] = [head[field::TYPE.start], head[field::TYPE.start + 1]];
        if t0 & 0xC0 != 0 {
            return Err(ParseError::NotStun { first_byte: t0 });
        }
        let length = u16::from_be_bytes([head[field::LENGTH.start], head[field::LENGTH.start + 1]]);
        if length % 4 != 0 {
            return Err(ParseError::UnalignedLength { length });
        }
        let mut cookie = [0; 4];
        cookie.copy_from_slice(&head[field::COOKIE]);
        let cookie = u32::from_be_bytes(cookie);
        if cookie != MAGIC_COOKIE {
            return Err(ParseError::Rfc3489 { cookie });
        }
        let typ = MessageType::from_u16(u16::from_be_bytes([t0, t1]));
        let mut tid = [0; 12];
        tid.copy_from_slice(&head[field::TRANSACTION_ID]);
        Ok(Self {
            typ,
            length,
            transaction_id: TransactionId(tid),
        })
    }

    /// Total length of the message: header plus body.
    #[must_use]
    pub const fn message_len(&self) -> usize {
        HEADER_LEN + self.length as usize
    }
}

/// Whether `bytes` starts with something that looks like an RFC 5389/8489 STUN header (two
/// zero bits, aligned length, magic cookie). Cheap: no attribute walk.
///
/// ```
/// assert!(!floe_stun::is_stun(&[0x80; 28]));
/// ```
#[must_use]
pub fn is_stun(bytes: &[u8]) -> bool {
    Header::peek(bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peek_rejects() {
        assert_eq!(
            Header::peek(&[0; 3]),
            Err(ParseError::TruncatedHeader { available: 3 })
        );
        let mut b = [0u8; 20];
        b[0] = 0x80;
        assert_eq!(
            Header::peek(&b),
            Err(ParseError::NotStun { first_byte: 0x80 })
        );
        b[0] = 0;
        b[3] = 2;
        assert_eq!(
            Header::peek(&b),
            Err(ParseError::UnalignedLength { length: 2 })
        );
        b[3] = 4;
        assert_eq!(Header::peek(&b), Err(ParseError::Rfc3489 { cookie: 0 }));
        b[field::COOKIE].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        b[field::TYPE].copy_from_slice(&[0, 1]);
        let h = Header::peek(&b).unwrap();
        assert_eq!(h.message_len(), 24);
    }
}
