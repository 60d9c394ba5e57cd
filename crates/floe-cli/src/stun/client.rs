//! The sockets behind `floe stun ping` and `floe stun nat`: server names resolved, the primary
//! socket and every fresh one the discovery machine asks for, one reader thread per socket
//! feeding a channel, and the drive loop of [`floe_nat::Discovery`] until it finishes or the
//! deadline passes.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use std::collections::BTreeMap;
use std::net::{ToSocketAddrs, UdpSocket};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use floe_cli::sockets::is_timeout;
use floe_nat::{Discovery, DiscoveryConfig, Event, Report, SocketId};

/// The STUN port when SERVER has none (RFC 8489 §9: 3478 for UDP).
pub(crate) const STUN_PORT: u16 = 3478;

/// How often a reader thread looks at the stop flag.
const READ_POLL: Duration = Duration::from_millis(50);

/// How long past its deadline a run may take to let timers due at the deadline fire.
const GRACE: Duration = Duration::from_millis(100);

/// Datagrams queued between the readers and the drive loop; a flood beyond this is dropped, as
/// a full socket buffer would drop it (a run needs a few dozen).
const QUEUE: usize = 1024;

/// `--timeout SECS` as a duration: finite and positive, else the usage error to print.
pub(crate) fn timeout_arg(secs: f64) -> Result<Duration, String> {
    let timeout = Duration::try_from_secs_f64(secs)
        .map_err(|_| format!("--timeout {secs}: not a duration"))?;
    if timeout.is_zero() {
        return Err("--timeout must be positive".to_owned());
    }
    Ok(timeout)
}

/// `SERVER[:PORT]` as an address: an IP address (v6 in brackets when a port follows), or a
/// host name resolved by the system, preferring the family of `local` when given.
pub(crate) fn resolve(server: &str, local: Option<SocketAddr>) -> Result<SocketAddr, String> {
    if let Ok(a) = server.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = server.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, STUN_PORT));
    }
    let with_port = if server
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        server.to_owned()
    } else {
        format!("{server}:{STUN_PORT}")
    };
    let found: Vec<SocketAddr> = with_port
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {server}: {e}"))?
        .collect();
    let want_v4 = local.is_none_or(|l| l.is_ipv4());
    found
        .iter()
        .find(|a| a.is_ipv4() == want_v4)
        .or_else(|| found.first())
        .copied()
        .ok_or_else(|| format!("{server} has no address"))
}

/// The primary socket: bound to `local`, else to the unspecified address of the server's
/// family. Returns it with the address to tell the machine: the bound one, with the IP the
/// system routes to `server` from when bound to the unspecified address (learnt by connecting
/// a throwaway UDP socket, which sends nothing).
pub(crate) fn primary_socket(
    server: SocketAddr,
    local: Option<SocketAddr>,
) -> Result<(UdpSocket, SocketAddr), String> {
    let any = if server.is_ipv4() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)
    } else {
        SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0)
    };
    let bind = local.unwrap_or(any);
    let sock = UdpSocket::bind(bind).map_err(|e| format!("cannot bind UDP {bind}: {e}"))?;
    let bound = sock
        .local_addr()
        .map_err(|e| format!("UDP socket {bind}: {e}"))?;
    let ip = if bound.ip().is_unspecified() {
        UdpSocket::bind(SocketAddr::new(bound.ip(), 0))
            .and_then(|probe| {
                probe.connect(server)?;
                probe.local_addr()
            })
            .map_or(bound.ip(), |a| a.ip())
    } else {
        bound.ip()
    };
    Ok((sock, SocketAddr::new(ip, bound.port())))
}

/// A datagram a reader thread received.
type Received = (SocketId, SocketAddr, Vec<u8>);

/// The sockets of one run and their reader threads (stopped and joined on drop).
struct Sockets {
    sockets: BTreeMap<SocketId, Arc<UdpSocket>>,
    readers: Vec<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
    tx: SyncSender<Received>,
}

impl Sockets {
    fn add(&mut self, id: SocketId, sock: UdpSocket) -> std::io::Result<()> {
        sock.set_read_timeout(Some(READ_POLL))?;
        let sock = Arc::new(sock);
        let (reader, stop, tx) = (Arc::clone(&sock), Arc::clone(&self.stop), self.tx.clone());
        self.readers.push(thread::spawn(move || {
            let mut buf = vec![0u8; 2048];
            while !stop.load(Ordering::Relaxed) {
                match reader.recv_from(&mut buf) {
                    Ok((n, from)) => match tx.try_send((id, from, buf[..n].to_vec())) {
                        Ok(()) | Err(TrySendError::Full(_)) => {}
                        Err(TrySendError::Disconnected(_)) => return,
                    },
                    Err(e) if is_timeout(&e) => {}
                    // ICMP errors surface here on some systems; the machine's timers decide.
                    Err(_) => {}
                }
            }
        }));
        self.sockets.insert(id, sock);
        Ok(())
    }
}

impl Drop for Sockets {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }
}

/// Drives a discovery run over real sockets until it finishes or `deadline` passes, and
/// returns its report (unfinished tests reported as such). Timers the machine set to fire at
/// the deadline itself (transactions fitted to `--timeout`) get [`GRACE`] to run.
pub(crate) fn drive(
    config: DiscoveryConfig,
    primary: UdpSocket,
    deadline: Instant,
) -> Result<Report, String> {
    let deadline = deadline + GRACE;
    let (tx, rx): (SyncSender<Received>, Receiver<Received>) = mpsc::sync_channel(QUEUE);
    // The fresh sockets bind where the primary one is bound (its IP, a new port).
    let bind_ip = primary
        .local_addr()
        .map_err(|e| format!("UDP socket: {e}"))?
        .ip();
    let local_ip = config.local.ip();
    let mut sockets = Sockets {
        sockets: BTreeMap::new(),
        readers: Vec::new(),
        stop: Arc::new(AtomicBool::new(false)),
        tx,
    };
    sockets
        .add(SocketId::PRIMARY, primary)
        .map_err(|e| format!("UDP socket: {e}"))?;
    let mut d = Discovery::new(config, Instant::now());
    loop {
        let now = Instant::now();
        while let Some(ev) = d.poll_event() {
            match ev {
                Event::OpenSocket(id) => {
                    let opened = UdpSocket::bind(SocketAddr::new(bind_ip, 0)).and_then(|s| {
                        let port = s.local_addr()?.port();
                        sockets.add(id, s)?;
                        Ok(port)
                    });
                    match opened {
                        Ok(port) => d.socket_opened(now, id, SocketAddr::new(local_ip, port)),
                        Err(e) => {
                            eprintln!("floe: cannot open a fresh UDP socket: {e}");
                            d.socket_failed(now, id);
                        }
                    }
                }
                Event::Finished => return Ok(d.report()),
                _ => {}
            }
        }
        while let Some(t) = d.poll_transmit() {
            if let Some(s) = sockets.sockets.get(&t.socket) {
                // A send error (unreachable network) is silence to the machine.
                let _ = s.send_to(&t.contents, t.destination);
            }
        }
        if d.is_finished() {
            return Ok(d.report());
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(d.report());
        }
        let wake = d.poll_timeout().unwrap_or(deadline).min(deadline);
        match rx.recv_timeout(wake.saturating_duration_since(now)) {
            Ok((id, from, data)) => {
                d.handle_receive(Instant::now(), id, from, &data);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Err("socket readers stopped".into()),
        }
        let now = Instant::now();
        if d.poll_timeout().is_some_and(|t| t <= now) {
            d.handle_timeout(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_resolve_with_the_default_port() {
        assert_eq!(
            resolve("192.0.2.1", None).unwrap(),
            "192.0.2.1:3478".parse().unwrap()
        );
        assert_eq!(
            resolve("[2001:db8::1]:5000", None).unwrap(),
            "[2001:db8::1]:5000".parse().unwrap()
        );
        assert_eq!(
            resolve("2001:db8::1", None).unwrap(),
            "[2001:db8::1]:3478".parse().unwrap()
        );
        assert_eq!(resolve("localhost:9", None).unwrap().port(), 9);
        assert_eq!(resolve("localhost", None).unwrap().port(), 3478);
    }
}
