//! First-byte demultiplexing of STUN, ZRTP, DTLS, TURN channels and RTP/RTCP on one port
//! (RFC 7983 §7, updating RFC 5764 §5.1.2).
//!
//! ```
//! use floe_stun::demux::{classify, PacketKind};
//! assert_eq!(classify(&[0x00, 0x01]), PacketKind::Stun);
//! assert_eq!(classify(&[0x16, 0xfe, 0xfd]), PacketKind::Dtls);
//! assert_eq!(classify(&[0x40, 0x00]), PacketKind::ChannelData);
//! assert_eq!(classify(&[0x80, 0xc8]), PacketKind::RtpRtcp);
//! assert_eq!(classify(&[]), PacketKind::Unknown);
//! ```

/// What the first byte of a datagram says it carries (RFC 7983 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PacketKind {
    /// 0..=3: STUN.
    Stun,
    /// 16..=19: ZRTP.
    Zrtp,
    /// 20..=63: DTLS.
    Dtls,
    /// 64..=79: TURN ChannelData.
    ChannelData,
    /// 128..=191: RTP or RTCP.
    RtpRtcp,
    /// Anything else (or an empty packet): drop it.
    Unknown,
}

/// Classifies a packet by its first byte (RFC 7983 §7). Only the first byte is read; confirm
/// STUN with [`crate::Header::peek`] (magic cookie) before trusting it.
#[must_use]
pub fn classify(packet: &[u8]) -> PacketKind {
    match packet.first() {
        Some(0..=3) => PacketKind::Stun,
        Some(16..=19) => PacketKind::Zrtp,
        Some(20..=63) => PacketKind::Dtls,
        Some(64..=79) => PacketKind::ChannelData,
        Some(128..=191) => PacketKind::RtpRtcp,
        _ => PacketKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_first_byte() {
        for b in 0..=255u8 {
            let expected = match b {
                0..=3 => PacketKind::Stun,
                16..=19 => PacketKind::Zrtp,
                20..=63 => PacketKind::Dtls,
                64..=79 => PacketKind::ChannelData,
                128..=191 => PacketKind::RtpRtcp,
                _ => PacketKind::Unknown,
            };
            assert_eq!(classify(&[b]), expected, "byte {b}");
        }
    }
}
