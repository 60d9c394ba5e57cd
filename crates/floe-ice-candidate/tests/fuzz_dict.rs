//! `fuzz/dict/candidate.dict` holds every candidate type, TCP type and known extension the
//! parser names, as they appear in a line: one added without its entry fails here.

use floe_ice_candidate::{CandidateType, ExtensionKind, TcpType};

#[test]
fn the_candidate_dictionary_covers_the_grammar_tokens() {
    let dict = floe_corpus::fuzz_dict::entries("candidate");
    let has = |text: String| {
        assert!(
            dict.iter().any(|e| *e == text.as_bytes()),
            "missing {text:?}"
        );
    };
    for kind in CandidateType::ALL {
        has(format!(" typ {}", kind.as_str()));
    }
    for t in [TcpType::Active, TcpType::Passive, TcpType::SimultaneousOpen] {
        has(format!(" tcptype {}", t.as_str()));
    }
    for name in ["generation", "ufrag", "network-id", "network-cost"] {
        assert_ne!(
            ExtensionKind::from_name(name),
            ExtensionKind::Other,
            "{name}"
        );
        has(format!(" {name} "));
    }
    for token in [
        "a=candidate:",
        "candidate:",
        " raddr ",
        " rport ",
        " tcptype ",
        ".local",
    ] {
        has(token.to_owned());
    }
}
