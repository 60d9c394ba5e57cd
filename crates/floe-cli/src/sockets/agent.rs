//! [`AgentSockets`]: the UDP sockets of one [`IceAgent`] and the TCP connections to TURN
//! servers it asks for, and the halves of its drive loop over them (send what the agent
//! queued, feed it what arrived, open and close the streams its events ask for).

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::io::{self, Read as _, Write as _};
use std::net::{TcpStream, UdpSocket};
use std::time::Instant;

use floe_ice::{FiveTuple, IceAgent, IceEvent, PairId, Transmit, Transport, TurnStreamId};
use rand::{RngExt as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use super::is_timeout;

/// Largest datagram read (a UDP payload on loopback can be this large).
const MAX_DATAGRAM: usize = 65_535;

/// How long opening a TCP connection to a TURN server may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Most bytes kept for a TURN stream that the kernel would not take yet.
const MAX_UNSENT: usize = 256 * 1024;

/// A TCP connection to a TURN server, opened for the agent (RFC 8656 §3.1).
#[derive(Debug)]
struct TurnConnection {
    id: TurnStreamId,
    stream: TcpStream,
    /// Local address and server: the flow its bytes go and come on.
    flow: FiveTuple,
    /// Bytes written by the agent that the kernel has not taken yet.
    unsent: Vec<u8>,
}

/// Counters of an [`AgentSockets`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SocketStats {
    /// Datagrams handed to the kernel.
    pub sent: u64,
    /// Datagrams the loss setting dropped instead of sending.
    pub dropped: u64,
    /// Datagrams read and given to the agent.
    pub received: u64,
    /// Bytes handed to the kernel.
    pub bytes_sent: u64,
    /// Sends the kernel refused (no route, ICMP errors): lost, as on a real network.
    pub send_errors: u64,
}

/// One non-blocking UDP socket per host address of an agent (ephemeral ports), with an
/// optional random loss on the way out, drawn from a seeded RNG so that a run can be repeated.
///
/// ```no_run
/// use std::time::Instant;
///
/// use floe_cli::sockets::AgentSockets;
/// use floe_ice::{IceAgent, IceConfig, Role};
///
/// let now = Instant::now();
/// let mut agent = IceAgent::new(IceConfig::new(Role::Controlling), now);
/// let stream = agent.add_stream(1)?;
/// let mut sockets = AgentSockets::bind(&["127.0.0.1".parse()?])?;
/// for &addr in sockets.local_addrs() {
///     agent.add_local_address(stream, 1, addr)?;
/// }
/// // ... signal, then loop:
/// sockets.send_all(&mut agent);
/// sockets.receive(&mut agent, Instant::now(), |_pair, data| println!("{} bytes", data.len()))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AgentSockets {
    sockets: Vec<UdpSocket>,
    locals: Vec<SocketAddr>,
    /// Probability of dropping an outgoing datagram.
    loss: f64,
    rng: ChaCha8Rng,
    buf: Vec<u8>,
    stats: SocketStats,
    /// TCP connections to TURN servers.
    streams: Vec<TurnConnection>,
}

impl AgentSockets {
    /// Binds one UDP socket on an ephemeral port of each of `ips`.
    ///
    /// # Errors
    /// The first bind or socket option that fails.
    pub fn bind(ips: &[IpAddr]) -> io::Result<Self> {
        let mut sockets = Vec::with_capacity(ips.len());
        let mut locals = Vec::with_capacity(ips.len());
        for &ip in ips {
            let s = UdpSocket::bind(SocketAddr::new(ip, 0))?;
            s.set_nonblocking(true)?;
            locals.push(s.local_addr()?);
            sockets.push(s);
        }
        Ok(Self {
            sockets,
            locals,
            loss: 0.0,
            rng: ChaCha8Rng::seed_from_u64(0),
            buf: vec![0; MAX_DATAGRAM],
            stats: SocketStats::default(),
            streams: Vec::new(),
        })
    }

    /// Drops each outgoing datagram with probability `percent` / 100, from an RNG seeded with
    /// `seed`.
    #[must_use]
    pub fn with_loss(mut self, percent: f64, seed: u64) -> Self {
        self.loss = (percent / 100.0).clamp(0.0, 1.0);
        self.rng = ChaCha8Rng::seed_from_u64(seed);
        self
    }

    /// The bound addresses, in the order of the IPs given to [`Self::bind`].
    #[must_use]
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.locals
    }

    /// What went through so far.
    #[must_use]
    pub const fn stats(&self) -> SocketStats {
        self.stats
    }

    /// Sends every datagram the agent has queued, from the socket bound to its source (the
    /// first socket of the destination's family when it names none). Datagrams for a source
    /// these sockets do not have are skipped; a send the kernel refuses (a full buffer, no
    /// route) is counted in [`SocketStats::send_errors`] and lost, as on a real network.
    pub fn send_all(&mut self, agent: &mut IceAgent) {
        while let Some(t) = agent.poll_transmit() {
            self.send(&t);
        }
    }

    /// Sends one datagram (e.g. what [`IceAgent::send`] returned) as [`Self::send_all`] does;
    /// bytes for a TURN stream go to its connection (kept while the kernel is not ready).
    pub fn send(&mut self, t: &Transmit) {
        if t.transport == Transport::Tcp {
            let Some(c) = self
                .streams
                .iter_mut()
                .find(|c| Some(c.flow.local) == t.source && c.flow.remote == t.destination)
            else {
                return;
            };
            self.stats.sent += 1;
            self.stats.bytes_sent += t.contents.len() as u64;
            if c.unsent.len() + t.contents.len() > MAX_UNSENT {
                self.stats.send_errors += 1;
                return;
            }
            c.unsent.extend_from_slice(&t.contents);
            flush(c);
            return;
        }
        if t.transport != Transport::Udp {
            return;
        }
        let socket = match t.source {
            Some(src) => self.locals.iter().position(|a| *a == src),
            None => self
                .locals
                .iter()
                .position(|a| a.is_ipv4() == t.destination.is_ipv4()),
        };
        let Some(i) = socket else { return };
        if self.loss > 0.0 && self.rng.random_bool(self.loss) {
            self.stats.dropped += 1;
            return;
        }
        self.stats.sent += 1;
        self.stats.bytes_sent += t.contents.len() as u64;
        if self.sockets[i].send_to(&t.contents, t.destination).is_err() {
            self.stats.send_errors += 1;
        }
    }

    /// One turn of the drive loop: the agent's due timers, everything waiting on the sockets
    /// (application data through `on_data`), then everything the agent wants to send.
    ///
    /// # Errors
    /// As [`Self::receive`].
    pub fn turn(
        &mut self,
        agent: &mut IceAgent,
        now: Instant,
        on_data: impl FnMut(PairId, &[u8]),
    ) -> io::Result<()> {
        if agent.poll_timeout().is_some_and(|t| t <= now) {
            agent.handle_timeout(now);
        }
        self.receive(agent, now, on_data)?;
        self.send_all(agent);
        Ok(())
    }

    /// Reads every datagram waiting on the sockets and hands it to the agent; application
    /// data comes back through `on_data` with its pair. Returns how many were read.
    ///
    /// # Errors
    /// A read error other than "nothing waiting" or an ICMP error reported on the socket.
    pub fn receive(
        &mut self,
        agent: &mut IceAgent,
        now: Instant,
        mut on_data: impl FnMut(PairId, &[u8]),
    ) -> io::Result<usize> {
        let mut n = 0;
        for (i, socket) in self.sockets.iter().enumerate() {
            loop {
                let (len, from) = match socket.recv_from(&mut self.buf) {
                    Ok(r) => r,
                    Err(e) if is_timeout(&e) => break,
                    // Linux reports an ICMP port unreachable on the next read.
                    Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => continue,
                    Err(e) => return Err(e),
                };
                n += 1;
                self.stats.received += 1;
                let flow = FiveTuple::new(Transport::Udp, self.locals[i], from);
                if let Ok(Some(r)) = agent.handle_receive(now, flow, &self.buf[..len]) {
                    on_data(r.pair, r.data);
                }
            }
        }
        n += self.receive_streams(agent, now, &mut on_data);
        Ok(n)
    }

    /// Reads the TURN streams: bytes in pieces of any size go to the agent, data it has
    /// unwrapped comes back through `on_data`; a stream the server closed is reported.
    fn receive_streams(
        &mut self,
        agent: &mut IceAgent,
        now: Instant,
        on_data: &mut impl FnMut(PairId, &[u8]),
    ) -> usize {
        let mut reads = 0;
        let mut closed = Vec::new();
        for c in &mut self.streams {
            flush(c);
            loop {
                match c.stream.read(&mut self.buf) {
                    Ok(0) => {
                        closed.push(c.id);
                        break;
                    }
                    Ok(len) => {
                        reads += 1;
                        self.stats.received += 1;
                        let _ = agent.handle_receive(now, c.flow, &self.buf[..len]);
                        while let Some(r) = agent.poll_received() {
                            on_data(r.pair, r.data);
                        }
                    }
                    Err(e) if is_timeout(&e) => break,
                    Err(_) => {
                        closed.push(c.id);
                        break;
                    }
                }
            }
        }
        for id in closed {
            self.streams.retain(|c| c.id != id);
            let _ = agent.turn_stream_closed(now, id);
        }
        reads
    }

    /// Carries out the stream requests among the agent's events: connects to a TURN server
    /// over TCP when asked (`ConnectTurnStream`; TLS is refused: this tool has no TLS stack)
    /// and closes a stream the agent is done with. Whether `event` was one of those.
    pub fn handle_event(&mut self, agent: &mut IceAgent, now: Instant, event: &IceEvent) -> bool {
        match *event {
            IceEvent::ConnectTurnStream {
                id,
                server,
                transport,
                ..
            } => {
                let opened = (transport == Transport::Tcp)
                    .then(|| TcpStream::connect_timeout(&server, CONNECT_TIMEOUT).ok())
                    .flatten()
                    .and_then(|stream| {
                        stream.set_nonblocking(true).ok()?;
                        stream.set_nodelay(true).ok()?;
                        let local = stream.local_addr().ok()?;
                        Some((stream, local))
                    });
                match opened {
                    Some((stream, local)) => {
                        self.streams.push(TurnConnection {
                            id,
                            stream,
                            flow: FiveTuple::new(Transport::Tcp, local, server),
                            unsent: Vec::new(),
                        });
                        let _ = agent.turn_stream_connected(now, id, local);
                    }
                    None => {
                        let _ = agent.turn_stream_failed(now, id);
                    }
                }
                true
            }
            IceEvent::CloseTurnStream { id } => {
                self.streams.retain(|c| c.id != id);
                true
            }
            _ => false,
        }
    }
}

/// Sleeps until `next` (the earliest timer of the agents being driven, or a deadline), at
/// most a millisecond: the sockets are polled, not waited on.
pub fn pause(now: Instant, next: Option<Instant>) {
    let d = next.map_or(POLL, |t| t.saturating_duration_since(now).min(POLL));
    if !d.is_zero() {
        std::thread::sleep(d);
    }
}

/// The longest [`pause`] between two turns.
const POLL: Duration = Duration::from_millis(1);

/// Writes what the kernel takes of a stream's unsent bytes.
fn flush(c: &mut TurnConnection) {
    while !c.unsent.is_empty() {
        match c.stream.write(&c.unsent) {
            Ok(0) => return,
            Ok(n) => {
                c.unsent.drain(..n);
            }
            Err(_) => return,
        }
    }
}
