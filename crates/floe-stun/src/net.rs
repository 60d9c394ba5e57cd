//! The network vocabulary every Floe state machine shares: the [`Transport`] a message goes
//! over, the [`FiveTuple`] that names a flow, and the [`Transmit`] a machine hands its
//! embedder to send.
//!
//! A machine never sends anything itself: its `poll_transmit` returns a [`Transmit`], and the
//! embedder writes [`Transmit::contents`] to [`Transmit::destination`] from the socket bound to
//! [`Transmit::source`] (or its only socket when `source` is `None`). The contents are
//! [`Bytes`]: a retransmission hands out the same buffer again (a reference count, no copy),
//! and the embedder may keep a transmit as long as it likes (queue it, move it to another
//! task) without borrowing the machine.
//!
//! ```
//! use floe_stun::net::{FiveTuple, Transmit, Transport};
//! let flow = FiveTuple::new(
//!     Transport::Udp,
//!     "192.0.2.1:3478".parse().unwrap(),
//!     "198.51.100.7:50000".parse().unwrap(),
//! );
//! let t = Transmit::reply(flow, bytes::Bytes::from_static(b"response"));
//! assert_eq!((t.source, t.destination), (Some(flow.local), flow.remote));
//! assert_eq!(t.five_tuple(), Some(flow));
//! assert!(!t.transport.is_reliable());
//! ```

use core::hash::{Hash, Hasher};
use core::net::{IpAddr, SocketAddr};

pub use bytes::Bytes;

/// The transport protocol of a flow (RFC 8656 §3.1 for TURN, RFC 8445 §5.1.1 and RFC 6544
/// for ICE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Transport {
    /// UDP: one STUN or ChannelData message per datagram; requests are retransmitted
    /// (RFC 8489 §6.2.1).
    Udp,
    /// TCP: a byte stream, messages framed by their own length fields, ChannelData padded to
    /// four bytes (RFC 8656 §12.5); requests are sent once (RFC 8489 §6.2.2).
    Tcp,
    /// TLS over TCP: as [`Transport::Tcp`] (the embedder owns the TLS session).
    Tls,
}

impl Transport {
    /// Whether the transport delivers reliably (TCP, TLS): requests are sent once and time
    /// out after Ti (RFC 8489 §6.2.2) instead of being retransmitted.
    ///
    /// ```
    /// use floe_stun::net::Transport;
    /// assert!(!Transport::Udp.is_reliable());
    /// assert!(Transport::Tls.is_reliable());
    /// ```
    #[must_use]
    #[inline]
    pub const fn is_reliable(self) -> bool {
        !matches!(self, Self::Udp)
    }

    /// Whether messages travel in a byte stream and must be framed (RFC 8489 §6.2.2,
    /// RFC 8656 §12.5; RFC 6544 §3 for ICE-TCP).
    ///
    /// ```
    /// assert!(floe_stun::net::Transport::Tcp.is_stream());
    /// ```
    #[must_use]
    #[inline]
    pub const fn is_stream(self) -> bool {
        matches!(self, Self::Tcp | Self::Tls)
    }

    /// The lowercase name (`udp`, `tcp`, `tls`), as SDP and logs write it.
    ///
    /// ```
    /// assert_eq!(floe_stun::net::Transport::Tls.as_str(), "tls");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Udp => "udp",
            Self::Tcp => "tcp",
            Self::Tls => "tls",
        }
    }
}

impl core::fmt::Display for Transport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A flow as one endpoint sees it: transport, its own address and the other side's (RFC 8656
/// §2 names a TURN allocation by it; an ICE candidate pair is one).
///
/// On a server `local` is the server's address and `remote` the client's; on a client the
/// other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FiveTuple {
    /// UDP, TCP or TLS.
    pub transport: Transport,
    /// This endpoint's address.
    pub local: SocketAddr,
    /// The other endpoint's address.
    pub remote: SocketAddr,
}

impl FiveTuple {
    /// A flow from its parts.
    ///
    /// ```
    /// use floe_stun::net::{FiveTuple, Transport};
    /// let ft = FiveTuple::new(Transport::Tcp, "[::1]:3478".parse().unwrap(), "[::1]:9".parse().unwrap());
    /// assert_eq!(ft.remote.port(), 9);
    /// ```
    #[must_use]
    pub const fn new(transport: Transport, local: SocketAddr, remote: SocketAddr) -> Self {
        Self {
            transport,
            local,
            remote,
        }
    }
}

impl Hash for FiveTuple {
    /// Hashes the remote IP, both ports and the transport in two writes (a TURN relay hashes a
    /// 5-tuple per packet). The local IP is left out: flows that differ only in it are rare,
    /// and equal 5-tuples still hash equally.
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u128(ip_bits(&self.remote.ip()));
        h.write_u64(
            (u64::from(self.remote.port()) << 32)
                | (u64::from(self.local.port()) << 16)
                | self.transport as u64,
        );
    }
}

/// An IP address as 128 bits (IPv4 mapped into IPv6), for hashing.
#[inline]
fn ip_bits(ip: &IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_bits()) | (0xffff << 32),
        IpAddr::V6(v6) => v6.to_bits(),
    }
}

/// Bytes for the embedder to send: one datagram (UDP) or a piece of a stream (TCP, TLS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// How to send it.
    pub transport: Transport,
    /// The local address to send from, or `None` for a machine with one socket (a TURN
    /// client).
    pub source: Option<SocketAddr>,
    /// Where to send it.
    pub destination: SocketAddr,
    /// The bytes: cloning them (a retransmission) copies nothing.
    pub contents: Bytes,
}

impl Transmit {
    /// A reply on `flow`: from its local address to its remote one.
    #[must_use]
    pub fn reply(flow: FiveTuple, contents: impl Into<Bytes>) -> Self {
        Self {
            transport: flow.transport,
            source: Some(flow.local),
            destination: flow.remote,
            contents: contents.into(),
        }
    }

    /// The flow this transmit belongs to, when its source is known.
    #[must_use]
    pub fn five_tuple(&self) -> Option<FiveTuple> {
        Some(FiveTuple::new(
            self.transport,
            self.source?,
            self.destination,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::hash::BuildHasher;

    #[test]
    #[cfg(feature = "std")]
    fn equal_flows_hash_equally_and_fields_change_the_hash() {
        let s = std::collections::hash_map::RandomState::new();
        let a = FiveTuple::new(
            Transport::Udp,
            "192.0.2.1:3478".parse().unwrap(),
            "198.51.100.7:5000".parse().unwrap(),
        );
        assert_eq!(s.hash_one(a), s.hash_one(a));
        let mut b = a;
        b.transport = Transport::Tcp;
        assert_ne!(s.hash_one(a), s.hash_one(b));
        let mut c = a;
        c.remote = "[::ffff:198.51.100.8]:5000".parse().unwrap();
        assert_ne!(s.hash_one(a), s.hash_one(c));
        assert_ne!(a, b);
    }

    #[test]
    fn reliability_and_framing_by_transport() {
        for (t, reliable) in [
            (Transport::Udp, false),
            (Transport::Tcp, true),
            (Transport::Tls, true),
        ] {
            assert_eq!(t.is_reliable(), reliable);
            assert_eq!(t.is_stream(), reliable);
            assert_eq!(alloc::format!("{t}"), t.as_str());
        }
    }
}
