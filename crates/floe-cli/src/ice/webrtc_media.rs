//! The media part of the descriptions `floe ice demo` and `floe ice peer --sdp` write: one data
//! channel section, as a browser's `createDataChannel` offers it (RFC 8841), and the answer's
//! DTLS fingerprint. Floe does not run DTLS: the fingerprints certify nothing, they are there
//! because a browser refuses a description without one (RFC 8122 §5).

use floe_sdp::{MediaBuilder, Origin, SdpBuilder, SessionDescription};

/// An offer's media part: one data channel section (mid `0`, `a=setup:actpass`), its
/// fingerprint made from `seed`.
pub(crate) fn data_channel_offer(seed: &[u8]) -> Result<SessionDescription<'static>, String> {
    let origin = Origin {
        username: "-",
        session_id: 1,
        session_version: 1,
        nettype: "IN",
        addrtype: "IP4",
        address: "127.0.0.1",
    };
    SdpBuilder::new(&origin)
        .media(
            MediaBuilder::new("application", 9, "UDP/DTLS/SCTP")
                .format("webrtc-datachannel")
                .mid("0")
                .fingerprint("sha-256", &digest(seed))
                .raw_attribute("setup", Some("actpass"))
                .raw_attribute("sctp-port", Some("5000"))
                .raw_attribute("max-message-size", Some("262144")),
        )
        .build()
        .map_err(|e| format!("offer: {e}"))
}

/// Adds an `a=fingerprint` made from `seed` to every section of an answer's media part.
pub(crate) fn add_fingerprints(answer: &mut SessionDescription<'static>, seed: &[u8]) {
    let hex: Vec<String> = digest(seed).iter().map(|b| format!("{b:02X}")).collect();
    let value = format!("sha-256 {}", hex.join(":"));
    for s in answer.media_mut() {
        s.push_raw_attribute("fingerprint", Some(&value));
    }
}

/// 32 bytes (a SHA-256 digest's size) repeating `seed`.
fn digest(seed: &[u8]) -> [u8; 32] {
    let mut d = [0u8; 32];
    for (i, b) in d.iter_mut().enumerate() {
        *b = seed.get(i % seed.len().max(1)).copied().unwrap_or(0);
    }
    d
}
