//! RTP attributes: `rtpmap`, `fmtp`, `rtcp-fb`, `ptime`, `maxptime`, `framerate`, `rtcp`,
//! `rtcp-mux`, `rtcp-mux-only`, `rtcp-rsize` and the direction attributes.

use core::fmt;

use super::{Placement, TypedAttribute, flag_attribute};
use crate::error::{ValueError, ValueErrorKind};
use crate::fields::{check_address_at, net_address};
use crate::grammar::{ByteSplit, Cursor, is_token, number};

/// Parses an RTP payload type (RFC 3551 §3: 0..=127).
fn payload_type(s: &str, field: &'static str) -> Result<u8, ValueErrorKind> {
    match number::<u8>(s, field) {
        Ok(pt) if pt < 128 => Ok(pt),
        Ok(_) => Err(ValueErrorKind::OutOfRange { field }),
        Err(e) => Err(e),
    }
}

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`
/// (RFC 8866 §6.6).
///
/// ```
/// use floe_sdp::{RtpMap, TypedAttribute};
/// let m = RtpMap::parse_value("111 opus/48000/2")?;
/// assert_eq!((m.payload_type, m.encoding, m.clock_rate, m.channels), (111, "opus", 48000, Some(2)));
/// assert_eq!(m.to_string(), "111 opus/48000/2");
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RtpMap<'a> {
    /// Dynamic or static payload type (0..=127).
    pub payload_type: u8,
    /// Encoding name (`opus`, `VP8`, `H264`, `rtx`, ...), as written.
    pub encoding: &'a str,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// Encoding parameters: the channel count for audio.
    pub channels: Option<u16>,
}

impl<'a> TypedAttribute<'a> for RtpMap<'a> {
    const NAME: &'static str = "rtpmap";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let payload_type = c.field_with("payload-type", |w| payload_type(w, "payload-type"))?;
        let (rest, at) = c.take_rest("encoding-name")?;
        let Some((encoding, rate_channels)) = rest.split_once_b(b'/') else {
            if !is_token(rest) {
                return Err(ValueError::invalid(at, "encoding-name"));
            }
            return Err(ValueError::missing(at + rest.len(), "clock-rate"));
        };
        if !is_token(encoding) {
            return Err(ValueError::invalid(at, "encoding-name"));
        }
        let at = at + encoding.len() + 1;
        let (rate, channels) = match rate_channels.split_once_b(b'/') {
            Some((r, c)) => (r, Some(c)),
            None => (rate_channels, None),
        };
        let clock_rate =
            number(rate, "clock-rate").map_err(|kind| ValueError { offset: at, kind })?;
        let channels = channels
            .map(|p| {
                number(p, "encoding-params").map_err(|kind| ValueError {
                    offset: at + rate.len() + 1,
                    kind,
                })
            })
            .transpose()?;
        Ok(Self {
            payload_type,
            encoding,
            clock_rate,
            channels,
        })
    }
}

impl RtpMap<'static> {
    /// The mapping of a static payload type from the RFC 3551 §6 tables (4 and 5), which a
    /// section may use without an `a=rtpmap` line (`m=audio 49170 RTP/AVP 0`). Single-channel
    /// audio has `channels: None`, as `rtpmap` writes it; `None` for dynamic, reserved and
    /// unassigned types.
    ///
    /// ```
    /// use floe_sdp::RtpMap;
    /// let pcmu = RtpMap::static_payload_type(0).unwrap();
    /// assert_eq!(pcmu.to_string(), "0 PCMU/8000");
    /// assert_eq!(RtpMap::static_payload_type(10).unwrap().channels, Some(2));
    /// assert!(RtpMap::static_payload_type(96).is_none());
    /// ```
    #[must_use]
    pub const fn static_payload_type(payload_type: u8) -> Option<Self> {
        let (encoding, clock_rate, channels) = match payload_type {
            0 => ("PCMU", 8000, None),
            3 => ("GSM", 8000, None),
            4 => ("G723", 8000, None),
            5 => ("DVI4", 8000, None),
            6 => ("DVI4", 16000, None),
            7 => ("LPC", 8000, None),
            8 => ("PCMA", 8000, None),
            9 => ("G722", 8000, None),
            10 => ("L16", 44100, Some(2)),
            11 => ("L16", 44100, None),
            12 => ("QCELP", 8000, None),
            13 => ("CN", 8000, None),
            14 => ("MPA", 90000, None),
            15 => ("G728", 8000, None),
            16 => ("DVI4", 11025, None),
            17 => ("DVI4", 22050, None),
            18 => ("G729", 8000, None),
            25 => ("CelB", 90000, None),
            26 => ("JPEG", 90000, None),
            28 => ("nv", 90000, None),
            31 => ("H261", 90000, None),
            32 => ("MPV", 90000, None),
            33 => ("MP2T", 90000, None),
            34 => ("H263", 90000, None),
            _ => return None,
        };
        Some(Self {
            payload_type,
            encoding,
            clock_rate,
            channels,
        })
    }
}

impl fmt::Display for RtpMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}/{}",
            self.payload_type, self.encoding, self.clock_rate
        )?;
        self.channels.map_or(Ok(()), |c| write!(f, "/{c}"))
    }
}

/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15).
///
/// The parameters are kept exactly as written (separators, spaces, order, a trailing `;`), so
/// an unknown codec's parameters survive untouched; [`Fmtp::parameters`] splits them on `;`.
/// Parameters with a well-known numeric meaning (`packetization-mode`, `apt`, `minptime`, ...)
/// and `profile-level-id` are checked, and a bad one is reported as a deviation (the Jitsi
/// `level-asymmetry-allowed=1:packetization-mode=0` typo), never rewritten.
///
/// ```
/// use floe_sdp::{Fmtp, TypedAttribute};
/// let f = Fmtp::parse_value("111 minptime=10;useinbandfec=1")?;
/// let p: Vec<_> = f.parameters().map(|p| (p.name, p.value)).collect();
/// assert_eq!(p, [("minptime", Some("10")), ("useinbandfec", Some("1"))]);
/// assert_eq!(f.get("useinbandfec"), Some("1"));
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Fmtp<'a> {
    /// The format (payload type for RTP).
    pub format: &'a str,
    /// The parameters, exactly as written.
    pub params: &'a str,
}

/// One `name[=value]` of an [`Fmtp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FmtpParameter<'a> {
    /// Text before `=` (leading spaces removed).
    pub name: &'a str,
    /// Text after the first `=`.
    pub value: Option<&'a str>,
}

/// fmtp parameters whose values are decimal numbers (RFC 6184, RFC 7587, RFC 4588, RFC 7741,
/// RFC 7798, VP9 and the libwebrtc `x-google-*` parameters).
const NUMERIC_FMTP: &[&str] = &[
    "packetization-mode",
    "level-asymmetry-allowed",
    "minptime",
    "useinbandfec",
    "usedtx",
    "stereo",
    "sprop-stereo",
    "maxplaybackrate",
    "sprop-maxcapturerate",
    "maxaveragebitrate",
    "cbr",
    "apt",
    "rtx-time",
    "max-fs",
    "max-fr",
    "max-mbps",
    "profile-id",
    "x-google-min-bitrate",
    "x-google-max-bitrate",
    "x-google-start-bitrate",
];

impl<'a> Fmtp<'a> {
    /// The parameters in order, split on `;` (empty pieces skipped).
    pub fn parameters(&self) -> impl Iterator<Item = FmtpParameter<'a>> + use<'a> {
        self.params.split_b(b';').filter_map(|p| {
            let p = p.trim_start_matches(' ');
            if p.is_empty() {
                return None;
            }
            Some(match p.split_once_b(b'=') {
                Some((name, value)) => FmtpParameter {
                    name,
                    value: Some(value),
                },
                None => FmtpParameter {
                    name: p,
                    value: None,
                },
            })
        })
    }

    /// The value of the first parameter called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.parameters()
            .find(|p| p.name == name)
            .and_then(|p| p.value)
    }

    /// The payload type, when the format is one.
    #[must_use]
    pub fn payload_type(&self) -> Option<u8> {
        payload_type(self.format, "format").ok()
    }
}

impl<'a> TypedAttribute<'a> for Fmtp<'a> {
    const NAME: &'static str = "fmtp";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let format = c.token("format")?;
        let (params, _) = c.take_rest("format-specific-params")?;
        if params.trim_matches(' ').is_empty() {
            return Err(ValueError::missing(
                format.len() + 1,
                "format-specific-params",
            ));
        }
        Ok(Self { format, params })
    }

    fn deviation(&self) -> Option<ValueError> {
        let base = self.format.len() + 1;
        let mut offset = 0;
        for piece in self.params.split_b(b';') {
            let trimmed = piece.trim_start_matches(' ');
            let at = base + offset + (piece.len() - trimmed.len());
            offset += piece.len() + 1;
            let Some((name, value)) = trimmed.split_once_b(b'=') else {
                continue;
            };
            let value_at = at + name.len() + 1;
            if let Some(field) = NUMERIC_FMTP.iter().find(|n| **n == name) {
                if number::<u64>(value.trim_end_matches(' '), field).is_err() {
                    return Some(ValueError::invalid(value_at, field));
                }
            } else if name == "profile-level-id"
                && !is_profile_level_id(value.trim_end_matches(' '))
            {
                return Some(ValueError::invalid(value_at, "profile-level-id"));
            }
        }
        None
    }
}

/// `profile-level-id` as the codecs that use the name write it: six hex digits for H.264
/// (RFC 6184 §8.1), a decimal for MPEG-4 (RFC 3640 §4.1, RFC 6416 §7.1). The fmtp line does not
/// name its codec, so either form passes.
fn is_profile_level_id(value: &str) -> bool {
    let bytes = value.as_bytes();
    (bytes.len() == 6 && bytes.iter().all(u8::is_ascii_hexdigit))
        || (!bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit))
}

impl fmt::Display for Fmtp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.format, self.params)
    }
}

/// `a=rtcp-fb:<payload type or *> <type> [<parameter>]` (RFC 4585 §4.2, RFC 5104 §7.1,
/// `transport-cc` and `goog-remb` from libwebrtc).
///
/// ```
/// use floe_sdp::{RtcpFb, TypedAttribute};
/// let fb = RtcpFb::parse_value("96 nack pli")?;
/// assert_eq!((fb.payload_type, fb.feedback, fb.parameter), (Some(96), "nack", Some("pli")));
/// assert_eq!(RtcpFb::parse_value("* transport-cc")?.payload_type, None);
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RtcpFb<'a> {
    /// The payload type; `None` for `*` (all formats).
    pub payload_type: Option<u8>,
    /// Feedback type: `nack`, `ccm`, `trr-int`, `goog-remb`, `transport-cc`, ...
    pub feedback: &'a str,
    /// The rest: `pli`, `fir`, `sli`, a trr-int value, and any further tokens.
    pub parameter: Option<&'a str>,
}

impl<'a> TypedAttribute<'a> for RtcpFb<'a> {
    const NAME: &'static str = "rtcp-fb";
    /// Media level only (RFC 4585 §4.2; RFC 8859 §5.2).
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let payload_type = c.field_with("rtcp-fb-pt", |w| {
            if w == "*" {
                Ok(None)
            } else {
                payload_type(w, "rtcp-fb-pt").map(Some)
            }
        })?;
        let feedback = c.token("rtcp-fb-val")?;
        let parameter = if c.at_end() {
            c.finish()?;
            None
        } else {
            // RFC 4585 §4.2: `rtcp-fb-param = SP "app" [SP byte-string] / SP token
            // [SP byte-string]`: the first word is a token, the rest any text (RFC 5104 §7.1
            // `ccm tmmbr smaxpr=120`, `app` payloads).
            let (rest, at) = c.take_rest("rtcp-fb-param")?;
            let first = rest.split_b(b' ').next().unwrap_or_default();
            if !is_token(first) {
                return Err(ValueError::invalid(at, "rtcp-fb-param"));
            }
            Some(rest)
        };
        Ok(Self {
            payload_type,
            feedback,
            parameter,
        })
    }
}

impl fmt::Display for RtcpFb<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.payload_type {
            Some(pt) => write!(f, "{pt} {}", self.feedback)?,
            None => write!(f, "* {}", self.feedback)?,
        }
        self.parameter.map_or(Ok(()), |p| write!(f, " {p}"))
    }
}

/// RFC 8866 §9 `non-zero-int-or-real`: digits with an optional fraction, not zero.
fn decimal(value: &str, field: &'static str) -> Result<f64, ValueError> {
    let (int, frac) = value.split_once_b(b'.').unwrap_or((value, "0"));
    number::<u64>(int, field).map_err(|kind| ValueError { offset: 0, kind })?;
    number::<u64>(frac, field).map_err(|kind| ValueError {
        offset: int.len() + 1,
        kind,
    })?;
    match value.parse() {
        Ok(v) if v > 0.0 => Ok(v),
        _ => Err(ValueError::invalid(0, field)),
    }
}

macro_rules! decimal_attribute {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $ty(pub f64);

        impl TypedAttribute<'_> for $ty {
            const NAME: &'static str = $name;
            const PLACEMENT: Placement = Placement::Media;
            fn parse_value(value: &str) -> Result<Self, ValueError> {
                decimal(value, $field).map(Self)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

decimal_attribute!(
    /// `a=ptime:<packet time>` in milliseconds, a decimal (RFC 8866 §6.4).
    Ptime, "ptime", "ptime-value"
);
decimal_attribute!(
    /// `a=maxptime:<maximum packet time>` in milliseconds (RFC 8866 §6.5).
    MaxPtime, "maxptime", "maxptime-value"
);
decimal_attribute!(
    /// `a=framerate:<frame rate>` in frames per second, video only (RFC 8866 §6.13).
    Framerate, "framerate", "framerate-value"
);

/// `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Rtcp<'a> {
    /// The RTCP port.
    pub port: u16,
    /// `(nettype, addrtype, address)` when given.
    pub address: Option<(&'a str, &'a str, &'a str)>,
}

impl<'a> TypedAttribute<'a> for Rtcp<'a> {
    const NAME: &'static str = "rtcp";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let port = c.number("port")?;
        let address = if c.at_end() {
            None
        } else {
            let (n, t, a, at) = net_address(&mut c, "connection-address")?;
            check_address_at(n, t, a, at)?;
            Some((n, t, a))
        };
        c.finish()?;
        Ok(Self { port, address })
    }
}

impl fmt::Display for Rtcp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.port)?;
        self.address
            .map_or(Ok(()), |(n, t, a)| write!(f, " {n} {t} {a}"))
    }
}

flag_attribute!(
    /// `a=rtcp-mux`: RTP and RTCP share a port (RFC 5761 §5.1.1).
    RtcpMux, "rtcp-mux", Media
);
flag_attribute!(
    /// `a=rtcp-mux-only`: the offerer will only use multiplexing (RFC 8858 §3).
    RtcpMuxOnly, "rtcp-mux-only", Media
);
flag_attribute!(
    /// `a=rtcp-rsize`: reduced-size RTCP (RFC 5506 §5).
    RtcpRsize, "rtcp-rsize", Media
);

/// The direction attributes `a=sendrecv`, `a=sendonly`, `a=recvonly`, `a=inactive`
/// (RFC 8866 §6.7). A section without one is `sendrecv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Direction {
    /// `a=sendrecv` (the default).
    SendRecv,
    /// `a=sendonly`.
    SendOnly,
    /// `a=recvonly`.
    RecvOnly,
    /// `a=inactive`.
    Inactive,
}

impl Direction {
    /// The attribute names, in variant order.
    pub const NAMES: [&'static str; 4] = ["sendrecv", "sendonly", "recvonly", "inactive"];

    /// The direction an attribute name stands for.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "sendrecv" => Self::SendRecv,
            "sendonly" => Self::SendOnly,
            "recvonly" => Self::RecvOnly,
            "inactive" => Self::Inactive,
            _ => return None,
        })
    }

    /// The attribute name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtpmap() {
        assert_eq!(RtpMap::parse_value("96 VP8/90000").unwrap().channels, None);
        assert_eq!(
            RtpMap::parse_value("128 VP8/90000"),
            Err(ValueError {
                offset: 0,
                kind: ValueErrorKind::OutOfRange {
                    field: "payload-type"
                }
            })
        );
        assert_eq!(
            RtpMap::parse_value("96 VP8"),
            Err(ValueError::missing(6, "clock-rate"))
        );
        assert_eq!(
            RtpMap::parse_value("96 VP8/x"),
            Err(ValueError::invalid(7, "clock-rate"))
        );
        assert_eq!(
            RtpMap::parse_value("96 opus/48000/x"),
            Err(ValueError::invalid(14, "encoding-params"))
        );
        assert_eq!(
            RtpMap::parse_value("96"),
            Err(ValueError::missing(2, "encoding-name"))
        );
    }

    #[test]
    fn fmtp_keeps_separators_and_flags_bad_known_values() {
        let v = "112 sampling=YCbCr-4:2:2; width=1280; interlace; SSN=ST2110-20:2017;";
        let f = Fmtp::parse_value(v).unwrap();
        assert_eq!(f.to_string(), v);
        assert_eq!(f.parameters().count(), 4);
        assert_eq!(f.get("width"), Some("1280"));
        assert_eq!(
            f.parameters().nth(2),
            Some(FmtpParameter {
                name: "interlace",
                value: None
            })
        );
        assert_eq!(f.deviation(), None);
        let bad = Fmtp::parse_value(
            "127 profile-level-id=42e01f;level-asymmetry-allowed=1:packetization-mode=0",
        )
        .unwrap();
        assert_eq!(
            bad.deviation(),
            Some(ValueError::invalid(52, "level-asymmetry-allowed"))
        );
        // MPEG-4 writes it as a decimal (RFC 3640 §4.1).
        let aac = Fmtp::parse_value(
            "96 streamtype=5; profile-level-id=15; mode=AAC-hbr; config=1190; sizeLength=13",
        )
        .unwrap();
        assert_eq!(aac.deviation(), None);
        let bad = Fmtp::parse_value("127 profile-level-id=42e0").unwrap();
        assert_eq!(
            bad.deviation(),
            Some(ValueError::invalid(21, "profile-level-id"))
        );
        assert_eq!(
            Fmtp::parse_value("111"),
            Err(ValueError::missing(3, "format-specific-params"))
        );
        assert_eq!(
            Fmtp::parse_value("111 "),
            Err(ValueError::missing(4, "format-specific-params"))
        );
        assert_eq!(
            Fmtp::parse_value("97 apt=96").unwrap().payload_type(),
            Some(97)
        );
    }

    #[test]
    fn rtcp_fb() {
        let fb = RtcpFb::parse_value("100 ccm fir").unwrap();
        assert_eq!(fb.to_string(), "100 ccm fir");
        assert_eq!(
            RtcpFb::parse_value("100"),
            Err(ValueError::missing(3, "rtcp-fb-val"))
        );
        assert_eq!(
            RtcpFb::parse_value("x nack"),
            Err(ValueError::invalid(0, "rtcp-fb-pt"))
        );
        assert!(RtcpFb::parse_value("96 trr-int 100").is_ok());
        // RFC 4585 §4.2: a token, then any byte-string (RFC 5104 §7.1 `smaxpr=120`, `app`).
        let tmmbr = RtcpFb::parse_value("98 ccm tmmbr smaxpr=120").unwrap();
        assert_eq!(tmmbr.parameter, Some("tmmbr smaxpr=120"));
        assert_eq!(tmmbr.to_string(), "98 ccm tmmbr smaxpr=120");
        assert!(RtcpFb::parse_value("98 nack app foo:bar").is_ok());
        assert_eq!(
            RtcpFb::parse_value("98 nack :pli"),
            Err(ValueError::invalid(8, "rtcp-fb-param"))
        );
    }

    #[test]
    fn decimals() {
        assert_eq!(Ptime::parse_value("20"), Ok(Ptime(20.0)));
        assert_eq!(Ptime::parse_value("0.125"), Ok(Ptime(0.125)));
        assert_eq!(Framerate::parse_value("29.97"), Ok(Framerate(29.97)));
        assert_eq!(
            MaxPtime::parse_value("1."),
            Err(ValueError::invalid(2, "maxptime-value"))
        );
        assert_eq!(
            Ptime::parse_value("-1"),
            Err(ValueError::invalid(0, "ptime-value"))
        );
        for zero in ["0", "0.0", "00"] {
            assert_eq!(
                Ptime::parse_value(zero),
                Err(ValueError::invalid(0, "ptime-value")),
                "{zero}"
            );
        }
    }

    #[test]
    fn rtcp_and_directions() {
        assert_eq!(
            Rtcp::parse_value("9 IN IP4 0.0.0.0").unwrap().address,
            Some(("IN", "IP4", "0.0.0.0"))
        );
        assert_eq!(Rtcp::parse_value("12312").unwrap().to_string(), "12312");
        assert_eq!(
            Rtcp::parse_value("1 IN IP7 X"),
            Err(ValueError::invalid(5, "addrtype"))
        );
        assert_eq!(Direction::from_name("recvonly"), Some(Direction::RecvOnly));
        assert_eq!(Direction::Inactive.to_string(), "inactive");
        assert_eq!(Direction::from_name("x"), None);
    }
}
