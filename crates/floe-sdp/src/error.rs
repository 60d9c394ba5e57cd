//! Errors and warnings: where (line, column) and what (a typed kind), never a bare string.
//!
//! Two layers:
//! - [`ValueError`]: a field or attribute value failed its grammar; `offset` is the byte offset
//!   inside the value where the bad field starts. Returned by the typed views
//!   ([`crate::TypedAttribute::parse_value`], [`crate::Origin::parse`], ...).
//! - [`Diagnostic`]: a problem in a whole description, at a 1-based line and column. The parser
//!   returns the first error as `Err(Diagnostic)` and the deviations it accepted as warnings.

use core::fmt;

/// What was wrong with a value, naming the field of the RFC grammar it broke.
///
/// Field names are the ABNF rule names of the RFC that defines the line or attribute, e.g.
/// `"sess-id"`, `"payload-type"`, `"hash-func"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum ValueErrorKind {
    /// A required field is absent (the value ended too early).
    #[error("missing {field}")]
    Missing {
        /// The ABNF name of the field.
        field: &'static str,
    },
    /// A field is present but does not match its grammar.
    #[error("invalid {field}")]
    Invalid {
        /// The ABNF name of the field.
        field: &'static str,
    },
    /// A number does not fit its range.
    #[error("{field} out of range")]
    OutOfRange {
        /// The ABNF name of the field.
        field: &'static str,
    },
    /// Text follows the last field of the grammar.
    #[error("unexpected text after the value")]
    TrailingData,
    /// A flag attribute (no value in its grammar) carries a value.
    #[error("flag attribute carries a value")]
    UnexpectedValue,
    /// A fingerprint's byte count does not match its hash function (RFC 8122 §5).
    #[error("fingerprint has {found} bytes, {hash} needs {expected}")]
    FingerprintLength {
        /// The hash function name, as registered (lower case).
        hash: &'static str,
        /// Bytes the hash produces.
        expected: usize,
        /// Bytes in the attribute.
        found: usize,
    },
    /// The simulcast attribute uses the draft-ietf-mmusic-sdp-simulcast-03 form (`send rid=...`)
    /// that old Firefox sent, not RFC 8853.
    #[error("draft-03 simulcast syntax, not RFC 8853")]
    DraftSimulcast,
    /// The `a=candidate` value was rejected by `floe-ice-candidate`.
    #[error("invalid candidate {field}")]
    Candidate {
        /// The candidate grammar field (RFC 8839 §5.1).
        field: &'static str,
    },
    /// `floe-ice-candidate` accepted the candidate with a warning that breaks RFC 8839 or
    /// RFC 6544 (e.g. a TCP candidate without `tcptype`).
    #[error("{warning}")]
    CandidateWarning {
        /// What the candidate parser reported.
        warning: &'static str,
    },
    /// An active TCP candidate whose port is not 9 (RFC 6544 §4.5: the port of an active
    /// candidate is meaningless and set to the discard port).
    #[error("active TCP candidate port is not 9 (RFC 6544 §4.5)")]
    ActiveTcpPort,
    /// A candidate on the unspecified address `0.0.0.0` or `::`, which no peer can reach.
    #[error("candidate address is unspecified")]
    UnspecifiedAddress,
}

/// A value that failed its grammar: what and where (byte offset inside the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[error("{kind} at offset {offset}")]
pub struct ValueError {
    /// Byte offset inside the value where the offending field starts.
    pub offset: usize,
    /// What was wrong.
    pub kind: ValueErrorKind,
}

impl ValueError {
    /// A missing field at `offset`.
    #[must_use]
    pub const fn missing(offset: usize, field: &'static str) -> Self {
        Self {
            offset,
            kind: ValueErrorKind::Missing { field },
        }
    }

    /// An invalid field at `offset`.
    #[must_use]
    pub const fn invalid(offset: usize, field: &'static str) -> Self {
        Self {
            offset,
            kind: ValueErrorKind::Invalid { field },
        }
    }

    /// The same error moved `by` bytes to the right (for values nested in a larger one).
    #[must_use]
    pub const fn shifted(self, by: usize) -> Self {
        Self {
            offset: self.offset + by,
            kind: self.kind,
        }
    }
}

/// The level of a description: the session part or a media section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Level {
    /// Before the first `m=` line.
    Session,
    /// Inside a media section.
    Media,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Session => "session",
            Self::Media => "media",
        })
    }
}

/// What a [`Diagnostic`] reports.
///
/// Severity: lenient mode rejects only [`DiagnosticKind::FirstLineNotVersion`] and reports the
/// rest as warnings. Strict mode rejects every kind except the ones RFC 8866 asks parsers to
/// tolerate or that real, valid offers carry, which stay warnings: LF line endings, a missing
/// final newline, trailing white space on an `a=` line, an empty `s=`, `c=`/`b=` right after
/// `t=`, and the candidate advisories (see [`crate::CandidateAttribute`]; the candidate
/// parser's RFC violations become errors with [`crate::ParseOptions::strict_candidates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The description does not start with `v=` (RFC 8866 §5.1). Always an error.
    FirstLineNotVersion,
    /// A required line type is absent (`o=`, `s=`, `t=`; RFC 8866 §5).
    MissingLine {
        /// The line type letter.
        line_type: char,
    },
    /// A line type appears where the RFC 8866 §5 order does not allow it (e.g. `a=` before `t=`).
    OutOfOrder {
        /// The line type letter.
        line_type: char,
    },
    /// A line type that may appear once per level appears again (RFC 8866 §5).
    Duplicate {
        /// The line type letter.
        line_type: char,
    },
    /// A line type RFC 8866 does not define (§5: parsers "MUST" not invent them; lenient keeps it).
    UnknownLineType {
        /// The line type letter.
        line_type: char,
    },
    /// A line that is not `<type>=<value>` at all (an empty line, or text without `=`).
    MalformedLine,
    /// A `v o s i u e p c b t r z k m` value that does not match its grammar.
    InvalidField {
        /// The line type letter.
        line_type: char,
        /// What was wrong.
        error: ValueErrorKind,
    },
    /// A known attribute whose value does not match its grammar.
    InvalidAttribute {
        /// The attribute name, as registered.
        name: &'static str,
        /// What was wrong.
        error: ValueErrorKind,
    },
    /// An attribute name that is not an RFC 8866 `token`.
    InvalidAttributeName,
    /// A known attribute at a level its RFC forbids (e.g. `a=ice-lite` in a media section,
    /// RFC 8839 §5.3).
    Placement {
        /// The attribute name, as registered.
        name: &'static str,
        /// The level it was found at.
        found: Level,
    },
    /// A line ends in LF alone (RFC 8866 §5 asks for CRLF; parsers should accept LF).
    LfLineEnding,
    /// The last line has no line ending.
    MissingFinalNewline,
    /// Spaces or tabs at the end of a line.
    TrailingWhitespace,
    /// A NUL or CR byte inside a line (RFC 8866 §9 `byte-string`).
    ControlCharacter,
    /// The `m=` line has no format (RFC 8866 §5.14 requires at least one).
    MediaWithoutFormat,
    /// [`ParseOptions::max_warnings`](crate::ParseOptions::max_warnings) warnings were
    /// reported; this one stands at the first warning that was not, and no more follow.
    TooManyWarnings {
        /// The limit that was reached.
        limit: usize,
    },
}

impl DiagnosticKind {
    /// Whether this finding leaves the description unusable, whatever the parse mode let
    /// through: no stack can act on a description whose first line is not `v=`, that lacks
    /// its `o=`, `s=` or `t=` line, whose `v=`, `o=`, `c=` or `m=` line does not parse (an
    /// `m=` line without port or protocol, a port above 65535), or whose `m=` line has no
    /// format. A checker should report these as errors in every mode; the other kinds are
    /// deviations an endpoint can still work with.
    ///
    /// ```
    /// use floe_sdp::{DiagnosticKind, Mode, SessionDescription};
    /// let input = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video\r\n";
    /// // Lenient mode accepts it with a warning, but the m= line is unusable.
    /// let parsed = SessionDescription::parse_with(input, Mode::Lenient)?;
    /// assert!(parsed.warnings().iter().any(|w| w.kind.makes_unusable()));
    /// assert!(!DiagnosticKind::LfLineEnding.makes_unusable());
    /// # Ok::<(), floe_sdp::ParseError>(())
    /// ```
    #[must_use]
    pub const fn makes_unusable(&self) -> bool {
        match self {
            Self::FirstLineNotVersion | Self::MissingLine { .. } | Self::MediaWithoutFormat => true,
            Self::InvalidField { line_type, .. } => matches!(line_type, 'v' | 'o' | 'c' | 'm'),
            _ => false,
        }
    }
}

impl fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FirstLineNotVersion => f.write_str("the first line is not v="),
            Self::MissingLine { line_type } => write!(f, "missing {line_type}= line"),
            Self::OutOfOrder { line_type } => {
                write!(f, "{line_type}= line out of order (RFC 8866 §5)")
            }
            Self::Duplicate { line_type } => {
                write!(f, "more than one {line_type}= line at this level")
            }
            Self::UnknownLineType { line_type } => write!(f, "unknown line type {line_type}="),
            Self::MalformedLine => f.write_str("line is not <type>=<value>"),
            Self::InvalidField { line_type, error } => write!(f, "{line_type}= line: {error}"),
            Self::InvalidAttribute { name, error } => write!(f, "a={name}: {error}"),
            Self::InvalidAttributeName => f.write_str("attribute name is not a token"),
            Self::Placement { name, found } => {
                write!(f, "a={name} is not allowed at {found} level")
            }
            Self::LfLineEnding => f.write_str("line ends in LF, not CRLF"),
            Self::MissingFinalNewline => f.write_str("last line has no line ending"),
            Self::TrailingWhitespace => f.write_str("trailing whitespace"),
            Self::ControlCharacter => f.write_str("NUL or CR inside a line"),
            Self::MediaWithoutFormat => f.write_str("m= line has no format"),
            Self::TooManyWarnings { limit } => {
                write!(f, "more than {limit} warnings; the rest are not reported")
            }
        }
    }
}

/// A problem found while parsing: 1-based line and column (in characters) and a typed kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[error("line {line}, column {column}: {kind}")]
pub struct Diagnostic {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// What was wrong.
    pub kind: DiagnosticKind,
}

/// The error [`crate::SessionDescription::parse`] returns: the first problem the mode rejects.
pub type ParseError = Diagnostic;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_render_line_column_and_kind() {
        let d = Diagnostic {
            line: 3,
            column: 7,
            kind: DiagnosticKind::InvalidAttribute {
                name: "rtpmap",
                error: ValueErrorKind::Invalid {
                    field: "payload-type",
                },
            },
        };
        assert_eq!(
            d.to_string(),
            "line 3, column 7: a=rtpmap: invalid payload-type"
        );
    }

    #[test]
    fn unusable_kinds_are_the_ones_no_stack_can_act_on() {
        let invalid = |line_type| DiagnosticKind::InvalidField {
            line_type,
            error: ValueErrorKind::Missing { field: "port" },
        };
        for kind in [
            DiagnosticKind::FirstLineNotVersion,
            DiagnosticKind::MissingLine { line_type: 'o' },
            DiagnosticKind::MediaWithoutFormat,
            invalid('m'),
            invalid('o'),
            invalid('c'),
            invalid('v'),
        ] {
            assert!(kind.makes_unusable(), "{kind:?}");
        }
        for kind in [
            invalid('b'),
            invalid('t'),
            DiagnosticKind::OutOfOrder { line_type: 'b' },
            DiagnosticKind::TrailingWhitespace,
            DiagnosticKind::MalformedLine,
            DiagnosticKind::InvalidAttribute {
                name: "candidate",
                error: ValueErrorKind::Candidate {
                    field: "component-id",
                },
            },
        ] {
            assert!(!kind.makes_unusable(), "{kind:?}");
        }
    }

    #[test]
    fn value_errors_shift() {
        let e = ValueError::invalid(2, "port").shifted(5);
        assert_eq!(e.offset, 7);
        assert_eq!(e.to_string(), "invalid port at offset 7");
    }
}
