//! Framing of STUN and ChannelData messages on stream transports (RFC 8656 §12.5,
//! RFC 8489 §6.2.2): each message is delimited by its own length field, and ChannelData is
//! padded to a multiple of four bytes.

use crate::wire::{HEADER_LEN, be16};

/// Largest frame accepted from a stream: a STUN message or ChannelData message with a 16-bit
/// length field cannot be longer.
pub const MAX_FRAME_LEN: usize = HEADER_LEN + 0xFFFF + 3;

/// Why a stream cannot be framed any further. The connection should be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// The bytes at `offset` in the stream start neither a STUN message nor ChannelData.
    #[error("stream byte {offset}: neither STUN nor ChannelData (first byte {first:#04x})")]
    NotStunOrChannelData {
        /// Offset in the stream since the framer was created.
        offset: u64,
        /// The offending byte.
        first: u8,
    },
}

/// The length of the complete frame at the start of `buf`, `Ok(None)` when more bytes are
/// needed.
///
/// ```
/// use floe_turn::frame_len;
/// // ChannelData 0x4000 with 5 bytes of data is padded to 12 on a stream.
/// assert_eq!(frame_len(&[0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0]), Ok(Some(12)));
/// assert_eq!(frame_len(&[0x40, 0x00]), Ok(None));
/// ```
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, FramingError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let Some(len) = be16(buf, 2) else {
        return Ok(None);
    };
    let len = usize::from(len);
    let total = match first & 0xC0 {
        0x00 => HEADER_LEN + len,
        0x40 => (4 + len).next_multiple_of(4),
        _ => return Err(FramingError::NotStunOrChannelData { offset: 0, first }),
    };
    Ok((buf.len() >= total).then_some(total))
}

/// Splits a byte stream into STUN and ChannelData messages. Buffered bytes are bounded by
/// [`MAX_FRAME_LEN`] plus what one `push` adds.
///
/// ```
/// use floe_turn::StreamFramer;
/// let mut f = StreamFramer::new();
/// f.push(&[0x40, 0x01, 0x00, 0x01, 0xAA, 0, 0]);
/// assert_eq!(f.next_frame().unwrap(), None);
/// f.push(&[0]);
/// assert_eq!(f.next_frame().unwrap(), Some(&[0x40, 0x01, 0x00, 0x01, 0xAA, 0, 0, 0][..]));
/// ```
#[derive(Debug, Default, Clone)]
pub struct StreamFramer {
    buf: Vec<u8>,
    start: usize,
    consumed: u64,
}

impl StreamFramer {
    /// An empty framer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start > MAX_FRAME_LEN {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes buffered and not yet returned as frames.
    #[must_use]
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The next complete frame, `Ok(None)` when more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<&[u8]>, FramingError> {
        let rest = &self.buf[self.start..];
        match frame_len(rest) {
            Ok(Some(n)) => {
                let at = self.start;
                self.start += n;
                self.consumed += n as u64;
                Ok(Some(&self.buf[at..at + n]))
            }
            Ok(None) => Ok(None),
            Err(FramingError::NotStunOrChannelData { first, .. }) => {
                Err(FramingError::NotStunOrChannelData {
                    offset: self.consumed,
                    first,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_mixed_stream_fed_byte_by_byte() {
        let mut stream = Vec::new();
        crate::wire::Builder::new(&mut stream, 1, crate::wire::Class::Request, [3; 12]).finish();
        crate::wire::channel_data::encode(0x4000, b"xyz", true, &mut stream);
        let mut f = StreamFramer::new();
        let mut frames = Vec::new();
        for b in &stream {
            f.push(&[*b]);
            while let Some(fr) = f.next_frame().unwrap() {
                frames.push(fr.to_vec());
            }
        }
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].len(), 20);
        assert_eq!(frames[1], [0x40, 0, 0, 3, b'x', b'y', b'z', 0]);
        f.push(&[0xFF, 0, 0, 0]);
        assert_eq!(
            f.next_frame(),
            Err(FramingError::NotStunOrChannelData {
                offset: 28,
                first: 0xFF
            })
        );
    }
}
