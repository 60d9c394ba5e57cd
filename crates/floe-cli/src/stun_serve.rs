//! `floe stun serve`: a STUN Binding server (RFC 8489 §6.3) on real UDP and TCP sockets, built
//! on floe-stun's Binding responder (the one the TURN server uses). Binding requests get
//! XOR-MAPPED-ADDRESS (with `--user`, only when they authenticate with short-term credentials,
//! RFC 8489 §9.1.3), unknown comprehension-required attributes 420; other requests get 400
//! Bad Request; indications and responses are ignored. Stops on SIGINT or SIGTERM.
//!
//! With `--other-address`, UDP also serves NAT behaviour discovery (RFC 5780 §6) on four
//! sockets (see `stun/serve_rfc5780.rs`); TCP stays on `--listen` and answers CHANGE-REQUEST
//! like a server without RFC 5780 (420), as it cannot answer from another address on a
//! connection. Without `--other-address`, CHANGE-REQUEST, RESPONSE-PORT and PADDING get 420
//! Unknown Attribute with no OTHER-ADDRESS anywhere: what RFC 5780 §7.2 and RFC 8489 §6.3.1.1
//! ask of a server that does not support them.

use core::net::SocketAddr;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;

use clap::Args;
use floe_cli::sockets::is_timeout;
use floe_stun::binding::{BindingAnswer, BindingResponder};
use floe_stun::framing::{FrameKind, StreamFramer};
use floe_stun::{ErrorCode, IntegrityKey, Message};

use crate::input::usage_error;
use crate::stun::serve_rfc5780::{self, bind_others};
use crate::turn::serve::{bind_listeners, stop_flag};

/// How often the socket loops look at the stop flag.
const POLL: Duration = Duration::from_millis(200);

/// Arguments of `floe stun serve`.
#[derive(Debug, Args)]
pub(crate) struct StunServeArgs {
    /// Address for UDP and TCP.
    #[arg(long, default_value = "127.0.0.1:3478")]
    listen: SocketAddr,
    /// Short-term credentials (repeatable): answer only Binding requests signed by one of these
    /// users (RFC 8489 §9.1.3); without it, every Binding request is answered.
    #[arg(long = "user", value_name = "NAME:PASSWORD")]
    users: Vec<String>,
    /// Serve NAT behaviour discovery (RFC 5780) over UDP: the second IP address and port.
    /// The server listens on both IP addresses × both ports, answers CHANGE-REQUEST from the
    /// address asked for, and sends RESPONSE-ORIGIN and OTHER-ADDRESS; port 0 picks a port
    /// free on both addresses. Not with --user.
    #[arg(long, value_name = "IP:PORT", conflicts_with = "users")]
    other_address: Option<SocketAddr>,
}

/// How the server answers: the shared responder and the short-term users, if any.
#[derive(Debug)]
struct Responder {
    binding: BindingResponder,
    users: Vec<(String, String)>,
}

impl Responder {
    /// The answer to one STUN message from `from`, if it deserves one (written into `out`).
    fn answer(&self, bytes: &[u8], from: SocketAddr, out: &mut Vec<u8>) -> bool {
        out.clear();
        let Ok(msg) = Message::parse(bytes) else {
            return false;
        };
        let answer = if self.users.is_empty() {
            self.binding.answer(&msg, from, out)
        } else {
            let users = &self.users;
            let lookup = |name: &str| {
                users
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, password)| IntegrityKey::short_term(password))
            };
            self.binding.answer_short_term(&msg, from, lookup, out)
        };
        match answer {
            BindingAnswer::NotBinding => {
                self.binding.reject(&msg, ErrorCode::BAD_REQUEST, out);
                !out.is_empty()
            }
            BindingAnswer::Ignored => false,
            _ => !out.is_empty(),
        }
    }
}

/// Runs `floe stun serve`.
pub(crate) fn run_stun_serve(args: StunServeArgs) -> ExitCode {
    let mut users = Vec::new();
    for u in &args.users {
        let Some((name, password)) = u.split_once(':') else {
            return usage_error(&format!("--user {u}: expected NAME:PASSWORD"));
        };
        users.push((name.to_owned(), password.to_owned()));
    }
    let responder = Arc::new(Responder {
        binding: BindingResponder::new().software(concat!("floe ", env!("CARGO_PKG_VERSION"))),
        users,
    });
    let (udp, tcp, local) = match bind_listeners(args.listen) {
        Ok(sockets) => sockets,
        Err(code) => return code,
    };
    if let Err(e) = udp
        .set_read_timeout(Some(POLL))
        .and_then(|()| tcp.set_nonblocking(true))
    {
        return usage_error(&format!("socket setup: {e}"));
    }
    let others = match args.other_address {
        Some(other) => match bind_others(local, other) {
            Ok(others) => Some(others),
            Err(e) => return usage_error(&e),
        },
        None => None,
    };
    let stop = stop_flag();
    let answered = Arc::new(AtomicU64::new(0));
    match &others {
        Some((_, addrs)) => eprintln!(
            "floe stun serve: listening on {local} (udp+tcp), RFC 5780 other address {} (udp on {})",
            addrs.other(),
            addrs.all().map(|a| a.to_string()).join(" ")
        ),
        None => eprintln!("floe stun serve: listening on {local} (udp+tcp)"),
    }
    let (stop_tcp, answered_tcp) = (Arc::clone(&stop), Arc::clone(&answered));
    let responder_tcp = Arc::clone(&responder);
    let acceptor = thread::spawn(move || {
        while !stop_tcp.load(Ordering::Relaxed) {
            match tcp.accept() {
                Ok((stream, from)) => {
                    let (stop, answered) = (Arc::clone(&stop_tcp), Arc::clone(&answered_tcp));
                    let responder = Arc::clone(&responder_tcp);
                    thread::spawn(move || serve_stream(stream, from, &responder, &stop, &answered));
                }
                Err(_) => thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    match others {
        Some(([a, b, c], addrs)) => {
            serve_rfc5780::serve([udp, a, b, c], addrs, &responder.binding, &stop, &answered);
        }
        None => serve_udp(&udp, &responder, &stop, &answered),
    }
    let _ = acceptor.join();
    eprintln!(
        "floe stun serve: stopped after {} answer(s)",
        answered.load(Ordering::Relaxed)
    );
    ExitCode::SUCCESS
}

/// Answers STUN requests on the UDP socket until `stop`.
fn serve_udp(udp: &UdpSocket, responder: &Responder, stop: &AtomicBool, answered: &AtomicU64) {
    let mut buf = vec![0u8; 65_536];
    let mut out = Vec::with_capacity(128);
    while !stop.load(Ordering::Relaxed) {
        match udp.recv_from(&mut buf) {
            Ok((n, from)) => {
                if responder.answer(&buf[..n], from, &mut out) && udp.send_to(&out, from).is_ok() {
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(e) if is_timeout(&e) => {}
            Err(e) => eprintln!("floe stun serve: recv: {e}"),
        }
    }
}

/// Answers STUN requests on one TCP connection (RFC 8489 §6.2.2 framing).
fn serve_stream(
    mut stream: TcpStream,
    from: SocketAddr,
    responder: &Responder,
    stop: &AtomicBool,
    answered: &AtomicU64,
) {
    if stream.set_nonblocking(false).is_err() || stream.set_read_timeout(Some(POLL)).is_err() {
        return;
    }
    let mut framer = StreamFramer::new();
    let mut buf = vec![0u8; 65_536];
    let mut out = Vec::with_capacity(128);
    while !stop.load(Ordering::Relaxed) {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => framer.push(&buf[..n]),
            Err(e) if is_timeout(&e) => {
                continue;
            }
            Err(_) => return,
        }
        loop {
            match framer.pop() {
                Ok(Some((FrameKind::Stun, frame))) => {
                    if responder.answer(frame, from, &mut out) {
                        if stream.write_all(&out).is_err() {
                            return;
                        }
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
}
