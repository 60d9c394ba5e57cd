//! Encoding: [`MessageBuilder`] writes a message straight into a caller's `Vec<u8>`
//! ([`MessageBuilder::new`]) or fixed `&mut [u8]` ([`MessageBuilder::new_in`]).
//!
//! The header goes first; each [`add`](MessageBuilder::add) appends one attribute (value and
//! padding) and keeps the header's length current. MESSAGE-INTEGRITY,
//! MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are consuming finalizers: once one is written the
//! builder is gone, so no attribute can follow it, and the type of what is returned only offers
//! what RFC 8489 §14.5–14.7 allows next. Nothing is allocated besides the growth of the
//! caller's buffer (reserve it once and reuse it).
//!
//! Errors (a value over 65535 bytes, a message over the 16-bit length, a slice too small) are
//! remembered and reported by the finalizer, so `add` can be chained; [`with`](MessageBuilder::with)
//! chains by value, through the finalizers, in one expression:
//!
//! ```
//! use floe_stun::attributes::{Priority, Username};
//! use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
//! let mut buf = [0u8; 128];
//! let typ = MessageType::new(Method::BINDING, Class::Request);
//! let key = IntegrityKey::short_term("pass");
//! let len = MessageBuilder::new_in(&mut buf, typ, TransactionId::from_bytes([7; 12]))
//!     .with(&Username("a:b"))
//!     .with(&Priority(1))
//!     .message_integrity(&key)?
//!     .fingerprint()?
//!     .len();
//! assert_eq!(Message::parse(&buf[..len])?.get::<Priority>()?, Some(Priority(1)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```
//! use floe_stun::attributes::{Lifetime, RequestedTransport};
//! use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
//! let mut buf = Vec::with_capacity(256);
//! let tid = TransactionId::from_bytes([0x11; 12]);
//! let mut b = MessageBuilder::new(&mut buf, MessageType::new(Method::ALLOCATE, Class::Request), tid);
//! b.add(&RequestedTransport::UDP).add(&Lifetime(600));
//! let key = IntegrityKey::long_term_md5("user", "realm", "pass");
//! let bytes = b.message_integrity(&key).unwrap().fingerprint().unwrap();
//! let msg = Message::parse(bytes).unwrap();
//! assert_eq!(msg.get::<Lifetime>().unwrap(), Some(Lifetime(600)));
//! ```

use alloc::vec::Vec;

use crate::attributes::{AnyAttribute, Attribute};
use crate::error::EncodeError;
use crate::header::{HEADER_LEN, MAGIC_COOKIE};
use crate::integrity::{
    IntegrityKey, IntegrityKind, MESSAGE_INTEGRITY_LEN, MESSAGE_INTEGRITY_SHA256_LEN, fingerprint,
    hmac_sha1, hmac_sha256,
};
use crate::out_buf::OutBuf;
use crate::registry::{AttributeType, MessageType};
use crate::transaction_id::TransactionId;

/// Builds one message into a caller's buffer (appending after what it already holds).
#[derive(Debug)]
#[must_use = "a message is only complete after a finalizer (finish, message_integrity, fingerprint)"]
pub struct MessageBuilder<'b> {
    buf: OutBuf<'b>,
    start: usize,
    tid: TransactionId,
    padding: u8,
    error: Option<EncodeError>,
}

impl<'b> MessageBuilder<'b> {
    /// Starts a message: appends the 20-byte header to `buf`.
    pub fn new(buf: &'b mut Vec<u8>, typ: MessageType, tid: TransactionId) -> Self {
        Self::start(OutBuf::Vec(buf), typ, tid)
    }

    /// Starts a message at the first byte of `buf`, a caller's fixed buffer: a message that
    /// does not fit is an [`EncodeError::BufferTooSmall`] from the finalizer, nothing panics.
    ///
    /// ```
    /// use floe_stun::{Class, EncodeError, MessageBuilder, MessageType, Method, TransactionId};
    /// use floe_stun::attributes::Software;
    /// let typ = MessageType::new(Method::BINDING, Class::Request);
    /// let mut small = [0u8; 24];
    /// let b = MessageBuilder::new_in(&mut small, typ, TransactionId::from_bytes([1; 12]));
    /// let err = b.with(&Software("too long for 24 bytes")).finish().unwrap_err();
    /// assert!(matches!(err, EncodeError::BufferTooSmall { available: 24, .. }));
    /// ```
    pub fn new_in(buf: &'b mut [u8], typ: MessageType, tid: TransactionId) -> Self {
        Self::start(OutBuf::Slice { buf, len: 0 }, typ, tid)
    }

    fn start(mut buf: OutBuf<'b>, typ: MessageType, tid: TransactionId) -> Self {
        let start = buf.len();
        let mut header = [0u8; HEADER_LEN];
        header[..2].copy_from_slice(&typ.to_u16().to_be_bytes());
        header[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        header[8..].copy_from_slice(tid.as_bytes());
        let error = (!buf.extend(&header)).then(|| EncodeError::BufferTooSmall {
            needed: HEADER_LEN,
            available: buf.capacity(),
        });
        Self {
            buf,
            start,
            tid,
            padding: 0,
            error,
        }
    }

    /// Appends a typed attribute and hands the builder on: [`add`](Self::add) by value, to
    /// chain through a finalizer in one expression.
    pub fn with<'v, A: Attribute<'v>>(mut self, attr: &A) -> Self {
        self.add(attr);
        self
    }

    /// The byte used to pad values to 4 bytes (0 by default; RFC 5769's vectors use 0x20).
    pub fn padding_byte(&mut self, byte: u8) -> &mut Self {
        self.padding = byte;
        self
    }

    /// The transaction id being written.
    #[must_use]
    pub const fn transaction_id(&self) -> &TransactionId {
        &self.tid
    }

    /// Current length of the message body (after the header).
    #[must_use]
    pub fn body_len(&self) -> usize {
        self.buf.len() - self.start - HEADER_LEN
    }

    /// Appends a typed attribute.
    pub fn add<'v, A: Attribute<'v>>(&mut self, attr: &A) -> &mut Self {
        let len = attr.encoded_len();
        let tid = self.tid;
        if let Some(value) = self.reserve(A::TYPE, len) {
            attr.encode(&tid, value);
        }
        self
    }

    /// Appends an [`AnyAttribute`] (typed or raw).
    pub fn add_any(&mut self, attr: &AnyAttribute<'_>) -> &mut Self {
        let tid = self.tid;
        if let Some(out) = self.reserve(attr.attribute_type(), attr.encoded_len()) {
            attr.encode(&tid, out);
        }
        self
    }

    /// Appends an attribute from its type and raw value (unknown attributes, replays).
    pub fn add_raw(&mut self, typ: AttributeType, value: &[u8]) -> &mut Self {
        if let Some(out) = self.reserve(typ, value.len()) {
            out.copy_from_slice(value);
        }
        self
    }

    /// Writes the TLV header and padding for a value of `len` bytes and returns the value slice,
    /// or records an error and returns `None`.
    fn reserve(&mut self, typ: AttributeType, len: usize) -> Option<&mut [u8]> {
        if self.error.is_some() {
            return None;
        }
        let Ok(len16) = u16::try_from(len) else {
            self.error = Some(EncodeError::ValueTooLong { typ, len });
            return None;
        };
        let padded = (len + 3) & !3;
        let body = self.body_len() + 4 + padded;
        if body > usize::from(u16::MAX) {
            self.error = Some(EncodeError::MessageTooLong { len: body });
            return None;
        }
        let mut tlv = [0u8; 4];
        tlv[..2].copy_from_slice(&typ.0.to_be_bytes());
        tlv[2..].copy_from_slice(&len16.to_be_bytes());
        let at = self.buf.len() + 4;
        if self.buf.capacity() < at + padded || !self.buf.extend(&tlv) {
            self.error = Some(EncodeError::BufferTooSmall {
                needed: at + padded,
                available: self.buf.capacity(),
            });
            return None;
        }
        self.buf.fill(padded, self.padding);
        self.set_length(body);
        Some(&mut self.buf.bytes_mut()[at..at + len])
    }

    fn set_length(&mut self, body: usize) {
        let at = self.start + 2;
        self.buf.bytes_mut()[at..at + 2].copy_from_slice(&(body as u16).to_be_bytes());
    }

    fn message(&self) -> &[u8] {
        &self.buf.bytes()[self.start..]
    }

    fn check(&self) -> Result<(), EncodeError> {
        self.error.map_or(Ok(()), Err)
    }

    /// Finishes with the integrity attribute of `signer` (none when `None`) and, when
    /// `fingerprint` is set, FINGERPRINT: the one call for code that signs with whichever
    /// mechanism a request used (RFC 8489 §9.1.4, §9.2.5).
    ///
    /// ```
    /// use floe_stun::{Class, IntegrityKey, IntegrityKind, Message, MessageBuilder, MessageType, Method, TransactionId};
    /// let key = IntegrityKey::short_term("pwd");
    /// let mut buf = Vec::new();
    /// let typ = MessageType::new(Method::BINDING, Class::Success);
    /// let b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([1; 12]));
    /// b.seal(Some((&key, IntegrityKind::Sha256)), true).unwrap();
    /// let m = Message::parse(&buf).unwrap();
    /// assert_eq!(m.integrity_kind(), Some(IntegrityKind::Sha256));
    /// m.verify_fingerprint().unwrap();
    /// ```
    ///
    /// # Errors
    /// The first [`EncodeError`] met while adding attributes, or the message grew too long.
    pub fn seal(
        self,
        signer: Option<(&IntegrityKey<'_>, IntegrityKind)>,
        fingerprint: bool,
    ) -> Result<&'b [u8], EncodeError> {
        match signer {
            None if fingerprint => self.fingerprint(),
            None => self.finish(),
            Some((key, IntegrityKind::Sha1)) => {
                let s = self.message_integrity(key)?;
                if fingerprint {
                    s.fingerprint()
                } else {
                    s.finish()
                }
            }
            Some((key, IntegrityKind::Sha256)) => {
                let s = self.message_integrity_sha256(key)?;
                if fingerprint {
                    s.fingerprint()
                } else {
                    s.finish()
                }
            }
        }
    }

    /// Finishes without integrity or fingerprint.
    ///
    /// # Errors
    /// The first [`EncodeError`] met while adding attributes.
    pub fn finish(self) -> Result<&'b [u8], EncodeError> {
        self.check()?;
        let start = self.start;
        Ok(self.buf.into_tail(start))
    }

    /// Appends MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5). Afterwards only
    /// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT may follow.
    ///
    /// # Errors
    /// The first [`EncodeError`] met while adding attributes, or the message got too long.
    pub fn message_integrity(
        mut self,
        key: &IntegrityKey<'_>,
    ) -> Result<WithIntegrity<'b>, EncodeError> {
        self.check()?;
        let offset = self.buf.len() - self.start;
        // Reserve first: the length field must already count the attribute.
        self.add_raw(
            AttributeType::MESSAGE_INTEGRITY,
            &[0; MESSAGE_INTEGRITY_LEN],
        );
        self.check()?;
        let mac = hmac_sha1(key, self.message(), offset);
        let at = self.start + offset + 4;
        self.buf.bytes_mut()[at..at + MESSAGE_INTEGRITY_LEN].copy_from_slice(&mac);
        Ok(WithIntegrity { inner: self })
    }

    /// Appends an untruncated MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6). Afterwards only
    /// FINGERPRINT may follow.
    ///
    /// # Errors
    /// As [`message_integrity`](Self::message_integrity).
    pub fn message_integrity_sha256(
        self,
        key: &IntegrityKey<'_>,
    ) -> Result<Sealed<'b>, EncodeError> {
        self.message_integrity_sha256_truncated(key, MESSAGE_INTEGRITY_SHA256_LEN)
    }

    /// Appends MESSAGE-INTEGRITY-SHA256 truncated to `len` bytes: 16..=32, a multiple of 4
    /// (RFC 8489 §14.6).
    ///
    /// # Errors
    /// [`EncodeError::InvalidTruncation`], or as [`message_integrity`](Self::message_integrity).
    pub fn message_integrity_sha256_truncated(
        mut self,
        key: &IntegrityKey<'_>,
        len: usize,
    ) -> Result<Sealed<'b>, EncodeError> {
        self.check()?;
        if !crate::attributes::MessageIntegritySha256::valid_len(len) {
            return Err(EncodeError::InvalidTruncation { len });
        }
        let offset = self.buf.len() - self.start;
        self.add_raw(AttributeType::MESSAGE_INTEGRITY_SHA256, &[0; 32][..len]);
        self.check()?;
        let mac = hmac_sha256(key, self.message(), offset, len);
        let at = self.start + offset + 4;
        self.buf.bytes_mut()[at..at + len].copy_from_slice(&mac[..len]);
        Ok(Sealed { inner: self })
    }

    /// Appends FINGERPRINT (RFC 8489 §14.7) and finishes: it is always last.
    ///
    /// # Errors
    /// The first [`EncodeError`] met while adding attributes, or the message got too long.
    pub fn fingerprint(mut self) -> Result<&'b [u8], EncodeError> {
        self.check()?;
        let offset = self.buf.len() - self.start;
        self.add_raw(AttributeType::FINGERPRINT, &[0; 4]);
        self.check()?;
        let crc = fingerprint(&self.message()[..offset]);
        let at = self.start + offset + 4;
        self.buf.bytes_mut()[at..at + 4].copy_from_slice(&crc.to_be_bytes());
        let start = self.start;
        Ok(self.buf.into_tail(start))
    }
}

/// A message sealed with MESSAGE-INTEGRITY: it can still take MESSAGE-INTEGRITY-SHA256 and
/// FINGERPRINT, nothing else.
#[derive(Debug)]
#[must_use = "finish the message with finish() or fingerprint()"]
pub struct WithIntegrity<'b> {
    inner: MessageBuilder<'b>,
}

impl<'b> WithIntegrity<'b> {
    /// Appends MESSAGE-INTEGRITY-SHA256 after MESSAGE-INTEGRITY.
    ///
    /// # Errors
    /// As [`MessageBuilder::message_integrity_sha256`].
    pub fn message_integrity_sha256(
        self,
        key: &IntegrityKey<'_>,
    ) -> Result<Sealed<'b>, EncodeError> {
        self.inner.message_integrity_sha256(key)
    }

    /// Appends FINGERPRINT and finishes.
    ///
    /// # Errors
    /// As [`MessageBuilder::fingerprint`].
    pub fn fingerprint(self) -> Result<&'b [u8], EncodeError> {
        self.inner.fingerprint()
    }

    /// Finishes without FINGERPRINT.
    ///
    /// # Errors
    /// Never in practice (errors surfaced when sealing); kept for symmetry.
    pub fn finish(self) -> Result<&'b [u8], EncodeError> {
        self.inner.finish()
    }
}

/// A message sealed with MESSAGE-INTEGRITY-SHA256: only FINGERPRINT may follow.
#[derive(Debug)]
#[must_use = "finish the message with finish() or fingerprint()"]
pub struct Sealed<'b> {
    inner: MessageBuilder<'b>,
}

impl<'b> Sealed<'b> {
    /// Appends FINGERPRINT and finishes.
    ///
    /// # Errors
    /// As [`MessageBuilder::fingerprint`].
    pub fn fingerprint(self) -> Result<&'b [u8], EncodeError> {
        self.inner.fingerprint()
    }

    /// Finishes without FINGERPRINT.
    ///
    /// # Errors
    /// Never in practice (errors surfaced when sealing); kept for symmetry.
    pub fn finish(self) -> Result<&'b [u8], EncodeError> {
        self.inner.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Message;
    use crate::attributes::{Data, Software};
    use crate::registry::{Class, Method};

    fn typ() -> MessageType {
        MessageType::new(Method::BINDING, Class::Request)
    }

    #[test]
    fn appends_after_existing_bytes_and_pads() {
        let mut buf = alloc::vec![0xEE; 3];
        let mut b = MessageBuilder::new(&mut buf, typ(), TransactionId::default());
        b.padding_byte(0x20).add(&Software("abc"));
        let bytes = b.finish().unwrap();
        assert_eq!(bytes.len(), 28);
        assert_eq!(&bytes[24..], b"abc ");
        assert_eq!(&buf[..3], &[0xEE; 3]);
        Message::parse(&buf[3..]).unwrap();
    }

    #[test]
    fn too_long_is_reported_and_nothing_half_written() {
        let mut buf = Vec::new();
        let big = alloc::vec![0u8; 70_000];
        let mut b = MessageBuilder::new(&mut buf, typ(), TransactionId::default());
        b.add(&Data(&big));
        assert_eq!(b.body_len(), 0);
        assert_eq!(
            b.fingerprint(),
            Err(EncodeError::ValueTooLong {
                typ: AttributeType::DATA,
                len: 70_000
            })
        );
        let mut buf = Vec::new();
        let chunk = alloc::vec![0u8; 40_000];
        let mut b = MessageBuilder::new(&mut buf, typ(), TransactionId::default());
        b.add(&Data(&chunk)).add(&Data(&chunk));
        assert_eq!(b.finish(), Err(EncodeError::MessageTooLong { len: 80_008 }));
    }

    #[test]
    fn bad_truncation_is_refused() {
        let mut buf = Vec::new();
        let b = MessageBuilder::new(&mut buf, typ(), TransactionId::default());
        let key = IntegrityKey::short_term("k");
        assert_eq!(
            b.message_integrity_sha256_truncated(&key, 18).unwrap_err(),
            EncodeError::InvalidTruncation { len: 18 }
        );
    }

    #[test]
    fn integrity_sha256_truncated_verifies() {
        let key = IntegrityKey::short_term("pw");
        for len in [16, 20, 24, 28, 32] {
            let mut buf = Vec::new();
            let mut b =
                MessageBuilder::new(&mut buf, typ(), TransactionId::from_bytes([len as u8; 12]));
            b.add(&Software("x"));
            let bytes = b
                .message_integrity(&key)
                .unwrap()
                .message_integrity_sha256(&key)
                .unwrap()
                .fingerprint()
                .unwrap();
            let msg = Message::parse(bytes).unwrap();
            msg.verify_message_integrity(&key).unwrap();
            assert_eq!(
                msg.verify_integrity(&key),
                Ok(AttributeType::MESSAGE_INTEGRITY_SHA256)
            );
            msg.verify_fingerprint().unwrap();

            let mut buf = Vec::new();
            let b = MessageBuilder::new(&mut buf, typ(), TransactionId::default());
            let bytes = b
                .message_integrity_sha256_truncated(&key, len)
                .unwrap()
                .finish()
                .unwrap();
            Message::parse(bytes)
                .unwrap()
                .verify_message_integrity_sha256(&key)
                .unwrap();
        }
    }

    /// Into a fixed buffer, a message comes out byte for byte as into a vector when it fits,
    /// and as `BufferTooSmall` at every size short of it (header, attribute, integrity,
    /// fingerprint), never a panic.
    #[test]
    fn a_slice_gets_the_same_bytes_or_a_buffer_error_at_every_size() {
        let key = IntegrityKey::short_term("pass");
        let tid = TransactionId::from_bytes([3; 12]);
        let mut v = Vec::new();
        let expected = MessageBuilder::new(&mut v, typ(), tid)
            .with(&Software("a b c"))
            .with(&Data(&[9; 7]))
            .message_integrity(&key)
            .unwrap()
            .fingerprint()
            .unwrap()
            .to_vec();
        for size in 0..=expected.len() + 4 {
            let mut buf = alloc::vec![0u8; size];
            let out = MessageBuilder::new_in(&mut buf, typ(), tid)
                .with(&Software("a b c"))
                .with(&Data(&[9; 7]))
                .message_integrity(&key)
                .and_then(WithIntegrity::fingerprint)
                .map(<[u8]>::to_vec);
            if size >= expected.len() {
                assert_eq!(out.unwrap(), expected, "size {size}");
            } else {
                assert!(
                    matches!(out, Err(EncodeError::BufferTooSmall { available, .. }) if available == size),
                    "size {size}: {out:?}"
                );
            }
        }
    }
}
