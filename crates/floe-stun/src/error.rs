//! Error types of the codec, one per layer: malformed messages ([`ParseError`]), malformed
//! attribute values ([`AttributeError`]), failed integrity checks ([`IntegrityError`]) and API
//! misuse while encoding ([`EncodeError`]). Every variant carries the byte offset it refers to.

use crate::registry::AttributeType;

/// A STUN message failed the header checks or the attribute walk of [`Message::parse`].
///
/// Offsets count from the first byte of the message.
///
/// [`Message::parse`]: crate::Message::parse
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Fewer than the 20 header bytes are present.
    #[error("message ends at offset {available}, inside the 20-byte header")]
    TruncatedHeader {
        /// Bytes available.
        available: usize,
    },
    /// One of the two most significant bits of the first byte is set (RFC 8489 §5): not STUN.
    #[error("not STUN: first byte {first_byte:#04x} has a top bit set (offset 0)")]
    NotStun {
        /// The first byte.
        first_byte: u8,
    },
    /// The header's message length is not a multiple of 4 (RFC 8489 §5).
    #[error("message length {length} at offset 2 is not a multiple of 4")]
    UnalignedLength {
        /// The length field.
        length: u16,
    },
    /// The header's message length disagrees with the bytes that follow the header.
    #[error("message length {declared} at offset 2 but {available} bytes follow the header")]
    LengthMismatch {
        /// The length field.
        declared: u16,
        /// Bytes after the header.
        available: usize,
    },
    /// Bytes 4..8 are not the magic cookie: an RFC 3489 message (16-byte transaction id), which
    /// this codec reports instead of misreading (RFC 8489 §5, §12).
    #[error("RFC 3489 message without the magic cookie (offset 4: {cookie:#010x})")]
    Rfc3489 {
        /// The 32 bits found where the magic cookie belongs.
        cookie: u32,
    },
    /// An attribute header or value runs past the end of the message.
    #[error("attribute {typ:?} at offset {offset} needs {needed} bytes but {available} remain")]
    TruncatedAttribute {
        /// Offset of the attribute's type field.
        offset: usize,
        /// The attribute type (0 when even the type is cut off).
        typ: AttributeType,
        /// Bytes the attribute needs, header and padding included.
        needed: usize,
        /// Bytes left in the message from `offset`.
        available: usize,
    },
    /// An attribute follows FINGERPRINT, which must be last (RFC 8489 §14.7).
    #[error("attribute {typ:?} at offset {offset} follows FINGERPRINT, which must be last")]
    AfterFingerprint {
        /// Offset of the offending attribute.
        offset: usize,
        /// Its type.
        typ: AttributeType,
    },
}

/// An attribute value is malformed for its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttributeError {
    /// The value length is not one the attribute allows.
    #[error("{typ:?} at offset {offset}: invalid value length {len}")]
    InvalidLength {
        /// The attribute type.
        typ: AttributeType,
        /// Offset of the attribute's type field.
        offset: usize,
        /// The value length.
        len: usize,
    },
    /// Text that must be UTF-8 is not (offset of the first bad byte).
    #[error("{typ:?}: invalid UTF-8 at offset {offset}")]
    InvalidUtf8 {
        /// The attribute type.
        typ: AttributeType,
        /// Offset of the first invalid byte in the message.
        offset: usize,
    },
    /// An address family other than IPv4 (0x01) or IPv6 (0x02).
    #[error("{typ:?}: unknown address family {family:#04x} at offset {offset}")]
    UnknownAddressFamily {
        /// The attribute type.
        typ: AttributeType,
        /// Offset of the family byte.
        offset: usize,
        /// The family byte.
        family: u8,
    },
    /// A field holds a value outside its range (e.g. an error class outside 3..=6).
    #[error("{typ:?}: value out of range at offset {offset}")]
    OutOfRange {
        /// The attribute type.
        typ: AttributeType,
        /// Offset of the field.
        offset: usize,
    },
    /// The attribute is absent ([`Message::require`](crate::Message::require)).
    #[error("attribute {typ:?} is missing")]
    Missing {
        /// The attribute type looked for.
        typ: AttributeType,
    },
}

/// MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 or FINGERPRINT did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntegrityError {
    /// The message carries no integrity attribute of the kind asked for.
    #[error("no {typ:?} attribute")]
    Absent {
        /// The attribute looked for.
        typ: AttributeType,
    },
    /// The integrity attribute has a length its algorithm does not allow (RFC 8489 §14.5, §14.6).
    #[error("{typ:?} at offset {offset} has invalid length {len}")]
    InvalidLength {
        /// The attribute type.
        typ: AttributeType,
        /// Offset of its type field.
        offset: usize,
        /// The value length.
        len: usize,
    },
    /// The HMAC does not match (compared in constant time).
    #[error("{typ:?} at offset {offset} does not match")]
    Mismatch {
        /// The attribute type.
        typ: AttributeType,
        /// Offset of its type field.
        offset: usize,
    },
    /// The FINGERPRINT value is not the CRC-32 of the message (RFC 8489 §14.7).
    #[error("FINGERPRINT at offset {offset}: {found:#010x} but computed {computed:#010x}")]
    FingerprintMismatch {
        /// Offset of the FINGERPRINT type field.
        offset: usize,
        /// The value carried.
        found: u32,
        /// The value computed.
        computed: u32,
    },
}

/// The builder was asked for something the wire format cannot carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// An attribute value longer than 65535 bytes.
    #[error("attribute {typ:?}: value of {len} bytes exceeds 65535")]
    ValueTooLong {
        /// The attribute type.
        typ: AttributeType,
        /// Its value length.
        len: usize,
    },
    /// The caller's fixed buffer ([`MessageBuilder::new_in`](crate::MessageBuilder::new_in))
    /// cannot hold the message.
    #[error("message needs {needed} bytes, the buffer has {available}")]
    BufferTooSmall {
        /// Bytes the message needed so far.
        needed: usize,
        /// The buffer's size.
        available: usize,
    },
    /// The message would exceed the 16-bit length field.
    #[error("message body of {len} bytes exceeds 65535")]
    MessageTooLong {
        /// The body length it would have.
        len: usize,
    },
    /// A truncated MESSAGE-INTEGRITY-SHA256 length outside 16..=32 or not a multiple of 4
    /// (RFC 8489 §14.6).
    #[error("MESSAGE-INTEGRITY-SHA256 truncation to {len} bytes is not allowed")]
    InvalidTruncation {
        /// The requested length.
        len: usize,
    },
    /// A ChannelData channel number outside the range asked for: 0x4000..=0x4FFF (RFC 8656
    /// §12) by default, 0x4000..=0x7FFF with
    /// [`ChannelRange::Rfc5766`](crate::channel_data::ChannelRange::Rfc5766).
    #[error("channel number {channel:#06x} outside the accepted channel range")]
    InvalidChannel {
        /// The channel number.
        channel: u16,
    },
}
