//! Types shared by the client and the server: transports, 5-tuples, address families,
//! channel numbers and outgoing datagrams.

use core::net::{IpAddr, SocketAddr};

use floe_stun::AddressFamily;
pub use floe_stun::channel_data::{
    MAX_CHANNEL as CHANNEL_MAX, MIN_CHANNEL as CHANNEL_MIN,
    RFC5766_MAX_CHANNEL as RFC5766_CHANNEL_MAX, is_valid_channel,
};

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

/// What a TURN allocation relays (REQUESTED-TRANSPORT, RFC 8656 §18.7, RFC 6062 §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RelayTransport {
    /// UDP datagrams (protocol 17).
    #[default]
    Udp,
    /// TCP connections (protocol 6, RFC 6062).
    Tcp,
}

/// The 5-tuple that names an allocation on the server (RFC 8656 §2): client address, server
/// address and transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiveTuple {
    /// The client's address as the server sees it.
    pub client: SocketAddr,
    /// The server address the client talks to.
    pub server: SocketAddr,
    /// UDP or a stream.
    pub transport: Transport,
}

impl core::hash::Hash for FiveTuple {
    /// Hashes the client address, both ports and the transport in two writes (the relay path
    /// hashes a 5-tuple per packet); equal 5-tuples hash equally.
    #[inline]
    fn hash<H: core::hash::Hasher>(&self, h: &mut H) {
        h.write_u128(crate::hash::ip_bits(&self.client.ip()));
        let transport = match self.transport {
            Transport::Udp => 0u64,
            Transport::Stream => 1,
        };
        h.write_u64(
            (u64::from(self.client.port()) << 32)
                | (u64::from(self.server.port()) << 16)
                | transport,
        );
    }
}

/// The address family of an IP address, as REQUESTED-ADDRESS-FAMILY names it.
pub(crate) const fn family_of(ip: &IpAddr) -> AddressFamily {
    match ip {
        IpAddr::V4(_) => AddressFamily::IPV4,
        IpAddr::V6(_) => AddressFamily::IPV6,
    }
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
