//! The candidate-line parser (RFC 8839 §5.1 `candidate-attribute`, RFC 6544 §4.5
//! `tcp-type-ext`).
//!
//! One left-to-right pass over the bytes: fields are split on SP and each is checked by the
//! rule named after its ABNF production. Nothing is allocated unless the extension tail has to
//! be rewritten (extra spaces, or `raddr`/`rport`/`tcptype` among the extensions).
//!
//! Contract: total. Any `&str` yields a candidate or a [`ParseError`] with a column; no panic,
//! no unbounded work (linear in the line length).

use alloc::borrow::Cow;
use alloc::string::String;

use crate::address::{Address, parse_address};
use crate::candidate::{Candidate, Mode, ParseOptions, Parsed, RelatedAddress};
use crate::error::{Field, ParseError};
use crate::extensions::{ExtensionKind, Extensions, check_value};
use crate::grammar::{decimal, is_token};
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

/// A 1-based column from a 0-based byte offset.
fn col(pos: usize) -> u32 {
    u32::try_from(pos.saturating_add(1)).unwrap_or(u32::MAX)
}

/// Splits the line into SP-separated fields and collects warnings.
struct Lexer<'a> {
    line: &'a str,
    pos: usize,
    end: usize,
    strict: bool,
    warnings: Warnings,
    /// Offset of the last run of extra spaces between fields, if any.
    last_extra_space: Option<usize>,
}

impl<'a> Lexer<'a> {
    /// Trims surrounding white space (lenient mode, with a warning).
    fn new(line: &'a str, strict: bool) -> Result<Self, ParseError> {
        let b = line.as_bytes();
        let mut end = b.len();
        while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
            end -= 1;
        }
        let mut start = 0;
        while start < end && matches!(b[start], b' ' | b'\t') {
            start += 1;
        }
        let mut lx = Self {
            line,
            pos: start,
            end,
            strict,
            warnings: Warnings::default(),
            last_extra_space: None,
        };
        if start > 0 {
            lx.warn(WarningKind::ExtraWhitespace, 0)?;
        }
        if end < b.len() {
            lx.warn(WarningKind::ExtraWhitespace, end)?;
        }
        Ok(lx)
    }

    /// Records a warning, or fails in strict mode when it is an RFC violation.
    fn warn(&mut self, kind: WarningKind, pos: usize) -> Result<(), ParseError> {
        if self.strict && kind.violates_rfc() {
            return Err(ParseError::NotStrict {
                warning: kind,
                column: col(pos),
            });
        }
        self.warnings.push(kind, col(pos));
        Ok(())
    }

    fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    /// The next field and its offset, consuming the separator after it.
    fn next(&mut self) -> Result<(&'a str, usize), ParseError> {
        let b = self.line.as_bytes();
        let start = self.pos;
        let mut i = start;
        while i < self.end && b[i] != b' ' {
            i += 1;
        }
        let token = self.line.get(start..i).unwrap_or("");
        if i < self.end {
            i += 1;
            if i < self.end && b[i] == b' ' {
                self.warn(WarningKind::ExtraWhitespace, i)?;
                self.last_extra_space = Some(i);
                while i < self.end && b[i] == b' ' {
                    i += 1;
                }
            }
        }
        self.pos = i;
        Ok((token, start))
    }

    /// The next mandatory field, or [`ParseError::Missing`].
    fn field(&mut self, field: Field) -> Result<(&'a str, usize), ParseError> {
        if self.at_end() {
            return Err(ParseError::Missing {
                field,
                column: col(self.end),
            });
        }
        self.next()
    }

    /// Warns when a keyword matched case-insensitively is not in its canonical spelling.
    fn check_case(&mut self, token: &str, canonical: &str, pos: usize) -> Result<(), ParseError> {
        if token == canonical {
            Ok(())
        } else {
            self.warn(WarningKind::NonCanonicalCase, pos)
        }
    }

    /// A decimal field of at most `digits` digits and at most `max`.
    fn number(&mut self, token: &str, pos: usize, digits: usize, max: u32) -> Option<u32> {
        let (v, leading_zero) = decimal(token, digits).filter(|&(v, _)| v <= max)?;
        if leading_zero {
            // NonCanonicalNumber does not violate the RFC, so this never fails.
            self.warn(WarningKind::NonCanonicalNumber, pos).ok()?;
        }
        Some(v)
    }

    /// An address field (connection-address or rel-addr).
    fn address(&mut self, token: &'a str, pos: usize) -> Result<Option<Address<'a>>, ParseError> {
        let Some((addr, notes)) = parse_address(token) else {
            return Ok(None);
        };
        if notes.zone {
            self.warn(WarningKind::ZoneId, pos)?;
        }
        if notes.non_canonical {
            self.warn(WarningKind::NonCanonicalNumber, pos)?;
        }
        Ok(Some(addr))
    }
}

/// `a=candidate:` / `candidate:` / nothing.
fn prefix(lx: &mut Lexer<'_>) -> Result<Prefix, ParseError> {
    let rest = &lx.line.as_bytes()[lx.pos..lx.end];
    if rest.starts_with(b"a=") {
        if rest.starts_with(Prefix::Attribute.as_str().as_bytes()) {
            lx.pos += Prefix::Attribute.as_str().len();
            return Ok(Prefix::Attribute);
        }
        return Err(ParseError::BadPrefix {
            column: col(lx.pos),
        });
    }
    if rest.starts_with(Prefix::Candidate.as_str().as_bytes()) {
        lx.pos += Prefix::Candidate.as_str().len();
        return Ok(Prefix::Candidate);
    }
    Ok(Prefix::None)
}

/// RFC 8839 §5.1 `transport = "UDP" / transport-extension`, RFC 6544 `"TCP"`.
/// Returns the transport and whether UDP/TCP was written in upper case.
fn transport<'a>(
    lx: &mut Lexer<'a>,
    opts: ParseOptions,
) -> Result<(Transport<'a>, bool, usize), ParseError> {
    let (t, pos) = lx.field(Field::Transport)?;
    let parsed = match t.as_bytes() {
        b"udp" => (Transport::Udp, false),
        b"UDP" => (Transport::Udp, true),
        b"tcp" => (Transport::Tcp, false),
        b"TCP" => (Transport::Tcp, true),
        _ if t.eq_ignore_ascii_case("udp") => {
            lx.warn(WarningKind::NonCanonicalCase, pos)?;
            (Transport::Udp, false)
        }
        _ if t.eq_ignore_ascii_case("tcp") => {
            lx.warn(WarningKind::NonCanonicalCase, pos)?;
            (Transport::Tcp, false)
        }
        _ if KNOWN_NONSTANDARD_TRANSPORTS
            .iter()
            .any(|k| t.eq_ignore_ascii_case(k))
            || (opts.allow_unknown_transports && !t.is_empty() && t.bytes().all(is_token)) =>
        {
            lx.warn(WarningKind::NonStandardTransport, pos)?;
            (Transport::Other(Cow::Borrowed(t)), false)
        }
        _ => return Err(ParseError::BadTransport { column: col(pos) }),
    };
    Ok((parsed.0, parsed.1, pos))
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

    /// The keyword `name` is (case-insensitive, exact spelling first).
    fn of(name: &str) -> Option<Self> {
        match name.as_bytes() {
            b"raddr" => Some(Self::Raddr),
            b"rport" => Some(Self::Rport),
            b"tcptype" => Some(Self::TcpType),
            b"typ" => Some(Self::Typ),
            _ if name.len() > 7 => None,
            _ => Self::ALL
                .into_iter()
                .find(|k| name.eq_ignore_ascii_case(k.as_str())),
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
        let (name, npos) = lx.next()?;
        let keyword = Keyword::of(name);
        if lx.at_end() {
            return Err(match keyword {
                Some(k) => ParseError::Missing {
                    field: k.field(),
                    column: col(lx.end),
                },
                None if !name.bytes().all(is_token) => {
                    ParseError::BadExtensionName { column: col(npos) }
                }
                None => ParseError::DanglingExtension { column: col(npos) },
            });
        }
        let (value, vpos) = lx.next()?;
        let Some(k) = keyword else {
            if !name.bytes().all(is_token) {
                return Err(ParseError::BadExtensionName { column: col(npos) });
            }
            let kind = ExtensionKind::from_name(name);
            if !check_value(kind, value) {
                return Err(ParseError::BadExtensionValue {
                    extension: kind,
                    column: col(vpos),
                });
            }
            let start = t.ext.map_or(npos, |(s, _)| s);
            t.ext = Some((start, vpos + value.len()));
            continue;
        };
        lx.check_case(name, k.as_str(), npos)?;
        if t.ext.is_some() {
            t.ext_rewrite = true;
            lx.warn(WarningKind::OutOfOrder, npos)?;
        }
        let duplicate = ParseError::Duplicate {
            field: k.field(),
            column: col(npos),
        };
        match k {
            Keyword::Typ => return Err(duplicate),
            Keyword::Raddr => {
                if t.raddr.is_some() {
                    return Err(duplicate);
                }
                if t.rport.is_some() || t.tcp_type.is_some() {
                    lx.warn(WarningKind::OutOfOrder, npos)?;
                }
                let addr = lx
                    .address(value, vpos)?
                    .ok_or(ParseError::BadRelatedAddress { column: col(vpos) })?;
                t.raddr = Some((addr, npos));
            }
            Keyword::Rport => {
                if t.rport.is_some() {
                    return Err(duplicate);
                }
                if t.raddr.is_none() || t.tcp_type.is_some() {
                    lx.warn(WarningKind::OutOfOrder, npos)?;
                }
                let port = lx.number(value, vpos, 5, u16::MAX.into());
                let port = port.and_then(|p| u16::try_from(p).ok());
                t.rport = Some((
                    port.ok_or(ParseError::BadRelatedPort { column: col(vpos) })?,
                    npos,
                ));
            }
            Keyword::TcpType => {
                if t.tcp_type.is_some() {
                    return Err(duplicate);
                }
                let tt = TcpType::from_token(value)
                    .ok_or(ParseError::BadTcpType { column: col(vpos) })?;
                lx.check_case(value, tt.as_str(), vpos)?;
                t.tcp_type = Some((tt, npos));
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

/// Parses one candidate line.
pub(crate) fn parse(line: &str, opts: ParseOptions) -> Result<Parsed<'_>, ParseError> {
    let mut lx = Lexer::new(line, opts.mode == Mode::Strict)?;
    let prefix = prefix(&mut lx)?;

    let (f, pos) = lx.field(Field::Foundation)?;
    if !is_foundation(f) {
        return Err(ParseError::BadFoundation { column: col(pos) });
    }
    let foundation = Foundation::borrowed_unchecked(f);

    let (t, pos) = lx.field(Field::Component)?;
    let component = lx
        .number(t, pos, 3, MAX_COMPONENT.into())
        .filter(|&c| c > 0)
        .and_then(|c| u16::try_from(c).ok())
        .ok_or(ParseError::BadComponent { column: col(pos) })?;

    let (transport, transport_upper, transport_pos) = transport(&mut lx, opts)?;

    let (t, pos) = lx.field(Field::Priority)?;
    let priority = lx
        .number(t, pos, 10, u32::MAX)
        .ok_or(ParseError::BadPriority { column: col(pos) })?;
    if priority == 0 || priority > MAX_RFC_PRIORITY {
        lx.warn(WarningKind::PriorityOutOfRange, pos)?;
    }

    let (t, pos) = lx.field(Field::Address)?;
    let address = lx
        .address(t, pos)?
        .ok_or(ParseError::BadAddress { column: col(pos) })?;

    let (t, pos) = lx.field(Field::Port)?;
    let port = lx
        .number(t, pos, 5, u16::MAX.into())
        .and_then(|p| u16::try_from(p).ok());
    let port = port.ok_or(ParseError::BadPort { column: col(pos) })?;

    let (t, pos) = lx.field(Field::TypKeyword)?;
    if !t.eq_ignore_ascii_case("typ") {
        return Err(ParseError::BadTypKeyword { column: col(pos) });
    }
    lx.check_case(t, "typ", pos)?;
    let (t, kind_pos) = lx.field(Field::CandidateType)?;
    let kind = CandidateType::from_token(t).ok_or(ParseError::BadCandidateType {
        column: col(kind_pos),
    })?;
    lx.check_case(t, kind.as_str(), kind_pos)?;

    let tail = tail(&mut lx)?;
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
                lx.warn(WarningKind::MissingRelatedAddress, kind_pos)?;
            }
            None
        }
    };
    match (transport.is_tcp(), tail.tcp_type) {
        (true, None) => lx.warn(WarningKind::MissingTcpType, transport_pos)?,
        (false, Some((_, tpos))) => lx.warn(WarningKind::UnexpectedTcpType, tpos)?,
        _ => {}
    }
    let extensions = match tail.ext {
        None => Extensions::new(),
        Some((start, end)) if !tail.ext_rewrite => {
            Extensions::from_canonical(Cow::Borrowed(&line[start..end]))
        }
        Some((start, _)) => {
            Extensions::from_canonical(Cow::Owned(canonical_extensions(&line[start..lx.end])))
        }
    };
    let candidate = Candidate {
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
    };
    Ok(Parsed {
        candidate,
        warnings: lx.warnings,
    })
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
