//! The `serde` feature: the lossless model, the typed views, diagnostics and findings
//! serialize to JSON.
#![cfg(feature = "serde")]

use floe_sdp::{Mode, RtpMap, SessionDescription, Simulcast, validate};

#[test]
fn model_and_typed_views_serialize() {
    let input = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=ice-lite\r\nt=0 0\r\na=group:BUNDLE 0 9\r\n\
                 m=video 9 RTP/AVP 96\nb=AS:1\r\na=mid:0\r\na=rtpmap:96 VP8/90000\r\na=rid:h send\r\na=simulcast:send h;~l";
    let parsed = SessionDescription::parse_with(input, Mode::Lenient).unwrap();
    let json = serde_json::to_value(&parsed).unwrap();
    assert_eq!(
        json["description"]["session"][0],
        serde_json::json!({ "text": "v=0", "ending": "CrLf" })
    );
    assert_eq!(json["description"]["media"][0]["lines"][0]["ending"], "Lf");
    assert_eq!(
        json["description"]["media"][0]["lines"][5]["ending"],
        "None"
    );
    assert_eq!(json["warnings"][0]["kind"]["OutOfOrder"]["line_type"], "t");
    let video = &parsed.description().media()[0];
    let rtpmap =
        serde_json::to_value(video.get_attribute::<RtpMap<'_>>().unwrap().unwrap()).unwrap();
    assert_eq!(
        rtpmap,
        serde_json::json!({ "payload_type": 96, "encoding": "VP8", "clock_rate": 90000, "channels": null })
    );
    let simulcast =
        serde_json::to_value(video.get_attribute::<Simulcast<'_>>().unwrap().unwrap()).unwrap();
    assert_eq!(
        simulcast["send"],
        serde_json::json!([[{ "rid": "h", "paused": false }], [{ "rid": "l", "paused": true }]])
    );
    let findings = serde_json::to_value(validate(parsed.description())).unwrap();
    assert_eq!(findings[0]["rule"], "GroupMidUnknown");
}
