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

/// A cursor over the line's bytes: the bytes not read yet, a suffix of the line, so reading
/// needs no index check against the line.
struct Cursor<'a> {
    line: &'a str,
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// The cursor's offset in the line.
    #[inline(always)]
    fn pos(&self) -> usize {
        self.line.len() - self.rest.len()
    }

    /// Moves past `n` bytes (all of them if fewer are left).
    #[inline(always)]
    fn skip(&mut self, n: usize) {
        self.rest = self.rest.get(n..).unwrap_or_default();
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// One SP. A second SP, or the end of the line, after it is refused by whatever reads the
    /// next field: no field reader here accepts an empty field or one that starts with SP.
    #[inline(always)]
    fn sp(&mut self) -> Option<()> {
        self.rest = self.rest.strip_prefix(b" ")?;
        Some(())
    }

    /// The end of a field: SP (see [`Cursor::sp`]) or the end of the line, `true` at the end.
    #[inline(always)]
    fn sp_or_end(&mut self) -> Option<bool> {
        match self.rest {
            [] => Some(true),
            [b' ', rest @ ..] => {
                self.rest = rest;
                Some(false)
            }
            _ => None,
        }
    }

    /// `lit` (which ends with SP) at the cursor, and no second SP after it. A fixed-size
    /// compare, so no `memcmp` call.
    #[inline(always)]
    fn literal<const N: usize>(&mut self, lit: &[u8; N]) -> bool {
        match self.rest.split_first_chunk::<N>() {
            Some((head, tail)) if head == lit && tail.first().is_some_and(|&c| c != b' ') => {
                self.rest = tail;
                true
            }
            _ => false,
        }
    }

    /// A decimal of 1 to `max_digits` (≤ 10) digits without leading zero, at most `max`.
    #[inline(always)]
    fn number(&mut self, max_digits: usize, max: u64) -> Option<u64> {
        let rest = self.rest;
        // Short fields (component, IPv4 octets) are cheaper a byte at a time.
        let (v, n) = if max_digits >= 5 {
            digits(rest)
        } else {
            digits_loop(rest, 0, 0)
        };
        if n == 0 || n > max_digits || (n > 1 && rest.first() == Some(&b'0')) || v > max {
            return None;
        }
        self.skip(n);
        Some(v)
    }

    /// An IPv4 octet: 1 to 3 digits without leading zero, at most 255 (`number(3, 255)`
    /// unrolled: the digits are read by position, with no loop).
    #[inline(always)]
    fn octet(&mut self) -> Option<u8> {
        let r = self.rest;
        let digit = |i: usize| r.get(i).map(|c| c.wrapping_sub(b'0')).filter(|&d| d <= 9);
        let a = digit(0)?;
        let (v, n) = match digit(1) {
            None => (u16::from(a), 1),
            Some(_) if a == 0 => return None,
            Some(b) => match digit(2) {
                None => (u16::from(a) * 10 + u16::from(b), 2),
                Some(_) if digit(3).is_some() => return None,
                Some(c) => (u16::from(a) * 100 + u16::from(b) * 10 + u16::from(c), 3),
            },
        };
        self.skip(n);
        u8::try_from(v).ok()
    }

    /// A decimal `u32` extension value (leading zeros allowed: the text is kept as written)
    /// ending at SP or the end of the line.
    #[inline(always)]
    fn u32_text(&mut self) -> bool {
        let rest = self.rest;
        let (v, n) = digits_loop(rest, 0, 0);
        let ok = n > 0
            && n <= 10
            && v <= u64::from(u32::MAX)
            && matches!(rest.get(n), None | Some(b' '));
        self.skip(n);
        ok
    }

    /// The bytes up to the next SP (or the end), at least one.
    #[inline(always)]
    fn word(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest;
        let n = find_space(rest);
        if n == 0 {
            return None;
        }
        let (word, rest) = rest.split_at_checked(n)?;
        self.rest = rest;
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
        let start = self.rest;
        if let Some(v4) = self.ipv4() {
            return Some(Address::Ip(IpAddr::V4(v4)));
        }
        self.rest = start;
        let from = self.pos();
        let len = find_space(start);
        let text = self.line.get(from..from + len)?;
        self.skip(len);
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
                self.rest = self.rest.strip_prefix(b".")?;
            }
            *octet = self.octet()?;
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
    let mut c = Cursor {
        line,
        rest: line.as_bytes(),
    };
    let prefix = if c.literal(b"candidate:") {
        Prefix::Candidate
    } else if c.literal(b"a=candidate:") {
        Prefix::Attribute
    } else {
        Prefix::None
    };

    let f_start = c.pos();
    let (f, all) = tri!(c.token());
    if f.len() > MAX_FOUNDATION_LEN || all & ICE == 0 {
        return fallback(line);
    }
    let f = tri!(line.get(f_start..c.pos()));
    tri!(c.sp());
    let component = tri!(c.number(3, MAX_COMPONENT.into()));
    let component = tri!(u16::try_from(component).ok().filter(|&v| v > 0));
    tri!(c.sp());
    let (transport, transport_upper) = match c.rest.first_chunk::<4>() {
        Some(b"udp ") => (Transport::Udp, false),
        Some(b"UDP ") => (Transport::Udp, true),
        Some(b"tcp ") => (Transport::Tcp, false),
        Some(b"TCP ") => (Transport::Tcp, true),
        _ => return fallback(line),
    };
    c.skip(4);
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
        let start = c.pos();
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
///
/// Eight bytes at a time where the line has them: which bytes are digits and their value come
/// from a few operations on one `u64` (the SWAR method of simdjson's eight-digit parser), so a
/// priority or a port costs about what one digit costs in a byte loop.
#[inline(always)]
fn digits(rest: &[u8]) -> (u64, usize) {
    const LANES: u64 = 0x0101_0101_0101_0101;
    let Some(chunk) = rest.first_chunk::<8>() else {
        return digits_loop(rest, 0, 0);
    };
    let w = u64::from_le_bytes(*chunk);
    // A byte is a digit when its high nibble is 3 and adding 6 keeps it 3. Carries out of a
    // non-digit byte reach only later bytes, past the first non-digit.
    let high = 0xf0 * LANES;
    let t = (w & high) | ((w.wrapping_add(6 * LANES) & high) >> 4);
    let x = t ^ (0x33 * LANES);
    // The top bit of each byte of `x` that is not zero, without carries between bytes.
    let non_digit = (((x & (0x7f * LANES)) + 0x7f * LANES) | x) & (0x80 * LANES);
    let n = (non_digit.trailing_zeros() / 8) as usize;
    if n == 0 {
        return (0, 0);
    }
    // Digit values, the n digits moved to the top so the bytes below read as leading zeros
    // (the first digit is the lowest byte: little-endian).
    let d = w.wrapping_sub(0x30 * LANES) << (8 * (8 - n));
    // Pairs, then fours, then the eight: byte 2k of `pairs` is digit 2k * 10 + digit 2k+1.
    let pairs = d.wrapping_mul(10).wrapping_add(d >> 8);
    let low = 0x0000_00ff_0000_00ff;
    let v = ((pairs & low).wrapping_mul(100 + (1_000_000 << 32))
        + ((pairs >> 16) & low).wrapping_mul(1 + (10_000 << 32)))
        >> 32;
    if n < 8 {
        return (v, n);
    }
    digits_loop(rest.get(8..).unwrap_or_default(), v, 8)
}

/// [`digits`] a byte at a time, continuing from `v` with `n` digits read.
#[inline(always)]
fn digits_loop(rest: &[u8], mut v: u64, mut n: usize) -> (u64, usize) {
    for &c in rest.iter().take(11 - n) {
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

#[cfg(test)]
mod tests {
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;

    /// The byte loop alone, for reference.
    fn reference(rest: &[u8]) -> (u64, usize) {
        digits_loop(rest, 0, 0)
    }

    #[test]
    fn digits_agree_with_the_byte_loop() {
        let alphabet = [
            b'0', b'1', b'5', b'9', b'/', b':', b' ', b'.', 0x06, 0xfa, 0xff, b'a',
        ];
        let mut cases: Vec<Vec<u8>> = vec![
            b"1677729535 203".to_vec(),
            b"99999999999999".to_vec(),
            b"4294967295".to_vec(),
            b"00000000".to_vec(),
            b"12345678".to_vec(),
            b"123456789".to_vec(),
            b"1".to_vec(),
            b"".to_vec(),
        ];
        // Digit strings of 0 to 12 bytes with every pair of alphabet bytes written at every
        // position, so each cut-off point (inside and past the first eight bytes) meets every
        // kind of neighbour.
        for len in 0..=12 {
            for a in alphabet {
                for b in alphabet {
                    for cut in 0..len {
                        let mut s: Vec<u8> = (0..len).map(|i| b'0' + (i * 7 % 10) as u8).collect();
                        s[cut] = a;
                        if cut + 1 < len {
                            s[cut + 1] = b;
                        }
                        cases.push(s);
                    }
                }
            }
        }
        for s in &cases {
            assert_eq!(digits(s), reference(s), "{:?}", String::from_utf8_lossy(s));
        }
    }
}
