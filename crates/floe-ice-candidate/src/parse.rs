//! The candidate-line parser (RFC 8839 §5.1 `candidate-attribute`, RFC 6544 §4.5
//! `tcp-type-ext`).
//!
//! One left-to-right pass: [`Lexer`] splits fields on SP and each field is checked by the
//! rule named after its ABNF production. Nothing is allocated unless the extension tail has to
//! be rewritten (extra spaces, or `raddr`/`rport`/`tcptype` among the extensions).
//!
//! Contract: total. Any `&str` yields a candidate or a [`ParseError`] with a column; no panic,
//! no unbounded work (linear in the line length). Errors are the leftmost problem found.

use alloc::borrow::Cow;
use alloc::string::String;

use crate::address::{Address, parse_address};
use crate::candidate::{Candidate, Mode, ParseOptions, Parsed, RelatedAddress};
use crate::error::{Field, ParseError};
use crate::extensions::{ExtensionKind, Extensions, check_value};
use crate::grammar::{decimal, is_token};
use crate::lexer::{Lexer, Tok, col};
use crate::types::{
    CandidateType, Foundation, MAX_COMPONENT, Prefix, TcpType, Transport, is_foundation,
};
use crate::warning::{WarningKind, Warnings};

/// Highest priority RFC 8445 §5.1.2.1 allows (2^31 - 1).
pub(crate) const MAX_RFC_PRIORITY: u32 = 0x7fff_ffff;

/// Non-standard transports seen in real SDP and accepted (with a warning) by lenient mode
/// without [`ParseOptions::allow_unknown_transports`]: Google's `ssltcp` (TURN over TLS in
/// Meet/Hangouts candidates).
const KNOWN_NONSTANDARD_TRANSPORTS: [&str; 1] = ["ssltcp"];

impl<'a> Lexer<'a> {
    /// Warns when a keyword was matched case-insensitively rather than exactly.
    fn case(&mut self, exact: bool, pos: usize) -> Result<(), ParseError> {
        if exact {
            Ok(())
        } else {
            self.warn(WarningKind::NonCanonicalCase, pos)
        }
    }

    /// A decimal field of at most `digits` digits and at most `max`.
    fn number(&mut self, t: Tok<'_>, digits: usize, max: u32) -> Option<u32> {
        let (v, leading_zero) = decimal(t.text, digits).filter(|&(v, _)| v <= max)?;
        if leading_zero {
            // NonCanonicalNumber does not violate the RFC, so this never fails.
            self.warn(WarningKind::NonCanonicalNumber, t.pos).ok()?;
        }
        Some(v)
    }

    /// A 16-bit port field (`port`, `rel-port`).
    fn port(&mut self, t: Tok<'_>) -> Option<u16> {
        self.number(t, 5, u16::MAX.into())
            .and_then(|p| u16::try_from(p).ok())
    }

    /// An address field (`connection-address`, `rel-addr`); `Ok(None)` when malformed.
    fn address(&mut self, t: Tok<'a>) -> Result<Option<Address<'a>>, ParseError> {
        let Some((addr, notes)) = parse_address(t.text) else {
            return Ok(None);
        };
        if notes.zone {
            self.warn(WarningKind::ZoneId, t.pos)?;
        }
        if notes.non_canonical {
            self.warn(WarningKind::NonCanonicalNumber, t.pos)?;
        }
        Ok(Some(addr))
    }
}

/// `a=candidate:` / `candidate:` / nothing.
fn prefix(lx: &mut Lexer<'_>) -> Result<Prefix, ParseError> {
    let rest = lx.line.as_bytes().get(lx.pos..lx.end).unwrap_or_default();
    for p in [Prefix::Attribute, Prefix::Candidate] {
        if rest.starts_with(p.as_str().as_bytes()) {
            lx.pos += p.as_str().len();
            return Ok(p);
        }
    }
    if rest.starts_with(b"a=") {
        return Err(ParseError::BadPrefix {
            column: col(lx.pos),
        });
    }
    Ok(Prefix::None)
}

/// RFC 8839 §5.1 `transport = "UDP" / transport-extension`, RFC 6544 `"TCP"`.
/// Returns the transport and whether UDP/TCP was written in upper case.
fn transport<'a>(
    lx: &mut Lexer<'a>,
    t: Tok<'a>,
    opts: ParseOptions,
) -> Result<(Transport<'a>, bool), ParseError> {
    Ok(match t.text.as_bytes() {
        b"udp" => (Transport::Udp, false),
        b"UDP" => (Transport::Udp, true),
        b"tcp" => (Transport::Tcp, false),
        b"TCP" => (Transport::Tcp, true),
        _ if t.text.eq_ignore_ascii_case("udp") => {
            lx.warn(WarningKind::NonCanonicalCase, t.pos)?;
            (Transport::Udp, false)
        }
        _ if t.text.eq_ignore_ascii_case("tcp") => {
            lx.warn(WarningKind::NonCanonicalCase, t.pos)?;
            (Transport::Tcp, false)
        }
        _ if KNOWN_NONSTANDARD_TRANSPORTS
            .iter()
            .any(|k| t.text.eq_ignore_ascii_case(k))
            || (opts.allow_unknown_transports
                && !t.text.is_empty()
                && t.text.bytes().all(is_token)) =>
        {
            lx.warn(WarningKind::NonStandardTransport, t.pos)?;
            (Transport::Other(Cow::Borrowed(t.text)), false)
        }
        _ => return Err(ParseError::BadTransport { column: col(t.pos) }),
    })
}

/// The keywords that introduce fields after `cand-type`.
#[derive(Clone, Copy)]
enum Keyword {
    Raddr,
    Rport,
    TcpType,
    Typ,
}

impl Keyword {
    const ALL: [Self; 4] = [Self::Raddr, Self::Rport, Self::TcpType, Self::Typ];

    /// The keyword `name` is, and whether it is spelled exactly (lower case).
    fn of(name: &str) -> Option<(Self, bool)> {
        // Only names starting with r or t can be keywords: most extensions stop here.
        if !matches!(name.as_bytes().first(), Some(b'r' | b'R' | b't' | b'T')) {
            return None;
        }
        match name.as_bytes() {
            b"raddr" => Some((Self::Raddr, true)),
            b"rport" => Some((Self::Rport, true)),
            b"tcptype" => Some((Self::TcpType, true)),
            b"typ" => Some((Self::Typ, true)),
            _ if name.len() > 7 => None,
            _ => Self::ALL
                .into_iter()
                .find(|k| name.eq_ignore_ascii_case(k.as_str()))
                .map(|k| (k, false)),
        }
    }

    const fn as_str(self) -> &'static str {
        match self {
            Self::Raddr => "raddr",
            Self::Rport => "rport",
            Self::TcpType => "tcptype",
            Self::Typ => "typ",
        }
    }

    const fn field(self) -> Field {
        match self {
            Self::Raddr => Field::RelatedAddress,
            Self::Rport => Field::RelatedPort,
            Self::TcpType => Field::TcpType,
            Self::Typ => Field::TypKeyword,
        }
    }
}

/// What follows `cand-type`: `raddr`, `rport`, `tcptype` and extension pairs.
#[derive(Default)]
struct Tail<'a> {
    raddr: Option<(Address<'a>, usize)>,
    rport: Option<(u16, usize)>,
    tcp_type: Option<(TcpType, usize)>,
    /// Offsets of the first extension name and one past the last extension value.
    ext: Option<(usize, usize)>,
    /// The extension text is not one canonical slice of the line.
    ext_rewrite: bool,
}

fn tail<'a>(lx: &mut Lexer<'a>) -> Result<Tail<'a>, ParseError> {
    let mut t = Tail::default();
    while !lx.at_end() {
        let name = lx.next();
        let keyword = Keyword::of(name.text);
        if lx.at_end() {
            return Err(match keyword {
                Some((k, _)) => ParseError::Missing {
                    field: k.field(),
                    column: col(lx.end),
                },
                None if !name.text.bytes().all(is_token) => ParseError::BadExtensionName {
                    column: col(name.pos),
                },
                None => ParseError::DanglingExtension {
                    column: col(name.pos),
                },
            });
        }
        let value = lx.next();
        let Some((k, exact)) = keyword else {
            if !name.text.bytes().all(is_token) {
                return Err(ParseError::BadExtensionName {
                    column: col(name.pos),
                });
            }
            let kind = ExtensionKind::from_name(name.text);
            if !check_value(kind, value.text) {
                return Err(ParseError::BadExtensionValue {
                    extension: kind,
                    column: col(value.pos),
                });
            }
            let start = t.ext.map_or(name.pos, |(s, _)| s);
            t.ext = Some((start, value.pos + value.text.len()));
            continue;
        };
        lx.case(exact, name.pos)?;
        if t.ext.is_some() {
            t.ext_rewrite = true;
            lx.warn(WarningKind::OutOfOrder, name.pos)?;
        }
        let duplicate = ParseError::Duplicate {
            field: k.field(),
            column: col(name.pos),
        };
        match k {
            Keyword::Typ => return Err(duplicate),
            Keyword::Raddr => {
                if t.raddr.is_some() {
                    return Err(duplicate);
                }
                if t.rport.is_some() || t.tcp_type.is_some() {
                    lx.warn(WarningKind::OutOfOrder, name.pos)?;
                }
                let addr = lx.address(value)?.ok_or(ParseError::BadRelatedAddress {
                    column: col(value.pos),
                })?;
                t.raddr = Some((addr, name.pos));
            }
            Keyword::Rport => {
                if t.rport.is_some() {
                    return Err(duplicate);
                }
                if t.raddr.is_none() || t.tcp_type.is_some() {
                    lx.warn(WarningKind::OutOfOrder, name.pos)?;
                }
                let port = lx.port(value).ok_or(ParseError::BadRelatedPort {
                    column: col(value.pos),
                })?;
                t.rport = Some((port, name.pos));
            }
            Keyword::TcpType => {
                if t.tcp_type.is_some() {
                    return Err(duplicate);
                }
                let (tt, exact) =
                    TcpType::from_token_exact(value.text).ok_or(ParseError::BadTcpType {
                        column: col(value.pos),
                    })?;
                lx.case(exact, value.pos)?;
                t.tcp_type = Some((tt, name.pos));
            }
        }
    }
    if let (Some((start, _)), Some(ws)) = (t.ext, lx.last_extra_space) {
        t.ext_rewrite |= ws > start;
    }
    Ok(t)
}

/// The extension pairs of `text` (validated already) joined by single spaces, without the
/// `raddr`/`rport`/`tcptype` pairs found among them.
fn canonical_extensions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fields = text.split(' ').filter(|f| !f.is_empty());
    while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
        if Keyword::of(name).is_some() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(name);
        out.push(' ');
        out.push_str(value);
    }
    out
}

/// Parses one candidate line: canonical lines through the fast path, the rest (and every
/// error) through the full parser.
pub(crate) fn parse(line: &str, opts: ParseOptions) -> Result<Parsed<'_>, ParseError> {
    match crate::fast::parse(line) {
        Some(candidate) => Ok(Parsed {
            candidate,
            warnings: Warnings::default(),
        }),
        None => parse_full(line, opts),
    }
}

/// The full parser: every form, every error, every warning.
pub(crate) fn parse_full(line: &str, opts: ParseOptions) -> Result<Parsed<'_>, ParseError> {
    let mut lx = Lexer::new(line, opts.mode == Mode::Strict)?;
    let result = fields(&mut lx, opts);
    let candidate = lx.finish(result)?;
    Ok(Parsed {
        candidate,
        warnings: lx.warnings,
    })
}

/// The fields, left to right.
fn fields<'a>(lx: &mut Lexer<'a>, opts: ParseOptions) -> Result<Candidate<'a>, ParseError> {
    let prefix = prefix(lx)?;

    let f = lx.field(Field::Foundation)?;
    if !is_foundation(f.text) {
        return Err(ParseError::BadFoundation { column: col(f.pos) });
    }
    let foundation = Foundation::borrowed_unchecked(f.text);

    let t = lx.field(Field::Component)?;
    let component = lx
        .number(t, 3, MAX_COMPONENT.into())
        .filter(|&c| c > 0)
        .and_then(|c| u16::try_from(c).ok())
        .ok_or(ParseError::BadComponent { column: col(t.pos) })?;

    let transport_tok = lx.field(Field::Transport)?;
    let (transport, transport_upper) = transport(lx, transport_tok, opts)?;

    let t = lx.field(Field::Priority)?;
    let priority = lx
        .number(t, 10, u32::MAX)
        .ok_or(ParseError::BadPriority { column: col(t.pos) })?;
    if priority == 0 || priority > MAX_RFC_PRIORITY {
        lx.warn(WarningKind::PriorityOutOfRange, t.pos)?;
    }

    let t = lx.field(Field::Address)?;
    let address = lx
        .address(t)?
        .ok_or(ParseError::BadAddress { column: col(t.pos) })?;

    let t = lx.field(Field::Port)?;
    let port = lx
        .port(t)
        .ok_or(ParseError::BadPort { column: col(t.pos) })?;

    let t = lx.field(Field::TypKeyword)?;
    match t.text.as_bytes() {
        b"typ" => {}
        _ if t.text.eq_ignore_ascii_case("typ") => lx.case(false, t.pos)?,
        _ => return Err(ParseError::BadTypKeyword { column: col(t.pos) }),
    }
    let kind_tok = lx.field(Field::CandidateType)?;
    let (kind, exact) =
        CandidateType::from_token_exact(kind_tok.text).ok_or(ParseError::BadCandidateType {
            column: col(kind_tok.pos),
        })?;
    lx.case(exact, kind_tok.pos)?;

    let tail = tail(lx)?;
    let related = match (tail.raddr, tail.rport) {
        (Some((address, apos)), Some((port, _))) => {
            if kind == CandidateType::Host {
                lx.warn(WarningKind::UnexpectedRelatedAddress, apos)?;
            }
            Some(RelatedAddress::new(address, port))
        }
        (Some((_, apos)), None) => {
            return Err(ParseError::Missing {
                field: Field::RelatedPort,
                column: col(apos),
            });
        }
        (None, Some((_, ppos))) => {
            return Err(ParseError::Missing {
                field: Field::RelatedAddress,
                column: col(ppos),
            });
        }
        (None, None) => {
            if kind != CandidateType::Host {
                lx.warn(WarningKind::MissingRelatedAddress, kind_tok.pos)?;
            }
            None
        }
    };
    match (transport.is_tcp(), tail.tcp_type) {
        (true, None) => lx.warn(WarningKind::MissingTcpType, transport_tok.pos)?,
        (false, Some((_, tpos))) => lx.warn(WarningKind::UnexpectedTcpType, tpos)?,
        _ => {}
    }
    let extensions = match tail.ext {
        None => Extensions::new(),
        Some((start, end)) if !tail.ext_rewrite => {
            Extensions::from_canonical(Cow::Borrowed(lx.line.get(start..end).unwrap_or_default()))
        }
        Some((start, _)) => Extensions::from_canonical(Cow::Owned(canonical_extensions(
            lx.line.get(start..lx.end).unwrap_or_default(),
        ))),
    };
    Ok(Candidate {
        prefix,
        foundation,
        component,
        transport,
        transport_upper,
        priority,
        address,
        port,
        kind,
        related,
        tcp_type: tail.tcp_type.map(|(t, _)| t),
        extensions,
    })
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
