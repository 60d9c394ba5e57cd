//! Errors: why a candidate line was rejected ([`ParseError`], with the column) and why a
//! candidate could not be built in code ([`BuildError`]).

use crate::warning::WarningKind;

/// A field of the `candidate-attribute` grammar (RFC 8839 §5.1, RFC 6544 §4.5).
///
/// Every [`ParseError`] names the field it is about ([`ParseError::field`]), which is the error's
/// class: a test or a log line can group failures by field without matching every variant.
///
/// ```
/// use floe_ice_candidate::{Candidate, Field};
///
/// let err = Candidate::parse("candidate:1 0 udp 1 192.0.2.1 9 typ host").unwrap_err();
/// assert_eq!(err.field(), Field::Component);
/// assert_eq!(Field::Component.to_string(), "component-id");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The `a=candidate:` / `candidate:` prefix.
    Prefix,
    /// `foundation`: 1 to 32 ice-chars.
    Foundation,
    /// `component-id`: 1 to 256.
    Component,
    /// `transport`: `UDP`, `TCP` or an extension token.
    Transport,
    /// `priority`: a 32-bit unsigned integer.
    Priority,
    /// `connection-address`: IPv4, IPv6 or a host name.
    Address,
    /// `port`: 0 to 65535.
    Port,
    /// The `typ` keyword before the candidate type.
    TypKeyword,
    /// `cand-type`: `host`, `srflx`, `prflx` or `relay`.
    CandidateType,
    /// `rel-addr` (`raddr`).
    RelatedAddress,
    /// `rel-port` (`rport`).
    RelatedPort,
    /// `tcp-type-ext` (`tcptype`, RFC 6544 §4.5).
    TcpType,
    /// `extension-att-name`.
    ExtensionName,
    /// `extension-att-value`.
    ExtensionValue,
    /// Something that is not one field (white space, the order of fields).
    Line,
}

impl Field {
    /// The grammar name of the field, as RFC 8839 §5.1 spells it.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Field::RelatedPort.as_str(), "rel-port");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Prefix => "candidate prefix",
            Self::Foundation => "foundation",
            Self::Component => "component-id",
            Self::Transport => "transport",
            Self::Priority => "priority",
            Self::Address => "connection-address",
            Self::Port => "port",
            Self::TypKeyword => "\"typ\"",
            Self::CandidateType => "cand-type",
            Self::RelatedAddress => "rel-addr",
            Self::RelatedPort => "rel-port",
            Self::TcpType => "tcptype",
            Self::ExtensionName => "extension-att-name",
            Self::ExtensionValue => "extension-att-value",
            Self::Line => "line",
        }
    }
}

impl core::fmt::Display for Field {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a candidate line was rejected. Every variant carries the 1-based byte `column` of the
/// offending token in the string handed to the parser (prefix included).
///
/// The `Display` text is the message alone; callers add the position (`floe candidate parse`
/// prints `LINE:COLUMN: message`).
///
/// ```
/// use floe_ice_candidate::{Candidate, ParseError};
///
/// let err = Candidate::parse("candidate:1 1 udp 1 192.0.2.1 70000 typ host").unwrap_err();
/// assert_eq!(err, ParseError::BadPort { column: 31 });
/// assert_eq!(err.column(), 31);
/// assert_eq!(err.to_string(), "bad port: expected a number from 0 to 65535");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The line ended where a mandatory field was expected.
    #[error("missing {field}")]
    Missing {
        /// The field that is absent.
        field: Field,
        /// One past the end of the line when it stops early; for a `raddr` without `rport` (or
        /// the reverse), the column of the one that is present.
        column: u32,
    },
    /// `a=` was followed by something other than `candidate:`.
    #[error("bad prefix: expected \"a=candidate:\"")]
    BadPrefix {
        /// Column of the prefix.
        column: u32,
    },
    /// The foundation is empty, longer than 32 characters or has a character outside
    /// `ALPHA / DIGIT / "+" / "/"` (RFC 8839 §5.1 `ice-char`).
    #[error("bad foundation: expected 1 to 32 characters of ALPHA, DIGIT, \"+\" or \"/\"")]
    BadFoundation {
        /// Column of the foundation.
        column: u32,
    },
    /// The component id is not a number from 1 to 256 (RFC 8445 §5.1.2.1).
    #[error("bad component-id: expected a number from 1 to 256")]
    BadComponent {
        /// Column of the component id.
        column: u32,
    },
    /// The transport is not `UDP`, `TCP` or an accepted extension token.
    #[error("bad transport: expected UDP or TCP")]
    BadTransport {
        /// Column of the transport.
        column: u32,
    },
    /// The priority is not a number from 0 to 2^32-1.
    #[error("bad priority: expected a number from 0 to 4294967295")]
    BadPriority {
        /// Column of the priority.
        column: u32,
    },
    /// The connection address is not an IPv4 or IPv6 address nor a fully qualified host name.
    #[error("bad connection-address: expected an IPv4 or IPv6 address or a host name")]
    BadAddress {
        /// Column of the address.
        column: u32,
    },
    /// The port is not a number from 0 to 65535.
    #[error("bad port: expected a number from 0 to 65535")]
    BadPort {
        /// Column of the port.
        column: u32,
    },
    /// The token after the port is not `typ`.
    #[error("expected \"typ\" before the candidate type")]
    BadTypKeyword {
        /// Column of the token found instead.
        column: u32,
    },
    /// The candidate type is not `host`, `srflx`, `prflx` or `relay`.
    #[error("bad cand-type: expected host, srflx, prflx or relay")]
    BadCandidateType {
        /// Column of the candidate type.
        column: u32,
    },
    /// The `raddr` value is not an address.
    #[error("bad rel-addr: expected an IPv4 or IPv6 address or a host name")]
    BadRelatedAddress {
        /// Column of the value.
        column: u32,
    },
    /// The `rport` value is not a number from 0 to 65535.
    #[error("bad rel-port: expected a number from 0 to 65535")]
    BadRelatedPort {
        /// Column of the value.
        column: u32,
    },
    /// The `tcptype` value is not `active`, `passive` or `so` (RFC 6544 §4.5).
    #[error("bad tcptype: expected active, passive or so")]
    BadTcpType {
        /// Column of the value.
        column: u32,
    },
    /// `raddr`, `rport` or `tcptype` appears twice.
    #[error("duplicate {field}")]
    Duplicate {
        /// The repeated field.
        field: Field,
        /// Column of the second occurrence.
        column: u32,
    },
    /// An extension name is not an RFC 3261 `token`.
    #[error("bad extension-att-name: expected a token")]
    BadExtensionName {
        /// Column of the name.
        column: u32,
    },
    /// The line ends after an extension name: the value is missing (RFC 8839 §5.1 pairs them).
    #[error("extension name without a value")]
    DanglingExtension {
        /// Column of the name.
        column: u32,
    },
    /// An extension value has a control character, or a known extension (`generation`,
    /// `network-id`, `network-cost`, `ufrag`) has a value of the wrong form.
    #[error("bad value for extension {extension}")]
    BadExtensionValue {
        /// Which extension.
        extension: crate::ExtensionKind,
        /// Column of the value.
        column: u32,
    },
    /// Strict mode: the line departs from the RFC grammar in a way lenient mode would accept
    /// with this warning.
    #[error("not allowed in strict mode: {warning}")]
    NotStrict {
        /// What lenient mode would have warned about.
        warning: WarningKind,
        /// Column of the offending token.
        column: u32,
    },
}

impl ParseError {
    /// The 1-based byte column of the offending token.
    ///
    /// ```
    /// let err = floe_ice_candidate::Candidate::parse("candidate:$ 1 udp 1 192.0.2.1 9 typ host");
    /// assert_eq!(err.unwrap_err().column(), 11);
    /// ```
    #[must_use]
    pub const fn column(&self) -> u32 {
        match *self {
            Self::Missing { column, .. }
            | Self::BadPrefix { column }
            | Self::BadFoundation { column }
            | Self::BadComponent { column }
            | Self::BadTransport { column }
            | Self::BadPriority { column }
            | Self::BadAddress { column }
            | Self::BadPort { column }
            | Self::BadTypKeyword { column }
            | Self::BadCandidateType { column }
            | Self::BadRelatedAddress { column }
            | Self::BadRelatedPort { column }
            | Self::BadTcpType { column }
            | Self::Duplicate { column, .. }
            | Self::BadExtensionName { column }
            | Self::DanglingExtension { column }
            | Self::BadExtensionValue { column, .. }
            | Self::NotStrict { column, .. } => column,
        }
    }

    /// The field the error is about: the error's class.
    ///
    /// ```
    /// use floe_ice_candidate::{Candidate, Field};
    ///
    /// let err = Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ relay raddr 10.0.0.1").unwrap_err();
    /// assert_eq!(err.field(), Field::RelatedPort);
    /// ```
    #[must_use]
    pub const fn field(&self) -> Field {
        match *self {
            Self::Missing { field, .. } | Self::Duplicate { field, .. } => field,
            Self::BadPrefix { .. } => Field::Prefix,
            Self::BadFoundation { .. } => Field::Foundation,
            Self::BadComponent { .. } => Field::Component,
            Self::BadTransport { .. } => Field::Transport,
            Self::BadPriority { .. } => Field::Priority,
            Self::BadAddress { .. } => Field::Address,
            Self::BadPort { .. } => Field::Port,
            Self::BadTypKeyword { .. } => Field::TypKeyword,
            Self::BadCandidateType { .. } => Field::CandidateType,
            Self::BadRelatedAddress { .. } => Field::RelatedAddress,
            Self::BadRelatedPort { .. } => Field::RelatedPort,
            Self::BadTcpType { .. } => Field::TcpType,
            Self::BadExtensionName { .. } | Self::DanglingExtension { .. } => Field::ExtensionName,
            Self::BadExtensionValue { .. } => Field::ExtensionValue,
            Self::NotStrict { warning, .. } => warning.field(),
        }
    }
}

/// Why [`CandidateBuilder::build`](crate::CandidateBuilder::build) or an in-code constructor
/// refused a value.
///
/// ```
/// use floe_ice_candidate::{BuildError, Foundation};
///
/// assert_eq!(Foundation::new("a b").unwrap_err(), BuildError::BadFoundation);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The foundation is empty, longer than 32 or not made of ice-chars.
    #[error("bad foundation: expected 1 to 32 characters of ALPHA, DIGIT, \"+\" or \"/\"")]
    BadFoundation,
    /// The component id is outside 1..=256.
    #[error("bad component-id: expected 1 to 256")]
    BadComponent,
    /// The transport token is empty or not an RFC 3261 `token`.
    #[error("bad transport token")]
    BadTransport,
    /// The host name is not a fully qualified name of letters, digits and hyphens.
    #[error("bad host name")]
    BadHostName,
    /// The extension name is not a token, or is one of the reserved names `raddr`, `rport`,
    /// `tcptype`, `typ`.
    #[error("bad extension name")]
    BadExtensionName,
    /// The extension value is empty, has white space or control characters, or does not fit the
    /// known extension's form.
    #[error("bad extension value")]
    BadExtensionValue,
}
