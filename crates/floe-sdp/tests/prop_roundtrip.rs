//! Property tests: built descriptions parse back equal; arbitrary text never panics; whatever
//! is accepted is written back byte for byte.

use core::net::{IpAddr, Ipv4Addr};

use floe_ice_candidate::{Candidate, CandidateBuilder, CandidateType, TcpType, Transport};
use floe_sdp::{
    CandidateAttribute, Direction, ExtMap, Fmtp, MediaBuilder, Mid, Mode, Origin, ParseOptions,
    Rid, RidDirection, RtpMap, SdpBuilder, SessionDescription, Setup, Simulcast, validate,
};
use proptest::prelude::*;

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9_.-]{0,11}"
}

fn ice_chars(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9+/]{{{min},{max}}}")).unwrap()
}

#[derive(Debug, Clone)]
struct Codec {
    pt: u8,
    name: String,
    rate: u32,
    channels: Option<u16>,
    fmtp: Option<String>,
}

fn codec() -> impl Strategy<Value = Codec> {
    (
        96u8..128,
        "[A-Za-z][A-Za-z0-9-]{0,9}",
        prop_oneof![Just(8000u32), Just(48000), Just(90000), 1u32..200_000],
        proptest::option::of(1u16..9),
        proptest::option::of("[a-z-]{1,10}=[0-9]{1,4}(;[a-z-]{1,10}=[0-9a-f]{1,6}){0,3}"),
    )
        .prop_map(|(pt, name, rate, channels, fmtp)| Codec {
            pt,
            name,
            rate,
            channels,
            fmtp,
        })
}

/// A candidate that strict mode accepts without a warning: RFC priority range, `raddr` exactly
/// on non-host candidates, `tcptype passive` on TCP, a routable documentation address.
fn candidate() -> impl Strategy<Value = Candidate<'static>> {
    (
        "[A-Za-z0-9+/]{1,32}",
        1u16..=2,
        any::<bool>(),
        1u32..=0x7fff_ffff,
        (any::<[u8; 2]>(), 1u16..),
        prop_oneof![
            Just(CandidateType::Host),
            Just(CandidateType::ServerReflexive),
            Just(CandidateType::Relayed)
        ],
        proptest::collection::vec(("x-[a-z]{1,6}", "[a-z0-9]{1,6}"), 0..3),
    )
        .prop_map(
            |(foundation, component, tcp, priority, ([a, b], port), kind, extensions)| {
                let ip = IpAddr::V4(Ipv4Addr::new(198, 51, a, b.max(1)));
                let mut c = CandidateBuilder::new(kind, ip, port)
                    .foundation(foundation)
                    .component(component)
                    .priority(priority);
                if tcp {
                    c = c.transport(Transport::Tcp).tcp_type(TcpType::Passive);
                }
                if kind != CandidateType::Host {
                    c = c.related(IpAddr::V4(Ipv4Addr::new(10, 0, a, b)), port);
                }
                for (name, value) in &extensions {
                    c = c.extension(name, value);
                }
                c.build().expect("a valid candidate")
            },
        )
}

#[derive(Debug, Clone)]
struct Media {
    kind: String,
    port: u16,
    codecs: Vec<Codec>,
    direction: Direction,
    ufrag: String,
    pwd: String,
    digest: Vec<u8>,
    extra: Vec<(String, Option<String>)>,
    candidates: Vec<Candidate<'static>>,
    /// Header extension URIs, numbered from 1.
    extmaps: Vec<String>,
    /// Send rids, announced in `a=simulcast` when there are any.
    rids: Vec<String>,
}

fn media() -> impl Strategy<Value = Media> {
    (
        prop_oneof![Just("audio".to_owned()), Just("video".to_owned()), token()],
        1u16..,
        proptest::collection::vec(codec(), 1..5),
        prop_oneof![
            Just(Direction::SendRecv),
            Just(Direction::SendOnly),
            Just(Direction::RecvOnly),
            Just(Direction::Inactive)
        ],
        ice_chars(4, 32),
        ice_chars(22, 40),
        proptest::collection::vec(any::<u8>(), 32),
        proptest::collection::vec(
            (
                "x-[a-z]{1,8}",
                proptest::option::of("([!-~][ -~]{0,18})?[!-~]"),
            ),
            0..4,
        ),
        proptest::collection::vec(candidate(), 0..4),
        proptest::collection::vec("urn:[a-z]{1,8}:[a-z0-9-]{1,12}", 0..5),
        proptest::collection::btree_set("[a-zA-Z0-9]{1,8}", 0..4),
    )
        .prop_map(
            |(
                kind,
                port,
                mut codecs,
                direction,
                ufrag,
                pwd,
                digest,
                extra,
                candidates,
                extmaps,
                rids,
            )| {
                codecs.sort_by_key(|c| c.pt);
                codecs.dedup_by_key(|c| c.pt);
                Media {
                    candidates,
                    extmaps,
                    rids: rids.into_iter().collect(),
                    kind,
                    port,
                    codecs,
                    direction,
                    ufrag,
                    pwd,
                    digest,
                    extra,
                }
            },
        )
}

fn build(
    session_id: u64,
    version: u64,
    name: &str,
    media: &[Media],
) -> SessionDescription<'static> {
    let origin = Origin {
        username: "-",
        session_id,
        session_version: version,
        nettype: "IN",
        addrtype: "IP4",
        address: "127.0.0.1",
    };
    let mids: Vec<String> = (0..media.len()).map(|i| i.to_string()).collect();
    let mid_refs: Vec<&str> = mids.iter().map(String::as_str).collect();
    let mut b = SdpBuilder::new(&origin)
        .session_name(name)
        .group("BUNDLE", &mid_refs);
    for (i, m) in media.iter().enumerate() {
        let mut mb = MediaBuilder::new(&m.kind, m.port, "UDP/TLS/RTP/SAVPF")
            .mid(&mids[i])
            .ice_credentials(&m.ufrag, &m.pwd)
            .fingerprint("sha-256", &m.digest)
            .setup(Setup::ActPass)
            .direction(m.direction)
            .rtcp_mux();
        for c in &m.codecs {
            mb = mb.codec(c.pt, &c.name, c.rate, c.channels);
            if let Some(f) = &c.fmtp {
                mb = mb.fmtp(c.pt, f);
            }
            mb = mb.rtcp_fb(c.pt, "nack", Some("pli"));
        }
        for (i, uri) in m.extmaps.iter().enumerate() {
            let id = u16::try_from(i + 1).expect("few extmaps");
            mb = mb.attribute(&ExtMap {
                id,
                direction: None,
                uri,
                attributes: None,
            });
        }
        for rid in &m.rids {
            mb = mb.attribute(&Rid {
                id: rid,
                direction: RidDirection::Send,
                params: None,
            });
        }
        if !m.rids.is_empty() {
            mb = mb.raw_attribute("simulcast", Some(&format!("send {}", m.rids.join(";"))));
        }
        for c in &m.candidates {
            mb = mb.attribute(&CandidateAttribute::from(c.clone()));
        }
        for (name, value) in &m.extra {
            mb = mb.raw_attribute(name, value.as_deref());
        }
        b = b.media(mb);
    }
    b.build()
        .expect("the builder accepts what the strategy generates")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Typed descriptions from the builder: canonical CRLF text that parses back equal, in
    /// strict mode, without warnings, valid, with the typed values intact.
    #[test]
    fn built_descriptions_parse_back_equal(
        session_id in any::<u64>(),
        version in any::<u64>(),
        name in "[ -~]{1,20}",
        media in proptest::collection::vec(media(), 0..4),
    ) {
        let name = name.trim().to_owned();
        let name = if name.is_empty() { "-".to_owned() } else { name };
        let sdp = build(session_id, version, &name, &media);
        let text = sdp.to_string();
        prop_assert!(!text.contains('\n') || text.split("\r\n").all(|l| !l.contains('\n')));
        let parsed = SessionDescription::parse_with(&text, Mode::Strict).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(parsed.warnings().is_empty(), "{:?}\n{}", parsed.warnings(), text);
        prop_assert_eq!(parsed.description(), &sdp);
        prop_assert_eq!(validate(&sdp), vec![]);
        prop_assert_eq!(sdp.origin().unwrap().unwrap().session_id, session_id);
        for (section, m) in sdp.media().iter().zip(&media) {
            let maps: Vec<RtpMap<'_>> = section.get_attributes::<RtpMap<'_>>().map(Result::unwrap).collect();
            prop_assert_eq!(maps.len(), m.codecs.len());
            for (r, c) in maps.iter().zip(&m.codecs) {
                prop_assert_eq!((r.payload_type, r.encoding, r.clock_rate, r.channels), (c.pt, c.name.as_str(), c.rate, c.channels));
            }
            let fmtps: Vec<Fmtp<'_>> = section.get_attributes::<Fmtp<'_>>().map(Result::unwrap).collect();
            prop_assert_eq!(fmtps.len(), m.codecs.iter().filter(|c| c.fmtp.is_some()).count());
            prop_assert_eq!(section.direction(), Some(m.direction));
            prop_assert!(section.get_attribute::<Mid<'_>>().unwrap().is_ok());
            let candidates: Vec<Candidate<'_>> = section
                .get_attributes::<CandidateAttribute<'_>>()
                .map(|c| c.unwrap().candidate)
                .collect();
            prop_assert_eq!(&candidates, &m.candidates);
            let uris: Vec<&str> = section.get_attributes::<ExtMap<'_>>().map(|e| e.unwrap().uri).collect();
            prop_assert_eq!(uris, m.extmaps.iter().map(String::as_str).collect::<Vec<_>>());
            let rids: Vec<&str> = section.get_attributes::<Rid<'_>>().map(|r| r.unwrap().id).collect();
            prop_assert_eq!(&rids, &m.rids.iter().map(String::as_str).collect::<Vec<_>>());
            if let Some(sim) = section.get_attribute::<Simulcast<'_>>() {
                let sim = sim.unwrap();
                let send: Vec<&str> = sim.send.iter().flat_map(|l| l.ids()).map(|id| id.rid).collect();
                prop_assert_eq!(send, rids);
            } else {
                prop_assert!(m.rids.is_empty());
            }
        }
    }

    /// Arbitrary text never panics in either mode, nor do the typed views or validation.
    #[test]
    fn arbitrary_text_never_panics(s in "(?s).{0,400}") {
        for mode in [Mode::Strict, Mode::Lenient] {
            if let Ok(p) = SessionDescription::parse_with(&s, mode) {
                prop_assert_eq!(p.description().to_string(), s.clone());
                let _ = validate(p.description());
                exercise(p.description());
            }
        }
        let prefixed = format!("v=0\n{s}");
        let p = SessionDescription::parse_with(&prefixed, Mode::Lenient).unwrap();
        prop_assert_eq!(p.description().to_string(), prefixed.clone());
        let eager = SessionDescription::parse_with(&prefixed, eager_lenient()).unwrap();
        prop_assert_eq!(p.warnings(), eager.warnings());
        let _ = validate(p.description());
        exercise(p.description());
    }

    /// Soups of SDP-looking lines with random endings: lenient mode accepts every one that
    /// starts with `v=`, and writes it back byte for byte.
    #[test]
    fn line_soups_round_trip(
        lines in proptest::collection::vec((line(), prop_oneof![Just("\r\n"), Just("\n"), Just("")]), 0..60),
        last_newline in any::<bool>(),
    ) {
        let mut s = String::from("v=0\r\n");
        for (l, end) in &lines {
            s.push_str(l);
            s.push_str(if end.is_empty() { "\r\n" } else { end });
        }
        if !last_newline {
            while s.ends_with('\n') || s.ends_with('\r') {
                s.pop();
            }
        }
        let p = SessionDescription::parse_with(&s, Mode::Lenient).unwrap();
        prop_assert_eq!(p.description().to_string(), s.clone());
        // Values checked on first read of the warnings == checked during the parse.
        let eager = SessionDescription::parse_with(&s, eager_lenient()).unwrap();
        prop_assert_eq!(p.warnings(), eager.warnings());
        // ... and with a warning limit low enough to cut the list.
        let capped = ParseOptions::new(Mode::Lenient).max_warnings(3);
        let lazy = SessionDescription::parse_with(&s, capped).unwrap();
        let eager = SessionDescription::parse_with(&s, capped.check_values(true)).unwrap();
        prop_assert_eq!(lazy.warnings(), eager.warnings());
        prop_assert!(lazy.warnings().len() <= 4);
        let owned = p.description().clone().into_owned();
        prop_assert_eq!(owned.to_string(), s.clone());
        let canonical = p.description().to_canonical_string();
        let again = SessionDescription::parse(&canonical).unwrap();
        prop_assert_eq!(again.to_canonical_string(), canonical);
        let _ = SessionDescription::parse_with(&s, Mode::Strict);
        let _ = validate(p.description());
        exercise(p.description());
    }
}

/// SDP-ish lines: known and unknown types and attributes, good and bad values.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("o=- 1 1 IN IP4 127.0.0.1".to_owned()),
        Just("s=-".to_owned()),
        Just("t=0 0".to_owned()),
        Just("c=IN IP4 0.0.0.0".to_owned()),
        Just("m=audio 9 UDP/TLS/RTP/SAVPF 111".to_owned()),
        Just("m=video 0 RTP/AVP".to_owned()),
        Just("a=rtcp-mux".to_owned()),
        Just("a=group:BUNDLE 0 1".to_owned()),
        Just("a=mid:0".to_owned()),
        Just("a=simulcast: send rid=1,4;2 paused=4".to_owned()),
        Just("a=candidate:1 1 udp 1 0.0.0.0 0 typ host".to_owned()),
        Just("".to_owned()),
        ("[a-z]", "[ -~]{0,40}").prop_map(|(t, v)| format!("{t}={v}")),
        (
            prop_oneof![
                Just("rtpmap"),
                Just("fmtp"),
                Just("rtcp-fb"),
                Just("extmap"),
                Just("ssrc"),
                Just("ssrc-group"),
                Just("msid"),
                Just("group"),
                Just("mid"),
                Just("fingerprint"),
                Just("setup"),
                Just("ice-ufrag"),
                Just("ice-pwd"),
                Just("ice-options"),
                Just("ice-lite"),
                Just("candidate"),
                Just("rid"),
                Just("simulcast"),
                Just("sctp-port"),
                Just("sctpmap"),
                Just("rtcp"),
                Just("ptime"),
                Just("crypto"),
                Just("x-unknown")
            ],
            proptest::option::of("[ -~]{0,60}"),
        )
            .prop_map(|(n, v)| match v {
                Some(v) => format!("a={n}:{v}"),
                None => format!("a={n}"),
            }),
        "[ -~\t\u{80}-\u{2FF}]{0,30}",
    ]
}

/// Calls every typed accessor (none may panic).
fn exercise(sdp: &SessionDescription<'_>) {
    let _ = (
        sdp.version(),
        sdp.origin(),
        sdp.session_name(),
        sdp.uri(),
        sdp.time_zones(),
        sdp.key(),
    );
    let _ = (
        sdp.timings().count(),
        sdp.repeats().count(),
        sdp.emails().count(),
        sdp.phones().count(),
    );
    let _ = (
        sdp.connection(),
        sdp.bandwidths().count(),
        sdp.information(),
    );
    for m in sdp.media() {
        let _ = (
            m.media_line(),
            m.mid(),
            m.direction(),
            m.connection(),
            m.bandwidths().count(),
        );
        for a in m.attributes() {
            let _ = floe_sdp::Attribute::split(a.name);
        }
        let _ = m.get_attributes::<RtpMap<'_>>().count();
        for s in m.get_attributes::<Simulcast<'_>>().flatten() {
            let _ = s.to_string();
        }
        for r in m.get_attributes::<Rid<'_>>().flatten() {
            let _ = r.restrictions().count() + r.payload_types().count();
        }
        let _ = m.get_attributes::<CandidateAttribute<'_>>().count();
        for f in m.get_attributes::<floe_sdp::Fingerprint<'_>>().flatten() {
            let _ = (f.bytes(), f.check_length());
        }
    }
}

/// Lenient, with attribute values checked during the parse instead of on first read.
fn eager_lenient() -> ParseOptions {
    ParseOptions::new(Mode::Lenient).check_values(true)
}
