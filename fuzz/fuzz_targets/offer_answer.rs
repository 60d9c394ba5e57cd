#![no_main]
//! Arbitrary description text applied to a session as a remote offer, then answered, and as a
//! trickle fragment: never a panic; what applies can be answered and the answer parses; what
//! is refused leaves the signaling state as it was.
use std::time::Instant;

use floe_ice::{IceConfig, Role};
use floe_offer_answer::{
    IceSession, SdpType, SessionConfig, SessionEvent, SignalingState, TrickleFragment,
    answer_template,
};
use floe_sdp::{Mode, SessionDescription};

libfuzzer_sys::fuzz_target!(|text: &str| {
    let now = Instant::now();
    let mut ice = IceConfig::new(Role::Controlled);
    ice.rng_seed = Some([9; 32]);
    let mut session = IceSession::new(SessionConfig::new(ice), now);
    if let Ok(fragment) = TrickleFragment::parse(text) {
        // The body written back parses to the same fragment.
        assert_eq!(
            TrickleFragment::parse(&fragment.to_string()),
            Ok(fragment.clone())
        );
        // No remote description yet: every candidate is refused, nothing panics.
        assert!(
            fragment.candidates().is_empty()
                || session.add_remote_fragment(now, &fragment).is_err()
        );
    }
    let Ok(parsed) = SessionDescription::parse_with(text, Mode::Lenient) else {
        return;
    };
    let offer = parsed.into_description();
    match session.set_remote_description(now, SdpType::Offer, &offer) {
        Ok(_) => {
            while let Some(e) = session.poll_event() {
                if let SessionEvent::TransportAdded {
                    stream, components, ..
                } = e
                {
                    for c in 1..=components {
                        let addr = format!("198.51.100.1:{}", 4000 + c).parse().unwrap();
                        let _ = session.agent_mut().add_local_address(stream, c, addr);
                    }
                }
            }
            let template = answer_template(&offer).expect("an applied offer has m= lines");
            let answer = session
                .create_answer(template)
                .expect("the template matches the offer");
            session
                .set_local_description(now, SdpType::Answer, &answer)
                .expect("answer");
            assert!(SessionDescription::parse(&answer.to_string()).is_ok());
        }
        Err(_) => assert_eq!(session.signaling_state(), SignalingState::Stable),
    }
});
