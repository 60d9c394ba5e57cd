//! One interface over the ICE agents the benches compare: [`IceUnderTest`], with a thin
//! adapter per crate: Floe's [`floe_ice::IceAgent`] ([`FloeIce`]) and, with the `peers`
//! feature, str0m's `is` (`StrIs`), webrtc-rs's `rtc-ice` (`RtcIce`) and librice's
//! `rice-proto` (`Rice`). The generic [`Fleet`] drives any of them, so a figure compares
//! agents, not harnesses.
//!
//! Every adapter makes an agent with one UDP host candidate at a plain socket address (no
//! sockets), hands its credentials and candidates to the peer as the crate's own objects
//! (no SDP text) before the first tick, tells the agent that no more candidates will come where
//! the crate has a call for it, and reports *selected* once the agent has announced a selected
//! (nominated) pair.

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_stun::attributes::{IceControlling, Priority, UseCandidate, Username};
use floe_stun::{Class, IntegrityKey, MessageBuilder, MessageType, Method, TransactionId};

use crate::ice_harness::{FifoWire, Fleet, bench_addr};

mod floe;
pub use floe::FloeIce;

#[cfg(feature = "peers")]
mod is;
#[cfg(feature = "peers")]
pub use is::StrIs;

#[cfg(feature = "peers")]
mod rtc_ice;
#[cfg(feature = "peers")]
pub use rtc_ice::RtcIce;

#[cfg(feature = "peers")]
mod rice;
#[cfg(feature = "peers")]
pub use rice::Rice;

/// A datagram an agent hands out: where from, where to, and its bytes in the crate's own
/// buffer type (moved, never copied, by the harness).
#[derive(Debug)]
pub struct Outbound<P> {
    /// The local address to send from.
    pub source: SocketAddr,
    /// Where to send it.
    pub destination: SocketAddr,
    /// The bytes.
    pub contents: P,
}

/// An ICE agent as the benches drive it: one stream, one component, UDP host candidates.
///
/// The drive loop, the same for every crate: [`handle_timeout`](Self::handle_timeout) once at
/// the start; then, after every call into an agent, its transmits drained
/// ([`poll_transmit`](Self::poll_transmit)), its next deadline read
/// ([`poll_timeout`](Self::poll_timeout)) and its events drained
/// ([`poll_selected`](Self::poll_selected)); the clock jumps to the earliest deadline or
/// delivery.
pub trait IceUnderTest: Sized {
    /// The crate's name in tables.
    const NAME: &'static str;
    /// `size_of` the crate's agent value: what an embedder holds inline (in a vector of
    /// agents, a struct, a box of its own), beside the heap the agent owns.
    const AGENT_SIZE: usize;
    /// The buffer type of a transmit.
    type Packet: AsRef<[u8]>;
    /// What signalling carries to the peer: credentials and candidates.
    type Offer;

    /// An agent, controlling or controlled, with one UDP host candidate at `addr`. `seed`
    /// seeds the agent's random numbers where the crate takes a seed.
    fn new(controlling: bool, seed: u64, addr: SocketAddr, now: Instant) -> Self;
    /// The credentials and candidates to signal to the peer.
    fn offer(&mut self, now: Instant) -> Self::Offer;
    /// The peer's offer taken in (remote credentials, candidates, end of candidates where the
    /// crate has it, and whatever the crate needs to start its checks).
    fn answer(&mut self, now: Instant, offer: Self::Offer);
    /// A datagram from `source` arrived at the agent's `destination`.
    fn handle_datagram(
        &mut self,
        now: Instant,
        source: SocketAddr,
        destination: SocketAddr,
        contents: &[u8],
    );
    /// Time has reached `now`.
    fn handle_timeout(&mut self, now: Instant);
    /// The next datagram to send.
    fn poll_transmit(&mut self, now: Instant) -> Option<Outbound<Self::Packet>>;
    /// When to call [`handle_timeout`](Self::handle_timeout) next.
    fn poll_timeout(&mut self, now: Instant) -> Option<Instant>;
    /// Drains the agent's events; whether it has (ever) reported a selected pair.
    fn poll_selected(&mut self, now: Instant) -> bool;
    /// The agent's own ufrag and password.
    fn local_credentials(&mut self) -> (String, String);
}

/// Virtual time after which a connect gives up (it panics).
pub const CONNECT_LIMIT: Duration = Duration::from_secs(60);

/// Connects one controlling/controlled pair (agents 0 and 1 of a [`Fleet`] of one pair, at
/// [`bench_addr`] 0 and 1) over a FIFO of `latency` one way, starting at `start`.
///
/// # Panics
/// When they do not connect within [`CONNECT_LIMIT`].
#[must_use]
pub fn connected_pair<U: IceUnderTest>(
    latency: Duration,
    start: Instant,
) -> Fleet<U, FifoWire<U::Packet>> {
    let mut fleet = Fleet::new(1, FifoWire::new(latency), start);
    fleet.run_until_connected(CONNECT_LIMIT);
    fleet
}

/// `count` connectivity checks from the controlling agent `a` to the controlled agent `b`
/// (addresses [`bench_addr`] 0 and 1), each with its own transaction id: USERNAME
/// `b-ufrag:a-ufrag`, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY with `b`'s
/// password, FINGERPRINT. Built with floe-stun, the same bytes for every crate but the
/// credentials.
///
/// # Panics
/// Never for credentials an agent makes (a password that cannot key the HMAC would).
#[must_use]
pub fn checks<U: IceUnderTest>(a: &mut U, b: &mut U, count: u32) -> Vec<Vec<u8>> {
    let (a_ufrag, _) = a.local_credentials();
    let (b_ufrag, b_pwd) = b.local_credentials();
    let username = format!("{b_ufrag}:{a_ufrag}");
    let key = IntegrityKey::short_term(&b_pwd);
    (0..count)
        .map(|i| {
            let mut id = [7u8; 12];
            id[..4].copy_from_slice(&i.to_be_bytes());
            let mut check = Vec::new();
            let typ = MessageType::new(Method::BINDING, Class::Request);
            let mut m = MessageBuilder::new(&mut check, typ, TransactionId::from_bytes(id));
            m.add(&Username(&username))
                .add(&Priority(0x6e00_00ff))
                .add(&IceControlling(0x0102_0304_0506_0708))
                .add(&UseCandidate);
            m.message_integrity(&key)
                .expect("a key")
                .fingerprint()
                .expect("room for FINGERPRINT");
            check
        })
        .collect()
}

/// Hands `check` (from the peer at [`bench_addr`]`(0)`) to `agent` (at [`bench_addr`]`(1)`) and
/// takes its answer: the receive call, then, only if no answer is out yet, one
/// `handle_timeout(now)` (`is` answers queued requests there), then the events drained.
/// Returns the answer (a Binding success response).
///
/// # Panics
/// When the agent gives no answer or not a success response.
pub fn answer_check<U: IceUnderTest>(agent: &mut U, now: Instant, check: &[u8]) -> U::Packet {
    agent.handle_datagram(now, bench_addr(0), bench_addr(1), check);
    let answer = match agent.poll_transmit(now) {
        Some(t) => t,
        None => {
            agent.handle_timeout(now);
            agent.poll_transmit(now).expect("an answer to the check")
        }
    };
    agent.poll_selected(now);
    assert_eq!(
        answer.contents.as_ref().get(..2),
        Some(&[0x01, 0x01][..]),
        "{}: the answer is a Binding success response",
        U::NAME
    );
    answer.contents
}
