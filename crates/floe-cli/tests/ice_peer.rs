//! `floe ice peer`: the signalling of `../shared/peers/README.md` between two of our own
//! processes on 127.0.0.1 (no script needed), and its failures: result line and exit code, never
//! a panic. The runs against aioice and coturn live in floe-interop.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const FLOE: &str = env!("CARGO_BIN_EXE_floe");

/// The last stdout line as JSON.
fn result(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stdout:?}"))
}

/// A fresh directory for one test's description files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("floe-ice-peer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a controlling and a controlled peer through description files in `dir`, both with
/// `extra` arguments; their outputs.
fn run_pair(dir: &std::path::Path, extra: &[&str]) -> (Output, Output) {
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    let extra: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
    let spawn = move |role: &str, local: &PathBuf, remote: &PathBuf| {
        Command::new(FLOE)
            .args(["ice", "peer", "--role", role, "--timeout", "10", "-v"])
            .arg("--local")
            .arg(local)
            .arg("--remote")
            .arg(remote)
            .args(&extra)
            .stdin(Stdio::null())
            .output()
    };
    let controlled = std::thread::spawn({
        let (a, b, spawn) = (a.clone(), b.clone(), spawn.clone());
        move || spawn("controlled", &b, &a).unwrap()
    });
    let controlling = spawn("controlling", &a, &b).unwrap();
    (controlling, controlled.join().unwrap())
}

/// Both outputs succeeded with their role and three echoes; their result lines.
fn both_passed(controlling: &Output, controlled: &Output) -> [Value; 2] {
    [(controlling, "controlling"), (controlled, "controlled")].map(|(out, role)| {
        let r = result(out);
        assert!(
            out.status.success(),
            "{r}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            (r["ok"].as_bool(), r["role"].as_str()),
            (Some(true), Some(role))
        );
        assert_eq!(r["datagrams_echoed"], 3);
        r
    })
}

#[test]
fn two_peers_connect_through_description_files_and_echo_the_pings() {
    let dir = scratch("files");
    let (controlling, controlled) = run_pair(&dir, &[]);
    let results = both_passed(&controlling, &controlled);
    for (r, out) in results.iter().zip([&controlling, &controlled]) {
        for end in ["local", "remote"] {
            let line = r["selected_pair"][end].as_str().unwrap();
            assert!(
                line.starts_with("candidate:") && line.contains(" 127.0.0.1 "),
                "{line}"
            );
        }
        // stdout carries only the result line in file mode.
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    }
    // The descriptions as the README has them, pretty-printed.
    let a = dir.join("a.json");
    let d: Value = serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    assert_eq!(d["role"], "controlling");
    assert_eq!(d["end_of_candidates"], true);
    assert!(d["ufrag"].as_str().unwrap().len() >= 4);
    assert!(d["pwd"].as_str().unwrap().len() >= 22);
    assert!(!dir.join("a.json.tmp").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `floe turn serve` on a free loopback port (alice:secret, loopback peers allowed), killed
/// when dropped.
struct TurnServe(std::process::Child, String);

impl TurnServe {
    fn start() -> Self {
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = Command::new(FLOE)
            .args(["turn", "serve", "--listen", &addr, "--user", "alice:secret"])
            .arg("--allow-loopback-peers")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Ready once it answers on TCP.
        for _ in 0..100 {
            if std::net::TcpStream::connect(&addr).is_ok() {
                break;
            }
            std::thread::sleep(core::time::Duration::from_millis(20));
        }
        Self(child, addr)
    }
}

impl Drop for TurnServe {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn relay_only_through_a_turn_server_reached_over_tcp() {
    // RFC 8656 §3.1: the agent's TURN client speaks over a TCP connection the peer program
    // opens when the agent asks; the relayed candidates stay UDP toward the other side.
    let server = TurnServe::start();
    let dir = scratch("tcp-turn");
    let extra = [
        "--turn",
        &server.1,
        "--turn-transport",
        "tcp",
        "--relay-only",
    ];
    let (controlling, controlled) = run_pair(&dir, &extra);
    for r in both_passed(&controlling, &controlled) {
        for end in ["local", "remote"] {
            let line = r["selected_pair"][end].as_str().unwrap();
            assert!(
                line.contains(" udp ") && line.contains("typ relay"),
                "{line}"
            );
        }
    }
    let stderr = String::from_utf8_lossy(&controlling.stderr);
    assert!(stderr.contains("ConnectTurnStream"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs a controlled peer in stdio mode with `input` on stdin.
fn stdio_with(input: &str) -> Output {
    stdio_with_args(input, &[])
}

/// Same, with `extra` arguments.
fn stdio_with_args(input: &str, extra: &[&str]) -> Output {
    let mut child = Command::new(FLOE)
        .args([
            "ice",
            "peer",
            "--role",
            "controlled",
            "--stdio",
            "--timeout",
            "3",
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_malformed_remote_description_is_a_failure_with_a_result_line() {
    for input in [
        "",
        "not json\n",
        "[]\n",
        "{\"ufrag\": 7}\n",
        "{\"ufrag\":\"abcd\",\"pwd\":\"0123456789012345678901\",\"candidates\":[\"nonsense\"]}\n",
        "{\"ufrag\":\"abcd\",\"pwd\":\"0123456789012345678901\",\"candidates\":[\"candidate:1 1 udp 1 203.0.113.1 9 typ host\"]}\n",
    ] {
        let out = stdio_with(input);
        assert_eq!(out.status.code(), Some(1), "{input:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        // The own description first, then the result.
        assert_eq!(stdout.lines().count(), 2, "{stdout}");
        let r = result(&out);
        assert_eq!(r["ok"], false);
        assert!(!r["error"].as_str().unwrap().is_empty());
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}

/// 22 ice-chars: the shortest ice-pwd.
const PWD: &str = "0123456789+/abcdefghij";

#[test]
fn given_credentials_are_the_ones_described() {
    let out = stdio_with_args("\n", &["--ufrag", "Floe+/ufrag", "--pwd", PWD]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let own: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(own["ufrag"], "Floe+/ufrag");
    assert_eq!(own["pwd"], PWD);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["--role", "controlling"][..],
        &["--role", "leader", "--stdio"],
        &["--role", "controlled", "--local", "x.json"],
        &["--role", "controlled", "--stdio", "--relay-only"],
        &["--role", "controlled", "--stdio", "--stun", "no-port"],
        &["--role", "controlled", "--stdio", "--timeout", "0"],
        &["--role", "controlled", "--stdio", "--ufrag", "abcd"],
        &[
            "--role",
            "controlled",
            "--stdio",
            "--ufrag",
            "abc",
            "--pwd",
            PWD,
        ],
        &[
            "--role",
            "controlled",
            "--stdio",
            "--ufrag",
            "ab d",
            "--pwd",
            PWD,
        ],
        &[
            "--role",
            "controlled",
            "--stdio",
            "--ufrag",
            "abcd",
            "--pwd",
            "too-short",
        ],
    ] {
        let out = Command::new(FLOE)
            .args(["ice", "peer"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn servers_off_loopback_are_refused() {
    let out = Command::new(FLOE)
        .args(["ice", "peer", "--role", "controlled", "--stdio"])
        .args(["--turn", "203.0.113.1:3478"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(result(&out)["error"].as_str().unwrap().contains("loopback"));
}

#[test]
fn host_addresses_are_named_with_host_and_must_be_loopback() {
    let out = stdio_with_args("\n", &["--host", "127.0.0.1", "--host", "::1"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let own: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    let candidates: Vec<&str> = own["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(candidates.len(), 2, "{candidates:?}");
    assert!(candidates[0].contains(" 127.0.0.1 ") || candidates[1].contains(" 127.0.0.1 "));
    assert!(
        candidates.iter().any(|c| c.contains(" ::1 ")),
        "{candidates:?}"
    );

    let out = stdio_with_args("", &["--host", "203.0.113.1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(result(&out)["error"].as_str().unwrap().contains("loopback"));
}

#[test]
fn lab_mode_refuses_to_run_outside_a_lab_namespace() {
    // Here (not inside a natlab.sh namespace) an interface has an address outside the lab
    // ranges, or none is in them, or `ip` is missing: each is a result line whose error starts
    // with "--lab:", exit 1, and nothing is sent.
    let out = Command::new(FLOE)
        .args(["ice", "peer", "--role", "controlled", "--stdio", "--lab"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r = result(&out);
    assert_eq!(r["ok"], false);
    assert!(r["error"].as_str().unwrap().starts_with("--lab:"), "{r}");
}
