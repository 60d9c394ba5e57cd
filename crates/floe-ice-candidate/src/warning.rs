//! Warnings: what lenient parsing accepted although the RFC grammar would not, or what it
//! normalises on output.

use crate::error::Field;

/// What a warning is about.
///
/// Kinds for which [`WarningKind::violates_rfc`] is true make a strict parse fail with
/// [`ParseError::NotStrict`](crate::ParseError::NotStrict); the others are informational (the
/// line is valid but [`Display`](core::fmt::Display) will not write it back byte for byte).
///
/// ```
/// use floe_ice_candidate::WarningKind;
///
/// assert!(WarningKind::MissingTcpType.violates_rfc());
/// assert!(!WarningKind::NonCanonicalCase.violates_rfc());
/// assert!(!WarningKind::MissingRelatedAddress.violates_rfc());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// Fields separated by more than one space, or white space at the end of the line.
    /// Normalised to single spaces on output.
    ExtraWhitespace,
    /// The transport is a non-standard token (e.g. Google's `ssltcp`), kept as written.
    NonStandardTransport,
    /// The priority is 0 or above 2^31-1, outside RFC 8445 §5.1.2.1's range.
    PriorityOutOfRange,
    /// The IPv6 address has a zone identifier (`fe80::1%eth0`), which RFC 8839's
    /// `connection-address` does not allow.
    ZoneId,
    /// A server-reflexive, peer-reflexive or relayed candidate without `raddr`/`rport`.
    /// Informational: RFC 8839 §5.1 only recommends them and libwebrtc omits them (relay
    /// candidates, privacy), so strict mode accepts it too.
    MissingRelatedAddress,
    /// A host candidate with `raddr`/`rport`, which RFC 8839 §5.1 gives no meaning.
    /// Informational: the grammar allows it.
    UnexpectedRelatedAddress,
    /// A TCP candidate without `tcptype` (RFC 6544 §4.5 requires it; legacy Chrome omits it).
    MissingTcpType,
    /// `tcptype` on a candidate whose transport is not TCP.
    UnexpectedTcpType,
    /// `raddr`, `rport` or `tcptype` after an extension, or `rport` before `raddr`. Written back
    /// in RFC order.
    OutOfOrder,
    /// A keyword (`typ`, `raddr`, ...) or a `UDP`/`TCP` transport in mixed case; written back in
    /// lower case (valid: ABNF literals are case-insensitive, RFC 5234 §2.3).
    NonCanonicalCase,
    /// A number with leading zeros, or an IPv6 address not in RFC 5952 form; written back in
    /// canonical form.
    NonCanonicalNumber,
}

impl WarningKind {
    /// Whether the line departs from RFC 8839 / RFC 6544 (strict mode rejects it).
    ///
    /// ```
    /// assert!(floe_ice_candidate::WarningKind::ZoneId.violates_rfc());
    /// ```
    #[must_use]
    pub const fn violates_rfc(self) -> bool {
        !matches!(
            self,
            Self::NonCanonicalCase
                | Self::NonCanonicalNumber
                | Self::MissingRelatedAddress
                | Self::UnexpectedRelatedAddress
        )
    }

    /// The field the warning is about.
    ///
    /// ```
    /// use floe_ice_candidate::{Field, WarningKind};
    ///
    /// assert_eq!(WarningKind::MissingTcpType.field(), Field::TcpType);
    /// ```
    #[must_use]
    pub const fn field(self) -> Field {
        match self {
            Self::ExtraWhitespace
            | Self::OutOfOrder
            | Self::NonCanonicalCase
            | Self::NonCanonicalNumber => Field::Line,
            Self::NonStandardTransport => Field::Transport,
            Self::PriorityOutOfRange => Field::Priority,
            Self::ZoneId => Field::Address,
            Self::MissingRelatedAddress | Self::UnexpectedRelatedAddress => Field::RelatedAddress,
            Self::MissingTcpType | Self::UnexpectedTcpType => Field::TcpType,
        }
    }

    /// A short English description.
    ///
    /// ```
    /// assert_eq!(
    ///     floe_ice_candidate::WarningKind::MissingTcpType.as_str(),
    ///     "TCP candidate without tcptype"
    /// );
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ExtraWhitespace => "extra white space",
            Self::NonStandardTransport => "non-standard transport",
            Self::PriorityOutOfRange => "priority outside 1..=2^31-1",
            Self::ZoneId => "IPv6 zone identifier",
            Self::MissingRelatedAddress => "non-host candidate without raddr/rport",
            Self::UnexpectedRelatedAddress => "host candidate with raddr/rport",
            Self::MissingTcpType => "TCP candidate without tcptype",
            Self::UnexpectedTcpType => "tcptype on a non-TCP candidate",
            Self::OutOfOrder => "raddr/rport/tcptype out of order",
            Self::NonCanonicalCase => "keyword in non-canonical case",
            Self::NonCanonicalNumber => "number or IPv6 address in non-canonical form",
        }
    }

    const ALL: usize = 11;
}

impl core::fmt::Display for WarningKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One warning: its kind and the 1-based byte column of the first token it concerns.
///
/// ```
/// use floe_ice_candidate::{Candidate, ParseOptions, WarningKind};
///
/// let parsed = Candidate::parse_with("candidate:1 1 tcp 1 192.0.2.1 9 typ host", ParseOptions::lenient())?;
/// let w = parsed.warnings.iter().next().unwrap();
/// assert_eq!(w.kind, WarningKind::MissingTcpType);
/// assert_eq!(w.column, 15);
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Warning {
    /// What the warning is about.
    pub kind: WarningKind,
    /// Where (1-based byte column).
    pub column: u32,
}

impl core::fmt::Display for Warning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "column {}: {}", self.column, self.kind)
    }
}

/// The warnings of one lenient parse, without allocation: each kind is recorded once, at its
/// first occurrence, in the order found.
///
/// ```
/// use floe_ice_candidate::{Candidate, ParseOptions};
///
/// let parsed = Candidate::parse_with("candidate:1 1 udp 1 192.0.2.1 9 typ host", ParseOptions::lenient())?;
/// assert!(parsed.warnings.is_empty());
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Warnings {
    items: [Option<Warning>; WarningKind::ALL],
    len: u8,
}

impl Warnings {
    /// Records a warning unless one of its kind is already recorded.
    pub(crate) fn push(&mut self, kind: WarningKind, column: u32) {
        if self.contains(kind) {
            return;
        }
        if let Some(slot) = self.items.get_mut(usize::from(self.len)) {
            *slot = Some(Warning { kind, column });
            self.len += 1;
        }
    }

    /// Whether a warning of this kind was recorded.
    ///
    /// ```
    /// use floe_ice_candidate::{Candidate, ParseOptions, WarningKind};
    ///
    /// let p = Candidate::parse_with("candidate:1 1 udp 1 192.0.2.1 9 typ relay", ParseOptions::lenient())?;
    /// assert!(p.warnings.contains(WarningKind::MissingRelatedAddress));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub fn contains(&self, kind: WarningKind) -> bool {
        self.iter().any(|w| w.kind == kind)
    }

    /// The number of warnings.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Warnings::default().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether there is no warning.
    ///
    /// ```
    /// assert!(floe_ice_candidate::Warnings::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The warnings in the order found.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Warnings::default().iter().count(), 0);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = Warning> + '_ {
        self.items.iter().flatten().copied()
    }
}
