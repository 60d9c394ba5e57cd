//! The result of a discovery run: each verdict in RFC 4787 terms, the classic name, and the
//! evidence every verdict rests on.

use core::fmt;
use core::net::SocketAddr;
use core::time::Duration;

use floe_stun::TransactionId;

use crate::SocketId;

/// A NAT behaviour in RFC 4787 terms (§4.1 mapping, §5 filtering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Behaviour {
    /// Endpoint-independent: the same for every remote address and port (RFC 4787 §4.1,
    /// §5; REQ-1 and the recommended filtering for transparency).
    EndpointIndependent,
    /// Address-dependent: the same for every port of one remote IP address.
    AddressDependent,
    /// Address and port-dependent: one per remote address and port.
    AddressAndPortDependent,
}

impl Behaviour {
    /// The RFC 4787 phrase, e.g. `endpoint-independent`.
    ///
    /// ```
    /// assert_eq!(floe_nat::Behaviour::AddressDependent.as_str(), "address-dependent");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::EndpointIndependent => "endpoint-independent",
            Self::AddressDependent => "address-dependent",
            Self::AddressAndPortDependent => "address-and-port-dependent",
        }
    }
}

impl fmt::Display for Behaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The mapping verdict (RFC 5780 §4.3).
///
/// ```
/// use floe_nat::{Behaviour, Mapping};
/// assert_eq!(Mapping::NoNat.to_string(), "no NAT");
/// assert_eq!(Mapping::Nat(Behaviour::EndpointIndependent).to_string(), "endpoint-independent");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mapping {
    /// The mapped address is one of the embedder's own: no NAT on the path (RFC 5780 §4.3).
    NoNat,
    /// A NAT that maps this way.
    Nat(Behaviour),
}

impl fmt::Display for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoNat => f.write_str("no NAT"),
            Self::Nat(b) => write!(f, "{b}"),
        }
    }
}

/// Why a verdict could not be reached. Never a guess: the run says what it could not learn.
///
/// ```
/// use floe_nat::{Lacks, Unknown};
/// let u = Unknown::ServerLacksRfc5780(Lacks::Rejected);
/// assert_eq!(u.to_string(), "the server does not support RFC 5780 (420 to CHANGE-REQUEST/RESPONSE-PORT)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unknown {
    /// Nothing answered mapping test I: UDP is blocked or the server is down.
    NoResponse,
    /// The server does not support RFC 5780 (see [`Lacks`]).
    ServerLacksRfc5780(Lacks),
    /// The server's other address did not answer a mapping test (RFC 5780 §4.3 tests II and
    /// III), though its primary address did.
    OtherAddressSilent,
    /// Filtering test I, from the fresh socket, got no answer, so the silence of tests II and
    /// III proves nothing.
    FreshSocketSilent,
    /// The server answered a test with this error code (other than 420, which is
    /// [`Lacks::Rejected`]).
    ErrorResponse(u16),
    /// A success response without a usable mapped address (no XOR-MAPPED-ADDRESS or
    /// MAPPED-ADDRESS, or one that does not decode, or of the wrong address family).
    MalformedResponse,
    /// The embedder could not open the fresh socket the test needs.
    SocketUnavailable,
    /// Something at the mapped address answered the hairpinning probe instead of the probe
    /// coming back in to us.
    UnexpectedAnswer,
    /// The test is turned off in the configuration.
    NotRun,
    /// The run ended (or was asked for its report) before the test finished.
    Unfinished,
}

/// How a server showed that it does not support RFC 5780.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lacks {
    /// Its Binding response has no OTHER-ADDRESS (RFC 5780 §6: a server without an
    /// alternate address leaves it out).
    NoOtherAddress,
    /// Its OTHER-ADDRESS shares the primary IP address or port, so the tests that need both
    /// changed cannot run.
    OtherAddressUnusable,
    /// 420 Unknown Attribute to CHANGE-REQUEST or RESPONSE-PORT (RFC 8489 §6.3.1.1, RFC 5780
    /// §7.2).
    Rejected,
    /// It answered a CHANGE-REQUEST from an address that was not changed as asked, or a
    /// RESPONSE-PORT request to the wrong port.
    IgnoredChange,
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoResponse => f.write_str("the server did not answer"),
            Self::ServerLacksRfc5780(how) => {
                f.write_str("the server does not support RFC 5780 (")?;
                f.write_str(match how {
                    Lacks::NoOtherAddress => "no OTHER-ADDRESS",
                    Lacks::OtherAddressUnusable => "OTHER-ADDRESS shares its IP or port",
                    Lacks::Rejected => "420 to CHANGE-REQUEST/RESPONSE-PORT",
                    Lacks::IgnoredChange => "it did not answer from the address asked for",
                })?;
                f.write_str(")")
            }
            Self::OtherAddressSilent => f.write_str("the server's other address did not answer"),
            Self::FreshSocketSilent => f.write_str("the fresh socket got no answer"),
            Self::ErrorResponse(code) => write!(f, "the server answered error {code}"),
            Self::MalformedResponse => f.write_str("the server's response had no usable address"),
            Self::SocketUnavailable => f.write_str("no fresh local socket could be opened"),
            Self::UnexpectedAnswer => f.write_str("another host answered at the mapped address"),
            Self::NotRun => f.write_str("not run"),
            Self::Unfinished => f.write_str("unfinished"),
        }
    }
}

/// A verdict, or why there is none.
pub type Finding<T> = Result<T, Unknown>;

/// Whether the NAT hairpins (RFC 4787 §6, RFC 5780 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Hairpinning {
    /// A request sent to the own mapped address came back in.
    Supported,
    /// It did not, within the probe window.
    NotSupported,
}

/// The binding-lifetime result (RFC 5780 §4.6): the mapping survived `at_least` and had
/// expired after `less_than` (either may be unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Lifetime {
    /// The longest trial wait after which the mapping still worked.
    pub at_least: Option<Duration>,
    /// The shortest trial wait after which it no longer did.
    pub less_than: Option<Duration>,
}

/// The name RFC 3489 gave NAT types, which people still search for. It is coarser than the
/// RFC 4787 pair and only defined when the mapping is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClassicType {
    /// No NAT and no filtering: open internet.
    OpenInternet,
    /// No NAT, but a firewall filters what comes in (RFC 3489 "symmetric UDP firewall").
    FirewalledOpen,
    /// Endpoint-independent mapping and filtering.
    FullCone,
    /// Endpoint-independent mapping, address-dependent filtering.
    RestrictedCone,
    /// Endpoint-independent mapping, address and port-dependent filtering.
    PortRestrictedCone,
    /// Endpoint-independent mapping, filtering not learnt.
    Cone,
    /// Address- or address and port-dependent mapping, whatever the filtering.
    Symmetric,
}

impl ClassicType {
    /// The classic name for a mapping and a filtering verdict, when there is one.
    ///
    /// ```
    /// use floe_nat::{Behaviour::*, ClassicType, Mapping, Unknown};
    /// let c = ClassicType::from_verdicts(Ok(Mapping::Nat(EndpointIndependent)), Ok(AddressDependent));
    /// assert_eq!(c, Some(ClassicType::RestrictedCone));
    /// assert_eq!(ClassicType::from_verdicts(Err(Unknown::NoResponse), Ok(EndpointIndependent)), None);
    /// ```
    #[must_use]
    pub fn from_verdicts(mapping: Finding<Mapping>, filtering: Finding<Behaviour>) -> Option<Self> {
        use Behaviour::{AddressAndPortDependent, AddressDependent, EndpointIndependent};
        Some(match (mapping.ok()?, filtering) {
            (Mapping::NoNat, Ok(EndpointIndependent)) => Self::OpenInternet,
            (Mapping::NoNat, Ok(_)) => Self::FirewalledOpen,
            (Mapping::NoNat, Err(_)) => return None,
            (Mapping::Nat(EndpointIndependent), Ok(EndpointIndependent)) => Self::FullCone,
            (Mapping::Nat(EndpointIndependent), Ok(AddressDependent)) => Self::RestrictedCone,
            (Mapping::Nat(EndpointIndependent), Ok(AddressAndPortDependent)) => {
                Self::PortRestrictedCone
            }
            (Mapping::Nat(EndpointIndependent), Err(_)) => Self::Cone,
            (Mapping::Nat(_), _) => Self::Symmetric,
        })
    }

    /// The name, e.g. `port-restricted cone`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OpenInternet => "open internet",
            Self::FirewalledOpen => "no NAT, firewalled",
            Self::FullCone => "full cone",
            Self::RestrictedCone => "restricted cone",
            Self::PortRestrictedCone => "port-restricted cone",
            Self::Cone => "cone (filtering unknown)",
            Self::Symmetric => "symmetric",
        }
    }

    /// What it means for ICE (RFC 8445) and direct connections.
    ///
    /// ```
    /// let s = floe_nat::ClassicType::Symmetric.ice_meaning();
    /// assert!(s.contains("TURN"));
    /// ```
    #[must_use]
    pub const fn ice_meaning(self) -> &'static str {
        match self {
            Self::OpenInternet => {
                "host candidates are reachable from anywhere: direct connections work with any peer"
            }
            Self::FirewalledOpen => {
                "no NAT, but inbound traffic needs outbound first: direct connections work with any \
                 peer that is not symmetric-NATed behind a port-dependent filter, as for a cone NAT"
            }
            Self::FullCone => {
                "the server-reflexive candidate is reachable from anywhere: direct connections work \
                 with any peer, symmetric ones included"
            }
            Self::RestrictedCone => {
                "the server-reflexive candidate works once we have sent to the peer's address: \
                 direct connections work with any peer, symmetric ones included"
            }
            Self::PortRestrictedCone => {
                "the server-reflexive candidate works with peers on a cone NAT or open internet; \
                 a peer behind a symmetric NAT needs TURN"
            }
            Self::Cone => {
                "the server-reflexive candidate is stable: direct connections work with peers on a \
                 cone NAT or open internet; with a symmetric peer it depends on the filtering"
            }
            Self::Symmetric => {
                "every destination gets a new mapping, so the server-reflexive candidate is useless \
                 to peers: direct connections need the peer to be open or on a full or restricted \
                 cone; symmetric or port-restricted on the other side needs TURN"
            }
        }
    }
}

impl fmt::Display for ClassicType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One test of the run (RFC 5780 §4.3–§4.6).
///
/// ```
/// use floe_nat::Test;
/// assert_eq!(Test::FilteringII.to_string(), "filtering test II");
/// assert_eq!(Test::LifetimeProbe(2).to_string(), "lifetime trial 2 (probe)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Test {
    /// §4.3 test I: Binding request to the primary address, from the primary socket.
    MappingI,
    /// §4.3 test II: to the alternate IP address and the primary port.
    MappingII,
    /// §4.3 test III: to the alternate address and port.
    MappingIII,
    /// §4.4 test I: from a fresh socket to the primary address.
    FilteringI,
    /// §4.4 test II: CHANGE-REQUEST for another IP address and port.
    FilteringII,
    /// §4.4 test III: CHANGE-REQUEST for another port.
    FilteringIII,
    /// §4.5: a request to the own mapped address.
    Hairpin,
    /// §4.6: trial `n` learns the mapping of its own fresh socket.
    LifetimeBind(u8),
    /// §4.6: after trial `n`'s wait, RESPONSE-PORT from another socket sends the answer to
    /// that mapping.
    LifetimeProbe(u8),
}

impl fmt::Display for Test {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MappingI => f.write_str("mapping test I"),
            Self::MappingII => f.write_str("mapping test II"),
            Self::MappingIII => f.write_str("mapping test III"),
            Self::FilteringI => f.write_str("filtering test I"),
            Self::FilteringII => f.write_str("filtering test II"),
            Self::FilteringIII => f.write_str("filtering test III"),
            Self::Hairpin => f.write_str("hairpinning test"),
            Self::LifetimeBind(n) => write!(f, "lifetime trial {n} (bind)"),
            Self::LifetimeProbe(n) => write!(f, "lifetime trial {n} (probe)"),
        }
    }
}

/// What came back for a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// A success response.
    Answered {
        /// Where it came from.
        from: SocketAddr,
        /// The socket it arrived on.
        on: SocketId,
        /// XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS), when present and decodable.
        mapped: Option<SocketAddr>,
        /// RESPONSE-ORIGIN (RFC 5780 §7.3), when present.
        response_origin: Option<SocketAddr>,
        /// OTHER-ADDRESS (RFC 5780 §7.4), when present.
        other_address: Option<SocketAddr>,
        /// Time from the first send.
        rtt: Duration,
    },
    /// An error response with this code.
    Error {
        /// Where it came from.
        from: SocketAddr,
        /// The code (300..=699).
        code: u16,
    },
    /// The hairpinning probe came back in.
    Hairpinned {
        /// Its source address as received.
        from: SocketAddr,
        /// The socket it arrived on.
        on: SocketId,
    },
    /// Nothing came back before the transaction gave up.
    TimedOut {
        /// How long it waited.
        after: Duration,
    },
}

/// One test and what it showed: which request went where, and what came back or timed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Evidence {
    /// Which test.
    pub test: Test,
    /// The request's transaction id.
    pub transaction_id: TransactionId,
    /// The socket it was sent from.
    pub socket: SocketId,
    /// Where it was sent.
    pub destination: SocketAddr,
    /// CHANGE-REQUEST flags (change IP, change port), if any.
    pub change: Option<(bool, bool)>,
    /// RESPONSE-PORT, if any.
    pub response_port: Option<u16>,
    /// The outcome; `None` while it is pending.
    pub outcome: Option<Outcome>,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} -> {}", self.test, self.socket, self.destination)?;
        if let Some((ip, port)) = self.change {
            write!(f, " CHANGE-REQUEST(ip={ip}, port={port})")?;
        }
        if let Some(p) = self.response_port {
            write!(f, " RESPONSE-PORT {p}")?;
        }
        match self.outcome {
            None => f.write_str(": pending"),
            Some(Outcome::Answered {
                from,
                on,
                mapped,
                response_origin,
                rtt,
                ..
            }) => {
                write!(f, ": answered from {from}")?;
                if let Some(o) = response_origin.filter(|o| *o != from) {
                    write!(f, " (RESPONSE-ORIGIN {o})")?;
                }
                write!(f, " on {on} in {} ms", rtt.as_millis())?;
                match mapped {
                    Some(m) => write!(f, ", mapped {m}"),
                    None => f.write_str(", no mapped address"),
                }
            }
            Some(Outcome::Error { from, code }) => write!(f, ": error {code} from {from}"),
            Some(Outcome::Hairpinned { from, on }) => {
                write!(f, ": came back in on {on} from {from}")
            }
            Some(Outcome::TimedOut { after }) => {
                write!(f, ": no answer in {} ms", after.as_millis())
            }
        }
    }
}

/// Everything a run learnt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// The server's primary address.
    pub server: SocketAddr,
    /// Its OTHER-ADDRESS, if it gave one.
    pub other_address: Option<SocketAddr>,
    /// The mapped address of the primary socket (mapping test I).
    pub mapped: Option<SocketAddr>,
    /// Mapping behaviour.
    pub mapping: Finding<Mapping>,
    /// Filtering behaviour.
    pub filtering: Finding<Behaviour>,
    /// Whether the mapped port equals the local port (RFC 4787 §4.2.1 port preservation);
    /// `None` when either is unknown.
    pub port_preserved: Option<bool>,
    /// Hairpinning.
    pub hairpinning: Finding<Hairpinning>,
    /// Binding lifetime.
    pub lifetime: Finding<Lifetime>,
    /// Every test sent, in the order sent.
    pub evidence: Vec<Evidence>,
    /// Whether every test has finished.
    pub finished: bool,
}

impl Report {
    /// The classic name, when the mapping is known (see [`ClassicType::from_verdicts`]).
    ///
    /// The report of a run whose first request timed out (the crate-level example shows a
    /// server without RFC 5780):
    ///
    /// ```
    /// use std::time::Instant;
    /// use floe_nat::{Discovery, DiscoveryConfig, Unknown};
    /// let mut c = DiscoveryConfig::new("192.0.2.1:3478".parse().unwrap(), "10.0.0.2:1".parse().unwrap());
    /// (c.rng_seed, c.transactions) = (Some([1; 32]), floe_nat::transactions_within(core::time::Duration::from_secs(1)));
    /// let mut d = Discovery::new(c, Instant::now());
    /// while let Some(at) = d.poll_timeout() {
    ///     while d.poll_transmit().is_some() {}
    ///     d.handle_timeout(at);
    /// }
    /// let r = d.report();
    /// assert!(r.finished && r.no_response() && !r.server_lacks_rfc5780());
    /// assert_eq!((r.classic(), r.filtering), (None, Err(Unknown::NoResponse)));
    /// ```
    #[must_use]
    pub fn classic(&self) -> Option<ClassicType> {
        ClassicType::from_verdicts(self.mapping, self.filtering)
    }

    /// Whether the server showed it does not support RFC 5780 (no OTHER-ADDRESS, 420 to
    /// CHANGE-REQUEST, or an answer from the unchanged address).
    #[must_use]
    pub fn server_lacks_rfc5780(&self) -> bool {
        matches!(self.mapping, Err(Unknown::ServerLacksRfc5780(_)))
            || matches!(self.filtering, Err(Unknown::ServerLacksRfc5780(_)))
    }

    /// Whether nothing answered at all.
    #[must_use]
    pub fn no_response(&self) -> bool {
        self.mapping == Err(Unknown::NoResponse)
    }

    /// The evidence of one test, if it was sent.
    #[must_use]
    pub fn evidence_of(&self, test: Test) -> Option<&Evidence> {
        self.evidence.iter().find(|e| e.test == test)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Behaviour::*;

    #[test]
    fn classic_names_follow_the_rfc3489_table() {
        let nat = |b| Ok(Mapping::Nat(b));
        let cases = [
            (
                Ok(Mapping::NoNat),
                Ok(EndpointIndependent),
                Some(ClassicType::OpenInternet),
            ),
            (
                Ok(Mapping::NoNat),
                Ok(AddressDependent),
                Some(ClassicType::FirewalledOpen),
            ),
            (
                nat(EndpointIndependent),
                Ok(EndpointIndependent),
                Some(ClassicType::FullCone),
            ),
            (
                nat(EndpointIndependent),
                Ok(AddressDependent),
                Some(ClassicType::RestrictedCone),
            ),
            (
                nat(EndpointIndependent),
                Ok(AddressAndPortDependent),
                Some(ClassicType::PortRestrictedCone),
            ),
            (
                nat(EndpointIndependent),
                Err(Unknown::ServerLacksRfc5780(Lacks::Rejected)),
                Some(ClassicType::Cone),
            ),
            (
                nat(AddressDependent),
                Ok(EndpointIndependent),
                Some(ClassicType::Symmetric),
            ),
            (
                nat(AddressAndPortDependent),
                Err(Unknown::NotRun),
                Some(ClassicType::Symmetric),
            ),
            (Err(Unknown::NoResponse), Ok(EndpointIndependent), None),
            (Ok(Mapping::NoNat), Err(Unknown::NotRun), None),
        ];
        for (m, f, want) in cases {
            assert_eq!(ClassicType::from_verdicts(m, f), want, "{m:?} {f:?}");
            if let Some(c) = want {
                assert!(!c.ice_meaning().is_empty());
                assert_eq!(c.to_string(), c.as_str());
            }
        }
    }

    #[test]
    fn unknowns_read_as_sentences() {
        let u = Unknown::ServerLacksRfc5780(Lacks::NoOtherAddress);
        assert_eq!(
            u.to_string(),
            "the server does not support RFC 5780 (no OTHER-ADDRESS)"
        );
        assert_eq!(
            Unknown::ErrorResponse(500).to_string(),
            "the server answered error 500"
        );
    }
}
