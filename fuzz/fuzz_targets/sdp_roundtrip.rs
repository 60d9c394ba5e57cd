#![no_main]
//! Lossless: what parses writes back byte for byte; the canonical form is a fixed point.
use floe_sdp::SessionDescription;
libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Ok(sdp) = SessionDescription::parse(text) {
        assert_eq!(sdp.to_string(), text);
        let canonical = sdp.to_canonical_string();
        let again = SessionDescription::parse(&canonical).map(|s| s.to_canonical_string());
        assert_eq!(again.as_deref(), Ok(canonical.as_str()));
    }
});
