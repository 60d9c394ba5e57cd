//! Conformance against the shared third-party corpus (read in place, never copied):
//! every real candidate line parses leniently and writes back byte for byte; every line real
//! parsers reject is rejected here with the error class (field) its recorded reason names.

use floe_ice_candidate::{Candidate, Field, ParseError, ParseOptions, WarningKind};

fn text(rel: &str) -> Option<String> {
    floe_corpus::read(rel).map(|b| String::from_utf8(b).expect("corpus file is UTF-8"))
}

floe_corpus::conformance_test! {
    fn good_lines_parse_and_round_trip_byte_identically() {
        let Some(good) = text("candidates.txt") else {
            return;
        };
        let mut n = 0;
        for line in good.lines().filter(|l| !l.is_empty()) {
            let c =
                Candidate::parse(line).unwrap_or_else(|e| panic!("{line}: column {}: {e}", e.column()));
            assert_eq!(c.to_string(), line, "round trip");
            // The owned form is equal and writes the same text.
            let owned = c.clone().into_owned();
            assert_eq!(owned, c);
            assert_eq!(owned.to_string(), line);
            n += 1;
        }
        assert_eq!(n, 78, "candidates.txt has 78 lines");
    }
}

floe_corpus::conformance_test! {
    /// The `strict_rfc8839_notes` column: "ok" lines pass strict mode; the others are the
    /// departures lenient mode warns about.
    fn strict_mode_matches_the_recorded_notes() {
        let Some(tsv) = text("candidates-sources.tsv") else {
            return;
        };
        for row in tsv.lines().skip(1).filter(|l| !l.is_empty()) {
            let cols: Vec<&str> = row.split('\t').collect();
            let (line, note) = (cols[0], cols[7]);
            let lenient = Candidate::parse_with(line, ParseOptions::lenient()).expect(line);
            let strict = Candidate::parse_strict(line);
            if note == "ok" {
                assert!(strict.is_ok(), "{line}: {strict:?}");
                assert!(
                    lenient.warnings.iter().all(|w| !w.kind.violates_rfc()),
                    "{line}: {:?}",
                    lenient.warnings
                );
            } else if note.starts_with("tcp candidate without tcptype") {
                assert!(
                    lenient.warnings.contains(WarningKind::MissingTcpType),
                    "{line}"
                );
                assert!(matches!(
                    strict,
                    Err(ParseError::NotStrict {
                        warning: WarningKind::MissingTcpType,
                        ..
                    })
                ));
            } else if note.starts_with("non-standard transport") {
                assert!(
                    lenient.warnings.contains(WarningKind::NonStandardTransport),
                    "{line}"
                );
                assert!(matches!(
                    strict,
                    Err(ParseError::NotStrict {
                        warning: WarningKind::NonStandardTransport,
                        ..
                    })
                ));
            } else if note.starts_with("non-host candidate without raddr") {
                assert!(
                    lenient
                        .warnings
                        .contains(WarningKind::MissingRelatedAddress),
                    "{line}"
                );
                assert!(
                    strict.is_ok(),
                    "{line}: RFC 8839 only recommends raddr/rport"
                );
            } else {
                panic!("unexpected note {note:?}");
            }
        }
    }
}

/// The error classes a recorded reason names. Where a line has two defects, the field
/// reached first (left to right) is also accepted.
fn expected_fields(reason: &str) -> &'static [Field] {
    const TABLE: &[(&str, &[Field])] = &[
        ("port 99999999", &[Field::Port]),
        (
            "rport out of range",
            &[Field::RelatedPort, Field::RelatedAddress],
        ), // raddr .278 comes first
        ("garbage address", &[Field::Address]),
        ("rport", &[Field::RelatedPort]),
        ("raddr", &[Field::RelatedAddress]),
        ("foundation only", &[Field::Component]),
        ("foundation", &[Field::Foundation]),
        ("component", &[Field::Component]),
        ("transport", &[Field::Transport]),
        ("port 65536", &[Field::Port, Field::Component]), // component 99999 comes first
        ("port", &[Field::Port]),
        ("priority", &[Field::Priority]),
        ("cand-type", &[Field::CandidateType]),
        ("\"type\" instead of \"typ\"", &[Field::TypKeyword]),
        (
            "truncated before \"typ\"",
            &[Field::TypKeyword, Field::Transport],
        ), // transport INVALID comes first
        ("truncated after \"typ\"", &[Field::CandidateType]),
        ("tcptype", &[Field::TcpType]),
        ("name without value", &[Field::ExtensionName]),
        ("network-cost without value", &[Field::ExtensionName]),
        ("not numeric", &[Field::ExtensionValue]),
        ("extension value", &[Field::ExtensionValue]),
        ("address", &[Field::Address]),
        ("empty", &[Field::Foundation]),
    ];
    TABLE
        .iter()
        .find(|(key, _)| reason.contains(key))
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no expectation for reason {reason:?}"))
}

floe_corpus::conformance_test! {
    fn bad_lines_are_rejected_with_the_named_error_class() {
        let (Some(bad), Some(tsv)) = (
            text("candidates-bad.txt"),
            text("candidates-bad-sources.tsv"),
        ) else {
            return;
        };
        let reasons: Vec<(&str, &str)> = tsv
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|row| {
                let mut cols = row.split('\t');
                (cols.next().unwrap(), cols.nth(1).unwrap())
            })
            .collect();
        let mut n = 0;
        for line in bad.lines().filter(|l| !l.is_empty()) {
            let reason = reasons
                .iter()
                .find(|(l, _)| *l == line)
                .map(|(_, r)| *r)
                .expect("reason recorded");
            // CANDIDATES.md: an escaped \n stands for a raw newline.
            let input = line.replace("\\n", "\n");
            let expected = expected_fields(reason);
            for opts in [ParseOptions::lenient(), ParseOptions::strict()] {
                let err = Candidate::parse_with(&input, opts).expect_err(line);
                assert!(
                    expected.contains(&err.field()),
                    "{line}\nreason: {reason}\ngot {err:?}, expected one of {expected:?}"
                );
                assert!(
                    err.column() >= 1 && err.column() as usize <= input.len() + 1,
                    "{line}: column {}",
                    err.column()
                );
            }
            n += 1;
        }
        assert_eq!(n, 46, "candidates-bad.txt has 46 lines");
    }
}
