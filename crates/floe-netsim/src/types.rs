//! The network's public value types: ids, host configuration, deliveries, errors, counters.

use core::net::SocketAddr;
use std::time::Instant;

use floe_stun::net::{Bytes, FiveTuple, Transport};

use crate::link::LinkConfig;

/// A host of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostId(pub(crate) u32);

/// A NAT of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NatId(pub(crate) u32);

/// An address realm: the internet, or the inside of a NAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Realm {
    Internet,
    Inside(NatId),
}

/// Where a host is and what it looks like.
///
/// ```
/// use floe_netsim::{HostConfig, NatConfig, Network};
/// let mut net = Network::new(1);
/// let nat = net.add_nat(NatConfig::default());
/// let laptop = net.add_host(HostConfig::behind(nat).ipv6(true).default_port(6000));
/// assert_eq!(net.host_addrs(laptop).len(), 2);
/// assert_eq!(net.host_addr(laptop).port(), 6000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostConfig {
    pub(crate) nat: Option<NatId>,
    pub(crate) ipv4: bool,
    pub(crate) ipv6: bool,
    pub(crate) default_port: u16,
    pub(crate) link: Option<LinkConfig>,
}

impl HostConfig {
    /// A host on the internet with one public IPv4 address and default port 5000.
    #[must_use]
    pub const fn public() -> Self {
        Self {
            nat: None,
            ipv4: true,
            ipv6: false,
            default_port: 5000,
            link: None,
        }
    }

    /// A host behind `nat` with one private IPv4 address and default port 5000.
    #[must_use]
    pub const fn behind(nat: NatId) -> Self {
        let mut c = Self::public();
        c.nat = Some(nat);
        c
    }

    /// Whether the host has an IPv4 address (on by default; a host with neither family gets
    /// IPv4).
    #[must_use]
    pub const fn ipv4(mut self, on: bool) -> Self {
        self.ipv4 = on;
        self
    }

    /// Whether the host has an IPv6 address too (after the IPv4 one).
    #[must_use]
    pub const fn ipv6(mut self, on: bool) -> Self {
        self.ipv6 = on;
        self
    }

    /// The port used for transmits without a source.
    #[must_use]
    pub const fn default_port(mut self, port: u16) -> Self {
        self.default_port = port;
        self
    }

    /// The link of the packets this host sends, instead of the network's.
    #[must_use]
    pub const fn link(mut self, link: LinkConfig) -> Self {
        self.link = Some(link);
        self
    }
}

/// A datagram that reached a host.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The receiving host.
    pub host: HostId,
    /// The flow as the receiver sees it: `local` is its own address and port, `remote` the
    /// apparent source (after every NAT on the way).
    pub five_tuple: FiveTuple,
    /// The datagram.
    pub contents: Bytes,
    /// When it arrived.
    pub at: Instant,
}

/// Why [`Network::send`](crate::Network::send) refused a transmit (the caller's mistake, not
/// the network's loss).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// No such host.
    #[error("no host {0:?}")]
    UnknownHost(HostId),
    /// The source address is not one of the host's.
    #[error("{from} is not an address of {host:?}")]
    NotLocal {
        /// The host.
        host: HostId,
        /// The source asked for.
        from: SocketAddr,
    },
    /// Source and destination are of different IP families.
    #[error("cannot send from {from} to {destination}")]
    FamilyMismatch {
        /// The source.
        from: SocketAddr,
        /// The destination.
        destination: SocketAddr,
    },
    /// Only UDP is simulated.
    #[error("transport {0} is not simulated")]
    UnsupportedTransport(Transport),
}

/// What the network did with the packets, counted since it was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetStats {
    /// Datagrams accepted by [`Network::send`](crate::Network::send) and sent by the built-in
    /// servers.
    pub sent: u64,
    /// Datagrams handed to hosts (duplicates count twice).
    pub delivered: u64,
    /// Datagrams handled by the built-in servers.
    pub to_servers: u64,
    /// Datagrams lost on a link.
    pub lost: u64,
    /// Extra copies made by duplication.
    pub duplicated: u64,
    /// Datagrams held back by reordering.
    pub reordered: u64,
    /// Datagrams with no route (an address of another realm, or of nobody).
    pub unroutable: u64,
    /// Datagrams that reached a NAT with no live mapping for them.
    pub no_mapping: u64,
    /// Datagrams a NAT's filter refused.
    pub filtered: u64,
    /// Hairpinned datagrams refused by a NAT without hairpinning.
    pub hairpin_refused: u64,
}
