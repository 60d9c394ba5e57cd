//! Priorities and foundations: RFC 8445 §5.1.2 (candidate priority), §5.1.1.3 (foundation),
//! §6.1.2.3 (pair priority), RFC 8421 (multihomed and dual-stack local preference) and
//! RFC 6544 §4.2 (TCP local preference). All arithmetic is overflow-free by construction.

use alloc::string::ToString as _;
use core::net::{IpAddr, Ipv6Addr};

use crate::address::Address;
use crate::types::{CandidateType, Foundation, MAX_COMPONENT, TcpType, Transport};

/// Highest type preference (RFC 8445 §5.1.2.1: "an integer from 0 to 126").
///
/// ```
/// use floe_ice_candidate::{candidate_priority, MAX_TYPE_PREFERENCE};
/// assert_eq!(candidate_priority(u8::MAX, 0, 256), candidate_priority(MAX_TYPE_PREFERENCE, 0, 256));
/// ```
pub const MAX_TYPE_PREFERENCE: u8 = 126;

/// The local preference of an agent with a single IP address (RFC 8445 §5.1.2.1: "it SHOULD
/// be set to the maximum of 65535").
///
/// ```
/// use floe_ice_candidate::{candidate_priority, DEFAULT_LOCAL_PREFERENCE};
/// assert_eq!(candidate_priority(126, DEFAULT_LOCAL_PREFERENCE, 1), 2130706431);
/// ```
pub const DEFAULT_LOCAL_PREFERENCE: u16 = u16::MAX;

impl CandidateType {
    /// The type preference RFC 8445 §5.1.2.2 recommends: host 126, peer-reflexive 110,
    /// server-reflexive 100, relayed 0.
    ///
    /// ```
    /// use floe_ice_candidate::CandidateType;
    /// assert_eq!(CandidateType::PeerReflexive.type_preference(), 110);
    /// ```
    #[must_use]
    pub const fn type_preference(self) -> u8 {
        match self {
            Self::Host => 126,
            Self::PeerReflexive => 110,
            Self::ServerReflexive => 100,
            Self::Relayed => 0,
        }
    }
}

/// The candidate priority of RFC 8445 §5.1.2.1:
/// `2^24 * type_preference + 2^8 * local_preference + (256 - component)`.
///
/// Out-of-range inputs are clamped (type preference to 126, component to 1..=256), so the
/// result is always within 1..=2^31-1 and nothing can overflow.
///
/// ```
/// use floe_ice_candidate::{candidate_priority, CandidateType};
///
/// // A host candidate of a single-homed agent, RTP component: what browsers send.
/// assert_eq!(candidate_priority(CandidateType::Host.type_preference(), 65535, 1), 2130706431);
/// assert_eq!(candidate_priority(CandidateType::Relayed.type_preference(), 65535, 1), 16777215);
/// ```
#[must_use]
pub const fn candidate_priority(type_preference: u8, local_preference: u16, component: u16) -> u32 {
    let tp = if type_preference > MAX_TYPE_PREFERENCE {
        MAX_TYPE_PREFERENCE
    } else {
        type_preference
    };
    let comp = if component == 0 {
        1
    } else if component > MAX_COMPONENT {
        MAX_COMPONENT
    } else {
        component
    };
    ((tp as u32) << 24) + ((local_preference as u32) << 8) + (MAX_COMPONENT - comp) as u32
}

/// The candidate-pair priority of RFC 8445 §6.1.2.3, from the priority `g` of the controlling
/// agent's candidate and `d` of the controlled agent's:
/// `2^32 * MIN(G,D) + 2 * MAX(G,D) + (G > D ? 1 : 0)`.
///
/// Exact for priorities up to 2^31-1 (all RFC-valid values; the result is then below 2^63).
/// Larger priorities, which lenient parsing accepts from peers, could exceed 64 bits; the
/// result saturates at `u64::MAX` instead of wrapping, so the order stays monotonic.
///
/// ```
/// use floe_ice_candidate::pair_priority;
///
/// assert_eq!(pair_priority(2, 1), (1u64 << 32) + 4 + 1);
/// assert_eq!(pair_priority(1, 2), (1u64 << 32) + 4);
/// assert_eq!(pair_priority(u32::MAX, u32::MAX), u64::MAX);
/// ```
#[must_use]
pub const fn pair_priority(g: u32, d: u32) -> u64 {
    let (min, max) = if g < d { (g, d) } else { (d, g) };
    let exact = ((min as u128) << 32) + 2 * (max as u128) + (g > d) as u128;
    if exact > u64::MAX as u128 {
        u64::MAX
    } else {
        exact as u64
    }
}

/// The RFC 6724 §2.1 default policy-table precedence of an address (IPv4 is looked up as
/// `::ffff:a.b.c.d`). Higher is preferred: loopback 50, native IPv6 40, IPv4 35, 6to4 30,
/// Teredo 5, ULA 3, IPv4-compatible and site-local/6bone 1.
///
/// ```
/// use floe_ice_candidate::rfc6724_precedence;
///
/// assert_eq!(rfc6724_precedence("2001:db8::1".parse().unwrap()), 40);
/// assert_eq!(rfc6724_precedence("192.0.2.1".parse().unwrap()), 35);
/// assert_eq!(rfc6724_precedence("fd00::1".parse().unwrap()), 3);
/// ```
#[must_use]
pub fn rfc6724_precedence(ip: IpAddr) -> u8 {
    let v6 = match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    };
    let s = v6.segments();
    if v6 == Ipv6Addr::LOCALHOST {
        50
    } else if s[..5] == [0; 5] && s[5] == 0xffff {
        35
    } else if s[0] == 0x2002 {
        30
    } else if s[0] == 0x2001 && s[1] == 0 {
        5
    } else if s[0] & 0xfe00 == 0xfc00 {
        3
    } else if s[..6] == [0; 6] || s[0] & 0xffc0 == 0xfec0 || s[0] == 0x3ffe {
        1
    } else {
        40
    }
}

/// A local preference for a multihomed, dual-stack agent (RFC 8421): the high byte is the
/// address family/scope precedence of RFC 6724 (RFC 8421 §4: prefer IPv6 as the host's
/// address selection does), the low byte distinguishes interfaces (RFC 8421 §3 and
/// RFC 8445 §5.1.2.1: every same-type candidate of a multihomed agent gets its own value);
/// `interface_rank` 0 is the most preferred interface.
///
/// To intermingle the families in the checklist (RFC 8421 §4) rather than try all IPv6 pairs
/// first, use [`intermingled_local_preferences`].
///
/// ```
/// use floe_ice_candidate::dual_stack_local_preference;
///
/// let v6 = dual_stack_local_preference("2001:db8::1".parse().unwrap(), 0);
/// let v4 = dual_stack_local_preference("192.0.2.1".parse().unwrap(), 0);
/// let v4_second_nic = dual_stack_local_preference("198.51.100.1".parse().unwrap(), 1);
/// assert!(v6 > v4 && v4 > v4_second_nic);
/// ```
#[must_use]
pub fn dual_stack_local_preference(ip: IpAddr, interface_rank: u8) -> u16 {
    (u16::from(rfc6724_precedence(ip)) << 8) | u16::from(u8::MAX - interface_rank)
}

/// Local preferences that intermingle address families (RFC 8421 §4): the addresses are
/// ranked IPv6, IPv4, IPv6, IPv4, ... (each family keeping the caller's order, which should
/// be the interface preference), and `out[i]` receives the local preference of `addrs[i]`,
/// from 65535 downwards. Entries of `out` beyond `addrs` are left untouched; addresses beyond
/// `out.len()` are skipped.
///
/// ```
/// use floe_ice_candidate::intermingled_local_preferences;
/// use core::net::IpAddr;
///
/// let addrs: [IpAddr; 4] = ["192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap(),
///                           "2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap()];
/// let mut out = [0u16; 4];
/// intermingled_local_preferences(&addrs, &mut out);
/// assert_eq!(out, [65534, 65532, 65535, 65533]);
/// ```
pub fn intermingled_local_preferences(addrs: &[IpAddr], out: &mut [u16]) {
    let n = addrs.len().min(out.len());
    let (mut v6_seen, mut v4_seen) = (0usize, 0usize);
    let v6_total = addrs[..n].iter().filter(|a| a.is_ipv6()).count();
    let v4_total = n - v6_total;
    for (addr, slot) in addrs[..n].iter().zip(out.iter_mut()) {
        // Position in the merged order: IPv6 takes even slots while both families last.
        let rank = if addr.is_ipv6() {
            let i = v6_seen;
            v6_seen += 1;
            if i < v4_total { 2 * i } else { v4_total + i }
        } else {
            let i = v4_seen;
            v4_seen += 1;
            if i < v6_total {
                2 * i + 1
            } else {
                v6_total + i
            }
        };
        *slot = u16::try_from(rank).map_or(0, |r| u16::MAX.saturating_sub(r));
    }
}

/// The local preference of a TCP candidate (RFC 6544 §4.2):
/// `2^13 * direction_pref + other_pref`, with the direction preference RFC 6544 recommends:
/// for host and relayed candidates active 6, passive 4, simultaneous-open 2; for reflexive
/// (NAT-assisted) candidates simultaneous-open 6, active 4, passive 2. `other_pref` is
/// clamped to 0..=8191.
///
/// ```
/// use floe_ice_candidate::{tcp_local_preference, CandidateType, TcpType};
///
/// assert_eq!(tcp_local_preference(CandidateType::Host, TcpType::Active, 8191), 6 * 8192 + 8191);
/// assert_eq!(tcp_local_preference(CandidateType::ServerReflexive, TcpType::SimultaneousOpen, 0), 6 * 8192);
/// ```
#[must_use]
pub const fn tcp_local_preference(kind: CandidateType, tcp_type: TcpType, other_pref: u16) -> u16 {
    let nat_assisted = matches!(
        kind,
        CandidateType::ServerReflexive | CandidateType::PeerReflexive
    );
    let direction: u16 = match (nat_assisted, tcp_type) {
        (false, TcpType::Active) | (true, TcpType::SimultaneousOpen) => 6,
        (false, TcpType::Passive) | (true, TcpType::Active) => 4,
        (false, TcpType::SimultaneousOpen) | (true, TcpType::Passive) => 2,
    };
    let other = if other_pref > 0x1fff {
        0x1fff
    } else {
        other_pref
    };
    (direction << 13) | other
}

impl Foundation<'static> {
    /// A foundation per RFC 8445 §5.1.1.3: candidates share it exactly when they have the same
    /// type, base address, STUN/TURN server address and transport. Computed as a 64-bit
    /// FNV-1a hash of those four, written in decimal (at most 20 digits), so it is stable
    /// across runs and needs no table; two different inputs collide with probability ~2^-64.
    ///
    /// ```
    /// use floe_ice_candidate::{Address, CandidateType, Foundation, Transport};
    /// use core::net::Ipv4Addr;
    ///
    /// let base = Address::from(Ipv4Addr::new(10, 0, 0, 1));
    /// let stun = Some("198.51.100.1".parse().unwrap());
    /// let a = Foundation::compute(CandidateType::ServerReflexive, &base, stun, &Transport::Udp);
    /// let b = Foundation::compute(CandidateType::ServerReflexive, &base, stun, &Transport::Udp);
    /// let c = Foundation::compute(CandidateType::Relayed, &base, stun, &Transport::Udp);
    /// assert_eq!(a, b);
    /// assert_ne!(a, c);
    /// ```
    #[must_use]
    pub fn compute(
        kind: CandidateType,
        base: &Address<'_>,
        server: Option<IpAddr>,
        transport: &Transport<'_>,
    ) -> Self {
        let mut h = Fnv1a::default();
        h.write(kind.as_str().as_bytes());
        h.write(b"|");
        match base {
            Address::Ip(ip) => h.write_ip(*ip),
            Address::ScopedIpv6 { ip, zone } => {
                h.write_ip(IpAddr::V6(*ip));
                h.write(zone.as_bytes());
            }
            Address::Mdns(n) | Address::Name(n) => h.write(n.as_bytes()),
        }
        h.write(b"|");
        if let Some(ip) = server {
            h.write_ip(ip);
        }
        h.write(b"|");
        let t = transport.as_str();
        for b in t.bytes() {
            h.write(&[b.to_ascii_lowercase()]);
        }
        Foundation::owned_unchecked(h.0.to_string())
    }
}

/// 64-bit FNV-1a (a fixed, documented hash: foundations must not depend on a random seed).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn write_ip(&mut self, ip: IpAddr) {
        match ip {
            IpAddr::V4(v4) => self.write(&v4.octets()),
            IpAddr::V6(v6) => self.write(&v6.octets()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_priorities_decompose() {
        // Values seen in real SDP (facts): host 2130706431, relay 16777215, srflx 1694498815.
        assert_eq!(candidate_priority(126, 65535, 1), 2_130_706_431);
        assert_eq!(candidate_priority(126, 65535, 2), 2_130_706_430);
        assert_eq!(candidate_priority(0, 65535, 1), 16_777_215);
        assert_eq!(candidate_priority(100, 65535, 1), 1_694_498_815);
        // Chrome: host with local preference 32542 (network-dependent).
        assert_eq!(candidate_priority(126, 32542, 1), 2_122_260_223);
    }

    #[test]
    fn priority_clamps() {
        assert_eq!(
            candidate_priority(255, u16::MAX, 0),
            candidate_priority(126, u16::MAX, 1)
        );
        assert_eq!(candidate_priority(0, 0, 300), 0);
        assert!(candidate_priority(u8::MAX, u16::MAX, 0) <= 0x7fff_ffff);
    }

    #[test]
    fn pair_priority_formula() {
        let (g, d) = (2_130_706_431u32, 1_694_498_815u32);
        let expected = (u64::from(d) << 32) + 2 * u64::from(g) + 1;
        assert_eq!(pair_priority(g, d), expected);
        assert_eq!(pair_priority(d, g), expected - 1);
        assert_eq!(
            pair_priority(0x7fff_ffff, 0x7fff_ffff),
            (0x7fff_ffffu64 << 32) + 2 * 0x7fff_ffff
        );
    }

    #[test]
    fn intermingling_uneven_families() {
        let addrs: [IpAddr; 3] = [
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
            "192.0.2.1".parse().unwrap(),
        ];
        let mut out = [0u16; 3];
        intermingled_local_preferences(&addrs, &mut out);
        assert_eq!(out, [65535, 65533, 65534]);
        let mut short = [0u16; 1];
        intermingled_local_preferences(&addrs, &mut short);
        assert_eq!(short, [65535]);
    }

    #[test]
    fn precedence_table() {
        for (ip, p) in [
            ("::1", 50),
            ("2002::1", 30),
            ("2001:0::1", 5),
            ("fec0::1", 1),
            ("::1.2.3.4", 1),
            ("3ffe::1", 1),
        ] {
            assert_eq!(rfc6724_precedence(ip.parse().unwrap()), p, "{ip}");
        }
    }

    #[test]
    fn foundation_is_ice_chars_and_stable() {
        let f = Foundation::compute(
            CandidateType::Host,
            &Address::Name("a.example".into()),
            None,
            &Transport::Tcp,
        );
        assert!(crate::types::is_foundation(f.as_str()));
        let g = Foundation::compute(
            CandidateType::Host,
            &Address::Name("a.example".into()),
            None,
            &Transport::Tcp,
        );
        assert_eq!(f, g);
    }
}
