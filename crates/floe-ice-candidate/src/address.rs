//! Candidate addresses: IP literals, IPv6 with a zone, mDNS `.local` names and other host names.

use alloc::borrow::Cow;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::BuildError;
use crate::grammar::{is_host_name, is_zone_id};

/// The address of a candidate or of its related address (RFC 8839 §5.1 `connection-address`).
///
/// IP literals are parsed; names are kept as written. mDNS names (RFC 6762 `.local`, which
/// browsers use to hide host addresses: `<uuid>.local`) are their own variant so an agent can
/// route them to an mDNS resolver.
///
/// ```
/// use floe_ice_candidate::Address;
/// use core::net::{IpAddr, Ipv4Addr};
///
/// let a = Address::from(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
/// assert_eq!(a.to_string(), "192.0.2.1");
/// let m = Address::from_name("2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local")?;
/// assert!(m.is_mdns());
/// assert_eq!(m.ip(), None);
/// # Ok::<(), floe_ice_candidate::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Address<'a> {
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// An IPv6 address with a zone identifier (`fe80::1%eth0`); lenient mode only.
    ScopedIpv6 {
        /// The address.
        ip: Ipv6Addr,
        /// The zone identifier after `%`, as written.
        zone: Cow<'a, str>,
    },
    /// A multicast DNS name (`*.local`, RFC 6762), as written.
    Mdns(Cow<'a, str>),
    /// Another fully qualified host name, as written.
    Name(Cow<'a, str>),
}

impl<'a> Address<'a> {
    /// A host name: `*.local` (any case) becomes [`Address::Mdns`], other names
    /// [`Address::Name`].
    ///
    /// # Errors
    ///
    /// [`BuildError::BadHostName`] unless the name has at least two labels of letters, digits
    /// and hyphens and a top-level label of two or more characters starting with a letter.
    ///
    /// ```
    /// use floe_ice_candidate::Address;
    ///
    /// assert!(matches!(Address::from_name("turn.example.com")?, Address::Name(_)));
    /// assert!(Address::from_name("localhost").is_err());
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    pub fn from_name(name: impl Into<Cow<'a, str>>) -> Result<Self, BuildError> {
        let name = name.into();
        if !is_host_name(&name) {
            return Err(BuildError::BadHostName);
        }
        Ok(if is_mdns_name(&name) {
            Self::Mdns(name)
        } else {
            Self::Name(name)
        })
    }

    /// The IP address, for IP literals (with or without zone).
    ///
    /// ```
    /// use floe_ice_candidate::Address;
    /// use core::net::{IpAddr, Ipv6Addr};
    ///
    /// assert_eq!(Address::from(IpAddr::V6(Ipv6Addr::LOCALHOST)).ip(), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    /// ```
    #[must_use]
    pub const fn ip(&self) -> Option<IpAddr> {
        match *self {
            Self::Ip(ip) => Some(ip),
            Self::ScopedIpv6 { ip, .. } => Some(IpAddr::V6(ip)),
            Self::Mdns(_) | Self::Name(_) => None,
        }
    }

    /// The host name, for names (mDNS or not).
    ///
    /// ```
    /// let a = floe_ice_candidate::Address::from_name("x.local")?;
    /// assert_eq!(a.name(), Some("x.local"));
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Mdns(n) | Self::Name(n) => Some(n),
            Self::Ip(_) | Self::ScopedIpv6 { .. } => None,
        }
    }

    /// Whether this is an mDNS `.local` name.
    ///
    /// ```
    /// assert!(!floe_ice_candidate::Address::from_name("a.example")?.is_mdns());
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub const fn is_mdns(&self) -> bool {
        matches!(self, Self::Mdns(_))
    }

    /// Whether this is an IPv6 address (with or without zone).
    ///
    /// ```
    /// use core::net::{IpAddr, Ipv6Addr};
    /// assert!(floe_ice_candidate::Address::from(IpAddr::V6(Ipv6Addr::LOCALHOST)).is_ipv6());
    /// ```
    #[must_use]
    pub const fn is_ipv6(&self) -> bool {
        matches!(self, Self::Ip(IpAddr::V6(_)) | Self::ScopedIpv6 { .. })
    }

    /// An owned copy that borrows nothing.
    ///
    /// ```
    /// let a: floe_ice_candidate::Address<'static> =
    ///     floe_ice_candidate::Address::from_name("a.local")?.into_owned();
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub fn into_owned(self) -> Address<'static> {
        match self {
            Self::Ip(ip) => Address::Ip(ip),
            Self::ScopedIpv6 { ip, zone } => Address::ScopedIpv6 {
                ip,
                zone: Cow::Owned(zone.into_owned()),
            },
            Self::Mdns(n) => Address::Mdns(Cow::Owned(n.into_owned())),
            Self::Name(n) => Address::Name(Cow::Owned(n.into_owned())),
        }
    }
}

impl From<IpAddr> for Address<'_> {
    fn from(ip: IpAddr) -> Self {
        Self::Ip(ip)
    }
}

impl From<Ipv4Addr> for Address<'_> {
    fn from(ip: Ipv4Addr) -> Self {
        Self::Ip(IpAddr::V4(ip))
    }
}

impl From<Ipv6Addr> for Address<'_> {
    fn from(ip: Ipv6Addr) -> Self {
        Self::Ip(IpAddr::V6(ip))
    }
}

impl core::fmt::Display for Address<'_> {
    /// IP addresses are written in canonical form (RFC 5952 for IPv6); names as written.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Ip(ip) => core::fmt::Display::fmt(ip, f),
            _ => self.write(f),
        }
    }
}

impl Address<'_> {
    /// Writes the address as a candidate line carries it (no width or padding handling, unlike
    /// `Display`).
    pub(crate) fn write(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Ip(IpAddr::V4(ip)) => crate::write::ipv4(f, *ip),
            Self::Ip(ip) => core::fmt::Display::fmt(ip, f),
            Self::ScopedIpv6 { ip, zone } => write!(f, "{ip}%{zone}"),
            Self::Mdns(n) | Self::Name(n) => f.write_str(n),
        }
    }
}

/// Whether a (valid) host name is an mDNS name: its last label is `local` (RFC 6762 §3).
pub(crate) fn is_mdns_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 6 && b[b.len() - 6..].eq_ignore_ascii_case(b".local")
}

/// What [`parse_address`] noticed besides the address itself.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AddressNotes {
    /// The IPv6 literal had a `%zone`.
    pub(crate) zone: bool,
    /// The IPv6 literal is not in RFC 5952 form, so output will differ.
    pub(crate) non_canonical: bool,
}

/// Parses a `connection-address`: a dotted-decimal IPv4 literal, an IPv6 literal (anything
/// with a `:`), optionally with `%zone`, or a host name.
pub(crate) fn parse_address(s: &str) -> Option<(Address<'_>, AddressNotes)> {
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_digit)
        && let Some(v4) = parse_ipv4(b)
    {
        return Some((Address::Ip(IpAddr::V4(v4)), AddressNotes::default()));
    }
    if b.contains(&b':') {
        return parse_ipv6(s);
    }
    if !is_host_name(s) {
        return None;
    }
    let addr = if is_mdns_name(s) {
        Address::Mdns(Cow::Borrowed(s))
    } else {
        Address::Name(Cow::Borrowed(s))
    };
    Some((addr, AddressNotes::default()))
}

/// An IPv6 literal, optionally with `%zone`.
fn parse_ipv6(s: &str) -> Option<(Address<'_>, AddressNotes)> {
    let mut notes = AddressNotes::default();
    let (lit, zone) = match s.split_once('%') {
        Some((lit, zone)) => (lit, Some(zone)),
        None => (s, None),
    };
    let ip: Ipv6Addr = lit.parse().ok()?;
    notes.non_canonical = !ipv6_is_canonical(ip, lit);
    let addr = match zone {
        None => Address::Ip(IpAddr::V6(ip)),
        Some(zone) if is_zone_id(zone) => {
            notes.zone = true;
            Address::ScopedIpv6 {
                ip,
                zone: Cow::Borrowed(zone),
            }
        }
        Some(_) => return None,
    };
    Some((addr, notes))
}

/// Dotted-decimal IPv4: four octets of 1 to 3 digits, no leading zeros (as
/// `core::net::Ipv4Addr` reads them, so output is byte-identical), in one pass.
fn parse_ipv4(b: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let (mut n, mut value, mut digits) = (0usize, 0u16, 0u8);
    for &c in b {
        if c == b'.' {
            if digits == 0 {
                return None;
            }
            *octets.get_mut(n)? = u8::try_from(value).ok()?;
            (n, value, digits) = (n + 1, 0, 0);
        } else {
            let d = c.wrapping_sub(b'0');
            if d > 9 || (digits == 1 && value == 0) || digits == 3 {
                return None;
            }
            value = value * 10 + u16::from(d);
            digits += 1;
        }
    }
    if n != 3 || digits == 0 {
        return None;
    }
    octets[3] = u8::try_from(value).ok()?;
    Some(Ipv4Addr::from(octets))
}

/// Whether `text` is exactly how `ip` is displayed (RFC 5952).
fn ipv6_is_canonical(ip: Ipv6Addr, text: &str) -> bool {
    use core::fmt::Write as _;
    let mut buf = StackText::<64>::new();
    write!(buf, "{ip}").is_ok() && buf.as_bytes() == text.as_bytes()
}

/// A fixed buffer to format into without allocating.
struct StackText<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackText<N> {
    const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl<const N: usize> core::fmt::Write for StackText<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self
            .len
            .checked_add(s.len())
            .filter(|&e| e <= N)
            .ok_or(core::fmt::Error)?;
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString as _;

    fn parse(s: &str) -> Option<Address<'_>> {
        parse_address(s).map(|(a, _)| a)
    }

    #[test]
    fn ipv4() {
        assert_eq!(
            parse("192.0.2.1"),
            Some(Address::Ip("192.0.2.1".parse().unwrap()))
        );
        assert_eq!(
            parse("0.0.0.0"),
            Some(Address::Ip("0.0.0.0".parse().unwrap()))
        );
        assert_eq!(
            parse("255.255.255.255"),
            Some(Address::Ip("255.255.255.255".parse().unwrap()))
        );
        for bad in [
            "256.0.0.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1..2.3",
            "1.2.3.",
            "192.168.0.274",
            "1%92.168.1",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ipv6_and_zones() {
        let (a, n) = parse_address("fe80::1%eth0").unwrap();
        assert!(n.zone);
        assert_eq!(a.to_string(), "fe80::1%eth0");
        let (a, n) = parse_address("2001:DB8::1").unwrap();
        assert!(n.non_canonical);
        assert_eq!(a.to_string(), "2001:db8::1");
        let (_, n) = parse_address("2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c").unwrap();
        assert!(!n.non_canonical);
        assert_eq!(parse("fe80::1%"), None);
        assert_eq!(parse("fe80::1%a b"), None);
        assert_eq!(parse("fe80:::1"), None);
        assert_eq!(parse("1%92.168.1"), None);
    }

    #[test]
    fn names() {
        assert!(
            parse("e2494022-4d9a-4c1e-a750-cc48d4f8d6ee.local")
                .unwrap()
                .is_mdns()
        );
        assert!(parse("A.LOCAL").unwrap().is_mdns());
        assert_eq!(
            parse("redacted-ip.invalid").unwrap().name(),
            Some("redacted-ip.invalid")
        );
        for bad in [
            "x.x.x.x",
            "address",
            "50.0.0.^^1",
            "192.0#.2.15",
            ".local",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
