//! A real browser as the other ICE agent: headless Chromium driven by
//! `scripts/chromium_peer.py` (chromedriver, W3C WebDriver), against `floe ice peer --sdp` or
//! against itself, each side in a host namespace of the NAT lab ([`Lab`]). Both speak the
//! browser's signalling on stdio, one JSON object per line (`{"type":"offer","sdp":..}`,
//! `{"type":"candidate","candidate":..,"sdpMid":..,"sdpMLineIndex":..}`, a last
//! `{"type":"result",..}` line); [`exchange`] relays every line but the result from one side's
//! stdout to the other's stdin, as a signalling server would, and collects both results.
//!
//! Chromium never runs in the machine's own namespace: there it would offer the machine's real
//! addresses.

use core::net::SocketAddr;
use core::time::Duration;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use serde_json::Value;

use super::{LAB_SERVER, Lab, missing};

/// Debian's `chromium` and `chromium-driver`, where `chromium_peer.py` looks for them.
const CHROMIUM: &str = "/usr/lib/chromium/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// `scripts/chromium_peer.py` of this crate.
#[must_use]
pub fn chromium_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/chromium_peer.py")
}

/// Whether headless Chromium can run here: Debian's `chromium` and `chromium-driver`, and
/// `python3`. When not, the test is skipped (`SKIPPED:`), except under CI (`CI` set), where
/// that is a failure.
///
/// # Panics
/// When `CI` is set and something is missing.
#[must_use]
pub fn chromium_available() -> bool {
    for bin in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(bin).is_file() {
            missing(&format!(
                "{bin} is missing (apt-get install chromium chromium-driver)"
            ));
            return false;
        }
    }
    if Command::new("python3").arg("-V").output().is_err() {
        missing("python3 is missing (chromium_peer.py needs it)");
        return false;
    }
    true
}

/// Which side of the offer/answer exchange a peer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Writes the offer (and is the controlling ICE agent).
    Offer,
    /// Answers it (controlled).
    Answer,
}

impl Side {
    fn flag(self) -> &'static str {
        match self {
            Self::Offer => "--offer",
            Self::Answer => "--answer",
        }
    }
}

/// What both peers are given: servers in the lab's public segment ([`LAB_SERVER`], alice /
/// secret) and timing.
#[derive(Debug, Clone, Copy)]
pub struct PeerOptions {
    /// `--stun LAB_SERVER`.
    pub stun: bool,
    /// `--turn LAB_SERVER` (UDP, alice / secret).
    pub turn: bool,
    /// `--relay-only`.
    pub relay_only: bool,
    /// Seconds until ICE must be connected.
    pub timeout: f64,
    /// Seconds to stay connected after that (consent freshness).
    pub hold: f64,
}

impl PeerOptions {
    fn server_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if self.stun {
            args.extend(["--stun".to_owned(), LAB_SERVER.to_owned()]);
        }
        if self.turn {
            args.extend(["--turn".to_owned(), LAB_SERVER.to_owned()]);
            args.extend(["--turn-user", "alice", "--turn-pass", "secret"].map(String::from));
        }
        if self.relay_only {
            args.push("--relay-only".to_owned());
        }
        args
    }
}

/// `chromium_peer.py` in lab host `host` (1 or 2).
#[must_use]
pub fn chromium_peer(host: u8, side: Side, opts: &PeerOptions) -> Command {
    let mut cmd = in_host(host, "python3");
    cmd.arg(chromium_script())
        .arg(side.flag())
        .args(opts.server_args())
        .args(["--timeout", &opts.timeout.to_string()])
        .args(["--hold", &opts.hold.to_string()])
        .arg("-v");
    cmd
}

/// `floe ice peer --sdp --lab` in lab host `host` (1 or 2). Its `--timeout` bounds the whole
/// run, `--hold` included.
#[must_use]
pub fn floe_peer(floe: &Path, host: u8, side: Side, opts: &PeerOptions) -> Command {
    let mut cmd = in_host(host, floe.to_str().expect("a UTF-8 path to floe"));
    cmd.args(["ice", "peer", "--sdp", side.flag(), "--lab"])
        .args(opts.server_args())
        .args(["--timeout", &(opts.timeout + opts.hold).to_string()])
        .args(["--hold", &opts.hold.to_string()])
        .arg("-v");
    cmd
}

fn in_host(host: u8, program: &str) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", &format!("fl-h{host}"), program]);
    cmd
}

/// What one peer did in an [`exchange`].
#[derive(Debug, Clone)]
pub struct PeerRun {
    /// Its result line, if it printed one.
    pub result: Option<Value>,
    /// Every other line it printed (its offer or answer and its candidates), parsed.
    pub sent: Vec<Value>,
    /// Its stderr (its log).
    pub stderr: String,
    /// When it was started.
    pub started: Instant,
}

impl PeerRun {
    /// `result.ok`.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.result.as_ref().and_then(|r| r["ok"].as_bool()) == Some(true)
    }

    /// `result.impl`.
    #[must_use]
    pub fn implementation(&self) -> &str {
        self.result
            .as_ref()
            .and_then(|r| r["impl"].as_str())
            .unwrap_or("?")
    }

    /// `result.selected.local` / `.remote` (`IP:PORT typ T`).
    #[must_use]
    pub fn selected(&self, which: &str) -> Option<&str> {
        self.result.as_ref()?["selected"][which].as_str()
    }

    /// Every transport address it offered: its candidates, trickled or in its description.
    #[must_use]
    pub fn offered(&self) -> Vec<SocketAddr> {
        let mut lines: Vec<&str> = Vec::new();
        for v in &self.sent {
            if let Some(c) = v["candidate"].as_str() {
                lines.push(c);
            }
            if let Some(sdp) = v["sdp"].as_str() {
                lines.extend(sdp.lines().filter_map(|l| l.trim().strip_prefix("a=")));
            }
        }
        lines.into_iter().filter_map(candidate_address).collect()
    }
}

/// The `IP:PORT` of a candidate line (`candidate:F C udp P IP PORT typ T ...`).
fn candidate_address(line: &str) -> Option<SocketAddr> {
    let mut words = line.strip_prefix("candidate:")?.split_whitespace().skip(4);
    let ip = words.next()?.parse().ok()?;
    let port = words.next()?.parse().ok()?;
    Some(SocketAddr::new(ip, port))
}

/// The `IP:PORT` part of a result's `selected` entry (`IP:PORT typ T`).
#[must_use]
pub fn selected_address(entry: &str) -> Option<SocketAddr> {
    entry.split_whitespace().next()?.parse().ok()
}

/// The `T` of a result's `selected` entry (`IP:PORT typ T`).
#[must_use]
pub fn selected_type(entry: &str) -> Option<&str> {
    let mut words = entry.split_whitespace().skip_while(|w| *w != "typ");
    words.nth(1)
}

/// Both peers of an [`exchange`], in the order given, and when the offer went out.
#[derive(Debug)]
pub struct Exchange {
    /// The two peers.
    pub peers: [PeerRun; 2],
    /// When the offer line was relayed.
    pub offer_at: Option<Instant>,
    /// When the answer line was relayed.
    pub answer_at: Option<Instant>,
    /// Whether both printed a result before the deadline.
    pub finished: bool,
}

impl Exchange {
    /// Peer `i`'s time from the offer to ICE connected. Chromium counts its `connect_ms` from
    /// the offer already (creating it, or applying it); `floe ice peer` counts from its start,
    /// which is moved to the offer here (they differ for an answerer started before the offer,
    /// by the browser's start-up).
    #[must_use]
    pub fn connect_after_offer(&self, i: usize) -> Option<Duration> {
        let peer = &self.peers[i];
        let ms = peer.result.as_ref()?["connect_ms"].as_u64()?;
        let ms = Duration::from_millis(ms);
        if peer.implementation() == "chromium" {
            return Some(ms);
        }
        let offer = self.offer_at?;
        Some((peer.started + ms).saturating_duration_since(offer))
    }

    /// Peer `i`'s time from the answer to ICE connected ([`Self::connect_after_offer`] moved
    /// to when the answer was relayed): for an offerer whose answerer first had to start a
    /// browser, the figure without that start-up.
    #[must_use]
    pub fn connect_after_answer(&self, i: usize) -> Option<Duration> {
        let at = self.offer_at? + self.connect_after_offer(i)?;
        Some(at.saturating_duration_since(self.answer_at?))
    }
}

/// A running peer: its stdin for the relay. Ended on drop: its stdin closes (the end of
/// signalling, which `chromium_peer.py` lingers for), then SIGTERM (on which the script ends
/// chromedriver and Chromium and removes its profile), then SIGKILL; `natlab.sh down` kills
/// whatever is left in the lab.
struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Running {
    /// Whether it exited within `within`.
    fn exits(&mut self, within: Duration) -> bool {
        let until = Instant::now() + within;
        loop {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if self.exits(Duration::from_secs(5)) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .output();
        if !self.exits(Duration::from_secs(5)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One line from a peer's stdout, or its end.
enum Line {
    Text(usize, String),
    End(usize),
}

/// Runs two peers (`sides[0]`, `sides[1]`) against each other: every stdout line of one that is
/// not its result goes to the other's stdin, at once. Returns when both printed a result (or
/// closed stdout), or after `deadline`; both are ended then.
///
/// # Panics
/// When a peer cannot be started.
#[must_use]
pub fn exchange(sides: [Command; 2], deadline: Duration) -> Exchange {
    let (tx, rx) = mpsc::channel();
    let mut running = Vec::new();
    let mut logs = Vec::new();
    let mut started = Vec::new();
    for (i, mut cmd) in sides.into_iter().enumerate() {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        started.push(Instant::now());
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let tx = tx.clone();
        thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = tx.send(Line::Text(i, line));
            }
            let _ = tx.send(Line::End(i));
        });
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().expect("piped");
        let sink = Arc::clone(&log);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        logs.push(log);
        let stdin = child.stdin.take();
        running.push(Running { child, stdin });
    }
    let end = Instant::now() + deadline;
    let mut results: [Option<Value>; 2] = [None, None];
    let mut sent: [Vec<Value>; 2] = [Vec::new(), Vec::new()];
    let mut done = [false; 2];
    let mut offer_at = None;
    let mut answer_at = None;
    while !(done[0] && done[1]) {
        let Some(left) = end.checked_duration_since(Instant::now()) else {
            break;
        };
        match rx.recv_timeout(left) {
            Ok(Line::Text(i, text)) => {
                let Ok(v) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if v["type"] == "result" {
                    results[i] = Some(v);
                    done[i] = true;
                    continue;
                }
                if v["type"] == "offer" {
                    offer_at.get_or_insert_with(Instant::now);
                }
                if v["type"] == "answer" {
                    answer_at.get_or_insert_with(Instant::now);
                }
                if let Some(stdin) = running[1 - i].stdin.as_mut() {
                    // A peer that is gone does not need more signalling.
                    let _ = writeln!(stdin, "{text}").and_then(|()| stdin.flush());
                }
                sent[i].push(v);
            }
            Ok(Line::End(i)) => done[i] = true,
            Err(_) => break,
        }
    }
    // Both stdins first: each side may linger until its signalling ends.
    for r in &mut running {
        drop(r.stdin.take());
    }
    drop(running);
    let [r0, r1] = results;
    let [s0, s1] = sent;
    let log = |i: usize| logs[i].lock().map(|s| s.clone()).unwrap_or_default();
    let finished = r0.is_some() && r1.is_some();
    Exchange {
        peers: [
            PeerRun {
                result: r0,
                sent: s0,
                stderr: log(0),
                started: started[0],
            },
            PeerRun {
                result: r1,
                sent: s1,
                stderr: log(1),
                started: started[1],
            },
        ],
        offer_at,
        answer_at,
        finished,
    }
}

/// `floe turn serve` in the lab's public segment on [`LAB_SERVER`] (alice / secret, realm
/// example.org), relaying to the lab's public addresses (`--allow-peer 203.0.113.0/24`); killed
/// on drop.
#[derive(Debug)]
pub struct LabTurnServe {
    child: Child,
}

impl LabTurnServe {
    /// Starts it (the lab must be up without coturn) and waits until it announces its address.
    ///
    /// # Panics
    /// When it does not start or exits without announcing it.
    #[must_use]
    pub fn start(lab: &Lab, floe: &Path) -> Self {
        let mut child = lab
            .exec_wan(floe.to_str().expect("a UTF-8 path to floe"))
            .args(["turn", "serve", "--listen", LAB_SERVER])
            .args(["--user", "alice:secret", "--realm", "example.org"])
            .args(["--allow-peer", "203.0.113.0/24"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start floe turn serve in the lab: {e}"));
        let stderr = child.stderr.take().expect("piped");
        let serve = Self { child };
        let mut lines = BufReader::new(stderr).lines();
        loop {
            match lines.next() {
                Some(Ok(l)) if l.contains("listening on") => break,
                Some(Ok(_)) => {}
                _ => panic!("floe turn serve exited without announcing its address"),
            }
        }
        // Keep draining its log, so that it never blocks on a full pipe.
        thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
        serve
    }
}

impl Drop for LabTurnServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_addresses() {
        let peer = PeerRun {
            result: None,
            sent: vec![
                serde_json::json!({"type": "offer", "sdp":
                    "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n\
                     a=candidate:0 1 udp 2116288511 198.51.100.2 5000 typ host\r\n"}),
                serde_json::json!({"type": "candidate", "candidate":
                    "candidate:1 1 udp 1680080895 203.0.113.12 5001 typ srflx raddr 198.51.100.2 rport 5000",
                    "sdpMid": "0", "sdpMLineIndex": 0}),
                serde_json::json!({"type": "candidate", "candidate": "", "sdpMid": "0"}),
            ],
            stderr: String::new(),
            started: Instant::now(),
        };
        let want: Vec<SocketAddr> = vec![
            "198.51.100.2:5000".parse().unwrap(),
            "203.0.113.12:5001".parse().unwrap(),
        ];
        assert_eq!(peer.offered(), want);
        assert_eq!(
            selected_address("203.0.113.12:5001 typ srflx"),
            Some(want[1])
        );
        assert_eq!(selected_address(":5001 typ prflx"), None);
        assert_eq!(selected_type("203.0.113.12:5001 typ srflx"), Some("srflx"));
    }
}
