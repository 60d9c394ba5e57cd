#![no_main]
//! Any text: both modes parse without panicking, and what lenient accepts is written back byte for byte.
use floe_sdp::{Mode, SessionDescription};
libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = SessionDescription::parse_with(text, Mode::Strict);
    if let Ok(p) = SessionDescription::parse_with(text, Mode::Lenient) {
        assert_eq!(p.description.to_string(), text);
    }
});
