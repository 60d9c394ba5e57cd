//! ChannelData messages (RFC 8656 §12.4): a 4-byte header (channel number, length) and the
//! application data, padded to 4 bytes on stream transports (RFC 8656 §12.5).
//!
//! ```
//! use floe_stun::channel_data::ChannelData;
//! let mut buf = Vec::new();
//! ChannelData::new(0x4000, b"hello").unwrap().encode(&mut buf, true);
//! assert_eq!(buf.len(), 12); // 4 + 5, padded to 12 for TCP
//! let frame = ChannelData::parse(&buf).unwrap();
//! assert_eq!((frame.channel(), frame.data()), (0x4000, &b"hello"[..]));
//! ```
//!
//! # Channel ranges
//! RFC 8656 §12 allows channel numbers 0x4000..=0x4FFF only: first bytes 0x50..=0x7F are left
//! to other protocols sharing the 5-tuple in the RFC 7983 / RFC 9443 demultiplexing scheme.
//! RFC 5766 §11 allowed 0x4000..=0x7FFF, and RFC 5766 peers still use the rest (coturn's
//! `turnutils_uclient` binds 0x5000..=0x7FFF). [`ChannelData::parse`] and [`ChannelData::new`]
//! enforce the RFC 8656 range; [`ChannelData::parse_with`] and [`ChannelData::new_with`] take a
//! [`ChannelRange`], and [`ChannelRange::Rfc5766`] is the opt-in for such peers. Stream framing
//! ([`crate::framing::next_frame`]) always recognises the RFC 5766 range, so that it never loses
//! sync; the range a frame's channel must fall in is decided here.
//!
//! ```
//! use floe_stun::channel_data::{ChannelData, ChannelDataError, ChannelRange};
//! let frame = [0x60, 0x00, 0x00, 0x02, b'h', b'i'];
//! assert_eq!(ChannelData::parse(&frame), Err(ChannelDataError::InvalidChannel { channel: 0x6000 }));
//! let cd = ChannelData::parse_with(&frame, ChannelRange::Rfc5766).unwrap();
//! assert_eq!((cd.channel(), cd.data()), (0x6000, &b"hi"[..]));
//! let mut buf = Vec::new();
//! ChannelData::new_with(0x6000, b"hi", ChannelRange::Rfc5766).unwrap().encode(&mut buf, false);
//! assert_eq!(buf, frame);
//! ```

use alloc::vec::Vec;

use crate::error::EncodeError;

/// First valid channel number (RFC 8656 §12).
pub const MIN_CHANNEL: u16 = 0x4000;
/// Last valid channel number (RFC 8656 §12; 0x5000..=0x7FFF are reserved).
pub const MAX_CHANNEL: u16 = 0x4FFF;
/// Last channel number RFC 5766 allowed (RFC 5766 §11); RFC 8656 §12 reserves
/// 0x5000..=0x7FFF.
pub const RFC5766_MAX_CHANNEL: u16 = 0x7FFF;
/// Length of the ChannelData header.
pub const CHANNEL_DATA_HEADER_LEN: usize = 4;

/// Whether `channel` is a valid TURN channel number, 0x4000..=0x4FFF (RFC 8656 §12).
#[must_use]
pub const fn is_valid_channel(channel: u16) -> bool {
    channel >= MIN_CHANNEL && channel <= MAX_CHANNEL
}

/// Which channel numbers a ChannelData message may carry (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ChannelRange {
    /// 0x4000..=0x4FFF (RFC 8656 §12): the default.
    #[default]
    Rfc8656,
    /// 0x4000..=0x7FFF (RFC 5766 §11), for RFC 5766 peers; the range
    /// [`crate::framing::next_frame`] recognises.
    Rfc5766,
}

impl ChannelRange {
    /// The last channel number of the range (the first is always [`MIN_CHANNEL`]).
    #[must_use]
    #[inline]
    pub const fn max(self) -> u16 {
        match self {
            Self::Rfc8656 => MAX_CHANNEL,
            Self::Rfc5766 => RFC5766_MAX_CHANNEL,
        }
    }

    /// Whether `channel` is in the range.
    ///
    /// ```
    /// use floe_stun::channel_data::ChannelRange;
    /// assert!(!ChannelRange::Rfc8656.contains(0x5000));
    /// assert!(ChannelRange::Rfc5766.contains(0x5000));
    /// assert!(!ChannelRange::Rfc5766.contains(0x8000));
    /// ```
    #[must_use]
    #[inline]
    pub const fn contains(self, channel: u16) -> bool {
        channel >= MIN_CHANNEL && channel <= self.max()
    }
}

/// A ChannelData message could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelDataError {
    /// Fewer than 4 header bytes.
    #[error("ChannelData ends at offset {available}, inside the 4-byte header")]
    TruncatedHeader {
        /// Bytes available.
        available: usize,
    },
    /// The channel number (offset 0) is outside the [`ChannelRange`] asked for
    /// (0x4000..=0x4FFF by default).
    #[error("channel number {channel:#06x} at offset 0 is outside the accepted channel range")]
    InvalidChannel {
        /// The channel number.
        channel: u16,
    },
    /// The length field (offset 2) claims more data than present.
    #[error("ChannelData length {declared} at offset 2 but {available} data bytes follow")]
    Truncated {
        /// The length field.
        declared: u16,
        /// Bytes after the header.
        available: usize,
    },
    /// More than 3 bytes follow the data: more than padding (offset of the first extra byte).
    #[error("{extra} bytes after the ChannelData at offset {offset}")]
    TrailingBytes {
        /// Offset of the first byte after the data and padding.
        offset: usize,
        /// How many bytes follow the data.
        extra: usize,
    },
}

/// A borrowed ChannelData message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelData<'a> {
    channel: u16,
    data: &'a [u8],
}

impl<'a> ChannelData<'a> {
    /// A message to encode; checks the channel range and that `data` fits the 16-bit length.
    ///
    /// # Errors
    /// [`EncodeError::InvalidChannel`] or [`EncodeError::ValueTooLong`].
    #[inline]
    pub fn new(channel: u16, data: &'a [u8]) -> Result<Self, EncodeError> {
        Self::new_with(channel, data, ChannelRange::Rfc8656)
    }

    /// [`new`](Self::new) with the channel checked against `range` instead of RFC 8656's.
    ///
    /// # Errors
    /// [`EncodeError::InvalidChannel`] or [`EncodeError::ValueTooLong`].
    #[inline]
    pub fn new_with(
        channel: u16,
        data: &'a [u8],
        range: ChannelRange,
    ) -> Result<Self, EncodeError> {
        if !range.contains(channel) {
            return Err(EncodeError::InvalidChannel { channel });
        }
        if data.len() > usize::from(u16::MAX) {
            return Err(EncodeError::ValueTooLong {
                typ: crate::AttributeType::DATA,
                len: data.len(),
            });
        }
        Ok(Self { channel, data })
    }

    /// Decodes one ChannelData message from a datagram or a framed stream chunk. Up to 3 bytes
    /// of padding after the data are accepted and ignored (over UDP there is usually none).
    ///
    /// # Errors
    /// A [`ChannelDataError`] naming the offending field.
    #[inline]
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ChannelDataError> {
        Self::parse_with(bytes, ChannelRange::Rfc8656)
    }

    /// [`parse`](Self::parse) with the channel checked against `range` instead of RFC 8656's:
    /// [`ChannelRange::Rfc5766`] accepts 0x4000..=0x7FFF, as RFC 5766 peers send.
    ///
    /// # Errors
    /// A [`ChannelDataError`] naming the offending field.
    #[inline]
    pub fn parse_with(bytes: &'a [u8], range: ChannelRange) -> Result<Self, ChannelDataError> {
        let Some((&[c0, c1, l0, l1], rest)) = bytes.split_first_chunk::<4>() else {
            return Err(ChannelDataError::TruncatedHeader {
                available: bytes.len(),
            });
        };
        let channel = u16::from_be_bytes([c0, c1]);
        if !range.contains(channel) {
            return Err(ChannelDataError::InvalidChannel { channel });
        }
        let declared = u16::from_be_bytes([l0, l1]);
        let len = usize::from(declared);
        let Some(data) = rest.get(..len) else {
            return Err(ChannelDataError::Truncated {
                declared,
                available: rest.len(),
            });
        };
        let extra = rest.len() - len;
        if extra > 3 {
            return Err(ChannelDataError::TrailingBytes {
                offset: 4 + len,
                extra,
            });
        }
        Ok(Self { channel, data })
    }

    /// The channel number.
    #[must_use]
    pub const fn channel(&self) -> u16 {
        self.channel
    }

    /// The application data.
    #[must_use]
    pub const fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Encoded length: header plus data, plus padding to 4 when `padded` (streams).
    #[must_use]
    pub const fn encoded_len(&self, padded: bool) -> usize {
        let len = CHANNEL_DATA_HEADER_LEN + self.data.len();
        if padded { (len + 3) & !3 } else { len }
    }

    /// Appends the message to `buf`; `padded` pads to 4 bytes with zeros, as stream transports
    /// require (RFC 8656 §12.5). Returns the number of bytes written.
    #[inline]
    pub fn encode(&self, buf: &mut Vec<u8>, padded: bool) -> usize {
        let total = self.encoded_len(padded);
        buf.reserve(total);
        buf.extend_from_slice(&self.channel.to_be_bytes());
        buf.extend_from_slice(&(self.data.len() as u16).to_be_bytes());
        buf.extend_from_slice(self.data);
        buf.resize(
            buf.len() + total - CHANNEL_DATA_HEADER_LEN - self.data.len(),
            0,
        );
        total
    }

    /// Writes the message into `out`, which must hold at least `encoded_len(padded)` bytes;
    /// returns the bytes written, or `None` when `out` is too small.
    #[inline]
    pub fn encode_into(&self, out: &mut [u8], padded: bool) -> Option<usize> {
        let total = self.encoded_len(padded);
        let out = out.get_mut(..total)?;
        out[..2].copy_from_slice(&self.channel.to_be_bytes());
        out[2..4].copy_from_slice(&(self.data.len() as u16).to_be_bytes());
        out[4..4 + self.data.len()].copy_from_slice(self.data);
        out[4 + self.data.len()..].fill(0);
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_frame_without_padding() {
        let mut buf = Vec::new();
        let n = ChannelData::new(0x4fff, b"abcde")
            .unwrap()
            .encode(&mut buf, false);
        assert_eq!(n, 9);
        assert_eq!(buf, [0x4f, 0xff, 0, 5, b'a', b'b', b'c', b'd', b'e']);
        assert_eq!(ChannelData::parse(&buf).unwrap().data(), b"abcde");
        let mut out = [0xa5u8; 12];
        assert_eq!(
            ChannelData::parse(&buf)
                .unwrap()
                .encode_into(&mut out, true),
            Some(12)
        );
        assert_eq!(&out[9..], &[0, 0, 0]);
        assert_eq!(
            ChannelData::parse(&buf)
                .unwrap()
                .encode_into(&mut out[..8], false),
            None
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            ChannelData::parse(&[0x40]),
            Err(ChannelDataError::TruncatedHeader { available: 1 })
        );
        assert_eq!(
            ChannelData::parse(&[0x50, 0, 0, 0]),
            Err(ChannelDataError::InvalidChannel { channel: 0x5000 })
        );
        assert_eq!(
            ChannelData::parse(&[0x40, 0, 0, 8, 1]),
            Err(ChannelDataError::Truncated {
                declared: 8,
                available: 1
            })
        );
        assert_eq!(
            ChannelData::parse(&[0x40, 0, 0, 0, 1, 2, 3, 4]),
            Err(ChannelDataError::TrailingBytes {
                offset: 4,
                extra: 4
            })
        );
        assert_eq!(
            ChannelData::new(0x3fff, b""),
            Err(EncodeError::InvalidChannel { channel: 0x3fff })
        );
    }

    #[test]
    fn rfc5766_range_is_opt_in_and_matches_framing() {
        use crate::framing::{FrameKind, FrameStatus, next_frame};
        let mut buf = Vec::new();
        for channel in [0x4000, 0x4fff, 0x5000, 0x6abc, 0x7fff] {
            buf.clear();
            assert_eq!(
                ChannelData::new(channel, b"x").is_ok(),
                channel <= MAX_CHANNEL
            );
            let cd = ChannelData::new_with(channel, b"xyz", ChannelRange::Rfc5766).unwrap();
            assert_eq!(cd.encode(&mut buf, true), 8);
            // Framing recognises every RFC 5766 channel, and parse_with(Rfc5766) accepts it.
            assert_eq!(
                next_frame(&buf),
                Ok(FrameStatus::Ready {
                    kind: FrameKind::ChannelData,
                    len: 8
                })
            );
            assert_eq!(ChannelData::parse_with(&buf, ChannelRange::Rfc5766), Ok(cd));
            let default = ChannelData::parse(&buf);
            if channel <= MAX_CHANNEL {
                assert_eq!(default, Ok(cd));
                assert_eq!(
                    ChannelData::parse_with(&buf, ChannelRange::default()),
                    Ok(cd)
                );
            } else {
                assert_eq!(default, Err(ChannelDataError::InvalidChannel { channel }));
            }
        }
        for channel in [0u16, 0x3fff, 0x8000, 0xffff] {
            for range in [ChannelRange::Rfc8656, ChannelRange::Rfc5766] {
                assert!(!range.contains(channel));
                assert_eq!(
                    ChannelData::new_with(channel, b"", range),
                    Err(EncodeError::InvalidChannel { channel })
                );
                let bytes = [(channel >> 8) as u8, channel as u8, 0, 0];
                assert_eq!(
                    ChannelData::parse_with(&bytes, range),
                    Err(ChannelDataError::InvalidChannel { channel })
                );
            }
        }
        assert_eq!(ChannelRange::Rfc5766.max(), RFC5766_MAX_CHANNEL);
    }
}
