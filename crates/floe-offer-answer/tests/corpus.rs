//! Every description of the shared corpus (`../shared/corpus/sdp`) applied to a fresh session
//! as a remote offer: real browser and SFU descriptions must apply; every other one applies or
//! gets a typed, located error (never a panic). Skipped without the corpus, failing under CI.

use std::path::Path;
use std::time::Instant;

use floe_ice::{IceConfig, Role};
use floe_offer_answer::{
    DescriptionErrorKind, IceDescription, IceSession, OfferAnswerError, SdpType, SessionConfig,
    SessionEvent,
};
use floe_sdp::{Mode, ParseOptions, SessionDescription};

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "sdp") {
            out.push(p);
        }
    }
}

/// Applies `sdp` as a remote offer; the result, and the number of remote candidates paired.
fn apply(sdp: &SessionDescription<'_>) -> Result<usize, OfferAnswerError> {
    let now = Instant::now();
    let mut ice = IceConfig::new(Role::Controlled);
    ice.rng_seed = Some([3; 32]);
    let mut s = IceSession::new(SessionConfig::new(ice), now);
    s.set_remote_description(now, SdpType::Offer, sdp)?;
    while let Some(e) = s.poll_event() {
        if let SessionEvent::TransportAdded {
            stream, components, ..
        } = e
        {
            for c in 1..=components {
                let addr = format!("198.51.100.1:{}", 4000 + c).parse().unwrap();
                s.agent_mut().add_local_address(stream, c, addr)?;
            }
        }
    }
    Ok(s.agent().pairs().len())
}

floe_corpus::conformance_test! {
fn every_corpus_description_applies_or_gets_a_located_error() {
    let Some(dir) = floe_corpus::corpus_dir("sdp") else {
        return;
    };
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    assert!(paths.len() > 50, "corpus has {} descriptions", paths.len());
    let (mut applied, mut refused, mut unparsed, mut with_pairs) = (0, 0, 0, 0);
    for path in &paths {
        let rel = path.strip_prefix(&dir).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(path) else {
            unparsed += 1;
            continue;
        };
        let options = ParseOptions::new(Mode::Lenient);
        let Ok(parsed) = SessionDescription::parse_with(&text, options) else {
            unparsed += 1;
            continue;
        };
        let sdp = parsed.into_description();
        let real = rel.starts_with("browser/") || rel.starts_with("sfu/");
        match apply(&sdp) {
            Ok(pairs) => {
                applied += 1;
                // An IPv4 UDP candidate with an address pairs with our IPv4 host candidate.
                let ice = IceDescription::read(&sdp).unwrap();
                let udp4 = ice.sections.iter().flat_map(|s| &s.candidates).any(|c| {
                    c.candidate
                        .socket_addr()
                        .is_some_and(|a| a.is_ipv4() && a.port() != 0)
                        && c.candidate.transport().as_str().eq_ignore_ascii_case("udp")
                });
                if pairs > 0 {
                    with_pairs += 1;
                }
                assert!(
                    !real || !udp4 || pairs > 0,
                    "{rel}: its UDP candidates were not paired"
                );
            }
            Err(OfferAnswerError::Description(e)) => {
                refused += 1;
                println!("{rel}: {e}");
                assert!(
                    !real || is_legitimate_refusal(&rel, &e.kind),
                    "{rel}: a real endpoint's description was refused: {e}"
                );
                assert!(e.line > 0, "{rel}: {e} has no line");
            }
            Err(e) => panic!("{rel}: {e}"),
        }
    }
    println!(
        "{} descriptions: {applied} applied ({with_pairs} with pairs), {refused} refused with a located error, {unparsed} not SDP",
        paths.len()
    );
    assert!(applied > refused, "most descriptions must apply");
}
}

/// Refusals a real endpoint's description may earn: no ICE at all (a legacy SIP endpoint),
/// per-section credentials that differ, which one agent cannot take, an m= line that breaks
/// RFC 8866; and, by name, the ones whose ICE attributes break RFC 8839.
fn is_legitimate_refusal(rel: &str, kind: &DescriptionErrorKind) -> bool {
    /// libp2p's WebRTC transport writes `:` in ice-ufrag, outside RFC 8839 §5.4's ice-char
    /// (and the separator of the STUN USERNAME it would form, RFC 8445 §7.2.2).
    const ICE_CHAR_VIOLATIONS: [&str; 1] = ["browser/str0m-parse_no_media_c_line.sdp"];
    match kind {
        // An m= line without formats (RFC 8866 §5.14 needs one) cannot be answered either.
        DescriptionErrorKind::CredentialsDiffer { .. }
        | DescriptionErrorKind::NotIce
        | DescriptionErrorKind::MediaLine(_) => true,
        DescriptionErrorKind::InvalidAttribute {
            name: "ice-ufrag" | "ice-pwd",
            ..
        } => ICE_CHAR_VIOLATIONS.contains(&rel),
        _ => false,
    }
}
