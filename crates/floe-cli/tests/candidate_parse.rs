//! `floe candidate parse`: arguments and stdin, readable and JSON output, strict mode, exit
//! codes and `LINE:COLUMN: message` errors.

mod common;

use std::process::Output;

use common::text;

const SRFLX: &str = "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.5 rport 46154 generation 0 ufrag EsAw network-id 1 network-cost 10";
const LEGACY_TCP: &str = "a=candidate:1 1 TCP 1518283007 192.0.2.9 9 typ host";

fn floe(args: &[&str], stdin: Option<&str>) -> Output {
    floe_bytes(args, stdin.unwrap_or("").as_bytes())
}

fn floe_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut all = vec!["candidate", "parse"];
    all.extend_from_slice(args);
    common::run(&all, stdin)
}

#[test]
fn json_has_exactly_the_documented_fields() {
    let out = floe(&["--json", SRFLX], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    let expected = serde_json::json!({
        "foundation": "842163049", "component": 1, "transport": "udp", "priority": 1677729535u32,
        "address": "203.0.113.7", "port": 46154, "type": "srflx", "raddr": "10.0.0.5", "rport": 46154,
        "tcptype": null,
        "extensions": [["generation", "0"], ["ufrag", "EsAw"], ["network-id", "1"], ["network-cost", "10"]],
    });
    assert_eq!(v, expected);
}

#[test]
fn stdin_skips_blank_and_comment_lines_and_reports_line_numbers() {
    let input = format!(
        "# a comment\n\n{SRFLX}\n  # indented comment\n{LEGACY_TCP}\r\ncandidate:1 0 udp 1 192.0.2.1 9 typ host\n"
    );
    let out = floe(&["--json"], Some(&input));
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let second: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap()).unwrap();
    assert_eq!(second["transport"], "TCP");
    assert_eq!(second["tcptype"], serde_json::Value::Null);
    assert_eq!(second["raddr"], serde_json::Value::Null);
    assert_eq!(second["extensions"], serde_json::json!([]));
    // Line 6, column 13: the component id.
    assert_eq!(
        text(&out.stderr).trim(),
        "<stdin>:6:13: error: bad component-id: expected a number from 1 to 256"
    );
}

#[test]
fn strict_mode_rejects_what_lenient_mode_warns_about() {
    let lenient = floe(&[LEGACY_TCP], None);
    assert_eq!(lenient.status.code(), Some(0));
    let readable = text(&lenient.stdout);
    assert!(
        readable.starts_with("line 1: host TCP 192.0.2.9 port 9\n"),
        "{readable}"
    );
    assert!(
        readable.contains("warning     1:17: TCP candidate without tcptype"),
        "{readable}"
    );

    let strict = floe(&["--strict", LEGACY_TCP], None);
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(
        text(&strict.stderr).trim(),
        "<args>:1:17: error: not allowed in strict mode: TCP candidate without tcptype"
    );
}

#[test]
fn readable_output_shows_every_field() {
    let out = floe(&[SRFLX], None);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    for needle in [
        "line 1: srflx udp 203.0.113.7 port 46154",
        "foundation  842163049",
        "priority    1677729535 (type preference 100, local preference 30, component term 255)",
        "related     10.0.0.5 port 46154",
        "ufrag       EsAw",
        "network-cost 10",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in\n{s}");
    }
}

#[test]
fn arguments_are_numbered_in_order_and_all_errors_reported() {
    let out = floe(
        &[
            "candidate:1 1 udp 1 192.0.2.1 70000 typ host",
            SRFLX,
            "candidate:1 1 udp 1 x.x.x.x 9 typ host",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("<args>:1:31: error: bad port"), "{err}");
    assert!(
        err.contains("<args>:3:21: error: bad connection-address"),
        "{err}"
    );
    assert!(text(&out.stdout).contains("line 2: srflx"));
}

#[test]
fn usage_errors_exit_2() {
    let out = floe(&["--no-such-flag"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_line_that_is_not_utf8_is_an_invalid_line_and_the_others_are_parsed() {
    let input = [
        SRFLX.as_bytes(),
        b"\ncandidate:1 1 udp 1 caf\xe9 9 typ host\n",
        SRFLX.as_bytes(),
    ]
    .concat();
    let out = floe_bytes(&["--json"], &input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "<stdin>:2:24: error: invalid UTF-8\n");
    assert_eq!(text(&out.stdout).lines().count(), 2);
}

#[test]
fn unknown_transports_are_refused_unless_allowed() {
    let quic = "candidate:1 1 quic 2122260223 192.0.2.1 443 typ host";
    let out = floe(&[quic], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "<args>:1:15: error: bad transport: expected UDP or TCP\n"
    );
    let out = floe(&["--json", "--allow-unknown-transports", quic], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["transport"], "quic");
}
