//! `floe turn serve` and `floe turn allocate` against each other on 127.0.0.1, with an echo
//! peer in this process.

use core::net::SocketAddr;
use core::time::Duration;
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::Instant;

const FLOE: &str = env!("CARGO_BIN_EXE_floe");

/// A free loopback port for UDP and TCP (bound then released; good enough on loopback).
fn free_port() -> u16 {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.local_addr().unwrap().port()
}

/// Echoes datagrams on 127.0.0.1 until the test process ends.
fn echo_peer() -> SocketAddr {
    echo_peer_on("127.0.0.1:0")
}

/// Echoes datagrams on `bind` until the test process ends.
fn echo_peer_on(bind: &str) -> SocketAddr {
    let sock = UdpSocket::bind(bind).unwrap();
    let addr = sock.local_addr().unwrap();
    thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = sock.recv_from(&mut buf) {
            let _ = sock.send_to(&buf[..n], from);
        }
    });
    addr
}

struct Serve(Child, SocketAddr);

impl Drop for Serve {
    fn drop(&mut self) {
        // A failed assertion must not leave the server running.
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

impl Serve {
    fn start(port: u16) -> Self {
        Self::start_on(SocketAddr::new("127.0.0.1".parse().unwrap(), port))
    }

    fn start_on(listen: SocketAddr) -> Self {
        Self::spawn(listen, listen, &["--allow-loopback-peers"], Stdio::null())
    }

    /// `floe turn serve --listen LISTEN` for alice:secret in realm example.org with `extra`
    /// flags, once it answers a Binding request at `probe`.
    fn spawn(listen: SocketAddr, probe_at: SocketAddr, extra: &[&str], stderr: Stdio) -> Self {
        let mut child = Command::new(FLOE)
            .args(["turn", "serve", "--listen", &listen.to_string()])
            .args(["--user", "alice:secret", "--realm", "example.org"])
            .args(extra)
            .stderr(stderr)
            .spawn()
            .unwrap();
        // Wait until it answers on UDP.
        let probe = UdpSocket::bind(SocketAddr::new(probe_at.ip(), 0)).unwrap();
        probe
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let binding = [
            0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        ];
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let _ = probe.send_to(&binding, probe_at);
            let mut buf = [0u8; 256];
            if probe.recv_from(&mut buf).is_ok() {
                return Self(child, listen);
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("floe turn serve did not come up");
    }

    /// SIGTERM, then the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.0.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "floe turn serve ignored SIGTERM");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

fn allocate(port: u16, extra: &[&str]) -> (i32, String) {
    allocate_at(SocketAddr::new("127.0.0.1".parse().unwrap(), port), extra)
}

fn allocate_at(server: SocketAddr, extra: &[&str]) -> (i32, String) {
    let out = Command::new(FLOE)
        .args(["turn", "allocate", "--server", &server.to_string()])
        .args(["--user", "alice", "--password", "secret", "--timeout", "5"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn allocate_against_serve_over_udp_and_tcp_with_a_peer() {
    let port = free_port();
    let serve = Serve::start(port);
    let peer = echo_peer().to_string();
    for transport in [None, Some("--tcp")] {
        let mut extra = vec!["--peer", peer.as_str(), "--json", "--realm", "example.org"];
        extra.extend(transport);
        let (code, out) = allocate(port, &extra);
        assert_eq!(code, 0, "{out}");
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["ok"], true);
        assert!(v["relayed"].as_str().unwrap().starts_with("127.0.0.1:"));
        let steps: Vec<&str> = v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["step"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            [
                "allocate",
                "permission",
                "send-indication",
                "channel-bind",
                "channel-data",
                "refresh",
                "delete"
            ]
        );
    }
    // Without a peer: allocate, refresh, delete; the peer steps are listed as skipped, with
    // the reason, and the verdict counts them.
    let (code, out) = allocate(port, &[]);
    assert_eq!(code, 0, "{out}");
    for step in [
        "permission",
        "send-indication",
        "channel-bind",
        "channel-data",
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("skip {step} ")) && l.contains("needs --peer")),
            "{step}: {out}"
        );
    }
    assert!(
        out.contains(
            "TURN ALLOCATE: PASS (3 of 7 steps run; skipped permission, send-indication, \
             channel-bind, channel-data: needs --peer, an address that echoes UDP datagrams)"
        ),
        "{out}"
    );
    let (code, out) = allocate(port, &["--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        v["skipped"],
        serde_json::json!([
            "permission",
            "send-indication",
            "channel-bind",
            "channel-data"
        ])
    );
    assert_eq!(v["steps"][1]["skipped"], true);
    assert_eq!(v["steps"][1]["ok"], serde_json::Value::Null);
    assert!(serve.stop().success());
}

#[test]
fn allocate_resolves_a_host_name_for_the_server() {
    let port = free_port();
    let serve = Serve::start(port);
    let out = Command::new(FLOE)
        .args(["turn", "allocate", "--server", &format!("localhost:{port}")])
        .args([
            "--user",
            "alice",
            "--password",
            "secret",
            "--timeout",
            "5",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    // localhost resolves to 127.0.0.1 first (IPv4 preferred), where the server listens.
    assert_eq!(v["server"], format!("127.0.0.1:{port}"));
    assert_eq!(v["server_name"], format!("localhost:{port}"));
    assert_eq!(v["ok"], true);
    assert!(serve.stop().success());
    // A name that does not resolve is a usage error, and says so.
    let out = Command::new(FLOE)
        .args(["turn", "allocate", "--server", "floe-test.invalid:3478"])
        .args(["--user", "alice", "--password", "secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot resolve floe-test.invalid"));
}

#[test]
fn failures_exit_1_and_usage_errors_exit_2() {
    let port = free_port();
    let serve = Serve::start(port);
    let out = Command::new(FLOE)
        .args(["turn", "allocate", "--server", &format!("127.0.0.1:{port}")])
        .args(["--user", "alice", "--password", "wrong", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let (code, _) = allocate(port, &["--realm", "other.realm"]);
    assert_eq!(code, 1, "realm mismatch");
    assert!(serve.stop().success());

    let (code, _) = allocate(free_port(), &["--timeout", "0"]);
    assert_eq!(code, 2);
    let status = Command::new(FLOE)
        .args([
            "turn",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--user",
            "nocolon",
        ])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn ipv6_loopback_server_relays_to_ipv6_and_ipv4_peers() {
    if UdpSocket::bind("[::1]:0").is_err() {
        eprintln!("SKIPPED: no IPv6 loopback");
        return;
    }
    let listen = SocketAddr::new("::1".parse().unwrap(), free_port());
    let serve = Serve::start_on(listen);
    for peer in [echo_peer_on("[::1]:0"), echo_peer()] {
        let peer = peer.to_string();
        for transport in [None, Some("--tcp")] {
            let mut extra = vec!["--peer", peer.as_str(), "--json"];
            extra.extend(transport);
            let (code, out) = allocate_at(serve.1, &extra);
            assert_eq!(code, 0, "{out}");
            let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
            let relayed: SocketAddr = v["relayed"].as_str().unwrap().parse().unwrap();
            // The relayed address has the peer's family (REQUESTED-ADDRESS-FAMILY).
            assert_eq!(relayed.is_ipv6(), peer.starts_with('['), "{out}");
        }
    }
    assert!(serve.stop().success());
}

/// A log file for a server's stderr, removed when dropped.
struct LogFile(std::path::PathBuf);

impl LogFile {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("floe-turn-{}-{name}.log", std::process::id()));
        Self(path)
    }

    fn stdio(&self) -> Stdio {
        Stdio::from(std::fs::File::create(&self.0).unwrap())
    }

    fn read(&self) -> String {
        std::fs::read_to_string(&self.0).unwrap()
    }
}

impl Drop for LogFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An Allocate from `sock` to `server`: first unsigned (the 401 challenge gives the nonce),
/// then signed for alice in `realm`. Returns the error code of the second answer, if any.
fn signed_allocate(sock: &UdpSocket, server: SocketAddr, realm: &str) -> Option<u16> {
    use floe_stun::attributes::{ErrorCodeAttribute, Nonce, Realm, RequestedTransport, Username};
    use floe_stun::{
        Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId,
    };
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let typ = MessageType::new(Method::ALLOCATE, Class::Request);
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([7; 12]));
    b.add(&RequestedTransport::UDP);
    sock.send_to(b.finish().unwrap(), server).unwrap();
    let mut answer = [0u8; 1500];
    let n = sock.recv(&mut answer).unwrap();
    let challenge = Message::parse(&answer[..n]).unwrap();
    let nonce = challenge.get::<Nonce<'_>>().unwrap().unwrap().0.to_owned();
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([8; 12]));
    b.add(&RequestedTransport::UDP)
        .add(&Username("alice"))
        .add(&Realm(realm))
        .add(&Nonce(&nonce));
    let key = IntegrityKey::long_term_md5("alice", realm, "secret");
    sock.send_to(b.message_integrity(&key).unwrap().finish().unwrap(), server)
        .unwrap();
    let n = sock.recv(&mut answer).unwrap();
    let reply = Message::parse(&answer[..n]).unwrap();
    reply
        .get::<ErrorCodeAttribute<'_>>()
        .unwrap()
        .map(|e| e.code.0)
}

#[test]
fn serve_logs_each_refusal_with_what_to_change_and_counts_challenges_apart() {
    let listen = SocketAddr::new("127.0.0.1".parse().unwrap(), free_port());
    let log = LogFile::new("refusals");
    // No --allow-loopback-peers, one allocation per user.
    let serve = Serve::spawn(
        listen,
        listen,
        &["--max-allocations-per-user", "1"],
        log.stdio(),
    );
    let peer = echo_peer().to_string();
    let (code, out) = allocate_at(listen, &["--peer", &peer]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL permission"), "{out}");
    let socket = || UdpSocket::bind("127.0.0.1:0").unwrap();
    let (a, b, c) = (socket(), socket(), socket());
    assert_eq!(signed_allocate(&a, listen, "example.org"), None);
    assert_eq!(signed_allocate(&b, listen, "example.org"), Some(486));
    assert_eq!(signed_allocate(&c, listen, "other.example"), Some(401));
    assert!(serve.stop().success());
    let log = log.read();
    let lines: Vec<&str> = log.lines().collect();
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(
        has("floe turn serve: quotas: 1 allocations per user, 32 per client IP, 16384 in total"),
        "{log}"
    );
    assert!(
        has("refused: CreatePermission from alice at 127.0.0.1:")
            && has(
                "403 Forbidden: peer 127.0.0.1 is a loopback address; start the server with --allow-loopback-peers"
            ),
        "{log}"
    );
    let b_port = b.local_addr().unwrap().port();
    assert!(
        has(&format!(
            "quota: alice at 127.0.0.1:{b_port} (udp) reached allocations_per_user = 1; raise it \
             with --max-allocations-per-user"
        )),
        "{log}"
    );
    assert!(
        has("the client's realm \"other.example\" is not this server's realm \"example.org\""),
        "{log}"
    );
    // Transports as udp/tcp, never Rust Debug names.
    assert!(has("(udp) relayed on 127.0.0.1:"), "{log}");
    assert!(!log.contains("Udp") && !log.contains("Deleted"), "{log}");
    // Four clients were challenged once each (401 to the unsigned first request); three
    // requests were refused (403, 486, 401 to signed credentials for another realm).
    assert!(
        has("refused 3 request(s), 4 challenge(s) (401/438 that start an authentication)"),
        "{log}"
    );
}

/// The source address of the default route (no datagram is sent), as the server finds it.
fn default_route_v4() -> Option<core::net::IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("198.51.100.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

#[test]
fn serve_on_an_unspecified_address_picks_a_relay_address_or_names_the_flag() {
    let port = free_port();
    let listen = SocketAddr::new("0.0.0.0".parse().unwrap(), port);
    let loopback = SocketAddr::new("127.0.0.1".parse().unwrap(), port);
    let Some(route) = default_route_v4() else {
        // No default route: no address to choose, so no start, and the message says why.
        let out = Command::new(FLOE)
            .args([
                "turn",
                "serve",
                "--listen",
                &listen.to_string(),
                "--user",
                "a:b",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("needs --relay-ip IP"));
        return;
    };
    let log = LogFile::new("unspecified");
    let serve = Serve::spawn(listen, loopback, &["--allow-loopback-peers"], log.stdio());
    let peer = echo_peer().to_string();
    let (code, out) = allocate(port, &["--peer", &peer, "--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let relayed: SocketAddr = v["relayed"].as_str().unwrap().parse().unwrap();
    assert_eq!(relayed.ip(), route, "{out}");
    assert!(serve.stop().success());
    assert!(
        log.read().contains(&format!(
            "relay address {route} (the default route's; --relay-ip to choose)"
        )),
        "{}",
        log.read()
    );
}
