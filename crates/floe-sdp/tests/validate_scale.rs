//! `validate` is linear in the description: each payload-type line is one set lookup, each
//! BUNDLE group reads facts computed once per section. The inputs below have 100,000 to 200,000 lines
//! that a per-line scan of the `m=` format list, or a per-group scan of the tagged section,
//! turns into 4·10^10 steps (minutes); linear work finishes in well under a second. Speed
//! itself is measured by the criterion benches, not here.

use floe_sdp::{Mode, Rule, SessionDescription, validate};

const HEAD: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
const N: usize = 200_000;
/// For the inputs whose lines cost more to parse; still 10^10 steps when quadratic.
const M: usize = 100_000;

fn parse(text: &str) -> SessionDescription<'_> {
    SessionDescription::parse_with(text, Mode::Lenient)
        .unwrap()
        .into_description()
}

#[test]
fn many_formats_and_many_payload_type_lines() {
    // The payload type every line names is listed last: a scan walks the whole list.
    let mut s = String::with_capacity(N * 24);
    s.push_str(HEAD);
    s.push_str("m=video 9 UDP/TLS/RTP/SAVPF");
    s.push_str(&" 97".repeat(N));
    s.push_str(" 96\r\na=rtpmap:96 VP8/90000\r\n");
    for i in 0..N {
        s.push_str(match i % 4 {
            0 => "a=rtcp-fb:96 nack\r\n",
            1 => "a=fmtp:96 x=1\r\n",
            2 => "a=rtpmap:96 VP8/90000\r\n",
            _ => "a=rtcp-fb:96 ccm fir\r\n",
        });
    }
    // One line naming a format that is not listed is still found.
    s.push_str("a=rtcp-fb:98 nack\r\n");
    let sdp = parse(&s);
    let findings = validate(&sdp);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].rule,
        Rule::PayloadTypeNotInFormats {
            attribute: "rtcp-fb"
        }
    );
    assert_eq!(findings[0].line, u32::try_from(N + 7).unwrap());
}

#[test]
fn many_non_numeric_formats() {
    // Formats that are not payload types take the hash-set path.
    let mut s = String::with_capacity(M * 30);
    s.push_str(HEAD);
    s.push_str("m=application 9 UDP/DTLS/SCTP");
    for i in 0..M {
        s.push_str(&format!(" f{i}"));
    }
    s.push_str("\r\n");
    for i in (0..M).rev() {
        s.push_str(&format!("a=fmtp:f{i} x=1\r\n"));
    }
    s.push_str("a=fmtp:f-missing x=1\r\n");
    let sdp = parse(&s);
    let rules: Vec<Rule> = validate(&sdp).into_iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::PayloadTypeNotInFormats { attribute: "fmtp" }]);
}

#[test]
fn many_bundle_groups_tagging_a_section_with_many_attributes() {
    let mut s = String::with_capacity(N * 32);
    s.push_str(HEAD);
    for _ in 0..N {
        s.push_str("a=group:BUNDLE 0\r\n");
    }
    s.push_str("m=audio 0 RTP/AVP 0\r\na=mid:0\r\n");
    for _ in 0..N {
        s.push_str("a=x-filler:1\r\n");
    }
    s.push_str("a=bundle-only\r\n");
    let sdp = parse(&s);
    let findings = validate(&sdp);
    // Every group after the first repeats the mid (RFC 9143 §9), and every group's tag
    // section is bundle-only (RFC 9143 §7.2.1).
    let in_two = findings
        .iter()
        .filter(|f| f.rule == Rule::MidInTwoBundleGroups)
        .count();
    let tag = findings
        .iter()
        .filter(|f| f.rule == Rule::BundleTagNotUsable)
        .count();
    assert_eq!((in_two, tag), (N - 1, N));
    assert_eq!(findings.len(), 2 * N - 1);
}

#[test]
fn one_simulcast_line_with_many_rids() {
    let mut s = String::with_capacity(M * 24);
    s.push_str(HEAD);
    s.push_str("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n");
    for i in 0..M {
        s.push_str(&format!("a=rid:r{i} send\r\n"));
    }
    s.push_str("a=simulcast:send ");
    let ids: Vec<String> = (0..M).map(|i| format!("~r{i}")).collect();
    s.push_str(&ids.join(";"));
    s.push_str(";unknown\r\n");
    let sdp = parse(&s);
    let findings = validate(&sdp);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, Rule::SimulcastRidUnknown);
    // The column of `unknown`: after `a=simulcast:send ` and every `~rN;`.
    let before = "a=simulcast:send ".len() + ids.iter().map(|i| i.len() + 1).sum::<usize>();
    assert_eq!(findings[0].column, u32::try_from(before + 1).unwrap());
}
