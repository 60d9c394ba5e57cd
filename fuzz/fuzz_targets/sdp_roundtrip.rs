#![no_main]
//! Lossless: what parses writes back byte for byte; the canonical form is a fixed point.
use floe_sdp::SessionDescription;
libfuzzer_sys::fuzz_target!(|text: &str| {
    let Ok(sdp) = SessionDescription::parse(text) else { return };
    assert_eq!(sdp.to_string(), text);
    let canonical = sdp.to_canonical_string();
    assert_eq!(SessionDescription::parse(&canonical).unwrap().to_canonical_string(), canonical);
});
