//! Types shared by the client and the server: relay transports, address families and channel
//! numbers. Transports, 5-tuples and outgoing datagrams are floe-stun's shared vocabulary
//! ([`floe_stun::net`]): on the server a 5-tuple's `local` is the server address and `remote`
//! the client's (RFC 8656 §2).

use core::net::IpAddr;

use floe_stun::AddressFamily;
pub use floe_stun::channel_data::{
    MAX_CHANNEL as CHANNEL_MAX, MIN_CHANNEL as CHANNEL_MIN,
    RFC5766_MAX_CHANNEL as RFC5766_CHANNEL_MAX, is_valid_channel,
};
pub use floe_stun::net::{FiveTuple, Transmit, Transport};

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

/// The address family of an IP address, as REQUESTED-ADDRESS-FAMILY names it.
pub(crate) const fn family_of(ip: &IpAddr) -> AddressFamily {
    match ip {
        IpAddr::V4(_) => AddressFamily::IPV4,
        IpAddr::V6(_) => AddressFamily::IPV6,
    }
}
