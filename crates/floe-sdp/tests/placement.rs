//! Placement of every registered attribute (RFC 8859 §5 and each attribute's RFC), typed or not:
//! an error in strict mode, a warning in lenient mode, and the line kept either way. Unknown
//! names are accepted at both levels.
//!
//! The session-level cases are the attributes webrtc-sdp's own negative examples put before the
//! first `m=` (its `examples/sdps`, read there, not copied): six of them (`candidate`,
//! `ice-mismatch`, `imageattr`, `label`, `remote-candidates`, `rtcp-fb`) passed `--strict`
//! before the registry, because only typed attributes had a placement.

use floe_sdp::{
    DiagnosticKind, Level, Mode, Placement, SessionDescription, registration, registrations,
};

const HEAD: &str = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
const MEDIA: &str = "m=video 9 RTP/AVPF 120\r\na=rtpmap:120 VP8/90000\r\n";

/// `text` is refused by strict mode at line `at`, column 3, with a placement error for `name`,
/// and lenient mode keeps it, byte for byte, with the same diagnostic as a warning.
fn misplaced(text: &str, at: u32, name: &str, found: Level) {
    let err = SessionDescription::parse_with(text, Mode::Strict)
        .err()
        .unwrap_or_else(|| panic!("strict accepted a={name} at {found} level"));
    assert_eq!((err.line, err.column), (at, 3), "{name}: {err}");
    assert_eq!(
        err.kind,
        DiagnosticKind::Placement {
            name: registration(name).unwrap().name,
            found
        },
        "{name}"
    );
    let lenient = SessionDescription::parse_with(text, Mode::Lenient).unwrap();
    assert!(
        lenient.warnings().iter().any(|w| w.line == at
            && w.kind
                == DiagnosticKind::Placement {
                    name: registration(name).unwrap().name,
                    found
                }),
        "{name}: {:?}",
        lenient.warnings()
    );
    assert_eq!(lenient.description().to_string(), text, "lossless");
}

#[test]
fn media_attributes_at_session_level() {
    for line in [
        "candidate:0 1 UDP 2130379007 192.0.2.36 62453 typ host",
        "ice-mismatch",
        "imageattr:120 send * recv *",
        "label:foobar",
        "remote-candidates:0 192.0.2.1 5555",
        "rtcp-fb:120 nack",
        "bundle-only",
        "fmtp:109 0-15",
        "maxptime:100",
        "mid:foobar",
        "msid:foobar",
        "ptime:50",
        "rtcp:5555",
        "rtcp-mux",
        "rtcp-rsize",
        "rtpmap:120 VP8/90000",
        "ssrc:5000 cname:x",
        "ssrc-group:FID 5000 5001",
        "sctp-port:5000",
        "tls-id:abc",
        "quality:10",
    ] {
        let name = line.split(':').next().unwrap();
        misplaced(
            &format!("{HEAD}a={line}\r\n{MEDIA}"),
            6,
            name,
            Level::Session,
        );
    }
}

#[test]
fn session_attributes_at_media_level() {
    for line in [
        "ice-lite",
        "ice-pacing:50",
        "group:BUNDLE 0",
        "msid-semantic: WMS",
        "tool:floe",
        "cat:a.b",
        "keywds:x",
        "type:broadcast",
        "charset:UTF-8",
    ] {
        let name = line.split(':').next().unwrap();
        misplaced(&format!("{HEAD}{MEDIA}a={line}\r\n"), 8, name, Level::Media);
    }
}

#[test]
fn every_registration_is_enforced_and_unknown_names_pass() {
    for r in registrations() {
        let session = format!("{HEAD}a={}\r\n{MEDIA}", r.name);
        let media = format!("{HEAD}{MEDIA}a={}\r\n", r.name);
        let at = |text: &str, n: u32, level| {
            SessionDescription::parse_with(text, Mode::Lenient)
                .unwrap()
                .warnings()
                .iter()
                .any(|w| {
                    w.line == n
                        && w.kind
                            == DiagnosticKind::Placement {
                                name: r.name,
                                found: level,
                            }
                })
        };
        assert_eq!(
            at(&session, 6, Level::Session),
            r.placement == Placement::Media,
            "{}",
            r.name
        );
        assert_eq!(
            at(&media, 8, Level::Media),
            r.placement == Placement::Session,
            "{}",
            r.name
        );
    }
    // Unknown is not misplaced: kept, and accepted by strict mode at both levels.
    for name in ["x-google-flag:conference", "goo", "Candidate:1"] {
        for text in [
            format!("{HEAD}a={name}\r\n{MEDIA}"),
            format!("{HEAD}{MEDIA}a={name}\r\n"),
        ] {
            let p = SessionDescription::parse_with(&text, Mode::Strict).unwrap();
            assert_eq!(p.description().to_string(), text);
        }
    }
}

#[test]
fn both_level_attributes_pass_strict_at_both_levels() {
    for line in [
        "ice-ufrag:abcd",
        "ice-pwd:abcdefghijklmnopqrstuvwx",
        "ice-options:trickle",
        "end-of-candidates",
        "setup:actpass",
        "sendrecv",
        "extmap-allow-mixed",
        "sdplang:en",
        "connection:new",
    ] {
        for text in [
            format!("{HEAD}a={line}\r\n{MEDIA}"),
            format!("{HEAD}{MEDIA}a={line}\r\n"),
        ] {
            SessionDescription::parse_with(&text, Mode::Strict)
                .unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }
}
