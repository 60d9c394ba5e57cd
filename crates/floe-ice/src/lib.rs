//! A sans-I/O ICE agent (RFC 8445): gathers candidates, checks candidate pairs, nominates,
//! keeps consent (RFC 7675), and hands every datagram to the embedder, who owns the sockets and
//! the clock.
//!
//! # Sans-I/O
//! The agent never touches a socket, a clock or global randomness. The embedder:
//! 1. registers the addresses it has UDP sockets on ([`IceAgent::add_local_address`]), STUN
//!    servers, and the peer's credentials and candidates as signalling brings them
//!    ([`IceAgent::set_remote_credentials`], [`IceAgent::add_remote_candidate`] at any time,
//!    RFC 8838 trickle);
//! 2. passes every datagram received to [`IceAgent::handle_receive`] with its flow
//!    ([`FiveTuple`]: the socket's address and the sender's); application data comes back
//!    borrowed;
//! 3. drains [`IceAgent::poll_transmit`] (send each [`Transmit`] from `source` to
//!    `destination`), then [`IceAgent::poll_event`];
//! 4. calls [`IceAgent::handle_timeout`] when [`IceAgent::poll_timeout`] is reached.
//!
//! TURN servers reached over TCP or TLS ([`TurnServer::with_transport`], RFC 8656 §3.1) add
//! streams to the loop, still owned by the embedder: it opens one on
//! [`IceEvent::ConnectTurnStream`] and answers [`IceAgent::turn_stream_connected`] (or
//! [`IceAgent::turn_stream_failed`]); it writes the transmits whose flow is the stream's,
//! hands what it reads to [`IceAgent::handle_receive`] with the stream's flow (any piece
//! size: the agent frames), drains [`IceAgent::poll_received`] for the application data that
//! came that way, reports [`IceAgent::turn_stream_closed`], and closes a stream on
//! [`IceEvent::CloseTurnStream`].
//!
//! Time comes in as `Instant` and must never go backwards. Credentials, the tie-breaker,
//! transaction ids and consent jitter come from a ChaCha12 CSPRNG seeded through
//! [`IceConfig::rng_seed`], so a run can be replayed.
//!
//! # Quick start: two agents in one process
//! ```
//! use std::time::Instant;
//! use floe_ice::{ConnectionState, IceAgent, IceConfig, IceEvent, Role, StreamId};
//! use floe_stun::net::{FiveTuple, Transport};
//!
//! fn agent(role: Role, seed: u8, addr: &str, now: Instant) -> (IceAgent, StreamId) {
//!     let mut config = IceConfig::new(role);
//!     config.rng_seed = Some([seed; 32]);
//!     let mut agent = IceAgent::new(config, now);
//!     let stream = agent.add_stream(1).unwrap();
//!     agent.add_local_address(stream, 1, addr.parse().unwrap()).unwrap();
//!     agent.gather(now);
//!     (agent, stream)
//! }
//!
//! /// Signalling: `from`'s credentials and candidates to `to`.
//! fn signal(from: &mut IceAgent, to: &mut IceAgent, stream: StreamId, now: Instant) {
//!     to.set_remote_credentials(now, from.local_credentials().clone());
//!     while let Some(event) = from.poll_event() {
//!         if let IceEvent::LocalCandidate { candidate, .. } = event {
//!             to.add_remote_candidate(now, stream, &candidate).unwrap();
//!         }
//!     }
//! }
//!
//! /// The network: every datagram `from` sends arrives at `to` at once.
//! fn deliver(from: &mut IceAgent, to: &mut IceAgent, now: Instant) -> bool {
//!     let mut moved = false;
//!     while let Some(t) = from.poll_transmit() {
//!         let flow = FiveTuple::new(Transport::Udp, t.destination, t.source.unwrap());
//!         to.handle_receive(now, flow, &t.contents).unwrap();
//!         moved = true;
//!     }
//!     moved
//! }
//!
//! let mut now = Instant::now();
//! let (mut a, sa) = agent(Role::Controlling, 1, "192.0.2.1:5000", now);
//! let (mut b, sb) = agent(Role::Controlled, 2, "192.0.2.2:6000", now);
//! signal(&mut a, &mut b, sb, now);
//! signal(&mut b, &mut a, sa, now);
//! // The drive loop: deliver what is sent, else advance time to the next timer.
//! for _ in 0..1000 {
//!     let moved = deliver(&mut a, &mut b, now) | deliver(&mut b, &mut a, now);
//!     if a.state() == ConnectionState::Connected && b.state() == ConnectionState::Connected {
//!         break;
//!     }
//!     if !moved {
//!         now = [a.poll_timeout(), b.poll_timeout()].into_iter().flatten().min().unwrap();
//!         a.handle_timeout(now);
//!         b.handle_timeout(now);
//!     }
//! }
//! assert_eq!(a.state(), ConnectionState::Connected);
//! assert_eq!(a.selected_pair(sa, 1).unwrap().remote, "192.0.2.2:6000".parse().unwrap());
//! assert_eq!(b.selected_pair(sb, 1).unwrap().remote, "192.0.2.1:5000".parse().unwrap());
//! ```
//!
//! # Over real sockets: two agents on 127.0.0.1
//! The same drive loop over `std::net::UdpSocket`s, one per agent, bound to ephemeral ports on
//! the loopback address, in one thread: the sockets are non-blocking and the loop sleeps at
//! most a millisecond between turns. Each turn fires the agent's timer when
//! [`IceAgent::poll_timeout`] is reached, sends every transmit, and hands every datagram read
//! to [`IceAgent::handle_receive`]. Once both are connected, [`IceAgent::send`] frames
//! application data for the selected pair, and it comes back out of `handle_receive` on the
//! other side.
//! ```
//! use std::io::ErrorKind;
//! use std::net::UdpSocket;
//! use std::time::{Duration, Instant};
//! use floe_ice::{ConnectionState, FiveTuple, IceAgent, IceConfig, IceEvent, Role, StreamId};
//! use floe_ice::Transport;
//!
//! /// An agent and the socket of its one host candidate.
//! struct Peer {
//!     agent: IceAgent,
//!     stream: StreamId,
//!     socket: UdpSocket,
//! }
//!
//! fn peer(role: Role) -> std::io::Result<Peer> {
//!     let socket = UdpSocket::bind("127.0.0.1:0")?; // an ephemeral port
//!     socket.set_nonblocking(true)?;
//!     let mut agent = IceAgent::new(IceConfig::new(role), Instant::now());
//!     let stream = agent.add_stream(1).unwrap();
//!     agent.add_local_address(stream, 1, socket.local_addr()?).unwrap();
//!     Ok(Peer { agent, stream, socket })
//! }
//!
//! impl Peer {
//!     /// One turn of the drive loop; the application data that arrived, if any.
//!     fn turn(&mut self) -> std::io::Result<Option<Vec<u8>>> {
//!         let now = Instant::now();
//!         if self.agent.poll_timeout().is_some_and(|at| at <= now) {
//!             self.agent.handle_timeout(now);
//!         }
//!         // One socket: every transmit's source is its address.
//!         while let Some(t) = self.agent.poll_transmit() {
//!             self.socket.send_to(&t.contents, t.destination)?;
//!         }
//!         let (local, mut data, mut buf) = (self.socket.local_addr()?, None, [0; 1500]);
//!         loop {
//!             let (n, from) = match self.socket.recv_from(&mut buf) {
//!                 Ok(received) => received,
//!                 Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(data),
//!                 Err(e) => return Err(e),
//!             };
//!             let flow = FiveTuple::new(Transport::Udp, local, from);
//!             if let Ok(Some(r)) = self.agent.handle_receive(Instant::now(), flow, &buf[..n]) {
//!                 data = Some(r.data.to_vec());
//!             }
//!         }
//!     }
//! }
//!
//! /// Signalling, here a function call: `from`'s credentials and candidates to `to`.
//! fn signal(from: &mut Peer, to: &mut Peer) {
//!     to.agent.set_remote_credentials(Instant::now(), from.agent.local_credentials().clone());
//!     while let Some(event) = from.agent.poll_event() {
//!         if let IceEvent::LocalCandidate { candidate, .. } = event {
//!             to.agent.add_remote_candidate(Instant::now(), to.stream, &candidate).unwrap();
//!         }
//!     }
//! }
//!
//! /// Sends `data` from `from` to `to` on the selected pair; what `to` received.
//! fn exchange(
//!     from: &mut Peer,
//!     to: &mut Peer,
//!     data: &[u8],
//!     deadline: Instant,
//! ) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
//!     let t = from.agent.send(from.stream, 1, data)?;
//!     from.socket.send_to(&t.contents, t.destination)?;
//!     loop {
//!         assert!(Instant::now() < deadline, "no data");
//!         if let Some(received) = to.turn()? {
//!             return Ok(received);
//!         }
//!         std::thread::sleep(Duration::from_millis(1));
//!     }
//! }
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let (mut a, mut b) = (peer(Role::Controlling)?, peer(Role::Controlled)?);
//!     signal(&mut a, &mut b);
//!     signal(&mut b, &mut a);
//!     let deadline = Instant::now() + Duration::from_secs(2);
//!     let connected = |p: &Peer| p.agent.state() == ConnectionState::Connected;
//!     while !(connected(&a) && connected(&b)) {
//!         assert!(Instant::now() < deadline, "not connected");
//!         a.turn()?;
//!         b.turn()?;
//!         while a.agent.poll_event().is_some() || b.agent.poll_event().is_some() {}
//!         std::thread::sleep(Duration::from_millis(1));
//!     }
//!     // Data on the selected pair, both ways.
//!     assert_eq!(exchange(&mut a, &mut b, b"ping", deadline)?, b"ping");
//!     assert_eq!(exchange(&mut b, &mut a, b"pong", deadline)?, b"pong");
//!     Ok(())
//! }
//! ```
//!
//! # RFC checklist
//! - [x] RFC 8445 §5.1 host and server-reflexive candidates, priorities (§5.1.2, RFC 8421
//!   dual-stack local preference), foundations (§5.1.1.3), redundancy (§5.1.3)
//! - [x] RFC 8445 §5.3 credentials (48-bit ufrag, 144-bit password from the seeded CSPRNG)
//! - [x] RFC 8445 §6.1.2 checklists per stream, pair formation, pruning at `max_pairs`,
//!   frozen/waiting/in-progress/succeeded/failed, foundation unfreezing
//! - [x] RFC 8445 §6.1.4 Ta pacing, triggered-check queue; §14.3 RTO
//! - [x] RFC 8445 §7.2.4 checks with PRIORITY, role attribute, USE-CANDIDATE, MI, FINGERPRINT
//! - [x] RFC 8445 §7.2.5 responses: authenticated first, symmetric flows, local
//!   peer-reflexive candidates, 487 role switch (stale 487s ignored)
//! - [x] RFC 8445 §7.3 incoming checks: authenticated first (400/401 otherwise, no state),
//!   role conflict (487 or switch), remote peer-reflexive candidates, triggered checks,
//!   nomination as controlled
//! - [x] RFC 8445 §8.1.1 regular nomination; ICE-lite (§2.5) both ways
//! - [x] RFC 7675 consent freshness: 4–6 s checks, 30 s expiry, 403 revokes, data never
//!   refreshes
//! - [x] RFC 8838 trickle: candidates as events, remote candidates at any time,
//!   end-of-candidates both ways
//! - [x] RFC 8445 §5.1.1.2 relayed candidates through `floe-turn` clients, permissions per
//!   paired peer, a channel for the selected pair, data wrapped and unwrapped; failures
//!   reported ([`IceEvent::RelayFailed`])
//! - [x] RFC 8656 §3.1 TCP and TLS to the TURN server over streams the embedder opens on
//!   request (bounded, with a connect timeout), framed by the client (RFC 8656 §12.5)
//! - [x] RFC 8445 §9 ICE restart, local or by the peer (RFC 8839 §4.4.1.1): the old selected
//!   pairs carry data and keep consent with the old credentials until the new generation
//!   selects
//! - [x] Nomination from every kind of peer: regular, aggressive (highest-priority
//!   nominated pair wins), renomination with NOMINATION alone or with USE-CANDIDATE (the
//!   highest value wins, stale values ignored); renomination as controlling
//!   ([`IceConfig::renomination`]); USE-CANDIDATE on consent checks toward ICE-lite peers
//! - [x] mDNS names: remote `.local` candidates resolved by the embedder on request
//!   (bounded), local host candidates announced by name
//! - [ ] TCP candidates (RFC 6544): planned
//!
//! Design notes and the compliance matrix: `docs/architecture.md`, `docs/rfc-compliance.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]

mod agent;
mod arena;
mod candidates;
mod checks;
mod config;
mod consent;
mod credentials;
mod error;
mod event;
mod gather;
mod id;
mod idmap;
mod mdns;
mod nomination;
mod relay;
mod remove;
mod responder;
mod restart;
mod rng;
mod signalled;
mod state;
mod turn_stream;

pub use agent::IceAgent;
pub use config::{
    CONSENT_INTERVAL, CONSENT_TIMEOUT, DEFAULT_CHECK_RTO, DEFAULT_CHECK_SENDS,
    DEFAULT_DISCONNECTED_TIMEOUT, DEFAULT_MAX_PAIRS, DEFAULT_MAX_PENDING_TURN_STREAMS,
    DEFAULT_MAX_TURN_STREAM_BUFFER, DEFAULT_NOMINATION_TIMEOUT, DEFAULT_TA,
    DEFAULT_TURN_CONNECT_TIMEOUT, IceConfig, Role,
};
pub use credentials::Credentials;
pub use error::IceError;
pub use event::{ConnectionState, IceEvent, RelayFailure};
pub use floe_stun::framing::FramingError;
pub use floe_stun::net::{FiveTuple, Transmit, Transport};
pub use floe_turn::Failure as TurnFailure;
pub use id::{CandidateId, PairId, StreamId, TurnStreamId};
pub use relay::TurnServer;
pub use responder::Received;
pub use state::{CandidateInfo, PairInfo, PairState, PairStats};
