#![no_main]
//! The thorough companion of `sdp_parse`: the warnings of a lenient parse are the same whether
//! values are checked during the parse or on the first read of the warnings, with or without a
//! warning limit that cuts the list. Five parses and two warning lists an input, so slower.
use floe_sdp::{Mode, ParseOptions, SessionDescription};
libfuzzer_sys::fuzz_target!(|text: &str| {
    let Ok(p) = SessionDescription::parse_with(text, Mode::Lenient) else {
        return;
    };
    let eager = ParseOptions::new(Mode::Lenient).check_values(true);
    let eager = SessionDescription::parse_with(text, eager).expect("same structure");
    assert_eq!(p.warnings(), eager.warnings());
    let capped = ParseOptions::new(Mode::Lenient).max_warnings(2);
    let lazy = SessionDescription::parse_with(text, capped).expect("same structure");
    let eager = SessionDescription::parse_with(text, capped.check_values(true)).expect("same");
    assert_eq!(lazy.warnings(), eager.warnings());
});
