//! `floe stun serve` on 127.0.0.1: it answers Binding requests over UDP and over TCP with the
//! sender's address in XOR-MAPPED-ADDRESS, and stops cleanly on SIGTERM.

use core::net::SocketAddr;
use core::time::Duration;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::Instant;

use floe_stun::attributes::XorMappedAddress;
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};

/// The server process, killed if a test fails before it is stopped, and its stderr, kept open so
/// its last words do not meet a closed pipe.
struct Server {
    child: Child,
    _stderr: BufReader<ChildStderr>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts `floe stun serve` on an ephemeral port and reads the address it announces.
fn start() -> (Server, SocketAddr) {
    start_with(&[])
}

/// [`start`] with more arguments.
fn start_with(extra: &[&str]) -> (Server, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(["stun", "serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    // "floe stun serve: listening on 127.0.0.1:PORT (udp+tcp)"
    let addr = line
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (
        Server {
            child,
            _stderr: stderr,
        },
        addr,
    )
}

fn binding_request(id: u8) -> (TransactionId, Vec<u8>) {
    let tid = TransactionId::from_bytes([id; 12]);
    let mut out = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Request);
    MessageBuilder::new(&mut out, typ, tid)
        .fingerprint()
        .unwrap();
    (tid, out)
}

fn check_response(bytes: &[u8], tid: TransactionId, from: SocketAddr) {
    let msg = Message::parse(bytes).unwrap();
    assert_eq!(
        (msg.method(), msg.class()),
        (Method::BINDING, Class::Success)
    );
    assert_eq!(*msg.transaction_id(), tid);
    msg.verify_fingerprint().unwrap();
    assert_eq!(
        msg.get::<XorMappedAddress>().unwrap(),
        Some(XorMappedAddress(from))
    );
}

#[test]
fn answers_binding_over_udp_and_tcp_then_stops_on_sigterm() {
    let (mut server, addr) = start();

    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let (tid, request) = binding_request(1);
    udp.send_to(&request, addr).unwrap();
    let mut buf = [0u8; 1500];
    let (n, from) = udp.recv_from(&mut buf).unwrap();
    assert_eq!(from, addr);
    check_response(&buf[..n], tid, udp.local_addr().unwrap());

    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let (tid, request) = binding_request(2);
    tcp.write_all(&request).unwrap();
    let mut header = [0u8; 20];
    tcp.read_exact(&mut header).unwrap();
    let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
    let mut response = header.to_vec();
    response.resize(20 + len, 0);
    tcp.read_exact(&mut response[20..]).unwrap();
    check_response(&response, tid, tcp.local_addr().unwrap());

    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "floe stun serve ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
}

#[test]
fn short_term_users_get_signed_answers_and_others_401() {
    use floe_stun::attributes::{ErrorCodeAttribute, Username};
    use floe_stun::{ErrorCode, IntegrityKey};
    let (_server, addr) = start_with(&["--user", "alice:secret"]);
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 1500];
    for (id, password, want) in [(3u8, "secret", None), (4, "wrong", Some(401))] {
        let tid = TransactionId::from_bytes([id; 12]);
        let mut request = Vec::new();
        let typ = MessageType::new(Method::BINDING, Class::Request);
        let mut b = MessageBuilder::new(&mut request, typ, tid);
        b.add(&Username("alice"));
        b.message_integrity(&IntegrityKey::short_term(password))
            .unwrap()
            .fingerprint()
            .unwrap();
        udp.send_to(&request, addr).unwrap();
        let (n, _) = udp.recv_from(&mut buf).unwrap();
        let msg = Message::parse(&buf[..n]).unwrap();
        match want {
            None => {
                check_response(&buf[..n], tid, udp.local_addr().unwrap());
                msg.verify_integrity(&IntegrityKey::short_term("secret"))
                    .unwrap();
            }
            Some(code) => {
                assert_eq!(msg.class(), Class::Error);
                let e = msg.get::<ErrorCodeAttribute<'_>>().unwrap().unwrap();
                assert_eq!(e.code, ErrorCode(code));
            }
        }
    }
    // Unsigned: 400 Bad Request under short-term credentials (RFC 8489 §9.1.3).
    let (_, request) = binding_request(5);
    udp.send_to(&request, addr).unwrap();
    let (n, _) = udp.recv_from(&mut buf).unwrap();
    let msg = Message::parse(&buf[..n]).unwrap();
    let e = msg.get::<ErrorCodeAttribute<'_>>().unwrap().unwrap();
    assert_eq!(e.code, ErrorCode::BAD_REQUEST);
}
