//! Structure-aware SDP: descriptions assembled from `arbitrary` lines chosen from the SDP
//! grammar (RFC 8866 §5 line types in order, WebRTC attribute names with plausible values,
//! m-sections), then parsed strict and lenient with `sdp_parse`'s properties. Since every
//! description starts with `v=`, lenient mode must accept it and write it back byte for byte;
//! what strict mode accepts, lenient mode reads as the same description.
#![no_main]

use std::fmt::Write as _;
use std::net::IpAddr;

use arbitrary::Arbitrary;
use floe_sdp::{Mode, SessionDescription};
use libfuzzer_sys::fuzz_target;

/// A token: the characters of the arbitrary text that SDP tokens allow, or `x`.
#[derive(Arbitrary, Debug)]
struct Tok<'a>(&'a str);

impl std::fmt::Display for Tok<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t: String = self
            .0
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-_.+/=".contains(*c))
            .take(32)
            .collect();
        f.write_str(if t.is_empty() { "x" } else { &t })
    }
}

/// Free text on one line (no CR or LF), as `i=`, `s=` or an unknown attribute may carry.
#[derive(Arbitrary, Debug)]
struct Text<'a>(&'a str);

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0
            .chars()
            .filter(|c| !matches!(c, '\r' | '\n'))
            .take(64)
            .try_for_each(|c| f.write_char(c))
    }
}

#[derive(Arbitrary, Debug)]
enum Session<'a> {
    Info(Text<'a>),
    Uri(Tok<'a>),
    Email(Tok<'a>),
    Phone(Tok<'a>),
    Connection(IpAddr),
    Bandwidth(bool, u32),
}

impl Session<'_> {
    /// The place of the line type in the session part (RFC 8866 §5).
    fn rank(&self) -> u8 {
        match self {
            Self::Info(_) => 0,
            Self::Uri(_) => 1,
            Self::Email(_) => 2,
            Self::Phone(_) => 3,
            Self::Connection(_) => 4,
            Self::Bandwidth(..) => 5,
        }
    }

    fn write(&self, out: &mut String, nl: &str) {
        let _ = match self {
            Self::Info(t) => write!(out, "i={t}{nl}"),
            Self::Uri(t) => write!(out, "u=https://{t}{nl}"),
            Self::Email(t) => write!(out, "e={t}@example.org{nl}"),
            Self::Phone(t) => write!(out, "p=+1 {t}{nl}"),
            Self::Connection(ip) => write!(out, "c={}{nl}", conn(ip)),
            Self::Bandwidth(tias, n) => {
                write!(out, "b={}:{n}{nl}", if *tias { "TIAS" } else { "AS" })
            }
        };
    }
}

fn conn(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V4(a) => format!("IN IP4 {a}"),
        IpAddr::V6(a) => format!("IN IP6 {a}"),
    }
}

#[derive(Arbitrary, Debug)]
enum Attr<'a> {
    Flag(u8),
    Rtpmap {
        pt: u8,
        codec: u8,
        channels: Option<u8>,
    },
    Fmtp {
        pt: u8,
        params: Vec<(Tok<'a>, u16)>,
    },
    RtcpFb {
        pt: u8,
        kind: u8,
    },
    Candidate {
        foundation: Tok<'a>,
        component: u8,
        priority: u32,
        ip: IpAddr,
        port: u16,
        typ: u8,
        related: Option<(IpAddr, u16)>,
    },
    Ufrag(Tok<'a>),
    Pwd(Tok<'a>),
    Fingerprint([u8; 32]),
    Setup(u8),
    Mid(Tok<'a>),
    Group(Vec<Tok<'a>>),
    Extmap(u8, u8),
    Msid(Tok<'a>, Tok<'a>),
    Ssrc(u32, Tok<'a>),
    SsrcGroup(u32, u32),
    Rid(Tok<'a>, bool),
    Simulcast(Vec<Tok<'a>>),
    SctpPort(u16),
    MaxMessageSize(u32),
    Other(Tok<'a>, Option<Text<'a>>),
}

const FLAGS: &[&str] = &[
    "sendrecv",
    "sendonly",
    "recvonly",
    "inactive",
    "rtcp-mux",
    "rtcp-rsize",
    "ice-lite",
    "end-of-candidates",
    "extmap-allow-mixed",
    "bundle-only",
    "rtcp-mux-only",
];
const CODECS: &[&str] = &[
    "opus/48000",
    "VP8/90000",
    "VP9/90000",
    "H264/90000",
    "rtx/90000",
    "red/90000",
    "PCMU/8000",
    "telephone-event/8000",
];
const FEEDBACK: &[&str] = &["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"];
const TYPES: &[&str] = &["host", "srflx", "prflx", "relay"];
const SETUP: &[&str] = &["actpass", "active", "passive", "holdconn"];
const EXTMAPS: &[&str] = &[
    "urn:ietf:params:rtp-hdrext:sdes:mid",
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
];

fn pick<'s>(list: &[&'s str], i: u8) -> &'s str {
    list[usize::from(i) % list.len()]
}

impl Attr<'_> {
    fn write(&self, out: &mut String, nl: &str) {
        out.push_str("a=");
        let _ = match self {
            Self::Flag(i) => write!(out, "{}", pick(FLAGS, *i)),
            Self::Rtpmap {
                pt,
                codec,
                channels,
            } => {
                let _ = write!(out, "rtpmap:{} {}", pt % 128, pick(CODECS, *codec));
                channels.map_or(Ok(()), |c| write!(out, "/{c}"))
            }
            Self::Fmtp { pt, params } => {
                let _ = write!(out, "fmtp:{} ", pt % 128);
                params
                    .iter()
                    .take(6)
                    .enumerate()
                    .try_for_each(|(i, (k, v))| {
                        write!(out, "{}{k}={v}", if i == 0 { "" } else { ";" })
                    })
            }
            Self::RtcpFb { pt, kind } => {
                write!(out, "rtcp-fb:{} {}", pt % 128, pick(FEEDBACK, *kind))
            }
            Self::Candidate {
                foundation,
                component,
                priority,
                ip,
                port,
                typ,
                related,
            } => {
                let _ = write!(
                    out,
                    "candidate:{foundation} {} udp {priority} {ip} {port} typ {}",
                    component % 3,
                    pick(TYPES, *typ)
                );
                related.map_or(Ok(()), |(a, p)| write!(out, " raddr {a} rport {p}"))
            }
            Self::Ufrag(t) => write!(out, "ice-ufrag:{t}"),
            Self::Pwd(t) => write!(out, "ice-pwd:{t}{t}{t}"),
            Self::Fingerprint(h) => {
                out.push_str("fingerprint:sha-256 ");
                let hex: Vec<String> = h.iter().map(|b| format!("{b:02X}")).collect();
                write!(out, "{}", hex.join(":"))
            }
            Self::Setup(i) => write!(out, "setup:{}", pick(SETUP, *i)),
            Self::Mid(t) => write!(out, "mid:{t}"),
            Self::Group(mids) => {
                out.push_str("group:BUNDLE");
                mids.iter().take(8).try_for_each(|m| write!(out, " {m}"))
            }
            Self::Extmap(id, uri) => write!(out, "extmap:{} {}", id % 16, pick(EXTMAPS, *uri)),
            Self::Msid(a, b) => write!(out, "msid:{a} {b}"),
            Self::Ssrc(n, cname) => write!(out, "ssrc:{n} cname:{cname}"),
            Self::SsrcGroup(a, b) => write!(out, "ssrc-group:FID {a} {b}"),
            Self::Rid(id, send) => write!(out, "rid:{id} {}", if *send { "send" } else { "recv" }),
            Self::Simulcast(ids) => {
                out.push_str("simulcast:send ");
                let ids: Vec<String> = ids.iter().take(4).map(ToString::to_string).collect();
                write!(
                    out,
                    "{}",
                    if ids.is_empty() {
                        "x".to_owned()
                    } else {
                        ids.join(";")
                    }
                )
            }
            Self::SctpPort(p) => write!(out, "sctp-port:{p}"),
            Self::MaxMessageSize(n) => write!(out, "max-message-size:{n}"),
            Self::Other(name, value) => match value {
                Some(v) => write!(out, "{name}:{v}"),
                None => write!(out, "{name}"),
            },
        };
        out.push_str(nl);
    }
}

#[derive(Arbitrary, Debug)]
struct Media<'a> {
    kind: u8,
    port: u16,
    proto: u8,
    formats: Vec<u8>,
    info: Option<Text<'a>>,
    connection: Option<IpAddr>,
    bandwidth: Option<u32>,
    attrs: Vec<Attr<'a>>,
}

const KINDS: &[&str] = &["audio", "video", "application", "text", "message"];
const PROTOS: &[&str] = &[
    "UDP/TLS/RTP/SAVPF",
    "RTP/AVP",
    "RTP/SAVPF",
    "UDP/DTLS/SCTP",
    "TCP/DTLS/SCTP",
];

impl Media<'_> {
    fn write(&self, out: &mut String, nl: &str) {
        let proto = pick(PROTOS, self.proto);
        let _ = write!(out, "m={} {} {proto}", pick(KINDS, self.kind), self.port);
        if proto.ends_with("SCTP") {
            out.push_str(" webrtc-datachannel");
        } else if self.formats.is_empty() {
            out.push_str(" 0");
        }
        for f in self
            .formats
            .iter()
            .take(8)
            .filter(|_| !proto.ends_with("SCTP"))
        {
            let _ = write!(out, " {}", f % 128);
        }
        out.push_str(nl);
        if let Some(i) = &self.info {
            let _ = write!(out, "i={i}{nl}");
        }
        if let Some(c) = &self.connection {
            let _ = write!(out, "c={}{nl}", conn(c));
        }
        if let Some(b) = self.bandwidth {
            let _ = write!(out, "b=AS:{b}{nl}");
        }
        self.attrs.iter().take(24).for_each(|a| a.write(out, nl));
    }
}

#[derive(Arbitrary, Debug)]
struct Description<'a> {
    lf_only: bool,
    session_id: u64,
    version: u32,
    origin: IpAddr,
    name: Text<'a>,
    extras: Vec<Session<'a>>,
    timing: (u32, u32),
    attrs: Vec<Attr<'a>>,
    media: Vec<Media<'a>>,
}

impl Description<'_> {
    fn write(&self) -> String {
        let nl = if self.lf_only { "\n" } else { "\r\n" };
        let mut out = String::new();
        let _ = write!(
            out,
            "v=0{nl}o=- {} {} {}{nl}",
            self.session_id,
            self.version,
            conn(&self.origin)
        );
        let _ = write!(out, "s={}{nl}", self.name);
        let mut extras: Vec<&Session<'_>> = self.extras.iter().take(8).collect();
        extras.sort_by_key(|s| s.rank());
        extras.iter().for_each(|s| s.write(&mut out, nl));
        let _ = write!(out, "t={} {}{nl}", self.timing.0, self.timing.1);
        self.attrs
            .iter()
            .take(24)
            .for_each(|a| a.write(&mut out, nl));
        self.media
            .iter()
            .take(8)
            .for_each(|m| m.write(&mut out, nl));
        out
    }
}

fuzz_target!(|d: Description<'_>| {
    let text = d.write();
    let strict = SessionDescription::parse_with(&text, Mode::Strict);
    let lenient = SessionDescription::parse_with(&text, Mode::Lenient).expect("starts with v=");
    assert_eq!(lenient.description().to_string(), text);
    if let Ok(strict) = strict {
        assert_eq!(strict.description(), lenient.description());
    }
});
