//! `floe sdp check|fmt|json`: diagnostics format, exit codes, byte-identical fmt, JSON fields.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::text;

const OFFER: &str = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
a=group:BUNDLE 0 1\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n\
a=candidate:1 1 udp 2122260223 192.0.2.10 49203 typ host generation 0\r\n\
a=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlbO\r\na=ice-options:trickle\r\n\
a=fingerprint:sha-256 AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB\r\n\
a=setup:actpass\r\na=mid:0\r\na=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=sendrecv\r\n\
a=msid:s1 t1\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\na=ssrc:1001 cname:x\r\na=x-vendor:kept\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=recvonly\r\na=rtpmap:96 VP8/90000\r\n\
a=rid:h recv\r\na=rid:l recv\r\na=simulcast:recv h;~l\r\n";

fn floe(args: &[&str], stdin: Option<&str>) -> Output {
    let mut all = vec!["sdp"];
    all.extend_from_slice(args);
    common::run(&all, stdin.unwrap_or("").as_bytes())
}

/// A file in the temporary directory, removed when dropped (at the end of its test).
struct TempFile(PathBuf);

impl core::ops::Deref for TempFile {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `contents` in a file whose name ends with `name` (the process id keeps runs apart).
fn temp(name: &str, contents: impl AsRef<[u8]>) -> TempFile {
    let path = std::env::temp_dir().join(format!("floe-sdp-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    TempFile(path)
}

#[test]
fn check_clean_offer_exits_zero_in_both_modes() {
    let out = floe(&["check", "-"], Some(OFFER));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "");
    let out = floe(&["check", "--strict", "-"], Some(OFFER));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn check_prints_file_line_column_severity() {
    let lf = temp("lf.sdp", OFFER.replace("\r\n", "\n"));
    let bad = temp("bad.sdp", OFFER.replace("a=mid:1\r\n", "a=mid:0\r\n"));
    let lf_name = lf.to_str().unwrap();
    let bad_name = bad.to_str().unwrap();
    let out = floe(&["check", lf_name, bad_name], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "{lf_name}:1:4: warning: line ends in LF, not CRLF\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{bad_name}:5:18: error: group names a mid no media section has"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{bad_name}:30:7: error: mid already used")),
        "{stdout}"
    );
    // Strict mode turns a deviation into an error.
    let late = temp(
        "late.sdp",
        OFFER.replace(
            "t=0 0\r\na=group:BUNDLE 0 1\r\n",
            "a=group:BUNDLE 0 1\r\nt=0 0\r\n",
        ),
    );
    let out = floe(&["check", "--strict", late.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains(":5:1: error: t= line out of order"),
        "{}",
        text(&out.stdout)
    );
    let out = floe(&["check", late.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(":5:1: warning: t= line out of order"));
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(floe(&["check"], None).status.code(), Some(2));
    assert_eq!(
        floe(&["check", "/nonexistent/floe.sdp"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(floe(&["fmt", "--bogus", "x"], None).status.code(), Some(2));
    // The readable files are still checked.
    let bad = temp("usage-bad.sdp", "v=0\r\nx\r\n");
    let out = floe(
        &["check", "/nonexistent/floe.sdp", bad.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("usage-bad.sdp:2:1: warning:"));
}

#[test]
fn json_codecs_follow_the_format_list_with_static_payload_types() {
    let sip = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
               m=audio 49170 RTP/AVP 0 96 8\r\na=rtpmap:96 telephone-event/8000\r\n";
    let path = temp("sip.sdp", sip);
    let out = floe(&["json", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codecs = json["media"][0]["codecs"].as_array().unwrap();
    let names: Vec<(u64, &str, u64)> = codecs
        .iter()
        .map(|c| {
            (
                c["pt"].as_u64().unwrap(),
                c["name"].as_str().unwrap(),
                c["clock_rate"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (0, "PCMU", 8000),
            (96, "telephone-event", 8000),
            (8, "PCMA", 8000)
        ]
    );
}

#[test]
fn check_locates_invalid_utf8_and_goes_on() {
    let latin1 = temp(
        "latin1.sdp",
        b"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=caf\xe9\r\nt=0 0\r\n",
    );
    let good = temp("utf8-good.sdp", OFFER);
    let out = floe(
        &["check", latin1.to_str().unwrap(), good.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("latin1.sdp:3:6: error: invalid UTF-8"),
        "{stdout}"
    );
    assert!(!stdout.contains("utf8-good.sdp"), "{stdout}");
}

#[test]
fn fmt_is_byte_identical_and_canonical_rewrites() {
    let mixed = OFFER.replacen("\r\n", "\n", 3).trim_end().to_owned() + "  ";
    let out = floe(&["fmt", "-"], Some(&mixed));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), mixed);
    let out = floe(&["fmt", "--canonical", "-"], Some(&mixed));
    assert_eq!(text(&out.stdout), OFFER);
    let out = floe(&["fmt", "-"], Some("not sdp"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "<stdin>:1:1: error: the first line is not v=\n"
    );
}

#[test]
fn json_has_the_documented_fields() {
    let out = floe(&["json", "-"], Some(OFFER));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(text(&out.stdout)).unwrap();
    // A string: the id does not fit a double exactly.
    assert_eq!(v["origin"]["session_id"], "4611731400430051336");
    assert_eq!(v["origin"]["session_version"], "2");
    assert_eq!(v["session_name"], "-");
    assert_eq!(
        v["groups"],
        serde_json::json!([{ "semantics": "BUNDLE", "mids": ["0", "1"] }])
    );
    assert_eq!(v["ice_lite"], false);
    assert_eq!(v["fingerprints"][0]["hash"], "sha-256");
    let audio = &v["media"][0];
    assert_eq!(audio["kind"], "audio");
    assert_eq!(audio["port"], 9);
    assert_eq!(audio["protocol"], "UDP/TLS/RTP/SAVPF");
    assert_eq!(audio["formats"], serde_json::json!(["111", "0"]));
    assert_eq!(audio["mid"], "0");
    assert_eq!(audio["direction"], "sendrecv");
    assert_eq!(audio["ice_ufrag"], "4ZcD");
    assert_eq!(audio["ice_pwd"], "2/1muCWoOi3uLifh0NuRHlbO");
    assert_eq!(audio["setup"], "actpass");
    assert_eq!(
        audio["codecs"][0],
        serde_json::json!({
            "pt": 111, "name": "opus", "clock_rate": 48000, "channels": 2,
            "fmtp": "minptime=10;useinbandfec=1", "rtcp_fb": ["transport-cc"],
        })
    );
    assert_eq!(audio["codecs"][1]["fmtp"], serde_json::Value::Null);
    assert_eq!(
        audio["extmaps"][0]["uri"],
        "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    );
    assert_eq!(
        audio["ssrcs"][0],
        serde_json::json!({ "ssrc": 1001, "attribute": "cname", "value": "x" })
    );
    assert_eq!(
        audio["msid"],
        serde_json::json!({ "stream": "s1", "track": "t1" })
    );
    assert_eq!(audio["candidates"][0]["port"], 49203);
    assert_eq!(audio["candidates"][0]["type"], "host");
    let attrs = audio["attributes"].as_array().unwrap();
    assert_eq!(
        attrs.last().unwrap(),
        &serde_json::json!(["x-vendor", "kept"])
    );
    assert!(attrs.contains(&serde_json::json!(["rtcp-mux", null])));
    let video = &v["media"][1];
    assert_eq!(video["direction"], "recvonly");
    assert_eq!(video["rids"][0]["id"], "h");
    assert_eq!(
        video["simulcast"]["recv"],
        serde_json::json!([[{ "rid": "h", "paused": false }], [{ "rid": "l", "paused": true }]])
    );
    assert_eq!(video["simulcast"]["send"], serde_json::Value::Null);
}

#[test]
fn json_lists_each_codec_once_and_stays_linear() {
    // 3000 copies of one format and 3000 feedback lines for it: one codec, not 3000 codecs
    // each repeating the 3000 lines (that was 180 MB of JSON for this 66 KB input).
    let n = 3000;
    let mut sdp = String::from("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
    sdp.push_str("m=video 9 RTP/AVPF");
    sdp.push_str(&" 96".repeat(n));
    sdp.push_str(" 0 96 8\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:96 H264/90000\r\n");
    sdp.push_str("a=rtcp-fb:* ccm fir\r\n");
    sdp.push_str(&"a=rtcp-fb:96 nack\r\n".repeat(n));
    sdp.push_str("a=fmtp:96 x=1\r\na=fmtp:96 x=2\r\n");
    sdp.push_str(&"a=rtpmap:50 X/1000\r\n".repeat(n));
    sdp.push_str("a=rtcp-fb:* transport-cc\r\n");
    let out = floe(&["json", "-"], Some(&sdp));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        out.stdout.len() < 10 * sdp.len(),
        "{} bytes of JSON for {} bytes of SDP",
        out.stdout.len(),
        sdp.len()
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codecs = v["media"][0]["codecs"].as_array().unwrap();
    let pts: Vec<u64> = codecs.iter().map(|c| c["pt"].as_u64().unwrap()).collect();
    // Format order, first occurrence; then the rtpmap the m= line lacks, once.
    assert_eq!(pts, [96, 0, 8, 50]);
    let vp8 = &codecs[0];
    assert_eq!(vp8["name"], "VP8");
    assert_eq!(vp8["fmtp"], "x=1");
    let fb = vp8["rtcp_fb"].as_array().unwrap();
    assert_eq!(fb.len(), n + 2);
    assert_eq!(
        (&fb[0], &fb[1], &fb[n + 1]),
        (
            &serde_json::json!("ccm fir"),
            &serde_json::json!("nack"),
            &serde_json::json!("transport-cc")
        )
    );
    assert_eq!(
        codecs[1]["rtcp_fb"],
        serde_json::json!(["ccm fir", "transport-cc"])
    );
}

/// A description no stack accepts, though lenient parsing gets through it: three broken `m=`
/// lines (no port and protocol, a port out of range, no protocol) and a bad candidate.
const BROKEN: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
m=video\r\nm=audio 99999999 RTP/AVP 0\r\nm=audio 9\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=candidate:bad\r\n";

/// What `sdp fmt` and `sdp json` say on stderr about [`BROKEN`].
const UNUSABLE: &str = "<stdin>:5:8: error: m= line: missing port\n\
                        <stdin>:6:9: error: m= line: port out of range\n\
                        <stdin>:7:10: error: m= line: missing proto\n";

#[test]
fn fmt_prints_an_unusable_description_and_exits_1() {
    let out = floe(&["fmt", "-"], Some(BROKEN));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), BROKEN, "still byte for byte");
    assert_eq!(text(&out.stderr), UNUSABLE);
    // A usable one with warnings only exits 0.
    let out = floe(&["fmt", "-"], Some(&OFFER.replace("\r\n", "\n")));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn check_reports_unusable_descriptions_as_errors_in_every_mode() {
    let out = floe(&["check", "-"], Some(BROKEN));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stdout),
        "<stdin>:5:8: error: m= line: missing port\n\
         <stdin>:6:9: error: m= line: port out of range\n\
         <stdin>:7:10: error: m= line: missing proto\n\
         <stdin>:10:16: warning: a=candidate: invalid candidate component-id\n"
    );
    let out = floe(&["check", "--strict", "-"], Some(BROKEN));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "<stdin>:5:8: error: m= line: missing port\n"
    );
    // A missing o= line is as fatal; an unknown line type in the default mode is not.
    let no_origin = OFFER.replace("o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n", "");
    let out = floe(&["check", "-"], Some(&no_origin));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(": error: missing o= line"));
    let unknown = OFFER.replace("t=0 0\r\n", "t=0 0\r\ny=unknown\r\n");
    let out = floe(&["check", "-"], Some(&unknown));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(":5:1: warning: unknown line type y="));
}

#[test]
fn check_help_says_what_each_mode_lets_through() {
    let out = floe(&["check", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for needle in [
        "Errors in every mode",
        "m=video",
        "The default (lenient) mode lets through",
        "`--strict` lets through only",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn json_keeps_what_does_not_parse_with_its_error() {
    // The model is printed; the exit code and stderr say it is unusable, as sdp check does.
    let out = floe(&["json", "-"], Some(BROKEN));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), UNUSABLE);
    let v: serde_json::Value = serde_json::from_str(text(&out.stdout)).unwrap();
    let media = v["media"].as_array().unwrap();
    assert_eq!(media.len(), 4, "every m= section is kept");
    assert_eq!(
        media[0]["m_line_error"],
        serde_json::json!({
            "raw": "m=video", "line": 5, "column": 8, "error": "m= line: missing port",
        })
    );
    assert_eq!(media[0]["kind"], serde_json::Value::Null);
    assert_eq!(
        media[1]["m_line_error"]["raw"],
        "m=audio 99999999 RTP/AVP 0"
    );
    assert_eq!(media[2]["m_line_error"]["error"], "m= line: missing proto");
    assert_eq!(media[3]["m_line_error"], serde_json::Value::Null);
    assert_eq!(media[3]["kind"], "audio");
    // The bad candidate keeps its place, text and error: what `sdp check` says, same place.
    assert_eq!(
        media[3]["candidates"],
        serde_json::json!([{
            "raw": "a=candidate:bad", "line": 10, "column": 16,
            "error": "a=candidate: invalid candidate component-id",
        }])
    );
    let check = floe(&["check", "-"], Some(BROKEN));
    assert!(
        text(&check.stdout)
            .contains(":10:16: warning: a=candidate: invalid candidate component-id")
    );
    // The parse's diagnostics, with the severity `sdp check` gives them.
    assert_eq!(
        v["diagnostics"][0],
        serde_json::json!({
            "line": 5, "column": 8, "severity": "error", "message": "m= line: missing port",
        })
    );
    assert_eq!(v["diagnostics"][3]["severity"], "warning");
}

#[test]
fn json_has_connection_bandwidth_and_session_attributes() {
    let sdp = OFFER
        .replace("t=0 0\r\n", "c=IN IP4 192.0.2.1\r\nb=AS:2000\r\nt=0 0\r\n")
        .replace(
            "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n",
            "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\nb=TIAS:500000\r\nb=AS:x\r\n",
        );
    let out = floe(&["json", "-"], Some(&sdp));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(text(&out.stdout)).unwrap();
    assert_eq!(
        v["connection"],
        serde_json::json!({
            "nettype": "IN", "addrtype": "IP4", "address": "192.0.2.1", "ttl": null, "count": null,
        })
    );
    assert_eq!(
        v["bandwidths"],
        serde_json::json!([{ "type": "AS", "bandwidth": 2000 }])
    );
    assert_eq!(v["extmap_allow_mixed"], true);
    assert_eq!(
        v["msid_semantic"],
        serde_json::json!({ "semantic": "WMS", "ids": [] })
    );
    assert_eq!(
        v["attributes"],
        serde_json::json!([
            ["group", "BUNDLE 0 1"],
            ["extmap-allow-mixed", null],
            ["msid-semantic", " WMS"],
        ])
    );
    let video = &v["media"][1];
    assert_eq!(video["connection"]["address"], "0.0.0.0");
    assert_eq!(
        video["bandwidths"][0],
        serde_json::json!({ "type": "TIAS", "bandwidth": 500_000 })
    );
    // A b= line that does not parse is kept with its error.
    assert_eq!(video["bandwidths"][1]["raw"], "b=AS:x");
    assert_eq!(video["bandwidths"][1]["line"], 33);
    let error = video["bandwidths"][1]["error"].as_str().unwrap();
    let check = floe(&["check", "-"], Some(&sdp));
    let column = &video["bandwidths"][1]["column"];
    assert!(
        text(&check.stdout).contains(&format!("<stdin>:33:{column}: warning: {error}\n")),
        "{}",
        text(&check.stdout)
    );
}

#[test]
fn binary_input_is_invalid_input_in_every_sdp_command() {
    let binary: &[u8] = b"v=0\r\n\xff\xfe\x00binary";
    let file = temp("binary.sdp", binary);
    let name = file.to_str().unwrap();
    for command in ["check", "fmt", "json"] {
        let out = floe(&[command, name], None);
        assert_eq!(out.status.code(), Some(1), "sdp {command}");
        // check answers on stdout (its report), fmt and json on stderr.
        let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_eq!(
            said,
            format!("{name}:2:1: error: invalid UTF-8\n"),
            "sdp {command}"
        );
    }
}

#[test]
fn an_unusable_line_past_the_warning_cap_still_fails_the_check() {
    // 10 001 harmless warnings (the parser reports 10 000, then stops), then a broken m= line.
    let mut sdp = String::from("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
    sdp.push_str("m=audio 9 RTP/AVP 0\r\n");
    sdp.push_str(&"a=rtpmap:x\r\n".repeat(10_001));
    sdp.push_str("m=video\r\n");
    let broken_line = 5 + 10_001 + 1;
    let expected = format!("<stdin>:{broken_line}:8: error: m= line: missing port");
    let out = floe(&["check", "-"], Some(&sdp));
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("more than 10000 warnings"),
        "the cap is reported"
    );
    assert!(stdout.lines().any(|l| l == expected), "{expected}");
    let out = floe(&["json", "-"], Some(&sdp));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), format!("{expected}\n"));
}
