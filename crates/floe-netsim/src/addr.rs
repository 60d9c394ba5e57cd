//! The address plan: every address the network hands out comes from a range reserved for
//! documentation or benchmarking, so no test can ever reach a real host.
//!
//! | Where                                   | IPv4              | IPv6                |
//! |-----------------------------------------|-------------------|---------------------|
//! | Behind a NAT (private)                  | `198.18.0.0/15`   | `fd00:198:18::/48`  |
//! | Public hosts and built-in servers       | `203.0.113.0/24`  | `2001:db8:203::/48` |
//! | NAT external addresses on the internet  | `198.51.100.0/24` | `2001:db8:198::/48` |
//!
//! `192.0.2.0/24` is never used, so tests may use it for addresses that must not exist.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Private IPv4 addresses (hosts and nested NATs behind a NAT): `198.18.0.0/15` (RFC 2544).
pub const PRIVATE_V4: (Ipv4Addr, u8) = (Ipv4Addr::new(198, 18, 0, 0), 15);
/// Public hosts and servers: `203.0.113.0/24` (TEST-NET-3, RFC 5737).
pub const PUBLIC_HOSTS_V4: (Ipv4Addr, u8) = (Ipv4Addr::new(203, 0, 113, 0), 24);
/// NAT external addresses on the internet: `198.51.100.0/24` (TEST-NET-2, RFC 5737).
pub const PUBLIC_EDGE_V4: (Ipv4Addr, u8) = (Ipv4Addr::new(198, 51, 100, 0), 24);
/// Private IPv6 addresses: `fd00:198:18::/48` (unique local, RFC 4193).
pub const PRIVATE_V6: (Ipv6Addr, u8) = (Ipv6Addr::new(0xfd00, 0x198, 0x18, 0, 0, 0, 0, 0), 48);
/// Public IPv6 hosts and servers: `2001:db8:203::/48` (documentation, RFC 3849).
pub const PUBLIC_HOSTS_V6: (Ipv6Addr, u8) =
    (Ipv6Addr::new(0x2001, 0xdb8, 0x203, 0, 0, 0, 0, 0), 48);
/// NAT external IPv6 addresses: `2001:db8:198::/48` (documentation, RFC 3849).
pub const PUBLIC_EDGE_V6: (Ipv6Addr, u8) = (Ipv6Addr::new(0x2001, 0xdb8, 0x198, 0, 0, 0, 0, 0), 48);

/// Which range an address is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pool {
    /// Behind a NAT.
    Private,
    /// A public host or server.
    Hosts,
    /// A NAT's external side on the internet.
    Edge,
}

/// Sequential allocators over the ranges (host number 0 and the last one are skipped).
#[derive(Debug, Default)]
pub(crate) struct Pools {
    next: [u32; 3],
}

impl Pools {
    /// The next address of `pool` and family, or `None` when the range is used up.
    pub(crate) fn next(&mut self, pool: Pool, v6: bool) -> Option<IpAddr> {
        let i = pool as usize;
        let n = self.next[i].checked_add(1)?;
        let (v4, v6_base) = match pool {
            Pool::Private => (PRIVATE_V4, PRIVATE_V6),
            Pool::Hosts => (PUBLIC_HOSTS_V4, PUBLIC_HOSTS_V6),
            Pool::Edge => (PUBLIC_EDGE_V4, PUBLIC_EDGE_V6),
        };
        let ip = if v6 {
            // A /48 has far more than u32 host numbers.
            IpAddr::V6(Ipv6Addr::from_bits(v6_base.0.to_bits() | u128::from(n)))
        } else {
            let size = 1u32 << (32 - v4.1);
            if n >= size - 1 {
                return None;
            }
            IpAddr::V4(Ipv4Addr::from_bits(v4.0.to_bits() | n))
        };
        // One counter for both families: a dual-stack host's two addresses end alike.
        self.next[i] = n;
        Some(ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_hand_out_documentation_addresses_and_run_out() {
        let mut p = Pools::default();
        assert_eq!(
            p.next(Pool::Hosts, false),
            Some("203.0.113.1".parse().unwrap())
        );
        assert_eq!(
            p.next(Pool::Edge, true),
            Some("2001:db8:198::1".parse().unwrap())
        );
        assert_eq!(
            p.next(Pool::Private, false),
            Some("198.18.0.1".parse().unwrap())
        );
        for _ in 2..255 {
            assert!(p.next(Pool::Hosts, false).is_some());
        }
        assert_eq!(p.next(Pool::Hosts, false), None);
    }
}
