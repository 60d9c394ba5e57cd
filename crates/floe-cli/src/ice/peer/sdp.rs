//! `floe ice peer --sdp`: the WebRTC flow over stdio, as a browser's signaling carries it. One
//! compact JSON object per line, in the W3C shapes:
//!
//! - `{"type":"offer","sdp":"..."}`, `{"type":"answer","sdp":"..."}`
//!   (`RTCSessionDescriptionInit`);
//! - `{"type":"candidate","candidate":"candidate:...","sdpMid":"0","sdpMLineIndex":0}`
//!   (`RTCIceCandidateInit`; an empty `candidate` ends the section's candidates);
//! - the last line on stdout: `{"type":"result","ok":...}`.
//!
//! `--offer` writes an offer with one data channel section (the DTLS fingerprint is a random
//! placeholder: DTLS is the embedder's job, not Floe's) and reads the answer; `--answer` reads
//! the offer and answers it (`floe_offer_answer::answer_template`). Candidates trickle both
//! ways through [`IceSession`]. The run ends once ICE is connected (after `--hold` seconds of
//! staying connected, if given) or fails.

use core::net::SocketAddr;
use core::time::Duration;
use std::io::BufRead as _;
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Instant;

use floe_cli::sockets::{AgentSockets, pause};
use floe_ice::{ConnectionState, Credentials, IceConfig, IceEvent, Role};
use floe_offer_answer::{
    IceSession, SdpType, SessionConfig, SessionEvent, TrickleCandidate, answer_template,
};
use floe_sdp::SessionDescription;
use serde_json::{Value, json};

use super::{Log, PeerArgs, add_servers, host_ips, round_ms, signal};
use crate::ice::webrtc_media::{add_fingerprints, data_channel_offer};

/// The offer or answer side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Offer,
    Answer,
}

/// Runs the SDP mode; the result line's fields or the failure.
pub(super) fn run(
    args: &PeerArgs,
    side: Side,
    servers: (Option<SocketAddr>, Option<SocketAddr>),
    credentials: Option<Credentials>,
    log: Log,
    deadline: Instant,
) -> Result<Value, String> {
    let start = log.start;
    let mut config = IceConfig::new(Role::Controlling);
    config.relay_only = args.relay_only;
    config.local_credentials = credentials;
    config.software = Some(concat!("floe ", env!("CARGO_PKG_VERSION")).to_owned());
    let mut session = IceSession::new(SessionConfig::new(config), Instant::now());
    let ips = host_ips(args)?;
    let mut sockets =
        AgentSockets::bind(&ips).map_err(|e| format!("cannot bind UDP on {ips:?}: {e}"))?;
    add_servers(session.agent_mut(), args, servers.0, servers.1);
    let inbox = lines_from_stdin();
    let mut run = Run {
        session,
        log,
        early: Vec::new(),
        locals: Vec::new(),
    };
    if side == Side::Offer {
        let offer = run
            .session
            .create_offer(Instant::now(), data_channel_offer(b"floe ice peer")?)
            .map_err(|e| format!("create offer: {e}"))?;
        run.session
            .set_local_description(Instant::now(), SdpType::Offer, &offer)
            .map_err(|e| format!("set local offer: {e}"))?;
        send(&json!({"type": "offer", "sdp": offer.to_string()}))?;
    }
    let mut connected_at = None;
    let hold = Duration::from_secs_f64(args.hold.max(0.0));
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err(match connected_at {
                Some(_) => "TimeoutError: --hold outlasted --timeout".into(),
                None => "TimeoutError: ICE did not connect in time".into(),
            });
        }
        // Signaling that ends (the other side finished first) is no failure: ICE may still
        // complete with what arrived; the deadline decides.
        while let Ok(line) = inbox.try_recv() {
            run.message(&line, side, now, &mut sockets)?;
        }
        sockets
            .turn(run.session.agent_mut(), now, |_, _| {})
            .map_err(|e| format!("receive: {e}"))?;
        run.events(now, &mut sockets)?;
        sockets.send_all(run.session.agent_mut());
        match (run.session.agent().state(), connected_at) {
            (ConnectionState::Connected, None) => {
                connected_at = Some(now);
                run.log
                    .say(&format!("ICE connected after {:?}", start.elapsed()));
            }
            (ConnectionState::Failed, _) => return Err("ICE failed".into()),
            (ConnectionState::Disconnected, Some(_)) => {
                return Err("ICE disconnected while holding (consent lost?)".into());
            }
            _ => {}
        }
        if let Some(at) = connected_at
            && now.duration_since(at) >= hold
        {
            return run.result(side, at.duration_since(start));
        }
        let next = run.session.agent().poll_timeout();
        pause(now, next.map(|t| t.min(deadline)).or(Some(deadline)));
    }
}

/// The session and what the run has seen.
struct Run {
    session: IceSession,
    log: Log,
    /// Candidates that came before the remote description (W3C `addIceCandidate` would fail;
    /// signaling may well reorder).
    early: Vec<TrickleCandidate>,
    /// Local candidate lines, as trickled.
    locals: Vec<String>,
}

impl Run {
    /// One signaling message from the other side.
    fn message(
        &mut self,
        line: &str,
        side: Side,
        now: Instant,
        sockets: &mut AgentSockets,
    ) -> Result<(), String> {
        let v: Value = serde_json::from_str(line.trim())
            .map_err(|e| format!("signaling: not JSON ({e}): {line:?}"))?;
        match v["type"].as_str() {
            Some(kind @ ("offer" | "answer")) => {
                let sdp = v["sdp"]
                    .as_str()
                    .ok_or("signaling: an offer/answer without sdp")?;
                self.log.say(&format!("remote {kind}:\n{sdp}"));
                self.description(kind, sdp, side, now, sockets)
            }
            Some("candidate") => {
                let c = TrickleCandidate::from_init(
                    v["candidate"].as_str().unwrap_or(""),
                    v["sdpMid"].as_str(),
                    v["sdpMLineIndex"]
                        .as_u64()
                        .and_then(|i| u16::try_from(i).ok()),
                )
                .map_err(|e| format!("signaling: candidate: {e}"))?;
                if self.session.remote_description().is_some() {
                    self.add_candidate(now, &c);
                } else {
                    self.early.push(c);
                }
                Ok(())
            }
            // The other side's result line, or something newer: not ours.
            _ => Ok(()),
        }
    }

    /// The remote offer or answer; the answer to an offer goes out.
    fn description(
        &mut self,
        kind: &str,
        sdp: &str,
        side: Side,
        now: Instant,
        sockets: &mut AgentSockets,
    ) -> Result<(), String> {
        let remote = SessionDescription::parse(sdp)
            .map_err(|e| format!("remote {kind}: {e}"))?
            .into_owned();
        let kind_type = match (kind, side) {
            ("offer", Side::Answer) => SdpType::Offer,
            ("answer", Side::Offer) => SdpType::Answer,
            _ => return Err(format!("signaling: an {kind} was not expected")),
        };
        self.session
            .set_remote_description(now, kind_type, &remote)
            .map_err(|e| format!("set remote {kind}: {e}"))?;
        if kind_type == SdpType::Offer {
            let mut template =
                answer_template(&remote).map_err(|e| format!("answer template: {e}"))?;
            add_fingerprints(&mut template, b"floe ice peer");
            let answer = self
                .session
                .create_answer(template)
                .map_err(|e| format!("create answer: {e}"))?;
            self.session
                .set_local_description(now, SdpType::Answer, &answer)
                .map_err(|e| format!("set local answer: {e}"))?;
            self.events(now, sockets)?;
            send(&json!({"type": "answer", "sdp": answer.to_string()}))?;
        }
        for c in core::mem::take(&mut self.early) {
            self.add_candidate(now, &c);
        }
        Ok(())
    }

    fn add_candidate(&mut self, now: Instant, c: &TrickleCandidate) {
        if let Err(e) = self.session.add_remote_candidate(now, c) {
            // A browser's TCP candidates and the like: not ours to pair.
            self.log.say(&format!(
                "ignoring remote candidate {:?}: {e}",
                c.candidate_string()
            ));
        }
    }

    /// Session events: sockets for new transports, trickled candidates out, the rest logged.
    fn events(&mut self, now: Instant, sockets: &mut AgentSockets) -> Result<(), String> {
        let mut added = false;
        while let Some(e) = self.session.poll_event() {
            match e {
                SessionEvent::TransportAdded { stream, mids, .. } => {
                    for &addr in sockets.local_addrs() {
                        self.session
                            .agent_mut()
                            .add_local_address(stream, 1, addr)
                            .map_err(|e| e.to_string())?;
                    }
                    added = true;
                    self.log.say(&format!(
                        "transport for mids {mids:?} on {:?}",
                        sockets.local_addrs()
                    ));
                }
                SessionEvent::LocalCandidate(c) => {
                    let text = c.candidate_string();
                    if !text.is_empty() {
                        self.locals.push(text.clone());
                    }
                    send(&json!({"type": "candidate", "candidate": text,
                                 "sdpMid": c.mid, "sdpMLineIndex": c.m_line_index}))?;
                }
                SessionEvent::Ice(e) => {
                    if !sockets.handle_event(self.session.agent_mut(), now, &e) {
                        if let IceEvent::SelectedPair { local, remote, .. } = e {
                            self.log.say(&format!("selected pair {local} -> {remote}"));
                        } else {
                            self.log.say(&format!("{e:?}"));
                        }
                    }
                }
                other => self.log.say(&format!("{other:?}")),
            }
        }
        if added {
            // Every transport of the step has its sockets: gather once.
            self.session.agent_mut().gather(now);
            return self.events(now, sockets);
        }
        Ok(())
    }

    fn result(&self, side: Side, connect: Duration) -> Result<Value, String> {
        let agent = self.session.agent();
        let stream = self
            .session
            .stream_of("0")
            .ok_or("no transport for mid 0")?;
        let pair = agent.selected_pair(stream, 1).ok_or("no selected pair")?;
        let kind = |id| agent.candidate_info(id).map(|c| c.kind.as_str());
        Ok(json!({
            "type": "result",
            "ok": true,
            "impl": "floe",
            "floe_version": env!("CARGO_PKG_VERSION"),
            "side": if side == Side::Offer { "offer" } else { "answer" },
            "role": if agent.role() == Role::Controlling { "controlling" } else { "controlled" },
            "ice_connection_state": "connected",
            "connect_ms": u64::try_from(connect.as_millis()).unwrap_or(u64::MAX),
            "t_connect_s": round_ms(connect),
            "local_candidates": self.locals,
            "selected": {
                "local": format!("{} typ {}", pair.local, kind(pair.local_candidate).unwrap_or("?")),
                "remote": format!("{} typ {}", pair.remote, kind(pair.remote_candidate).unwrap_or("?")),
            },
        }))
    }
}

/// Prints one signaling line.
fn send(v: &Value) -> Result<(), String> {
    signal::print_line(&v.to_string()).map_err(|e| format!("cannot write stdout: {e}"))
}

/// Every line of stdin, read by a thread (the read blocks).
fn lines_from_stdin() -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else {
                break;
            };
            if !line.trim().is_empty() && tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
