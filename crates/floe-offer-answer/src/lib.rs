//! Sans-I/O offer/answer for ICE: the WebRTC flow between [`floe_sdp`] descriptions and a
//! [`floe_ice`] agent, so a stack never copies ufrag, pwd and candidates by hand.
//!
//! - [`IceSession`]: one agent driven by offers and answers (RFC 8839 §4, RFC 9429 §5):
//!   writes the ICE attributes of the embedder's descriptions (credentials, options,
//!   candidates, end-of-candidates, default candidate in `c=`/`m=`/`a=rtcp`), applies the
//!   peer's (credentials, lite, candidates), detects ICE restarts (RFC 8839 §4.4.1.1), binds
//!   media sections to agent streams with BUNDLE (RFC 9143), and turns candidates into trickle
//!   messages with their mid (RFC 8840).
//! - [`Signaling`]: the RFC 9429 §3.2 signaling states, with rollback and glare.
//! - [`IceDescription`]: the checked ICE view of any description, errors located by line and
//!   column.
//! - [`TrickleCandidate`] and [`TrickleFragment`]: trickled candidates as the W3C API carries
//!   them and as `application/trickle-ice-sdpfrag` bodies (RFC 8840 §9.1).
//! - [`answer_template`]: the media part of an answer that a browser accepts, mirroring its
//!   offer, for the embedder to complete with its DTLS fingerprint.
//!
//! The embedder owns everything that is not ICE: codecs, DTLS (`a=fingerprint`, `a=setup`),
//! SCTP. It writes the media sections; the session writes the ICE part into them.
//!
//! # An offer, an answer and trickled candidates, in one process
//! ```
//! use std::time::Instant;
//! use floe_ice::{ConnectionState, FiveTuple, IceConfig, Role, Transport};
//! use floe_offer_answer::{answer_template, IceSession, SdpType, SessionConfig, SessionEvent};
//! use floe_sdp::{MediaBuilder, Origin, SdpBuilder};
//!
//! fn session(seed: u8, now: Instant) -> IceSession {
//!     let mut ice = IceConfig::new(Role::Controlling);
//!     ice.rng_seed = Some([seed; 32]);
//!     IceSession::new(SessionConfig::new(ice), now)
//! }
//!
//! /// Registers a socket address for each new transport; returns the trickled candidates.
//! fn events(s: &mut IceSession, addr: &str, now: Instant) -> Vec<floe_offer_answer::TrickleCandidate> {
//!     let mut trickled = Vec::new();
//!     while let Some(e) = s.poll_event() {
//!         match e {
//!             SessionEvent::TransportAdded { stream, .. } => {
//!                 s.agent_mut().add_local_address(stream, 1, addr.parse().unwrap()).unwrap();
//!                 s.agent_mut().gather(now);
//!             }
//!             SessionEvent::LocalCandidate(c) => trickled.push(c),
//!             _ => {}
//!         }
//!     }
//!     trickled
//! }
//!
//! let now = Instant::now();
//! let (mut alice, mut bob) = (session(1, now), session(2, now));
//! // Alice's media part: one data channel section (the embedder's job, DTLS included).
//! let origin = Origin {
//!     username: "-",
//!     session_id: 1,
//!     session_version: 1,
//!     nettype: "IN",
//!     addrtype: "IP4",
//!     address: "0.0.0.0",
//! };
//! let media = SdpBuilder::new(&origin)
//!     .media(
//!         MediaBuilder::new("application", 9, "UDP/DTLS/SCTP")
//!             .format("webrtc-datachannel")
//!             .mid("0")
//!             .fingerprint("sha-256", &[7; 32])
//!             .raw_attribute("setup", Some("actpass"))
//!             .raw_attribute("sctp-port", Some("5000")),
//!     )
//!     .build()?;
//! let offer = alice.create_offer(now, media)?;
//! alice.set_local_description(now, SdpType::Offer, &offer)?;
//! let from_alice = events(&mut alice, "198.51.100.1:5000", now);
//!
//! // Signaling carries the offer's text, then the trickled candidates.
//! let offer = floe_sdp::SessionDescription::parse(&offer.to_string())?.into_owned();
//! bob.set_remote_description(now, SdpType::Offer, &offer)?;
//! let mut template = answer_template(&offer)?;
//! template.media_mut()[0].push_raw_attribute("fingerprint", Some(&format!("sha-256 {}", ["AB"; 32].join(":"))));
//! let answer = bob.create_answer(template)?;
//! bob.set_local_description(now, SdpType::Answer, &answer)?;
//! let from_bob = events(&mut bob, "198.51.100.2:6000", now);
//! alice.set_remote_description(now, SdpType::Answer, &answer)?;
//! for c in &from_alice {
//!     bob.add_remote_candidate(now, c)?;
//! }
//! for c in &from_bob {
//!     alice.add_remote_candidate(now, c)?;
//! }
//!
//! // Connectivity: every datagram arrives at once.
//! fn deliver(from: &mut IceSession, to: &mut IceSession, now: Instant) -> bool {
//!     let mut moved = false;
//!     while let Some(t) = from.agent_mut().poll_transmit() {
//!         let flow = FiveTuple::new(Transport::Udp, t.destination, t.source.unwrap());
//!         to.agent_mut().handle_receive(now, flow, &t.contents).unwrap();
//!         moved = true;
//!     }
//!     moved
//! }
//! let mut now = now;
//! for _ in 0..200 {
//!     let moved = deliver(&mut alice, &mut bob, now) | deliver(&mut bob, &mut alice, now);
//!     while alice.poll_event().is_some() || bob.poll_event().is_some() {}
//!     if !moved {
//!         let next = [alice.agent().poll_timeout(), bob.agent().poll_timeout()];
//!         let Some(at) = next.into_iter().flatten().min() else { break };
//!         now = at;
//!         alice.agent_mut().handle_timeout(now);
//!         bob.agent_mut().handle_timeout(now);
//!     }
//! }
//! assert_eq!(alice.agent().state(), ConnectionState::Connected);
//! assert_eq!(bob.agent().state(), ConnectionState::Connected);
//! assert_eq!(alice.agent().role(), Role::Controlling);
//! assert_eq!(bob.agent().role(), Role::Controlled);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # RFC checklist
//! - [x] RFC 8839 §4.2/§5: ice-ufrag, ice-pwd (grammar and length, §5.4), ice-options,
//!   ice-lite (session level), candidates, default candidate in `c=`/`m=`/`a=rtcp`
//! - [x] RFC 8839 §4.4.1.1: restart detected from changed credentials; local restarts
//! - [x] RFC 8840 §4.4, §9: trickled candidates by mid and m= index, end-of-candidates,
//!   `application/trickle-ice-sdpfrag` bodies
//! - [x] RFC 9429 §3.2, §4.1.8.2: signaling states, rollback, glare
//! - [x] RFC 9143: one transport per BUNDLE group, tagged section, `bundle-only`
//! - [x] RFC 3264 §8.2, RFC 9143 §7.3.3: a transport no section uses any more is removed
//!   (`SessionEvent::TransportRemoved`)

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod answer;
mod error;
mod read;
mod session;
mod signaling;
mod trickle;
mod write;

pub use answer::answer_template;
pub use error::{DescriptionError, DescriptionErrorKind, OfferAnswerError};
pub use read::{IceDescription, IceOptionSet, LocatedCandidate, SectionIce};
pub use session::{BundlePolicy, IceSession, SessionConfig, SessionEvent};
pub use signaling::{SdpType, Side, Signaling, SignalingError, SignalingState};
pub use trickle::{
    FragmentSection, MAX_FRAGMENT_LINES, SDPFRAG_MEDIA_TYPE, TrickleCandidate, TrickleFragment,
};
