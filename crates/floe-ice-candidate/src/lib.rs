//! ICE candidate lines: parser, serializer and typed model (RFC 8839 §5.1, RFC 8445, RFC 6544).
//!
//! A [`Candidate`] is what an `a=candidate` SDP attribute or a trickled
//! `RTCIceCandidate.candidate` string carries. This crate parses such lines (with or without
//! the `a=` and `candidate:` prefixes) into a borrowed, zero-allocation model, writes them back
//! byte for byte, and gives an ICE agent what it needs to create and rank candidates.
//!
//! # Sans-I/O
//!
//! Pure functions over strings: no sockets, clocks or randomness. An agent
//!
//! 1. parses remote candidates with [`Candidate::parse`] (lenient) or
//!    [`Candidate::parse_with`] (options, warnings),
//! 2. builds local ones with [`CandidateBuilder`], ranking them with [`candidate_priority`],
//!    [`dual_stack_local_preference`] / [`intermingled_local_preferences`] (RFC 8421) and
//!    [`tcp_local_preference`] (RFC 6544),
//! 3. orders pairs with [`pair_priority`], and
//! 4. signals candidates with their [`Display`](core::fmt::Display) form.
//!
//! # Quick start
//!
//! ```
//! use floe_ice_candidate::{Candidate, CandidateType, ParseOptions, WarningKind};
//!
//! let line = "a=candidate:1 1 UDP 2122252543 2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local 49760 typ host";
//! let c = Candidate::parse(line)?;
//! assert_eq!(c.kind(), CandidateType::Host);
//! assert!(c.address().is_mdns());
//! assert_eq!(c.to_string(), line); // byte-identical round trip
//!
//! // Lenient mode accepts what browsers send and says what departs from the RFC.
//! let legacy_tcp = "candidate:0 1 TCP 1518283007 198.51.100.4 9 typ host";
//! let p = Candidate::parse_with(legacy_tcp, ParseOptions::lenient())?;
//! assert!(p.warnings.contains(WarningKind::MissingTcpType));
//! // Strict mode (RFC 6544 §4.5) rejects it.
//! assert!(Candidate::parse_strict(legacy_tcp).is_err());
//! # Ok::<(), floe_ice_candidate::ParseError>(())
//! ```
//!
//! # RFC checklist
//!
//! - [x] RFC 8839 §5.1 `candidate-attribute` grammar, with and without `a=` / `candidate:`
//! - [x] RFC 6544 §4.5 `tcptype active|passive|so`; §4.2 TCP local preference
//! - [x] RFC 8445 §5.1.2 candidate priority, §5.1.1.3 foundation, §6.1.2.3 pair priority
//! - [~] RFC 8421 §3/§4 local preference for multihomed and dual-stack agents (guidance, not a
//!   normative formula: ours is RFC 6724 precedence + interface rank, families intermingled)
//! - [x] RFC 6762 mDNS `.local` host names (browser host-candidate obfuscation)
//! - [x] libwebrtc extensions `generation`, `ufrag`, `network-id`, `network-cost`; unknown
//!   pairs kept in order
//! - [ ] resolving names: an agent's job (mDNS/DNS), not a parser's
//!
//! # Features
//!
//! | feature | default | effect |
//! |---|---|---|
//! | `std` | yes | links `std`; the API is the same without it (the crate is `no_std` + `alloc`, and the error types implement `core::error::Error` either way) |
//!
//! # Design decisions
//!
//! - Strict vs lenient: lenient (the default) accepts what real stacks emit and reports each
//!   departure as a typed [`Warning`]; strict turns every RFC-violating warning into
//!   [`ParseError::NotStrict`]. See [`WarningKind`] for the list.
//! - Transports: lenient mode keeps the non-standard tokens real stacks send (`ssltcp`) as
//!   written, with a warning; any other unknown token is rejected as [`ParseError::BadTransport`]
//!   unless [`ParseOptions::allow_unknown_transports`] is set. WebRTC parsers (webrtc-sdp,
//!   librice) reject `FOO`-style transports and the shared corpus lists them as bad lines, so an
//!   arbitrary token is treated as a corrupted line by default; a caller that speaks a new
//!   transport opts in.
//! - Errors name the field ([`ParseError::field`]) and the 1-based byte column.
//! - Extensions are kept as one canonical string slice and iterated on demand, so a parse does
//!   not allocate however many pairs a line has.
//! - Two parsers, one meaning: canonical lines (what browsers send) take a straight-line fast
//!   path; anything else, and every error and warning, comes from the full parser. The fast
//!   path only accepts what the full parser accepts without warnings and returns the same value
//!   (checked by differential unit tests over the corpus and mutations of it).
//! - Normalisation on output is documented on [`Candidate`].
//! - Measurements: `docs/benchmarks.md`; RFC coverage: `docs/rfc-compliance.md`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod address;
mod builder;
mod candidate;
mod error;
mod extensions;
mod fast;
mod grammar;
mod lexer;
mod parse;
mod priority;
mod types;
mod warning;
mod write;

pub use address::Address;
pub use builder::CandidateBuilder;
pub use candidate::{Candidate, Mode, ParseOptions, Parsed, RelatedAddress};
pub use error::{BuildError, Field, ParseError};
pub use extensions::{Extension, ExtensionKind, Extensions, Iter as ExtensionsIter, MAX_UFRAG_LEN};
pub use priority::{
    DEFAULT_LOCAL_PREFERENCE, MAX_TYPE_PREFERENCE, candidate_priority, dual_stack_local_preference,
    intermingled_local_preferences, pair_priority, rfc6724_precedence, tcp_local_preference,
};
pub use types::{
    CandidateType, Foundation, MAX_COMPONENT, MAX_FOUNDATION_LEN, Prefix, TcpType, Transport,
};
pub use warning::{Warning, WarningKind, Warnings};

/// The full parser alone, without the fast path in front of it: for the differential fuzz
/// target (`candidate_parse`), which checks that both give the same answer for every input.
/// Only in fuzzing builds.
///
/// # Errors
///
/// As [`Candidate::parse_with`].
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn parse_without_fast_path(
    line: &str,
    options: ParseOptions,
) -> Result<Parsed<'_>, ParseError> {
    parse::parse_full(line, options)
}
