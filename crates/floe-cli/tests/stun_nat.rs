//! `floe stun ping` and `floe stun nat` against `floe stun serve` on loopback: no NAT between
//! them, so the verdict is "open internet"; a server without RFC 5780 gives exit status 3, a
//! silent one 4.

mod common;

use core::net::SocketAddr;
use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};

use common::{run, text};
use serde_json::Value;

/// A `floe stun serve`, killed on drop.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `floe stun serve` with `extra` arguments and returns it with its primary address.
fn serve(extra: &[&str]) -> (Serve, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(["stun", "serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    // Keep the pipe drained so the server never blocks on it.
    std::thread::spawn(move || for _ in stderr.lines() {});
    (Serve(child), addr)
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(text(&out.stdout).trim())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", text(&out.stdout), text(&out.stderr)))
}

#[test]
fn nat_against_an_rfc5780_server_on_loopback_is_open_internet() {
    let (_s, addr) = serve(&["--other-address", "127.0.0.2:0"]);
    let out = run(&["stun", "nat", &addr.to_string(), "--json"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(v["mapping"], "no-nat");
    assert_eq!(v["filtering"], "endpoint-independent");
    assert_eq!(v["nat_type"], "open internet");
    assert_eq!(v["hairpinning"], "supported");
    assert_eq!(v["port_preserved"], true);
    assert_eq!(v["server_lacks_rfc5780"], false);
    assert_eq!(v["mapped"], v["local"]);
    let tests: Vec<&str> = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["test"].as_str().unwrap())
        .collect();
    for t in [
        "mapping test I",
        "mapping test II",
        "filtering test II",
        "filtering test III",
    ] {
        assert!(tests.contains(&t), "{t} missing: {tests:?}");
    }
    let f2 = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["test"] == "filtering test II")
        .unwrap();
    assert_eq!(f2["outcome"], "answered");
    assert!(f2["from"].as_str().unwrap().starts_with("127.0.0.2:"));
    assert!(v["elapsed_s"].as_f64().unwrap() < 2.0);

    // The readable form, with the evidence.
    let out = run(
        &[
            "stun",
            "nat",
            &addr.to_string(),
            "-v",
            "--local",
            "127.0.0.1:0",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    let t = text(&out.stdout);
    assert!(t.contains("NAT type    open internet"), "{t}");
    assert!(t.contains("filtering test II: filtering socket"), "{t}");
}

#[test]
fn nat_against_a_plain_server_exits_3_with_the_mapping() {
    let (_s, addr) = serve(&[]);
    let out = run(&["stun", "nat", &addr.to_string(), "--json"], b"");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(v["server_lacks_rfc5780"], true);
    assert_eq!(v["mapping"], "no-nat");
    assert_eq!(v["filtering"], Value::Null);
    assert!(
        v["filtering_unknown"]
            .as_str()
            .unwrap()
            .contains("does not support RFC 5780")
    );
}

#[test]
fn nothing_answering_exits_4() {
    // A bound socket that never answers: the requests go nowhere else.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let out = run(&["stun", "nat", &addr, "--timeout", "0.6"], b"");
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("the server did not answer"));
    let out = run(&["stun", "ping", &addr, "--timeout", "0.6"], b"");
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn ping_prints_the_mapped_address_and_rtt() {
    let (_s, addr) = serve(&[]);
    let out = run(&["stun", "ping", &addr.to_string(), "--json"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(v["mapped"], v["local"]);
    assert_eq!(v["from"], addr.to_string());
    assert!(v["rtt_ms"].as_f64().unwrap() >= 0.0);
    // A host name, resolved by the system ("localhost" from /etc/hosts).
    let by_name = format!("localhost:{}", addr.port());
    let out = run(&["stun", "ping", &by_name], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("mapped address 127.0.0.1:"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["stun", "nat"][..],
        &["stun", "nat", "127.0.0.1:9", "--timeout", "0"],
        &["stun", "ping", "127.0.0.1:9", "--timeout", "x"],
        &[
            "stun",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--other-address",
            "127.0.0.1:0",
        ],
    ] {
        let out = run(args, b"");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}
