//! Writing descriptions from code: canonical CRLF output in the RFC 8866 §5 order.
//!
//! What the builders write always parses back equal in [`Mode::Strict`](crate::Mode::Strict):
//! lines are written in the RFC 8866 §5 order whatever the call order, and a call that would
//! write something strict parsing rejects (an attribute at a level its
//! [`registration`](crate::registration) or [`TypedAttribute::PLACEMENT`] forbids, a known
//! attribute whose raw value fails its grammar, an RTP payload type above 127) is not written: `build` returns the [`ParseError`] strict
//! parsing would have reported for that line (the first such call wins), rather than silently
//! moving or dropping it.

use std::borrow::Cow;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::attributes::{
    Direction, Fingerprint, Fmtp, Group, IceLite, IcePwd, IceUfrag, Mid, Placement, RtcpFb,
    RtcpMux, RtpMap, Setup, TypedAttribute, lookup, registration,
};
use crate::description::{MediaSection, SessionDescription};
use crate::error::{DiagnosticKind, Level, ParseError, ValueErrorKind};
use crate::fields::{Bandwidth, Connection, FieldValue, Formats, MediaLine, Origin, Timing};
use crate::line::Line;
use crate::values::attribute_diagnostic;

/// Builds a [`SessionDescription`]: `v=0`, `o=`, `s=`, optional `i= c= b=`, `t=`, session
/// attributes, then the media sections, every line ending in CRLF.
///
/// [`SdpBuilder::build`] fails with the [`ParseError`] strict parsing would report when a call
/// asked for something strict mode rejects (see the module notes), e.g. `a=mid` at session
/// level (RFC 5888 §4):
///
/// ```
/// use floe_sdp::{DiagnosticKind, Level, Mid, Origin, SdpBuilder};
/// let origin = Origin { username: "-", session_id: 1, session_version: 1, nettype: "IN", addrtype: "IP4", address: "127.0.0.1" };
/// let e = SdpBuilder::new(&origin).attribute(&Mid("0")).build().unwrap_err();
/// assert_eq!((e.line, e.column), (5, 3));
/// assert_eq!(e.kind, DiagnosticKind::Placement { name: "mid", found: Level::Session });
/// ```
///
/// ```
/// use floe_sdp::{Direction, MediaBuilder, Mode, Origin, SdpBuilder, SessionDescription, Setup};
/// let origin = Origin { username: "-", session_id: 42, session_version: 1, nettype: "IN", addrtype: "IP4", address: "127.0.0.1" };
/// let sdp = SdpBuilder::new(&origin)
///     .group("BUNDLE", &["0"])
///     .media(
///         MediaBuilder::new("audio", 9, "UDP/TLS/RTP/SAVPF")
///             .mid("0")
///             .ice_credentials("4ZcD", "2/1muCWoOi3uLifh0NuRHlbO")
///             .fingerprint("sha-256", &[0xab; 32])
///             .setup(Setup::ActPass)
///             .direction(Direction::SendRecv)
///             .rtcp_mux()
///             .codec(111, "opus", 48000, Some(2))
///             .fmtp(111, "minptime=10;useinbandfec=1")
///             .rtcp_fb(111, "transport-cc", None),
///     )
///     .build()?;
/// let text = sdp.to_string();
/// assert!(text.starts_with("v=0\r\no=- 42 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"));
/// let back = SessionDescription::parse_with(&text, Mode::Strict)?;
/// assert!(back.warnings().is_empty());
/// assert_eq!(back.description(), &sdp);
/// assert!(floe_sdp::validate(&sdp).is_empty());
/// # Ok::<(), floe_sdp::ParseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SdpBuilder {
    origin: String,
    name: String,
    info: Option<String>,
    connection: Option<String>,
    bandwidths: Vec<String>,
    timing: String,
    attributes: Vec<Line<'static>>,
    /// The first refused call: index in `attributes`, column, what strict parsing reports.
    error: Option<(usize, u32, DiagnosticKind)>,
    media: Vec<MediaBuilder>,
}

impl SdpBuilder {
    /// A description with this origin, `s=-` and `t=0 0`.
    #[must_use]
    pub fn new(origin: &Origin<'_>) -> Self {
        Self {
            origin: origin.to_string(),
            name: "-".into(),
            info: None,
            connection: None,
            bandwidths: Vec::new(),
            timing: Timing { start: 0, stop: 0 }.to_string(),
            attributes: Vec::new(),
            error: None,
            media: Vec::new(),
        }
    }

    /// `s=` (an empty name is written as `-`).
    #[must_use]
    pub fn session_name(mut self, name: &str) -> Self {
        self.name = if name.is_empty() {
            "-".into()
        } else {
            name.into()
        };
        self
    }

    /// `i=`.
    #[must_use]
    pub fn information(mut self, info: &str) -> Self {
        self.info = Some(info.into());
        self
    }

    /// Session-level `c=`.
    #[must_use]
    pub fn connection(mut self, c: &Connection<'_>) -> Self {
        self.connection = Some(c.to_string());
        self
    }

    /// Session-level `b=`.
    #[must_use]
    pub fn bandwidth(mut self, b: &Bandwidth<'_>) -> Self {
        self.bandwidths.push(b.to_string());
        self
    }

    /// `t=`.
    #[must_use]
    pub fn timing(mut self, t: Timing) -> Self {
        self.timing = t.to_string();
        self
    }

    /// A typed session attribute. One whose [`TypedAttribute::PLACEMENT`] forbids the session
    /// level makes [`SdpBuilder::build`] fail with [`DiagnosticKind::Placement`].
    #[must_use]
    pub fn attribute<'t, T: TypedAttribute<'t>>(mut self, a: &T) -> Self {
        let problem = placement_problem(T::NAME, typed_placement::<T>(), Level::Session);
        refuse(&mut self.error, self.attributes.len(), problem);
        self.attributes.push(Line::typed(a));
        self
    }

    /// Any session attribute, `a=<name>[:<value>]`. A registered name is checked like the
    /// parser does: a level its placement forbids or a value that fails its grammar makes
    /// [`SdpBuilder::build`] fail.
    #[must_use]
    pub fn raw_attribute(mut self, name: &str, value: Option<&str>) -> Self {
        let line = Line::attribute_line(name, value);
        let problem = raw_problem(&line, Level::Session);
        refuse(&mut self.error, self.attributes.len(), problem);
        self.attributes.push(line);
        self
    }

    /// `a=group:<semantics> <mids>` (RFC 5888).
    #[must_use]
    pub fn group(self, semantics: &str, mids: &[&str]) -> Self {
        let mids = mids.join(" ");
        self.attribute(&Group {
            semantics,
            mids: &mids,
        })
    }

    /// `a=ice-lite` (RFC 8839 §5.3).
    #[must_use]
    pub fn ice_lite(self) -> Self {
        self.attribute(&IceLite)
    }

    /// Appends a media section.
    #[must_use]
    pub fn media(mut self, m: MediaBuilder) -> Self {
        self.media.push(m);
        self
    }

    /// The description.
    ///
    /// # Errors
    ///
    /// The [`ParseError`] strict parsing would report for the first refused call (line and
    /// column in the description that would have been written).
    pub fn build(self) -> Result<SessionDescription<'static>, ParseError> {
        let head = 4
            + usize::from(self.info.is_some())
            + usize::from(self.connection.is_some())
            + self.bandwidths.len();
        if let Some((index, column, kind)) = self.error {
            return Err(diagnostic(head + index + 1, column, kind));
        }
        let mut before = head + self.attributes.len();
        let mut media = Vec::with_capacity(self.media.len());
        for m in self.media {
            let lines = m.line_count();
            media.push(m.build().map_err(|e| {
                ParseError {
                    line: e
                        .line
                        .saturating_add(u32::try_from(before).unwrap_or(u32::MAX)),
                    ..e
                }
            })?);
            before += lines;
        }
        let mut lines = vec![
            Line::field('v', "0"),
            Line::field('o', &self.origin),
            Line::field('s', &self.name),
        ];
        lines.extend(self.info.iter().map(|i| Line::field('i', i)));
        lines.extend(self.connection.iter().map(|c| Line::field('c', c)));
        lines.extend(self.bandwidths.iter().map(|b| Line::field('b', b)));
        lines.push(Line::field('t', &self.timing));
        lines.extend(self.attributes);
        Ok(SessionDescription::from_parts(lines, media))
    }
}

/// Records the first refused call: `index` is where its line would go.
fn refuse(
    error: &mut Option<(usize, u32, DiagnosticKind)>,
    index: usize,
    problem: Option<(u32, DiagnosticKind)>,
) {
    if error.is_none()
        && let Some((column, kind)) = problem
    {
        *error = Some((index, column, kind));
    }
}

fn diagnostic(line: usize, column: u32, kind: DiagnosticKind) -> ParseError {
    ParseError {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column,
        kind,
    }
}

/// Where the parser allows `T`: its [`registration`] when the name is registered (the parser
/// checks that table), else its own [`TypedAttribute::PLACEMENT`].
fn typed_placement<'t, T: TypedAttribute<'t>>() -> Placement {
    registration(T::NAME).map_or(T::PLACEMENT, |r| r.placement)
}

/// The strict-mode placement error of `a=<name>` at `level` (RFC 8859), at column 3.
fn placement_problem(
    name: &'static str,
    placement: Placement,
    level: Level,
) -> Option<(u32, DiagnosticKind)> {
    (!placement.allows(level)).then_some((3, DiagnosticKind::Placement { name, found: level }))
}

/// The strict-mode error of a raw `a=<name>[:<value>]` line at `level`: placement, then the
/// value grammar of a registered name, as the parser reports them (same value check and
/// column through [`attribute_diagnostic`]).
fn raw_problem(line: &Line<'_>, level: Level) -> Option<(u32, DiagnosticKind)> {
    let attr = line.attribute()?;
    registration(attr.name)
        .and_then(|r| placement_problem(r.name, r.placement, level))
        .or_else(|| {
            let known = lookup(attr.name)?;
            let (d, rejected) = attribute_diagnostic(0, line.text(), attr, known)?;
            rejected.then_some((d.column, d.kind))
        })
}

/// The strict-mode error of RTP payload type `pt` in `a=<name>:<pt> ...`: RTP payload types
/// are 0–127 (RFC 3550 §5.1, RFC 8866 §6.6); the type starts at column `4 + name`.
fn payload_type_problem(name: &'static str, pt: u8) -> Option<(u32, DiagnosticKind)> {
    (pt > 127).then(|| {
        (
            u32::try_from(name.len() + 4).unwrap_or(u32::MAX),
            DiagnosticKind::InvalidAttribute {
                name,
                error: ValueErrorKind::Invalid {
                    field: "payload-type",
                },
            },
        )
    })
}

/// Builds one media section; the `m=` format list is the formats added by
/// [`MediaBuilder::codec`] and [`MediaBuilder::format`], in call order. Lines are written in
/// the RFC 8866 §5 order (`m= c= b=`, then the attributes) whatever the call order.
///
/// ```
/// use floe_sdp::{Bandwidth, Connection, MediaBuilder, Mode, SessionDescription};
/// let c = Connection { nettype: "IN", addrtype: "IP4", address: "0.0.0.0", ttl: None, count: None };
/// let m = MediaBuilder::new("audio", 9, "RTP/AVP")
///     .codec(0, "PCMU", 8000, None)
///     .bandwidth(&Bandwidth { bwtype: "AS", bandwidth: 64 })
///     .connection(&c)
///     .build()?;
/// let text: Vec<String> = m.lines().iter().map(|l| l.text().to_owned()).collect();
/// assert_eq!(text, ["m=audio 9 RTP/AVP 0", "c=IN IP4 0.0.0.0", "b=AS:64", "a=rtpmap:0 PCMU/8000"]);
/// // RTP payload types are 0-127 (RFC 3550 §5.1): line 2 (the rtpmap), column 10.
/// let e = MediaBuilder::new("audio", 9, "RTP/AVP").codec(200, "X", 8000, None).build().unwrap_err();
/// assert_eq!((e.line, e.column), (2, 10));
/// # Ok::<(), floe_sdp::ParseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MediaBuilder {
    media: String,
    port: u16,
    proto: String,
    formats: Vec<String>,
    connections: Vec<String>,
    bandwidths: Vec<String>,
    attributes: Vec<Line<'static>>,
    /// The first refused call: index in `attributes`, column, what strict parsing reports.
    error: Option<(usize, u32, DiagnosticKind)>,
}

impl MediaBuilder {
    /// `m=<media> <port> <proto> ...`.
    #[must_use]
    pub fn new(media: &str, port: u16, proto: &str) -> Self {
        Self {
            media: media.into(),
            port,
            proto: proto.into(),
            formats: Vec::new(),
            connections: Vec::new(),
            bandwidths: Vec::new(),
            attributes: Vec::new(),
            error: None,
        }
    }

    /// Adds a non-RTP format (e.g. `webrtc-datachannel`).
    #[must_use]
    pub fn format(mut self, fmt: &str) -> Self {
        self.formats.push(fmt.into());
        self
    }

    /// `c=` (written after `m=`, before `b=`, RFC 8866 §5).
    #[must_use]
    pub fn connection(mut self, c: &Connection<'_>) -> Self {
        self.connections.push(c.to_string());
        self
    }

    /// `b=` (written after the `c=` lines, RFC 8866 §5).
    #[must_use]
    pub fn bandwidth(mut self, b: &Bandwidth<'_>) -> Self {
        self.bandwidths.push(b.to_string());
        self
    }

    /// A typed attribute. One whose [`TypedAttribute::PLACEMENT`] forbids media level (such
    /// as [`IceLite`], RFC 8839 §5.3) makes `build` fail with [`DiagnosticKind::Placement`].
    #[must_use]
    pub fn attribute<'t, T: TypedAttribute<'t>>(mut self, a: &T) -> Self {
        let problem = placement_problem(T::NAME, typed_placement::<T>(), Level::Media);
        refuse(&mut self.error, self.attributes.len(), problem);
        self.attributes.push(Line::typed(a));
        self
    }

    /// Any attribute, `a=<name>[:<value>]`. A registered name is checked like the parser
    /// does: a level its placement forbids or a value that fails its grammar makes `build`
    /// fail.
    #[must_use]
    pub fn raw_attribute(mut self, name: &str, value: Option<&str>) -> Self {
        let line = Line::attribute_line(name, value);
        let problem = raw_problem(&line, Level::Media);
        refuse(&mut self.error, self.attributes.len(), problem);
        self.attributes.push(line);
        self
    }

    /// Records an RTP payload type above 127 as the error of the next attribute line.
    fn check_payload_type(&mut self, name: &'static str, pt: u8) {
        let problem = payload_type_problem(name, pt);
        refuse(&mut self.error, self.attributes.len(), problem);
    }

    /// `a=mid` (RFC 5888 §4).
    #[must_use]
    pub fn mid(self, mid: &str) -> Self {
        self.attribute(&Mid(mid))
    }

    /// A direction attribute (RFC 8866 §6.7).
    #[must_use]
    pub fn direction(self, d: Direction) -> Self {
        self.raw_attribute(d.as_str(), None)
    }

    /// `a=ice-ufrag` and `a=ice-pwd` (RFC 8839 §5.4).
    #[must_use]
    pub fn ice_credentials(self, ufrag: &str, pwd: &str) -> Self {
        self.attribute(&IceUfrag(ufrag)).attribute(&IcePwd(pwd))
    }

    /// `a=fingerprint` from digest bytes, upper-case hex (RFC 8122 §5).
    #[must_use]
    pub fn fingerprint(self, hash: &str, digest: &[u8]) -> Self {
        let hex: Vec<String> = digest.iter().map(|b| format!("{b:02X}")).collect();
        let fingerprint = hex.join(":");
        self.attribute(&Fingerprint {
            hash,
            fingerprint: &fingerprint,
        })
    }

    /// `a=setup` (RFC 4145 §4).
    #[must_use]
    pub fn setup(self, s: Setup) -> Self {
        self.attribute(&s)
    }

    /// `a=rtcp-mux` (RFC 5761).
    #[must_use]
    pub fn rtcp_mux(self) -> Self {
        self.attribute(&RtcpMux)
    }

    /// An RTP codec: adds the payload type to `m=` and writes `a=rtpmap` (RFC 8866 §6.6). A
    /// payload type above 127 (RFC 3550 §5.1) makes `build` fail.
    #[must_use]
    pub fn codec(
        mut self,
        payload_type: u8,
        encoding: &str,
        clock_rate: u32,
        channels: Option<u16>,
    ) -> Self {
        self.check_payload_type(RtpMap::NAME, payload_type);
        self.formats.push(payload_type.to_string());
        self.attribute(&RtpMap {
            payload_type,
            encoding,
            clock_rate,
            channels,
        })
    }

    /// `a=fmtp` (RFC 8866 §6.15); a payload type above 127 makes `build` fail.
    #[must_use]
    pub fn fmtp(mut self, payload_type: u8, params: &str) -> Self {
        self.check_payload_type(Fmtp::NAME, payload_type);
        let format = payload_type.to_string();
        self.attribute(&Fmtp {
            format: &format,
            params,
        })
    }

    /// `a=rtcp-fb` (RFC 4585 §4.2); `None` payload type writes `*`; one above 127 makes
    /// `build` fail.
    #[must_use]
    pub fn rtcp_fb(
        mut self,
        payload_type: impl Into<Option<u8>>,
        feedback: &str,
        parameter: Option<&str>,
    ) -> Self {
        let payload_type = payload_type.into();
        if let Some(pt) = payload_type {
            self.check_payload_type(RtcpFb::NAME, pt);
        }
        self.attribute(&RtcpFb {
            payload_type,
            feedback,
            parameter,
        })
    }

    /// Lines the section has: `m=`, `c=`, `b=` and attributes.
    fn line_count(&self) -> usize {
        1 + self.connections.len() + self.bandwidths.len() + self.attributes.len()
    }

    /// The section.
    ///
    /// # Errors
    ///
    /// The [`ParseError`] strict parsing would report for the first refused call; its line is
    /// counted from the `m=` line (line 1).
    pub fn build(self) -> Result<MediaSection<'static>, ParseError> {
        if let Some((index, column, kind)) = self.error {
            let head = 1 + self.connections.len() + self.bandwidths.len();
            return Err(diagnostic(head + index + 1, column, kind));
        }
        let formats = self.formats.join(" ");
        let m = MediaLine {
            media: &self.media,
            port: self.port,
            port_count: None,
            proto: &self.proto,
            formats: Formats(&formats),
        };
        let mut lines = vec![Line::new(Cow::Owned(format!("m={m}")))];
        lines.extend(
            self.connections
                .iter()
                .map(|c| Line::field(Connection::TYPE, c)),
        );
        lines.extend(
            self.bandwidths
                .iter()
                .map(|b| Line::field(Bandwidth::TYPE, b)),
        );
        lines.extend(self.attributes);
        Ok(MediaSection::from_lines(lines))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::{Mode, parse};

    #[test]
    fn builds_data_channel_and_session_fields() {
        let origin = Origin {
            username: "-",
            session_id: 1,
            session_version: 2,
            nettype: "IN",
            addrtype: "IP4",
            address: "0.0.0.0",
        };
        let sdp = SdpBuilder::new(&origin)
            .session_name("")
            .information("call")
            .connection(&Connection {
                nettype: "IN",
                addrtype: "IP4",
                address: "0.0.0.0",
                ttl: None,
                count: None,
            })
            .bandwidth(&Bandwidth {
                bwtype: "AS",
                bandwidth: 100,
            })
            .ice_lite()
            .raw_attribute("msid-semantic", Some(" WMS"))
            .media(
                MediaBuilder::new("application", 9, "UDP/DTLS/SCTP")
                    .format("webrtc-datachannel")
                    .bandwidth(&Bandwidth {
                        bwtype: "TIAS",
                        bandwidth: 1,
                    })
                    .mid("d")
                    .attribute(&crate::SctpPort(5000)),
            )
            .build()
            .unwrap();
        let text = sdp.to_string();
        assert_eq!(
            text,
            "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\ni=call\r\nc=IN IP4 0.0.0.0\r\nb=AS:100\r\nt=0 0\r\na=ice-lite\r\n\
             a=msid-semantic: WMS\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nb=TIAS:1\r\na=mid:d\r\n\
             a=sctp-port:5000\r\n"
        );
        let back = parse(&text, Mode::Strict.into()).unwrap();
        assert!(back.warnings().is_empty(), "{:?}", back.warnings());
        assert_eq!(back.description(), &sdp);
    }

    fn origin() -> Origin<'static> {
        Origin {
            username: "-",
            session_id: 1,
            session_version: 1,
            nettype: "IN",
            addrtype: "IP4",
            address: "127.0.0.1",
        }
    }

    fn strict_round_trip(sdp: &SessionDescription<'_>) {
        let text = sdp.to_string();
        let back = parse(&text, Mode::Strict.into()).unwrap();
        assert!(back.warnings().is_empty(), "{:?}", back.warnings());
        assert_eq!(back.description(), sdp);
    }

    #[test]
    fn head_lines_follow_rfc_8866_order_whatever_the_call_order() {
        let c = Connection {
            nettype: "IN",
            addrtype: "IP4",
            address: "0.0.0.0",
            ttl: None,
            count: None,
        };
        let b = Bandwidth {
            bwtype: "AS",
            bandwidth: 64,
        };
        let sdp = SdpBuilder::new(&origin())
            .bandwidth(&b)
            .connection(&c)
            .information("i")
            .media(
                MediaBuilder::new("audio", 9, "RTP/AVP")
                    .codec(0, "PCMU", 8000, None)
                    .bandwidth(&b)
                    .connection(&c),
            )
            .build()
            .unwrap();
        let types: String = sdp.lines().filter_map(Line::line_type).collect();
        assert_eq!(types, "vosicbtmcba");
        strict_round_trip(&sdp);
    }

    #[test]
    fn attributes_at_a_forbidden_level_are_refused() {
        let e = SdpBuilder::new(&origin())
            .raw_attribute("x-ok", None)
            .attribute(&Mid("0"))
            .build()
            .unwrap_err();
        assert_eq!((e.line, e.column), (6, 3));
        assert_eq!(
            e.kind,
            DiagnosticKind::Placement {
                name: "mid",
                found: Level::Session
            }
        );
        // In a media section: the line number counts the session lines before it.
        let e = SdpBuilder::new(&origin())
            .media(MediaBuilder::new("audio", 9, "RTP/AVP").codec(0, "PCMU", 8000, None))
            .media(
                MediaBuilder::new("audio", 9, "RTP/AVP")
                    .attribute(&IceLite)
                    .codec(0, "PCMU", 8000, None),
            )
            .build()
            .unwrap_err();
        assert_eq!(
            (e.line, e.kind),
            (
                8,
                DiagnosticKind::Placement {
                    name: "ice-lite",
                    found: Level::Media
                }
            )
        );
        // Every registered name is placed, typed or not (RFC 8859 §5): an untyped media-level
        // attribute at session level, and a candidate there (RFC 8839 §5.1), are refused.
        for (builder, name) in [
            (
                SdpBuilder::new(&origin()).raw_attribute("imageattr", Some("120 send * recv *")),
                "imageattr",
            ),
            (
                SdpBuilder::new(&origin()).raw_attribute("ice-mismatch", None),
                "ice-mismatch",
            ),
        ] {
            assert_eq!(
                builder.build().unwrap_err().kind,
                DiagnosticKind::Placement {
                    name,
                    found: Level::Session
                }
            );
        }
        let c = crate::CandidateAttribute::parse_value("1 1 udp 1 192.0.2.1 9 typ host").unwrap();
        let e = SdpBuilder::new(&origin())
            .attribute(&c)
            .build()
            .unwrap_err();
        assert_eq!(
            e.kind,
            DiagnosticKind::Placement {
                name: "candidate",
                found: Level::Session
            }
        );
        // Raw attributes with a registered name are checked too: level, then value grammar.
        let e = MediaBuilder::new("audio", 9, "RTP/AVP")
            .raw_attribute("group", Some("BUNDLE 0"))
            .build()
            .unwrap_err();
        assert_eq!(e.line, 2);
        let e = SdpBuilder::new(&origin())
            .raw_attribute("ice-lite", None)
            .raw_attribute("setup", Some("sideways"))
            .build()
            .unwrap_err();
        assert_eq!((e.line, e.column), (6, 9));
        assert!(matches!(
            e.kind,
            DiagnosticKind::InvalidAttribute { name: "setup", .. }
        ));
        // What the parser would reject is what the builder refuses.
        let text = format!(
            "{}a=setup:sideways\r\n",
            SdpBuilder::new(&origin()).build().unwrap()
        );
        let parsed = parse(&text, Mode::Strict.into()).unwrap_err();
        assert_eq!((parsed.column, parsed.kind), (e.column, e.kind));
    }

    #[test]
    fn rtp_payload_types_above_127_are_refused() {
        let ok = MediaBuilder::new("video", 9, "RTP/AVPF")
            .codec(127, "VP8", 90000, None)
            .fmtp(127, "x=1")
            .rtcp_fb(127, "nack", None)
            .rtcp_fb(None, "ccm", Some("fir"));
        strict_round_trip(&SdpBuilder::new(&origin()).media(ok).build().unwrap());
        for m in [
            MediaBuilder::new("video", 9, "RTP/AVPF").codec(200, "VP8", 90000, None),
            MediaBuilder::new("video", 9, "RTP/AVPF").fmtp(128, "x=1"),
            MediaBuilder::new("video", 9, "RTP/AVPF").rtcp_fb(255, "nack", None),
        ] {
            let e = m.build().unwrap_err();
            assert_eq!(e.line, 2);
            assert!(matches!(
                e.kind,
                DiagnosticKind::InvalidAttribute {
                    error: ValueErrorKind::Invalid {
                        field: "payload-type"
                    },
                    ..
                }
            ));
        }
    }
}
