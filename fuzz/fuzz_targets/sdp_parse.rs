#![no_main]
//! The fast SDP target: any text parses in both modes without panicking, and what lenient
//! accepts is written back byte for byte. The slower cross-checks (lazy against eager value
//! checks, warning limits) live in `sdp_parse_consistency`.
use floe_sdp::{Mode, SessionDescription};
libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = SessionDescription::parse_with(text, Mode::Strict);
    if let Ok(p) = SessionDescription::parse_with(text, Mode::Lenient) {
        assert_eq!(p.description().to_string(), text);
    }
});
