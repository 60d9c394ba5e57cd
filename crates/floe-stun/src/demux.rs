//! First-byte demultiplexing: what a datagram (or stream frame) carries, told by its first
//! byte, in the context of the socket it arrived on.
//!
//! Two contexts:
//! - **TURN** ([`Demux::turn`]): traffic between a TURN client and its server carries STUN and
//!   ChannelData only, so every first byte 0x40–0x7F is ChannelData. RFC 5766 §11 allowed
//!   channel numbers 0x4000–0x7FFF and real peers use the whole range (Chrome's libwebrtc,
//!   coturn's clients, baresip); RFC 8656 §12 narrowed it to 0x4000–0x4FFF. The channel range
//!   only decides which numbers a [`ChannelData`](crate::channel_data::ChannelData) parse
//!   accepts; [`Demux::channel_range`] hands it to the parser.
//! - **Multiplexed** ([`Demux::RFC7983`]): a socket that also carries DTLS, ZRTP, RTP/RTCP or
//!   QUIC with a peer directly (an ICE host or server-reflexive candidate) follows the RFC 7983
//!   §7 table as updated by RFC 9443 §3: ChannelData is 64–79 (0x4000–0x4FFF) only.
//!
//! An ICE agent uses both: datagrams from a TURN server's address are demultiplexed in the
//! TURN context, everything else in the multiplexed one.
//!
//! ```
//! use floe_stun::channel_data::ChannelRange;
//! use floe_stun::demux::{Demux, PacketKind};
//! // A frame on channel 0x5703, as Chrome's TURN client may send it.
//! let frame = [0x57, 0x03, 0x00, 0x00];
//! assert_eq!(Demux::turn(ChannelRange::Rfc5766).classify(&frame), PacketKind::ChannelData);
//! assert_eq!(Demux::RFC7983.classify(&frame), PacketKind::Unknown);
//! assert_eq!(Demux::RFC7983.classify(&[0x16, 0xfe, 0xfd]), PacketKind::Dtls);
//! assert_eq!(Demux::RFC7983.classify(&[0x00, 0x01]), PacketKind::Stun);
//! ```

use crate::channel_data::ChannelRange;

/// What the first byte of a datagram says it carries (RFC 7983 §7, RFC 9443 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PacketKind {
    /// 0..=3: STUN.
    Stun,
    /// 16..=19: ZRTP.
    Zrtp,
    /// 20..=63: DTLS.
    Dtls,
    /// TURN ChannelData: 64..=79 (RFC 7983), or 64..=127 in the TURN context.
    ChannelData,
    /// 128..=191: RTP or RTCP.
    RtpRtcp,
    /// Anything else (or an empty packet): drop it.
    Unknown,
}

/// A first-byte demultiplexer for one kind of socket (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Demux {
    /// The last first byte that means ChannelData (0x4F or 0x7F).
    channel_data_max: u8,
    /// The channel numbers a ChannelData parse in this context accepts.
    range: ChannelRange,
}

impl Demux {
    /// The RFC 7983 §7 / RFC 9443 §3 table, for sockets that also carry DTLS, ZRTP, RTP/RTCP
    /// or QUIC: ChannelData is first bytes 64–79 (RFC 8656 §12's channel range).
    pub const RFC7983: Self = Self {
        channel_data_max: 0x4F,
        range: ChannelRange::Rfc8656,
    };

    /// The TURN context (traffic between a TURN client and its server): every first byte
    /// 64–127 is ChannelData, whatever channel range the caller then accepts, so that no
    /// RFC 5766 channel is ever mistaken for another protocol (RFC 5766 §11, RFC 8656 §12).
    ///
    /// ```
    /// use floe_stun::channel_data::ChannelRange;
    /// use floe_stun::demux::{Demux, PacketKind};
    /// let strict = Demux::turn(ChannelRange::Rfc8656);
    /// // Still ChannelData (the parse then refuses the channel number), never "unknown".
    /// assert_eq!(strict.classify(&[0x60, 0x00, 0x00, 0x00]), PacketKind::ChannelData);
    /// assert_eq!(strict.channel_range(), ChannelRange::Rfc8656);
    /// ```
    #[must_use]
    pub const fn turn(range: ChannelRange) -> Self {
        Self {
            channel_data_max: 0x7F,
            range,
        }
    }

    /// The channel numbers ChannelData in this context may carry: pass it to
    /// [`ChannelData::parse_with`](crate::channel_data::ChannelData::parse_with).
    #[must_use]
    #[inline]
    pub const fn channel_range(&self) -> ChannelRange {
        self.range
    }

    /// Classifies a packet by its first byte. Only the first byte is read; confirm STUN with
    /// [`crate::Header::peek`] (magic cookie) or [`crate::Message::parse`] before trusting it.
    #[must_use]
    #[inline]
    pub const fn classify(&self, packet: &[u8]) -> PacketKind {
        let Some(&b) = packet.first() else {
            return PacketKind::Unknown;
        };
        match b {
            0..=3 => PacketKind::Stun,
            16..=19 => PacketKind::Zrtp,
            20..=63 => PacketKind::Dtls,
            64..=127 if b <= self.channel_data_max => PacketKind::ChannelData,
            128..=191 => PacketKind::RtpRtcp,
            _ => PacketKind::Unknown,
        }
    }

    /// Whether the packet is ChannelData in this context (the hot-path test of a TURN relay).
    #[must_use]
    #[inline]
    pub const fn is_channel_data(&self, packet: &[u8]) -> bool {
        matches!(packet.first(), Some(&b) if b >= 0x40 && b <= self.channel_data_max)
    }
}

impl Default for Demux {
    /// The RFC 7983 table.
    fn default() -> Self {
        Self::RFC7983
    }
}

/// Classifies a packet by its first byte with the RFC 7983 §7 table ([`Demux::RFC7983`]).
///
/// ```
/// use floe_stun::demux::{classify, PacketKind};
/// assert_eq!(classify(&[0x40, 0x00]), PacketKind::ChannelData);
/// assert_eq!(classify(&[0x80, 0xc8]), PacketKind::RtpRtcp);
/// assert_eq!(classify(&[]), PacketKind::Unknown);
/// ```
#[must_use]
#[inline]
pub const fn classify(packet: &[u8]) -> PacketKind {
    Demux::RFC7983.classify(packet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_first_byte_in_both_contexts() {
        for b in 0..=255u8 {
            let rfc7983 = match b {
                0..=3 => PacketKind::Stun,
                16..=19 => PacketKind::Zrtp,
                20..=63 => PacketKind::Dtls,
                64..=79 => PacketKind::ChannelData,
                128..=191 => PacketKind::RtpRtcp,
                _ => PacketKind::Unknown,
            };
            assert_eq!(classify(&[b]), rfc7983, "byte {b}");
            assert_eq!(Demux::RFC7983.classify(&[b]), rfc7983, "byte {b}");
            let turn = if (64..=127).contains(&b) {
                PacketKind::ChannelData
            } else {
                rfc7983
            };
            for range in [ChannelRange::Rfc8656, ChannelRange::Rfc5766] {
                let d = Demux::turn(range);
                assert_eq!(d.classify(&[b]), turn, "byte {b}");
                assert_eq!(d.is_channel_data(&[b]), turn == PacketKind::ChannelData);
            }
            assert_eq!(
                Demux::RFC7983.is_channel_data(&[b]),
                rfc7983 == PacketKind::ChannelData
            );
        }
        assert!(!Demux::default().is_channel_data(&[]));
    }

    #[test]
    fn every_channel_number_the_turn_context_classifies_parses_in_its_range() {
        use crate::channel_data::ChannelData;
        let d = Demux::turn(ChannelRange::Rfc5766);
        for channel in 0x4000..=0x7FFFu16 {
            let mut frame = [0u8; 4];
            frame[..2].copy_from_slice(&channel.to_be_bytes());
            assert_eq!(d.classify(&frame), PacketKind::ChannelData);
            assert!(ChannelData::parse_with(&frame, d.channel_range()).is_ok());
        }
    }
}
