//! The STUN wire layer TURN needs: a borrowed message view with TURN accessors, and a builder
//! that writes into a caller buffer and ends with MESSAGE-INTEGRITY and FINGERPRINT.
//!
//! Every function here is total: no input panics, and every length is checked against the
//! slice before it is used.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use hmac::{KeyInit, Mac};

use crate::auth::LongTermKey;

/// The magic cookie (RFC 8489 §6).
pub(crate) const MAGIC_COOKIE: u32 = 0x2112_A442;
/// STUN header length (RFC 8489 §5).
pub(crate) const HEADER_LEN: usize = 20;
/// FINGERPRINT XOR constant (RFC 8489 §14.7).
const FINGERPRINT_XOR: u32 = 0x5354_554E;

/// STUN and TURN methods (RFC 8489 §18.2, RFC 8656 §17, RFC 6062 §6.1).
pub(crate) mod method {
    pub(crate) const BINDING: u16 = 0x001;
    pub(crate) const ALLOCATE: u16 = 0x003;
    pub(crate) const REFRESH: u16 = 0x004;
    pub(crate) const SEND: u16 = 0x006;
    pub(crate) const DATA: u16 = 0x007;
    pub(crate) const CREATE_PERMISSION: u16 = 0x008;
    pub(crate) const CHANNEL_BIND: u16 = 0x009;
}

/// Attribute types (RFC 8489 §18.3, RFC 8656 §18).
pub(crate) mod attr {
    pub(crate) const USERNAME: u16 = 0x0006;
    pub(crate) const MESSAGE_INTEGRITY: u16 = 0x0008;
    pub(crate) const ERROR_CODE: u16 = 0x0009;
    pub(crate) const UNKNOWN_ATTRIBUTES: u16 = 0x000A;
    pub(crate) const CHANNEL_NUMBER: u16 = 0x000C;
    pub(crate) const LIFETIME: u16 = 0x000D;
    pub(crate) const XOR_PEER_ADDRESS: u16 = 0x0012;
    pub(crate) const DATA: u16 = 0x0013;
    pub(crate) const REALM: u16 = 0x0014;
    pub(crate) const NONCE: u16 = 0x0015;
    pub(crate) const XOR_RELAYED_ADDRESS: u16 = 0x0016;
    pub(crate) const REQUESTED_ADDRESS_FAMILY: u16 = 0x0017;
    pub(crate) const EVEN_PORT: u16 = 0x0018;
    pub(crate) const REQUESTED_TRANSPORT: u16 = 0x0019;
    pub(crate) const DONT_FRAGMENT: u16 = 0x001A;
    pub(crate) const MESSAGE_INTEGRITY_SHA256: u16 = 0x001C;
    pub(crate) const PASSWORD_ALGORITHM: u16 = 0x001D;
    pub(crate) const USERHASH: u16 = 0x001E;
    pub(crate) const XOR_MAPPED_ADDRESS: u16 = 0x0020;
    pub(crate) const RESERVATION_TOKEN: u16 = 0x0022;
    pub(crate) const PRIORITY: u16 = 0x0024;
    pub(crate) const USE_CANDIDATE: u16 = 0x0025;
    pub(crate) const PADDING: u16 = 0x0026;
    pub(crate) const RESPONSE_PORT: u16 = 0x0027;
    pub(crate) const CONNECTION_ID: u16 = 0x002A;
    pub(crate) const ADDITIONAL_ADDRESS_FAMILY: u16 = 0x8000;
    pub(crate) const ADDRESS_ERROR_CODE: u16 = 0x8001;
    pub(crate) const PASSWORD_ALGORITHMS: u16 = 0x8002;
    pub(crate) const SOFTWARE: u16 = 0x8022;
    pub(crate) const ALTERNATE_SERVER: u16 = 0x8023;
    pub(crate) const FINGERPRINT: u16 = 0x8028;

    /// The comprehension-required attributes this crate understands (RFC 8489 §14).
    pub(crate) const fn is_known_required(typ: u16) -> bool {
        matches!(
            typ,
            0x0001
                | USERNAME
                | MESSAGE_INTEGRITY
                | ERROR_CODE
                | UNKNOWN_ATTRIBUTES
                | CHANNEL_NUMBER
                | LIFETIME
                | XOR_PEER_ADDRESS
                | DATA
                | REALM
                | NONCE
                | XOR_RELAYED_ADDRESS
                | REQUESTED_ADDRESS_FAMILY
                | EVEN_PORT
                | REQUESTED_TRANSPORT
                | DONT_FRAGMENT
                | MESSAGE_INTEGRITY_SHA256
                | PASSWORD_ALGORITHM
                | USERHASH
                | XOR_MAPPED_ADDRESS
                | RESERVATION_TOKEN
                | PRIORITY
                | USE_CANDIDATE
                | PADDING
                | RESPONSE_PORT
                | CONNECTION_ID
        )
    }
}

/// The four message classes (RFC 8489 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Request,
    Indication,
    Success,
    Error,
}

impl Class {
    const fn bits(self) -> u16 {
        match self {
            Self::Request => 0,
            Self::Indication => 1,
            Self::Success => 2,
            Self::Error => 3,
        }
    }
}

/// Which MAC protects a message (RFC 8489 §14.5, §14.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Integrity {
    Sha1,
    Sha256,
}

/// A STUN message checked once: header, length, cookie, the TLV walk and the position of
/// MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Msg<'a> {
    pub(crate) method: u16,
    pub(crate) class: Class,
    pub(crate) tid: [u8; 12],
    bytes: &'a [u8],
    /// Offset of the first MESSAGE-INTEGRITY(-SHA256) attribute and which one.
    integrity: Option<(usize, Integrity)>,
    fingerprint_ok: Option<bool>,
}

/// Reads a big-endian u16 at `at`; `None` past the end.
pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Whether `bytes` starts like a STUN message (first two bits zero and the magic cookie).
pub(crate) fn looks_like_stun(bytes: &[u8]) -> bool {
    bytes.len() >= HEADER_LEN && bytes[0] & 0xC0 == 0 && be32(bytes, 4) == Some(MAGIC_COOKIE)
}

impl<'a> Msg<'a> {
    /// Validates the header and the attribute walk. `None` when this is not a well-formed
    /// STUN message.
    pub(crate) fn parse(bytes: &'a [u8]) -> Option<Self> {
        if !looks_like_stun(bytes) {
            return None;
        }
        let typ = be16(bytes, 0)?;
        let len = usize::from(be16(bytes, 2)?);
        if len % 4 != 0 || bytes.len() != HEADER_LEN + len {
            return None;
        }
        let method = (typ & 0x000F) | ((typ & 0x00E0) >> 1) | ((typ & 0x3E00) >> 2);
        let class = match ((typ >> 7) & 0x2) | ((typ >> 4) & 0x1) {
            0 => Class::Request,
            1 => Class::Indication,
            2 => Class::Success,
            _ => Class::Error,
        };
        let mut tid = [0u8; 12];
        tid.copy_from_slice(bytes.get(8..20)?);
        let mut msg = Self {
            method,
            class,
            tid,
            bytes,
            integrity: None,
            fingerprint_ok: None,
        };
        let mut at = HEADER_LEN;
        while at < bytes.len() {
            let t = be16(bytes, at)?;
            let l = usize::from(be16(bytes, at + 2)?);
            let end = at + 4 + l;
            let padded = at + 4 + l.next_multiple_of(4);
            if padded > bytes.len() {
                return None;
            }
            if msg.fingerprint_ok.is_some() {
                // Nothing may follow FINGERPRINT (RFC 8489 §14.7).
                return None;
            }
            match t {
                attr::MESSAGE_INTEGRITY if msg.integrity.is_none() => {
                    if l != 20 {
                        return None;
                    }
                    msg.integrity = Some((at, Integrity::Sha1));
                }
                attr::MESSAGE_INTEGRITY_SHA256 if msg.integrity.is_none() => {
                    if !(16..=32).contains(&l) || l % 4 != 0 {
                        return None;
                    }
                    msg.integrity = Some((at, Integrity::Sha256));
                }
                attr::FINGERPRINT => {
                    if l != 4 {
                        return None;
                    }
                    let want = fingerprint_over(bytes, at);
                    msg.fingerprint_ok = Some(be32(bytes, at + 4) == Some(want));
                }
                _ => {}
            }
            let _ = end;
            at = padded;
        }
        if msg.fingerprint_ok == Some(false) {
            return None;
        }
        Some(msg)
    }

    /// Iterates `(type, value)` over the attributes covered by MESSAGE-INTEGRITY (all of them
    /// when there is none); attributes after it other than FINGERPRINT are ignored
    /// (RFC 8489 §14.5).
    pub(crate) fn attrs(&self) -> AttrIter<'a> {
        let end = self.integrity.map_or(self.bytes.len(), |(at, _)| at);
        AttrIter {
            bytes: self.bytes,
            at: HEADER_LEN,
            end,
            integrity_at: self.integrity.map(|(at, _)| at),
        }
    }

    /// The value of the first attribute of type `typ`.
    pub(crate) fn attr(&self, typ: u16) -> Option<&'a [u8]> {
        self.attrs().find(|&(t, _)| t == typ).map(|(_, v)| v)
    }

    /// Whether the message carries an attribute of type `typ`.
    pub(crate) fn has(&self, typ: u16) -> bool {
        self.attr(typ).is_some()
    }

    /// A UTF-8 attribute (USERNAME, REALM, NONCE, SOFTWARE).
    pub(crate) fn str_attr(&self, typ: u16) -> Option<&'a str> {
        core::str::from_utf8(self.attr(typ)?).ok()
    }

    /// A 32-bit attribute (LIFETIME).
    pub(crate) fn u32_attr(&self, typ: u16) -> Option<u32> {
        let v = self.attr(typ)?;
        if v.len() != 4 {
            return None;
        }
        be32(v, 0)
    }

    /// The first XOR-encoded address of type `typ`.
    pub(crate) fn xor_addr(&self, typ: u16) -> Option<SocketAddr> {
        self.xor_addrs(typ).next()
    }

    /// Every XOR-encoded address of type `typ` that decodes.
    pub(crate) fn xor_addrs(&self, typ: u16) -> impl Iterator<Item = SocketAddr> + 'a {
        let tid = self.tid;
        self.attrs()
            .filter(move |&(t, _)| t == typ)
            .filter_map(move |(_, v)| decode_xor_addr(v, &tid))
    }

    /// A plain (non-XOR) address attribute such as ALTERNATE-SERVER.
    pub(crate) fn plain_addr(&self, typ: u16) -> Option<SocketAddr> {
        decode_addr(self.attr(typ)?)
    }

    /// ERROR-CODE as (code, reason).
    pub(crate) fn error_code(&self) -> Option<(u16, &'a str)> {
        let v = self.attr(attr::ERROR_CODE)?;
        let class = u16::from(*v.get(2)? & 0x07);
        let number = u16::from(*v.get(3)?);
        if !(3..=6).contains(&class) || number > 99 {
            return None;
        }
        let reason = core::str::from_utf8(v.get(4..)?).unwrap_or("");
        Some((class * 100 + number, reason))
    }

    /// The first comprehension-required attribute types this crate does not know.
    pub(crate) fn unknown_required(&self) -> ([u16; 8], usize) {
        let mut out = [0u16; 8];
        let mut n = 0;
        for (t, _) in self.attrs() {
            if t < 0x8000 && !attr::is_known_required(t) && n < out.len() && !out[..n].contains(&t)
            {
                out[n] = t;
                n += 1;
            }
        }
        (out, n)
    }

    /// Which MESSAGE-INTEGRITY variant the message carries.
    pub(crate) fn integrity(&self) -> Option<Integrity> {
        self.integrity.map(|(_, i)| i)
    }

    /// Checks MESSAGE-INTEGRITY(-SHA256) with `key`, in constant time.
    pub(crate) fn verify(&self, key: &[u8]) -> bool {
        let Some((at, kind)) = self.integrity else {
            return false;
        };
        let Some(value_len) = be16(self.bytes, at + 2) else {
            return false;
        };
        let Some(mac) = self.bytes.get(at + 4..at + 4 + usize::from(value_len)) else {
            return false;
        };
        let Some(covered) = self.bytes.get(..at) else {
            return false;
        };
        let adjusted = (at + 4 + usize::from(value_len) - HEADER_LEN) as u16;
        match kind {
            Integrity::Sha1 => {
                let Ok(mut h) = hmac::Hmac::<sha1::Sha1>::new_from_slice(key) else {
                    return false;
                };
                feed_adjusted(&mut h, covered, adjusted);
                h.verify_slice(mac).is_ok()
            }
            Integrity::Sha256 => {
                let Ok(mut h) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key) else {
                    return false;
                };
                feed_adjusted(&mut h, covered, adjusted);
                h.verify_truncated_left(mac).is_ok()
            }
        }
    }
}

fn feed_adjusted<M: Mac>(h: &mut M, covered: &[u8], len: u16) {
    h.update(&covered[..2]);
    h.update(&len.to_be_bytes());
    h.update(&covered[4..]);
}

fn fingerprint_over(bytes: &[u8], at: usize) -> u32 {
    let mut h = crc32fast::Hasher::new();
    let adjusted = (at + 8 - HEADER_LEN) as u16;
    h.update(&bytes[..2]);
    h.update(&adjusted.to_be_bytes());
    h.update(&bytes[4..at]);
    h.finalize() ^ FINGERPRINT_XOR
}

/// Iterator over `(type, value)` pairs.
#[derive(Debug, Clone)]
pub(crate) struct AttrIter<'a> {
    bytes: &'a [u8],
    at: usize,
    end: usize,
    integrity_at: Option<usize>,
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.end {
            // The integrity attribute itself is reported once, so callers can see it.
            if let Some(at) = self.integrity_at.take() {
                let t = be16(self.bytes, at)?;
                let l = usize::from(be16(self.bytes, at + 2)?);
                return Some((t, self.bytes.get(at + 4..at + 4 + l)?));
            }
            return None;
        }
        let t = be16(self.bytes, self.at)?;
        let l = usize::from(be16(self.bytes, self.at + 2)?);
        let v = self.bytes.get(self.at + 4..self.at + 4 + l)?;
        self.at += 4 + l.next_multiple_of(4);
        Some((t, v))
    }
}

/// Decodes an XOR-MAPPED-ADDRESS style value (RFC 8489 §14.2).
pub(crate) fn decode_xor_addr(v: &[u8], tid: &[u8; 12]) -> Option<SocketAddr> {
    let addr = decode_addr(v)?;
    let port = addr.port() ^ (MAGIC_COOKIE >> 16) as u16;
    let ip = match addr.ip() {
        IpAddr::V4(ip) => IpAddr::V4(Ipv4Addr::from(u32::from(ip) ^ MAGIC_COOKIE)),
        IpAddr::V6(ip) => {
            let mut mask = [0u8; 16];
            mask[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
            mask[4..].copy_from_slice(tid);
            let mut o = ip.octets();
            o.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
            IpAddr::V6(Ipv6Addr::from(o))
        }
    };
    Some(SocketAddr::new(ip, port))
}

/// Decodes a MAPPED-ADDRESS style value (RFC 8489 §14.1).
pub(crate) fn decode_addr(v: &[u8]) -> Option<SocketAddr> {
    let port = be16(v, 2)?;
    match (v.get(1)?, v.len()) {
        (1, 8) => Some(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::new(v[4], v[5], v[6], v[7])),
            port,
        )),
        (2, 20) => {
            let mut o = [0u8; 16];
            o.copy_from_slice(&v[4..20]);
            Some(SocketAddr::new(IpAddr::V6(Ipv6Addr::from(o)), port))
        }
        _ => None,
    }
}

/// Writes one STUN message into a caller buffer. Finish it with [`Builder::finish`],
/// [`Builder::finish_with_integrity`] or the fingerprint variants; those fix up the length.
#[derive(Debug)]
pub(crate) struct Builder<'b> {
    buf: &'b mut Vec<u8>,
    start: usize,
    tid: [u8; 12],
}

impl<'b> Builder<'b> {
    /// Starts a message at the end of `buf`.
    pub(crate) fn new(buf: &'b mut Vec<u8>, method: u16, class: Class, tid: [u8; 12]) -> Self {
        let start = buf.len();
        let c = class.bits();
        let typ = (method & 0x000F)
            | ((method & 0x0070) << 1)
            | ((method & 0x0F80) << 2)
            | ((c & 1) << 4)
            | ((c & 2) << 7);
        buf.extend_from_slice(&typ.to_be_bytes());
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
        buf.extend_from_slice(&tid);
        Self { buf, start, tid }
    }

    /// Adds a raw attribute, padded to four bytes.
    pub(crate) fn attr(&mut self, typ: u16, value: &[u8]) -> &mut Self {
        let len = value.len().min(0xFFFF - 3);
        self.buf.extend_from_slice(&typ.to_be_bytes());
        self.buf.extend_from_slice(&(len as u16).to_be_bytes());
        self.buf.extend_from_slice(&value[..len]);
        let pad = len.next_multiple_of(4) - len;
        self.buf.extend_from_slice(&[0u8; 3][..pad]);
        self
    }

    /// Adds a 32-bit attribute.
    pub(crate) fn u32(&mut self, typ: u16, v: u32) -> &mut Self {
        self.attr(typ, &v.to_be_bytes())
    }

    /// Adds an XOR-encoded address attribute.
    pub(crate) fn xor_addr(&mut self, typ: u16, addr: SocketAddr) -> &mut Self {
        let mut v = [0u8; 20];
        let port = addr.port() ^ (MAGIC_COOKIE >> 16) as u16;
        v[2..4].copy_from_slice(&port.to_be_bytes());
        let n = match addr.ip() {
            IpAddr::V4(ip) => {
                v[1] = 1;
                v[4..8].copy_from_slice(&(u32::from(ip) ^ MAGIC_COOKIE).to_be_bytes());
                8
            }
            IpAddr::V6(ip) => {
                v[1] = 2;
                let mut o = ip.octets();
                let cookie = MAGIC_COOKIE.to_be_bytes();
                o.iter_mut()
                    .zip(cookie.iter().chain(self.tid.iter()))
                    .for_each(|(b, m)| *b ^= m);
                v[4..20].copy_from_slice(&o);
                20
            }
        };
        self.attr(typ, &v[..n])
    }

    /// Adds a plain address attribute (ALTERNATE-SERVER).
    #[cfg(test)]
    pub(crate) fn plain_addr(&mut self, typ: u16, addr: SocketAddr) -> &mut Self {
        let mut v = [0u8; 20];
        v[2..4].copy_from_slice(&addr.port().to_be_bytes());
        let n = match addr.ip() {
            IpAddr::V4(ip) => {
                v[1] = 1;
                v[4..8].copy_from_slice(&ip.octets());
                8
            }
            IpAddr::V6(ip) => {
                v[1] = 2;
                v[4..20].copy_from_slice(&ip.octets());
                20
            }
        };
        self.attr(typ, &v[..n])
    }

    /// Adds ERROR-CODE (RFC 8489 §14.8).
    pub(crate) fn error_code(&mut self, code: u16, reason: &str) -> &mut Self {
        let mut v = Vec::with_capacity(4 + reason.len());
        v.extend_from_slice(&[0, 0, (code / 100) as u8, (code % 100) as u8]);
        v.extend_from_slice(reason.as_bytes());
        self.attr(attr::ERROR_CODE, &v)
    }

    fn set_len(&mut self) {
        let len = (self.buf.len() - self.start - HEADER_LEN) as u16;
        self.buf[self.start + 2..self.start + 4].copy_from_slice(&len.to_be_bytes());
    }

    /// Finishes without integrity or fingerprint.
    pub(crate) fn finish(mut self) {
        self.set_len();
    }

    /// Appends MESSAGE-INTEGRITY(-SHA256) keyed with `key` (RFC 8489 §14.5, §14.6).
    pub(crate) fn integrity(&mut self, key: &LongTermKey, kind: Integrity) -> &mut Self {
        self.mac(key.as_bytes(), kind)
    }

    /// Appends MESSAGE-INTEGRITY(-SHA256) keyed with raw bytes.
    pub(crate) fn mac(&mut self, key: &[u8], kind: Integrity) -> &mut Self {
        let mac_len = match kind {
            Integrity::Sha1 => 20,
            Integrity::Sha256 => 32,
        };
        let len = (self.buf.len() - self.start - HEADER_LEN + 4 + mac_len) as u16;
        self.buf[self.start + 2..self.start + 4].copy_from_slice(&len.to_be_bytes());
        let covered = &self.buf[self.start..];
        let (typ, mac) = match kind {
            Integrity::Sha1 => {
                let mut h = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key)
                    .unwrap_or_else(|_| unreachable_hmac());
                h.update(covered);
                (attr::MESSAGE_INTEGRITY, h.finalize().into_bytes().to_vec())
            }
            Integrity::Sha256 => {
                let mut h = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key)
                    .unwrap_or_else(|_| unreachable_hmac());
                h.update(covered);
                (
                    attr::MESSAGE_INTEGRITY_SHA256,
                    h.finalize().into_bytes().to_vec(),
                )
            }
        };
        self.attr(typ, &mac)
    }

    /// Appends FINGERPRINT and finishes (RFC 8489 §14.7).
    pub(crate) fn finish_fingerprint(mut self) {
        let at = self.buf.len() - self.start;
        self.buf.extend_from_slice(&[0x80, 0x28, 0, 4, 0, 0, 0, 0]);
        let fp = fingerprint_over(&self.buf[self.start..], at);
        let n = self.buf.len();
        self.buf[n - 4..].copy_from_slice(&fp.to_be_bytes());
        self.set_len();
    }
}

/// HMAC accepts keys of any length; this is never reached.
#[cold]
fn unreachable_hmac() -> ! {
    unreachable!("HMAC accepts keys of every length")
}

/// ChannelData framing (RFC 8656 §12.4).
pub(crate) mod channel_data {
    /// Length of the ChannelData header.
    pub(crate) const HEADER_LEN: usize = 4;

    /// Splits a ChannelData message into (channel, payload). Accepts the padded form that
    /// streams carry (RFC 8656 §12.5).
    pub(crate) fn parse(bytes: &[u8]) -> Option<(u16, &[u8])> {
        let ch = super::be16(bytes, 0)?;
        if !(0x4000..=0x4FFF).contains(&ch) {
            return None;
        }
        let len = usize::from(super::be16(bytes, 2)?);
        let payload = bytes.get(HEADER_LEN..HEADER_LEN + len)?;
        // UDP may carry up to three padding bytes; more is not ChannelData.
        if bytes.len() > (HEADER_LEN + len).next_multiple_of(4) {
            return None;
        }
        Some((ch, payload))
    }

    /// Appends a ChannelData message to `out`; `pad` rounds it to four bytes (streams).
    pub(crate) fn encode(channel: u16, payload: &[u8], pad: bool, out: &mut Vec<u8>) {
        let len = payload.len().min(0xFFFF);
        out.extend_from_slice(&channel.to_be_bytes());
        out.extend_from_slice(&(len as u16).to_be_bytes());
        out.extend_from_slice(&payload[..len]);
        if pad {
            let p = len.next_multiple_of(4) - len;
            out.extend_from_slice(&[0u8; 3][..p]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_then_parse_round_trips_addresses_and_integrity() {
        let key = LongTermKey::derive_md5("alice", "example.org", "secret");
        let tid = [7u8; 12];
        let peer4: SocketAddr = "192.0.2.1:5000".parse().unwrap();
        let peer6: SocketAddr = "[2001:db8::1]:6000".parse().unwrap();
        for kind in [Integrity::Sha1, Integrity::Sha256] {
            let mut buf = vec![0xA5; 3];
            let mut b = Builder::new(&mut buf, method::CREATE_PERMISSION, Class::Request, tid);
            b.xor_addr(attr::XOR_PEER_ADDRESS, peer4)
                .xor_addr(attr::XOR_PEER_ADDRESS, peer6)
                .attr(attr::USERNAME, b"alice")
                .integrity(&key, kind);
            b.finish_fingerprint();
            let m = Msg::parse(&buf[3..]).expect("parses");
            assert_eq!(m.method, method::CREATE_PERMISSION);
            assert_eq!(m.class, Class::Request);
            assert_eq!(
                m.xor_addrs(attr::XOR_PEER_ADDRESS).collect::<Vec<_>>(),
                [peer4, peer6]
            );
            assert_eq!(m.str_attr(attr::USERNAME), Some("alice"));
            assert_eq!(m.integrity(), Some(kind));
            assert!(m.verify(key.as_bytes()));
            assert!(!m.verify(b"wrong"));
        }
    }

    #[test]
    fn rejects_bad_fingerprint_and_truncation() {
        let mut buf = Vec::new();
        Builder::new(&mut buf, method::BINDING, Class::Request, [1; 12]).finish_fingerprint();
        assert!(Msg::parse(&buf).is_some());
        let n = buf.len();
        buf[n - 1] ^= 1;
        assert!(Msg::parse(&buf).is_none());
        assert!(Msg::parse(&buf[..n - 2]).is_none());
    }

    #[test]
    fn error_code_and_channel_data() {
        let mut buf = Vec::new();
        let mut b = Builder::new(&mut buf, method::ALLOCATE, Class::Error, [2; 12]);
        b.error_code(438, "Stale Nonce");
        b.finish();
        let m = Msg::parse(&buf).unwrap();
        assert_eq!(m.class, Class::Error);
        assert_eq!(m.error_code(), Some((438, "Stale Nonce")));

        let mut out = Vec::new();
        channel_data::encode(0x4001, b"abcde", true, &mut out);
        assert_eq!(out.len(), 12);
        assert_eq!(channel_data::parse(&out), Some((0x4001, &b"abcde"[..])));
        assert_eq!(channel_data::parse(&[0x3F, 0xFF, 0, 0]), None);
        assert_eq!(channel_data::parse(&[0x40, 0x00, 0, 9, 1]), None);
    }
}
