//! Interop tests of the Floe crates against real peers (coturn, aioice) on loopback.
//!
//! The tests live in `tests/`; `.ci/interop.sh` installs and starts the peers and runs them.
//! This library holds what they share: where the peers are, a UDP echo peer, a driver that
//! runs a [`floe_turn::Client`] over a real socket, and a [`floe_turn::Server`] on real UDP
//! sockets in a thread. Every loop is bounded by a deadline; all traffic stays on loopback.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

use core::net::SocketAddr;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use std::collections::HashMap;
use std::io;
use std::net::UdpSocket;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use floe_turn::{
    Client, ClientConfig, FiveTuple, PeerPolicy, Received, RelayGrant, Server, ServerConfig,
    ServerEvent, StaticCredentials, Transport, TurnEvent,
};

/// The coturn under test, from `FLOE_COTURN` (set by `.ci/interop.sh`). Without it the test
/// is skipped, except under CI (`CI` set), where a missing peer is a failure.
///
/// # Panics
/// When `CI` is set and `FLOE_COTURN` is missing or not an address.
#[must_use]
pub fn coturn() -> Option<SocketAddr> {
    match std::env::var("FLOE_COTURN") {
        Ok(v) => Some(
            v.parse()
                .unwrap_or_else(|e| panic!("FLOE_COTURN={v:?} is not an address: {e}")),
        ),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but FLOE_COTURN is not: the coturn peer is missing")
        }
        Err(_) => {
            eprintln!("SKIPPED: FLOE_COTURN is not set (run .ci/interop.sh)");
            None
        }
    }
}

/// Whether coturn's test tools are installed; under CI their absence is a failure.
///
/// # Panics
/// When `CI` is set and `turnutils_uclient` is not on `PATH`.
#[must_use]
pub fn have_turnutils() -> bool {
    let found = std::process::Command::new("turnutils_uclient")
        .arg("-h")
        .output()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but turnutils_uclient is missing"
        );
        eprintln!("SKIPPED: turnutils_uclient is not installed");
    }
    found
}

/// A thread running a loop until told to stop; dropping it stops and joins the thread.
#[derive(Debug)]
struct Background {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Runs `run` on a new thread; `run` returns once the flag it is given is set.
    fn spawn(run: impl FnOnce(&AtomicBool) + Send + 'static) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || run(&flag));
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A UDP peer on 127.0.0.1 that sends every datagram back to its sender.
#[derive(Debug)]
pub struct EchoPeer {
    /// Its address.
    pub addr: SocketAddr,
    /// Stopped and joined on drop.
    _thread: Background,
}

impl EchoPeer {
    /// Starts one.
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub fn start() -> io::Result<Self> {
        let sock = UdpSocket::bind("127.0.0.1:0")?;
        sock.set_read_timeout(Some(Duration::from_millis(50)))?;
        let addr = sock.local_addr()?;
        let thread = Background::spawn(move |stop| {
            let mut buf = [0u8; 2048];
            while !stop.load(Ordering::Relaxed) {
                if let Ok((n, from)) = sock.recv_from(&mut buf) {
                    let _ = sock.send_to(&buf[..n], from);
                }
            }
        });
        Ok(Self {
            addr,
            _thread: thread,
        })
    }
}

/// The connection to a TURN server, the same file `floe turn allocate` uses (floe-cli is a
/// binary crate, hence the path), so these tests exercise the CLI's socket handling too.
#[path = "../../floe-cli/src/turn/conn.rs"]
mod conn;

use conn::Conn;

/// What [`ClientDriver::wait_for_seen`] shows its picker.
#[derive(Debug)]
#[non_exhaustive]
pub enum Seen<'a> {
    /// An event of the client.
    Event(&'a TurnEvent),
    /// Peer data, borrowed from the receive buffer.
    Data(Received<'a>),
}

/// Runs a [`Client`] over a real UDP socket or TCP stream.
#[derive(Debug)]
pub struct ClientDriver {
    /// The client.
    pub client: Client,
    conn: Conn,
    server: SocketAddr,
    buf: Vec<u8>,
}

impl ClientDriver {
    /// Connects to `server` with alice-style credentials.
    ///
    /// # Errors
    /// When the socket cannot be opened.
    pub fn new(server: SocketAddr, user: &str, password: &str, tcp: bool) -> io::Result<Self> {
        Self::with_config(ClientConfig::new(server, user, password), tcp)
    }

    /// Connects with a prepared configuration (its server, credentials and options).
    ///
    /// # Errors
    /// When the socket cannot be opened.
    pub fn with_config(mut cfg: ClientConfig, tcp: bool) -> io::Result<Self> {
        let server = cfg.server;
        cfg.software = Some("floe-interop".into());
        if tcp {
            cfg.transport = Transport::Tcp;
        }
        let conn = Conn::open(server, tcp)?;
        Ok(Self {
            client: Client::new(cfg),
            conn,
            server,
            buf: vec![0; 65_536],
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        while let Some(t) = self.client.poll_transmit() {
            self.conn.send(t.destination, &t.contents)?;
        }
        Ok(())
    }

    /// Sends `data` to `peer` through the relay (Send indication or ChannelData).
    ///
    /// # Errors
    /// A description of the client's refusal or the socket failure.
    pub fn send_to(&mut self, peer: SocketAddr, data: &[u8]) -> Result<(), String> {
        let mut out = Vec::new();
        self.client
            .send_to(peer, data, &mut out)
            .map_err(|e| e.to_string())?;
        let server = self.client.server();
        self.conn
            .send(server, &out)
            .map_err(|e| format!("send: {e}"))
    }

    /// Drives the client until `pick` accepts an event; every event seen is returned in the
    /// error when the deadline passes first.
    ///
    /// # Errors
    /// A description of what happened instead, on timeout or socket failure.
    pub fn wait_for<T>(
        &mut self,
        timeout: Duration,
        mut pick: impl FnMut(&TurnEvent) -> Option<T>,
    ) -> Result<T, String> {
        self.wait_for_seen(timeout, |seen| match seen {
            Seen::Event(e) => pick(e),
            Seen::Data(_) => None,
        })
    }

    /// Drives the client until `pick` accepts an event or peer data.
    ///
    /// # Errors
    /// A description of what happened instead, on timeout or socket failure.
    pub fn wait_for_seen<T>(
        &mut self,
        timeout: Duration,
        mut pick: impl FnMut(Seen<'_>) -> Option<T>,
    ) -> Result<T, String> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            self.flush().map_err(|e| format!("send: {e}"))?;
            while let Some(e) = self.client.poll_event() {
                if let Some(t) = pick(Seen::Event(&e)) {
                    self.flush().map_err(|e| format!("send: {e}"))?;
                    return Ok(t);
                }
                seen.push(e);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(format!("timed out; events seen: {seen:?}"));
            }
            let wake = self
                .client
                .poll_timeout()
                .map_or(deadline, |t| t.min(deadline));
            let wait = wake.saturating_duration_since(now);
            match self.conn.recv(&mut self.buf, wait, self.server) {
                Ok(Some((n, from))) => {
                    let got = self
                        .client
                        .receive_until(Instant::now(), from, &self.buf[..n], |r| {
                            pick(Seen::Data(r))
                        })
                        .map_err(|e| format!("stream: {e}"))?;
                    if let Some(t) = got {
                        self.flush().map_err(|e| format!("send: {e}"))?;
                        return Ok(t);
                    }
                }
                Ok(None) => {}
                // "the server closed the connection" (a TCP read of 0 bytes).
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(e.to_string()),
                Err(e) => return Err(format!("recv: {e}")),
            }
            self.client.handle_timeout(Instant::now());
        }
    }
}

/// A [`Server`] on real UDP sockets (listener and relays) in a background thread.
#[derive(Debug)]
pub struct ServerThread {
    /// The listening address.
    pub addr: SocketAddr,
    /// Stopped and joined on drop.
    _thread: Background,
}

impl ServerThread {
    /// Starts a server for `users` (NAME, PASSWORD) in `realm` on 127.0.0.1 with loopback
    /// peers allowed.
    ///
    /// # Errors
    /// When the listening socket cannot be bound.
    pub fn start(users: &[(&str, &str)], realm: &str) -> io::Result<Self> {
        Self::start_with(users, realm, |_| {})
    }

    /// Like [`ServerThread::start`], with `adjust` applied to the server's configuration.
    ///
    /// # Errors
    /// When the listening socket cannot be bound.
    pub fn start_with(
        users: &[(&str, &str)],
        realm: &str,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> io::Result<Self> {
        let listen = UdpSocket::bind("127.0.0.1:0")?;
        listen.set_nonblocking(true)?;
        let addr = listen.local_addr()?;
        let mut creds = StaticCredentials::new();
        for (u, p) in users {
            creds = creds.with_user(u, p);
        }
        let mut config = ServerConfig::new(realm);
        config.peer_policy = PeerPolicy::default().allow_loopback(true);
        adjust(&mut config);
        let thread = Background::spawn(move |stop| {
            let mut server = Server::new(config, creds, Instant::now());
            serve(&mut server, &listen, addr, stop);
        });
        Ok(Self {
            addr,
            _thread: thread,
        })
    }
}

/// The server loop: poll the non-blocking sockets, feed the server, write its output.
fn serve(
    server: &mut Server<StaticCredentials>,
    listen: &UdpSocket,
    addr: SocketAddr,
    stop: &AtomicBool,
) {
    let mut relays: HashMap<SocketAddr, UdpSocket> = HashMap::new();
    let mut buf = vec![0u8; 65_536];
    let mut out = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let mut busy = false;
        let now = Instant::now();
        while let Ok((n, from)) = listen.recv_from(&mut buf) {
            busy = true;
            let ft = FiveTuple {
                remote: from,
                local: addr,
                transport: Transport::Udp,
            };
            if let Some(t) = server.handle_receive(now, ft, &buf[..n])
                && let Some(s) = relays.get(&t.relay)
            {
                let _ = s.send_to(t.data, t.peer);
            }
        }
        for (relay, sock) in &relays {
            while let Ok((n, peer)) = sock.recv_from(&mut buf) {
                busy = true;
                if let Some(t) = server.handle_peer_data(now, *relay, peer, &buf[..n], &mut out) {
                    let _ = listen.send_to(&out, t.five_tuple.remote);
                }
            }
        }
        if server.poll_timeout().is_some_and(|t| t <= now) {
            server.handle_timeout(now);
        }
        while let Some(e) = server.poll_event() {
            match e {
                ServerEvent::RelayRequested(req) => {
                    let grant = UdpSocket::bind("127.0.0.1:0").and_then(|s| {
                        s.set_nonblocking(true)?;
                        let a = s.local_addr()?;
                        relays.insert(a, s);
                        Ok(a)
                    });
                    let grant = grant
                        .map(|relayed| RelayGrant {
                            relayed,
                            additional: None,
                        })
                        .map_err(|_| floe_turn::RelayError::InsufficientCapacity);
                    server.provide_relay(now, req.id, grant);
                }
                ServerEvent::RelayReleased { relayed, .. } => {
                    relays.remove(&relayed);
                }
                _ => {}
            }
        }
        while let Some(t) = server.poll_transmit() {
            let _ = listen.send_to(&t.contents, t.destination);
        }
        if !busy {
            thread::sleep(Duration::from_millis(1));
        }
    }
}
