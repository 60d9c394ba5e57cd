//! Which peer addresses a server relays to (RFC 8656 §21.3 on open relays and
//! RFC 6890 special-purpose ranges), and the quotas it enforces.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A prefix (address and length) for allow and deny lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpPrefix {
    /// Network address.
    pub addr: IpAddr,
    /// Prefix length in bits.
    pub len: u8,
}

impl IpPrefix {
    /// A prefix; lengths beyond the address width are clamped.
    #[must_use]
    pub const fn new(addr: IpAddr, len: u8) -> Self {
        Self { addr, len }
    }

    /// Whether `ip` lies in the prefix.
    ///
    /// ```
    /// use floe_turn::IpPrefix;
    /// let p = IpPrefix::new("10.0.0.0".parse().unwrap(), 8);
    /// assert!(p.contains(&"10.1.2.3".parse().unwrap()));
    /// assert!(!p.contains(&"11.0.0.1".parse().unwrap()));
    /// ```
    #[must_use]
    pub fn contains(&self, ip: &IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let len = u32::from(self.len.min(32));
                let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
                u32::from(net) & mask == u32::from(*ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let len = u32::from(self.len.min(128));
                let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
                u128::from(net) & mask == u128::from(*ip) & mask
            }
            _ => false,
        }
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> IpPrefix {
    IpPrefix::new(IpAddr::V4(Ipv4Addr::new(a, b, c, d)), len)
}

const fn v6(hi: u16, second: u16, len: u8) -> IpPrefix {
    IpPrefix::new(IpAddr::V6(Ipv6Addr::new(hi, second, 0, 0, 0, 0, 0, 0)), len)
}

impl IpPrefix {
    /// The same IPv6 prefix with its third 16-bit group set (for the constants above).
    const fn with_third(self, third: u16) -> Self {
        match self.addr {
            IpAddr::V6(a) => {
                let s = a.segments();
                let addr = Ipv6Addr::new(s[0], s[1], third, s[3], s[4], s[5], s[6], s[7]);
                Self::new(IpAddr::V6(addr), self.len)
            }
            IpAddr::V4(_) => self,
        }
    }
}

/// The NAT64 well-known prefix 64:ff9b::/96 (RFC 6052 §2.1).
const NAT64_WELL_KNOWN: IpPrefix = v6(0x0064, 0xff9b, 96);
/// SIIT IPv4-translated addresses ::ffff:0:a.b.c.d (RFC 2765 §2.1).
const SIIT_TRANSLATED: IpPrefix =
    IpPrefix::new(IpAddr::V6(Ipv6Addr::new(0, 0, 0, 0, 0xffff, 0, 0, 0)), 96);
/// 6to4 (RFC 3056 §2): 2002:a.b.c.d::/48 reaches the IPv4 address a.b.c.d.
const SIX_TO_FOUR: IpPrefix = v6(0x2002, 0, 16);

/// The IPv4 address a translated IPv6 address reaches (NAT64 well-known prefix, SIIT or
/// 6to4), which is what the policy must judge.
fn embedded_ipv4(ip: &Ipv6Addr) -> Option<Ipv4Addr> {
    let ip6 = IpAddr::V6(*ip);
    let bits = u128::from(*ip);
    if NAT64_WELL_KNOWN.contains(&ip6) || SIIT_TRANSLATED.contains(&ip6) {
        // The low 32 bits, by construction of the /96 prefixes.
        Some(Ipv4Addr::from_bits((bits & 0xffff_ffff) as u32))
    } else if SIX_TO_FOUR.contains(&ip6) {
        Some(Ipv4Addr::from_bits(((bits >> 80) & 0xffff_ffff) as u32))
    } else {
        None
    }
}

/// Loopback (RFC 6890: 127/8, ::1).
const LOOPBACK: [IpPrefix; 2] = [
    v4(127, 0, 0, 0, 8),
    IpPrefix::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
];
/// Private, unique-local and site-local ranges (RFC 1918, RFC 6598 shared space, RFC 4193,
/// and fec0::/10, deprecated by RFC 3879 but still routed inside some sites).
const PRIVATE: [IpPrefix; 6] = [
    v4(10, 0, 0, 0, 8),
    v4(172, 16, 0, 0, 12),
    v4(192, 168, 0, 0, 16),
    v4(100, 64, 0, 0, 10),
    v6(0xfc00, 0, 7),
    v6(0xfec0, 0, 10),
];
/// Link-local (169.254/16, fe80::/10).
const LINK_LOCAL: [IpPrefix; 2] = [v4(169, 254, 0, 0, 16), v6(0xfe80, 0, 10)];
/// Never relayed: unspecified, "this network", multicast, broadcast, reserved,
/// documentation, benchmarking, IETF protocol assignments, 6to4 relay anycast (RFC 7526),
/// discard-only, Teredo, ORCHID, the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215, whose
/// mapping only the operator knows) and IPv4-compatible addresses.
const ALWAYS_DENIED: [IpPrefix; 18] = [
    v4(0, 0, 0, 0, 8),
    v4(192, 88, 99, 0, 24),
    v6(0x0064, 0xff9b, 48).with_third(1),
    v4(192, 0, 0, 0, 24),
    v4(192, 0, 2, 0, 24),
    v4(198, 18, 0, 0, 15),
    v4(198, 51, 100, 0, 24),
    v4(203, 0, 113, 0, 24),
    v4(224, 0, 0, 0, 4),
    v4(240, 0, 0, 0, 4),
    IpPrefix::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 128),
    v6(0x0100, 0, 64),
    v6(0x2001, 0x0db8, 32),
    v6(0x2001, 0, 32),
    v6(0x2001, 0x0010, 28),
    v6(0x2001, 0x0020, 28),
    v6(0xff00, 0, 8),
    v6(0x0000, 0, 96),
];

/// The peer-address policy of a server: special-purpose ranges are refused with 403 unless
/// configured otherwise, so the relay cannot be used to reach the operator's own network
/// (RFC 8656 §21.3).
///
/// ```
/// use floe_turn::PeerPolicy;
/// let p = PeerPolicy::default();
/// assert!(!p.allows(&"127.0.0.1".parse().unwrap()));
/// assert!(!p.allows(&"10.0.0.1".parse().unwrap()));
/// assert!(p.allows(&"8.8.8.8".parse().unwrap()));
/// assert!(PeerPolicy::default().allow_loopback(true).allows(&"127.0.0.1".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Default)]
pub struct PeerPolicy {
    loopback: bool,
    private: bool,
    link_local: bool,
    allowed: Vec<IpPrefix>,
    denied: Vec<IpPrefix>,
}

impl PeerPolicy {
    /// Allows loopback peers (127/8, ::1): for tests on one machine.
    #[must_use]
    pub fn allow_loopback(mut self, yes: bool) -> Self {
        self.loopback = yes;
        self
    }

    /// Allows private and unique-local peers (RFC 1918, 100.64/10, fc00::/7).
    #[must_use]
    pub fn allow_private(mut self, yes: bool) -> Self {
        self.private = yes;
        self
    }

    /// Allows link-local peers.
    #[must_use]
    pub fn allow_link_local(mut self, yes: bool) -> Self {
        self.link_local = yes;
        self
    }

    /// Always allows this prefix (checked before everything else).
    #[must_use]
    pub fn allow(mut self, prefix: IpPrefix) -> Self {
        self.allowed.push(prefix);
        self
    }

    /// Always denies this prefix (checked after the explicit allow list).
    #[must_use]
    pub fn deny(mut self, prefix: IpPrefix) -> Self {
        self.denied.push(prefix);
        self
    }

    /// Whether the server may relay to `ip`. The explicit allow and deny lists see the
    /// address as given (IPv4-mapped IPv6 as IPv4); otherwise addresses that translate to IPv4
    /// (IPv4-mapped, NAT64 64:ff9b::/96, SIIT, 6to4) are judged by the IPv4 address they reach.
    #[must_use]
    pub fn allows(&self, ip: &IpAddr) -> bool {
        let ip = ip.to_canonical();
        if self.allowed.iter().any(|p| p.contains(&ip)) {
            return true;
        }
        if self.denied.iter().any(|p| p.contains(&ip)) {
            return false;
        }
        if let IpAddr::V6(v6) = ip
            && let Some(v4) = embedded_ipv4(&v6)
        {
            return self.allows(&IpAddr::V4(v4));
        }
        let hit = |set: &[IpPrefix]| set.iter().any(|p| p.contains(&ip));
        if hit(&LOOPBACK) {
            return self.loopback;
        }
        if hit(&PRIVATE) {
            return self.private;
        }
        if hit(&LINK_LOCAL) {
            return self.link_local;
        }
        if ip == IpAddr::V4(Ipv4Addr::BROADCAST) {
            return false;
        }
        !hit(&ALWAYS_DENIED)
    }
}

/// Limits on what clients may hold. A request beyond one is refused with the code its field
/// names, and the server reports which with
/// [`ServerEvent::QuotaReached`](crate::ServerEvent::QuotaReached).
///
/// The defaults: 16 allocations per user, 32 per client IP address, 16 384 in total; 64
/// permissions, 64 channels and 32 waiting peer TCP connections per allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Quotas {
    /// Allocations per username (486 Allocation Quota Reached beyond it, RFC 8656 §7.2).
    pub allocations_per_user: u32,
    /// Allocations per client IP address, whatever the user (486 beyond it): bounds what one
    /// host, or one attacker replaying or guessing credentials, can hold.
    pub allocations_per_client_ip: u32,
    /// Allocations in total (508 Insufficient Capacity beyond it).
    pub allocations_total: u32,
    /// Permissions per allocation (508 beyond it).
    pub permissions_per_allocation: u16,
    /// Channels per allocation (508 beyond it).
    pub channels_per_allocation: u16,
    /// Peer TCP connections of a TCP allocation (RFC 6062) that wait to be bound, whether
    /// the client asked for them with Connect (508 beyond it) or a peer opened them to the
    /// relayed address (refused beyond it: the embedder closes the socket).
    pub tcp_connections_per_allocation: u16,
}

/// One of the [`Quotas`], as [`ServerEvent::QuotaReached`](crate::ServerEvent::QuotaReached)
/// names it when it refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Quota {
    /// [`Quotas::allocations_per_user`] (486).
    AllocationsPerUser,
    /// [`Quotas::allocations_per_client_ip`] (486).
    AllocationsPerClientIp,
    /// [`Quotas::allocations_total`] (508).
    AllocationsTotal,
    /// [`Quotas::permissions_per_allocation`] (508).
    PermissionsPerAllocation,
    /// [`Quotas::channels_per_allocation`] (508).
    ChannelsPerAllocation,
    /// [`Quotas::tcp_connections_per_allocation`] (508 to Connect).
    TcpConnectionsPerAllocation,
}

impl Quota {
    /// The field name in [`Quotas`], as logs write it.
    ///
    /// ```
    /// assert_eq!(floe_turn::Quota::AllocationsPerUser.as_str(), "allocations_per_user");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AllocationsPerUser => "allocations_per_user",
            Self::AllocationsPerClientIp => "allocations_per_client_ip",
            Self::AllocationsTotal => "allocations_total",
            Self::PermissionsPerAllocation => "permissions_per_allocation",
            Self::ChannelsPerAllocation => "channels_per_allocation",
            Self::TcpConnectionsPerAllocation => "tcp_connections_per_allocation",
        }
    }
}

impl core::fmt::Display for Quota {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Quotas {
    /// The limit `quota` stands for.
    ///
    /// ```
    /// use floe_turn::{Quota, Quotas};
    /// let quotas = Quotas::default();
    /// assert_eq!(quotas.limit(Quota::AllocationsPerUser), 16);
    /// assert_eq!(quotas.limit(Quota::ChannelsPerAllocation), 64);
    /// ```
    #[must_use]
    pub const fn limit(&self, quota: Quota) -> u32 {
        match quota {
            Quota::AllocationsPerUser => self.allocations_per_user,
            Quota::AllocationsPerClientIp => self.allocations_per_client_ip,
            Quota::AllocationsTotal => self.allocations_total,
            Quota::PermissionsPerAllocation => self.permissions_per_allocation as u32,
            Quota::ChannelsPerAllocation => self.channels_per_allocation as u32,
            Quota::TcpConnectionsPerAllocation => self.tcp_connections_per_allocation as u32,
        }
    }
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            allocations_per_user: 16,
            allocations_per_client_ip: 32,
            allocations_total: 16_384,
            permissions_per_allocation: 64,
            channels_per_allocation: 64,
            tcp_connections_per_allocation: 32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translated_and_deprecated_ranges() {
        // Review finding 5: NAT64, 6to4 and SIIT addresses reach the IPv4 address they
        // embed, so they are judged by it; the local-use NAT64 prefix, site-local and the
        // 6to4 relay anycast range are special.
        let p = PeerPolicy::default();
        for bad in [
            "64:ff9b::a00:1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::808:808",
            "2002:a00:1::1",
            "2002:7f00:1::1",
            "::ffff:0:a00:1",
            "::ffff:0:7f00:1",
            "fec0::1",
            "192.88.99.1",
            "100::1",
            "::127.0.0.1",
            "ff02::1",
            "0.1.2.3",
        ] {
            assert!(!p.allows(&bad.parse().unwrap()), "{bad} allowed");
        }
        for good in ["64:ff9b::808:808", "2002:808:808::1", "::ffff:0:808:808"] {
            assert!(p.allows(&good.parse().unwrap()), "{good} denied");
        }
        let lo = PeerPolicy::default().allow_loopback(true);
        assert!(lo.allows(&"64:ff9b::7f00:1".parse().unwrap()));
        let site = PeerPolicy::default().allow_private(true);
        assert!(site.allows(&"fec0::1".parse().unwrap()));
        let explicit = PeerPolicy::default().allow(IpPrefix::new("2002::".parse().unwrap(), 16));
        assert!(explicit.allows(&"2002:a00:1::1".parse().unwrap()));
    }

    #[test]
    fn special_ranges() {
        let p = PeerPolicy::default();
        for bad in [
            "127.0.0.1",
            "::1",
            "10.1.1.1",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.0.1",
            "fe80::1",
            "fc00::1",
            "224.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
            "::",
            "::ffff:127.0.0.1",
            "2001:db8::1",
            "192.0.2.1",
            "100.64.0.1",
        ] {
            assert!(!p.allows(&bad.parse().unwrap()), "{bad} allowed");
        }
        for good in ["8.8.8.8", "2606:4700::1111", "172.32.0.1", "::ffff:8.8.8.8"] {
            assert!(p.allows(&good.parse().unwrap()), "{good} denied");
        }
        let p = PeerPolicy::default()
            .allow_private(true)
            .deny(IpPrefix::new("10.9.0.0".parse().unwrap(), 16))
            .allow(IpPrefix::new("192.0.2.7".parse().unwrap(), 32));
        assert!(p.allows(&"10.1.0.1".parse().unwrap()));
        assert!(!p.allows(&"10.9.0.1".parse().unwrap()));
        assert!(p.allows(&"192.0.2.7".parse().unwrap()));
    }
}
