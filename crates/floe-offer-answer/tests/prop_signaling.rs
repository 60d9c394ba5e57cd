//! Arbitrary sequences of set-local, set-remote and rollback on a session: it never panics,
//! it takes exactly the steps the RFC 9429 §3.2 machine allows (each with a description that
//! fits), its state is the machine's, and a refused step changes nothing.

mod common;

use std::time::Instant;

use common::{config, data_section, drain, media, wire};
use floe_offer_answer::{IceSession, SdpType, Side, Signaling, answer_template};
use floe_sdp::SessionDescription;
use proptest::prelude::*;

#[derive(Debug, Clone, Copy)]
enum Step {
    LocalOffer,
    RemoteOffer,
    LocalAnswer(bool),
    RemoteAnswer(bool),
    LocalRollback,
    RemoteRollback,
    Restart,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::LocalOffer),
        Just(Step::RemoteOffer),
        any::<bool>().prop_map(Step::LocalAnswer),
        any::<bool>().prop_map(Step::RemoteAnswer),
        Just(Step::LocalRollback),
        Just(Step::RemoteRollback),
        Just(Step::Restart),
    ]
}

/// A description from another session: an offer, or an answer to `offer`.
fn peer_description(
    offer: Option<&SessionDescription<'static>>,
    seed: u8,
) -> SessionDescription<'static> {
    let now = Instant::now();
    let mut peer = IceSession::new(config(seed), now);
    match offer {
        Some(o) => {
            if peer.set_remote_description(now, SdpType::Offer, o).is_err() {
                return wire(&media(vec![data_section("0")]));
            }
            drain(&mut peer, "198.51.100.9", now);
            let a = peer.create_answer(answer_template(o).unwrap()).unwrap();
            wire(&a)
        }
        None => wire(
            &peer
                .create_offer(now, media(vec![data_section("0")]))
                .unwrap(),
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn a_session_follows_the_signaling_machine(steps in proptest::collection::vec(step(), 1..24)) {
        let now = Instant::now();
        let mut s = IceSession::new(config(1), now);
        let mut model = Signaling::new();
        let mut last_local_offer: Option<SessionDescription<'static>> = None;
        for (i, st) in steps.into_iter().enumerate() {
            let seed = u8::try_from(i % 200).unwrap() + 2;
            let before = s.signaling_state();
            let (side, kind, result) = match st {
                Step::LocalOffer => {
                    let r = s.create_offer(now, media(vec![data_section("0")])).and_then(|o| {
                        let r = s.set_local_description(now, SdpType::Offer, &o);
                        last_local_offer = Some(wire(&o));
                        r
                    });
                    (Side::Local, SdpType::Offer, r.map(|_| ()))
                }
                Step::RemoteOffer => {
                    let offer = peer_description(None, seed);
                    let r = s.set_remote_description(now, SdpType::Offer, &offer);
                    (Side::Remote, SdpType::Offer, r.map(|_| ()))
                }
                Step::LocalAnswer(provisional) => {
                    let kind = if provisional { SdpType::Pranswer } else { SdpType::Answer };
                    let template = s
                        .remote_description()
                        .and_then(|o| answer_template(o).ok())
                        .unwrap_or_else(|| media(vec![data_section("0")]));
                    let r = s
                        .create_answer(template)
                        .and_then(|a| s.set_local_description(now, kind, &a));
                    (Side::Local, kind, r.map(|_| ()))
                }
                Step::RemoteAnswer(provisional) => {
                    let kind = if provisional { SdpType::Pranswer } else { SdpType::Answer };
                    let answer = peer_description(last_local_offer.as_ref(), seed);
                    let r = s.set_remote_description(now, kind, &answer);
                    (Side::Remote, kind, r.map(|_| ()))
                }
                Step::LocalRollback => {
                    let d = media(vec![data_section("0")]);
                    let r = s.set_local_description(now, SdpType::Rollback, &d);
                    (Side::Local, SdpType::Rollback, r.map(|_| ()))
                }
                Step::RemoteRollback => {
                    let d = media(vec![data_section("0")]);
                    let r = s.set_remote_description(now, SdpType::Rollback, &d);
                    (Side::Remote, SdpType::Rollback, r.map(|_| ()))
                }
                Step::Restart => {
                    s.restart_ice();
                    continue;
                }
            };
            drain(&mut s, "198.51.100.1", now);
            let expected = model.next(side, kind);
            match (&result, expected) {
                (Ok(()), Ok(state)) => {
                    model.set(side, kind).unwrap();
                    prop_assert_eq!(s.signaling_state(), state);
                }
                (Err(e), Ok(_)) => prop_assert!(false, "a step the machine allows, with a matching description, was refused: {e}"),
                (Err(_), Err(_)) => prop_assert_eq!(s.signaling_state(), before, "a refused step changed the state"),
                (Ok(()), Err(e)) => prop_assert!(false, "the session took a step the machine refuses: {e}"),
            }
            prop_assert_eq!(s.signaling_state(), model.state());
            // Whatever happened, the description set last can be written again, and parses.
            if let Some(d) = s.local_description() {
                prop_assert!(SessionDescription::parse(&d.to_string()).is_ok());
            }
        }
    }
}
