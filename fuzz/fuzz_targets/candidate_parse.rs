//! Any string: both parse modes return a candidate or an error with an in-range column.
#![no_main]
use floe_ice_candidate::{Candidate, ParseOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    let strict = ParseOptions::strict().allow_unknown_transports(true);
    for opts in [ParseOptions::lenient(), strict] {
        match Candidate::parse_with(line, opts) {
            Ok(p) => drop(p.candidate.into_owned()),
            Err(e) => assert!(e.column() >= 1 && e.column() as usize <= line.len() + 1),
        }
    }
});
