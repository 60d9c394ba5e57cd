//! `floe stun serve`: a STUN Binding server (RFC 8489 §6.3) on real UDP and TCP sockets, built
//! on the floe-stun codec. Binding requests get XOR-MAPPED-ADDRESS; other requests get
//! 400 Bad Request; indications and responses are ignored. Stops on SIGINT or SIGTERM.

use core::net::SocketAddr;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;

use clap::Args;
use floe_stun::attributes::{ErrorCodeAttribute, Software, XorMappedAddress};
use floe_stun::framing::{FrameKind, StreamFramer};
use floe_stun::{Class, ErrorCode, Message, MessageBuilder, MessageType, Method};

use crate::input::usage_error;
use crate::turn::conn::is_timeout;
use crate::turn::serve::{bind_listeners, stop_flag};

/// How often the socket loops look at the stop flag.
const POLL: Duration = Duration::from_millis(200);

/// Arguments of `floe stun serve`.
#[derive(Debug, Args)]
pub(crate) struct StunServeArgs {
    /// Address for UDP and TCP.
    #[arg(long, default_value = "127.0.0.1:3478")]
    listen: SocketAddr,
}

/// The answer to one STUN message from `from`, if it deserves one.
fn answer(bytes: &[u8], from: SocketAddr, out: &mut Vec<u8>) -> bool {
    out.clear();
    let Ok(msg) = Message::parse(bytes) else {
        return false;
    };
    if msg.class() != Class::Request {
        return false;
    }
    let tid = *msg.transaction_id();
    let software = Software(concat!("floe ", env!("CARGO_PKG_VERSION")));
    if msg.method() == Method::BINDING {
        let typ = MessageType::new(Method::BINDING, Class::Success);
        let mut b = MessageBuilder::new(out, typ, tid);
        b.add(&XorMappedAddress(from)).add(&software);
        b.fingerprint().is_ok()
    } else {
        let typ = MessageType::new(msg.method(), Class::Error);
        let mut b = MessageBuilder::new(out, typ, tid);
        b.add(&ErrorCodeAttribute::new(ErrorCode::BAD_REQUEST))
            .add(&software);
        b.fingerprint().is_ok()
    }
}

/// Runs `floe stun serve`.
pub(crate) fn run_stun_serve(args: StunServeArgs) -> ExitCode {
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
    let stop = stop_flag();
    let answered = Arc::new(AtomicU64::new(0));
    eprintln!("floe stun serve: listening on {local} (udp+tcp)");
    let (stop_tcp, answered_tcp) = (Arc::clone(&stop), Arc::clone(&answered));
    let acceptor = thread::spawn(move || {
        while !stop_tcp.load(Ordering::Relaxed) {
            match tcp.accept() {
                Ok((stream, from)) => {
                    let (stop, answered) = (Arc::clone(&stop_tcp), Arc::clone(&answered_tcp));
                    thread::spawn(move || serve_stream(stream, from, &stop, &answered));
                }
                Err(_) => thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    let mut buf = vec![0u8; 65_536];
    let mut out = Vec::with_capacity(128);
    while !stop.load(Ordering::Relaxed) {
        match udp.recv_from(&mut buf) {
            Ok((n, from)) => {
                if answer(&buf[..n], from, &mut out) && udp.send_to(&out, from).is_ok() {
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(e) if is_timeout(&e) => {}
            Err(e) => eprintln!("floe stun serve: recv: {e}"),
        }
    }
    let _ = acceptor.join();
    eprintln!(
        "floe stun serve: stopped after {} answer(s)",
        answered.load(Ordering::Relaxed)
    );
    ExitCode::SUCCESS
}

/// Answers STUN requests on one TCP connection (RFC 8489 §6.2.2 framing).
fn serve_stream(mut stream: TcpStream, from: SocketAddr, stop: &AtomicBool, answered: &AtomicU64) {
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
                    if answer(frame, from, &mut out) {
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
