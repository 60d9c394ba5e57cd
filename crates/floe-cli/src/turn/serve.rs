//! `floe turn serve`: the floe-turn server core on real UDP and TCP sockets.
//!
//! Reader threads (the UDP listener, each TCP connection, each relay socket) turn what they
//! receive into [`Input`]s on one channel; the main thread owns the [`Server`], feeds it, and
//! writes everything it produces. Readers poll a stop flag every 200 ms.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, OnceLock, PoisonError};
use std::thread;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use floe_cli::sockets::is_timeout;
use floe_turn::{
    AddressFamily, ChannelRange, ConnectionId, FiveTuple, IpPrefix, PeerPolicy, Quotas, RelayError,
    RelayGrant, RelayRequest, RelayTransport, ReleaseReason, Server, ServerConfig, ServerEvent,
    StaticCredentials, StreamFramer, Transport,
};

use super::serve_args::{ServeArgs, relay_addresses};
use super::serve_log::ServeLog;
use super::serve_tcp::{self, Pipes, pipe_of};

use crate::input::usage_error;

/// How often readers look at the stop flag.
pub(super) const POLL: Duration = Duration::from_millis(200);

/// The process-wide stop flag, set by SIGINT or SIGTERM (installed once).
pub(crate) fn stop_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let f = Arc::clone(&flag);
        if let Err(e) = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst)) {
            eprintln!("floe: cannot install the SIGINT/SIGTERM handler: {e}");
        }
        flag
    })
    .clone()
}

/// What the reader threads report.
#[derive(Debug)]
pub(super) enum Input {
    Client {
        ft: FiveTuple,
        data: Vec<u8>,
    },
    Peer {
        relay: SocketAddr,
        peer: SocketAddr,
        data: Vec<u8>,
    },
    TcpOpened {
        client: SocketAddr,
        stream: TcpStream,
    },
    TcpClosed {
        client: SocketAddr,
    },
    /// A peer connected to a relayed TCP address (RFC 6062).
    PeerAccepted {
        relay: SocketAddr,
        peer: SocketAddr,
        stream: TcpStream,
    },
    /// The connection for a Connect request was established (or not).
    PeerConnected {
        id: ConnectionId,
        stream: Option<TcpStream>,
    },
}

/// A relay socket and the flag that stops its reader.
#[derive(Debug)]
struct Relay {
    /// `None` for a TCP relay, whose listener lives in its accept thread.
    socket: Option<UdpSocket>,
    stop: Arc<AtomicBool>,
}

/// What a server is started with (the flags of `floe turn serve`, or the demo's choices).
#[derive(Debug)]
pub(crate) struct Setup {
    pub(crate) listen: SocketAddr,
    pub(crate) users: StaticCredentials,
    pub(crate) realm: String,
    pub(crate) allow_loopback_peers: bool,
    pub(crate) allow_private_peers: bool,
    pub(crate) allow_peers: Vec<IpPrefix>,
    pub(crate) rfc8656_channels: bool,
    pub(crate) relay_ips: Vec<IpAddr>,
}

/// Runs `floe turn serve`.
pub(crate) fn run(args: ServeArgs) -> ExitCode {
    let mut users = StaticCredentials::new();
    for u in &args.users {
        let Some((name, password)) = u.split_once(':') else {
            return usage_error(&format!("--user {u}: expected NAME:PASSWORD"));
        };
        users = users.with_user(name, password);
    }
    // On 0.0.0.0 or :: relay sockets need an address peers can reach: the one given, the
    // default route's, or no start at all (never a 440 to every Allocate).
    let (relay_ips, chosen) = match relay_addresses(args.listen, &args.relay_ips) {
        Ok(found) => found,
        Err(e) => return usage_error(&e),
    };
    let setup = Setup {
        listen: args.listen,
        users,
        realm: args.realm.clone(),
        allow_loopback_peers: args.allow_loopback_peers,
        allow_private_peers: args.allow_private_peers,
        allow_peers: args.allow_peers.clone(),
        rfc8656_channels: args.rfc8656_channels,
        relay_ips,
    };
    let quotas = args.quotas();
    let (mut node, rx) = match start(setup, quotas, stop_flag()) {
        Ok(started) => started,
        Err(e) => return usage_error(&e),
    };
    eprintln!(
        "floe turn serve: listening on {} (udp+tcp), realm {}, {} user(s){}",
        node.listen,
        args.realm,
        args.users.len(),
        if args.allow_loopback_peers {
            ", loopback peers allowed"
        } else {
            ""
        }
    );
    for ip in chosen {
        eprintln!(
            "floe turn serve: relay address {ip} (the default route's; --relay-ip to choose)"
        );
    }
    eprintln!(
        "floe turn serve: quotas: {} allocations per user, {} per client IP, {} in total; \
         {} permissions, {} channels per allocation",
        limit(quotas.allocations_per_user, u32::MAX),
        limit(quotas.allocations_per_client_ip, u32::MAX),
        limit(quotas.allocations_total, u32::MAX),
        limit(quotas.permissions_per_allocation.into(), u16::MAX.into()),
        limit(quotas.channels_per_allocation.into(), u16::MAX.into()),
    );
    node.run(&rx);
    let stats = node.finish();
    eprintln!(
        "floe turn serve: stopped; {} allocation(s) live, relayed {} to peers and {} to clients, \
         dropped {}, refused {} request(s), {} challenge(s) (401/438 that start an \
         authentication)",
        node.server.allocation_count(),
        stats.relayed_to_peer,
        stats.relayed_to_client,
        stats.relay_dropped,
        node.log.refused,
        node.log.challenges
    );
    ExitCode::SUCCESS
}

/// A quota for the log: its number, or `no limit` for the largest value (the flags' 0).
fn limit(n: u32, unlimited: u32) -> String {
    if n == unlimited {
        "no limit".to_owned()
    } else {
        n.to_string()
    }
}

/// Binds the listeners and starts their readers: the node to run and its input channel.
fn start(
    setup: Setup,
    quotas: Quotas,
    stop: Arc<AtomicBool>,
) -> Result<(Node, Receiver<Input>), String> {
    let (udp, tcp, listen) = bind_pair(setup.listen)?;
    let mut config = ServerConfig::new(&setup.realm);
    config.software = Some(concat!("floe ", env!("CARGO_PKG_VERSION")).to_owned());
    config.peer_policy = setup.allow_peers.iter().fold(
        PeerPolicy::default()
            .allow_loopback(setup.allow_loopback_peers)
            .allow_private(setup.allow_private_peers),
        |policy, prefix| policy.allow(*prefix),
    );
    if setup.rfc8656_channels {
        config.channel_range = ChannelRange::Rfc8656;
    }
    config.quotas = quotas;
    let log = ServeLog::new(&setup.realm, config.peer_policy.clone(), quotas);
    config.unix_time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (tx, rx) = mpsc::channel();
    let pipes = Pipes::default();
    spawn_listeners(&udp, tcp, listen, &tx, &stop, &pipes)
        .map_err(|e| format!("cannot start the listeners: {e}"))?;
    let server = Server::new(config, setup.users, Instant::now());
    let node = Node {
        server,
        udp,
        listen,
        tcp: HashMap::new(),
        relays: HashMap::new(),
        peer_conns: HashMap::new(),
        pipes,
        relay_ips: setup.relay_ips,
        tx,
        stop,
        out: Vec::with_capacity(2048),
        log,
    };
    Ok((node, rx))
}

/// A TURN server (which answers STUN Binding requests too) on its own thread, for a process
/// that needs one beside it: `floe ice demo` embeds one on loopback.
#[derive(Debug)]
pub(crate) struct Embedded {
    /// Where it listens (UDP and TCP).
    pub(crate) addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<floe_turn::ServerStats>>,
}

impl Embedded {
    /// Starts a server with `setup` (port 0: the kernel picks one).
    pub(crate) fn start(setup: Setup) -> Result<Self, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let (mut node, rx) = start(setup, Quotas::default(), Arc::clone(&stop))?;
        let addr = node.listen;
        let thread = thread::spawn(move || {
            node.run(&rx);
            node.finish()
        });
        Ok(Self {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// Stops it (within the readers' poll interval) and returns its counters.
    pub(crate) fn stop(mut self) -> Option<floe_turn::ServerStats> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().and_then(|t| t.join().ok())
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Binds UDP on `listen` and TCP on the same address; with port 0 the kernel picks the UDP
/// port and TCP takes the same one. Returns the sockets and the real address, or the usage
/// error exit code (reported on stderr).
pub(crate) fn bind_listeners(
    listen: SocketAddr,
) -> Result<(UdpSocket, TcpListener, SocketAddr), ExitCode> {
    bind_pair(listen).map_err(|e| usage_error(&e))
}

/// [`bind_listeners`] with the error as a message.
fn bind_pair(listen: SocketAddr) -> Result<(UdpSocket, TcpListener, SocketAddr), String> {
    let udp = UdpSocket::bind(listen).map_err(|e| format!("cannot bind UDP {listen}: {e}"))?;
    let local = udp
        .local_addr()
        .map_err(|e| format!("UDP socket {listen}: {e}"))?;
    let tcp = TcpListener::bind(local).map_err(|e| format!("cannot bind TCP {local}: {e}"))?;
    Ok((udp, tcp, local))
}

fn spawn_listeners(
    udp: &UdpSocket,
    tcp: TcpListener,
    listen: SocketAddr,
    tx: &Sender<Input>,
    stop: &Arc<AtomicBool>,
    pipes: &Pipes,
) -> io::Result<()> {
    let sock = udp.try_clone()?;
    sock.set_read_timeout(Some(POLL))?;
    let (tx_udp, stop_udp) = (tx.clone(), Arc::clone(stop));
    thread::spawn(move || {
        let mut buf = vec![0u8; 65_536];
        while !stop_udp.load(Ordering::Relaxed) {
            if let Ok((n, from)) = sock.recv_from(&mut buf) {
                let ft = FiveTuple {
                    remote: from,
                    local: listen,
                    transport: Transport::Udp,
                };
                let input = Input::Client {
                    ft,
                    data: buf[..n].to_vec(),
                };
                if tx_udp.send(input).is_err() {
                    return;
                }
            }
        }
    });
    tcp.set_nonblocking(true)?;
    let (tx_tcp, stop_tcp, pipes) = (tx.clone(), Arc::clone(stop), Arc::clone(pipes));
    thread::spawn(move || {
        while !stop_tcp.load(Ordering::Relaxed) {
            match tcp.accept() {
                Ok((stream, client)) => {
                    spawn_connection(stream, client, listen, &tx_tcp, &stop_tcp, &pipes);
                }
                Err(_) => thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    Ok(())
}

/// Reads one TCP connection, framing STUN and ChannelData messages.
fn spawn_connection(
    stream: TcpStream,
    client: SocketAddr,
    listen: SocketAddr,
    tx: &Sender<Input>,
    stop: &Arc<AtomicBool>,
    pipes: &Pipes,
) {
    let Ok(writer) = stream.try_clone() else {
        return;
    };
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    if stream.set_read_timeout(Some(POLL)).is_err()
        || tx
            .send(Input::TcpOpened {
                client,
                stream: writer,
            })
            .is_err()
    {
        return;
    }
    let (tx, stop, pipes) = (tx.clone(), Arc::clone(stop), Arc::clone(pipes));
    thread::spawn(move || {
        let mut stream = stream;
        let mut framer = StreamFramer::new();
        // Set once the connection is bound as an RFC 6062 data connection.
        let mut piped: Option<TcpStream> = None;
        let mut buf = vec![0u8; 65_536];
        let ft = FiveTuple {
            remote: client,
            local: listen,
            transport: Transport::Tcp,
        };
        while !stop.load(Ordering::Relaxed) {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if piped.is_none() {
                        piped = pipe_of(&pipes, client);
                        if let Some(p) = &mut piped {
                            // Bytes after ConnectionBind belong to the peer.
                            let _ = p.write_all(&framer.take_rest());
                        }
                    }
                    if let Some(p) = &mut piped {
                        if p.write_all(&buf[..n]).is_err() {
                            break;
                        }
                        continue;
                    }
                    framer.push(&buf[..n]);
                    loop {
                        match framer.pop() {
                            Ok(Some((_, frame))) => {
                                let data = frame.to_vec();
                                if tx.send(Input::Client { ft, data }).is_err() {
                                    return;
                                }
                            }
                            Ok(None) => break,
                            // Out of sync: the only cure is closing (RFC 8656 §12.5).
                            Err(_) => {
                                let _ = tx.send(Input::TcpClosed { client });
                                return;
                            }
                        }
                    }
                }
                Err(e) if is_timeout(&e) => {}
                Err(_) => break,
            }
        }
        let _ = tx.send(Input::TcpClosed { client });
    });
}

/// The main thread's state.
struct Node {
    server: Server<StaticCredentials>,
    udp: UdpSocket,
    listen: SocketAddr,
    tcp: HashMap<SocketAddr, TcpStream>,
    relays: HashMap<SocketAddr, Relay>,
    /// Peer TCP connections waiting for their ConnectionBind (RFC 6062).
    peer_conns: HashMap<u32, TcpStream>,
    /// `--relay-ip` addresses.
    relay_ips: Vec<IpAddr>,
    pipes: Pipes,
    tx: Sender<Input>,
    stop: Arc<AtomicBool>,
    out: Vec<u8>,
    /// Refusals, with what to change, and the counters of error responses.
    log: ServeLog,
}

impl Node {
    /// Stops the relay readers and returns the server's counters.
    fn finish(&self) -> floe_turn::ServerStats {
        for relay in self.relays.values() {
            relay.stop.store(true, Ordering::SeqCst);
        }
        self.server.stats()
    }

    fn run(&mut self, rx: &Receiver<Input>) {
        while !self.stop.load(Ordering::Relaxed) {
            let now = Instant::now();
            let wait = self
                .server
                .poll_timeout()
                .map_or(POLL, |t| t.saturating_duration_since(now).min(POLL));
            match rx.recv_timeout(wait) {
                Ok(input) => {
                    self.handle(input);
                    // Take whatever else is queued before looking at timers again.
                    while let Ok(input) = rx.try_recv() {
                        self.handle(input);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            let now = Instant::now();
            if self.server.poll_timeout().is_some_and(|t| t <= now) {
                self.server.handle_timeout(now);
            }
            self.drain();
        }
    }

    fn handle(&mut self, input: Input) {
        let now = Instant::now();
        match input {
            Input::Client { ft, data } => {
                self.log.received(ft, &data);
                if let Some(out) = self.server.handle_receive(now, ft, &data)
                    && let Some(socket) =
                        self.relays.get(&out.relay).and_then(|r| r.socket.as_ref())
                {
                    let _ = socket.send_to(out.data, out.peer);
                }
            }
            Input::Peer { relay, peer, data } => {
                let mut out = core::mem::take(&mut self.out);
                if let Some(t) = self
                    .server
                    .handle_peer_data(now, relay, peer, &data, &mut out)
                {
                    self.send_to_client(t.five_tuple, &out);
                }
                self.out = out;
            }
            Input::TcpOpened { client, stream } => {
                self.tcp.insert(client, stream);
            }
            Input::PeerAccepted {
                relay,
                peer,
                stream,
            } => {
                if let Some(id) = self.server.tcp_peer_accepted(now, relay, peer) {
                    self.peer_conns.insert(id.0, stream);
                }
            }
            Input::PeerConnected { id, stream } => {
                let connected = stream.is_some();
                if self.server.tcp_connect_result(now, id, connected)
                    && let Some(s) = stream
                {
                    self.peer_conns.insert(id.0, s);
                }
            }
            Input::TcpClosed { client } => {
                self.tcp.remove(&client);
                let piped = self
                    .pipes
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&client);
                if let Some(peer) = piped {
                    let _ = peer.shutdown(Shutdown::Both);
                }
                let ft = FiveTuple {
                    remote: client,
                    local: self.listen,
                    transport: Transport::Tcp,
                };
                self.server.connection_closed(now, &ft);
            }
        }
        self.drain();
    }

    fn send_to_client(&mut self, ft: FiveTuple, data: &[u8]) {
        match ft.transport {
            Transport::Udp => {
                let _ = self.udp.send_to(data, ft.remote);
            }
            _ => {
                if let Some(s) = self.tcp.get_mut(&ft.remote)
                    && s.write_all(data).is_err()
                {
                    self.tcp.remove(&ft.remote);
                }
            }
        }
    }

    /// Sends the server's queued responses.
    fn send_transmits(&mut self) {
        while let Some(t) = self.server.poll_transmit() {
            let ft = FiveTuple::new(t.transport, t.source.unwrap_or(self.listen), t.destination);
            if let Some(line) = self.log.sent(t.destination, &t.contents) {
                eprintln!("{line}");
            }
            self.send_to_client(ft, &t.contents);
        }
    }

    /// Sends queued responses and acts on events.
    fn drain(&mut self) {
        self.send_transmits();
        while let Some(event) = self.server.poll_event() {
            match event {
                ServerEvent::RelayRequested(req) => {
                    let grant = self.open_relay(&req);
                    if !self.server.provide_relay(Instant::now(), req.id, grant)
                        && let Ok(g) = grant
                    {
                        self.close_relay(g.relayed);
                        if let Some(a) = g.additional {
                            self.close_relay(a);
                        }
                    }
                }
                ServerEvent::AllocationCreated {
                    five_tuple,
                    relayed,
                    username,
                    ..
                } => eprintln!(
                    "allocation: {username} from {} ({}) relayed on {relayed}",
                    five_tuple.remote, five_tuple.transport
                ),
                ServerEvent::QuotaReached {
                    five_tuple,
                    username,
                    quota,
                } => eprintln!("{}", self.log.quota_reached(&username, &five_tuple, quota)),
                ServerEvent::TcpConnectRequested { id, peer, .. } => {
                    serve_tcp::connect(id, peer, &self.tx);
                }
                ServerEvent::TcpConnectionBound { id, data, .. } => self.bind_pipe(id, data),
                ServerEvent::TcpConnectionClosed { id, .. } => {
                    if let Some(s) = self.peer_conns.remove(&id.0) {
                        let _ = s.shutdown(Shutdown::Both);
                    }
                }
                ServerEvent::RelayReleased {
                    relayed,
                    additional,
                    reason,
                    ..
                } => {
                    let why = match reason {
                        ReleaseReason::Deleted => "deleted by the client",
                        ReleaseReason::Expired => "expired",
                        ReleaseReason::ConnectionClosed => "connection closed",
                        _ => "released",
                    };
                    eprintln!("released: {relayed} ({why})");
                    self.close_relay(relayed);
                    if let Some(a) = additional {
                        self.close_relay(a);
                    }
                }
                _ => {}
            }
            // Answers produced by provide_relay.
            self.send_transmits();
        }
    }

    /// Pipes the bound data connection `data` and the peer connection `id` both ways.
    fn bind_pipe(&mut self, id: ConnectionId, data: FiveTuple) {
        let Some(peer) = self.peer_conns.remove(&id.0) else {
            return;
        };
        let (Some(client), Ok(peer_writer)) = (
            self.tcp.get(&data.remote).and_then(|s| s.try_clone().ok()),
            peer.try_clone(),
        ) else {
            let _ = peer.shutdown(Shutdown::Both);
            return;
        };
        self.pipes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(data.remote, peer_writer);
        serve_tcp::pipe_peer_to_client(peer, client, &self.stop);
    }

    fn open_relay(&mut self, req: &RelayRequest) -> Result<RelayGrant, RelayError> {
        if req.transport == RelayTransport::Tcp {
            let ip = self.relay_ip(req.family)?;
            let stop = Arc::new(AtomicBool::new(false));
            let relayed = serve_tcp::listen(ip, &self.tx, &stop, &self.stop)
                .map_err(|_| RelayError::InsufficientCapacity)?;
            self.relays.insert(relayed, Relay { socket: None, stop });
            return Ok(RelayGrant {
                relayed,
                additional: None,
            });
        }
        let relayed = self.bind_relay(req.family)?;
        let additional = req.additional_family.and_then(|f| self.bind_relay(f).ok());
        Ok(RelayGrant {
            relayed,
            additional,
        })
    }

    /// Binds a relay socket of `family` on the listening address (or the family's unspecified
    /// address when the listener is of the other family) and starts its reader.
    fn bind_relay(&mut self, family: AddressFamily) -> Result<SocketAddr, RelayError> {
        let ip = self.relay_ip(family)?;
        let socket = UdpSocket::bind(SocketAddr::new(ip, 0))
            .map_err(|_| RelayError::InsufficientCapacity)?;
        let addr = socket
            .local_addr()
            .map_err(|_| RelayError::InsufficientCapacity)?;
        let reader = socket
            .try_clone()
            .map_err(|_| RelayError::InsufficientCapacity)?;
        reader
            .set_read_timeout(Some(POLL))
            .map_err(|_| RelayError::InsufficientCapacity)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, stop_reader, global) =
            (self.tx.clone(), Arc::clone(&stop), Arc::clone(&self.stop));
        thread::spawn(move || {
            let mut buf = vec![0u8; 65_536];
            while !stop_reader.load(Ordering::Relaxed) && !global.load(Ordering::Relaxed) {
                if let Ok((n, peer)) = reader.recv_from(&mut buf) {
                    let input = Input::Peer {
                        relay: addr,
                        peer,
                        data: buf[..n].to_vec(),
                    };
                    if tx.send(input).is_err() {
                        return;
                    }
                }
            }
        });
        self.relays.insert(
            addr,
            Relay {
                socket: Some(socket),
                stop,
            },
        );
        Ok(addr)
    }

    /// The address relay sockets of `family` bind to: the listening address, or the family's
    /// unspecified address when the listener is of the other family.
    fn relay_ip(&self, family: AddressFamily) -> Result<IpAddr, RelayError> {
        let v4 = match family {
            AddressFamily::IPV4 => true,
            AddressFamily::IPV6 => false,
            _ => return Err(RelayError::FamilyNotSupported),
        };
        if let Some(ip) = self.relay_ips.iter().find(|ip| ip.is_ipv4() == v4) {
            return Ok(*ip);
        }
        let listen = self.listen.ip();
        match (v4, listen) {
            (true, IpAddr::V4(_)) | (false, IpAddr::V6(_)) if !listen.is_unspecified() => {
                Ok(listen)
            }
            (true, _) if listen.is_loopback() => Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            (false, _) if listen.is_loopback() => Ok(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            // A relayed address must be one peers can reach: 0.0.0.0 is not (use --relay-ip).
            _ => Err(RelayError::FamilyNotSupported),
        }
    }

    fn close_relay(&mut self, addr: SocketAddr) {
        if let Some(r) = self.relays.remove(&addr) {
            r.stop.store(true, Ordering::SeqCst);
        }
    }
}
