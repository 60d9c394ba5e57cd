//! `floe stun serve --other-address`: NAT behaviour discovery (RFC 5780 §6) on four UDP
//! sockets, both IP addresses × both ports, answered by floe-stun's RFC 5780 responder.

use core::net::SocketAddr;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::net::UdpSocket;
use std::sync::Arc;
use std::thread;

use floe_cli::sockets::is_timeout;
use floe_stun::Message;
use floe_stun::binding::rfc5780::AlternateAddresses;
use floe_stun::binding::{BindingAnswer, BindingResponder};

/// How often the socket loops look at the stop flag.
const POLL: Duration = Duration::from_millis(200);

/// Tries to find two free ports when `--listen` or `--other-address` asks for port 0.
const PORT_ATTEMPTS: usize = 32;

/// The three UDP sockets besides the primary one (already bound to `primary`): primary IP with
/// the other port, other IP with the primary port, other IP and port. A port 0 in `other` is
/// chosen so that it is free on both IP addresses.
pub(crate) fn bind_others(
    primary: SocketAddr,
    other: SocketAddr,
) -> Result<([UdpSocket; 3], AlternateAddresses), String> {
    if other.ip() == primary.ip() || other.is_ipv4() != primary.is_ipv4() {
        return Err(format!(
            "--other-address {other}: needs another IP address of the same family as {primary}"
        ));
    }
    if other.ip().is_unspecified() || primary.ip().is_unspecified() {
        return Err("--other-address needs --listen and --other-address on specific IP addresses (answers must come from a known address)".to_owned());
    }
    if other.port() != 0 && other.port() == primary.port() {
        return Err(format!(
            "--other-address {other}: needs another port than {primary}"
        ));
    }
    let bind = |a: SocketAddr| UdpSocket::bind(a).map_err(|e| format!("cannot bind UDP {a}: {e}"));
    let other_primary_port = bind(SocketAddr::new(other.ip(), primary.port()))?;
    let mut last_error = String::new();
    for _ in 0..PORT_ATTEMPTS {
        let both = bind(other)?;
        let port = both
            .local_addr()
            .map_err(|e| format!("UDP socket {other}: {e}"))?
            .port();
        if port == primary.port() {
            continue;
        }
        match bind(SocketAddr::new(primary.ip(), port)) {
            Ok(primary_other_port) => {
                let addrs = AlternateAddresses::new(primary, SocketAddr::new(other.ip(), port));
                return Ok(([primary_other_port, other_primary_port, both], addrs));
            }
            Err(e) if other.port() == 0 => last_error = e,
            Err(e) => return Err(e),
        }
    }
    Err(last_error)
}

/// Serves RFC 5780 on the four sockets (in [`AlternateAddresses::all`] order) until `stop`:
/// each request is answered from the socket the change asks for. Returns when all four loops
/// have stopped.
pub(crate) fn serve(
    sockets: [UdpSocket; 4],
    addrs: AlternateAddresses,
    responder: &BindingResponder,
    stop: &Arc<AtomicBool>,
    answered: &Arc<AtomicU64>,
) {
    let sockets: Arc<[UdpSocket; 4]> = Arc::new(sockets);
    let responder = Arc::new(responder.clone());
    let mut threads = Vec::new();
    for index in 0..4 {
        let (sockets, responder) = (Arc::clone(&sockets), Arc::clone(&responder));
        let (stop, answered) = (Arc::clone(stop), Arc::clone(answered));
        threads.push(thread::spawn(move || {
            serve_one(&sockets, index, addrs, &responder, &stop, &answered);
        }));
    }
    for t in threads {
        let _ = t.join();
    }
}

fn serve_one(
    sockets: &[UdpSocket; 4],
    index: usize,
    addrs: AlternateAddresses,
    responder: &BindingResponder,
    stop: &AtomicBool,
    answered: &AtomicU64,
) {
    let sock = &sockets[index];
    let local = addrs.all()[index];
    if let Err(e) = sock.set_read_timeout(Some(POLL)) {
        eprintln!("floe stun serve: {local}: {e}");
        return;
    }
    let mut buf = vec![0u8; 65_536];
    let mut out = Vec::with_capacity(1500);
    while !stop.load(Ordering::Relaxed) {
        let (n, from) = match sock.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) if is_timeout(&e) => continue,
            Err(e) => {
                eprintln!("floe stun serve: recv on {local}: {e}");
                continue;
            }
        };
        let Ok(msg) = Message::parse(&buf[..n]) else {
            continue;
        };
        let reply = responder.answer_rfc5780(&msg, from, local, &addrs, &mut out);
        if reply.answer == BindingAnswer::NotBinding {
            responder.reject(&msg, floe_stun::ErrorCode::BAD_REQUEST, &mut out);
        }
        if out.is_empty() {
            continue;
        }
        let Some(at) = addrs.all().iter().position(|a| *a == reply.from) else {
            continue;
        };
        if sockets[at].send_to(&out, reply.to).is_ok() {
            answered.fetch_add(1, Ordering::Relaxed);
        }
    }
}
