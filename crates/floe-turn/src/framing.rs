//! Framing of STUN and ChannelData messages on TCP/TLS streams (RFC 8489 §6.2.2,
//! RFC 8656 §12.5). Frame boundaries come from floe-stun's [`next_frame`], which recognises
//! the whole RFC 5766 channel range (0x4000–0x7FFF) that coturn's `turnutils_uclient` binds;
//! this framer adds what TURN needs on top of floe-stun's: handing the unframed rest of a
//! stream to the application (RFC 6062) and frames borrowed by range.

use floe_stun::framing::{FrameKind, FrameStatus, FramingError, next_frame};

/// The kind and length of the first frame in `buf`, `Ok(None)` when more bytes are needed.
///
/// ```
/// use floe_turn::{FrameKind, frame_len};
/// // ChannelData on RFC 5766 channel 0x7994 with 5 bytes of data, padded to 12 on a stream.
/// let frame = [0x79, 0x94, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0];
/// assert_eq!(frame_len(&frame), Ok(Some((FrameKind::ChannelData, 12))));
/// assert_eq!(frame_len(&frame[..2]), Ok(None));
/// ```
///
/// # Errors
/// A [`FramingError`] when the bytes start neither STUN nor ChannelData (offset 0).
pub fn frame_len(buf: &[u8]) -> Result<Option<(FrameKind, usize)>, FramingError> {
    match next_frame(buf)? {
        FrameStatus::Ready { kind, len } => Ok(Some((kind, len))),
        _ => Ok(None),
    }
}

/// Splits a byte stream into STUN and ChannelData messages (RFC 5766 channel range
/// included). After an error the stream is out of sync: close the connection.
///
/// ```
/// use floe_turn::{FrameKind, StreamFramer};
/// let mut f = StreamFramer::new();
/// f.push(&[0x40, 0x01, 0x00, 0x01, 0xAA, 0, 0]);
/// assert_eq!(f.pop().unwrap(), None);
/// f.push(&[0]);
/// let (kind, frame) = f.pop().unwrap().unwrap();
/// assert_eq!((kind, frame), (FrameKind::ChannelData, &[0x40, 0x01, 0x00, 0x01, 0xAA, 0, 0, 0][..]));
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

    /// A frame returned by [`StreamFramer::pop_range`] since the last `push`.
    pub(crate) fn frame(&self, range: core::ops::Range<usize>) -> &[u8] {
        self.buf.get(range).unwrap_or_default()
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.read > 0 {
            self.buf.drain(..self.read);
            self.base += self.read as u64;
            self.read = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes buffered and not yet returned as frames.
    #[must_use]
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.read
    }

    /// Takes every byte buffered and not yet framed: after a stream stops carrying TURN
    /// messages (a bound RFC 6062 data connection), they belong to the application.
    pub fn take_rest(&mut self) -> Vec<u8> {
        let rest = self.buf.split_off(self.read);
        self.base += self.buf.len() as u64;
        self.buf.clear();
        self.read = 0;
        rest
    }

    /// The next complete frame, `Ok(None)` when more bytes are needed.
    ///
    /// # Errors
    /// A [`FramingError`] carrying the stream offset of the bad frame.
    pub fn pop(&mut self) -> Result<Option<(FrameKind, &[u8])>, FramingError> {
        Ok(self
            .pop_range()?
            .map(|(kind, range)| (kind, &self.buf[range])))
    }

    /// Like [`StreamFramer::pop`], but returns where the frame lies; read it with
    /// [`StreamFramer::frame`] until the next `push`.
    pub(crate) fn pop_range(
        &mut self,
    ) -> Result<Option<(FrameKind, core::ops::Range<usize>)>, FramingError> {
        let offset = self.base + self.read as u64;
        match frame_len(&self.buf[self.read..]) {
            Ok(Some((kind, len))) => {
                let start = self.read;
                self.read += len;
                Ok(Some((kind, start..start + len)))
            }
            Ok(None) => Ok(None),
            Err(FramingError::UnknownFrame { first_byte, .. }) => {
                Err(FramingError::UnknownFrame { offset, first_byte })
            }
            Err(FramingError::UnalignedLength { length, .. }) => {
                Err(FramingError::UnalignedLength { offset, length })
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_stun_and_both_channel_ranges_fed_byte_by_byte() {
        let mut stream = vec![0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42];
        stream.extend_from_slice(&[7; 12]);
        stream.extend_from_slice(&[0x40, 0x00, 0, 3, b'x', b'y', b'z', 0]);
        stream.extend_from_slice(&[0x7F, 0xFF, 0, 1, b'!', 0, 0, 0]);
        let mut f = StreamFramer::new();
        let mut frames = Vec::new();
        for b in &stream {
            f.push(&[*b]);
            while let Some((kind, fr)) = f.pop().unwrap() {
                frames.push((kind, fr.len()));
            }
        }
        assert_eq!(
            frames,
            [
                (FrameKind::Stun, 20),
                (FrameKind::ChannelData, 8),
                (FrameKind::ChannelData, 8)
            ]
        );
        assert_eq!(f.buffered(), 0);
        f.push(&[0xFF, 0, 0, 0]);
        assert_eq!(
            f.pop(),
            Err(FramingError::UnknownFrame {
                offset: 36,
                first_byte: 0xFF
            })
        );
    }
}
