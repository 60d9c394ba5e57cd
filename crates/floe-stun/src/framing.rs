//! Framing STUN and ChannelData on a byte stream (TCP, TLS): RFC 8489 §6.2.2 lets STUN
//! messages follow each other on a stream, and RFC 8656 §12.5 pads ChannelData to 4 bytes there.
//!
//! [`next_frame`] is stateless: given the bytes received so far it says how long the first
//! frame is, or how many bytes are needed before it can tell. [`StreamFramer`] adds a buffer.
//!
//! ```
//! use floe_stun::framing::{next_frame, FrameKind, FrameStatus};
//! let stream = [0x40, 0x01, 0x00, 0x02, 0xAA, 0xBB, 0x00, 0x00];
//! assert_eq!(next_frame(&stream[..3]), Ok(FrameStatus::NeedMore { at_least: 4 }));
//! assert_eq!(next_frame(&stream[..6]), Ok(FrameStatus::NeedMore { at_least: 8 }));
//! assert_eq!(next_frame(&stream), Ok(FrameStatus::Ready { kind: FrameKind::ChannelData, len: 8 }));
//! ```

use alloc::vec::Vec;
use core::ops::Range;

use crate::channel_data::CHANNEL_DATA_HEADER_LEN;
use crate::header::HEADER_LEN;

/// What a frame holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrameKind {
    /// A STUN message (parse it with [`crate::Message::parse`]).
    Stun,
    /// A ChannelData message, padding included (parse it with
    /// [`crate::channel_data::ChannelData::parse`]).
    ChannelData,
}

/// The state of the first frame in a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrameStatus {
    /// The first `len` bytes are one complete frame.
    Ready {
        /// What the frame holds.
        kind: FrameKind,
        /// Its length on the stream.
        len: usize,
    },
    /// Not enough bytes yet: at least `at_least` in total are needed.
    NeedMore {
        /// Total bytes needed before asking again.
        at_least: usize,
    },
}

/// The stream cannot be framed: it is out of sync or not STUN/ChannelData at all. The
/// connection should be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// The first byte is neither STUN (top bits 00) nor a channel (0x40..=0x7F).
    #[error("byte {first_byte:#04x} at offset {offset} starts neither STUN nor ChannelData")]
    UnknownFrame {
        /// Stream offset of the frame (0 for [`next_frame`]).
        offset: u64,
        /// The first byte.
        first_byte: u8,
    },
    /// A STUN length that is not a multiple of 4 (RFC 8489 §5).
    #[error("STUN length {length} at offset {offset} is not a multiple of 4")]
    UnalignedLength {
        /// Stream offset of the frame.
        offset: u64,
        /// The length field.
        length: u16,
    },
}

/// Length of the first frame in `buf`, or how many bytes are needed to know it.
///
/// Channel frames are recognised over the whole RFC 5766 range 0x4000..=0x7FFF (first byte
/// 0x40..=0x7F): RFC 8656 §12 narrowed valid channels to 0x4000..=0x4FFF, but older servers
/// still bind the rest, and framing must not lose sync on them: this is
/// [`ChannelRange::Rfc5766`](crate::channel_data::ChannelRange::Rfc5766). Whether the channel is
/// valid is for [`ChannelData::parse`](crate::channel_data::ChannelData::parse) (RFC 8656) or
/// [`ChannelData::parse_with`](crate::channel_data::ChannelData::parse_with) to decide.
///
/// # Errors
/// A [`FramingError`] when the bytes cannot start a STUN or ChannelData message.
pub fn next_frame(buf: &[u8]) -> Result<FrameStatus, FramingError> {
    let Some(&[b0, _, l0, l1]) = buf.first_chunk::<4>() else {
        return Ok(FrameStatus::NeedMore { at_least: 4 });
    };
    let length = u16::from_be_bytes([l0, l1]);
    let (kind, len) = if b0 & 0xC0 == 0 {
        if length % 4 != 0 {
            return Err(FramingError::UnalignedLength { offset: 0, length });
        }
        (FrameKind::Stun, HEADER_LEN + usize::from(length))
    } else if (0x40..=0x7F).contains(&b0) {
        let len = (CHANNEL_DATA_HEADER_LEN + usize::from(length) + 3) & !3;
        (FrameKind::ChannelData, len)
    } else {
        return Err(FramingError::UnknownFrame {
            offset: 0,
            first_byte: b0,
        });
    };
    if buf.len() < len {
        Ok(FrameStatus::NeedMore { at_least: len })
    } else {
        Ok(FrameStatus::Ready { kind, len })
    }
}

/// A buffering framer: push what the socket gave you, pop whole frames.
///
/// Memory stays bounded as long as frames are popped after each push: a frame is at most
/// 65,555 bytes (STUN) or 65,539 (ChannelData), and nothing else is kept.
///
/// ```
/// use floe_stun::framing::{FrameKind, StreamFramer};
/// let mut f = StreamFramer::new();
/// f.push(&[0x40, 0x00, 0x00, 0x01]);
/// assert!(f.pop().unwrap().is_none()); // need more bytes
/// f.push(&[0x7A, 0, 0, 0x40, 0x00]);
/// let (kind, frame) = f.pop().unwrap().unwrap();
/// assert_eq!((kind, frame.len()), (FrameKind::ChannelData, 8));
/// assert!(f.pop().unwrap().is_none());
/// assert_eq!(f.buffered(), 1);
/// ```
#[derive(Debug, Default, Clone)]
pub struct StreamFramer {
    buf: Vec<u8>,
    read: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
}

impl StreamFramer {
    /// An empty framer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.read > 0 {
            self.buf.drain(..self.read);
            self.base += self.read as u64;
            self.read = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes buffered and not yet popped.
    #[must_use]
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.read
    }

    /// The next complete frame, `Ok(None)` when more bytes are needed.
    ///
    /// # Errors
    /// A [`FramingError`] (with the stream offset) when the stream is out of sync; the framer
    /// stays in that state, so close the connection.
    pub fn pop(&mut self) -> Result<Option<(FrameKind, &[u8])>, FramingError> {
        Ok(self
            .pop_range()?
            .map(|(kind, range)| (kind, self.frame(range))))
    }

    /// Like [`StreamFramer::pop`], but returns where the frame lies in the buffer instead of
    /// borrowing it, so the caller can keep using the framer (e.g. `&mut self` methods of the
    /// struct that owns it) and read the frame with [`StreamFramer::frame`] until the next
    /// [`push`](StreamFramer::push).
    ///
    /// ```
    /// use floe_stun::framing::{FrameKind, StreamFramer};
    /// let mut f = StreamFramer::new();
    /// f.push(&[0x40, 0x01, 0x00, 0x01, 0xAA, 0, 0, 0]);
    /// let (kind, range) = f.pop_range().unwrap().unwrap();
    /// assert_eq!((kind, f.frame(range)), (FrameKind::ChannelData, &[0x40, 0x01, 0x00, 0x01, 0xAA, 0, 0, 0][..]));
    /// ```
    ///
    /// # Errors
    /// As [`StreamFramer::pop`].
    pub fn pop_range(&mut self) -> Result<Option<(FrameKind, Range<usize>)>, FramingError> {
        let offset = self.base + self.read as u64;
        let pending = &self.buf[self.read..];
        match next_frame(pending) {
            Ok(FrameStatus::Ready { kind, len }) => {
                let start = self.read;
                self.read += len;
                Ok(Some((kind, start..start + len)))
            }
            Ok(FrameStatus::NeedMore { .. }) => Ok(None),
            Err(FramingError::UnknownFrame { first_byte, .. }) => {
                Err(FramingError::UnknownFrame { offset, first_byte })
            }
            Err(FramingError::UnalignedLength { length, .. }) => {
                Err(FramingError::UnalignedLength { offset, length })
            }
        }
    }

    /// The bytes of a frame [`StreamFramer::pop_range`] returned since the last
    /// [`push`](StreamFramer::push); empty for any other range.
    #[must_use]
    pub fn frame(&self, range: Range<usize>) -> &[u8] {
        self.buf.get(range).unwrap_or_default()
    }

    /// Takes every byte buffered and not yet framed: after a stream stops carrying STUN and
    /// ChannelData (a bound RFC 6062 TURN data connection), they belong to the application.
    ///
    /// ```
    /// use floe_stun::framing::StreamFramer;
    /// let mut f = StreamFramer::new();
    /// f.push(b"GET / HTTP/1.1");
    /// assert_eq!(f.take_rest(), b"GET / HTTP/1.1");
    /// assert_eq!(f.buffered(), 0);
    /// ```
    pub fn take_rest(&mut self) -> Vec<u8> {
        let rest = self.buf.split_off(self.read);
        self.base += self.buf.len() as u64;
        self.buf.clear();
        self.read = 0;
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};

    #[test]
    fn byte_by_byte() {
        let mut stream = Vec::new();
        let typ = MessageType::new(Method::BINDING, Class::Request);
        MessageBuilder::new(&mut stream, typ, TransactionId::from_bytes([1; 12]))
            .fingerprint()
            .unwrap();
        crate::channel_data::ChannelData::new(0x4001, b"xyz")
            .unwrap()
            .encode(&mut stream, true);
        MessageBuilder::new(&mut stream, typ, TransactionId::from_bytes([2; 12]))
            .finish()
            .unwrap();

        let mut framer = StreamFramer::new();
        let mut frames = Vec::new();
        for b in &stream {
            framer.push(core::slice::from_ref(b));
            while let Some((kind, frame)) = framer.pop().unwrap() {
                frames.push((kind, frame.to_vec()));
            }
        }
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].0, FrameKind::Stun);
        Message::parse(&frames[0].1)
            .unwrap()
            .verify_fingerprint()
            .unwrap();
        assert_eq!(frames[1].1.len(), 8);
        assert_eq!(
            Message::parse(&frames[2].1).unwrap().transaction_id().0,
            [2; 12]
        );
        assert_eq!(framer.buffered(), 0);
    }

    #[test]
    fn garbage_reports_stream_offset() {
        let mut framer = StreamFramer::new();
        framer.push(&[0x40, 0x00, 0x00, 0x00, 0xFF, 0, 0, 0]);
        assert!(framer.pop().unwrap().is_some());
        assert_eq!(
            framer.pop(),
            Err(FramingError::UnknownFrame {
                offset: 4,
                first_byte: 0xFF
            })
        );
        assert_eq!(
            next_frame(&[0, 1, 0, 2]),
            Err(FramingError::UnalignedLength {
                offset: 0,
                length: 2
            })
        );
        // RFC 5766 channels above 0x4FFF still frame (padded to 4).
        assert_eq!(
            next_frame(&[0x7F, 0xFF, 0, 1, 9, 0, 0, 0]),
            Ok(FrameStatus::Ready {
                kind: FrameKind::ChannelData,
                len: 8
            })
        );
        assert!(matches!(
            next_frame(&[0x80, 0, 0, 0]),
            Err(FramingError::UnknownFrame { .. })
        ));
    }
}
