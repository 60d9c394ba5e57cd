//! parse → write → parse gives the same candidate (so the same text); no warning ⇒ byte-identical.
#![no_main]
use floe_ice_candidate::{Candidate, ParseOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    let opts = ParseOptions::lenient().allow_unknown_transports(true);
    if let Ok(p) = Candidate::parse_with(line, opts) {
        let once = p.candidate.to_string();
        let again = Candidate::parse_with(&once, opts).map(|a| a.candidate);
        assert_eq!(again.as_ref(), Ok(&p.candidate), "{once:?}");
        assert!(!p.warnings.is_empty() || once == line, "{line:?}");
    }
});
