//! A deterministic, seeded, in-process network for testing and benchmarking sans-I/O
//! connectivity machines: hosts, NATs with the behaviours of RFC 4787, lossy links, and
//! built-in STUN and TURN servers.
//!
//! # Sans-I/O
//!
//! The network is itself a machine driven like every other Floe machine, and it does not
//! know what it carries: it moves [`Transmit`]s (the vocabulary of `floe_stun::net`) between
//! hosts and hands them out as [`Delivery`]s.
//!
//! 1. [`Network::send`] a machine's transmit from its host, at `now`;
//! 2. ask [`Network::poll_timeout`] when something next arrives, and the machines when they
//!    next want their timeouts;
//! 3. move to the earliest of those instants: [`Network::poll_delivery`] until `None`,
//!    handing each delivery to its machine, then the machines' `handle_timeout`;
//! 4. go to 1.
//!
//! [`run::Driver`] does this for any set of [`run::Endpoint`]s, bounded by a deadline and a
//! step limit. Time only moves through the API: the clock starts at an `Instant` read once by
//! [`Network::new`] (or given to [`Network::with_epoch`]) and never goes backwards. Every
//! random draw (loss, jitter, duplication, reordering, NAT port choice, server seeds) comes
//! from one ChaCha20 RNG seeded with the seed, so the same seed and the same inputs give the
//! same trace.
//!
//! # Quick start: a host behind a NAT learns its mapped address
//!
//! ```
//! use std::time::Duration;
//! use floe_netsim::{HostConfig, NatConfig, Network, probe};
//! use floe_stun::net::{Transmit, Transport};
//!
//! let mut net = Network::new(42);
//! let stun = net.add_stun_server();
//! let nat = net.add_nat(NatConfig::symmetric());
//! let host = net.add_host(HostConfig::behind(nat));
//!
//! let request = Transmit {
//!     transport: Transport::Udp,
//!     source: None, // the host's first address, default port 5000
//!     destination: stun,
//!     contents: probe::binding_request([1; 12]),
//! };
//! net.send(net.now(), host, request).unwrap();
//!
//! let deadline = net.now() + Duration::from_secs(1);
//! let response = net.next_delivery(deadline).expect("the server answers");
//! assert_eq!(response.host, host);
//! assert_eq!(response.five_tuple.remote, stun);
//! assert_eq!(response.five_tuple.local, net.host_addr(host));
//! let mapped = probe::mapped_address(&response.contents).unwrap();
//! assert_eq!(mapped.ip(), net.nat_external(nat)[0]);
//! assert_ne!(mapped, net.host_addr(host));
//! // Two 20 ms legs.
//! assert_eq!(response.at - net.epoch(), Duration::from_millis(40));
//! ```
//!
//! # Model
//!
//! - **Addresses** come from documentation and benchmarking ranges (see [`addr`]) and are
//!   unique network-wide; an address is only reachable from its own realm (the internet, or
//!   the inside of one NAT), so a private address of another network is unroutable.
//! - **NATs** translate on the way out when a datagram is sent, and on the way in when it
//!   arrives, so a pinhole opened while a packet is in flight lets it in (simultaneous open
//!   works as in life). Mapping, filtering, hairpinning, port preservation and the mapping
//!   timeout follow [`NatConfig`]; NATs can sit behind NATs.
//! - **Links**: one [`LinkConfig`] for the network, optionally one per sending host. Packets
//!   of one flow keep their order under jitter unless the reordering draw holds one back.
//! - **Servers**: [`Network::add_stun_server`] answers Binding requests with
//!   `floe_stun::binding::BindingResponder`; [`Network::add_turn_server`] runs
//!   `floe_turn::Server` and owns its relay sockets (ports of the server's addresses).
//! - **UDP only**: other transports are refused ([`SendError::UnsupportedTransport`]).
//!
//! What happened is counted in [`NetStats`].

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]

extern crate alloc;

pub mod addr;
mod link;
mod nat;
mod network;
pub mod probe;
pub mod run;
mod servers;
mod types;

pub use floe_stun::net::{Bytes, FiveTuple, Transmit, Transport};
pub use link::LinkConfig;
pub use nat::{Filtering, Mapping, NatConfig};
pub use network::Network;
pub use servers::{STUN_PORT, TurnServerConfig};
pub use types::{Delivery, HostConfig, HostId, NatId, NetStats, SendError};
