//! Zero-copy STUN/TURN message codec: parse, inspect, verify and build STUN messages
//! (RFC 8489, RFC 5389, TURN RFC 8656, RFC 6062, RFC 5780, ICE RFC 8445), ChannelData, stream
//! framing and sans-I/O client transactions.
//!
//! # Sans-I/O
//! The crate never touches sockets, clocks or global randomness:
//! 1. bytes come in through [`Message::parse`], [`channel_data::ChannelData::parse`] or
//!    [`framing::StreamFramer::push`];
//! 2. messages go out through [`MessageBuilder`] into your buffer;
//! 3. transaction ids come from your RNG ([`TransactionId::random`]);
//! 4. time comes in as `Instant` ([`transaction::ClientTransactions::handle_timeout`], with the
//!    `std` feature), and you drain `poll_transmit`, `poll_event`, then sleep until
//!    `poll_timeout`.
//!
//! Every Floe state machine (these transactions, the TURN client and server, the ICE agent)
//! speaks the vocabulary of [`net`]: a [`net::Transport`], a [`net::FiveTuple`] and one
//! [`net::Transmit`] whose contents are reference-counted [`net::Bytes`], so retransmissions
//! copy nothing. [`demux::Demux`] tells STUN from ChannelData (and DTLS, RTP) in the context
//! of a socket, and [`binding::BindingResponder`] is the one answer to Binding requests.
//!
//! # Quick start
//! ```
//! use floe_stun::attributes::{Software, Username, XorMappedAddress};
//! use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
//!
//! // `bytes`: a datagram as received, here the RFC 5769 §2.1 sample request (108 bytes).
//! # let bytes: &[u8] = floe_corpus::rfc5769::SAMPLE_REQUEST;
//! let msg = Message::parse(bytes).unwrap();
//! assert_eq!((msg.method(), msg.class()), (Method::BINDING, Class::Request));
//! assert_eq!(msg.get::<Username>().unwrap(), Some(Username("evtj:h6vY")));
//! msg.verify_fingerprint().unwrap();
//! msg.verify_integrity(&IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt")).unwrap();
//!
//! // Answer it.
//! let mut out = Vec::new();
//! let typ = MessageType::new(Method::BINDING, Class::Success);
//! let mut b = MessageBuilder::new(&mut out, typ, *msg.transaction_id());
//! b.add(&Software("floe")).add(&XorMappedAddress("192.0.2.1:32853".parse().unwrap()));
//! let key = IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt");
//! let response = b.message_integrity(&key).unwrap().fingerprint().unwrap();
//! assert!(Message::parse(response).is_ok());
//! ```
//!
//! # Over a real socket: a Binding transaction's drive loop
//! [`transaction::ClientTransactions`] retransmits a request until its response arrives. Its
//! loop over a `std::net::UdpSocket`: send what [`poll_transmit`] gives, stop on a
//! [`poll_event`] timeout, wait for a datagram no longer than [`poll_timeout`], hand a
//! response to [`handle_response`], and call [`handle_timeout`] once the deadline has passed.
//! The server here is [`binding::BindingResponder`] on a loopback socket in another thread
//! (`floe stun serve` in the CLI).
//!
//! [`poll_transmit`]: transaction::ClientTransactions::poll_transmit
//! [`poll_event`]: transaction::ClientTransactions::poll_event
//! [`poll_timeout`]: transaction::ClientTransactions::poll_timeout
//! [`handle_response`]: transaction::ClientTransactions::handle_response
//! [`handle_timeout`]: transaction::ClientTransactions::handle_timeout
//! ```
//! use std::io::ErrorKind;
//! use std::net::UdpSocket;
//! use std::time::{Duration, Instant};
//! use floe_stun::attributes::XorMappedAddress;
//! use floe_stun::binding::BindingResponder;
//! use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig, TransactionEvent};
//! use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};
//!
//! // A STUN server on 127.0.0.1.
//! let server = UdpSocket::bind("127.0.0.1:0")?;
//! let server_addr = server.local_addr()?;
//! std::thread::spawn(move || {
//!     let (responder, mut buf, mut out) = (BindingResponder::new(), [0u8; 1500], Vec::new());
//!     while let Ok((n, from)) = server.recv_from(&mut buf) {
//!         if let Ok(request) = Message::parse(&buf[..n]) {
//!             responder.answer(&request, from, &mut out);
//!             let _ = server.send_to(&out, from);
//!         }
//!     }
//! });
//!
//! let socket = UdpSocket::bind("127.0.0.1:0")?;
//! let mut transactions = ClientTransactions::new(TransactionConfig::default());
//! let tid = TransactionId::from_bytes([7; 12]); // TransactionId::random(&mut your_rng)
//! let mut request = Vec::new();
//! let typ = MessageType::new(Method::BINDING, Class::Request);
//! MessageBuilder::new(&mut request, typ, tid).fingerprint()?;
//! transactions.start(Instant::now(), Request::new(tid, server_addr), request, ())?;
//!
//! let mut buf = [0u8; 1500];
//! let mapped = loop {
//!     while let Some(t) = transactions.poll_transmit() {
//!         socket.send_to(&t.contents, t.destination)?;
//!     }
//!     if let Some(TransactionEvent::TimedOut { .. }) = transactions.poll_event() {
//!         break None; // RFC 8489 §6.2.1: 7 sends, then 39.5 s without an answer
//!     }
//!     let Some(deadline) = transactions.poll_timeout() else { break None };
//!     let wait = deadline.saturating_duration_since(Instant::now());
//!     socket.set_read_timeout(Some(wait.max(Duration::from_millis(1))))?;
//!     match socket.recv_from(&mut buf) {
//!         Ok((n, _)) => {
//!             let Ok(response) = Message::parse(&buf[..n]) else { continue };
//!             if transactions.handle_response(&response).is_some() {
//!                 break response.get::<XorMappedAddress>()?.map(|a| a.0);
//!             }
//!         }
//!         Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
//!         Err(e) => return Err(e.into()),
//!     }
//!     let now = Instant::now();
//!     if transactions.poll_timeout().is_some_and(|at| at <= now) {
//!         transactions.handle_timeout(now);
//!     }
//! };
//! assert_eq!(mapped, Some(socket.local_addr()?)); // our address as the server saw it
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # RFC checklist
//! - [x] RFC 8489 §5–6 header, message types, transactions (§6.2.1 retransmissions)
//! - [x] RFC 8489 §14 all attributes; §14.5–14.7 integrity and fingerprint; §9 credentials
//! - [x] RFC 8489 §9.1.4/§9.2.5 a response checked with its request's integrity mechanism
//!   ([`Message::verify_integrity_as`], [`IntegrityKind`])
//! - [x] RFC 8489 App. B.1 (Errata 6268) and RFC 5769 §2.1–2.4 test vectors
//! - [x] RFC 8656 TURN attributes, methods, ChannelData (§12.4) and stream padding (§12.5)
//! - [x] RFC 5766 §11 channel range 0x4000–0x7FFF, opt-in ([`channel_data::ChannelRange`])
//! - [x] RFC 6062 methods and CONNECTION-ID; RFC 5780 attributes; RFC 8445 ICE attributes
//! - [x] RFC 7983 / RFC 9443 first-byte demultiplexing, and a TURN context where every
//!   RFC 5766 channel is ChannelData ([`demux::Demux`])
//! - [x] RFC 8489 §6.3 Binding responder with §9.1.3 short-term credentials, 420 for unknown
//!   comprehension-required attributes, FINGERPRINT ([`binding::BindingResponder`])
//! - [ ] SASLprep/OpaqueString password preparation (the caller passes prepared passwords)
//! - [x] RFC 3489 messages are recognised and reported, not decoded
//!
//! # Features
//! | feature | default | what |
//! |---|---|---|
//! | `std` | yes | [`transaction`] (needs `std::time::Instant`) |
//!
//! # Design
//! - Decoding borrows: [`Message`] is a validated view; attributes are decoded on demand by
//!   type ([`Message::get`]) and nothing is allocated (see `docs/architecture.md`).
//! - Errors are typed and carry byte offsets; no input makes any function panic.
//! - Attributes after MESSAGE-INTEGRITY are kept but marked ignored, as RFC 8489 §14.5 asks.
//! - Verification hashes the message in place (no copy, no allocation) and compares in constant
//!   time; [`IntegrityKey::prepare`] keeps the keyed HMAC state for keys used more than once.
//!   Figures against stun-types, str0m's `is`, rtc-stun, stun-rs and stun_codec are in
//!   `docs/benchmarks.md`; the RFC sections and their tests in `docs/rfc-compliance.md`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod attributes;
pub mod binding;
mod builder;
pub mod channel_data;
pub mod demux;
mod error;
pub mod framing;
mod header;
pub mod integrity;
mod message;
pub mod net;
mod out_buf;
pub mod registry;
#[cfg(test)]
mod rfc_vectors;
#[cfg(feature = "std")]
pub mod transaction;
mod transaction_id;
#[cfg(feature = "std")]
mod transaction_index;

pub use builder::{MessageBuilder, Sealed, WithIntegrity};
pub use error::{AttributeError, EncodeError, IntegrityError, ParseError};
pub use header::{HEADER_LEN, Header, MAGIC_COOKIE, is_stun};
pub use integrity::{IntegrityKey, IntegrityKind};
pub use message::{Attributes, Message, RawAttribute};
pub use registry::{
    AddressFamily, AttributeType, Class, ErrorCode, MessageType, Method, PasswordAlgorithm,
};
pub use transaction_id::TransactionId;
