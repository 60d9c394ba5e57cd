//! The fast path: a straight-line parse of canonical lines, the shape browsers send.
//!
//! It accepts only lines the full parser ([`crate::parse`]) accepts *without any warning*
//! (single spaces, RFC field order, lower-case keywords, `UDP`/`TCP`, canonical numbers and
//! addresses, `raddr`/`rport` exactly on non-host candidates, `tcptype` exactly on TCP), and
//! returns the same [`Candidate`]. Anything else goes to the fallback, the full parser, so
//! errors, warnings and lenient forms have one implementation. `parse_tests.rs` checks the two
//! agree on the corpus, every one-byte deletion of it, and substitutions of hand-written lines.

use alloc::borrow::Cow;
use core::net::{IpAddr, Ipv4Addr};

use crate::address::{Address, is_mdns_name, parse_address};
use crate::candidate::{Candidate, RelatedAddress};
use crate::error::{Field, ParseError};
use crate::extensions::{ExtensionKind, Extensions, MAX_UFRAG_LEN};
use crate::grammar::{ICE, TOKEN, VALUE, classes, find_space, is_host_name};
use crate::types::{
    CandidateType, Foundation, MAX_COMPONENT, MAX_FOUNDATION_LEN, Prefix, TcpType, Transport,
};

/// Highest priority without a warning (RFC 8445 §5.1.2.1: 2^31 - 1).
const MAX_PRIORITY: u64 = 0x7fff_ffff;

/// A cursor over the line's bytes.
struct Cursor<'a> {
    line: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    /// The bytes from the cursor on.
    #[inline(always)]
    fn rest(&self) -> &'a [u8] {
        self.b.get(self.i..).unwrap_or_default()
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.rest().first().copied()
    }

    /// Exactly one SP followed by a field.
    #[inline(always)]
    fn sp(&mut self) -> Option<()> {
        match self.rest() {
            [b' ', c, ..] if *c != b' ' => {
                self.i += 1;
                Some(())
            }
            _ => None,
        }
    }

    /// The end of a field: SP then another field, or the end of the line. `true` at the end.
    #[inline(always)]
    fn sp_or_end(&mut self) -> Option<bool> {
        match self.rest() {
            [] => Some(true),
            [b' ', c, ..] if *c != b' ' => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// `lit` (which ends with SP) at the cursor, and no second SP after it. A fixed-size
    /// compare, so no `memcmp` call.
    #[inline(always)]
    fn literal<const N: usize>(&mut self, lit: &[u8; N]) -> bool {
        let rest = self.rest();
        let ok = rest.first_chunk::<N>() == Some(lit) && rest.get(N).is_some_and(|&c| c != b' ');
        if ok {
            self.i += N;
        }
        ok
    }

    /// A decimal of 1 to `max_digits` (≤ 10) digits without leading zero, at most `max`.
    #[inline(always)]
    fn number(&mut self, max_digits: usize, max: u64) -> Option<u64> {
        let rest = self.rest();
        let (v, n) = digits_loop(rest);
        if n == 0 || n > max_digits || (n > 1 && rest.first() == Some(&b'0')) || v > max {
            return None;
        }
        self.i += n;
        Some(v)
    }

    /// A decimal `u32` extension value (leading zeros allowed: the text is kept as written)
    /// ending at SP or the end of the line.
    #[inline(always)]
    fn u32_text(&mut self) -> bool {
        let rest = self.rest();
        let (v, n) = digits_loop(rest);
        let ok = n > 0
            && n <= 10
            && v <= u64::from(u32::MAX)
            && matches!(rest.get(n), None | Some(b' '));
        self.i += n;
        ok
    }

    /// The bytes up to the next SP (or the end), at least one.
    #[inline(always)]
    fn word(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest();
        let n = find_space(rest);
        let word = rest.get(..n).filter(|t| !t.is_empty())?;
        self.i += n;
        Some(word)
    }

    /// [`Cursor::word`] and the classes all its bytes share.
    #[inline(always)]
    fn token(&mut self) -> Option<(&'a [u8], u8)> {
        self.word().map(|w| (w, classes(w)))
    }

    /// A `connection-address` or `rel-addr`: IPv4 decoded in place, other forms through the
    /// full address parser, refusing zones and non-canonical IPv6.
    #[inline(always)]
    fn address(&mut self) -> Option<Address<'a>> {
        let start = self.i;
        if let Some(v4) = self.ipv4() {
            return Some(Address::Ip(IpAddr::V4(v4)));
        }
        self.i = start;
        let len = find_space(self.rest());
        let text = self.line.get(start..start + len)?;
        self.i = start + len;
        if is_host_name(text) {
            return Some(if is_mdns_name(text) {
                Address::Mdns(Cow::Borrowed(text))
            } else {
                Address::Name(Cow::Borrowed(text))
            });
        }
        match parse_address(text)? {
            (a, notes) if !notes.zone && !notes.non_canonical => Some(a),
            _ => None,
        }
    }

    /// Dotted-decimal IPv4 ending at SP or the end of the line.
    #[inline(always)]
    fn ipv4(&mut self) -> Option<Ipv4Addr> {
        let mut octets = [0u8; 4];
        for (n, octet) in octets.iter_mut().enumerate() {
            if n > 0 {
                if self.peek()? != b'.' {
                    return None;
                }
                self.i += 1;
            }
            *octet = u8::try_from(self.number(3, 255)?).ok()?;
        }
        matches!(self.peek(), None | Some(b' ')).then_some(Ipv4Addr::from(octets))
    }
}

/// Parses `line` if it is canonical; `None` sends it to the full parser.
pub(crate) fn parse(line: &str) -> Option<Candidate<'_>> {
    parse_or(line, |_| {
        Err(ParseError::Missing {
            field: Field::Line,
            column: 0,
        })
    })
    .ok()
}

/// Parses `line` if it is canonical, else returns `fallback(line)`. The candidate is built
/// straight into the result (no `Option` to `Result` copy of the large struct).
#[inline(always)]
pub(crate) fn parse_or<'a>(
    line: &'a str,
    fallback: impl FnOnce(&'a str) -> Result<Candidate<'a>, ParseError>,
) -> Result<Candidate<'a>, ParseError> {
    /// `?` for the fast path: bail out to the full parser.
    macro_rules! tri {
        ($e:expr) => {
            match $e {
                Some(v) => v,
                None => return fallback(line),
            }
        };
    }
    let b = line.as_bytes();
    let mut c = Cursor { line, b, i: 0 };
    let prefix = if c.literal(b"candidate:") {
        Prefix::Candidate
    } else if c.literal(b"a=candidate:") {
        Prefix::Attribute
    } else {
        Prefix::None
    };

    let f_start = c.i;
    let (f, all) = tri!(c.token());
    if f.len() > MAX_FOUNDATION_LEN || all & ICE == 0 {
        return fallback(line);
    }
    let f = tri!(line.get(f_start..c.i));
    tri!(c.sp());
    let component = tri!(c.number(3, MAX_COMPONENT.into()));
    let component = tri!(u16::try_from(component).ok().filter(|&v| v > 0));
    tri!(c.sp());
    let (transport, transport_upper) = match c.rest().first_chunk::<4>() {
        Some(b"udp ") => (Transport::Udp, false),
        Some(b"UDP ") => (Transport::Udp, true),
        Some(b"tcp ") => (Transport::Tcp, false),
        Some(b"TCP ") => (Transport::Tcp, true),
        _ => return fallback(line),
    };
    c.i += 4;
    if c.peek() == Some(b' ') {
        return fallback(line);
    }
    let priority = tri!(
        c.number(10, MAX_PRIORITY)
            .and_then(|p| u32::try_from(p).ok())
            .filter(|&p| p > 0)
    );
    tri!(c.sp());
    let address = tri!(c.address());
    tri!(c.sp());
    let port = tri!(
        c.number(5, u16::MAX.into())
            .and_then(|p| u16::try_from(p).ok())
    );
    tri!(c.sp());
    if !c.literal(b"typ ") {
        return fallback(line);
    }
    let kind = match tri!(c.word()) {
        b"host" => CandidateType::Host,
        b"srflx" => CandidateType::ServerReflexive,
        b"prflx" => CandidateType::PeerReflexive,
        b"relay" => CandidateType::Relayed,
        _ => return fallback(line),
    };
    let mut end = tri!(c.sp_or_end());

    let mut related = None;
    if !end && c.literal(b"raddr ") {
        let address = tri!(c.address());
        tri!(c.sp());
        if !c.literal(b"rport ") {
            return fallback(line);
        }
        let port = tri!(
            c.number(5, u16::MAX.into())
                .and_then(|p| u16::try_from(p).ok())
        );
        related = Some(RelatedAddress::new(address, port));
        end = tri!(c.sp_or_end());
    }
    if related.is_some() == (kind == CandidateType::Host) {
        return fallback(line);
    }
    let mut tcp_type = None;
    if !end && c.literal(b"tcptype ") {
        tcp_type = Some(match tri!(c.word()) {
            b"active" => TcpType::Active,
            b"passive" => TcpType::Passive,
            b"so" => TcpType::SimultaneousOpen,
            _ => return fallback(line),
        });
        end = tri!(c.sp_or_end());
    }
    if tcp_type.is_some() != transport.is_tcp() {
        return fallback(line);
    }

    let mut extensions = Extensions::new();
    if !end {
        let start = c.i;
        while !end {
            let name = tri!(c.word());
            let kind = extension_kind(name);
            // Known names are tokens; others are checked, and must not be keywords.
            if kind == ExtensionKind::Other
                && (classes(name) & TOKEN == 0
                    || matches!(name.first(), Some(b'r' | b'R' | b't' | b'T')) && is_keyword(name))
            {
                return fallback(line);
            }
            tri!(c.sp());
            let ok = match kind {
                ExtensionKind::Generation
                | ExtensionKind::NetworkId
                | ExtensionKind::NetworkCost => c.u32_text(),
                ExtensionKind::Ufrag => c
                    .token()
                    .is_some_and(|(v, all)| all & ICE != 0 && v.len() <= MAX_UFRAG_LEN),
                ExtensionKind::Other => c.token().is_some_and(|(_, all)| all & VALUE != 0),
            };
            if !ok {
                return fallback(line);
            }
            end = tri!(c.sp_or_end());
        }
        extensions = Extensions::from_canonical(Cow::Borrowed(tri!(line.get(start..))));
    }

    Ok(Candidate {
        prefix,
        foundation: Foundation::borrowed_unchecked(f),
        component,
        transport,
        transport_upper,
        priority,
        address,
        port,
        kind,
        related,
        tcp_type,
        extensions,
    })
}

/// The leading decimal digits of `rest` (at most 11 are read) and how many there were.
#[inline(always)]
fn digits_loop(rest: &[u8]) -> (u64, usize) {
    let (mut v, mut n) = (0u64, 0usize);
    for &c in rest.iter().take(11) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v * 10 + u64::from(d);
        n += 1;
    }
    (v, n)
}

/// `raddr`, `rport`, `tcptype` or `typ` in any case: not an extension name.
fn is_keyword(name: &[u8]) -> bool {
    [b"raddr".as_slice(), b"rport", b"tcptype", b"typ"]
        .iter()
        .any(|k| name.eq_ignore_ascii_case(k))
}

/// [`ExtensionKind::from_name`] on bytes, dispatching on the length first.
#[inline(always)]
fn extension_kind(name: &[u8]) -> ExtensionKind {
    match name.len() {
        5 if name == b"ufrag" => ExtensionKind::Ufrag,
        10 if name == b"generation" => ExtensionKind::Generation,
        10 if name == b"network-id" => ExtensionKind::NetworkId,
        12 if name == b"network-cost" => ExtensionKind::NetworkCost,
        _ => ExtensionKind::Other,
    }
}
