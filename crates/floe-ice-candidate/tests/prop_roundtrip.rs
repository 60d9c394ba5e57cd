//! Property tests: generated candidates survive write-then-parse; parsing never panics and is
//! idempotent after one normalisation; the priority formulas hold and never overflow.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use floe_ice_candidate::{
    Address, Candidate, CandidateBuilder, CandidateType, ParseOptions, Prefix, TcpType, Transport,
    candidate_priority, pair_priority,
};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = CandidateType> {
    prop::sample::select(CandidateType::ALL.to_vec())
}

fn host_name() -> impl Strategy<Value = String> {
    (
        "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
        prop::collection::vec("[a-z0-9]{1,8}", 0..3),
        "[a-z][a-z0-9]{1,5}",
    )
        .prop_map(|(first, mid, tld)| {
            let mut s = first;
            for m in mid {
                s.push('.');
                s.push_str(&m);
            }
            s.push('.');
            s.push_str(&tld);
            s
        })
}

fn address() -> impl Strategy<Value = Address<'static>> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|o| Address::Ip(IpAddr::V4(Ipv4Addr::from(o)))),
        any::<[u16; 8]>().prop_map(|s| Address::Ip(IpAddr::V6(Ipv6Addr::from(s)))),
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
            .prop_map(|u| Address::from_name(format!("{u}.local")).unwrap()),
        host_name().prop_map(|n| Address::from_name(n).unwrap()),
    ]
}

fn transport() -> impl Strategy<Value = (Transport<'static>, bool)> {
    prop_oneof![
        (Just(Transport::Udp), any::<bool>()),
        (Just(Transport::Tcp), any::<bool>()),
        Just((Transport::other("ssltcp").unwrap(), false)),
    ]
}

fn extension() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        any::<u32>().prop_map(|v| ("generation".to_owned(), v.to_string())),
        any::<u32>().prop_map(|v| ("network-id".to_owned(), v.to_string())),
        any::<u32>().prop_map(|v| ("network-cost".to_owned(), v.to_string())),
        "[A-Za-z0-9+/]{1,32}".prop_map(|v| ("ufrag".to_owned(), v)),
        ("[a-z][a-z0-9_.~-]{0,12}", "[!-~]{1,16}").prop_filter(
            "reserved or known names",
            |(n, _)| {
                ![
                    "raddr",
                    "rport",
                    "tcptype",
                    "typ",
                    "generation",
                    "network-id",
                    "network-cost",
                    "ufrag",
                ]
                .contains(&n.as_str())
            }
        ),
    ]
}

prop_compose! {
    fn candidate()(
        kind in kind(),
        address in address(),
        port in any::<u16>(),
        foundation in "[A-Za-z0-9+/]{1,32}",
        component in 1u16..=256,
        (transport, upper) in transport(),
        priority in any::<u32>(),
        related in prop::option::of((address(), any::<u16>())),
        tcp_type in prop::option::of(prop::sample::select(vec![TcpType::Active, TcpType::Passive, TcpType::SimultaneousOpen])),
        extensions in prop::collection::vec(extension(), 0..6),
        prefix in prop::sample::select(vec![Prefix::Attribute, Prefix::Candidate, Prefix::None]),
    ) -> Candidate<'static> {
        let mut b = CandidateBuilder::new(kind, address, port)
            .foundation(foundation)
            .component(component)
            .transport(transport)
            .upper_case_transport(upper)
            .priority(priority)
            .prefix(prefix);
        if let Some((a, p)) = related {
            b = b.related(a, p);
        }
        if let Some(t) = tcp_type {
            b = b.tcp_type(t);
        }
        for (n, v) in &extensions {
            b = b.extension(n, v);
        }
        b.build().expect("generated fields are valid")
    }
}

/// A valid line with one byte changed, inserted or removed: near-misses reach deep error paths.
fn mutated_line() -> impl Strategy<Value = String> {
    (candidate(), any::<usize>(), any::<u8>(), 0u8..3).prop_map(|(c, at, byte, op)| {
        let mut bytes = c.to_string().into_bytes();
        let i = at % (bytes.len() + 1);
        match op {
            0 if i < bytes.len() => bytes[i] = byte,
            1 => bytes.insert(i, byte),
            _ if i < bytes.len() => {
                bytes.remove(i);
            }
            _ => {}
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn written_candidates_parse_back_equal(c in candidate()) {
        let line = c.to_string();
        let parsed = Candidate::parse(&line).map_err(|e| TestCaseError::fail(format!("{line}: {e:?}")))?;
        prop_assert_eq!(&parsed, &c);
        prop_assert_eq!(&parsed.to_string(), &line);
        prop_assert_eq!(parsed.into_owned(), c);
    }

    #[test]
    fn parse_never_panics_on_arbitrary_strings(s in any::<String>()) {
        let _ = Candidate::parse_with(&s, ParseOptions::lenient());
        let _ = Candidate::parse_with(&s, ParseOptions::strict().allow_unknown_transports(true));
    }

    #[test]
    fn parse_of_near_misses_is_total_and_normalisation_is_idempotent(s in mutated_line()) {
        for opts in [ParseOptions::lenient(), ParseOptions::strict(), ParseOptions::lenient().allow_unknown_transports(true)] {
            match Candidate::parse_with(&s, opts) {
                Ok(p) => {
                    let once = p.candidate.to_string();
                    let again = Candidate::parse_with(&once, ParseOptions::lenient().allow_unknown_transports(true))
                        .map_err(|e| TestCaseError::fail(format!("{s:?} -> {once:?}: {e:?}")))?;
                    prop_assert_eq!(&again.candidate, &p.candidate);
                    prop_assert_eq!(&again.candidate.to_string(), &once);
                    // Every normalisation is announced: a line without warnings is canonical.
                    prop_assert!(!p.warnings.is_empty() || once == s.trim_end_matches(['\r', '\n']) && once == s, "{:?} -> {:?}", s, once);
                }
                Err(e) => prop_assert!(e.column() >= 1 && e.column() as usize <= s.len() + 1, "{:?}: {:?}", s, e),
            }
        }
    }

    #[test]
    fn candidate_priority_is_the_rfc_formula_and_stays_below_2_31(tp in 0u8..=126, lp in any::<u16>(), comp in 1u16..=256) {
        let p = candidate_priority(tp, lp, comp);
        prop_assert_eq!(u64::from(p), (1u64 << 24) * u64::from(tp) + (1u64 << 8) * u64::from(lp) + 256 - u64::from(comp));
        prop_assert!((1..=0x7fff_ffff).contains(&p));
    }

    #[test]
    fn candidate_priority_clamps_instead_of_overflowing(tp in any::<u8>(), lp in any::<u16>(), comp in any::<u16>()) {
        prop_assert!(candidate_priority(tp, lp, comp) <= 0x7fff_ffff);
    }

    #[test]
    fn pair_priority_is_the_rfc_formula_and_saturates(g in any::<u32>(), d in any::<u32>()) {
        let exact = (u128::from(g.min(d)) << 32) + 2 * u128::from(g.max(d)) + u128::from(g > d);
        prop_assert_eq!(u128::from(pair_priority(g, d)), exact.min(u128::from(u64::MAX)));
        if g <= 0x7fff_ffff && d <= 0x7fff_ffff {
            prop_assert!(exact < 1u128 << 63);
            if g != d {
                // The controlling side's preference breaks the tie by exactly one.
                prop_assert_eq!(pair_priority(g, d).abs_diff(pair_priority(d, g)), 1);
            }
        }
    }
}
