//! Sans-I/O TURN (RFC 8656, compatible with RFC 5766 servers and clients): a client state
//! machine that obtains relayed candidates, and a server core a relay operator can embed.
//!
//! # Sans-I/O
//!
//! Nothing here touches a socket, a clock or global randomness. Both sides are driven the
//! same way:
//!
//! 1. feed input: `handle_receive(now, ...)` (and on the server `handle_peer_data`); data
//!    for the application comes back from it borrowed, never copied (the client's
//!    [`Received`], the server's [`PeerTransmit`]); a stream client then drains
//!    `poll_received(now)` ([`Client::receive_until`] does both for a driver waiting for
//!    one payload);
//! 2. drain `poll_transmit()` and send each [`Transmit`] (the client writes application data
//!    into the caller's buffer with `send_to` instead);
//! 3. drain `poll_event()`;
//! 4. call `handle_timeout(now)` when `poll_timeout()` is reached.
//!
//! `now` is an [`std::time::Instant`] the caller provides and that never goes backwards.
//! Randomness (transaction ids, the server's nonce key) comes from a ChaCha20 CSPRNG seeded
//! through the configuration.
//!
//! # Quick start: client and server in one process
//!
//! ```
//! use std::time::Instant;
//! use floe_turn::*;
//!
//! let now = Instant::now();
//! let server_addr = "192.0.2.1:3478".parse().unwrap();
//! let client_addr = "198.51.100.7:50000".parse().unwrap();
//! let mut config = ServerConfig::new("example.org");
//! config.rng_seed = Some([1; 32]);
//! let users = StaticCredentials::new().with_user("alice", "secret");
//! let mut server = Server::new(config, users, now);
//!
//! let mut ccfg = ClientConfig::new(server_addr, "alice", "secret");
//! ccfg.rng_seed = Some([2; 32]);
//! let mut client = Client::new(ccfg);
//! client.allocate(now).unwrap();
//!
//! let ft = FiveTuple::new(Transport::Udp, server_addr, client_addr); // the server's view
//! // Shuttle messages until the client reports the allocation.
//! let relayed = loop {
//!     while let Some(t) = client.poll_transmit() {
//!         server.handle_receive(now, ft, &t.contents);
//!     }
//!     while let Some(ServerEvent::RelayRequested(req)) = server.poll_event() {
//!         let grant = RelayGrant { relayed: "192.0.2.1:49152".parse().unwrap(), additional: None };
//!         server.provide_relay(now, req.id, Ok(grant));
//!     }
//!     while let Some(t) = server.poll_transmit() {
//!         client.handle_receive(now, server_addr, &t.contents).unwrap();
//!     }
//!     if let Some(TurnEvent::Allocated { relayed, .. }) = client.poll_event() {
//!         break relayed;
//!     }
//! };
//! assert_eq!(relayed, "192.0.2.1:49152".parse().unwrap());
//!
//! // Data path: the client writes into a buffer it reuses; peer data comes back borrowed.
//! let peer: std::net::SocketAddr = "203.0.113.5:7000".parse().unwrap();
//! let mut out = Vec::new();
//! assert!(client.send_to(peer, b"hi", &mut out).is_err()); // no permission yet
//! # let _ = out;
//! ```
//!
//! # Over real sockets: the drive loops on 127.0.0.1
//!
//! The server's loop and the client's, each over a `std::net::UdpSocket`: wait for a
//! datagram no longer than [`Server::poll_timeout`] / [`Client::poll_timeout`], hand it to
//! `handle_receive`, call `handle_timeout` once the deadline has passed, then drain
//! `poll_event` and `poll_transmit`. The server opens a relay socket when asked
//! ([`ServerEvent::RelayRequested`]). The client allocates, then deletes its allocation.
//!
//! ```
//! use std::io::ErrorKind;
//! use std::net::UdpSocket;
//! use std::time::{Duration, Instant};
//! use floe_turn::*;
//!
//! /// Blocks on `socket` until a datagram or `deadline` (`None`: a second at most).
//! fn receive(socket: &UdpSocket, deadline: Option<Instant>, buf: &mut [u8])
//!     -> std::io::Result<Option<(usize, std::net::SocketAddr)>> {
//!     let wait = deadline.map_or(Duration::from_secs(1), |d| d.saturating_duration_since(Instant::now()));
//!     socket.set_read_timeout(Some(wait.max(Duration::from_millis(1))))?;
//!     match socket.recv_from(buf) {
//!         Ok(received) => Ok(Some(received)),
//!         Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(None),
//!         Err(e) => Err(e),
//!     }
//! }
//!
//! fn serve(socket: UdpSocket) -> std::io::Result<()> {
//!     let local = socket.local_addr()?;
//!     let users = StaticCredentials::new().with_user("alice", "secret");
//!     let mut server = Server::new(ServerConfig::new("example.org"), users, Instant::now());
//!     let (mut relays, mut buf) = (Vec::new(), [0u8; 1500]);
//!     loop {
//!         if let Some((n, from)) = receive(&socket, server.poll_timeout(), &mut buf)? {
//!             let flow = FiveTuple::new(Transport::Udp, local, from);
//!             if let Some(to_peer) = server.handle_receive(Instant::now(), flow, &buf[..n]) {
//!                 // Client data for a peer: send it from the relay socket `to_peer.relay`.
//! #               let _ = to_peer;
//!             }
//!         }
//!         let now = Instant::now();
//!         if server.poll_timeout().is_some_and(|at| at <= now) {
//!             server.handle_timeout(now);
//!         }
//!         while let Some(event) = server.poll_event() {
//!             if let ServerEvent::RelayRequested(request) = event {
//!                 let relay = UdpSocket::bind("127.0.0.1:0")?;
//!                 let grant = RelayGrant { relayed: relay.local_addr()?, additional: None };
//!                 relays.push(relay); // a real server reads it: handle_peer_data
//!                 server.provide_relay(Instant::now(), request.id, Ok(grant));
//!             }
//!         }
//!         while let Some(t) = server.poll_transmit() {
//!             socket.send_to(&t.contents, t.destination)?;
//!         }
//!     }
//! }
//!
//! /// Drives `client` over `socket` until `done` accepts one of its events.
//! fn drive<T>(client: &mut Client, socket: &UdpSocket, mut done: impl FnMut(TurnEvent) -> Option<T>)
//!     -> Result<T, Box<dyn std::error::Error>> {
//!     let (give_up, mut buf) = (Instant::now() + Duration::from_secs(5), [0u8; 1500]);
//!     loop {
//!         while let Some(t) = client.poll_transmit() {
//!             socket.send_to(&t.contents, t.destination)?;
//!         }
//!         while let Some(event) = client.poll_event() {
//!             if let TurnEvent::Failed { reason } = &event {
//!                 return Err(format!("{reason}").into());
//!             }
//!             if let Some(value) = done(event) {
//!                 return Ok(value);
//!             }
//!         }
//!         assert!(Instant::now() < give_up, "the server does not answer");
//!         if let Some((n, from)) = receive(socket, client.poll_timeout(), &mut buf)? {
//!             // Data from peers comes back as `Some(Received)`, borrowing `buf`.
//!             let _ = client.handle_receive(Instant::now(), from, &buf[..n]);
//!         }
//!         let now = Instant::now();
//!         if client.poll_timeout().is_some_and(|at| at <= now) {
//!             client.handle_timeout(now);
//!         }
//!     }
//! }
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let server_socket = UdpSocket::bind("127.0.0.1:0")?;
//!     let server = server_socket.local_addr()?;
//!     std::thread::spawn(move || serve(server_socket));
//!
//!     let socket = UdpSocket::bind("127.0.0.1:0")?;
//!     let mut client = Client::new(ClientConfig::new(server, "alice", "secret"));
//!     client.allocate(Instant::now())?;
//!     let relayed = drive(&mut client, &socket, |event| match event {
//!         TurnEvent::Allocated { relayed, .. } => Some(relayed),
//!         _ => None,
//!     })?;
//!     assert_eq!(relayed.ip(), server.ip());
//!     client.close(Instant::now())?;
//!     drive(&mut client, &socket, |event| matches!(event, TurnEvent::Closed).then_some(()))?;
//!     Ok(())
//! }
//! ```
//!
//! # RFC checklist
//!
//! - [x] RFC 8656 Allocate, Refresh (and delete), CreatePermission, ChannelBind, Send and Data
//!   indications, ChannelData, dual stack (REQUESTED-/ADDITIONAL-ADDRESS-FAMILY)
//! - [x] RFC 8489 §9.2 long-term credentials, PASSWORD-ALGORITHMS (MD5, SHA-256),
//!   MESSAGE-INTEGRITY-SHA256, 438 Stale Nonce, 300 Try Alternate
//! - [x] RFC 8489 §6.2 retransmissions (UDP) and stream framing (TCP/TLS owned by the caller)
//! - [x] REST-style ephemeral credentials (coturn `use-auth-secret`)
//! - [x] RFC 6062 TCP allocations (Connect, ConnectionBind, ConnectionAttempt), client and
//!   server, sockets owned by the caller
//! - [ ] EVEN-PORT reservations (RESERVATION-TOKEN is refused)
//! - [ ] ICMP relaying (RFC 8656 §11.5)
//!
//! # Server relay path
//!
//! The hot path allocates nothing: client data comes back as a [`PeerTransmit`] borrowing
//! the input, and peer data is framed into a buffer the caller reuses.
//!
//! ```
//! # use std::time::Instant;
//! # use floe_turn::*;
//! # fn relay(server: &mut Server<StaticCredentials>, ft: FiveTuple, datagram: &[u8],
//! #          relayed: std::net::SocketAddr, peer: std::net::SocketAddr, out: &mut Vec<u8>) {
//! let now = Instant::now();
//! if let Some(t) = server.handle_receive(now, ft, datagram) {
//!     // send t.data from the relay socket t.relay to t.peer
//! #   let _ = (t.relay, t.peer, t.data);
//! }
//! if let Some(to) = server.handle_peer_data(now, relayed, peer, b"from the peer", out) {
//!     // send `out` to to.five_tuple.remote from to.five_tuple.local
//! #   let _ = to;
//! }
//! # }
//! ```
//!
//! # Design
//!
//! - **The embedder owns every socket.** The server asks for relay sockets with
//!   [`ServerEvent::RelayRequested`] and is answered with [`Server::provide_relay`]; RFC 6062
//!   connections work the same way ([`ServerEvent::TcpConnectRequested`],
//!   [`Server::tcp_peer_accepted`]). Nothing blocks inside the state machine.
//! - **No state before authentication.** Challenges carry stateless nonces: a timestamp, the
//!   client port and an HMAC over them and the whole 5-tuple under a key drawn from the seeded
//!   RNG. They expire (438), cannot be forged, and cannot be replayed from another port (only
//!   RFC 6062 ConnectionBind, which comes from a new port, may); a request that does not
//!   authenticate leaves nothing behind (checked by `tests/prop_server.rs`). Quotas bound
//!   allocations per user, per client IP and in total.
//! - **Responses must be authenticated.** The client applies a response to a signed request
//!   only when it carries the request's kind of MESSAGE-INTEGRITY and verifies (401 and 438
//!   excepted, RFC 8489 §9.2.5), and ignores a success to the unsigned first Allocate unless
//!   [`ClientConfig::allow_unauthenticated_server`] is set (RFC 8656 §7.2).
//! - **Channel numbers real peers use.** By default the server accepts ChannelBind for
//!   0x4000–0x7FFF (RFC 5766 §11), the range Chrome, coturn's clients and baresip pick from,
//!   over UDP and streams; [`ServerConfig::channel_range`] set to [`ChannelRange::Rfc8656`] is
//!   strict RFC 8656 §12.2 (0x4000–0x4FFF). The client always picks from RFC 8656's range.
//! - **Small allocations.** About 660 bytes of server state per allocation with one permission
//!   and one channel ([`Server::memory_usage`]).
//!
//! The compliance matrix with the proving tests: `docs/rfc-compliance.md`; speed:
//! `docs/benchmarks.md`.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]

mod auth;
mod client;
mod framing;
mod hash;
mod policy;
mod rng;
mod server;
mod types;
mod wire;

pub use auth::{CredentialLookup, LongTermKey, RestCredentials, Secret, StaticCredentials};
pub use client::{
    CHANNEL_REFRESH, Client, ClientConfig, ClientError, ClientState, DEFAULT_RC, DEFAULT_RTO,
    DataConnection, DataConnectionState, Failure, PERMISSION_REFRESH, ReceiveError, Received,
    TurnEvent,
};
pub use floe_stun::attributes::ConnectionId;
pub use floe_stun::channel_data::ChannelRange;
pub use floe_stun::framing::{FrameKind, FramingError};
pub use floe_stun::{AddressFamily, AttributeType, ErrorCode, PasswordAlgorithm};
pub use framing::{StreamFramer, frame_len};
pub use policy::{IpPrefix, PeerPolicy, Quota, Quotas};
pub use server::{
    AllocationInfo, CHANNEL_HOLD_DOWN, CHANNEL_LIFETIME, CONNECTION_BIND_TIMEOUT, ClientTransmit,
    DEFAULT_ALLOCATION_LIFETIME, DEFAULT_NONCE_LIFETIME, MAX_ALLOCATION_LIFETIME, MemoryUsage,
    PERMISSION_LIFETIME, PeerTransmit, RelayError, RelayGrant, RelayRequest, RelayRequestId,
    ReleaseReason, Server, ServerConfig, ServerEvent, ServerStats, TcpCloseReason,
};
pub use types::{
    CHANNEL_MAX, CHANNEL_MIN, FiveTuple, RFC5766_CHANNEL_MAX, RelayTransport, Transmit, Transport,
    is_valid_channel,
};
