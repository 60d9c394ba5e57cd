//! Two sessions in one process: media parts, events, and a network that delivers at once.

#![allow(dead_code, unreachable_pub)]

use core::sync::atomic::{AtomicU16, Ordering};
use std::time::Instant;

use floe_ice::{ConnectionState, FiveTuple, IceConfig, Role, Transport};
use floe_offer_answer::{IceSession, SessionConfig, SessionEvent, TrickleCandidate};
use floe_sdp::{MediaBuilder, Origin, SdpBuilder, SessionDescription};

/// Ports of the sockets transports get (unique across a test binary).
static NEXT_PORT: AtomicU16 = AtomicU16::new(5000);

pub fn config(seed: u8) -> SessionConfig {
    let mut ice = IceConfig::new(Role::Controlling);
    ice.rng_seed = Some([seed; 32]);
    SessionConfig::new(ice)
}

pub fn origin() -> Origin<'static> {
    Origin {
        username: "-",
        session_id: 7,
        session_version: 1,
        nettype: "IN",
        addrtype: "IP4",
        address: "0.0.0.0",
    }
}

/// A data channel section with mid `mid`.
pub fn data_section(mid: &str) -> MediaBuilder {
    MediaBuilder::new("application", 9, "UDP/DTLS/SCTP")
        .format("webrtc-datachannel")
        .mid(mid)
        .fingerprint("sha-256", &[7; 32])
        .raw_attribute("setup", Some("actpass"))
        .raw_attribute("sctp-port", Some("5000"))
}

/// An RTP section with mid `mid`, with or without rtcp-mux.
pub fn audio_section(mid: &str, rtcp_mux: bool) -> MediaBuilder {
    let b = MediaBuilder::new("audio", 9, "UDP/TLS/RTP/SAVPF")
        .codec(111, "opus", 48000, Some(2))
        .mid(mid)
        .fingerprint("sha-256", &[7; 32])
        .raw_attribute("setup", Some("actpass"));
    if rtcp_mux { b.rtcp_mux() } else { b }
}

pub fn media(sections: Vec<MediaBuilder>) -> SessionDescription<'static> {
    let mut b = SdpBuilder::new(&origin());
    for s in sections {
        b = b.media(s);
    }
    b.build().unwrap()
}

/// Through text, as signaling carries it.
pub fn wire(d: &SessionDescription<'_>) -> SessionDescription<'static> {
    SessionDescription::parse(&d.to_string())
        .unwrap()
        .into_owned()
}

/// Handles the session's events: each new transport gets a socket per component on `ip`; returns the trickled candidates and the other events.
pub fn drain(
    s: &mut IceSession,
    ip: &str,
    now: Instant,
) -> (Vec<TrickleCandidate>, Vec<SessionEvent>) {
    let (mut trickled, mut other) = (Vec::new(), Vec::new());
    loop {
        let mut added = false;
        while let Some(e) = s.poll_event() {
            match e {
                SessionEvent::TransportAdded {
                    stream, components, ..
                } => {
                    for c in 1..=components {
                        let port = NEXT_PORT.fetch_add(1, Ordering::Relaxed);
                        let addr = format!("{ip}:{port}").parse().unwrap();
                        s.agent_mut().add_local_address(stream, c, addr).unwrap();
                    }
                    added = true;
                }
                SessionEvent::LocalCandidate(c) => trickled.push(c),
                e => other.push(e),
            }
        }
        // Gathering starts once every new transport has its sockets: a transport without
        // any would end its gathering empty.
        if !added {
            return (trickled, other);
        }
        s.agent_mut().gather(now);
    }
}

fn deliver(from: &mut IceSession, to: &mut IceSession, now: Instant) -> bool {
    let mut moved = false;
    while let Some(t) = from.agent_mut().poll_transmit() {
        let flow = FiveTuple::new(Transport::Udp, t.destination, t.source.unwrap());
        to.agent_mut()
            .handle_receive(now, flow, &t.contents)
            .unwrap();
        moved = true;
    }
    moved
}

/// Runs both agents until both are connected (or 10 s of virtual time pass); the time it took.
pub fn connect(a: &mut IceSession, b: &mut IceSession, mut now: Instant) -> Instant {
    let end = now + core::time::Duration::from_secs(10);
    while now < end {
        let moved = deliver(a, b, now) | deliver(b, a, now);
        while a.poll_event().is_some() || b.poll_event().is_some() {}
        if connected(a) && connected(b) {
            return now;
        }
        if !moved {
            let next = [a.agent().poll_timeout(), b.agent().poll_timeout()];
            let Some(at) = next.into_iter().flatten().min() else {
                break;
            };
            now = at.max(now);
            a.agent_mut().handle_timeout(now);
            b.agent_mut().handle_timeout(now);
        }
    }
    panic!(
        "not connected: {:?} / {:?}\n{:#?}\n{:#?}",
        a.agent().state(),
        b.agent().state(),
        a.agent().pairs(),
        b.agent().pairs()
    );
}

pub fn connected(s: &IceSession) -> bool {
    s.agent().state() == ConnectionState::Connected
}
