#![no_main]
//! Any text: both modes parse without panicking, what lenient accepts is written back byte for
//! byte, and its warnings are the same whether values are checked during the parse or
//! on the first read of the warnings, with or without a warning limit.
use floe_sdp::{Mode, ParseOptions, SessionDescription};
libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = SessionDescription::parse_with(text, Mode::Strict);
    if let Ok(p) = SessionDescription::parse_with(text, Mode::Lenient) {
        assert_eq!(p.description().to_string(), text);
        let eager = ParseOptions::new(Mode::Lenient).check_values(true);
        let eager = SessionDescription::parse_with(text, eager).expect("same structure");
        assert_eq!(p.warnings(), eager.warnings());
        // The same with a warning limit that cuts the list.
        let capped = ParseOptions::new(Mode::Lenient).max_warnings(2);
        let lazy = SessionDescription::parse_with(text, capped).expect("same structure");
        let eager = SessionDescription::parse_with(text, capped.check_values(true)).expect("same");
        assert_eq!(lazy.warnings(), eager.warnings());
    }
});
