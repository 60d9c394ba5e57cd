//! `floe stun decode` end to end: the RFC 5769 vectors (`floe_corpus::rfc5769`, as hex text)
//! through the real binary, checking the JSON output and the exit codes.

mod common;

use std::process::Output;

use floe_corpus::rfc5769::{
    LONG_TERM_PASSWORD, LONG_TERM_REALM, LONG_TERM_TRANSACTION_ID, LONG_TERM_USERNAME, PASSWORD,
    SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE, SAMPLE_LONG_TERM_REQUEST, SAMPLE_REQUEST,
    TRANSACTION_ID, USERNAME,
};
use serde_json::{Value, json};

fn floe(args: &[&str], stdin: Option<&str>) -> Output {
    common::run(args, stdin.unwrap_or_default().as_bytes())
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn sample_request_with_short_term_password() {
    let request = hex::encode(SAMPLE_REQUEST);
    let out = floe(
        &[
            "stun",
            "decode",
            "--json",
            "--password",
            PASSWORD,
            "--hex",
            &request,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json_lines(&out);
    assert_eq!(
        v,
        [json!({
            "method": "binding",
            "class": "request",
            "transaction_id": hex::encode(TRANSACTION_ID),
            "attributes": [
                { "type": 0x8022, "name": "software", "value": "STUN test client" },
                { "type": 0x0024, "name": "priority", "value": 0x6e00_01ff_u32 },
                // 64-bit: a string, so that readers with doubles do not round it.
                { "type": 0x8029, "name": "ice-controlled", "value": 0x932f_f9b1_5126_3b36_u64.to_string() },
                { "type": 0x0006, "name": "username", "value": USERNAME },
                { "type": 0x0008, "name": "message-integrity",
                  "value": "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" },
                { "type": 0x8028, "name": "fingerprint", "value": 0xe57a_3bcf_u32 },
            ],
            "integrity": "valid",
            "fingerprint": "valid",
        })]
    );
}

#[test]
fn responses_one_per_line_with_comments() {
    let input = format!(
        "# RFC 5769 2.2\n{}\n\n# 2.3\n{}\n",
        hex::encode(SAMPLE_IPV4_RESPONSE),
        hex::encode(SAMPLE_IPV6_RESPONSE)
    );
    let out = floe(
        &[
            "stun",
            "decode",
            "--json",
            "--lines",
            "--password",
            PASSWORD,
            "-",
        ],
        Some(&input),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_lines(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["class"], "success");
    assert_eq!(v[0]["attributes"][1]["name"], "xor-mapped-address");
    assert_eq!(v[0]["attributes"][1]["value"], "192.0.2.1:32853");
    assert_eq!(
        v[1]["attributes"][1]["value"],
        "[2001:db8:1234:5678:11:2233:4455:6677]:32853"
    );
    for m in &v {
        assert_eq!(
            (&m["integrity"], &m["fingerprint"]),
            (&json!("valid"), &json!("valid"))
        );
    }
}

#[test]
fn long_term_request_from_a_file_with_whitespace() {
    let dir = std::env::temp_dir().join(format!("floe-stun-decode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("2.4.hex");
    let spaced: String = hex::encode(SAMPLE_LONG_TERM_REQUEST)
        .as_bytes()
        .chunks(8)
        .map(|c| format!("{} \n", core::str::from_utf8(c).unwrap()))
        .collect();
    std::fs::write(&file, spaced).unwrap();
    let creds = format!("{LONG_TERM_USERNAME}:{LONG_TERM_REALM}:{LONG_TERM_PASSWORD}");
    let out = floe(
        &[
            "stun",
            "decode",
            "--json",
            "--long-term",
            &creds,
            file.to_str().unwrap(),
        ],
        None,
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = &json_lines(&out)[0];
    assert_eq!(v["transaction_id"], hex::encode(LONG_TERM_TRANSACTION_ID));
    assert_eq!(v["attributes"][0]["value"], LONG_TERM_USERNAME);
    assert_eq!(v["attributes"][2]["value"], LONG_TERM_REALM);
    assert_eq!(
        (&v["integrity"], &v["fingerprint"]),
        (&json!("valid"), &json!("absent"))
    );
}

#[test]
fn without_credentials_integrity_is_unchecked() {
    let request = hex::encode(SAMPLE_REQUEST);
    let out = floe(&["stun", "decode", "--json", "--hex", &request], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out)[0]["integrity"], "unchecked");
    let out = floe(&["stun", "decode", "--hex", &request], None);
    assert_eq!(out.status.code(), Some(0));
    let text = common::text(&out.stdout);
    assert!(text.contains("STUN binding request"), "{text}");
    assert!(text.contains(&format!("\"{USERNAME}\"")), "{text}");
}

#[test]
fn failed_checks_exit_1() {
    let out = floe(
        &[
            "stun",
            "decode",
            "--json",
            "--password",
            "wrong",
            "--hex",
            &hex::encode(SAMPLE_IPV4_RESPONSE),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out)[0]["integrity"], "invalid");

    let mut flipped = hex::encode(SAMPLE_REQUEST);
    flipped.replace_range(flipped.len() - 1.., "e");
    let out = floe(&["stun", "decode", "--json", "--hex", &flipped], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out)[0]["fingerprint"], "invalid");
}

#[test]
fn decode_errors_name_the_offset_and_exit_1() {
    // RFC 5769 2.1 without its last 8 bytes: the header length no longer matches.
    let truncated = hex::encode(&SAMPLE_REQUEST[..SAMPLE_REQUEST.len() - 8]);
    let out = floe(&["stun", "decode", "--hex", &truncated], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    // SOURCE:LINE:COLUMN: error:, the column at the byte the error names (offset 2: the
    // fifth hex digit).
    assert!(
        stderr.contains("offset 2") && stderr.starts_with("--hex:1:5: error: STUN: "),
        "{stderr}"
    );
    let out = floe(&["stun", "decode", "--hex", "00zz"], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    // FILE:LINE:COLUMN:, 1-based, the flag standing in for the file.
    assert!(
        stderr.contains("--hex:1:3: error: invalid hex character 'z'"),
        "{stderr}"
    );
    // A legacy RFC 3489 message is reported as such.
    let legacy = "0101000c4142434400000000000000000000000000010008000101020304";
    let out = floe(&["stun", "decode", "--hex", legacy], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("RFC 3489"));
}

#[test]
fn channel_data_frames() {
    let out = floe(
        &["stun", "decode", "--json", "--hex", "4001 0003 616263 00"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_lines(&out),
        [json!({ "channel": 0x4001, "rfc8656_range": true, "length": 3, "data": "616263" })]
    );
}

#[test]
fn rfc5766_channel_data_frames_decode_and_say_so() {
    // Issue 12: Chrome, coturn's clients and baresip use channels 0x5000-0x7FFF (RFC 5766 §11),
    // whose first bytes 0x50-0x7F are not ChannelData in RFC 7983's table. In a TURN dump they
    // are ChannelData, as Wireshark decodes them.
    for (hex, channel) in [("5703 0002 6869", 0x5703), ("7fff 0000", 0x7fff)] {
        let out = floe(&["stun", "decode", "--json", "--hex", hex], None);
        assert_eq!(out.status.code(), Some(0), "{hex}");
        assert_eq!(json_lines(&out)[0]["channel"], channel);
        assert_eq!(json_lines(&out)[0]["rfc8656_range"], false);
        let out = floe(&["stun", "decode", "--hex", hex], None);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("outside RFC 8656's 0x4000-0x4fff"), "{text}");
    }
    // 0x8000 and up is RTP/RTCP, never ChannelData.
    let out = floe(&["stun", "decode", "--hex", "8000 0000"], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let request = hex::encode(SAMPLE_REQUEST);
    assert_eq!(floe(&["stun", "decode"], None).status.code(), Some(2));
    let both = [
        "stun",
        "decode",
        "--password",
        "a",
        "--long-term",
        "u:r:p",
        "--hex",
        &request,
    ];
    assert_eq!(floe(&both, None).status.code(), Some(2));
    assert_eq!(
        floe(
            &["stun", "decode", "--long-term", "nocolon", "--hex", "00"],
            None
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        floe(&["stun", "decode", "/nonexistent/file.hex"], None)
            .status
            .code(),
        Some(2)
    );
    // Input without a message is invalid input (1), as in the other commands, not a usage
    // error.
    let out = floe(
        &["stun", "decode", "--lines", "-"],
        Some("# only a comment\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        common::text(&out.stderr),
        "<stdin>:1:1: error: no message in the input\n"
    );
}
