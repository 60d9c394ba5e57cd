//! The fast path: a straight-line parse of canonical lines, the shape browsers send.
//!
//! It accepts only lines the full parser ([`crate::parse`]) accepts *without any warning*
//! (single spaces, RFC field order, lower-case keywords, `UDP`/`TCP`, canonical numbers and
//! addresses, `raddr`/`rport` exactly on non-host candidates, `tcptype` exactly on TCP), and
//! returns the same [`Candidate`]. Anything else returns `None` and the full parser runs, so
//! errors, warnings and lenient forms have one implementation. `parse_tests.rs` checks the two
//! agree on the corpus and on generated and mutated lines.

use alloc::borrow::Cow;
use core::net::{IpAddr, Ipv4Addr};

use crate::address::{Address, parse_address};
use crate::candidate::{Candidate, RelatedAddress};
use crate::extensions::{ExtensionKind, Extensions, MAX_UFRAG_LEN};
use crate::grammar::{ICE, TOKEN, VALUE, class, find_space};
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

    /// `lit` (which ends with SP) at the cursor, and no second SP after it.
    #[inline(always)]
    fn literal(&mut self, lit: &[u8]) -> bool {
        let rest = self.rest();
        let ok = rest.starts_with(lit) && rest.get(lit.len()).is_some_and(|&c| c != b' ');
        if ok {
            self.i += lit.len();
        }
        ok
    }

    /// A decimal of 1 to `max_digits` (≤ 10) digits without leading zero, at most `max`.
    #[inline(always)]
    fn number(&mut self, max_digits: usize, max: u64) -> Option<u64> {
        let rest = self.rest();
        let (mut v, mut n) = (0u64, 0usize);
        for &c in rest.iter().take(max_digits + 1) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v * 10 + u64::from(d);
            n += 1;
        }
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
        let (mut v, mut n) = (0u64, 0usize);
        for &c in rest.iter().take(11) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v * 10 + u64::from(d);
            n += 1;
        }
        let ok = n > 0
            && n <= 10
            && v <= u64::from(u32::MAX)
            && matches!(rest.get(n), None | Some(b' '));
        self.i += n;
        ok
    }

    /// The bytes up to the next SP (or the end), at least one, and the classes they all share.
    #[inline(always)]
    fn token(&mut self) -> Option<(&'a [u8], u8)> {
        let rest = self.rest();
        let (mut all, mut n) = (u8::MAX, rest.len());
        for (k, &c) in rest.iter().enumerate() {
            if c == b' ' {
                n = k;
                break;
            }
            all &= class(c);
        }
        if n == 0 {
            return None;
        }
        self.i += n;
        Some((rest.get(..n)?, all))
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
#[inline]
pub(crate) fn parse(line: &str) -> Option<Candidate<'_>> {
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
    let (f, all) = c.token()?;
    if f.len() > MAX_FOUNDATION_LEN || all & ICE == 0 {
        return None;
    }
    let f = line.get(f_start..c.i)?;
    c.sp()?;
    let component = c.number(3, MAX_COMPONENT.into())?;
    let component = u16::try_from(component).ok().filter(|&v| v > 0)?;
    c.sp()?;
    let (transport, transport_upper) = if c.literal(b"udp ") {
        (Transport::Udp, false)
    } else if c.literal(b"UDP ") {
        (Transport::Udp, true)
    } else if c.literal(b"tcp ") {
        (Transport::Tcp, false)
    } else if c.literal(b"TCP ") {
        (Transport::Tcp, true)
    } else {
        return None;
    };
    let priority = u32::try_from(c.number(10, MAX_PRIORITY)?)
        .ok()
        .filter(|&p| p > 0)?;
    c.sp()?;
    let address = c.address()?;
    c.sp()?;
    let port = u16::try_from(c.number(5, u16::MAX.into())?).ok()?;
    c.sp()?;
    if !c.literal(b"typ ") {
        return None;
    }
    let kind = match c.token()?.0 {
        b"host" => CandidateType::Host,
        b"srflx" => CandidateType::ServerReflexive,
        b"prflx" => CandidateType::PeerReflexive,
        b"relay" => CandidateType::Relayed,
        _ => return None,
    };
    let mut end = c.sp_or_end()?;

    let mut related = None;
    if !end && c.literal(b"raddr ") {
        let address = c.address()?;
        c.sp()?;
        if !c.literal(b"rport ") {
            return None;
        }
        let port = u16::try_from(c.number(5, u16::MAX.into())?).ok()?;
        related = Some(RelatedAddress::new(address, port));
        end = c.sp_or_end()?;
    }
    if related.is_some() == (kind == CandidateType::Host) {
        return None;
    }
    let mut tcp_type = None;
    if !end && c.literal(b"tcptype ") {
        tcp_type = Some(match c.token()?.0 {
            b"active" => TcpType::Active,
            b"passive" => TcpType::Passive,
            b"so" => TcpType::SimultaneousOpen,
            _ => return None,
        });
        end = c.sp_or_end()?;
    }
    if tcp_type.is_some() != transport.is_tcp() {
        return None;
    }

    let mut extensions = Extensions::new();
    if !end {
        let start = c.i;
        while !end {
            let (name, all) = c.token()?;
            if all & TOKEN == 0
                || matches!(name.first(), Some(b'r' | b'R' | b't' | b'T')) && is_keyword(name)
            {
                return None;
            }
            c.sp()?;
            let ok = match extension_kind(name) {
                ExtensionKind::Generation
                | ExtensionKind::NetworkId
                | ExtensionKind::NetworkCost => c.u32_text(),
                ExtensionKind::Ufrag => c
                    .token()
                    .is_some_and(|(v, all)| all & ICE != 0 && v.len() <= MAX_UFRAG_LEN),
                ExtensionKind::Other => c.token().is_some_and(|(_, all)| all & VALUE != 0),
            };
            if !ok {
                return None;
            }
            end = c.sp_or_end()?;
        }
        extensions = Extensions::from_canonical(Cow::Borrowed(line.get(start..)?));
    }

    Some(Candidate {
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
