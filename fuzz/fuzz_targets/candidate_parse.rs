//! Any string: both parse modes return a candidate or an error with an in-range column, and
//! the same answer as the full parser alone: the fast path for canonical lines (`fast.rs`)
//! must never change a result, only reach it sooner.
#![no_main]
use floe_ice_candidate::{Candidate, ParseOptions, parse_without_fast_path};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    let strict = ParseOptions::strict().allow_unknown_transports(true);
    for opts in [ParseOptions::lenient(), strict] {
        let parsed = Candidate::parse_with(line, opts);
        assert_eq!(parsed, parse_without_fast_path(line, opts), "{line:?}");
        match parsed {
            Ok(p) => drop(p.candidate.into_owned()),
            Err(e) => assert!(e.column() >= 1 && e.column() as usize <= line.len() + 1),
        }
    }
});
