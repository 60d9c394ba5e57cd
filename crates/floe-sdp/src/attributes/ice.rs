//! ICE attributes (RFC 8839 §5): credentials, options, ICE-lite, pacing, candidates and
//! end-of-candidates (RFC 8840).

use core::fmt;

use super::{Placement, TypedAttribute, flag_attribute, number_attribute};
use crate::error::{ValueError, ValueErrorKind};
use floe_ice_candidate::{Candidate, ParseOptions, TcpType, Warnings};

use crate::grammar::{ByteSplit, Cursor};

/// RFC 8839 §5.4 `ice-char = ALPHA / DIGIT / "+" / "/"`.
fn is_ice_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Checks an ICE credential against RFC 8839 §5.4 (`min..=256` ice-chars).
fn check_credential(value: &str, min: usize, field: &'static str) -> Result<(), ValueError> {
    if let Some(i) = value.bytes().position(|b| !is_ice_char(b)) {
        return Err(ValueError::invalid(i, field));
    }
    if (min..=256).contains(&value.len()) {
        Ok(())
    } else {
        Err(ValueError {
            offset: 0,
            kind: ValueErrorKind::OutOfRange { field },
        })
    }
}

/// Any non-empty value without spaces (what the parser requires of a credential; the RFC 8839
/// character set and length are checked by validation, since real stacks send `_` and short
/// test values).
fn credential(value: &str, field: &'static str) -> Result<(), ValueError> {
    if value.is_empty() {
        return Err(ValueError::missing(0, field));
    }
    match value
        .bytes()
        .position(|b| b == b' ' || b.is_ascii_control())
    {
        Some(i) => Err(ValueError::invalid(i, field)),
        None => Ok(()),
    }
}

/// `a=ice-ufrag:<ufrag>` (RFC 8839 §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IceUfrag<'a>(pub &'a str);

impl IceUfrag<'_> {
    /// Checks RFC 8839 §5.4: 4 to 256 `ice-char`s.
    ///
    /// # Errors
    ///
    /// The first offending character, or the length as out of range.
    pub fn check_rfc8839(&self) -> Result<(), ValueError> {
        check_credential(self.0, 4, "ice-ufrag")
    }
}

impl<'a> TypedAttribute<'a> for IceUfrag<'a> {
    const NAME: &'static str = "ice-ufrag";
    const PLACEMENT: Placement = Placement::Any;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        credential(value, "ice-ufrag").map(|()| Self(value))
    }
}

impl fmt::Display for IceUfrag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// `a=ice-pwd:<password>` (RFC 8839 §5.4). `Debug` redacts it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IcePwd<'a>(pub &'a str);

impl fmt::Debug for IcePwd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IcePwd(<redacted>)")
    }
}

impl IcePwd<'_> {
    /// Checks RFC 8839 §5.4: 22 to 256 `ice-char`s.
    ///
    /// # Errors
    ///
    /// The first offending character, or the length as out of range.
    pub fn check_rfc8839(&self) -> Result<(), ValueError> {
        check_credential(self.0, 22, "ice-pwd")
    }
}

impl<'a> TypedAttribute<'a> for IcePwd<'a> {
    const NAME: &'static str = "ice-pwd";
    const PLACEMENT: Placement = Placement::Any;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        credential(value, "ice-pwd").map(|()| Self(value))
    }
}

impl fmt::Display for IcePwd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// `a=ice-options:<tag> ...` (RFC 8839 §5.6): `trickle`, `ice2`, `renomination`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IceOptions<'a>(pub &'a str);

impl<'a> IceOptions<'a> {
    /// The option tags in order.
    pub fn options(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.0.split_b(b' ').filter(|o| !o.is_empty())
    }
}

impl<'a> TypedAttribute<'a> for IceOptions<'a> {
    const NAME: &'static str = "ice-options";
    const PLACEMENT: Placement = Placement::Any;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        c.token("ice-option-tag")?;
        while !c.at_end() {
            c.token("ice-option-tag")?;
        }
        c.finish()?;
        Ok(Self(value))
    }
}

impl fmt::Display for IceOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

flag_attribute!(
    /// `a=ice-lite`: the endpoint is an ICE-lite implementation; session level only
    /// (RFC 8839 §5.3).
    IceLite, "ice-lite", Session
);
flag_attribute!(
    /// `a=end-of-candidates`: no more candidates will be trickled (RFC 8840 §8.2).
    EndOfCandidates, "end-of-candidates", Any
);
number_attribute!(
    /// `a=ice-pacing:<milliseconds>`: the connectivity check pacing (RFC 8839 §5.5).
    IcePacing(u32), "ice-pacing", "pacing-value", Session
);

/// `a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
/// ...` (RFC 8839 §5.1), parsed by `floe-ice-candidate` (borrowed, byte-identical `Display`).
///
/// RFC 8839 §5.1 defines it at media level only: at session level (which some SIP stacks write,
/// and pion's RFC 8866 fixture has) it is a placement error in strict mode and a warning in
/// lenient mode, where it is kept like any other line. An active TCP candidate whose port is not
/// 9 and a candidate on an unspecified address (`0.0.0.0`) are reported as warnings (the
/// parser's diagnostic points at the port or address; [`TypedAttribute::advisory`], which has no
/// text at hand, gives offset 0).
/// What the candidate parser reports as an RFC violation (e.g. a TCP candidate without
/// `tcptype`, RFC 6544 §4.5, which legacy Chrome and JsSIP send) is a warning in both modes
/// unless [`ParseOptions::strict_candidates`](crate::ParseOptions::strict_candidates) makes it a
/// strict-mode error.
///
/// ```
/// use floe_sdp::{CandidateAttribute, TypedAttribute};
/// let c = CandidateAttribute::parse_value("1 1 udp 2122260223 192.0.2.1 60672 typ host generation 0")?;
/// assert_eq!(c.candidate.port(), 60672);
/// assert_eq!(c.to_string(), "1 1 udp 2122260223 192.0.2.1 60672 typ host generation 0");
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateAttribute<'a> {
    /// The candidate.
    pub candidate: Candidate<'a>,
    /// What the candidate parser accepted it with.
    pub warnings: Warnings,
}

impl<'a> From<Candidate<'a>> for CandidateAttribute<'a> {
    fn from(candidate: Candidate<'a>) -> Self {
        Self {
            candidate,
            warnings: Warnings::default(),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CandidateAttribute<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.candidate)
    }
}

/// Index of `connection-address` among the SP-separated fields of RFC 8839 §5.1 (`port` is next).
const ADDRESS_FIELD: usize = 4;

/// Byte offset in `value` of its SP-separated field `index` (0-based), if it has that many.
fn field_offset(value: &str, index: usize) -> Option<usize> {
    let bytes = value.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] != b' ' && (i == 0 || bytes[i - 1] == b' '))
        .nth(index)
}

/// The parser's check of an `a=candidate` value: [`super::check`], with the advisories that
/// concern the address or the port pointed at that field of the text.
pub(crate) fn check_candidate(value: Option<&str>) -> Option<(ValueError, bool)> {
    let (mut e, strict) = super::check::<CandidateAttribute<'_>>(value)?;
    let field = match e.kind {
        ValueErrorKind::UnspecifiedAddress => Some(ADDRESS_FIELD),
        ValueErrorKind::ActiveTcpPort => Some(ADDRESS_FIELD + 1),
        _ => None,
    };
    if let Some(offset) = field.and_then(|f| field_offset(value?, f)) {
        e.offset = offset;
    }
    Some((e, strict))
}

/// Converts a 1-based column of the candidate parser to a value offset.
fn offset(column: u32) -> usize {
    usize::try_from(column.saturating_sub(1)).unwrap_or(0)
}

impl<'a> TypedAttribute<'a> for CandidateAttribute<'a> {
    const NAME: &'static str = "candidate";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let parsed =
            Candidate::parse_with(value, ParseOptions::lenient()).map_err(|e| ValueError {
                offset: offset(e.column()),
                kind: ValueErrorKind::Candidate {
                    field: e.field().as_str(),
                },
            })?;
        Ok(Self {
            candidate: parsed.candidate,
            warnings: parsed.warnings,
        })
    }

    fn advisory(&self) -> Option<ValueError> {
        if let Some(w) = self.warnings.iter().find(|w| w.kind.violates_rfc()) {
            let kind = ValueErrorKind::CandidateWarning {
                warning: w.kind.as_str(),
            };
            return Some(ValueError {
                offset: offset(w.column),
                kind,
            });
        }
        let c = &self.candidate;
        if c.address().ip().is_some_and(|ip| ip.is_unspecified()) {
            return Some(ValueError {
                offset: 0,
                kind: ValueErrorKind::UnspecifiedAddress,
            });
        }
        (c.tcp_type() == Some(TcpType::Active) && c.port() != 9).then_some(ValueError {
            offset: 0,
            kind: ValueErrorKind::ActiveTcpPort,
        })
    }
}

impl fmt::Display for CandidateAttribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.candidate, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials() {
        assert!(IceUfrag::parse_value("ufrag_voice").is_ok());
        assert_eq!(
            IceUfrag::parse_value(""),
            Err(ValueError::missing(0, "ice-ufrag"))
        );
        assert_eq!(
            IceUfrag::parse_value("a b"),
            Err(ValueError::invalid(1, "ice-ufrag"))
        );
        assert!(IceUfrag("lat6xwB1/flm+VwG").check_rfc8839().is_ok());
        assert_eq!(
            IceUfrag("ufrag_voice").check_rfc8839(),
            Err(ValueError::invalid(5, "ice-ufrag"))
        );
        assert!(IceUfrag("abc").check_rfc8839().is_err());
        assert!(IcePwd("L5+HonleGeFHa8jPZLc/kr0E").check_rfc8839().is_ok());
        assert_eq!(
            IcePwd("short").check_rfc8839().unwrap_err().kind,
            ValueErrorKind::OutOfRange { field: "ice-pwd" }
        );
        assert_eq!(format!("{:?}", IcePwd("secret")), "IcePwd(<redacted>)");
    }

    #[test]
    fn options_lite_pacing_candidate() {
        let o = IceOptions::parse_value("trickle ice2").unwrap();
        assert_eq!(o.options().collect::<Vec<_>>(), ["trickle", "ice2"]);
        assert!(IceOptions::parse_value("").is_err());
        assert_eq!(IceLite::from_value(None), Ok(IceLite));
        assert_eq!(IcePacing::parse_value("50"), Ok(IcePacing(50)));
        assert!(CandidateAttribute::parse_value("1 1 udp 1 1.2.3.4 5 typ host").is_ok());
        assert!(CandidateAttribute::parse_value("").is_err());
        assert_eq!(
            CandidateAttribute::parse_value("1 1 udp 1 1.2.3.4 70000 typ host"),
            Err(ValueError {
                offset: 18,
                kind: ValueErrorKind::Candidate { field: "port" }
            })
        );
        let legacy = CandidateAttribute::parse_value("1 1 tcp 1 1.2.3.4 9 typ host").unwrap();
        assert_eq!(
            legacy.advisory(),
            Some(ValueError {
                offset: 4,
                kind: ValueErrorKind::CandidateWarning {
                    warning: "TCP candidate without tcptype"
                }
            })
        );
        let active =
            CandidateAttribute::parse_value("1 1 tcp 1 1.2.3.4 0 typ host tcptype active").unwrap();
        assert_eq!(
            active.advisory().map(|e| e.kind),
            Some(ValueErrorKind::ActiveTcpPort)
        );
        let any = CandidateAttribute::parse_value("1 1 udp 1 0.0.0.0 5 typ host").unwrap();
        assert_eq!(
            any.advisory().map(|e| e.kind),
            Some(ValueErrorKind::UnspecifiedAddress)
        );
        // The parser's check points at the field.
        assert_eq!(
            check_candidate(Some("1 1 udp 1 0.0.0.0 5 typ host")).map(|(e, s)| (e.offset, s)),
            Some((10, false))
        );
        assert_eq!(
            check_candidate(Some("1 1 tcp 1 192.0.2.10 0 typ host tcptype active"))
                .map(|(e, s)| (e.offset, s)),
            Some((21, false))
        );
    }
}
