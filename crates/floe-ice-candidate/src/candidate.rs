//! The [`Candidate`] model: fields, accessors, parse entry points and serialization.

use core::fmt::Write as _;
use core::net::SocketAddr;

use crate::address::Address;
use crate::error::{BuildError, ParseError};
use crate::extensions::Extensions;
use crate::types::{CandidateType, Foundation, MAX_COMPONENT, Prefix, TcpType, Transport};
use crate::warning::Warnings;

/// An ICE candidate (RFC 8445 §5.1), as carried by an `a=candidate` attribute (RFC 8839 §5.1).
///
/// `Candidate<'a>` borrows from the parsed line (no allocation for a typical line);
/// [`Candidate::into_owned`] detaches it. Build one in code with
/// [`CandidateBuilder`](crate::CandidateBuilder).
///
/// # Serialization
///
/// [`Display`](core::fmt::Display) writes the line back. For canonical input (single spaces,
/// RFC field order, lower-case keywords, numbers without leading zeros, IPv6 in RFC 5952 form)
/// the output is byte-identical to the input. Otherwise it normalises exactly this, each
/// reported by a [`Warning`](crate::Warning) in lenient mode:
///
/// - runs of spaces and trailing white space become single spaces / nothing;
/// - `typ`, `raddr`, `rport`, `tcptype`, the candidate type and the TCP type are written in lower
///   case; `UDP`/`TCP` are written all upper case if they were, lower case otherwise;
/// - `raddr`, `rport` and `tcptype` are written in RFC order, before the extensions (which keep
///   their own order and spelling);
/// - component, priority, port and `rport` lose leading zeros; IPv6 addresses are written in
///   RFC 5952 form.
///
/// # Equality
///
/// `==` compares every field and the spelling [`Display`](core::fmt::Display) will use (the
/// prefix, `UDP` vs `udp`), so `a == b` implies `a.to_string() == b.to_string()`. An agent
/// matching candidates should compare the fields it cares about (e.g.
/// [`Candidate::socket_addr`], [`Candidate::transport`]).
///
/// ```
/// use floe_ice_candidate::{Candidate, CandidateType, Transport};
///
/// let line = "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.5 rport 46154 generation 0 ufrag EsAw network-id 1 network-cost 10";
/// let c = Candidate::parse(line)?;
/// assert_eq!(c.kind(), CandidateType::ServerReflexive);
/// assert_eq!(c.transport(), &Transport::Udp);
/// assert_eq!(c.socket_addr(), Some("203.0.113.7:46154".parse().unwrap()));
/// assert_eq!(c.extensions().ufrag(), Some("EsAw"));
/// assert_eq!(c.to_string(), line);
/// let owned: Candidate<'static> = c.into_owned();
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Candidate<'a> {
    pub(crate) prefix: Prefix,
    pub(crate) foundation: Foundation<'a>,
    pub(crate) component: u16,
    pub(crate) transport: Transport<'a>,
    /// `UDP`/`TCP` were written in upper case.
    pub(crate) transport_upper: bool,
    pub(crate) priority: u32,
    pub(crate) address: Address<'a>,
    pub(crate) port: u16,
    pub(crate) kind: CandidateType,
    pub(crate) related: Option<RelatedAddress<'a>>,
    pub(crate) tcp_type: Option<TcpType>,
    pub(crate) extensions: Extensions<'a>,
}

/// The related address and port (`raddr`/`rport`, RFC 8839 §5.1): the base of a reflexive
/// candidate or the mapped address of a relayed one.
///
/// ```
/// let c = floe_ice_candidate::Candidate::parse(
///     "candidate:1 1 udp 1 198.51.100.1 9 typ srflx raddr 10.0.0.1 rport 5000")?;
/// let r = c.related_address().unwrap();
/// assert_eq!((r.address.to_string(), r.port), ("10.0.0.1".to_string(), 5000));
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RelatedAddress<'a> {
    /// `rel-addr`.
    pub address: Address<'a>,
    /// `rel-port`.
    pub port: u16,
}

impl<'a> RelatedAddress<'a> {
    /// A related address.
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// let r = floe_ice_candidate::RelatedAddress::new(Ipv4Addr::UNSPECIFIED.into(), 0);
    /// assert_eq!(r.port, 0);
    /// ```
    #[must_use]
    pub const fn new(address: Address<'a>, port: u16) -> Self {
        Self { address, port }
    }

    /// An owned copy that borrows nothing.
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// let r = floe_ice_candidate::RelatedAddress::new(Ipv4Addr::LOCALHOST.into(), 1).into_owned();
    /// ```
    #[must_use]
    pub fn into_owned(self) -> RelatedAddress<'static> {
        RelatedAddress {
            address: self.address.into_owned(),
            port: self.port,
        }
    }
}

/// Lenient or strict parsing.
///
/// ```
/// assert_eq!(floe_ice_candidate::Mode::default(), floe_ice_candidate::Mode::Lenient);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Mode {
    /// Accept what real stacks emit (see [`WarningKind`](crate::WarningKind)) and report it
    /// as warnings.
    #[default]
    Lenient,
    /// Follow RFC 8839 §5.1 and RFC 6544 §4.5: every RFC-violating warning is an error.
    Strict,
}

/// Parser settings.
///
/// ```
/// use floe_ice_candidate::{Candidate, ParseOptions};
///
/// let line = "candidate:1 1 quic 1 192.0.2.1 9 typ host";
/// assert!(Candidate::parse(line).is_err());
/// let opts = ParseOptions::lenient().allow_unknown_transports(true);
/// assert_eq!(Candidate::parse_with(line, opts)?.candidate.transport().as_str(), "quic");
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Lenient (default) or strict.
    pub mode: Mode,
    /// Accept any RFC 3261 token as transport (with a warning). Off by default: only `UDP`,
    /// `TCP` and the non-standard transports seen in the wild (`ssltcp`) are accepted, since an
    /// unknown transport is far more often a corrupted line than a new protocol.
    pub allow_unknown_transports: bool,
}

impl ParseOptions {
    /// Lenient mode, the default.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::ParseOptions::lenient().mode, floe_ice_candidate::Mode::Lenient);
    /// ```
    #[must_use]
    pub const fn lenient() -> Self {
        Self {
            mode: Mode::Lenient,
            allow_unknown_transports: false,
        }
    }

    /// Strict mode.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::ParseOptions::strict().mode, floe_ice_candidate::Mode::Strict);
    /// ```
    #[must_use]
    pub const fn strict() -> Self {
        Self {
            mode: Mode::Strict,
            allow_unknown_transports: false,
        }
    }

    /// Sets [`ParseOptions::allow_unknown_transports`] (lenient mode only has an effect).
    ///
    /// ```
    /// assert!(floe_ice_candidate::ParseOptions::lenient().allow_unknown_transports(true).allow_unknown_transports);
    /// ```
    #[must_use]
    pub const fn allow_unknown_transports(mut self, allow: bool) -> Self {
        self.allow_unknown_transports = allow;
        self
    }
}

/// A parsed candidate and the warnings lenient parsing raised.
///
/// ```
/// use floe_ice_candidate::{Candidate, ParseOptions};
///
/// let p = Candidate::parse_with("candidate:1 1 UDP 1 192.0.2.1 9 typ host", ParseOptions::strict())?;
/// assert!(p.warnings.is_empty());
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parsed<'a> {
    /// The candidate.
    pub candidate: Candidate<'a>,
    /// What lenient parsing accepted or will normalise.
    pub warnings: Warnings,
}

impl<'a> Candidate<'a> {
    /// Parses a candidate line in lenient mode, with or without the `a=candidate:` /
    /// `candidate:` prefix, discarding warnings.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the bad field and its column.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("1 1 UDP 2122252543 192.0.2.1 49760 typ host")?;
    /// assert_eq!(c.priority(), 2122252543);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    pub fn parse(line: &'a str) -> Result<Self, ParseError> {
        crate::fast::parse_or(line, parse_full_lenient)
    }

    /// Parses a candidate line in strict mode.
    ///
    /// # Errors
    ///
    /// A [`ParseError`]; [`ParseError::NotStrict`] for what lenient mode would only warn about.
    ///
    /// ```
    /// use floe_ice_candidate::{Candidate, ParseError, WarningKind};
    ///
    /// let err = Candidate::parse_strict("candidate:1 1 tcp 1 192.0.2.1 9 typ host").unwrap_err();
    /// assert_eq!(err, ParseError::NotStrict { warning: WarningKind::MissingTcpType, column: 15 });
    /// ```
    pub fn parse_strict(line: &'a str) -> Result<Self, ParseError> {
        crate::parse::parse(line, ParseOptions::strict()).map(|p| p.candidate)
    }

    /// Parses with explicit options and returns the warnings too.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the bad field and its column.
    ///
    /// ```
    /// use floe_ice_candidate::{Candidate, ParseOptions, WarningKind};
    ///
    /// let p = Candidate::parse_with("candidate:1 1 ssltcp 1 192.0.2.1 443 typ host", ParseOptions::lenient())?;
    /// assert!(p.warnings.contains(WarningKind::NonStandardTransport));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    pub fn parse_with(line: &'a str, options: ParseOptions) -> Result<Parsed<'a>, ParseError> {
        crate::parse::parse(line, options)
    }

    /// An owned copy that borrows nothing.
    ///
    /// ```
    /// let line = String::from("candidate:1 1 udp 1 192.0.2.1 9 typ host");
    /// let c = floe_ice_candidate::Candidate::parse(&line)?.into_owned();
    /// drop(line);
    /// assert_eq!(c.port(), 9);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub fn into_owned(self) -> Candidate<'static> {
        Candidate {
            prefix: self.prefix,
            foundation: self.foundation.into_owned(),
            component: self.component,
            transport: self.transport.into_owned(),
            transport_upper: self.transport_upper,
            priority: self.priority,
            address: self.address.into_owned(),
            port: self.port,
            kind: self.kind,
            related: self.related.map(RelatedAddress::into_owned),
            tcp_type: self.tcp_type,
            extensions: self.extensions.into_owned(),
        }
    }

    /// The prefix the line had (and [`Display`](core::fmt::Display) writes).
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("1 1 udp 1 192.0.2.1 9 typ host")?;
    /// assert_eq!(c.prefix(), floe_ice_candidate::Prefix::None);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn prefix(&self) -> Prefix {
        self.prefix
    }

    /// Changes the prefix written by [`Display`](core::fmt::Display).
    ///
    /// ```
    /// use floe_ice_candidate::{Candidate, Prefix};
    /// let mut c = Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host")?;
    /// c.set_prefix(Prefix::Attribute);
    /// assert!(c.to_string().starts_with("a=candidate:1 "));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    pub const fn set_prefix(&mut self, prefix: Prefix) {
        self.prefix = prefix;
    }

    /// The foundation.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:a0+B/2 1 udp 1 ::1 9 typ host")?;
    /// assert_eq!(c.foundation().as_str(), "a0+B/2");
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn foundation(&self) -> &Foundation<'a> {
        &self.foundation
    }

    /// The component id, 1 to 256.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 2 udp 1 192.0.2.1 9 typ host")?;
    /// assert_eq!(c.component(), 2);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn component(&self) -> u16 {
        self.component
    }

    /// The transport.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 TCP 1 192.0.2.1 9 typ host tcptype active")?;
    /// assert!(c.transport().is_tcp());
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn transport(&self) -> &Transport<'a> {
        &self.transport
    }

    /// The transport as it is written on output: `UDP`/`TCP` in upper case when parsed (or
    /// built) that way, lower case otherwise; extension tokens as written.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 UDP 1 192.0.2.1 9 typ host")?;
    /// assert_eq!(c.transport_str(), "UDP");
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub fn transport_str(&self) -> &str {
        match (&self.transport, self.transport_upper) {
            (Transport::Udp, true) => "UDP",
            (Transport::Tcp, true) => "TCP",
            (t, _) => t.as_str(),
        }
    }

    /// The priority.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 4122316799 192.0.2.1 9 typ host")?;
    /// assert_eq!(c.priority(), 4122316799);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn priority(&self) -> u32 {
        self.priority
    }

    /// Sets the priority (e.g. to the peer-reflexive priority of RFC 8445 §7.2.5.3.1).
    ///
    /// ```
    /// let mut c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host")?;
    /// c.set_priority(7);
    /// assert_eq!(c.priority(), 7);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    pub const fn set_priority(&mut self, priority: u32) {
        self.priority = priority;
    }

    /// The connection address.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 a.local 9 typ host")?;
    /// assert!(c.address().is_mdns());
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn address(&self) -> &Address<'a> {
        &self.address
    }

    /// The port.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 65535 typ host")?;
    /// assert_eq!(c.port(), 65535);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn port(&self) -> u16 {
        self.port
    }

    /// The transport address as a socket address, when the address is an IP literal (the
    /// IPv6 zone, if any, is not carried over).
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 a.local 9 typ host")?;
    /// assert_eq!(c.socket_addr(), None);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn socket_addr(&self) -> Option<SocketAddr> {
        match self.address.ip() {
            Some(ip) => Some(SocketAddr::new(ip, self.port)),
            None => None,
        }
    }

    /// The candidate type.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ prflx")?;
    /// assert_eq!(c.kind(), floe_ice_candidate::CandidateType::PeerReflexive);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn kind(&self) -> CandidateType {
        self.kind
    }

    /// The related address and port, if present.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host")?;
    /// assert!(c.related_address().is_none());
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn related_address(&self) -> Option<&RelatedAddress<'a>> {
        self.related.as_ref()
    }

    /// The TCP candidate type, if present.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 tcp 1 192.0.2.1 9 typ host tcptype so")?;
    /// assert_eq!(c.tcp_type(), Some(floe_ice_candidate::TcpType::SimultaneousOpen));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn tcp_type(&self) -> Option<TcpType> {
        self.tcp_type
    }

    /// The extension pairs, in order.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host generation 0")?;
    /// assert_eq!(c.extensions().generation(), Some(0));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub const fn extensions(&self) -> &Extensions<'a> {
        &self.extensions
    }

    /// The extension pairs, to add to.
    ///
    /// ```
    /// let mut c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host")?;
    /// c.extensions_mut().push("ufrag", "EsAw").unwrap();
    /// assert!(c.to_string().ends_with(" typ host ufrag EsAw"));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    pub const fn extensions_mut(&mut self) -> &mut Extensions<'a> {
        &mut self.extensions
    }

    /// Changes the component id.
    ///
    /// # Errors
    ///
    /// [`BuildError::BadComponent`] outside 1..=256.
    ///
    /// ```
    /// let mut c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host")?;
    /// assert!(c.set_component(257).is_err());
    /// c.set_component(2).unwrap();
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    pub const fn set_component(&mut self, component: u16) -> Result<(), BuildError> {
        if component == 0 || component > MAX_COMPONENT {
            return Err(BuildError::BadComponent);
        }
        self.component = component;
        Ok(())
    }
}

/// The full parser in lenient mode, out of line: the fast path's fallback.
#[cold]
#[inline(never)]
fn parse_full_lenient(line: &str) -> Result<Candidate<'_>, ParseError> {
    crate::parse::parse_full(line, ParseOptions::lenient()).map(|p| p.candidate)
}

impl core::fmt::Display for Candidate<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use crate::write::decimal;
        f.write_str(self.prefix.as_str())?;
        f.write_str(self.foundation.as_str())?;
        f.write_char(' ')?;
        decimal(f, self.component.into())?;
        f.write_char(' ')?;
        f.write_str(self.transport_str())?;
        f.write_char(' ')?;
        decimal(f, self.priority)?;
        f.write_char(' ')?;
        self.address.write(f)?;
        f.write_char(' ')?;
        decimal(f, self.port.into())?;
        f.write_str(" typ ")?;
        f.write_str(self.kind.as_str())?;
        if let Some(r) = &self.related {
            f.write_str(" raddr ")?;
            r.address.write(f)?;
            f.write_str(" rport ")?;
            decimal(f, r.port.into())?;
        }
        if let Some(t) = self.tcp_type {
            f.write_str(" tcptype ")?;
            f.write_str(t.as_str())?;
        }
        if !self.extensions.is_empty() {
            f.write_char(' ')?;
            f.write_str(self.extensions.as_str())?;
        }
        Ok(())
    }
}

impl core::str::FromStr for Candidate<'static> {
    type Err = ParseError;

    /// Lenient parse into an owned candidate.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Candidate::parse(s).map(Candidate::into_owned)
    }
}
