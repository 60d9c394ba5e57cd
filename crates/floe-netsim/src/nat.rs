//! NATs with the behaviours of RFC 4787: mapping (§4.1), filtering (§5), hairpinning (§6),
//! port preservation (§4.2.1) and the mapping timeout (§4.3).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use floe_stun::net::Transport;

use crate::types::{NatId, Realm};

/// How a NAT reuses an external mapping (RFC 4787 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mapping {
    /// One mapping per internal address and port, whatever the destination ("full cone",
    /// "restricted cone"); RFC 4787 REQ-1 asks for this.
    EndpointIndependent,
    /// A new mapping per destination IP address.
    AddressDependent,
    /// A new mapping per destination address and port ("symmetric NAT").
    AddressAndPortDependent,
}

/// Which inbound packets a NAT lets through a mapping (RFC 4787 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Filtering {
    /// Any remote may send to the mapping ("full cone").
    EndpointIndependent,
    /// Only remote IP addresses the internal endpoint sent to ("restricted cone").
    AddressDependent,
    /// Only remote addresses and ports the internal endpoint sent to ("port restricted").
    AddressAndPortDependent,
}

/// The behaviour of one NAT.
///
/// ```
/// use std::time::Duration;
/// use floe_netsim::{Filtering, Mapping, NatConfig};
/// let cgnat = NatConfig::symmetric()
///     .hairpinning(false)
///     .port_preservation(true)
///     .mapping_timeout(Duration::from_secs(30));
/// assert_eq!(cgnat.mapping, Mapping::AddressAndPortDependent);
/// assert_eq!(NatConfig::default().filtering, Filtering::AddressAndPortDependent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NatConfig {
    /// Mapping behaviour.
    pub mapping: Mapping,
    /// Filtering behaviour.
    pub filtering: Filtering,
    /// Whether a host behind the NAT reaches another one through the NAT's external address
    /// (RFC 4787 §6, REQ-9). The packet arrives with the sender's external mapping as source.
    pub hairpinning: bool,
    /// Whether a new mapping keeps the internal port when it is free (RFC 4787 §4.2.1).
    pub port_preservation: bool,
    /// How long a mapping lives after the last outbound packet (RFC 4787 §4.3; REQ-5 asks
    /// for at least 2 minutes). Inbound packets do not refresh it (REQ-6 only asks outbound).
    pub mapping_timeout: Duration,
    /// The NAT this one sits behind (NAT-of-NAT, e.g. a home router behind a carrier-grade
    /// NAT); `None` puts its external side on the internet.
    pub behind: Option<NatId>,
}

impl Default for NatConfig {
    /// [`NatConfig::port_restricted_cone`].
    fn default() -> Self {
        Self::port_restricted_cone()
    }
}

impl NatConfig {
    /// A NAT with these behaviours, hairpinning on, no port preservation and a 2-minute
    /// mapping timeout.
    #[must_use]
    pub const fn new(mapping: Mapping, filtering: Filtering) -> Self {
        Self {
            mapping,
            filtering,
            hairpinning: true,
            port_preservation: false,
            mapping_timeout: Duration::from_secs(120),
            behind: None,
        }
    }

    /// Endpoint-independent mapping and filtering ("full cone").
    #[must_use]
    pub const fn full_cone() -> Self {
        Self::new(Mapping::EndpointIndependent, Filtering::EndpointIndependent)
    }

    /// Endpoint-independent mapping, address-dependent filtering ("restricted cone").
    #[must_use]
    pub const fn restricted_cone() -> Self {
        Self::new(Mapping::EndpointIndependent, Filtering::AddressDependent)
    }

    /// Endpoint-independent mapping, address-and-port-dependent filtering ("port restricted
    /// cone"), the most common home router.
    #[must_use]
    pub const fn port_restricted_cone() -> Self {
        Self::new(
            Mapping::EndpointIndependent,
            Filtering::AddressAndPortDependent,
        )
    }

    /// Address-and-port-dependent mapping and filtering ("symmetric").
    #[must_use]
    pub const fn symmetric() -> Self {
        Self::new(
            Mapping::AddressAndPortDependent,
            Filtering::AddressAndPortDependent,
        )
    }

    /// Sets the mapping behaviour.
    #[must_use]
    pub const fn mapping(mut self, mapping: Mapping) -> Self {
        self.mapping = mapping;
        self
    }

    /// Sets the filtering behaviour.
    #[must_use]
    pub const fn filtering(mut self, filtering: Filtering) -> Self {
        self.filtering = filtering;
        self
    }

    /// Turns hairpinning on or off.
    #[must_use]
    pub const fn hairpinning(mut self, on: bool) -> Self {
        self.hairpinning = on;
        self
    }

    /// Turns port preservation on or off.
    #[must_use]
    pub const fn port_preservation(mut self, on: bool) -> Self {
        self.port_preservation = on;
        self
    }

    /// Sets the mapping timeout.
    #[must_use]
    pub const fn mapping_timeout(mut self, timeout: Duration) -> Self {
        self.mapping_timeout = timeout;
        self
    }

    /// Places this NAT behind another one.
    #[must_use]
    pub const fn behind(mut self, outer: NatId) -> Self {
        self.behind = Some(outer);
        self
    }
}

/// What a mapping was made for: nothing, a destination IP, or a destination address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Toward {
    Any,
    Ip(IpAddr),
    Addr(SocketAddr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct MapKey {
    transport: Transport,
    internal: SocketAddr,
    toward: Toward,
}

#[derive(Debug)]
struct Binding {
    external: SocketAddr,
    until: std::time::Instant,
    /// Remote endpoints the internal endpoint sent to through this mapping (the filter).
    contacted: BTreeSet<SocketAddr>,
}

/// Why an inbound packet did not get through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// No live mapping on that external address.
    NoMapping,
    /// The filter refused the remote.
    Filtered,
}

/// Lowest port a NAT hands out when it does not preserve the internal one.
const FIRST_DYNAMIC_PORT: u16 = 1024;

/// One NAT's state: its mappings, both ways.
#[derive(Debug)]
pub(crate) struct Nat {
    pub(crate) config: NatConfig,
    /// Where its external side is.
    pub(crate) outside: Realm,
    /// Its external addresses (IPv4 first, then IPv6).
    pub(crate) external: Vec<IpAddr>,
    mappings: BTreeMap<MapKey, Binding>,
    by_external: BTreeMap<(Transport, SocketAddr), MapKey>,
    next_port: u16,
}

impl Nat {
    pub(crate) fn new(
        config: NatConfig,
        outside: Realm,
        external: Vec<IpAddr>,
        first_port: u16,
    ) -> Self {
        Self {
            config,
            outside,
            external,
            mappings: BTreeMap::new(),
            by_external: BTreeMap::new(),
            next_port: first_port.max(FIRST_DYNAMIC_PORT),
        }
    }

    /// Live mappings (expired ones are removed lazily, so this may overcount them).
    pub(crate) fn mapping_count(&self) -> usize {
        self.mappings.len()
    }

    /// Translates the source of an outbound packet, creating or refreshing its mapping;
    /// `None` when the NAT has no external address of the family or no free port.
    pub(crate) fn outbound(
        &mut self,
        now: std::time::Instant,
        transport: Transport,
        internal: SocketAddr,
        destination: SocketAddr,
    ) -> Option<SocketAddr> {
        let key = MapKey {
            transport,
            internal,
            toward: match self.config.mapping {
                Mapping::EndpointIndependent => Toward::Any,
                Mapping::AddressDependent => Toward::Ip(destination.ip()),
                Mapping::AddressAndPortDependent => Toward::Addr(destination),
            },
        };
        let until = now + self.config.mapping_timeout;
        if let Some(b) = self.mappings.get_mut(&key) {
            if b.until > now {
                b.until = until;
                b.contacted.insert(destination);
                return Some(b.external);
            }
            let external = b.external;
            self.mappings.remove(&key);
            self.by_external.remove(&(transport, external));
        }
        let ip = *self
            .external
            .iter()
            .find(|ip| ip.is_ipv4() == destination.is_ipv4())?;
        let external = self.free_port(now, transport, ip, internal.port())?;
        self.by_external.insert((transport, external), key);
        self.mappings.insert(
            key,
            Binding {
                external,
                until,
                contacted: BTreeSet::from([destination]),
            },
        );
        Some(external)
    }

    /// Translates the destination of an inbound packet from `remote` to the internal
    /// endpoint, if a live mapping exists and its filter lets `remote` in.
    pub(crate) fn inbound(
        &mut self,
        now: std::time::Instant,
        transport: Transport,
        remote: SocketAddr,
        external: SocketAddr,
    ) -> Result<SocketAddr, Refused> {
        let key = *self
            .by_external
            .get(&(transport, external))
            .ok_or(Refused::NoMapping)?;
        let b = &self.mappings[&key];
        if b.until <= now {
            self.mappings.remove(&key);
            self.by_external.remove(&(transport, external));
            return Err(Refused::NoMapping);
        }
        let allowed = match self.config.filtering {
            Filtering::EndpointIndependent => true,
            Filtering::AddressDependent => b.contacted.iter().any(|c| c.ip() == remote.ip()),
            Filtering::AddressAndPortDependent => b.contacted.contains(&remote),
        };
        if allowed {
            Ok(key.internal)
        } else {
            Err(Refused::Filtered)
        }
    }

    /// Whether `(transport, addr)` is held by a live mapping (an expired one is removed).
    fn taken(&mut self, now: std::time::Instant, transport: Transport, addr: SocketAddr) -> bool {
        let Some(key) = self.by_external.get(&(transport, addr)).copied() else {
            return false;
        };
        if self.mappings[&key].until > now {
            return true;
        }
        self.mappings.remove(&key);
        self.by_external.remove(&(transport, addr));
        false
    }

    /// A free external port on `ip`: the internal one with port preservation, else the next
    /// free one in sequence (at most one pass over the port space).
    fn free_port(
        &mut self,
        now: std::time::Instant,
        transport: Transport,
        ip: IpAddr,
        internal_port: u16,
    ) -> Option<SocketAddr> {
        if self.config.port_preservation && internal_port != 0 {
            let addr = SocketAddr::new(ip, internal_port);
            if !self.taken(now, transport, addr) {
                return Some(addr);
            }
        }
        for _ in FIRST_DYNAMIC_PORT..=u16::MAX {
            let port = self.next_port;
            self.next_port = port.checked_add(1).unwrap_or(FIRST_DYNAMIC_PORT);
            let addr = SocketAddr::new(ip, port);
            if !self.taken(now, transport, addr) {
                return Some(addr);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn nat(config: NatConfig) -> Nat {
        Nat::new(
            config,
            Realm::Internet,
            alloc::vec!["198.51.100.1".parse().unwrap()],
            40000,
        )
    }

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    const UDP: Transport = Transport::Udp;

    #[test]
    fn mapping_behaviours() {
        let now = Instant::now();
        let inside = a("198.18.0.1:5000");
        let (s1, s2, s1b) = (
            a("203.0.113.1:3478"),
            a("203.0.113.2:3478"),
            a("203.0.113.1:9"),
        );
        for (mapping, same_ip_other_port, other_ip) in [
            (Mapping::EndpointIndependent, true, true),
            (Mapping::AddressDependent, true, false),
            (Mapping::AddressAndPortDependent, false, false),
        ] {
            let mut n = nat(NatConfig::full_cone().mapping(mapping));
            let m1 = n.outbound(now, UDP, inside, s1).unwrap();
            assert_eq!(n.outbound(now, UDP, inside, s1), Some(m1), "{mapping:?}");
            assert_eq!(
                n.outbound(now, UDP, inside, s1b) == Some(m1),
                same_ip_other_port,
                "{mapping:?}"
            );
            assert_eq!(
                n.outbound(now, UDP, inside, s2) == Some(m1),
                other_ip,
                "{mapping:?}"
            );
        }
    }

    #[test]
    fn filtering_behaviours() {
        let now = Instant::now();
        let inside = a("198.18.0.1:5000");
        let server = a("203.0.113.1:3478");
        for (filtering, same_ip_other_port, other_ip) in [
            (Filtering::EndpointIndependent, true, true),
            (Filtering::AddressDependent, true, false),
            (Filtering::AddressAndPortDependent, false, false),
        ] {
            let mut n = nat(NatConfig::full_cone().filtering(filtering));
            let m = n.outbound(now, UDP, inside, server).unwrap();
            assert_eq!(n.inbound(now, UDP, server, m), Ok(inside));
            let r = n.inbound(now, UDP, a("203.0.113.1:4000"), m);
            assert_eq!(r.is_ok(), same_ip_other_port, "{filtering:?}");
            let r = n.inbound(now, UDP, a("203.0.113.9:3478"), m);
            assert_eq!(r.is_ok(), other_ip, "{filtering:?}");
            assert_eq!(
                n.inbound(now, Transport::Tcp, server, m),
                Err(Refused::NoMapping)
            );
        }
    }

    #[test]
    fn mappings_expire_unless_refreshed_outbound() {
        let t0 = Instant::now();
        let timeout = Duration::from_secs(30);
        let mut n = nat(NatConfig::full_cone().mapping_timeout(timeout));
        let inside = a("198.18.0.1:5000");
        let server = a("203.0.113.1:3478");
        let m = n.outbound(t0, UDP, inside, server).unwrap();
        // Inbound traffic does not keep it alive.
        assert!(n.inbound(t0 + timeout / 2, UDP, server, m).is_ok());
        assert_eq!(
            n.inbound(t0 + timeout, UDP, server, m),
            Err(Refused::NoMapping)
        );
        // Outbound traffic does.
        let m2 = n.outbound(t0 + timeout, UDP, inside, server).unwrap();
        let later = t0 + timeout + timeout / 2;
        assert_eq!(n.outbound(later, UDP, inside, server), Some(m2));
        assert!(n.inbound(later + timeout / 2, UDP, server, m2).is_ok());
    }

    #[test]
    fn port_preservation_and_collisions() {
        let now = Instant::now();
        let mut n = nat(NatConfig::symmetric().port_preservation(true));
        let server = a("203.0.113.1:3478");
        let m1 = n.outbound(now, UDP, a("198.18.0.1:5000"), server).unwrap();
        assert_eq!(m1.port(), 5000);
        // Same internal port on another host: taken, so the next free port.
        let m2 = n.outbound(now, UDP, a("198.18.0.2:5000"), server).unwrap();
        assert_eq!(m2.port(), 40000);
        let mut plain = nat(NatConfig::symmetric());
        let m = plain
            .outbound(now, UDP, a("198.18.0.1:5000"), server)
            .unwrap();
        assert_eq!(m.port(), 40000);
        // No IPv6 external address: IPv6 destinations cannot be reached.
        assert_eq!(
            plain.outbound(now, UDP, a("[fd00::1]:1"), a("[2001:db8::1]:1")),
            None
        );
    }
}
