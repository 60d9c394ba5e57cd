//! Conformance over the shared third-party corpus (`../shared/corpus/sdp`, read through
//! `floe-corpus`, never copied): its `manifest.json` says what each file is.
//!
//! - `valid`: parses in both modes and round-trips byte for byte, except the files of
//!   `MISPLACED` below: valid RFC 8866 grammar, but an attribute at a level its registration
//!   forbids (RFC 8859 §5), which strict mode refuses and lenient mode accepts with a warning.
//! - `invalid`: strict mode rejects it at the line the table below names (the first line that
//!   breaks RFC 8866; the manifest gives the reason, the line is ours).
//! - `edge`: lenient mode accepts it with a warning naming the deviation (table below), and it
//!   round-trips.

use std::path::Path;

use floe_sdp::{
    DiagnosticKind, Level, Mode, ParseOptions, SessionDescription, ValueErrorKind, validate,
};

/// (file, expected strict error line, what the error must be).
/// A file, a line, and a check of the diagnostic kind reported there.
type Expectation = (&'static str, u32, fn(&DiagnosticKind) -> bool);

const INVALID: &[Expectation] = &[
    ("fixtures/sdp-transform-tcp-active.sdp", 4, |k| {
        *k == DiagnosticKind::MissingLine { line_type: 't' }
    }),
    ("fixtures/sdp-transform-onvif.sdp", 4, |k| {
        *k == DiagnosticKind::MissingLine { line_type: 't' }
    }),
    ("fixtures/sdp-transform-invalid.sdp", 7, |k| {
        matches!(
            k,
            DiagnosticKind::InvalidAttribute {
                name: "rtcp",
                error: ValueErrorKind::Invalid { field: "addrtype" }
            }
        )
    }),
    ("invalid/libwebrtc-corpus-unittest-3-fragment.sdp", 1, |k| {
        *k == DiagnosticKind::FirstLineNotVersion
    }),
    ("invalid/libwebrtc-corpus-unittest-6-fragment.sdp", 1, |k| {
        *k == DiagnosticKind::FirstLineNotVersion
    }),
    ("invalid/libwebrtc-corpus-unittest-7-fragment.sdp", 1, |k| {
        *k == DiagnosticKind::FirstLineNotVersion
    }),
];

/// `valid` files with an attribute at a level its registration forbids: (file, line, the
/// placement diagnostic). Strict mode rejects them there; lenient mode warns there and keeps the
/// line.
const MISPLACED: &[Expectation] = &[
    // pion's "every RFC 8866 field" fixture carries `a=candidate` before the first `m=`;
    // RFC 8839 §5.1 defines it at media level only.
    (
        "fixtures/pion-sdp-canonical-rfc8866-all-fields.sdp",
        16,
        |k| {
            *k == DiagnosticKind::Placement {
                name: "candidate",
                found: Level::Session,
            }
        },
    ),
];

/// (file, line of the warning that names the deviation, the deviation).
const EDGE: &[Expectation] = &[
    ("browser/str0m-parse_minimal.sdp", 5, |k| {
        *k == DiagnosticKind::MediaWithoutFormat
    }),
    ("browser/jitsi-multiCodecVideoSdpStr.sdp", 65, |k| {
        matches!(
            k,
            DiagnosticKind::InvalidAttribute {
                name: "fmtp",
                error: ValueErrorKind::Invalid {
                    field: "level-asymmetry-allowed"
                }
            }
        )
    }),
    ("browser/jitsi-recvOnlySdpStrChrome.sdp", 60, |k| {
        matches!(
            k,
            DiagnosticKind::InvalidAttribute {
                name: "fmtp",
                error: ValueErrorKind::Invalid {
                    field: "level-asymmetry-allowed"
                }
            }
        )
    }),
    ("fixtures/sdp-transform-simulcast.sdp", 28, |k| {
        matches!(
            k,
            DiagnosticKind::InvalidAttribute {
                name: "simulcast",
                error: ValueErrorKind::DraftSimulcast
            }
        )
    }),
    ("invalid/pion-sdp-c-line-missing-address.sdp", 4, |k| {
        matches!(
            k,
            DiagnosticKind::InvalidField {
                line_type: 'c',
                error: ValueErrorKind::Missing {
                    field: "connection-address"
                }
            }
        )
    }),
    (
        "invalid/pion-sdp-uniview-camera-missing-origin-address.sdp",
        2,
        |k| {
            matches!(
                k,
                DiagnosticKind::InvalidField {
                    line_type: 'o',
                    error: ValueErrorKind::Missing {
                        field: "unicast-address"
                    }
                }
            )
        },
    ),
    ("fixtures/sdp-transform-hacky.sdp", 10, |k| {
        matches!(
            k,
            DiagnosticKind::InvalidAttribute {
                name: "candidate",
                error: ValueErrorKind::UnspecifiedAddress
            }
        )
    }),
];

struct Entry {
    file: String,
    expect: String,
}

fn manifest(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
    json.as_array()
        .expect("manifest is an array")
        .iter()
        .map(|e| Entry {
            file: e["file"].as_str().unwrap().into(),
            expect: e["expect"].as_str().unwrap().into(),
        })
        .collect()
}

fn read(dir: &Path, file: &str) -> String {
    String::from_utf8(std::fs::read(dir.join(file)).unwrap()).unwrap()
}

/// Lenient warnings are the same whether attribute values are checked during the parse or on
/// the first read of the warnings.
fn lazy_and_eager_value_checks_agree(file: &str, text: &str) {
    let Ok(lazy) = SessionDescription::parse_with(text, Mode::Lenient) else {
        return;
    };
    let eager = ParseOptions::new(Mode::Lenient).check_values(true);
    let eager = SessionDescription::parse_with(text, eager).expect("same structure");
    assert_eq!(lazy.warnings(), eager.warnings(), "{file}");
}

floe_corpus::conformance_test! {
    fn corpus_conformance() {
        let Some(dir) = floe_corpus::corpus_dir("sdp") else {
            return;
        };
        let entries = manifest(&dir);
        assert!(entries.len() >= 69, "manifest shrank: {}", entries.len());
        let (mut valid, mut invalid, mut edge) = (0, 0, 0);
        let mut failures = Vec::new();
        for e in &entries {
            let text = read(&dir, &e.file);
            lazy_and_eager_value_checks_agree(&e.file, &text);
            match e.expect.as_str() {
                "valid" => {
                    valid += 1;
                    let misplaced = MISPLACED.iter().find(|(f, ..)| *f == e.file);
                    if let Some((_, line, check)) = misplaced {
                        let err = SessionDescription::parse_with(&text, Mode::Strict)
                            .err()
                            .unwrap_or_else(|| panic!("{} accepted in strict mode", e.file));
                        assert_eq!(err.line, *line, "{}: {err}", e.file);
                        assert!(check(&err.kind), "{}: {err}", e.file);
                        let p = SessionDescription::parse_with(&text, Mode::Lenient).unwrap();
                        assert!(
                            p.warnings().iter().any(|w| w.line == *line && check(&w.kind)),
                            "{}: {:?}",
                            e.file,
                            p.warnings()
                        );
                    }
                    let modes: &[Mode] = if misplaced.is_some() {
                        &[Mode::Lenient]
                    } else {
                        &[Mode::Strict, Mode::Lenient]
                    };
                    for &mode in modes {
                        match SessionDescription::parse_with(&text, mode) {
                            Ok(p) => {
                                assert_eq!(p.description().to_string(), text, "{} round trip", e.file)
                            }
                            Err(d) => failures.push(format!("{} ({mode:?}): {d}", e.file)),
                        }
                    }
                    let _ = validate(&SessionDescription::parse(&text).unwrap());
                }
                "invalid" => {
                    invalid += 1;
                    let (_, line, check) = INVALID
                        .iter()
                        .find(|(f, ..)| *f == e.file)
                        .unwrap_or_else(|| panic!("no expectation for invalid file {}", e.file));
                    let err = SessionDescription::parse_with(&text, Mode::Strict)
                        .err()
                        .unwrap_or_else(|| panic!("{} accepted in strict mode", e.file));
                    assert_eq!(err.line, *line, "{}: {err}", e.file);
                    assert!(check(&err.kind), "{}: {err}", e.file);
                }
                "edge" => {
                    edge += 1;
                    let (_, line, check) = EDGE
                        .iter()
                        .find(|(f, ..)| *f == e.file)
                        .unwrap_or_else(|| panic!("no expectation for edge file {}", e.file));
                    let p = SessionDescription::parse_with(&text, Mode::Lenient)
                        .unwrap_or_else(|d| panic!("{} rejected in lenient mode: {d}", e.file));
                    assert_eq!(p.description().to_string(), text, "{} round trip", e.file);
                    if *line > 0
                        && !p
                            .warnings()
                            .iter()
                            .any(|w| w.line == *line && check(&w.kind))
                    {
                        failures.push(format!(
                            "{}: expected warning at line {line}, got {:?}",
                            e.file,
                            p.warnings()
                        ));
                    }
                }
                other => panic!("unknown expectation {other} for {}", e.file),
            }
        }
        assert!(
            failures.is_empty(),
            "corpus failures:\n{}",
            failures.join("\n")
        );
        assert_eq!((valid, invalid, edge), (56, 6, 7));
        assert!(
            MISPLACED
                .iter()
                .all(|(f, ..)| entries.iter().any(|e| e.file == *f && e.expect == "valid")),
            "a MISPLACED file left the corpus or changed expectation"
        );
    }
}
