//! [`CandidateBuilder`]: local candidates created in code by an ICE agent.

use alloc::borrow::Cow;

use crate::address::Address;
use crate::candidate::{Candidate, RelatedAddress};
use crate::error::BuildError;
use crate::extensions::Extensions;
use crate::grammar::{is_host_name, is_zone_id};
use crate::priority::{DEFAULT_LOCAL_PREFERENCE, candidate_priority};
use crate::types::{CandidateType, Foundation, MAX_COMPONENT, Prefix, TcpType, Transport};

/// Builds a [`Candidate`] in code, checking every field once in [`CandidateBuilder::build`].
///
/// Defaults: component 1, UDP, prefix `candidate:`, the RFC 8445 §5.1.2.1 priority from the
/// type's recommended preference and local preference 65535, and a foundation computed by
/// [`Foundation::compute`] from the type, the base (the related address if set, else the
/// address) and the transport.
///
/// ```
/// use floe_ice_candidate::{Candidate, CandidateBuilder, CandidateType, TcpType, Transport};
/// use core::net::Ipv4Addr;
///
/// let c = CandidateBuilder::new(CandidateType::Host, Ipv4Addr::new(192, 0, 2, 7), 9)
///     .foundation("1")
///     .transport(Transport::Tcp)
///     .tcp_type(TcpType::Active)
///     .local_preference(32542)
///     .extension("generation", "0")
///     .build()?;
/// assert_eq!(c.to_string(), "candidate:1 1 tcp 2122260223 192.0.2.7 9 typ host tcptype active generation 0");
/// assert_eq!(Candidate::parse(&c.to_string())?, c);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CandidateBuilder<'a> {
    kind: CandidateType,
    address: Address<'a>,
    port: u16,
    foundation: Option<Cow<'a, str>>,
    component: u16,
    transport: Transport<'a>,
    transport_upper: bool,
    priority: Option<u32>,
    local_preference: u16,
    related: Option<RelatedAddress<'a>>,
    tcp_type: Option<TcpType>,
    extensions: Extensions<'a>,
    extension_error: Option<BuildError>,
    prefix: Prefix,
}

impl<'a> CandidateBuilder<'a> {
    /// Starts a candidate of type `kind` at `address`:`port`.
    ///
    /// ```
    /// use floe_ice_candidate::{CandidateBuilder, CandidateType};
    /// let c = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 5000).build()?;
    /// assert_eq!(c.priority(), 2130706431);
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub fn new(kind: CandidateType, address: impl Into<Address<'a>>, port: u16) -> Self {
        Self {
            kind,
            address: address.into(),
            port,
            foundation: None,
            component: 1,
            transport: Transport::Udp,
            transport_upper: false,
            priority: None,
            local_preference: DEFAULT_LOCAL_PREFERENCE,
            related: None,
            tcp_type: None,
            extensions: Extensions::new(),
            extension_error: None,
            prefix: Prefix::Candidate,
        }
    }

    /// Sets the foundation (checked in [`build`](Self::build)).
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType};
    /// let b = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1).foundation("$");
    /// assert!(b.build().is_err());
    /// ```
    #[must_use]
    pub fn foundation(mut self, foundation: impl Into<Cow<'a, str>>) -> Self {
        self.foundation = Some(foundation.into());
        self
    }

    /// Sets the component id, 1..=256 (checked in [`build`](Self::build)).
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType};
    /// let c = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1).component(2).build()?;
    /// assert_eq!(c.priority(), 2130706430);
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub const fn component(mut self, component: u16) -> Self {
        self.component = component;
        self
    }

    /// Sets the transport (default UDP).
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType, Transport};
    /// let c = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1)
    ///     .transport(Transport::Tcp).build()?;
    /// assert!(c.transport().is_tcp());
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub fn transport(mut self, transport: Transport<'a>) -> Self {
        self.transport = transport;
        self
    }

    /// Writes `UDP`/`TCP` in upper case (as Firefox does).
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType};
    /// let c = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1)
    ///     .foundation("0").upper_case_transport(true).build()?;
    /// assert_eq!(c.to_string(), "candidate:0 1 UDP 2130706431 127.0.0.1 1 typ host");
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub const fn upper_case_transport(mut self, upper: bool) -> Self {
        self.transport_upper = upper;
        self
    }

    /// Sets the priority explicitly instead of computing it.
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType};
    /// let c = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1).priority(5).build()?;
    /// assert_eq!(c.priority(), 5);
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub const fn priority(mut self, priority: u32) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Sets the local preference used to compute the priority (default 65535). See
    /// [`dual_stack_local_preference`](crate::dual_stack_local_preference) and
    /// [`tcp_local_preference`](crate::tcp_local_preference).
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType};
    /// let c = CandidateBuilder::new(CandidateType::Relayed, core::net::Ipv4Addr::LOCALHOST, 1)
    ///     .local_preference(0).build()?;
    /// assert_eq!(c.priority(), 255);
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub const fn local_preference(mut self, local_preference: u16) -> Self {
        self.local_preference = local_preference;
        self
    }

    /// Sets the related address and port (`raddr`/`rport`).
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType};
    /// use core::net::Ipv4Addr;
    /// let c = CandidateBuilder::new(CandidateType::ServerReflexive, Ipv4Addr::new(198, 51, 100, 1), 40000)
    ///     .related(Ipv4Addr::new(10, 0, 0, 1), 5000).build()?;
    /// assert_eq!(c.related_address().unwrap().port, 5000);
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub fn related(mut self, address: impl Into<Address<'a>>, port: u16) -> Self {
        self.related = Some(RelatedAddress::new(address.into(), port));
        self
    }

    /// Sets the TCP type (RFC 6544).
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType, TcpType, Transport};
    /// let c = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 9)
    ///     .transport(Transport::Tcp).tcp_type(TcpType::Active).build()?;
    /// assert_eq!(c.tcp_type(), Some(TcpType::Active));
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub const fn tcp_type(mut self, tcp_type: TcpType) -> Self {
        self.tcp_type = Some(tcp_type);
        self
    }

    /// Appends an extension pair (checked now, reported by [`build`](Self::build)).
    ///
    /// ```
    /// # use floe_ice_candidate::{BuildError, CandidateBuilder, CandidateType};
    /// let b = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1)
    ///     .extension("network-cost", "ten");
    /// assert_eq!(b.build().unwrap_err(), BuildError::BadExtensionValue);
    /// ```
    #[must_use]
    pub fn extension(mut self, name: &str, value: &str) -> Self {
        if let Err(e) = self.extensions.push(name, value) {
            self.extension_error.get_or_insert(e);
        }
        self
    }

    /// Sets the prefix [`Display`](core::fmt::Display) writes (default `candidate:`).
    ///
    /// ```
    /// # use floe_ice_candidate::{CandidateBuilder, CandidateType, Prefix};
    /// let c = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1)
    ///     .prefix(Prefix::Attribute).build()?;
    /// assert!(c.to_string().starts_with("a=candidate:"));
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub const fn prefix(mut self, prefix: Prefix) -> Self {
        self.prefix = prefix;
        self
    }

    /// Checks the fields and builds the candidate.
    ///
    /// # Errors
    ///
    /// The first [`BuildError`]: foundation, component, then extensions.
    ///
    /// ```
    /// # use floe_ice_candidate::{BuildError, CandidateBuilder, CandidateType};
    /// let b = CandidateBuilder::new(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1).component(0);
    /// assert_eq!(b.build().unwrap_err(), BuildError::BadComponent);
    /// ```
    pub fn build(self) -> Result<Candidate<'a>, BuildError> {
        if self.component == 0 || self.component > MAX_COMPONENT {
            return Err(BuildError::BadComponent);
        }
        if let Some(e) = self.extension_error {
            return Err(e);
        }
        if let Transport::Other(t) = &self.transport {
            Transport::other(t.as_ref())?;
        }
        check_address(&self.address)?;
        if let Some(r) = &self.related {
            check_address(&r.address)?;
        }
        let foundation = match self.foundation {
            Some(f) => Foundation::new(f)?,
            None => {
                let base = self.related.as_ref().map_or(&self.address, |r| &r.address);
                Foundation::compute(self.kind, base, None, &self.transport)
            }
        };
        let priority = self.priority.unwrap_or_else(|| {
            candidate_priority(
                self.kind.type_preference(),
                self.local_preference,
                self.component,
            )
        });
        let transport_upper =
            self.transport_upper && matches!(self.transport, Transport::Udp | Transport::Tcp);
        Ok(Candidate {
            prefix: self.prefix,
            foundation,
            component: self.component,
            transport: self.transport,
            transport_upper,
            priority,
            address: self.address,
            port: self.port,
            kind: self.kind,
            related: self.related,
            tcp_type: self.tcp_type,
            extensions: self.extensions,
        })
    }
}

/// Names and zones built directly through the public [`Address`] variants are checked here.
fn check_address(address: &Address<'_>) -> Result<(), BuildError> {
    let ok = match address {
        Address::Ip(_) => true,
        Address::ScopedIpv6 { zone, .. } => is_zone_id(zone),
        Address::Mdns(n) | Address::Name(n) => is_host_name(n),
    };
    if ok {
        Ok(())
    } else {
        Err(BuildError::BadHostName)
    }
}

impl<'a> Candidate<'a> {
    /// Starts a [`CandidateBuilder`].
    ///
    /// ```
    /// use floe_ice_candidate::{Candidate, CandidateType};
    /// let c = Candidate::builder(CandidateType::Host, core::net::Ipv4Addr::LOCALHOST, 1).build()?;
    /// assert_eq!(c.component(), 1);
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub fn builder(
        kind: CandidateType,
        address: impl Into<Address<'a>>,
        port: u16,
    ) -> CandidateBuilder<'a> {
        CandidateBuilder::new(kind, address, port)
    }
}
