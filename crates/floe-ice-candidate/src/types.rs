//! The small typed fields of a candidate: foundation, transport, candidate type, TCP type and the
//! line prefix.

use alloc::borrow::Cow;
use alloc::string::String;

use crate::error::BuildError;
use crate::grammar::{is_ice_char, is_token};

/// Longest foundation, in ice-chars (RFC 8839 §5.1: `foundation = 1*32ice-char`).
///
/// ```
/// use floe_ice_candidate::{Foundation, MAX_FOUNDATION_LEN};
/// assert!(Foundation::new("7".repeat(MAX_FOUNDATION_LEN)).is_ok());
/// assert!(Foundation::new("7".repeat(MAX_FOUNDATION_LEN + 1)).is_err());
/// ```
pub const MAX_FOUNDATION_LEN: usize = 32;

/// Highest component id (RFC 8445 §5.1.2.1: "between 1 and 256").
///
/// ```
/// use floe_ice_candidate::{Candidate, MAX_COMPONENT};
/// let line = format!("candidate:1 {MAX_COMPONENT} udp 1 192.0.2.1 9 typ host");
/// assert_eq!(Candidate::parse(&line)?.component(), MAX_COMPONENT);
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
pub const MAX_COMPONENT: u16 = 256;

/// A candidate foundation (RFC 8445 §5.1.1.3): 1 to 32 ice-chars, compared case-sensitively.
///
/// ```
/// use floe_ice_candidate::Foundation;
///
/// let f = Foundation::new("a0+B/2")?;
/// assert_eq!(f.as_str(), "a0+B/2");
/// assert!(Foundation::new("").is_err());
/// assert!(Foundation::new(&"1".repeat(33)).is_err());
/// # Ok::<(), floe_ice_candidate::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Foundation<'a>(Cow<'a, str>);

impl<'a> Foundation<'a> {
    /// Checks and wraps a foundation.
    ///
    /// # Errors
    ///
    /// [`BuildError::BadFoundation`] when it is empty, longer than 32 or has a character other
    /// than `ALPHA / DIGIT / "+" / "/"`.
    ///
    /// ```
    /// assert!(floe_ice_candidate::Foundation::new("x$").is_err());
    /// ```
    pub fn new(s: impl Into<Cow<'a, str>>) -> Result<Self, BuildError> {
        let s = s.into();
        if is_foundation(&s) {
            Ok(Self(s))
        } else {
            Err(BuildError::BadFoundation)
        }
    }

    pub(crate) const fn borrowed_unchecked(s: &'a str) -> Self {
        Self(Cow::Borrowed(s))
    }

    pub(crate) const fn owned_unchecked(s: String) -> Self {
        Self(Cow::Owned(s))
    }

    /// The foundation text.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Foundation::new("1")?.as_str(), "1");
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An owned copy that borrows nothing.
    ///
    /// ```
    /// let f: floe_ice_candidate::Foundation<'static> =
    ///     floe_ice_candidate::Foundation::new("1")?.into_owned();
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    #[must_use]
    pub fn into_owned(self) -> Foundation<'static> {
        Foundation(Cow::Owned(self.0.into_owned()))
    }
}

impl core::fmt::Display for Foundation<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `s` is a valid foundation: 1 to 32 ice-chars.
pub(crate) fn is_foundation(s: &str) -> bool {
    (1..=MAX_FOUNDATION_LEN).contains(&s.len()) && s.bytes().all(is_ice_char)
}

/// The transport protocol of a candidate (RFC 8839 §5.1 `transport`, RFC 6544 for TCP).
///
/// `UDP` and `TCP` are matched case-insensitively; other tokens are kept as written.
///
/// ```
/// use floe_ice_candidate::Transport;
///
/// assert_eq!(Transport::Udp.as_str(), "udp");
/// assert_eq!(Transport::other("ssltcp")?.as_str(), "ssltcp");
/// # Ok::<(), floe_ice_candidate::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport<'a> {
    /// UDP (RFC 8445).
    Udp,
    /// TCP (RFC 6544).
    Tcp,
    /// Another `transport-extension` token, kept as written (e.g. Google's `ssltcp`).
    Other(Cow<'a, str>),
}

impl<'a> Transport<'a> {
    /// An extension transport token; `udp`/`tcp` in any case become [`Transport::Udp`] /
    /// [`Transport::Tcp`].
    ///
    /// # Errors
    ///
    /// [`BuildError::BadTransport`] when the token is empty or not an RFC 3261 `token`.
    ///
    /// ```
    /// use floe_ice_candidate::Transport;
    ///
    /// assert_eq!(Transport::other("TCP")?, Transport::Tcp);
    /// assert!(Transport::other("a b").is_err());
    /// # Ok::<(), floe_ice_candidate::BuildError>(())
    /// ```
    pub fn other(token: impl Into<Cow<'a, str>>) -> Result<Self, BuildError> {
        let token = token.into();
        if token.eq_ignore_ascii_case("udp") {
            Ok(Self::Udp)
        } else if token.eq_ignore_ascii_case("tcp") {
            Ok(Self::Tcp)
        } else if !token.is_empty() && token.bytes().all(is_token) {
            Ok(Self::Other(token))
        } else {
            Err(BuildError::BadTransport)
        }
    }

    /// The transport as written in lower case for UDP/TCP, or the extension token as given.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Transport::Tcp.as_str(), "tcp");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Udp => "udp",
            Self::Tcp => "tcp",
            Self::Other(t) => t,
        }
    }

    /// Whether this is TCP (RFC 6544).
    ///
    /// ```
    /// assert!(floe_ice_candidate::Transport::Tcp.is_tcp());
    /// ```
    #[must_use]
    pub const fn is_tcp(&self) -> bool {
        matches!(self, Self::Tcp)
    }

    /// An owned copy that borrows nothing.
    ///
    /// ```
    /// let t = floe_ice_candidate::Transport::Udp.into_owned();
    /// ```
    #[must_use]
    pub fn into_owned(self) -> Transport<'static> {
        match self {
            Self::Udp => Transport::Udp,
            Self::Tcp => Transport::Tcp,
            Self::Other(t) => Transport::Other(Cow::Owned(t.into_owned())),
        }
    }
}

/// The candidate type (RFC 8445 §5.1.1, RFC 8839 §5.1 `cand-type`).
///
/// ```
/// use floe_ice_candidate::CandidateType;
///
/// assert_eq!(CandidateType::ServerReflexive.as_str(), "srflx");
/// assert_eq!(CandidateType::from_token("relay"), Some(CandidateType::Relayed));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(
    clippy::exhaustive_enums,
    reason = "RFC 8445 defines exactly these four types"
)]
pub enum CandidateType {
    /// `host`: an address on a local interface.
    Host,
    /// `srflx`: the address a STUN server saw.
    ServerReflexive,
    /// `prflx`: learned from a connectivity check.
    PeerReflexive,
    /// `relay`: allocated on a TURN server.
    Relayed,
}

impl CandidateType {
    /// The four types, most preferred first (RFC 8445 §5.1.2.2).
    ///
    /// ```
    /// use floe_ice_candidate::CandidateType;
    /// assert_eq!(CandidateType::ALL[0], CandidateType::Host);
    /// ```
    pub const ALL: [Self; 4] = [
        Self::Host,
        Self::PeerReflexive,
        Self::ServerReflexive,
        Self::Relayed,
    ];

    /// The `cand-type` token.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::CandidateType::PeerReflexive.as_str(), "prflx");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::ServerReflexive => "srflx",
            Self::PeerReflexive => "prflx",
            Self::Relayed => "relay",
        }
    }

    /// [`CandidateType::from_token`], and whether the token was spelled exactly (lower case).
    pub(crate) fn from_token_exact(token: &str) -> Option<(Self, bool)> {
        match token.as_bytes() {
            b"host" => Some((Self::Host, true)),
            b"srflx" => Some((Self::ServerReflexive, true)),
            b"prflx" => Some((Self::PeerReflexive, true)),
            b"relay" => Some((Self::Relayed, true)),
            _ => Self::ALL
                .into_iter()
                .find(|t| token.eq_ignore_ascii_case(t.as_str()))
                .map(|t| (t, false)),
        }
    }

    /// Parses a `cand-type` token, case-insensitively.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::CandidateType::from_token("HOST"),
    ///            Some(floe_ice_candidate::CandidateType::Host));
    /// ```
    #[must_use]
    pub fn from_token(token: &str) -> Option<Self> {
        Self::from_token_exact(token).map(|(t, _)| t)
    }
}

impl core::fmt::Display for CandidateType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The TCP candidate type (RFC 6544 §4.5 `tcp-type`).
///
/// ```
/// use floe_ice_candidate::TcpType;
///
/// assert_eq!(TcpType::SimultaneousOpen.as_str(), "so");
/// assert_eq!(TcpType::from_token("passive"), Some(TcpType::Passive));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(
    clippy::exhaustive_enums,
    reason = "RFC 6544 defines exactly these three types"
)]
pub enum TcpType {
    /// `active`: opens connections, does not accept them.
    Active,
    /// `passive`: accepts connections, does not open them.
    Passive,
    /// `so`: simultaneous open.
    SimultaneousOpen,
}

impl TcpType {
    /// The `tcp-type` token.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::TcpType::Active.as_str(), "active");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Passive => "passive",
            Self::SimultaneousOpen => "so",
        }
    }

    /// [`TcpType::from_token`], and whether the token was spelled exactly (lower case).
    pub(crate) fn from_token_exact(token: &str) -> Option<(Self, bool)> {
        match token.as_bytes() {
            b"active" => Some((Self::Active, true)),
            b"passive" => Some((Self::Passive, true)),
            b"so" => Some((Self::SimultaneousOpen, true)),
            _ => Self::from_token(token).map(|t| (t, false)),
        }
    }

    /// Parses a `tcp-type` token, case-insensitively.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::TcpType::from_token("SO"),
    ///            Some(floe_ice_candidate::TcpType::SimultaneousOpen));
    /// ```
    #[must_use]
    pub fn from_token(token: &str) -> Option<Self> {
        [Self::Active, Self::Passive, Self::SimultaneousOpen]
            .into_iter()
            .find(|t| token.eq_ignore_ascii_case(t.as_str()))
    }
}

impl core::fmt::Display for TcpType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the line started; written back by [`Display`](core::fmt::Display).
///
/// ```
/// use floe_ice_candidate::{Candidate, Prefix};
///
/// let c = Candidate::parse("a=candidate:1 1 udp 1 192.0.2.1 9 typ host")?;
/// assert_eq!(c.prefix(), Prefix::Attribute);
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(
    clippy::exhaustive_enums,
    reason = "the three forms RFC 8839 and trickle ICE use"
)]
pub enum Prefix {
    /// `a=candidate:` (an SDP attribute line).
    Attribute,
    /// `candidate:` (the attribute value, as in trickle ICE / `RTCIceCandidate.candidate`).
    #[default]
    Candidate,
    /// No prefix: the line starts at the foundation.
    None,
}

impl Prefix {
    /// The prefix text.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Prefix::Attribute.as_str(), "a=candidate:");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Attribute => "a=candidate:",
            Self::Candidate => "candidate:",
            Self::None => "",
        }
    }
}
