//! Lossless, typed SDP (RFC 8866) with the WebRTC attributes: parse, validate, build, write.
//!
//! # Sans-I/O
//!
//! This crate only turns text into values and values into text; it never reads files or
//! sockets. The usual flow:
//!
//! 1. [`SessionDescription::parse_with`] the text the peer sent, in [`Mode::Lenient`] (accept
//!    what browsers send, with warnings) or [`Mode::Strict`] (RFC 8866 grammar and WebRTC
//!    placement rules).
//! 2. Read it through the typed views ([`SessionDescription::origin`],
//!    [`MediaSection::get_attribute`], ...); decide with [`validate`] whether it is usable.
//! 3. Edit it in place, or write a new one with [`SdpBuilder`], and serialize with `Display` /
//!    [`SessionDescription::write_to`].
//!
//! # Quick start
//!
//! ```
//! use floe_sdp::{Mode, RtpMap, SessionDescription, validate};
//!
//! let offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
//!              m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n\
//!              a=rtpmap:111 opus/48000/2\r\na=x-vendor-thing:42\r\n";
//! let parsed = SessionDescription::parse_with(offer, Mode::Strict)?;
//! let sdp = parsed.into_description();
//! let opus = sdp.media()[0].get_attribute::<RtpMap>().unwrap()?;
//! assert_eq!((opus.encoding, opus.clock_rate), ("opus", 48000));
//! assert!(validate(&sdp).is_empty());
//! assert_eq!(sdp.to_string(), offer); // byte for byte, unknown attribute included
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Guarantees
//!
//! - **Lossless**: every line is kept in order with its own text and line ending;
//!   `parse(s).to_string() == s` for every accepted input (CRLF, LF, mixed, no final newline).
//!   Unknown attributes and unknown line types survive; a known attribute that fails its grammar
//!   stays in the list and its typed view returns the error.
//! - **Total**: no input makes the parser panic; it runs in linear time and allocates the line
//!   tables plus a bounded number of warnings per line. No cap on attribute counts.
//! - **Values checked once, when needed**: the parse checks the structure as it goes; field
//!   and attribute values are checked during the parse in strict mode (which rejects them) and
//!   otherwise when [`Parsed::warnings`] is first read or a typed view reads them, with the same
//!   result either way ([`ParseOptions::check_values`]).
//! - **Bounded**: the warning list stops at [`ParseOptions::max_warnings`]; validation is linear.
//! - **Located errors**: every error and warning is a [`Diagnostic`] with a 1-based line and
//!   column and a `#[non_exhaustive]` [`DiagnosticKind`]; validation findings name their line
//!   and [`Rule`].
//!
//! # RFC checklist
//!
//! - [x] RFC 8866 §5 line types and order, §9 grammar for `v o s i u e p c b t r z k m`
//! - [x] RFC 8866 §6 attributes: `rtpmap`, `fmtp`, `ptime`, `maxptime`, `framerate`,
//!   direction attributes
//! - [x] RFC 3551 §6 static payload types ([`RtpMap::static_payload_type`])
//! - [x] RFC 4585 `rtcp-fb`, RFC 3605 `rtcp`, RFC 5761 `rtcp-mux`, RFC 8858 `rtcp-mux-only`,
//!   RFC 5506 `rtcp-rsize`
//! - [x] RFC 8285 `extmap`, `extmap-allow-mixed`; RFC 5576 `ssrc`, `ssrc-group`; RFC 8830 `msid`
//! - [x] RFC 5888 `group`, `mid`; RFC 9143 BUNDLE and `bundle-only`
//! - [x] RFC 8122 `fingerprint` (length per hash), RFC 4145 `setup`, RFC 4568 `crypto` (legacy)
//! - [x] RFC 8839 `ice-ufrag`, `ice-pwd`, `ice-options`, `ice-lite`, `ice-pacing`, `candidate`;
//!   RFC 8840 `end-of-candidates`
//! - [x] RFC 8851 `rid`, RFC 8853 `simulcast` (and the draft-03 form, flagged)
//! - [x] RFC 8841 `sctp-port`, `max-message-size`; draft-ietf-mmusic-sctp-sdp-05 `sctpmap`
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `serde` | `Serialize` for the typed views, diagnostics and findings |
//!
//! Design notes: `docs/architecture.md`; conformance: `docs/rfc-compliance.md`; speed:
//! `docs/benchmarks.md`.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]

mod attributes;
mod builder;
mod description;
mod error;
mod fields;
mod grammar;
mod line;
mod parsed;
mod parser;
mod validate;
mod values;

pub use attributes::{
    BundleOnly, CandidateAttribute, Crypto, Direction, EndOfCandidates, ExtMap, ExtmapAllowMixed,
    Fingerprint, Fmtp, FmtpParameter, Framerate, Group, IceLite, IceOptions, IcePacing, IcePwd,
    IceUfrag, MaxMessageSize, MaxPtime, Mid, Msid, MsidSemantic, Placement, Ptime, Registration,
    Rid, RidDirection, Rtcp, RtcpFb, RtcpMux, RtcpMuxOnly, RtcpRsize, RtpMap, SctpMap, SctpPort,
    Setup, Simulcast, SimulcastId, SimulcastList, SimulcastStream, Ssrc, SsrcGroup, TypedAttribute,
    registration, registrations,
};
pub use builder::{MediaBuilder, SdpBuilder};
pub use description::{MediaSection, SessionDescription};
pub use error::{Diagnostic, DiagnosticKind, Level, ParseError, ValueError, ValueErrorKind};
pub use fields::{
    Bandwidth, Connection, FieldValue, Formats, Key, MediaLine, Origin, Repeat, TimeZones, Timing,
    Version,
};
pub use line::{Attribute, Line, LineEnding};
pub use parsed::Parsed;
pub use parser::{DEFAULT_MAX_WARNINGS, Mode, ParseOptions};
pub use validate::{Finding, Rule, validate};
