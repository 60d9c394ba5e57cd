//! NAT behaviour discovery (RFC 5780): what kind of NAT is between this host and a STUN
//! server, in RFC 4787 terms and by its classic name, with the evidence for every verdict.
//!
//! # Sans-I/O
//! [`Discovery`] never touches a socket, a clock or global randomness. Drive it like Floe's
//! other machines:
//! 1. create it with a [`DiscoveryConfig`] and `now`: mapping test I is ready to send;
//! 2. drain [`Discovery::poll_event`]: open a fresh UDP socket for every
//!    [`Event::OpenSocket`] and report it ([`Discovery::socket_opened`], or
//!    [`Discovery::socket_failed`]); [`Event::Finished`] ends the run;
//! 3. drain [`Discovery::poll_transmit`] and send each [`Transmit`] from the socket it names;
//! 4. wait for a datagram on any socket ([`Discovery::handle_receive`]) or until
//!    [`Discovery::poll_timeout`] ([`Discovery::handle_timeout`]), and go to 2;
//! 5. read [`Discovery::report`].
//!
//! `now` never goes backwards. Transaction ids come from a ChaCha20 generator seeded by
//! [`DiscoveryConfig::rng_seed`].
//!
//! # Method
//! Mapping test I (RFC 5780 §4.3) learns the mapped address and the server's OTHER-ADDRESS.
//! Then, side by side: mapping tests II and III from the same socket to the other IP address
//! and the other address; filtering tests I–III (§4.4) from a fresh socket that has talked to
//! nobody else, asking the server to answer from another IP and port, then another port; and
//! a request to the own mapped address (hairpinning, §4.5). Tests where silence is the answer
//! wait [`ProbeTimers::window`] (1.1 s by default); the others follow RFC 8489 §6.2.1.
//! `docs/nat-discovery.md` has the decision table and what each verdict means for ICE.
//!
//! # Quick start
//! ```
//! use std::time::Instant;
//! use floe_nat::{Discovery, DiscoveryConfig, Event, Lacks, Unknown};
//! use floe_stun::attributes::XorMappedAddress;
//! use floe_stun::{Class, Message, MessageBuilder, MessageType, Method};
//!
//! let server = "192.0.2.1:3478".parse().unwrap();
//! let mut config = DiscoveryConfig::new(server, "10.0.0.2:5000".parse().unwrap());
//! config.rng_seed = Some([1; 32]);
//! let now = Instant::now();
//! let mut d = Discovery::new(config, now);
//!
//! // Mapping test I goes out; a plain STUN server (no OTHER-ADDRESS) answers it.
//! let t = d.poll_transmit().unwrap();
//! let request = Message::parse(&t.contents).unwrap();
//! let mut response = Vec::new();
//! let typ = MessageType::new(Method::BINDING, Class::Success);
//! let mut b = MessageBuilder::new(&mut response, typ, *request.transaction_id());
//! b.add(&XorMappedAddress("198.51.100.7:6000".parse().unwrap()));
//! b.finish().unwrap();
//! assert!(d.handle_receive(now, t.socket, server, &response));
//!
//! // It still probes hairpinning (to 198.51.100.7:6000); nothing comes back.
//! while let Some(_) = d.poll_transmit() {}
//! while d.poll_event() != Some(Event::Finished) {
//!     let at = d.poll_timeout().unwrap();
//!     d.handle_timeout(at);
//!     while let Some(_) = d.poll_transmit() {}
//! }
//! let report = d.report();
//! assert_eq!(report.mapped, Some("198.51.100.7:6000".parse().unwrap()));
//! assert_eq!(report.filtering, Err(Unknown::ServerLacksRfc5780(Lacks::NoOtherAddress)));
//! assert_eq!(report.port_preserved, Some(false));
//! assert!(report.server_lacks_rfc5780());
//! ```
//!
//! # RFC checklist
//! - [x] RFC 5780 §4.3 mapping tests I–III, "no NAT" when the mapped address is local
//! - [x] RFC 5780 §4.4 filtering tests I–III from a fresh port
//! - [x] RFC 5780 §4.5 hairpinning
//! - [x] RFC 5780 §4.6 binding lifetime (parallel trials, RESPONSE-PORT)
//! - [x] RFC 4787 terms (§4.1 mapping, §5 filtering, §4.2.1 port preservation)
//! - [x] RFC 8489 §6.2.1 retransmissions (floe-stun's client transactions)
//! - [ ] RFC 5780 §4.2 TCP connectivity tests, §4.7 collision (not done: UDP only)
//! - [ ] PADDING in requests (fragmentation tests): the server side answers it, the client
//!   does not send it
//!
//! # Design
//! - A verdict is `Result<T, Unknown>`: a server without RFC 5780, a silent address or a
//!   malformed reply gives a typed [`Unknown`], never a guess. Filtering verdicts look at where
//!   the answer came from, so a server that ignores CHANGE-REQUEST cannot pass for a full cone.
//! - Everything a peer controls is bounded: at most one outcome per test, a fixed number of
//!   tests, nothing of a reply kept but addresses and an error code.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]

mod config;
mod machine;
mod report;
mod rng;
mod verdict;

pub use config::{
    DiscoveryConfig, LifetimeConfig, MAX_LIFETIME_TRIALS, MAX_LOCAL_ADDRESSES, ProbeTimers,
    transactions_within,
};
pub use machine::{Discovery, Event, SocketId, Transmit};
pub use report::{
    Behaviour, ClassicType, Evidence, Finding, Hairpinning, Lacks, Lifetime, Mapping, Outcome,
    Report, Test, Unknown,
};
