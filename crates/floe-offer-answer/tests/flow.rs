//! The offer/answer flow between two sessions: BUNDLE, lite, restart, trickle fragments,
//! pranswer, rollback, glare, and descriptions that must be refused.

mod common;

use std::time::Instant;

use common::{audio_section, config, connect, data_section, drain, media, wire};
use floe_ice::Role;
use floe_offer_answer::{
    BundlePolicy, DescriptionErrorKind, IceDescription, IceSession, OfferAnswerError, SdpType,
    SessionEvent, SignalingError, SignalingState, TrickleCandidate, TrickleFragment,
    answer_template,
};
use floe_sdp::SessionDescription;

/// Two fresh sessions.
fn sessions(seeds: (u8, u8), now: Instant) -> (IceSession, IceSession) {
    (
        IceSession::new(config(seeds.0), now),
        IceSession::new(config(seeds.1), now),
    )
}

/// Alice creates and sets an offer of `sections`; Bob sets it (through text) as remote. The
/// offer as Bob read it, and Alice's trickled candidates.
fn offer(
    alice: &mut IceSession,
    bob: &mut IceSession,
    sections: SessionDescription<'static>,
    now: Instant,
) -> (SessionDescription<'static>, Vec<TrickleCandidate>) {
    let offer = alice.create_offer(now, sections).unwrap();
    alice
        .set_local_description(now, SdpType::Offer, &offer)
        .unwrap();
    let (from_alice, _) = drain(alice, "198.51.100.1", now);
    let offer = wire(&offer);
    bob.set_remote_description(now, SdpType::Offer, &offer)
        .unwrap();
    (offer, from_alice)
}

/// Bob answers `offer` with its template; Alice sets the answer (through text). The answer,
/// and Bob's trickled candidates.
fn answer(
    alice: &mut IceSession,
    bob: &mut IceSession,
    offer: &SessionDescription<'_>,
    now: Instant,
) -> (SessionDescription<'static>, Vec<TrickleCandidate>) {
    let answer = bob.create_answer(answer_template(offer).unwrap()).unwrap();
    bob.set_local_description(now, SdpType::Answer, &answer)
        .unwrap();
    let (from_bob, _) = drain(bob, "198.51.100.2", now);
    let answer = wire(&answer);
    alice
        .set_remote_description(now, SdpType::Answer, &answer)
        .unwrap();
    (answer, from_bob)
}

/// Alice offers `sections`, Bob answers with the template; both trickle; returns both.
fn negotiate(
    mut alice: IceSession,
    mut bob: IceSession,
    sections: SessionDescription<'static>,
    now: Instant,
) -> (
    IceSession,
    IceSession,
    SessionDescription<'static>,
    SessionDescription<'static>,
) {
    let (offer, from_alice) = offer(&mut alice, &mut bob, sections, now);
    let (answer, from_bob) = answer(&mut alice, &mut bob, &offer, now);
    for c in &from_alice {
        bob.add_remote_candidate(now, c).unwrap();
    }
    for c in &from_bob {
        alice.add_remote_candidate(now, c).unwrap();
    }
    (alice, bob, offer, answer)
}

#[test]
fn three_sections_bundle_on_one_transport() {
    let now = Instant::now();
    let (alice, bob) = (
        IceSession::new(config(1), now),
        IceSession::new(config(2), now),
    );
    let sections = media(vec![
        audio_section("a", true),
        audio_section("v", true),
        data_section("d"),
    ]);
    let (mut alice, mut bob, offer, answer) = negotiate(alice, bob, sections, now);
    let text = offer.to_string();
    assert!(text.contains("a=group:BUNDLE a v d\r\n"), "{text}");
    // Initial max-bundle offer: the sections after the first are bundle-only, port 0.
    assert_eq!(offer.media()[1].media_line().unwrap().unwrap().port, 0);
    assert!(offer.media()[1].has_attribute("bundle-only"));
    assert_eq!(alice.stream_of("a"), alice.stream_of("d"));
    assert_eq!(bob.stream_of("a"), bob.stream_of("v"));
    // The answer's sections all share Bob's credentials.
    let ice = IceDescription::read(&answer).unwrap();
    assert_eq!(ice.bundle, ["a", "v", "d"]);
    assert!(
        ice.sections
            .iter()
            .all(|s| s.credentials == ice.sections[0].credentials)
    );
    connect(&mut alice, &mut bob, now);
    assert_eq!(alice.agent().role(), Role::Controlling);
    assert_eq!(bob.agent().role(), Role::Controlled);
    // Once connected, the description's default candidate is the selected pair's.
    let local = alice.local_description().unwrap().to_string();
    assert!(local.contains("c=IN IP4 198.51.100.1\r\n"), "{local}");
    assert!(local.contains("a=end-of-candidates"));
    // No doubled prefix: `a=candidate:<foundation> ...`.
    assert!(!local.contains("a=candidate:candidate:"), "{local}");
}

#[test]
fn without_bundle_each_section_has_its_transport_and_rtcp_component() {
    let now = Instant::now();
    let mut a = config(3);
    a.bundle = BundlePolicy::Disabled;
    let mut b = config(4);
    b.bundle = BundlePolicy::Disabled;
    let sections = media(vec![audio_section("0", false), data_section("1")]);
    let (mut alice, mut bob, offer, _) = negotiate(
        IceSession::new(a, now),
        IceSession::new(b, now),
        sections,
        now,
    );
    assert!(!offer.to_string().contains("BUNDLE"));
    assert_ne!(alice.stream_of("0"), alice.stream_of("1"));
    connect(&mut alice, &mut bob, now);
    let local = alice.local_description().unwrap();
    // The RTP section without rtcp-mux has two components: its RTCP default in a=rtcp.
    let ice = IceDescription::read(&local).unwrap();
    assert_eq!(ice.sections[0].candidates.len(), 2);
    assert_eq!(ice.sections[1].candidates.len(), 1);
    assert!(local.media()[0].has_attribute("rtcp"));
    let stream = bob.stream_of("0").unwrap();
    assert!(
        bob.agent().selected_pair(stream, 2).is_some(),
        "RTCP component selected"
    );
}

#[test]
fn a_lite_answerer_is_controlled_and_says_so() {
    let now = Instant::now();
    let mut lite = config(6);
    lite.ice.lite = true;
    let (alice, bob) = (IceSession::new(config(5), now), IceSession::new(lite, now));
    let (mut alice, mut bob, _, answer) =
        negotiate(alice, bob, media(vec![data_section("0")]), now);
    assert!(IceDescription::read(&answer).unwrap().lite);
    assert!(alice.agent().remote_lite());
    connect(&mut alice, &mut bob, now);
    assert_eq!(alice.agent().role(), Role::Controlling);
    assert_eq!(bob.agent().role(), Role::Controlled);
}

#[test]
fn a_lite_offerer_makes_the_full_answerer_control() {
    let now = Instant::now();
    let mut lite = config(7);
    lite.ice.lite = true;
    let (alice, bob) = (IceSession::new(lite, now), IceSession::new(config(8), now));
    let (mut alice, mut bob, _, _) = negotiate(alice, bob, media(vec![data_section("0")]), now);
    connect(&mut alice, &mut bob, now);
    assert_eq!(alice.agent().role(), Role::Controlled);
    assert_eq!(bob.agent().role(), Role::Controlling);
}

#[test]
fn restart_by_either_side_changes_credentials_and_reconnects() {
    let now = Instant::now();
    let (alice, bob) = (
        IceSession::new(config(9), now),
        IceSession::new(config(10), now),
    );
    let (mut alice, mut bob, offer, answer) =
        negotiate(alice, bob, media(vec![data_section("0")]), now);
    let now = connect(&mut alice, &mut bob, now);
    let old_a = IceDescription::read(&offer).unwrap().sections[0]
        .credentials
        .clone();
    let old_b = IceDescription::read(&answer).unwrap().sections[0]
        .credentials
        .clone();

    alice.restart_ice();
    let offer2 = alice
        .create_offer(now, media(vec![data_section("0")]))
        .unwrap();
    alice
        .set_local_description(now, SdpType::Offer, &offer2)
        .unwrap();
    let (from_alice, events) = drain(&mut alice, "198.51.100.1", now);
    assert!(events.contains(&SessionEvent::Restarted { remote: false }));
    let new_a = IceDescription::read(&offer2).unwrap().sections[0]
        .credentials
        .clone();
    assert_ne!(new_a, old_a);
    bob.set_remote_description(now, SdpType::Offer, &wire(&offer2))
        .unwrap();
    let (mut from_bob, events) = drain(&mut bob, "198.51.100.2", now);
    assert!(
        events.contains(&SessionEvent::Restarted { remote: true }),
        "{events:?}"
    );
    let answer2 = bob
        .create_answer(answer_template(&offer2).unwrap())
        .unwrap();
    bob.set_local_description(now, SdpType::Answer, &answer2)
        .unwrap();
    let new_b = IceDescription::read(&answer2).unwrap().sections[0]
        .credentials
        .clone();
    assert_ne!(
        new_b, old_b,
        "the answer to a restart carries new credentials"
    );
    from_bob.extend(drain(&mut bob, "198.51.100.2", now).0);
    alice
        .set_remote_description(now, SdpType::Answer, &wire(&answer2))
        .unwrap();
    for c in &from_alice {
        bob.add_remote_candidate(now, c).unwrap();
    }
    for c in &from_bob {
        alice.add_remote_candidate(now, c).unwrap();
    }
    // The candidates are trickled again for the new generation (RFC 8838 §4.4).
    assert!(!from_alice.is_empty() && !from_bob.is_empty());
    connect(&mut alice, &mut bob, now);
}

#[test]
fn candidates_trickle_as_sdpfrag_bodies() {
    let now = Instant::now();
    let (mut alice, mut bob) = sessions((11, 12), now);
    let (offer, from_alice) = offer(&mut alice, &mut bob, media(vec![data_section("0")]), now);
    let (_, from_bob) = answer(&mut alice, &mut bob, &offer, now);
    // Each side's candidates in one fragment body, through text.
    let body = alice.fragment(&from_alice).to_string();
    assert!(
        body.starts_with("a=ice-options:trickle ice2\r\na=ice-ufrag:"),
        "{body}"
    );
    assert!(body.contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n"));
    assert!(body.ends_with("a=end-of-candidates\r\n"));
    bob.add_remote_fragment(now, &TrickleFragment::parse(&body).unwrap())
        .unwrap();
    let body = bob.fragment(&from_bob).to_string();
    alice
        .add_remote_fragment(now, &TrickleFragment::parse(&body).unwrap())
        .unwrap();
    connect(&mut alice, &mut bob, now);
}

#[test]
fn signaling_errors_leave_the_session_unchanged() {
    let now = Instant::now();
    let (mut alice, mut bob) = (
        IceSession::new(config(13), now),
        IceSession::new(config(14), now),
    );
    // An answer with no offer.
    let stray = media(vec![data_section("0")]);
    assert!(matches!(
        alice.set_remote_description(now, SdpType::Answer, &stray),
        Err(OfferAnswerError::Signaling(
            SignalingError::InvalidTransition { .. }
        ))
    ));
    assert!(matches!(
        alice.create_answer(stray.clone()),
        Err(OfferAnswerError::Signaling(_))
    ));
    // Glare: both offer.
    let offer_a = alice
        .create_offer(now, media(vec![data_section("0")]))
        .unwrap();
    alice
        .set_local_description(now, SdpType::Offer, &offer_a)
        .unwrap();
    let offer_b = bob
        .create_offer(now, media(vec![data_section("0")]))
        .unwrap();
    bob.set_local_description(now, SdpType::Offer, &offer_b)
        .unwrap();
    assert!(matches!(
        alice.set_remote_description(now, SdpType::Offer, &wire(&offer_b)),
        Err(OfferAnswerError::Signaling(SignalingError::Glare { .. }))
    ));
    assert_eq!(alice.signaling_state(), SignalingState::HaveLocalOffer);
    // Bob is polite: rolls back and answers Alice's offer.
    bob.set_local_description(now, SdpType::Rollback, &offer_b)
        .unwrap();
    assert_eq!(bob.signaling_state(), SignalingState::Stable);
    drain(&mut alice, "198.51.100.1", now);
    bob.set_remote_description(now, SdpType::Offer, &wire(&offer_a))
        .unwrap();
    // A provisional answer first, then the final one.
    let answer = bob
        .create_answer(answer_template(&offer_a).unwrap())
        .unwrap();
    bob.set_local_description(now, SdpType::Pranswer, &answer)
        .unwrap();
    assert_eq!(bob.signaling_state(), SignalingState::HaveLocalPranswer);
    alice
        .set_remote_description(now, SdpType::Pranswer, &wire(&answer))
        .unwrap();
    assert_eq!(alice.signaling_state(), SignalingState::HaveRemotePranswer);
    bob.set_local_description(now, SdpType::Answer, &answer)
        .unwrap();
    alice
        .set_remote_description(now, SdpType::Answer, &wire(&answer))
        .unwrap();
    assert_eq!(alice.signaling_state(), SignalingState::Stable);
    assert_eq!(bob.signaling_state(), SignalingState::Stable);
}

#[test]
fn an_answer_must_match_the_offer() {
    let now = Instant::now();
    let (mut alice, mut bob) = sessions((15, 16), now);
    offer(&mut alice, &mut bob, media(vec![data_section("0")]), now);
    let wrong = media(vec![data_section("x")]);
    assert!(matches!(
        bob.create_answer(wrong.clone()),
        Err(OfferAnswerError::Description(e)) if matches!(e.kind, DescriptionErrorKind::AnswerMismatch(_))
    ));
    let two = media(vec![data_section("0"), data_section("1")]);
    assert!(bob.create_answer(two).is_err());
}

/// A valid description with one line replaced.
fn with_line(find: &str, replace: &str) -> String {
    let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
                m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n\
                a=mid:0\r\na=ice-ufrag:F7gI\r\na=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\n\
                a=candidate:1 1 udp 2130706431 198.51.100.7 5000 typ host\r\n";
    assert!(text.contains(find));
    text.replace(find, replace)
}

fn error_of(text: &str) -> (u32, u32, DescriptionErrorKind) {
    let sdp = SessionDescription::parse(text).unwrap();
    let now = Instant::now();
    let mut s = IceSession::new(config(17), now);
    match s.set_remote_description(now, SdpType::Offer, &sdp) {
        Err(OfferAnswerError::Description(e)) => {
            assert_eq!(
                s.signaling_state(),
                SignalingState::Stable,
                "nothing applied"
            );
            (e.line, e.column, e.kind)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_ice_attributes_are_located() {
    // A password shorter than 22 characters (RFC 8839 §5.4): line 10, the value's column.
    let (line, column, kind) = error_of(&with_line("x9cml/YzichV2+XlhiMu8g", "short"));
    assert_eq!((line, column), (10, 11));
    assert!(matches!(
        kind,
        DescriptionErrorKind::InvalidAttribute {
            name: "ice-pwd",
            ..
        }
    ));
    // A ufrag with a character outside ice-char.
    let (line, _, kind) = error_of(&with_line("F7gI", "F7g!"));
    assert_eq!(line, 9);
    assert!(matches!(
        kind,
        DescriptionErrorKind::InvalidAttribute {
            name: "ice-ufrag",
            ..
        }
    ));
    // A candidate that does not parse: its field's column.
    let (line, column, kind) = error_of(&with_line(" typ host", " typ nonsense"));
    assert_eq!(line, 11);
    assert!(column > 12, "{column}");
    assert!(matches!(
        kind,
        DescriptionErrorKind::InvalidAttribute {
            name: "candidate",
            ..
        }
    ));
    // Repeated, misplaced, missing.
    let (line, _, kind) = error_of(&with_line("a=mid:0\r\n", "a=mid:0\r\na=ice-ufrag:abcd\r\n"));
    assert_eq!(
        (line, kind),
        (10, DescriptionErrorKind::Repeated { name: "ice-ufrag" })
    );
    let (_, _, kind) = error_of(&with_line("a=mid:0\r\n", "a=mid:0\r\na=ice-lite\r\n"));
    assert!(matches!(kind, DescriptionErrorKind::Misplaced(_)));
    let (line, _, kind) = error_of(&with_line("a=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\n", ""));
    assert_eq!((line, kind), (6, DescriptionErrorKind::NotIce));
    // Found by the offer_answer fuzz target: an m= line without spaces (lenient parsing keeps
    // it), and a mid with a control character; both would make an unanswerable offer.
    let (line, column, kind) = error_of(&with_line(
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "m=application\u{e0}9",
    ));
    assert_eq!((line, column), (6, 3));
    assert!(matches!(kind, DescriptionErrorKind::MediaLine(_)));
    let (line, _, kind) = error_of(&with_line("a=mid:0\r\n", "a=mid:0\u{1}x\r\n"));
    assert_eq!(line, 8);
    assert!(matches!(
        kind,
        DescriptionErrorKind::InvalidAttribute { name: "mid", .. }
    ));
    // Two sections with one mid.
    let (line, _, kind) = error_of(&with_line(
        "a=candidate:1 1 udp 2130706431 198.51.100.7 5000 typ host\r\n",
        "a=candidate:1 1 udp 2130706431 198.51.100.7 5000 typ host\r\n\
         m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n",
    ));
    assert_eq!(line, 12);
    assert!(matches!(kind, DescriptionErrorKind::Mid(_)));
    // A BUNDLE group naming a mid no section has keeps the mids that exist.
    let text = with_line("BUNDLE 0", "BUNDLE 0 7");
    let sdp = SessionDescription::parse(&text).unwrap();
    assert_eq!(IceDescription::read(&sdp).unwrap().bundle, ["0"]);
    let text = with_line(
        "t=0 0\r\n",
        "t=0 0\r\na=candidate:1 1 udp 1 198.51.100.1 9 typ host\r\n",
    );
    let e = SessionDescription::parse(&text).unwrap();
    let err = IceDescription::read(&e).unwrap_err();
    assert!(matches!(err.kind, DescriptionErrorKind::Misplaced(_)));
    assert_eq!(err.to_string().split(':').next(), Some("line 5"));
}

#[test]
fn a_description_round_trips_through_text_and_back_to_an_agent() {
    let now = Instant::now();
    for lite in [false, true] {
        let mut c = config(18);
        c.ice.lite = lite;
        let mut alice = IceSession::new(c, now);
        let offer = alice
            .create_offer(now, media(vec![data_section("0")]))
            .unwrap();
        alice
            .set_local_description(now, SdpType::Offer, &offer)
            .unwrap();
        drain(&mut alice, "198.51.100.1", now);
        let full = alice.local_description().unwrap();
        let back = wire(&full);
        assert_eq!(back, full);
        let ice = IceDescription::read(&back).unwrap();
        assert_eq!(ice.lite, lite);
        let s = &ice.sections[0];
        assert_eq!(
            s.credentials.as_ref(),
            Some(alice.agent().local_credentials())
        );
        let stream = alice.stream_of("0").unwrap();
        let bare = |c: &floe_ice_candidate::Candidate<'_>| {
            let mut c = c.clone().into_owned();
            c.set_prefix(floe_ice_candidate::Prefix::None);
            c
        };
        let read: Vec<_> = s.candidates.iter().map(|c| bare(&c.candidate)).collect();
        let agent: Vec<_> = alice
            .agent()
            .local_candidates(stream)
            .iter()
            .map(bare)
            .collect();
        assert_eq!(read, agent);
        assert!(s.end_of_candidates, "no STUN server: gathering is over");
        let default = alice.agent().default_candidate(stream, 1).unwrap();
        assert_eq!(
            s.port,
            default.port(),
            "the m= port is the default candidate's"
        );
        // Applied to another agent: its candidates are the remote ones.
        let mut bob = IceSession::new(config(19), now);
        bob.set_remote_description(now, SdpType::Offer, &back)
            .unwrap();
        drain(&mut bob, "198.51.100.2", now);
        assert!(!bob.agent().pairs().is_empty());
        assert!(
            bob.agent()
                .pairs()
                .iter()
                .all(|p| p.remote.ip().to_string() == "198.51.100.1")
        );
    }
}

#[test]
fn trickled_candidates_need_a_remote_description_and_a_known_section() {
    let now = Instant::now();
    let mut s = IceSession::new(config(20), now);
    let c = TrickleCandidate::from_init(
        "candidate:1 1 udp 1 198.51.100.1 5000 typ host",
        Some("0"),
        None,
    )
    .unwrap();
    assert!(s.add_remote_candidate(now, &c).is_err());
    let offer = wire(&{
        let mut a = IceSession::new(config(21), now);
        a.create_offer(now, media(vec![data_section("0")])).unwrap()
    });
    s.set_remote_description(now, SdpType::Offer, &offer)
        .unwrap();
    drain(&mut s, "198.51.100.2", now);
    s.add_remote_candidate(now, &c).unwrap();
    let unknown = TrickleCandidate::from_init("", Some("9"), None).unwrap();
    assert!(matches!(
        s.add_remote_candidate(now, &unknown),
        Err(OfferAnswerError::Description(e)) if matches!(e.kind, DescriptionErrorKind::UnknownSection(_))
    ));
    // By index when there is no mid.
    let by_index = TrickleCandidate::from_init("", None, Some(0)).unwrap();
    s.add_remote_candidate(now, &by_index).unwrap();
}

#[test]
fn a_section_rejected_in_a_new_offer_removes_its_transport_on_both_sides() {
    let now = Instant::now();
    let mut a = config(22);
    a.bundle = BundlePolicy::Disabled;
    let mut b = config(23);
    b.bundle = BundlePolicy::Disabled;
    let sections = media(vec![data_section("0"), data_section("1")]);
    let (mut alice, mut bob, _, _) = negotiate(
        IceSession::new(a, now),
        IceSession::new(b, now),
        sections,
        now,
    );
    let now = connect(&mut alice, &mut bob, now);
    let (a1, b1) = (alice.stream_of("1").unwrap(), bob.stream_of("1").unwrap());
    // Alice's next offer rejects section 1 (port 0, RFC 3264 §8.2).
    let mut next = media(vec![data_section("0"), data_section("1")]);
    let line = next.media()[1].lines()[0].text().replace(" 9 ", " 0 ");
    next.media_mut()[1].lines_mut()[0] = floe_sdp::Line::new(line);
    let offer = alice.create_offer(now, next).unwrap();
    assert_eq!(offer.media()[1].media_line().unwrap().unwrap().port, 0);
    alice
        .set_local_description(now, SdpType::Offer, &offer)
        .unwrap();
    bob.set_remote_description(now, SdpType::Offer, &wire(&offer))
        .unwrap();
    let answer = bob.create_answer(answer_template(&offer).unwrap()).unwrap();
    assert_eq!(answer.media()[1].media_line().unwrap().unwrap().port, 0);
    bob.set_local_description(now, SdpType::Answer, &answer)
        .unwrap();
    alice
        .set_remote_description(now, SdpType::Answer, &wire(&answer))
        .unwrap();
    let (_, bob_events) = drain(&mut bob, "198.51.100.2", now);
    let (_, alice_events) = drain(&mut alice, "198.51.100.1", now);
    assert!(
        bob_events.contains(&SessionEvent::TransportRemoved { stream: b1 }),
        "{bob_events:?}"
    );
    assert!(
        alice_events.contains(&SessionEvent::TransportRemoved { stream: a1 }),
        "{alice_events:?}"
    );
    assert_eq!(alice.stream_of("1"), None);
    // Section 0 stays connected.
    let s0 = alice.stream_of("0").unwrap();
    assert!(alice.agent().selected_pair(s0, 1).is_some());
    assert_eq!(alice.agent().state(), floe_ice::ConnectionState::Connected);
}
