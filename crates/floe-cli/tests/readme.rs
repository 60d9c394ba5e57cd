//! The README's example for each library crate, compiled and run here, and the check that
//! the README shows exactly this code (between the `// README <crate>` and `// END` lines).

use core::error::Error;

type Result = core::result::Result<(), Box<dyn Error>>;

#[test]
fn floe_stun_example() -> Result {
    // README floe-stun
    use floe_stun::attributes::{Software, XorMappedAddress};
    use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};

    // Encode a Binding success response into your buffer, then decode it.
    let mapped = XorMappedAddress("192.0.2.1:3478".parse()?);
    let mut buf = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Success);
    let mut builder = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([1; 12]));
    builder.add(&Software("example")).add(&mapped);
    let bytes = builder.fingerprint()?;
    let msg = Message::parse(bytes)?;
    msg.verify_fingerprint()?;
    assert_eq!(msg.get::<XorMappedAddress>()?, Some(mapped));
    // END
    Ok(())
}

#[test]
fn floe_ice_candidate_example() -> Result {
    // README floe-ice-candidate
    use floe_ice_candidate::{Candidate, CandidateType};

    let line = "candidate:1 1 udp 2122260223 192.0.2.10 49203 typ host generation 0";
    let candidate = Candidate::parse(line)?;
    assert_eq!(candidate.kind(), CandidateType::Host);
    assert_eq!(candidate.port(), 49203);
    assert_eq!(candidate.to_string(), line); // written back byte for byte
    // END
    Ok(())
}

#[test]
fn floe_sdp_example() -> Result {
    // README floe-sdp
    use floe_sdp::{Mode, RtpMap, SessionDescription, validate};

    let offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
                 m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n\
                 a=rtpmap:111 opus/48000/2\r\n";
    let sdp = SessionDescription::parse_with(offer, Mode::Strict)?.into_description();
    let opus = sdp.media()[0]
        .get_attribute::<RtpMap<'_>>()
        .ok_or("no rtpmap")??;
    assert_eq!((opus.encoding, opus.clock_rate), ("opus", 48000));
    assert!(validate(&sdp).is_empty());
    assert_eq!(sdp.to_string(), offer); // lossless
    // END
    Ok(())
}

#[test]
fn floe_turn_example() -> Result {
    // README floe-turn
    use floe_turn::{Client, ClientConfig};
    use std::time::Instant;

    let server = "192.0.2.1:3478".parse()?;
    let mut client = Client::new(ClientConfig::new(server, "alice", "secret"));
    client.allocate(Instant::now())?;
    // Send each transmit from your UDP socket; feed what comes back to
    // client.handle_receive(now, from, bytes); drain client.poll_event() (TurnEvent::Allocated
    // carries the relayed address); call client.handle_timeout(now) at client.poll_timeout().
    let allocate = client.poll_transmit().ok_or("no request")?;
    assert_eq!(allocate.destination, server);
    assert!(client.poll_timeout().is_some()); // its retransmission
    // END
    Ok(())
}

#[test]
fn floe_ice_example() -> Result {
    // README floe-ice
    use floe_ice::{IceAgent, IceConfig, IceEvent, Role};
    use std::time::Instant;

    let now = Instant::now();
    let mut agent = IceAgent::new(IceConfig::new(Role::Controlling), now);
    let stream = agent.add_stream(1)?;
    agent.add_local_address(stream, 1, "192.0.2.1:5000".parse()?)?;
    agent.gather(now);
    // Signal agent.local_credentials() and each local candidate to the peer.
    let mut candidates = Vec::new();
    while let Some(event) = agent.poll_event() {
        if let IceEvent::LocalCandidate { candidate, .. } = event {
            candidates.push(format!("a={candidate}"));
        }
    }
    assert!(candidates[0].starts_with("a=candidate:"));
    // END
    Ok(())
}

#[test]
fn floe_offer_answer_example() -> Result {
    // README floe-offer-answer
    use floe_ice::{IceConfig, Role};
    use floe_offer_answer::{IceSession, SdpType, SessionConfig, SessionEvent, answer_template};
    use floe_sdp::SessionDescription;
    use std::time::Instant;

    // Answer a browser's offer: the session writes the ICE part, you add your DTLS fingerprint.
    let now = Instant::now();
    let mut session = IceSession::new(SessionConfig::new(IceConfig::new(Role::Controlled)), now);
    let offer = SessionDescription::parse(
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
         m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n\
         a=ice-ufrag:F7gI\r\na=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\na=ice-options:trickle\r\n\
         a=setup:actpass\r\na=sctp-port:5000\r\n",
    )?;
    session.set_remote_description(now, SdpType::Offer, &offer)?;
    let mut answer = answer_template(&offer)?;
    let digest = ["AB"; 32].join(":"); // your certificate's SHA-256
    answer.media_mut()[0].push_raw_attribute("fingerprint", Some(&format!("sha-256 {digest}")));
    let answer = session.create_answer(answer)?;
    session.set_local_description(now, SdpType::Answer, &answer)?;
    // Register your socket for the new transport and gather; trickle each LocalCandidate.
    while let Some(event) = session.poll_event() {
        if let SessionEvent::TransportAdded { stream, .. } = event {
            session
                .agent_mut()
                .add_local_address(stream, 1, "192.0.2.1:5000".parse()?)?;
            session.agent_mut().gather(now);
        }
    }
    assert!(answer.to_string().contains("a=setup:active\r\n"));
    // END
    Ok(())
}

/// The code between `// README <name>` and `// END` in this file, dedented.
fn snippets() -> Vec<(String, String)> {
    let source = include_str!("readme.rs");
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in source.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("// README ") {
            current = Some((name.to_owned(), Vec::new()));
        } else if trimmed == "// END" {
            if let Some((name, lines)) = current.take() {
                out.push((name, lines.join("\n")));
            }
        } else if let Some((_, lines)) = &mut current {
            lines.push(line.strip_prefix("    ").unwrap_or(line));
        }
    }
    out
}

#[test]
fn the_readme_shows_these_examples() {
    let readme = include_str!("../../../README.md");
    let snippets = snippets();
    assert_eq!(snippets.len(), 6);
    for (name, code) in snippets {
        let block = format!("```rust\n{code}\n```");
        assert!(
            readme.contains(&block),
            "README lacks the {name} example:\n{block}"
        );
        let dependency = format!("{name} = {{ path = \"../floe/crates/{name}\"");
        assert!(readme.contains(&dependency), "README lacks `{dependency}`");
    }
}
