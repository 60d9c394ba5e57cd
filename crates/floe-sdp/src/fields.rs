//! Typed views of the non-attribute lines (RFC 8866 §5): `v o s i u e p c b t r z k m`.
//!
//! Each type borrows from the line it was parsed from, parses with [`FieldValue::parse`] and
//! writes back with `Display` (the canonical form: single spaces, the RFC's field order).

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};
use std::vec::Vec;

use crate::error::{ValueError, ValueErrorKind};
use crate::grammar::{ByteSplit, Cursor, is_token, number};

/// A line value with a typed view (the non-attribute counterpart of [`crate::TypedAttribute`]).
pub trait FieldValue<'a>: Sized + fmt::Display {
    /// The line type letter.
    const TYPE: char;
    /// Parses the text after `<type>=`.
    ///
    /// # Errors
    ///
    /// A [`ValueError`] naming the field of the RFC 8866 §9 grammar that failed and its offset.
    fn parse(value: &'a str) -> Result<Self, ValueError>;
}

/// `v=` protocol version (RFC 8866 §5.1): always `0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Version(pub u32);

impl FieldValue<'_> for Version {
    const TYPE: char = 'v';
    fn parse(value: &str) -> Result<Self, ValueError> {
        match number::<u32>(value, "proto-version") {
            Ok(0) => Ok(Self(0)),
            Ok(_) => Err(ValueError::invalid(0, "proto-version")),
            Err(kind) => Err(ValueError { offset: 0, kind }),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Checks an `addrtype` and the address that goes with it (RFC 8866 §9 `unicast-address`,
/// `connection-address` without its multicast suffix): IP4 takes a dotted quad or an FQDN, IP6
/// an IPv6 address or an FQDN (RFC 8866 §5.7), and the `IN` network type has only those two
/// (RFC 8866 §8.2.6). Other network types (RFC 7195's `PSTN E164`, RFC 3108's `ATM`, ...)
/// take any `addrtype` token and an `extn-addr`: any string without white space.
pub(crate) fn check_address(
    nettype: &str,
    addrtype: &str,
    address: &str,
) -> Result<(), ValueErrorKind> {
    let ok = match addrtype {
        "IP4" => address.parse::<Ipv4Addr>().is_ok() || is_fqdn(address),
        "IP6" => address.parse::<Ipv6Addr>().is_ok() || is_fqdn(address),
        _ if nettype != "IN" && is_token(addrtype) => !address.is_empty(),
        _ => return Err(ValueErrorKind::Invalid { field: "addrtype" }),
    };
    if ok {
        Ok(())
    } else {
        Err(ValueErrorKind::Invalid { field: "address" })
    }
}

/// [`check_address`] with the error placed at the address type or the address, given the
/// address offset `at`.
pub(crate) fn check_address_at(
    nettype: &str,
    addrtype: &str,
    address: &str,
    at: usize,
) -> Result<(), ValueError> {
    check_address(nettype, addrtype, address).map_err(|kind| {
        let addrtype_error = kind == ValueErrorKind::Invalid { field: "addrtype" };
        ValueError {
            offset: if addrtype_error {
                at - addrtype.len() - 1
            } else {
                at
            },
            kind,
        }
    })
}

/// RFC 8866 §9 `FQDN = 4*(alpha-numeric / "-" / ".")`.
fn is_fqdn(s: &str) -> bool {
    s.len() >= 4
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// `nettype SP addrtype SP address`, shared by `o=`, `c=` and `a=rtcp`.
pub(crate) fn net_address<'a>(
    c: &mut Cursor<'a>,
    address_field: &'static str,
) -> Result<(&'a str, &'a str, &'a str, usize), ValueError> {
    let nettype = c.token("nettype")?;
    let addrtype = c.token("addrtype")?;
    let at = c.offset();
    let address = c.field(address_field)?;
    Ok((nettype, addrtype, address, at))
}

/// `o=` origin (RFC 8866 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Origin<'a> {
    /// `username` (`-` when there is none).
    pub username: &'a str,
    /// `sess-id`.
    pub session_id: u64,
    /// `sess-version`.
    pub session_version: u64,
    /// `nettype` (`IN`).
    pub nettype: &'a str,
    /// `addrtype` (`IP4` or `IP6`).
    pub addrtype: &'a str,
    /// `unicast-address`.
    pub address: &'a str,
}

impl<'a> FieldValue<'a> for Origin<'a> {
    const TYPE: char = 'o';
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let username = c.field("username")?;
        let session_id = c.number("sess-id")?;
        let session_version = c.number("sess-version")?;
        let (nettype, addrtype, address, at) = net_address(&mut c, "unicast-address")?;
        check_address_at(nettype, addrtype, address, at)?;
        c.finish()?;
        Ok(Self {
            username,
            session_id,
            session_version,
            nettype,
            addrtype,
            address,
        })
    }
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {} {}",
            self.username,
            self.session_id,
            self.session_version,
            self.nettype,
            self.addrtype,
            self.address
        )
    }
}

/// `c=` connection data (RFC 8866 §5.7), with the multicast TTL and address count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Connection<'a> {
    /// `nettype` (`IN`).
    pub nettype: &'a str,
    /// `addrtype` (`IP4` or `IP6`).
    pub addrtype: &'a str,
    /// The address without `/ttl` or `/count`.
    pub address: &'a str,
    /// IPv4 multicast TTL (`/127`).
    pub ttl: Option<u8>,
    /// Number of multicast addresses (`/3`).
    pub count: Option<u32>,
}

impl<'a> FieldValue<'a> for Connection<'a> {
    const TYPE: char = 'c';
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let (nettype, addrtype, full, at) = net_address(&mut c, "connection-address")?;
        c.finish()?;
        if !matches!(addrtype, "IP4" | "IP6") {
            // An `extn-addr` (RFC 8866 §9) has no multicast suffix: `/` is part of it.
            check_address_at(nettype, addrtype, full, at)?;
            return Ok(Self {
                nettype,
                addrtype,
                address: full,
                ttl: None,
                count: None,
            });
        }
        let mut parts = full.split_b(b'/');
        let address = parts.next().unwrap_or_default();
        check_address_at(nettype, addrtype, address, at)?;
        let mut pos = at + address.len() + 1;
        let mut next = |field| -> Result<Option<u32>, ValueError> {
            let Some(p) = parts.next() else {
                return Ok(None);
            };
            let n = number::<u32>(p, field).map_err(|kind| ValueError { offset: pos, kind })?;
            pos += p.len() + 1;
            Ok(Some(n))
        };
        let (ttl, count) = if addrtype == "IP4" {
            let ttl = next("ttl")?;
            let ttl = ttl
                .map(|t| {
                    u8::try_from(t).map_err(|_| ValueError::invalid(at + address.len() + 1, "ttl"))
                })
                .transpose()?;
            (ttl, next("numaddr")?)
        } else {
            (None, next("numaddr")?)
        };
        if next("connection-address")?.is_some() {
            return Err(ValueError {
                offset: at,
                kind: ValueErrorKind::TrailingData,
            });
        }
        Ok(Self {
            nettype,
            addrtype,
            address,
            ttl,
            count,
        })
    }
}

impl fmt::Display for Connection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.nettype, self.addrtype, self.address)?;
        if let Some(t) = self.ttl {
            write!(f, "/{t}")?;
        }
        if let Some(n) = self.count {
            write!(f, "/{n}")?;
        }
        Ok(())
    }
}

/// `b=` bandwidth (RFC 8866 §5.8). Unknown bandwidth types (RFC 8866 §5.8 allows `X-` and
/// registered extensions such as `TIAS`, RFC 3890) are kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Bandwidth<'a> {
    /// `bwtype`: `CT`, `AS`, `TIAS`, `RR`, `RS`, or any other token.
    pub bwtype: &'a str,
    /// The value (kilobits per second for `CT`/`AS`, bits per second for `TIAS`).
    pub bandwidth: u64,
}

impl Bandwidth<'_> {
    /// Whether the type is one RFC 8866 §5.8, RFC 3556 or RFC 3890 defines.
    #[must_use]
    pub fn is_known_type(&self) -> bool {
        matches!(self.bwtype, "CT" | "AS" | "TIAS" | "RR" | "RS")
    }
}

impl<'a> FieldValue<'a> for Bandwidth<'a> {
    const TYPE: char = 'b';
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let Some((bwtype, bw)) = value.split_once_b(b':') else {
            return Err(ValueError::missing(value.len(), "bandwidth"));
        };
        if !is_token(bwtype) {
            return Err(ValueError::invalid(0, "bwtype"));
        }
        let bandwidth = number(bw, "bandwidth").map_err(|kind| ValueError {
            offset: bwtype.len() + 1,
            kind,
        })?;
        Ok(Self { bwtype, bandwidth })
    }
}

impl fmt::Display for Bandwidth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.bwtype, self.bandwidth)
    }
}

/// `t=` timing (RFC 8866 §5.9), NTP seconds; `0 0` is an unbounded session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Timing {
    /// `start-time`.
    pub start: u64,
    /// `stop-time`.
    pub stop: u64,
}

impl FieldValue<'_> for Timing {
    const TYPE: char = 't';
    fn parse(value: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let start = c.field_with("start-time", |w| ntp_time(w, "start-time", true))?;
        let stop = c.field_with("stop-time", |w| ntp_time(w, "stop-time", true))?;
        c.finish()?;
        Ok(Self { start, stop })
    }
}

/// RFC 8866 §9 `time = POS-DIGIT 9*DIGIT` (NTP seconds: ten digits or more, no leading zero),
/// or `"0"` where `zero` allows it (`start-time`, `stop-time`).
fn ntp_time(s: &str, field: &'static str, zero: bool) -> Result<u64, ValueErrorKind> {
    let n = number::<u64>(s, field)?;
    if (zero && s == "0") || (s.len() >= 10 && !s.starts_with('0')) {
        Ok(n)
    } else {
        Err(ValueErrorKind::Invalid { field })
    }
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.start, self.stop)
    }
}

/// RFC 8866 §9 `typed-time = 1*DIGIT [fixed-len-time-unit]`, in seconds.
fn typed_time(s: &str, field: &'static str) -> Result<u64, ValueErrorKind> {
    let (digits, unit) = match s.as_bytes().last() {
        Some(b'd') => (&s[..s.len() - 1], 86_400),
        Some(b'h') => (&s[..s.len() - 1], 3_600),
        Some(b'm') => (&s[..s.len() - 1], 60),
        Some(b's') => (&s[..s.len() - 1], 1),
        _ => (s, 1),
    };
    number::<u64>(digits, field)?
        .checked_mul(unit)
        .ok_or(ValueErrorKind::OutOfRange { field })
}

/// `r=` repeat times (RFC 8866 §5.10), all in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repeat {
    /// `repeat-interval`.
    pub interval: u64,
    /// Active duration.
    pub duration: u64,
    /// Offsets from the start time (at least one).
    pub offsets: Vec<u64>,
}

impl FieldValue<'_> for Repeat {
    const TYPE: char = 'r';
    fn parse(value: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let interval = c.field_with("repeat-interval", |w| typed_time(w, "repeat-interval"))?;
        let duration = c.field_with("typed-time", |w| typed_time(w, "typed-time"))?;
        let mut offsets = Vec::new();
        offsets.push(c.field_with("typed-time", |w| typed_time(w, "typed-time"))?);
        while !c.at_end() {
            offsets.push(c.field_with("typed-time", |w| typed_time(w, "typed-time"))?);
        }
        c.finish()?;
        Ok(Self {
            interval,
            duration,
            offsets,
        })
    }
}

impl fmt::Display for Repeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.interval, self.duration)?;
        self.offsets.iter().try_for_each(|o| write!(f, " {o}"))
    }
}

/// `z=` time zone adjustments (RFC 8866 §5.11): `(adjustment time, offset seconds)` pairs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TimeZones {
    /// The adjustments, in order.
    pub adjustments: Vec<(u64, i64)>,
}

impl FieldValue<'_> for TimeZones {
    const TYPE: char = 'z';
    fn parse(value: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let mut adjustments = Vec::new();
        loop {
            let time = c.field_with("time", |w| ntp_time(w, "time", false))?;
            let offset = c.field_with("typed-time", |w| {
                let (neg, w) = w.strip_prefix('-').map_or((false, w), |r| (true, r));
                let secs = i64::try_from(typed_time(w, "typed-time")?).map_err(|_| {
                    ValueErrorKind::OutOfRange {
                        field: "typed-time",
                    }
                })?;
                Ok(if neg { -secs } else { secs })
            })?;
            adjustments.push((time, offset));
            if c.at_end() {
                break;
            }
        }
        c.finish()?;
        Ok(Self { adjustments })
    }
}

impl fmt::Display for TimeZones {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (t, o)) in self.adjustments.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{t} {o}")?;
        }
        Ok(())
    }
}

/// `k=` encryption key (RFC 8866 §5.12, obsolete: kept, never used).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Key<'a> {
    /// `prompt`, `clear`, `base64`, `uri` or an extension token.
    pub method: &'a str,
    /// The key data after `:`.
    pub key: Option<&'a str>,
}

impl<'a> FieldValue<'a> for Key<'a> {
    const TYPE: char = 'k';
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let (method, key) = match value.split_once_b(b':') {
            Some((m, k)) => (m, Some(k)),
            None => (value, None),
        };
        if !is_token(method) {
            return Err(ValueError::invalid(0, "key-type"));
        }
        Ok(Self { method, key })
    }
}

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.method)?;
        self.key.map_or(Ok(()), |k| write!(f, ":{k}"))
    }
}

/// `m=` media description line (RFC 8866 §5.14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MediaLine<'a> {
    /// `media`: `audio`, `video`, `application`, `text`, `message`, `image`, or another token.
    pub media: &'a str,
    /// Transport port (0 rejects or, with `a=bundle-only`, bundles the section).
    pub port: u16,
    /// Number of ports (`/2`).
    pub port_count: Option<u32>,
    /// `proto`, e.g. `UDP/TLS/RTP/SAVPF` or `UDP/DTLS/SCTP`.
    pub proto: &'a str,
    /// The format list, space-separated (payload types for RTP).
    pub formats: Formats<'a>,
}

/// The `fmt` list of an `m=` line: iterate for each format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Formats<'a>(pub &'a str);

impl<'a> Formats<'a> {
    /// The formats in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.0.split_b(b' ').filter(|f| !f.is_empty())
    }

    /// Whether `fmt` is listed.
    #[must_use]
    pub fn contains(&self, fmt: &str) -> bool {
        self.iter().any(|f| f == fmt)
    }

    /// The RTP payload types (formats that are numbers up to 127).
    pub fn payload_types(&self) -> impl Iterator<Item = u8> + use<'a> {
        self.iter()
            .filter_map(|f| f.parse::<u8>().ok().filter(|p| *p < 128))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Formats<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'a> MediaLine<'a> {
    /// Parses an `m=` value; with `require_format = false` an empty format list is accepted
    /// (the deviation str0m and others send).
    pub(crate) fn parse_inner(value: &'a str, require_format: bool) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let media = c.token("media")?;
        let (port, port_count) = c.field_with("port", |w| {
            let (p, n) = match w.split_once_b(b'/') {
                Some((p, n)) => (p, Some(number::<u32>(n, "port")?)),
                None => (w, None),
            };
            Ok((number::<u16>(p, "port")?, n))
        })?;
        let proto_at = c.offset();
        let proto = c.field("proto")?;
        if !proto.split_b(b'/').all(is_token) {
            return Err(ValueError::invalid(proto_at, "proto"));
        }
        let formats = if c.at_end() && !require_format {
            c.finish()?;
            Formats("")
        } else {
            let (rest, at) = c.take_rest("fmt")?;
            let mut pos = at;
            for f in rest.split_b(b' ') {
                if !is_token(f) {
                    return Err(ValueError::invalid(pos, "fmt"));
                }
                pos += f.len() + 1;
            }
            Formats(rest)
        };
        Ok(Self {
            media,
            port,
            port_count,
            proto,
            formats,
        })
    }
}

impl<'a> FieldValue<'a> for MediaLine<'a> {
    const TYPE: char = 'm';
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        Self::parse_inner(value, true)
    }
}

impl fmt::Display for MediaLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.media, self.port)?;
        if let Some(n) = self.port_count {
            write!(f, "/{n}")?;
        }
        write!(f, " {}", self.proto)?;
        self.formats.iter().try_for_each(|x| write!(f, " {x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin() {
        let o = Origin::parse("- 4611731400430051336 2 IN IP4 127.0.0.1").unwrap();
        assert_eq!(o.session_id, 4_611_731_400_430_051_336);
        assert_eq!(o.to_string(), "- 4611731400430051336 2 IN IP4 127.0.0.1");
        assert_eq!(
            Origin::parse("- 1001 1 IN IP4"),
            Err(ValueError::missing(15, "unicast-address"))
        );
        assert_eq!(
            Origin::parse("- x 1 IN IP4 1.2.3.4"),
            Err(ValueError::invalid(2, "sess-id"))
        );
        assert_eq!(
            Origin::parse("- 1 1 IN IP7 x"),
            Err(ValueError::invalid(9, "addrtype"))
        );
        // Other address types take any `extn-addr` (RFC 8866 §9).
        assert!(Origin::parse("- 1 1 PSTN E164 +12125551212").is_ok());
        // ... but `IN` has only IP4 and IP6 (RFC 8866 §8.2.6).
        assert_eq!(
            Origin::parse("- 1 1 IN E164 +12125551212"),
            Err(ValueError::invalid(9, "addrtype"))
        );
        assert!(Origin::parse("jdoe 1 1 IN IP6 ::1").is_ok());
        assert!(Origin::parse("jdoe 1 1 IN IP4 host.example").is_ok());
    }

    #[test]
    fn connection() {
        let c = Connection::parse("IN IP4 224.2.17.12/127/3").unwrap();
        assert_eq!(
            (c.address, c.ttl, c.count),
            ("224.2.17.12", Some(127), Some(3))
        );
        assert_eq!(c.to_string(), "IN IP4 224.2.17.12/127/3");
        let c = Connection::parse("IN IP6 ff15::101/3").unwrap();
        assert_eq!((c.ttl, c.count), (None, Some(3)));
        assert_eq!(
            Connection::parse("IN IP4"),
            Err(ValueError::missing(6, "connection-address"))
        );
        assert_eq!(
            Connection::parse("IN IP4 1.2.3.4/300"),
            Err(ValueError::invalid(15, "ttl"))
        );
        assert!(Connection::parse("IN IP4 1.2.3.4 ").is_err());
        // RFC 7195 §3: a registered non-IP address type; the whole string is the address.
        let pstn = Connection::parse("PSTN E164 +1-212/555").unwrap();
        assert_eq!(
            (pstn.addrtype, pstn.address, pstn.count),
            ("E164", "+1-212/555", None)
        );
        assert_eq!(pstn.to_string(), "PSTN E164 +1-212/555");
    }

    #[test]
    fn bandwidth_keeps_unknown_types() {
        let b = Bandwidth::parse("X-YZ:128").unwrap();
        assert_eq!(
            (b.bwtype, b.bandwidth, b.is_known_type()),
            ("X-YZ", 128, false)
        );
        assert!(Bandwidth::parse("AS:30").unwrap().is_known_type());
        assert_eq!(
            Bandwidth::parse("AS:x"),
            Err(ValueError::invalid(3, "bandwidth"))
        );
        assert_eq!(
            Bandwidth::parse("AS"),
            Err(ValueError::missing(2, "bandwidth"))
        );
    }

    #[test]
    fn timing_repeat_zone_key_version() {
        assert_eq!(Timing::parse("0 0").unwrap(), Timing { start: 0, stop: 0 });
        assert!(Timing::parse("0").is_err());
        assert_eq!(
            Timing::parse("3034423619 3042462419").unwrap(),
            Timing {
                start: 3_034_423_619,
                stop: 3_042_462_419
            }
        );
        // `time = POS-DIGIT 9*DIGIT` (RFC 8866 §9): ten digits or more, no leading zero.
        assert_eq!(
            Timing::parse("1 2"),
            Err(ValueError::invalid(0, "start-time"))
        );
        assert_eq!(
            Timing::parse("0 0123456789"),
            Err(ValueError::invalid(2, "stop-time"))
        );
        assert_eq!(
            TimeZones::parse("1 -1h"),
            Err(ValueError::invalid(0, "time"))
        );
        let r = Repeat::parse("7d 1h 0 25h").unwrap();
        assert_eq!(
            (r.interval, r.duration, r.offsets.clone()),
            (604_800, 3_600, vec![0, 90_000])
        );
        assert_eq!(r.to_string(), "604800 3600 0 90000");
        let z = TimeZones::parse("2882844526 -1h 2898848070 0").unwrap();
        assert_eq!(
            z.adjustments,
            vec![(2_882_844_526, -3600), (2_898_848_070, 0)]
        );
        assert_eq!(
            Key::parse("prompt").unwrap(),
            Key {
                method: "prompt",
                key: None
            }
        );
        assert_eq!(Key::parse("clear:abc").unwrap().key, Some("abc"));
        assert_eq!(Version::parse("0"), Ok(Version(0)));
        assert!(Version::parse("1").is_err());
    }

    #[test]
    fn media_line() {
        let m = MediaLine::parse("video 9 UDP/TLS/RTP/SAVPF 96 97 98").unwrap();
        assert_eq!(
            (m.media, m.port, m.proto),
            ("video", 9, "UDP/TLS/RTP/SAVPF")
        );
        assert_eq!(
            m.formats.payload_types().collect::<Vec<_>>(),
            vec![96, 97, 98]
        );
        assert!(m.formats.contains("97"));
        assert_eq!(m.to_string(), "video 9 UDP/TLS/RTP/SAVPF 96 97 98");
        let m = MediaLine::parse("audio 49170/2 RTP/AVP 0").unwrap();
        assert_eq!(m.port_count, Some(2));
        assert_eq!(
            MediaLine::parse("audio 9 UDP/TLS/RTP/SAVPF"),
            Err(ValueError::missing(25, "fmt"))
        );
        assert!(MediaLine::parse_inner("audio 9 UDP/TLS/RTP/SAVPF", false).is_ok());
        assert_eq!(
            MediaLine::parse("audio 70000 RTP/AVP 0"),
            Err(ValueError {
                offset: 6,
                kind: ValueErrorKind::OutOfRange { field: "port" }
            })
        );
        assert_eq!(
            MediaLine::parse("audio 9 RTP/AVP 0  8"),
            Err(ValueError::invalid(18, "fmt"))
        );
    }
}
