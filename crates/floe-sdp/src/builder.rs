//! Writing descriptions from code: canonical CRLF output in the RFC 8866 §5 order.

use std::borrow::Cow;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::attributes::{
    Direction, Fingerprint, Fmtp, Group, IceLite, IcePwd, IceUfrag, Mid, RtcpFb, RtcpMux, RtpMap,
    Setup, TypedAttribute,
};
use crate::description::{MediaSection, SessionDescription};
use crate::fields::{Bandwidth, Connection, FieldValue, Formats, MediaLine, Origin, Timing};
use crate::line::Line;

/// Builds a [`SessionDescription`]: `v=0`, `o=`, `s=`, optional `i= c= b=`, `t=`, session
/// attributes, then the media sections, every line ending in CRLF.
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
///     .build();
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
    media: Vec<MediaSection<'static>>,
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

    /// A typed session attribute.
    #[must_use]
    pub fn attribute<'t, T: TypedAttribute<'t>>(mut self, a: &T) -> Self {
        self.attributes.push(Line::typed(a));
        self
    }

    /// Any session attribute, `a=<name>[:<value>]`.
    #[must_use]
    pub fn raw_attribute(mut self, name: &str, value: Option<&str>) -> Self {
        self.attributes.push(Line::attribute_line(name, value));
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
        self.media.push(m.build());
        self
    }

    /// The description.
    #[must_use]
    pub fn build(self) -> SessionDescription<'static> {
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
        SessionDescription::from_parts(lines, self.media)
    }
}

/// Builds one media section; the `m=` format list is the payload types of the codecs added,
/// in order, followed by any [`MediaBuilder::format`].
#[derive(Debug, Clone)]
pub struct MediaBuilder {
    media: String,
    port: u16,
    proto: String,
    formats: Vec<String>,
    head: Vec<Line<'static>>,
    attributes: Vec<Line<'static>>,
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
            head: Vec::new(),
            attributes: Vec::new(),
        }
    }

    /// Adds a non-RTP format (e.g. `webrtc-datachannel`).
    #[must_use]
    pub fn format(mut self, fmt: &str) -> Self {
        self.formats.push(fmt.into());
        self
    }

    /// `c=`.
    #[must_use]
    pub fn connection(mut self, c: &Connection<'_>) -> Self {
        self.head
            .push(Line::field(Connection::TYPE, &c.to_string()));
        self
    }

    /// `b=`.
    #[must_use]
    pub fn bandwidth(mut self, b: &Bandwidth<'_>) -> Self {
        self.head.push(Line::field(Bandwidth::TYPE, &b.to_string()));
        self
    }

    /// A typed attribute.
    #[must_use]
    pub fn attribute<'t, T: TypedAttribute<'t>>(mut self, a: &T) -> Self {
        self.attributes.push(Line::typed(a));
        self
    }

    /// Any attribute, `a=<name>[:<value>]`.
    #[must_use]
    pub fn raw_attribute(mut self, name: &str, value: Option<&str>) -> Self {
        self.attributes.push(Line::attribute_line(name, value));
        self
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

    /// An RTP codec: adds the payload type to `m=` and writes `a=rtpmap` (RFC 8866 §6.6).
    #[must_use]
    pub fn codec(
        mut self,
        payload_type: u8,
        encoding: &str,
        clock_rate: u32,
        channels: Option<u16>,
    ) -> Self {
        self.formats.push(payload_type.to_string());
        self.attribute(&RtpMap {
            payload_type,
            encoding,
            clock_rate,
            channels,
        })
    }

    /// `a=fmtp` (RFC 8866 §6.15).
    #[must_use]
    pub fn fmtp(self, payload_type: u8, params: &str) -> Self {
        let format = payload_type.to_string();
        self.attribute(&Fmtp {
            format: &format,
            params,
        })
    }

    /// `a=rtcp-fb` (RFC 4585 §4.2); `None` payload type writes `*`.
    #[must_use]
    pub fn rtcp_fb(
        self,
        payload_type: impl Into<Option<u8>>,
        feedback: &str,
        parameter: Option<&str>,
    ) -> Self {
        self.attribute(&RtcpFb {
            payload_type: payload_type.into(),
            feedback,
            parameter,
        })
    }

    /// The section.
    #[must_use]
    pub fn build(self) -> MediaSection<'static> {
        let formats = self.formats.join(" ");
        let m = MediaLine {
            media: &self.media,
            port: self.port,
            port_count: None,
            proto: &self.proto,
            formats: Formats(&formats),
        };
        let mut lines = vec![Line::new(Cow::Owned(format!("m={m}")))];
        lines.extend(self.head);
        lines.extend(self.attributes);
        MediaSection::from_lines(lines)
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
            .build();
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
}
