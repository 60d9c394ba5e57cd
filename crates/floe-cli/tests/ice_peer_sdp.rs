//! `floe ice peer --sdp`: two of our own processes, an offerer and an answerer, with their
//! stdio joined line by line as a browser's signaling channel would carry the messages.

use core::time::Duration;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;

use serde_json::Value;

const FLOE: &str = env!("CARGO_BIN_EXE_floe");

fn spawn(side: &str, extra: &[&str]) -> Child {
    Command::new(FLOE)
        .args(["ice", "peer", "--sdp", side, "--timeout", "10"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Copies `from`'s stdout lines into `to` (except the result line, returned) and keeps every
/// message for the assertions.
fn pump(
    child: &mut Child,
    mut to: ChildStdin,
    seen: mpsc::Sender<Value>,
) -> thread::JoinHandle<Value> {
    let out = BufReader::new(child.stdout.take().unwrap());
    thread::spawn(move || {
        for line in out.lines() {
            let line = line.unwrap();
            let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
            if v["type"] == "result" {
                return v;
            }
            let _ = seen.send(v);
            // The other side may have finished already.
            let _ = writeln!(to, "{line}");
        }
        panic!("no result line");
    })
}

/// Runs an offerer and an answerer joined by their stdio; their results and every message.
fn run(extra: &[&str]) -> (Value, Value, Vec<Value>) {
    let (mut offer, mut answer) = (spawn("--offer", extra), spawn("--answer", extra));
    let (tx, rx) = mpsc::channel();
    let to_answer = answer.stdin.take().unwrap();
    let to_offer = offer.stdin.take().unwrap();
    let a = pump(&mut offer, to_answer, tx.clone());
    let b = pump(&mut answer, to_offer, tx);
    let (ra, rb) = (a.join().unwrap(), b.join().unwrap());
    for (child, r) in [(&mut offer, &ra), (&mut answer, &rb)] {
        let status = child.wait().unwrap();
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err);
        assert!(status.success(), "{r}\n{err}");
    }
    (ra, rb, rx.try_iter().collect())
}

#[test]
fn an_offerer_and_an_answerer_connect_through_trickled_signaling() {
    let (offer, answer, messages) = run(&[]);
    for (r, side, role) in [
        (&offer, "offer", "controlling"),
        (&answer, "answer", "controlled"),
    ] {
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(r["side"], side);
        assert_eq!(r["role"], role);
        assert_eq!(r["ice_connection_state"], "connected");
        let remote = r["selected"]["remote"].as_str().unwrap();
        assert!(
            remote.starts_with("127.0.0.1:") && remote.ends_with("typ host"),
            "{remote}"
        );
    }
    // The W3C shapes: one offer, one answer, candidates with their mid, an end-of-candidates.
    let of = |t: &str| messages.iter().filter(|m| m["type"] == t).count();
    assert_eq!((of("offer"), of("answer")), (1, 1));
    let sdp = messages.iter().find(|m| m["type"] == "offer").unwrap()["sdp"]
        .as_str()
        .unwrap();
    assert!(
        sdp.contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"),
        "{sdp}"
    );
    assert!(sdp.contains("a=ice-options:trickle"), "{sdp}");
    let candidates: Vec<&Value> = messages
        .iter()
        .filter(|m| m["type"] == "candidate")
        .collect();
    assert!(
        candidates
            .iter()
            .all(|c| c["sdpMid"] == "0" && c["sdpMLineIndex"] == 0)
    );
    assert!(
        candidates
            .iter()
            .any(|c| c["candidate"].as_str().unwrap().starts_with("candidate:"))
    );
    assert_eq!(
        candidates.iter().filter(|c| c["candidate"] == "").count(),
        2,
        "end of candidates, each side"
    );
}

#[test]
fn holding_keeps_the_pair_through_consent() {
    // --hold: stay connected (consent checks answered) for 1.5 s after connecting.
    let start = std::time::Instant::now();
    let (offer, answer, _) = run(&["--hold", "1.5"]);
    assert_eq!(
        (offer["ok"].as_bool(), answer["ok"].as_bool()),
        (Some(true), Some(true))
    );
    assert!(start.elapsed() >= Duration::from_millis(1500));
}

#[test]
fn sdp_mode_flags_are_checked() {
    let out = Command::new(FLOE)
        .args(["ice", "peer", "--sdp"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(FLOE)
        .args(["ice", "peer", "--sdp", "--offer", "--role", "controlling"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(FLOE)
        .args(["ice", "peer", "--offer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
