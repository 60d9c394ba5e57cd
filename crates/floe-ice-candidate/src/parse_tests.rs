//! Field-boundary tests of the parser (`parse.rs`).

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString as _};

use crate::{
    Address, Candidate, CandidateType, ExtensionKind, Field, ParseError, ParseOptions, Parsed,
    Prefix, TcpType, Transport, WarningKind,
};

const HOST: &str = "candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host";

fn lenient(line: &str) -> Result<Parsed<'_>, ParseError> {
    Candidate::parse_with(line, ParseOptions::lenient())
}

fn field_err(line: &str) -> Field {
    Candidate::parse(line).expect_err(line).field()
}

/// `HOST` with one field replaced.
fn host_with(field: usize, value: &str) -> String {
    let mut parts: alloc::vec::Vec<&str> = HOST.split(' ').collect();
    parts[field] = value;
    parts.join(" ")
}

#[test]
fn component_boundaries() {
    for (v, ok) in [
        ("0", false),
        ("1", true),
        ("256", true),
        ("257", false),
        ("1000", false),
        ("-1", false),
    ] {
        let line = host_with(1, v);
        assert_eq!(Candidate::parse(&line).is_ok(), ok, "{line}");
        if !ok {
            assert_eq!(
                Candidate::parse(&line).unwrap_err(),
                ParseError::BadComponent { column: 13 }
            );
        }
    }
    let p = lenient("candidate:1 001 udp 1 192.0.2.1 9 typ host").unwrap();
    assert!(p.warnings.contains(WarningKind::NonCanonicalNumber));
    assert_eq!(p.candidate.component(), 1);
    assert_eq!(
        p.candidate.to_string(),
        "candidate:1 1 udp 1 192.0.2.1 9 typ host"
    );
    assert!(Candidate::parse_strict("candidate:1 001 udp 1 192.0.2.1 9 typ host").is_ok());
}

#[test]
fn priority_boundaries() {
    assert_eq!(
        Candidate::parse(&host_with(3, "4294967295"))
            .unwrap()
            .priority(),
        u32::MAX
    );
    assert_eq!(field_err(&host_with(3, "4294967296")), Field::Priority);
    assert_eq!(field_err(&host_with(3, "99999999999")), Field::Priority);
    assert_eq!(field_err(&host_with(3, "12a")), Field::Priority);
    for (v, warns) in [
        ("0", true),
        ("1", false),
        ("2147483647", false),
        ("2147483648", true),
    ] {
        let line = host_with(3, v);
        let p = lenient(&line).unwrap();
        assert_eq!(
            p.warnings.contains(WarningKind::PriorityOutOfRange),
            warns,
            "{line}"
        );
        assert_eq!(Candidate::parse_strict(&line).is_ok(), !warns, "{line}");
    }
}

#[test]
fn port_boundaries() {
    assert_eq!(Candidate::parse(&host_with(5, "0")).unwrap().port(), 0);
    assert_eq!(
        Candidate::parse(&host_with(5, "65535")).unwrap().port(),
        65535
    );
    assert_eq!(
        Candidate::parse(&host_with(5, "65536")).unwrap_err(),
        ParseError::BadPort { column: 40 }
    );
    assert_eq!(field_err(&host_with(5, "123456")), Field::Port);
    let base = "candidate:1 1 udp 1 198.51.100.1 9 typ srflx raddr 10.0.0.1 rport ";
    assert_eq!(
        Candidate::parse(&format!("{base}0"))
            .unwrap()
            .related_address()
            .unwrap()
            .port,
        0
    );
    assert_eq!(
        Candidate::parse(&format!("{base}65535"))
            .unwrap()
            .related_address()
            .unwrap()
            .port,
        65535
    );
    assert_eq!(
        Candidate::parse(&format!("{base}65536")).unwrap_err(),
        ParseError::BadRelatedPort {
            column: u32::try_from(base.len()).unwrap() + 1
        }
    );
}

#[test]
fn foundation_boundaries() {
    let f32 = "a".repeat(32);
    assert_eq!(
        Candidate::parse(&host_with(0, &format!("candidate:{f32}")))
            .unwrap()
            .foundation()
            .as_str(),
        f32
    );
    let f33 = "a".repeat(33);
    assert_eq!(
        Candidate::parse(&host_with(0, &format!("candidate:{f33}"))).unwrap_err(),
        ParseError::BadFoundation { column: 11 }
    );
    for bad in ["candidate:a-b", "candidate:a=b", "candidate:é"] {
        assert_eq!(field_err(&host_with(0, bad)), Field::Foundation, "{bad}");
    }
    assert_eq!(
        Candidate::parse("candidate: 1 udp 1 192.0.2.1 9 typ host").unwrap_err(),
        ParseError::BadFoundation { column: 11 }
    );
    assert_eq!(
        Candidate::parse("candidate:").unwrap_err(),
        ParseError::Missing {
            field: Field::Foundation,
            column: 11
        }
    );
    assert_eq!(
        Candidate::parse("").unwrap_err(),
        ParseError::Missing {
            field: Field::Foundation,
            column: 1
        }
    );
}

#[test]
fn ipv6_zone_ids() {
    let line = "candidate:1 1 udp 1 fe80::1%eth0 9 typ host";
    let p = lenient(line).unwrap();
    assert!(p.warnings.contains(WarningKind::ZoneId));
    assert_eq!(
        p.candidate.address(),
        &Address::ScopedIpv6 {
            ip: "fe80::1".parse().unwrap(),
            zone: Cow::Borrowed("eth0")
        }
    );
    assert_eq!(p.candidate.to_string(), line);
    assert_eq!(
        Candidate::parse_strict(line).unwrap_err(),
        ParseError::NotStrict {
            warning: WarningKind::ZoneId,
            column: 21
        }
    );
    assert_eq!(
        field_err("candidate:1 1 udp 1 fe80::1% 9 typ host"),
        Field::Address
    );
    assert_eq!(
        field_err("candidate:1 1 udp 1 192.0.2.1%eth0 9 typ host"),
        Field::Address
    );
    let raddr_zone = "candidate:1 1 udp 1 198.51.100.1 9 typ srflx raddr fe80::2%3 rport 1";
    assert!(
        lenient(raddr_zone)
            .unwrap()
            .warnings
            .contains(WarningKind::ZoneId)
    );
}

#[test]
fn non_canonical_ipv6_is_normalised_with_a_warning() {
    let p = lenient("candidate:1 1 udp 1 2001:DB8:0:0::1 9 typ host").unwrap();
    assert!(p.warnings.contains(WarningKind::NonCanonicalNumber));
    assert_eq!(
        p.candidate.to_string(),
        "candidate:1 1 udp 1 2001:db8::1 9 typ host"
    );
}

#[test]
fn keywords_are_case_insensitive_and_written_lower_case() {
    let line = "candidate:1 1 Tcp 1 198.51.100.1 9 TYP SRFLX RADDR 10.0.0.1 RPORT 5 TCPTYPE ACTIVE";
    for opts in [ParseOptions::lenient(), ParseOptions::strict()] {
        let p = Candidate::parse_with(line, opts).unwrap();
        assert!(p.warnings.contains(WarningKind::NonCanonicalCase));
        assert_eq!(p.candidate.kind(), CandidateType::ServerReflexive);
        assert_eq!(p.candidate.tcp_type(), Some(TcpType::Active));
        assert_eq!(
            p.candidate.to_string(),
            "candidate:1 1 tcp 1 198.51.100.1 9 typ srflx raddr 10.0.0.1 rport 5 tcptype active"
        );
    }
    let upper = "candidate:1 1 UDP 1 192.0.2.1 9 typ host";
    let p = lenient(upper).unwrap();
    assert!(p.warnings.is_empty());
    assert_eq!(p.candidate.to_string(), upper);
}

#[test]
fn transports() {
    assert_eq!(field_err(&host_with(2, "FOO")), Field::Transport);
    assert_eq!(field_err(&host_with(2, "")), Field::Transport);
    let ssl = host_with(2, "SSLTCP");
    let p = lenient(&ssl).unwrap();
    assert_eq!(
        p.candidate.transport(),
        &Transport::Other(Cow::Borrowed("SSLTCP"))
    );
    assert_eq!(p.candidate.to_string(), ssl);
    let opts = ParseOptions::lenient().allow_unknown_transports(true);
    let quic = host_with(2, "quic");
    assert_eq!(
        Candidate::parse_with(&quic, opts)
            .unwrap()
            .candidate
            .to_string(),
        quic
    );
    assert_eq!(field_err(&host_with(2, "q(uic")), Field::Transport);
    let strict_allow = ParseOptions::strict().allow_unknown_transports(true);
    assert!(matches!(
        Candidate::parse_with(&quic, strict_allow),
        Err(ParseError::NotStrict {
            warning: WarningKind::NonStandardTransport,
            ..
        })
    ));
}

#[test]
fn prefixes() {
    let bare = "1 1 udp 1 192.0.2.1 9 typ host";
    for (line, prefix) in [
        (format!("a=candidate:{bare}"), Prefix::Attribute),
        (format!("candidate:{bare}"), Prefix::Candidate),
        (bare.to_string(), Prefix::None),
    ] {
        let c = Candidate::parse(&line).unwrap();
        assert_eq!(c.prefix(), prefix);
        assert_eq!(c.to_string(), line);
    }
    assert_eq!(
        Candidate::parse("a=cand:1 1 udp").unwrap_err(),
        ParseError::BadPrefix { column: 1 }
    );
    assert_eq!(
        field_err("Candidate:1 1 udp 1 192.0.2.1 9 typ host"),
        Field::Foundation
    );
}

#[test]
fn white_space() {
    let messy = "  candidate:1  1 udp 1 192.0.2.1 9 typ host  generation 0   foo bar \r\n";
    let p = lenient(messy).unwrap();
    assert!(p.warnings.contains(WarningKind::ExtraWhitespace));
    assert_eq!(
        p.candidate.to_string(),
        "candidate:1 1 udp 1 192.0.2.1 9 typ host generation 0 foo bar"
    );
    assert_eq!(p.candidate.extensions().get("foo"), Some("bar"));
    assert!(Candidate::parse_strict(messy).is_err());
    assert_eq!(
        Candidate::parse_strict("candidate:1 1 udp 1 192.0.2.1 9 typ host\r").unwrap_err(),
        ParseError::NotStrict {
            warning: WarningKind::ExtraWhitespace,
            column: 41
        }
    );
    assert_eq!(
        field_err("candidate:1 1 udp 1 192.0.2.1 9 typ host\tgeneration 0"),
        Field::CandidateType
    );
}

#[test]
fn raddr_rport_tcptype_order() {
    let line = "candidate:1 1 tcp 1 198.51.100.1 9 typ srflx generation 0 tcptype passive rport 2 raddr 10.0.0.1 x y";
    let p = lenient(line).unwrap();
    assert!(p.warnings.contains(WarningKind::OutOfOrder));
    assert_eq!(
        p.candidate.to_string(),
        "candidate:1 1 tcp 1 198.51.100.1 9 typ srflx raddr 10.0.0.1 rport 2 tcptype passive generation 0 x y"
    );
    assert!(matches!(
        Candidate::parse_strict(line),
        Err(ParseError::NotStrict {
            warning: WarningKind::OutOfOrder,
            ..
        })
    ));
    let rport_first = "candidate:1 1 udp 1 198.51.100.1 9 typ srflx rport 2 raddr 10.0.0.1";
    assert!(
        lenient(rport_first)
            .unwrap()
            .warnings
            .contains(WarningKind::OutOfOrder)
    );
}

#[test]
fn related_address_pairing_and_duplicates() {
    let srflx = "candidate:1 1 udp 1 198.51.100.1 9 typ srflx";
    assert_eq!(
        Candidate::parse(&format!("{srflx} raddr 10.0.0.1")).unwrap_err(),
        ParseError::Missing {
            field: Field::RelatedPort,
            column: 46
        }
    );
    assert_eq!(
        field_err(&format!("{srflx} raddr 10.0.0.1 x 1")),
        Field::RelatedPort
    );
    assert_eq!(
        field_err(&format!("{srflx} rport 1")),
        Field::RelatedAddress
    );
    assert_eq!(
        Candidate::parse(&format!("{srflx} raddr 10.0.0.1 rport 1 rport 2")).unwrap_err(),
        ParseError::Duplicate {
            field: Field::RelatedPort,
            column: 69
        }
    );
    assert_eq!(
        field_err(&format!("{srflx} raddr 10.0.0.1 raddr 10.0.0.2 rport 1")),
        Field::RelatedAddress
    );
    assert_eq!(
        field_err(&format!("{HOST} tcptype so tcptype so")),
        Field::TcpType
    );
    assert_eq!(field_err(&format!("{HOST} typ relay")), Field::TypKeyword);
    assert_eq!(
        field_err(&format!("{srflx} raddr x.x.x.x rport 1")),
        Field::RelatedAddress
    );
    let line = format!("{srflx} raddr a.local rport 0");
    let mdns_raddr = Candidate::parse(&line).unwrap();
    assert!(mdns_raddr.related_address().unwrap().address.is_mdns());
    let host_raddr =
        lenient("candidate:1 1 udp 1 192.0.2.1 9 typ host raddr 0.0.0.0 rport 0").unwrap();
    assert!(
        host_raddr
            .warnings
            .contains(WarningKind::UnexpectedRelatedAddress)
    );
}

#[test]
fn tcp_types() {
    for (t, tt) in [
        ("active", TcpType::Active),
        ("passive", TcpType::Passive),
        ("so", TcpType::SimultaneousOpen),
    ] {
        let line = format!("candidate:1 1 TCP 1 192.0.2.1 9 typ host tcptype {t}");
        let c = Candidate::parse_strict(&line).unwrap();
        assert_eq!(c.tcp_type(), Some(tt));
    }
    assert_eq!(
        field_err("candidate:1 1 tcp 1 192.0.2.1 9 typ host tcptype foo"),
        Field::TcpType
    );
    assert_eq!(
        Candidate::parse("candidate:1 1 tcp 1 192.0.2.1 9 typ host tcptype").unwrap_err(),
        ParseError::Missing {
            field: Field::TcpType,
            column: 49
        }
    );
    let udp = lenient("candidate:1 1 udp 1 192.0.2.1 9 typ host tcptype so").unwrap();
    assert!(udp.warnings.contains(WarningKind::UnexpectedTcpType));
}

#[test]
fn extensions() {
    assert_eq!(
        Candidate::parse(&format!("{HOST} generation B")).unwrap_err(),
        ParseError::BadExtensionValue {
            extension: ExtensionKind::Generation,
            column: 65
        }
    );
    assert_eq!(
        field_err(&format!("{HOST} network-id -1")),
        Field::ExtensionValue
    );
    assert_eq!(
        field_err(&format!("{HOST} ufrag a$")),
        Field::ExtensionValue
    );
    assert_eq!(
        field_err(&format!("{HOST} x a\u{7f}")),
        Field::ExtensionValue
    );
    assert_eq!(field_err(&format!("{HOST} x a\tb")), Field::ExtensionValue);
    assert_eq!(field_err(&format!("{HOST} a(b 1")), Field::ExtensionName);
    assert_eq!(
        Candidate::parse(&format!("{HOST} generation 0 dangling")).unwrap_err(),
        ParseError::DanglingExtension { column: 67 }
    );
    let line = format!("{HOST} z 1 generation 3 z 2 ufrag abc");
    let c = Candidate::parse(&line).unwrap();
    let pairs: alloc::vec::Vec<_> = c.extensions().iter().map(|e| (e.name, e.value)).collect();
    assert_eq!(
        pairs,
        [
            ("z", "1"),
            ("generation", "3"),
            ("z", "2"),
            ("ufrag", "abc")
        ]
    );
    assert_eq!(c.extensions().get("z"), Some("1"));
    assert_eq!(c.extensions().ufrag(), Some("abc"));
    assert_eq!(c.extensions().len(), 4);
    let utf8 = format!("{HOST} label caf\u{e9}");
    assert_eq!(Candidate::parse(&utf8).unwrap().to_string(), utf8);
}

#[test]
fn missing_fields_point_past_the_end() {
    let cases = [
        ("candidate:1", Field::Component),
        ("candidate:1 1", Field::Transport),
        ("candidate:1 1 udp", Field::Priority),
        ("candidate:1 1 udp 1", Field::Address),
        ("candidate:1 1 udp 1 192.0.2.1", Field::Port),
        ("candidate:1 1 udp 1 192.0.2.1 9", Field::TypKeyword),
        ("candidate:1 1 udp 1 192.0.2.1 9 typ", Field::CandidateType),
    ];
    for (line, field) in cases {
        let column = u32::try_from(line.len()).unwrap() + 1;
        assert_eq!(
            Candidate::parse(line).unwrap_err(),
            ParseError::Missing { field, column },
            "{line}"
        );
    }
    assert_eq!(
        Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 type host").unwrap_err(),
        ParseError::BadTypKeyword { column: 33 }
    );
    assert_eq!(
        field_err("candidate:1 1 udp 1 192.0.2.1 9 typ fost"),
        Field::CandidateType
    );
}

#[test]
fn rewritten_extensions_are_owned_canonical_ones_borrowed() {
    let line = format!("{HOST} generation 0");
    let c = Candidate::parse(&line).unwrap();
    assert_eq!(c.extensions().as_str(), "generation 0");
    let owned = c.into_owned();
    assert_eq!(owned.extensions().generation(), Some(0));
}

/// The fast path (`fast.rs`) must return exactly what the full parser returns, and only for
/// lines the full parser accepts without warnings.
fn assert_fast_path_agrees(line: &str) {
    let full = super::parse_full(line, ParseOptions::lenient());
    match crate::fast::parse(line) {
        Some(fast) => {
            let full =
                full.unwrap_or_else(|e| panic!("fast path accepted {line:?}, full parser: {e:?}"));
            assert!(
                full.warnings.is_empty(),
                "fast path accepted {line:?} despite {:?}",
                full.warnings
            );
            assert_eq!(fast, full.candidate, "{line:?}");
        }
        None => {
            if let Ok(p) = full {
                // Canonical lines should not miss the fast path.
                assert!(
                    !p.warnings.is_empty(),
                    "canonical line missed the fast path: {line:?}"
                );
            }
        }
    }
}

#[test]
fn fast_path_agrees_with_the_full_parser_on_handwritten_lines() {
    let lines = [
        HOST,
        "a=candidate:1 1 UDP 1 192.0.2.1 0 typ host",
        "1 256 TCP 2147483647 ::1 65535 typ host tcptype so",
        "candidate:1 1 udp 2147483648 192.0.2.1 9 typ host",
        "candidate:1 1 udp 0 192.0.2.1 9 typ host",
        "candidate:1 1 udp 1 01.2.3.4 9 typ host",
        "candidate:1 1 udp 1 1.2.3.4.5 9 typ host",
        "candidate:1 1 udp 1 255.255.255.256 9 typ host",
        "candidate:1 1 udp 1 2001:db8::1 9 typ host",
        "candidate:1 1 udp 1 2001:DB8::1 9 typ host",
        "candidate:1 1 udp 1 fe80::1%1 9 typ host",
        "candidate:1 1 udp 1 a.local 9 typ host ufrag abc",
        "candidate:1 1 udp 1 198.51.100.1 9 typ srflx raddr 10.0.0.1 rport 1 generation 0",
        "candidate:1 1 udp 1 198.51.100.1 9 typ srflx raddr a.local rport 1",
        "candidate:1 1 udp 1 198.51.100.1 9 typ srflx",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host raddr 10.0.0.1 rport 1",
        "candidate:1 1 tcp 1 192.0.2.1 9 typ host",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host tcptype so",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host RADDR 1",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host typ host",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host generation 01",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host generation 4294967296",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host x y ",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host x y\r",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host x",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host x\u{e9} y",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host x y\u{e9}",
        "candidate:1  1 udp 1 192.0.2.1 9 typ host",
        "candidate: 1 udp 1 192.0.2.1 9 typ host",
        "candidate:1 1 udp 1 192.0.2.1 9 typ host ",
        "candidate:1 01 udp 1 192.0.2.1 9 typ host",
        "candidate:1 1 udp 1 192.0.2.1 09 typ host",
        "candidate:1 1 Udp 1 192.0.2.1 9 typ host",
        "candidate:1 1 ssltcp 1 192.0.2.1 9 typ host",
        "candidate:1 1 udp 1 192.0.2.1 9 TYP host",
        "candidate:1 1 udp 1 192.0.2.1 9 typ HOST",
        "",
        "candidate:",
        "a=candidate:",
    ];
    for line in lines {
        assert_fast_path_agrees(line);
        // Every single-byte substitution with bytes that matter to the grammar.
        for i in 0..line.len() {
            for sub in [
                " ", "0", "9", "a", "Z", ".", ":", "%", "\r", "-", "+", "/", "\u{e9}",
            ] {
                if line.is_char_boundary(i) && line.is_char_boundary(i + 1) {
                    assert_fast_path_agrees(&format!("{}{sub}{}", &line[..i], &line[i + 1..]));
                }
            }
        }
        // A space inserted anywhere: doubled separators, leading and trailing white space.
        for i in (0..=line.len()).filter(|&i| line.is_char_boundary(i)) {
            assert_fast_path_agrees(&format!("{} {}", &line[..i], &line[i..]));
        }
    }
}

floe_corpus::conformance_test! {
    fn fast_path_agrees_with_the_full_parser_on_the_corpus() {
        for file in ["candidates.txt", "candidates-bad.txt"] {
            let Some(bytes) = floe_corpus::read(file) else {
                return;
            };
            let text = String::from_utf8(bytes).unwrap();
            for line in text.lines() {
                assert_fast_path_agrees(line);
                // Every one-byte deletion of a corpus line, too.
                for i in 0..line.len() {
                    if line.is_char_boundary(i) && line.is_char_boundary(i + 1) {
                        assert_fast_path_agrees(&format!("{}{}", &line[..i], &line[i + 1..]));
                    }
                }
            }
        }
    }
}
