//! `floe stun serve` on 127.0.0.1: it answers Binding requests over UDP and over TCP with the
//! sender's address in XOR-MAPPED-ADDRESS, and stops cleanly on SIGTERM; without
//! `--other-address` CHANGE-REQUEST gets 420, with it (on 127.0.0.1 and 127.0.0.2) every
//! change is answered from the right one of the four addresses (RFC 5780 §6).

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

/// A Binding request with CHANGE-REQUEST (RFC 5780 §7.2), and more attributes.
fn change_request(
    id: u8,
    ip: bool,
    port: bool,
    more: impl FnOnce(&mut MessageBuilder<'_>),
) -> Vec<u8> {
    use floe_stun::attributes::ChangeRequest;
    let mut out = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Request);
    let mut b = MessageBuilder::new(&mut out, typ, TransactionId::from_bytes([id; 12]));
    b.add(&ChangeRequest {
        change_ip: ip,
        change_port: port,
    });
    more(&mut b);
    b.fingerprint().unwrap();
    out
}

#[test]
fn without_other_address_change_request_gets_420_and_no_other_address() {
    use floe_stun::attributes::{ErrorCodeAttribute, OtherAddress, UnknownAttributes};
    use floe_stun::{AttributeType, ErrorCode};
    let (_server, addr) = start();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 1500];
    udp.send_to(&change_request(6, true, true, |_| {}), addr)
        .unwrap();
    let (n, from) = udp.recv_from(&mut buf).unwrap();
    assert_eq!(from, addr);
    let msg = Message::parse(&buf[..n]).unwrap();
    let e = msg.get::<ErrorCodeAttribute<'_>>().unwrap().unwrap();
    assert_eq!(e.code, ErrorCode::UNKNOWN_ATTRIBUTE);
    let listed = msg.get::<UnknownAttributes<'_>>().unwrap().unwrap();
    assert!(listed.iter().any(|t| t == AttributeType::CHANGE_REQUEST));
    // A plain request: a success without OTHER-ADDRESS (RFC 5780 §6).
    let (tid, request) = binding_request(7);
    udp.send_to(&request, addr).unwrap();
    let (n, _) = udp.recv_from(&mut buf).unwrap();
    check_response(&buf[..n], tid, udp.local_addr().unwrap());
    assert_eq!(
        Message::parse(&buf[..n])
            .unwrap()
            .get::<OtherAddress>()
            .unwrap(),
        None
    );
}

#[test]
fn other_address_serves_rfc5780_from_four_addresses() {
    use floe_stun::attributes::{OtherAddress, Padding, ResponseOrigin, ResponsePort};
    let (_server, addr, other) = start_rfc5780();
    let primary_ip_other_port = SocketAddr::new(addr.ip(), other.port());
    let other_ip_primary_port = SocketAddr::new(other.ip(), addr.port());
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let me = udp.local_addr().unwrap();
    let mut buf = [0u8; 1500];
    for (id, to, ip, port, from_want, other_want) in [
        (10, addr, false, false, addr, other),
        (11, addr, true, true, other, other),
        (12, addr, false, true, primary_ip_other_port, other),
        (13, addr, true, false, other_ip_primary_port, other),
        (14, other, true, true, addr, addr),
        (
            15,
            other_ip_primary_port,
            false,
            false,
            other_ip_primary_port,
            primary_ip_other_port,
        ),
    ] {
        udp.send_to(&change_request(id, ip, port, |_| {}), to)
            .unwrap();
        let (n, from) = udp.recv_from(&mut buf).unwrap();
        assert_eq!(from, from_want, "request {id}");
        let msg = Message::parse(&buf[..n]).unwrap();
        assert_eq!(msg.class(), Class::Success, "request {id}");
        assert_eq!(
            msg.get::<XorMappedAddress>().unwrap(),
            Some(XorMappedAddress(me))
        );
        assert_eq!(
            msg.get::<ResponseOrigin>().unwrap(),
            Some(ResponseOrigin(from_want))
        );
        assert_eq!(
            msg.get::<OtherAddress>().unwrap(),
            Some(OtherAddress(other_want))
        );
    }
    // RESPONSE-PORT sends the answer to another port of the same address (RFC 5780 §7.5).
    let second = UdpSocket::bind("127.0.0.1:0").unwrap();
    second
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = second.local_addr().unwrap().port();
    let request = change_request(16, false, false, |b| {
        b.add(&ResponsePort(port));
    });
    udp.send_to(&request, addr).unwrap();
    let (n, from) = second.recv_from(&mut buf).unwrap();
    assert_eq!(from, addr);
    assert_eq!(
        *Message::parse(&buf[..n]).unwrap().transaction_id(),
        TransactionId::from_bytes([16; 12])
    );
    // PADDING: the answer fills a 1500-byte datagram.
    let request = change_request(17, false, false, |b| {
        b.add(&Padding(&[0; 8]));
    });
    udp.send_to(&request, addr).unwrap();
    let (n, _) = udp.recv_from(&mut buf).unwrap();
    assert!(n > 1400, "{n} bytes");
}

/// `floe stun serve --other-address 127.0.0.2:0` on 127.0.0.1:0: the server, its primary and
/// its other address.
fn start_rfc5780() -> (Server, SocketAddr, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args([
            "stun",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--other-address",
            "127.0.0.2:0",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    // "... listening on 127.0.0.1:P (udp+tcp), RFC 5780 other address 127.0.0.2:Q (udp on ...)"
    let mut addrs = line
        .split_whitespace()
        .filter_map(|w| w.parse::<SocketAddr>().ok());
    let (primary, other) = (addrs.next().unwrap(), addrs.next().unwrap());
    (
        Server {
            child,
            _stderr: stderr,
        },
        primary,
        other,
    )
}
