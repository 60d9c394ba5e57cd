//! Bounded work on huge inputs: a million attributes in one section, ten-megabyte lines of
//! several kinds, 200,000 media sections in one BUNDLE group. These complete
//! (linear time, no recursion) and give correct results; speed itself is measured by the
//! criterion benches, not here.

use floe_sdp::{
    DEFAULT_MAX_WARNINGS, DiagnosticKind, Fmtp, Mode, ParseOptions, RtcpFb, Rule,
    SessionDescription, TypedAttribute, ValueErrorKind, validate,
};

const HEAD: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
const TEN_MB: usize = 10 * 1024 * 1024;

#[test]
fn a_million_attributes_in_one_section() {
    let mut s = String::with_capacity(20_000_000);
    s.push_str(HEAD);
    s.push_str("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n");
    for _ in 0..1_000_000 {
        s.push_str("a=rtcp-fb:96 nack\r\n");
    }
    let parsed = SessionDescription::parse_with(&s, Mode::Strict).unwrap();
    assert!(parsed.warnings().is_empty());
    let sdp = parsed.into_description();
    let video = &sdp.media()[0];
    assert_eq!(video.attributes().count(), 1_000_001);
    assert_eq!(
        video
            .get_attributes::<RtcpFb<'_>>()
            .filter(Result::is_ok)
            .count(),
        1_000_000
    );
    assert!(validate(&sdp).is_empty());
    assert_eq!(sdp.to_string(), s);
}

#[test]
fn many_media_sections_and_a_huge_group() {
    const N: usize = 200_000;
    let mut s = String::with_capacity(12_000_000);
    s.push_str(HEAD);
    s.push_str("a=group:BUNDLE");
    for i in 0..N {
        s.push_str(&format!(" m{i}"));
    }
    s.push_str("\r\n");
    for i in 0..N {
        s.push_str(&format!("m=audio 9 RTP/AVP 0\r\na=mid:m{i}\r\n"));
    }
    let sdp = SessionDescription::parse_with(&s, Mode::Strict)
        .unwrap()
        .into_description();
    assert_eq!(sdp.media().len(), N);
    assert!(validate(&sdp).is_empty());
    assert_eq!(sdp.to_string().len(), s.len());
}

#[test]
fn ten_megabyte_lines() {
    // An unknown attribute, kept byte for byte.
    let big = format!("{HEAD}a=x-big:{}\r\n", "A".repeat(TEN_MB));
    let sdp = SessionDescription::parse_with(&big, Mode::Strict)
        .unwrap()
        .into_description();
    assert_eq!(sdp.attribute_value("x-big").unwrap().unwrap().len(), TEN_MB);
    assert_eq!(sdp.to_string(), big);

    // A known attribute with a huge parameter list: parsed and checked in one pass.
    let params = "x=1;".repeat(TEN_MB / 4);
    let fmtp = format!("{HEAD}m=video 9 RTP/AVP 96\r\na=fmtp:96 {params}\r\n");
    let sdp = SessionDescription::parse_with(&fmtp, Mode::Strict)
        .unwrap()
        .into_description();
    let f = sdp.media()[0].get_attribute::<Fmtp<'_>>().unwrap().unwrap();
    assert_eq!(f.parameters().count(), TEN_MB / 4);

    // A huge m= format list and a huge group line.
    let formats = " 96".repeat(TEN_MB / 3);
    let m = format!("{HEAD}m=video 9 RTP/AVP{formats}\r\n");
    let sdp = SessionDescription::parse_with(&m, Mode::Strict)
        .unwrap()
        .into_description();
    assert_eq!(
        sdp.media()[0]
            .media_line()
            .unwrap()
            .unwrap()
            .formats
            .iter()
            .count(),
        TEN_MB / 3
    );

    // A huge malformed known attribute: reported at the right column, kept, not dropped.
    let bad = format!(
        "{HEAD}m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/{}\r\n",
        "9".repeat(TEN_MB)
    );
    let err = SessionDescription::parse_with(&bad, Mode::Strict).unwrap_err();
    assert_eq!((err.line, err.column), (6, 17));
    assert!(matches!(
        err.kind,
        DiagnosticKind::InvalidAttribute {
            name: "rtpmap",
            error: ValueErrorKind::OutOfRange {
                field: "clock-rate"
            }
        }
    ));
    let lenient = SessionDescription::parse(&bad).unwrap();
    assert_eq!(lenient.to_string(), bad);

    // A huge candidate and a huge simulcast list.
    let cand = format!(
        "{HEAD}m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 192.0.2.1 9 typ host{}\r\n",
        " x y".repeat(TEN_MB / 4)
    );
    let sdp = SessionDescription::parse(&cand).unwrap();
    assert_eq!(sdp.to_string(), cand);
    let rids: Vec<String> = (0..500_000).map(|i| format!("r{i}")).collect();
    let sim = format!(
        "{HEAD}m=video 9 RTP/AVP 96\r\na=simulcast:send {}\r\n",
        rids.join(";")
    );
    let sdp = SessionDescription::parse(&sim).unwrap();
    let findings = validate(&sdp);
    assert_eq!(findings.len(), 500_000);
    assert!(findings.iter().all(|f| f.rule == Rule::SimulcastRidUnknown));

    // A ten-megabyte line of garbage and one of spaces.
    let garbage = format!("v=0\r\n{}\r\n", "\u{1F600}".repeat(TEN_MB / 4));
    assert_eq!(
        SessionDescription::parse(&garbage).unwrap().to_string(),
        garbage
    );
    let spaces = format!("{HEAD}a=x:{}", " ".repeat(TEN_MB));
    let p = SessionDescription::parse_with(&spaces, Mode::Lenient).unwrap();
    assert!(
        p.warnings()
            .iter()
            .any(|w| w.kind == DiagnosticKind::TrailingWhitespace)
    );
    assert_eq!(RtcpFb::NAME, "rtcp-fb");
}

#[test]
fn a_million_deviations_keep_a_bounded_warning_list() {
    // One warning per line (unknown line type, then a bad rtpmap value), a million lines.
    let mut s = String::from(HEAD);
    s.push_str("m=audio 9 RTP/AVP 0\r\n");
    for _ in 0..500_000 {
        s.push_str("f=x\r\na=rtpmap:0 x\r\n");
    }
    for options in [
        ParseOptions::new(Mode::Lenient),
        ParseOptions::new(Mode::Lenient).check_values(true),
    ] {
        let p = SessionDescription::parse_with(&s, options).unwrap();
        let w = p.warnings();
        assert_eq!(w.len(), DEFAULT_MAX_WARNINGS + 1);
        assert_eq!(
            w[DEFAULT_MAX_WARNINGS].kind,
            DiagnosticKind::TooManyWarnings {
                limit: DEFAULT_MAX_WARNINGS
            }
        );
        assert_eq!(p.description().to_string(), s);
    }
}
