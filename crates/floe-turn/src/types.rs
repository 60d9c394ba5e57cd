//! Types shared by the client and the server: transports, 5-tuples, address families,
//! channel numbers and outgoing datagrams.

use core::net::{IpAddr, SocketAddr};

/// The transport between a client and its TURN server (RFC 8656 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// One STUN message or ChannelData message per datagram.
    Udp,
    /// A byte stream (TCP or TLS over TCP) owned by the caller: messages are framed by their
    /// own length fields and ChannelData is padded to four bytes (RFC 8656 §12.5).
    Stream,
}

/// The 5-tuple that names an allocation on the server (RFC 8656 §2): client address, server
/// address and transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FiveTuple {
    /// The client's address as the server sees it.
    pub client: SocketAddr,
    /// The server address the client talks to.
    pub server: SocketAddr,
    /// UDP or a stream.
    pub transport: Transport,
}

/// An address family (RFC 8656 §18.6 REQUESTED-ADDRESS-FAMILY values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressFamily {
    /// IPv4, value 0x01.
    V4,
    /// IPv6, value 0x02.
    V6,
}

impl AddressFamily {
    /// The family of an IP address.
    ///
    /// ```
    /// use floe_turn::AddressFamily;
    /// assert_eq!(AddressFamily::of(&"::1".parse().unwrap()), AddressFamily::V6);
    /// ```
    #[must_use]
    pub const fn of(ip: &IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Self::V4,
            IpAddr::V6(_) => Self::V6,
        }
    }

    /// The wire value in REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6).
    #[must_use]
    pub const fn wire(self) -> u8 {
        match self {
            Self::V4 => 1,
            Self::V6 => 2,
        }
    }

    pub(crate) const fn from_wire(v: u8) -> Option<Self> {
        match v {
            1 => Some(Self::V4),
            2 => Some(Self::V6),
            _ => None,
        }
    }

    pub(crate) fn attr_value(self) -> [u8; 4] {
        [self.wire(), 0, 0, 0]
    }
}

/// The first channel number a client may bind (RFC 8656 §12).
pub const CHANNEL_MIN: u16 = 0x4000;
/// The last channel number a client may bind (RFC 8656 §12).
pub const CHANNEL_MAX: u16 = 0x4FFF;

/// Whether `n` is a valid channel number (0x4000 through 0x4FFF, RFC 8656 §12).
///
/// ```
/// assert!(floe_turn::is_valid_channel(0x4000));
/// assert!(!floe_turn::is_valid_channel(0x5000));
/// ```
#[must_use]
pub const fn is_valid_channel(n: u16) -> bool {
    n >= CHANNEL_MIN && n <= CHANNEL_MAX
}

/// Bytes to send: one datagram (UDP) or a piece of the stream (stream transports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// Where to send it.
    pub destination: SocketAddr,
    /// The local address to send from (the server address of a 5-tuple, or `None` for the
    /// client's single socket).
    pub source: Option<SocketAddr>,
    /// How to send it.
    pub transport: Transport,
    /// The bytes.
    pub data: Vec<u8>,
}
