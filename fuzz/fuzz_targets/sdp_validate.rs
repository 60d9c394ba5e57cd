#![no_main]
//! Validation and the typed views of an accepted description: no panics, findings in order.
use floe_sdp::{CandidateAttribute, Fmtp, Rid, RtpMap, SessionDescription, Simulcast, validate};
libfuzzer_sys::fuzz_target!(|text: &str| {
    let Ok(sdp) = SessionDescription::parse(text) else {
        return;
    };
    let f = validate(&sdp);
    assert!(
        f.windows(2)
            .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column))
    );
    let _ = (
        sdp.origin(),
        sdp.timings().count(),
        sdp.repeats().count(),
        sdp.time_zones(),
    );
    for m in sdp.media() {
        let _ = (
            m.media_line(),
            m.direction(),
            m.get_attributes::<RtpMap<'_>>().count(),
            m.get_attributes::<Fmtp<'_>>().count(),
        );
        let _ = (
            m.get_attributes::<Rid<'_>>().count(),
            m.get_attributes::<Simulcast<'_>>().count(),
            m.get_attributes::<CandidateAttribute<'_>>().count(),
        );
    }
});
