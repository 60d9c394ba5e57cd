//! Framing of STUN and ChannelData messages on TCP/TLS streams (RFC 8489 §6.2.2,
//! RFC 8656 §12.5), from floe-stun: [`next_frame`] recognises the whole RFC 5766 channel range
//! (0x4000–0x7FFF) that coturn's `turnutils_uclient` binds.

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
/// included): floe-stun's framer, which also hands back frames by range
/// ([`StreamFramer::pop_range`]) and the unframed rest of a stream ([`StreamFramer::take_rest`],
/// RFC 6062 data connections). After an error the stream is out of sync: close the connection.
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
pub use floe_stun::framing::StreamFramer;

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
