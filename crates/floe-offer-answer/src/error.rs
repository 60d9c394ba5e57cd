//! Errors of offer/answer: what was wrong and where (1-based line and column of the
//! description or fragment text).

use core::fmt;

use floe_ice::IceError;
use floe_sdp::{ParseError, ValueErrorKind};

use crate::signaling::SignalingError;

/// An ICE attribute, candidate or section a description may not carry (RFC 8839 §5, RFC 8840
/// §4, RFC 9143 §7), with its place in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptionError {
    /// 1-based line number (0: the description as a whole).
    pub line: u32,
    /// 1-based column of the offending value, counted in characters (0: the whole line).
    pub column: u32,
    /// What was wrong.
    pub kind: DescriptionErrorKind,
}

impl DescriptionError {
    pub(crate) const fn new(line: u32, column: u32, kind: DescriptionErrorKind) -> Self {
        Self { line, column, kind }
    }
}

impl fmt::Display for DescriptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.kind),
            (line, 0) => write!(f, "line {line}: {}", self.kind),
            (line, column) => write!(f, "line {line}, column {column}: {}", self.kind),
        }
    }
}

impl core::error::Error for DescriptionError {}

/// What was wrong with a description's ICE attributes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DescriptionErrorKind {
    /// An ICE attribute's value does not follow its grammar (RFC 8839 §5).
    #[error("a={name}: {error}")]
    InvalidAttribute {
        /// The attribute.
        name: &'static str,
        /// Which field and how.
        error: ValueErrorKind,
    },
    /// A media section in use has no `a=ice-ufrag`/`a=ice-pwd`, at its level or at session
    /// level (RFC 8839 §5.4).
    #[error("section {index} has no ICE credentials (a=ice-ufrag and a=ice-pwd)")]
    MissingCredentials {
        /// The section (0-based m= line index).
        index: usize,
    },
    /// A media section's `m=` line does not follow RFC 8866 §5.14: the section cannot be
    /// bound to a transport or answered.
    #[error("m=: {0}")]
    MediaLine(ValueErrorKind),
    /// An ICE attribute at a level where it may not appear.
    #[error("{0}")]
    Misplaced(&'static str),
    /// The description carries no ICE at all (no credentials anywhere): the peer does not do
    /// ICE (RFC 8839 §3.1 falls back to plain offer/answer, which an ICE agent cannot run).
    #[error("the description carries no ICE attributes: the peer does not do ICE")]
    NotIce,
    /// An attribute that may appear once per level appears again (RFC 8839 §5.4).
    #[error("a={name} appears more than once at one level")]
    Repeated {
        /// The attribute.
        name: &'static str,
    },
    /// Sections sharing one ICE agent carry different credentials. One agent has one set of
    /// remote credentials (RFC 8445 §5.3), so sections that are not bundled must carry the
    /// same ones (browsers always do).
    #[error("section {index} carries ICE credentials that differ from section {first}'s")]
    CredentialsDiffer {
        /// The first section with credentials.
        first: usize,
        /// The section that differs.
        index: usize,
    },
    /// A media section's `a=mid` is missing where BUNDLE or trickle needs it (RFC 9143 §9.1),
    /// or names a mid twice.
    #[error("a=mid: {0}")]
    Mid(&'static str),
    /// A trickled candidate or fragment names a section the session does not have.
    #[error("no media section with {0}")]
    UnknownSection(String),
    /// More media sections than the session's limit.
    #[error("more than {limit} media sections")]
    TooManySections {
        /// The limit ([`SessionConfig::max_sections`](crate::SessionConfig::max_sections)).
        limit: usize,
    },
    /// An answer whose sections do not match the offer's (RFC 3264 §6: same number, same
    /// order, same mids).
    #[error("the answer's sections do not match the offer's: {0}")]
    AnswerMismatch(&'static str),
    /// A trickle fragment with more lines than
    /// [`MAX_FRAGMENT_LINES`](crate::MAX_FRAGMENT_LINES).
    #[error("a trickle fragment has more than {limit} lines")]
    TooManyLines {
        /// The limit.
        limit: usize,
    },
    /// A trickled candidate arrived before any remote description (RFC 9429 §4.1.17).
    #[error("no remote description yet")]
    NoRemoteDescription,
    /// A fragment line that is neither `a=` nor `m=` (RFC 8840 §9.1).
    #[error("a trickle fragment carries only a= and m= lines")]
    FragmentLine,
    /// The description text does not parse as SDP.
    #[error("{0}")]
    Sdp(floe_sdp::DiagnosticKind),
}

/// Why an offer/answer step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfferAnswerError {
    /// The signaling state does not allow the step (RFC 9429 §4.1.10, §4.1.11).
    #[error(transparent)]
    Signaling(#[from] SignalingError),
    /// The description or fragment is not usable; nothing was applied.
    #[error(transparent)]
    Description(#[from] DescriptionError),
    /// The agent refused a step (a limit, an unknown stream).
    #[error("ICE agent: {0}")]
    Ice(#[from] IceError),
    /// `create_answer` with no remote offer set.
    #[error("no remote offer to answer")]
    NoRemoteOffer,
}

impl From<ParseError> for DescriptionError {
    fn from(e: ParseError) -> Self {
        Self::new(e.line, e.column, DescriptionErrorKind::Sdp(e.kind))
    }
}

impl From<ParseError> for OfferAnswerError {
    fn from(e: ParseError) -> Self {
        Self::Description(e.into())
    }
}
