#![no_main]
//! parse → write → parse gives the same description; the canonical form is a fixed point.
use floe_sdp::SessionDescription;
libfuzzer_sys::fuzz_target!(|text: &str| {
    let Ok(sdp) = SessionDescription::parse(text) else { return };
    let written = sdp.to_string();
    assert_eq!(SessionDescription::parse(&written).as_ref(), Ok(&sdp));
    let canonical = sdp.to_canonical_string();
    assert_eq!(SessionDescription::parse(&canonical).unwrap().to_canonical_string(), canonical);
});
