//! parse → write → parse gives the same candidate and text; a line without warnings is canonical.
#![no_main]
use floe_ice_candidate::{Candidate, ParseOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    let opts = ParseOptions::lenient().allow_unknown_transports(true);
    let Ok(p) = Candidate::parse_with(line, opts) else { return };
    let once = p.candidate.to_string();
    let again = Candidate::parse_with(&once, opts).expect("written form parses");
    assert_eq!((&again.candidate, again.candidate.to_string().as_str()), (&p.candidate, once.as_str()));
    assert!(!p.warnings.is_empty() || once == line, "{line:?} written as {once:?} without a warning");
});
