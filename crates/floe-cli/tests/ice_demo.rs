//! `floe ice demo`: two agents, an embedded STUN/TURN server, real UDP sockets on 127.0.0.1.
//! Each run takes about 1-2 s: the demo waits for a consent check answered on both sides (one
//! a second, ± 20 %, in the demo).

use std::process::Command;

use serde_json::Value;

const FLOE: &str = env!("CARGO_BIN_EXE_floe");

/// Runs the demo with `args` and `--json`; the exit status and the JSON lines.
fn demo(args: &[&str]) -> (bool, Vec<Value>) {
    let out = Command::new(FLOE)
        .args(["ice", "demo", "--json", "--timeout", "30"])
        .args(args)
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out.status.success(), lines)
}

fn events<'a>(lines: &'a [Value], name: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["event"] == name).collect()
}

#[test]
fn the_demo_connects_exchanges_data_sees_consent_and_draws_the_timeline() {
    let svg = std::env::temp_dir().join(format!("floe-demo-{}.svg", std::process::id()));
    let (ok, lines) = demo(&["--seed", "1", "--trace", svg.to_str().unwrap()]);
    assert!(ok, "{lines:#?}");
    // Host and relayed candidates from both sides, gathering complete on both.
    for side in ["A", "B"] {
        let kinds: Vec<_> = events(&lines, "candidate")
            .into_iter()
            .filter(|l| l["side"] == side)
            .map(|l| l["type"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            kinds.contains(&"host".into()) && kinds.contains(&"relay".into()),
            "{side}: {kinds:?}"
        );
        assert!(
            events(&lines, "gathering_complete")
                .iter()
                .any(|l| l["side"] == side)
        );
        assert!(
            events(&lines, "selected_pair")
                .iter()
                .any(|l| l["side"] == side)
        );
        assert!(
            events(&lines, "consent_granted")
                .iter()
                .any(|l| l["side"] == side)
        );
    }
    assert!(events(&lines, "check_succeeded").len() >= 2);
    let summary = events(&lines, "summary")[0];
    assert_eq!(summary["ok"], true);
    assert_eq!(events(&lines, "data").len(), 5, "five echoes");
    assert!(summary["connected_ms"]["A"].as_f64().unwrap() < 1_000.0);
    // The whole run (connect, data, consent on both sides) well under the 5 s budget.
    assert!(summary["wall_ms"].as_f64().unwrap() < 4_000.0, "{summary}");
    // Both sides relayed their relayed-pair checks through the embedded server.
    assert!(summary["relayed_to_peers"].as_u64().unwrap() > 0);
    let drawing = std::fs::read_to_string(&svg).unwrap();
    std::fs::remove_file(&svg).unwrap();
    assert!(drawing.starts_with("<svg") && drawing.contains("time since start"));
    assert!(
        drawing.contains("#f5c542"),
        "the selected pair is highlighted"
    );
}

#[test]
fn the_agents_meet_through_an_sdp_offer_answer_and_trickled_fragments() {
    let dir = std::env::temp_dir().join(format!("floe-demo-sdp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (ok, lines) = demo(&["--seed", "2", "--sdp-dir", dir.to_str().unwrap()]);
    assert!(ok, "{lines:#?}");
    let sdp = events(&lines, "sdp");
    let named = |n: &str| {
        sdp.iter()
            .find(|l| l["name"] == n)
            .map(|l| l["text"].as_str().unwrap())
    };
    let offer = named("offer.sdp").expect("the offer");
    let answer = named("answer.sdp").expect("the answer");
    assert!(offer.contains("a=setup:actpass") && answer.contains("a=setup:active"));
    for text in [offer, answer] {
        assert!(text.contains("a=group:BUNDLE 0\r\n") && text.contains("a=ice-ufrag:"));
    }
    // Each side trickled at least one fragment, the last with end-of-candidates.
    for side in ["A", "B"] {
        let frags: Vec<&str> = sdp
            .iter()
            .filter(|l| l["side"] == side && l["name"].as_str().unwrap().ends_with(".sdpfrag"))
            .map(|l| l["text"].as_str().unwrap())
            .collect();
        assert!(
            frags
                .last()
                .is_some_and(|f| f.ends_with("a=end-of-candidates\r\n")),
            "{frags:?}"
        );
    }
    // --sdp-dir holds the same texts.
    assert_eq!(
        std::fs::read_to_string(dir.join("offer.sdp")).unwrap(),
        offer
    );
    assert!(dir.join("A-1.sdpfrag").exists() && dir.join("B-1.sdpfrag").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn relay_only_with_loss_still_connects_through_the_turn_server() {
    let (ok, lines) = demo(&["--seed", "2", "--relay", "--loss", "20", "--pings", "3"]);
    assert!(ok, "{lines:#?}");
    for c in events(&lines, "candidate") {
        assert_eq!(
            c["type"], "relay",
            "relay only announces relayed candidates: {c}"
        );
    }
    let summary = events(&lines, "summary")[0];
    let dropped = summary["datagrams_dropped"]["A"].as_u64().unwrap()
        + summary["datagrams_dropped"]["B"].as_u64().unwrap();
    assert!(dropped > 0, "20% loss dropped nothing: {summary}");
    assert!(summary["relayed_to_clients"].as_u64().unwrap() > 0);
}

#[test]
fn a_bad_loss_is_a_usage_error() {
    let out = Command::new(FLOE)
        .args(["ice", "demo", "--loss", "100"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn relay_only_through_the_turn_server_over_tcp() {
    let (ok, lines) = demo(&[
        "--seed",
        "3",
        "--relay",
        "--turn-transport",
        "tcp",
        "--pings",
        "2",
    ]);
    assert!(ok, "{lines:#?}");
    assert_eq!(
        events(&lines, "turn_stream").len(),
        2,
        "one TCP stream per agent"
    );
    for c in events(&lines, "candidate") {
        assert_eq!(c["type"], "relay", "{c}");
    }
    assert_eq!(events(&lines, "data").len(), 2);
}
