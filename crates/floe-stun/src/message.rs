//! The borrowed message view: [`Message::parse`] validates once, then every accessor is total.
//!
//! # Validation contract
//! `parse` checks the header (two zero bits, magic cookie, length a multiple of 4 and equal to
//! the bytes that follow) and walks every attribute once: each TLV, with its padding to 4 bytes,
//! must fit in the message, and nothing may follow FINGERPRINT. Padding contents are ignored.
//! After that no accessor can panic or read out of bounds; typed values are decoded on demand
//! and can still fail with an [`AttributeError`].
//!
//! Attributes that follow MESSAGE-INTEGRITY (other than MESSAGE-INTEGRITY-SHA256 and
//! FINGERPRINT), or that follow MESSAGE-INTEGRITY-SHA256 (other than FINGERPRINT), are not
//! protected and RFC 8489 §14.5–14.6 says to ignore them: [`Message::attributes`] still yields
//! them (nothing is dropped) with [`RawAttribute::ignored`] set, and the typed lookups skip them.
//!
//! ```
//! use floe_stun::{attributes::XorMappedAddress, Class, Message, MessageBuilder, MessageType,
//!                 Method, TransactionId};
//! let tid = TransactionId::from_bytes([1; 12]);
//! let mut buf = Vec::new();
//! let mut b = MessageBuilder::new(&mut buf, MessageType::new(Method::BINDING, Class::Success), tid);
//! b.add(&XorMappedAddress("192.0.2.1:32853".parse().unwrap()));
//! let bytes = b.fingerprint().unwrap();
//!
//! let msg = Message::parse(bytes).unwrap();
//! assert_eq!(msg.method(), Method::BINDING);
//! assert_eq!(msg.get::<XorMappedAddress>().unwrap().unwrap().0.port(), 32853);
//! msg.verify_fingerprint().unwrap();
//! ```

use core::fmt;

use crate::attributes::Attribute;
use crate::error::{AttributeError, ParseError};
use crate::header::{HEADER_LEN, Header};
use crate::registry::{AttributeType, Class, MessageType, Method};
use crate::transaction_id::TransactionId;

/// One attribute as it appears on the wire: type, value (without padding) and position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAttribute<'a> {
    /// The attribute type.
    pub typ: AttributeType,
    /// The value, without padding.
    pub value: &'a [u8],
    /// Offset of the attribute's type field from the start of the message.
    pub offset: usize,
    /// Whether RFC 8489 says to ignore it because it follows MESSAGE-INTEGRITY(-SHA256).
    pub ignored: bool,
}

impl RawAttribute<'_> {
    /// Offset of the first value byte in the message.
    #[must_use]
    pub const fn value_offset(&self) -> usize {
        self.offset + 4
    }

    /// An [`AttributeError::InvalidLength`] for this attribute.
    #[must_use]
    pub const fn invalid_length(&self) -> AttributeError {
        AttributeError::InvalidLength {
            typ: self.typ,
            offset: self.offset,
            len: self.value.len(),
        }
    }
}

/// Offset of nothing: attributes start at 20, so 0 marks "absent".
const ABSENT: u32 = 0;

/// A validated, borrowed STUN message.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    bytes: &'a [u8],
    header: Header,
    /// Offset of the first MESSAGE-INTEGRITY, or [`ABSENT`].
    integrity: u32,
    /// Offset of the MESSAGE-INTEGRITY-SHA256 that counts, or [`ABSENT`].
    integrity_sha256: u32,
    /// Offset of FINGERPRINT, or [`ABSENT`].
    fingerprint: u32,
    /// Offset from which ordinary attributes are ignored (end of message when no integrity).
    protected_end: u32,
    /// Where the first occurrence of each [`HOT`] attribute type starts, counted from the end
    /// of the header, or [`NOT_SEEN`]: the attributes an ICE agent reads from every check and
    /// response, found in the one pass `parse` makes anyway, so that reading them is one jump
    /// instead of a walk over the attributes.
    hot: [u16; HOT.len()],
}

/// The attribute types `parse` indexes: what an ICE check carries (RFC 8445 §7.1.1, RFC 8489
/// §14.3), what its response carries (§14.2), and what a TURN Send or Data indication carries
/// (RFC 8656 §11).
const HOT: [AttributeType; 8] = [
    AttributeType::USERNAME,
    AttributeType::PRIORITY,
    AttributeType::USE_CANDIDATE,
    AttributeType::ICE_CONTROLLED,
    AttributeType::ICE_CONTROLLING,
    AttributeType::XOR_MAPPED_ADDRESS,
    AttributeType::XOR_PEER_ADDRESS,
    AttributeType::DATA,
];

/// An index entry for a type not seen (before any integrity attribute). Offsets past the header
/// are at most 65,532, so the value never names an attribute.
const NOT_SEEN: u16 = u16::MAX;

/// The slot of `typ` in [`HOT`]; a constant for each attribute type `get` is called with, and
/// one jump in `parse` (a match, not a search: it runs for every attribute).
const fn hot_slot(typ: AttributeType) -> Option<usize> {
    match typ.0 {
        0x0006 => Some(0),
        0x0024 => Some(1),
        0x0025 => Some(2),
        0x8029 => Some(3),
        0x802A => Some(4),
        0x0020 => Some(5),
        0x0012 => Some(6),
        0x0013 => Some(7),
        _ => None,
    }
}

impl<'a> Message<'a> {
    /// Parses and validates a whole message: `bytes` must be exactly one message (use
    /// [`crate::framing`] on streams). Allocates nothing.
    ///
    /// # Errors
    /// A [`ParseError`] naming what is wrong and at which offset.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let header = Header::peek(bytes)?;
        let available = bytes.len() - HEADER_LEN;
        if usize::from(header.length) != available {
            return Err(ParseError::LengthMismatch {
                declared: header.length,
                available,
            });
        }
        let mut msg = Self {
            bytes,
            header,
            integrity: ABSENT,
            integrity_sha256: ABSENT,
            fingerprint: ABSENT,
            protected_end: bytes.len() as u32,
            hot: [NOT_SEEN; HOT.len()],
        };
        let mut offset = HEADER_LEN;
        while offset < bytes.len() {
            let (typ, len) = tlv_header(bytes, offset)?;
            let padded = (len + 3) & !3;
            let remaining = bytes.len() - offset;
            if 4 + padded > remaining {
                return Err(ParseError::TruncatedAttribute {
                    offset,
                    typ,
                    needed: 4 + padded,
                    available: remaining,
                });
            }
            if msg.fingerprint != ABSENT {
                return Err(ParseError::AfterFingerprint { offset, typ });
            }
            let at = offset as u32;
            match typ {
                AttributeType::FINGERPRINT => msg.fingerprint = at,
                AttributeType::MESSAGE_INTEGRITY
                    if msg.integrity == ABSENT && msg.integrity_sha256 == ABSENT =>
                {
                    msg.integrity = at;
                    msg.protected_end = at;
                }
                AttributeType::MESSAGE_INTEGRITY_SHA256 if msg.integrity_sha256 == ABSENT => {
                    msg.integrity_sha256 = at;
                    msg.protected_end = msg.protected_end.min(at);
                }
                // Only before any integrity attribute: those after it are ignored (RFC 8489
                // §14.5), as `raw` skips them.
                _ if msg.integrity == ABSENT && msg.integrity_sha256 == ABSENT => {
                    if let Some(i) = hot_slot(typ)
                        && msg.hot[i] == NOT_SEEN
                    {
                        msg.hot[i] = (offset - HEADER_LEN) as u16;
                    }
                }
                _ => {}
            }
            offset += 4 + padded;
        }
        Ok(msg)
    }

    /// The whole message.
    #[must_use]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The header fields.
    #[must_use]
    pub const fn header(&self) -> &Header {
        &self.header
    }

    /// Method and class.
    #[must_use]
    pub const fn message_type(&self) -> MessageType {
        self.header.typ
    }

    /// The method.
    #[must_use]
    pub const fn method(&self) -> Method {
        self.header.typ.method
    }

    /// The class.
    #[must_use]
    pub const fn class(&self) -> Class {
        self.header.typ.class
    }

    /// The transaction id.
    #[must_use]
    pub const fn transaction_id(&self) -> &TransactionId {
        &self.header.transaction_id
    }

    /// Every attribute in wire order, ignored ones included (see [`RawAttribute::ignored`]).
    #[must_use]
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes {
            msg: *self,
            offset: HEADER_LEN,
        }
    }

    /// The first attribute of type `typ` that is not ignored.
    #[must_use]
    pub fn raw(&self, typ: AttributeType) -> Option<RawAttribute<'a>> {
        if let Some(i) = hot_slot(typ) {
            return match self.hot[i] {
                NOT_SEEN => None,
                at => Attributes {
                    msg: *self,
                    offset: HEADER_LEN + usize::from(at),
                }
                .next(),
            };
        }
        self.attributes().find(|a| a.typ == typ && !a.ignored)
    }

    /// Every occurrence of type `typ` that is not ignored (e.g. several XOR-PEER-ADDRESS).
    pub fn raw_all(&self, typ: AttributeType) -> impl Iterator<Item = RawAttribute<'a>> + 'a {
        self.attributes()
            .filter(move |a| a.typ == typ && !a.ignored)
    }

    /// Decodes the first occurrence of `A`: `Ok(None)` when absent, `Err` when malformed.
    ///
    /// # Errors
    /// The attribute's [`AttributeError`] when its value is malformed.
    pub fn get<A: Attribute<'a>>(&self) -> Result<Option<A>, AttributeError> {
        match self.raw(A::TYPE) {
            Some(raw) => A::decode(raw, self.transaction_id()).map(Some),
            None => Ok(None),
        }
    }

    /// Decodes the first occurrence of `A`, which must be present.
    ///
    /// # Errors
    /// [`AttributeError::Missing`] when absent, or the attribute's own error when malformed.
    pub fn require<A: Attribute<'a>>(&self) -> Result<A, AttributeError> {
        self.get::<A>()?
            .ok_or(AttributeError::Missing { typ: A::TYPE })
    }

    /// Decodes every occurrence of `A` in wire order.
    pub fn get_all<A: Attribute<'a> + 'a>(
        &self,
    ) -> impl Iterator<Item = Result<A, AttributeError>> + 'a {
        let tid = self.header.transaction_id;
        self.raw_all(A::TYPE).map(move |raw| A::decode(raw, &tid))
    }

    /// Comprehension-required attributes (0x0000..=0x7FFF) for which `known` returns false: the
    /// list a server puts in UNKNOWN-ATTRIBUTES of a 420 response (RFC 8489 §6.3.1).
    pub fn unknown_comprehension_required<F>(
        &self,
        known: F,
    ) -> impl Iterator<Item = AttributeType> + 'a
    where
        F: Fn(AttributeType) -> bool + 'a,
    {
        self.attributes()
            .filter(move |a| !a.ignored && a.typ.is_comprehension_required() && !known(a.typ))
            .map(|a| a.typ)
    }

    /// Offset of the MESSAGE-INTEGRITY that counts, if any.
    #[must_use]
    pub fn integrity_offset(&self) -> Option<usize> {
        present(self.integrity)
    }

    /// Offset of the MESSAGE-INTEGRITY-SHA256 that counts, if any.
    #[must_use]
    pub fn integrity_sha256_offset(&self) -> Option<usize> {
        present(self.integrity_sha256)
    }

    /// Offset of FINGERPRINT, if any (always the last attribute).
    #[must_use]
    pub fn fingerprint_offset(&self) -> Option<usize> {
        present(self.fingerprint)
    }

    /// The attribute at a known valid offset (one recorded during parse).
    pub(crate) fn attribute_at(&self, offset: usize) -> Option<RawAttribute<'a>> {
        let (typ, len) = tlv_header(self.bytes, offset).ok()?;
        let value = self.bytes.get(offset + 4..offset + 4 + len)?;
        Some(RawAttribute {
            typ,
            value,
            offset,
            ignored: false,
        })
    }

    fn is_ignored(&self, typ: AttributeType, offset: u32) -> bool {
        offset >= self.protected_end
            && offset != self.integrity
            && offset != self.integrity_sha256
            && !(offset == self.fingerprint && typ == AttributeType::FINGERPRINT)
    }
}

fn present(offset: u32) -> Option<usize> {
    (offset != ABSENT).then_some(offset as usize)
}

/// Reads a TLV header at `offset`.
fn tlv_header(bytes: &[u8], offset: usize) -> Result<(AttributeType, usize), ParseError> {
    match bytes.get(offset..offset + 4) {
        Some(&[t0, t1, l0, l1]) => Ok((
            AttributeType(u16::from_be_bytes([t0, t1])),
            usize::from(u16::from_be_bytes([l0, l1])),
        )),
        _ => Err(ParseError::TruncatedAttribute {
            offset,
            typ: AttributeType(0),
            needed: 4,
            available: bytes.len().saturating_sub(offset),
        }),
    }
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("type", &self.header.typ)
            .field("transaction_id", &self.header.transaction_id)
            .field("attributes", &DebugAttributes(*self))
            .finish()
    }
}

struct DebugAttributes<'a>(Message<'a>);

impl fmt::Debug for DebugAttributes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.attributes().map(|a| a.typ))
            .finish()
    }
}

/// Iterator over the attributes of a [`Message`] in wire order.
#[derive(Debug, Clone)]
pub struct Attributes<'a> {
    msg: Message<'a>,
    offset: usize,
}

impl<'a> Iterator for Attributes<'a> {
    type Item = RawAttribute<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.msg.bytes;
        let (typ, len) = tlv_header(bytes, self.offset).ok()?;
        let offset = self.offset;
        let value = bytes.get(offset + 4..offset + 4 + len)?;
        self.offset = offset + 4 + ((len + 3) & !3);
        let ignored = self.msg.is_ignored(typ, offset as u32);
        Some(RawAttribute {
            typ,
            value,
            offset,
            ignored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::MAGIC_COOKIE;
    use alloc::vec::Vec;

    fn message(attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&[0x00, 0x01, 0, 0]);
        v.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
        v.extend_from_slice(&[9; 12]);
        for (t, val) in attrs {
            v.extend_from_slice(&t.to_be_bytes());
            v.extend_from_slice(&(val.len() as u16).to_be_bytes());
            v.extend_from_slice(val);
            while v.len() % 4 != 0 {
                v.push(0xa5);
            }
        }
        let len = (v.len() - 20) as u16;
        v[2..4].copy_from_slice(&len.to_be_bytes());
        v
    }

    /// The index `parse` builds answers as the walk over the attributes does: the first
    /// occurrence, none after MESSAGE-INTEGRITY, duplicates and absent types included.
    #[test]
    fn indexed_types_read_as_the_walk_finds_them() {
        fn walk<'a>(m: &Message<'a>, t: AttributeType) -> Option<RawAttribute<'a>> {
            m.attributes().find(|a| a.typ == t && !a.ignored)
        }
        let cases: [&[(u16, &[u8])]; 4] = [
            &[
                (0x0006, b"a:b"),
                (0x0024, &[0, 0, 0, 1]),
                (0x0024, &[0, 0, 0, 2]),
                (0x8029, &[7; 8]),
            ],
            &[
                (0x0024, &[0, 0, 0, 1]),
                (0x0008, &[0; 20]),
                (0x0006, b"late"),
                (0x0025, b""),
            ],
            &[
                (0x8022, b"software"),
                (0x0020, &[0, 1, 0, 9, 1, 2, 3, 4]),
                (0x001C, &[0; 32]),
                (0x802A, &[1; 8]),
            ],
            &[],
        ];
        for (i, t) in HOT.into_iter().enumerate() {
            assert_eq!(hot_slot(t), Some(i), "{t:?}");
        }
        for attrs in cases {
            let bytes = message(attrs);
            let m = Message::parse(&bytes).unwrap();
            for t in HOT
                .into_iter()
                .chain([AttributeType::SOFTWARE, AttributeType(0x7777)])
            {
                assert_eq!(m.raw(t), walk(&m, t), "{t:?} in {attrs:?}");
            }
        }
    }

    #[test]
    fn walks_with_padding() {
        let bytes = message(&[(0x0006, b"abc"), (0x7777, b"12345")]);
        let msg = Message::parse(&bytes).unwrap();
        let attrs: Vec<_> = msg.attributes().collect();
        assert_eq!(attrs.len(), 2);
        assert_eq!(attrs[0].value, b"abc");
        assert_eq!(attrs[1].typ, AttributeType(0x7777));
        assert_eq!(attrs[1].offset, 28);
        assert_eq!(attrs[1].value, b"12345");
    }

    #[test]
    fn rejects_bad_lengths() {
        let mut bytes = message(&[(0x0006, b"abcd")]);
        bytes[2..4].copy_from_slice(&12u16.to_be_bytes());
        assert_eq!(
            Message::parse(&bytes[..]),
            Err(ParseError::LengthMismatch {
                declared: 12,
                available: 8
            })
        );
        let mut bytes = message(&[(0x0006, b"abcd")]);
        bytes[22..24].copy_from_slice(&5u16.to_be_bytes());
        assert_eq!(
            Message::parse(&bytes),
            Err(ParseError::TruncatedAttribute {
                offset: 20,
                typ: AttributeType::USERNAME,
                needed: 12,
                available: 8
            })
        );
    }

    #[test]
    fn after_fingerprint_is_rejected() {
        let bytes = message(&[(0x8028, &[0; 4]), (0x0006, b"abcd")]);
        assert_eq!(
            Message::parse(&bytes),
            Err(ParseError::AfterFingerprint {
                offset: 28,
                typ: AttributeType::USERNAME
            })
        );
    }

    #[test]
    fn attributes_after_integrity_are_ignored() {
        let bytes = message(&[
            (0x0006, b"user"),
            (0x0008, &[0; 20]),
            (0x0006, b"evil"),
            (0x001C, &[0; 32]),
            (0x0008, &[1; 20]),
            (0x8028, &[0; 4]),
        ]);
        let msg = Message::parse(&bytes).unwrap();
        let ignored: Vec<_> = msg.attributes().map(|a| a.ignored).collect();
        assert_eq!(ignored, [false, false, true, false, true, false]);
        assert_eq!(msg.raw(AttributeType::USERNAME).unwrap().value, b"user");
        assert_eq!(msg.raw_all(AttributeType::USERNAME).count(), 1);
        assert_eq!(msg.integrity_offset(), Some(28));
        assert_eq!(msg.integrity_sha256_offset(), Some(60));
        assert_eq!(msg.fingerprint_offset(), Some(120));
    }

    #[test]
    fn unknown_required() {
        let bytes = message(&[(0x00AA, b""), (0x0006, b"abc"), (0x80AA, b"")]);
        let msg = Message::parse(&bytes).unwrap();
        let unknown: Vec<_> = msg
            .unknown_comprehension_required(|t| t == AttributeType::USERNAME)
            .collect();
        assert_eq!(unknown, [AttributeType(0x00AA)]);
    }
}
