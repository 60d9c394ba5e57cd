//! `floe ice demo`: two ICE agents in one process over real UDP sockets on loopback, with
//! Floe's own TURN server (which answers STUN Binding requests too) embedded on an ephemeral
//! port. The agents meet as WebRTC peers do: A writes an SDP offer, B answers it
//! (`floe-offer-answer`), and candidates trickle both ways as `application/trickle-ice-sdpfrag`
//! bodies (RFC 8840). It prints the exchange, gathering, checks, nomination, the selected pair,
//! a data exchange and consent as they happen, then a summary; exit 0 when everything was
//! seen, 1 with the reason when not, 2 for a usage error.

use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use core::time::Duration;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use floe_cli::sockets::{AgentSockets, pause};
use floe_ice::{
    ConnectionState, IceConfig, IceEvent, PairId, Role, StreamId, Transport, TurnServer,
};
use floe_offer_answer::{
    IceSession, SdpType, SessionConfig, SessionEvent, TrickleCandidate, TrickleFragment,
    answer_template,
};
use floe_sdp::SessionDescription;
use floe_turn::StaticCredentials;
use serde_json::json;

use super::timeline::{Timeline, ms};
use super::trace;
use super::webrtc_media::{add_fingerprints, data_channel_offer};
use crate::input::usage_error;
use crate::turn::serve::{Embedded, Setup};

/// TURN credentials of the embedded server.
const USER: &str = "alice";
const PASSWORD: &str = "secret";

/// Arguments of `floe ice demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Use relayed candidates only (both agents), so that everything goes through the
    /// embedded TURN server.
    #[arg(long)]
    relay: bool,
    /// How the agents reach the TURN server: udp, or tcp (RFC 8656 §3.1).
    #[arg(long, value_name = "udp|tcp", default_value = "udp", value_parser = ["udp", "tcp"])]
    turn_transport: String,
    /// Drop this percentage of outgoing datagrams at random (both agents).
    #[arg(long, value_name = "PCT", default_value_t = 0.0)]
    loss: f64,
    /// Seed for the agents' randomness and the loss (random when not given; printed).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print the events as JSON lines instead of text.
    #[arg(long)]
    json: bool,
    /// Draw the timeline into this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    trace: Option<PathBuf>,
    /// Give up after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
    /// Application messages sent from A and echoed by B once connected.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pings: u32,
    /// Mean interval of consent checks, in milliseconds (± 20 %). RFC 7675 §5.1 asks for 5 s
    /// on the internet; the demo uses 1 s by default so that a run shows one quickly.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    consent_interval: u64,
    /// Print the SDP offer and answer, and each trickle fragment.
    #[arg(short, long)]
    verbose: bool,
    /// Write the offer, the answer and the trickle fragments into this directory
    /// (`offer.sdp`, `answer.sdp`, `A-1.sdpfrag`, ...).
    #[arg(long, value_name = "DIR")]
    sdp_dir: Option<PathBuf>,
}

/// One agent (in its offer/answer session) and its sockets.
struct Side {
    name: char,
    session: IceSession,
    /// The agent stream of the data channel section, once a description created it.
    stream: Option<StreamId>,
    sockets: AgentSockets,
    connected_at: Option<Duration>,
    selected: Option<PairId>,
    /// Candidates (and end-of-candidates) to trickle to the other side.
    outbox: Vec<TrickleCandidate>,
    /// Trickle fragments sent so far.
    fragments: u32,
    /// Application data received.
    inbox: Vec<Vec<u8>>,
}

impl Side {
    fn new(
        name: char,
        role: Role,
        seed: u64,
        args: &DemoArgs,
        server: SocketAddr,
    ) -> Result<Self, String> {
        let mut config = IceConfig::new(role);
        let mut rng_seed = [0u8; 32];
        rng_seed[..8].copy_from_slice(&seed.to_le_bytes());
        rng_seed[8] = name as u8;
        config.rng_seed = Some(rng_seed);
        config.relay_only = args.relay;
        config.consent_interval = Duration::from_millis(args.consent_interval);
        config.software = Some(concat!("floe ", env!("CARGO_PKG_VERSION")).to_owned());
        let now = Instant::now();
        let mut session = IceSession::new(SessionConfig::new(config), now);
        let sockets = AgentSockets::bind(&[IpAddr::V4(Ipv4Addr::LOCALHOST)])
            .map_err(|e| format!("cannot bind a UDP socket on 127.0.0.1: {e}"))?
            .with_loss(args.loss, seed ^ u64::from(name));
        let agent = session.agent_mut();
        agent.add_stun_server(server);
        let transport = if args.turn_transport == "tcp" {
            Transport::Tcp
        } else {
            Transport::Udp
        };
        agent.add_turn_server(TurnServer::new(server, USER, PASSWORD).with_transport(transport));
        Ok(Self {
            name,
            session,
            stream: None,
            sockets,
            connected_at: None,
            selected: None,
            outbox: Vec::new(),
            fragments: 0,
            inbox: Vec::new(),
        })
    }

    /// Timers, then the network, then what the agent wants to send.
    fn turn(&mut self, now: Instant) -> Result<(), String> {
        let inbox = &mut self.inbox;
        self.sockets
            .turn(self.session.agent_mut(), now, |_, data| {
                inbox.push(data.to_vec())
            })
            .map_err(|e| format!("{}: receive: {e}", self.name))
    }

    /// Handles the session's events: sockets for a new transport (then gathering), candidates
    /// queued for the other side, the agent's events printed.
    fn events(&mut self, now: Instant, at: Duration, log: &mut Timeline) -> Result<(), String> {
        let mut added = false;
        while let Some(e) = self.session.poll_event() {
            let side = self.name;
            match e {
                SessionEvent::TransportAdded { stream, mids, .. } => {
                    self.stream = Some(stream);
                    for &addr in self.sockets.local_addrs() {
                        self.session
                            .agent_mut()
                            .add_local_address(stream, 1, addr)
                            .map_err(|e| e.to_string())?;
                    }
                    added = true;
                    let text = format!("transport for mids {mids:?}");
                    log.say(at, side, "transport", &text, json!({"mids": mids}));
                }
                SessionEvent::LocalCandidate(c) => {
                    match &c.candidate {
                        Some(candidate) => {
                            let kind = candidate.kind().as_str();
                            if let Some(addr) = candidate.socket_addr() {
                                log.learn_kind(side, addr, kind_name(kind));
                            }
                            let line = c.candidate_string();
                            let text = format!("gathered {kind:<5} {line}");
                            let fields = json!({"type": kind, "candidate": line});
                            log.say(at, side, "candidate", &text, fields);
                        }
                        None => log.say(
                            at,
                            side,
                            "gathering_complete",
                            "gathering complete",
                            json!({}),
                        ),
                    }
                    self.outbox.push(c);
                }
                SessionEvent::Ice(e) => self.ice_event(now, at, log, e),
                other => {
                    let text = format!("{other:?}");
                    log.say(at, side, "other", &text, json!({"debug": text}));
                }
            }
        }
        if added {
            // Every transport of the step has its socket: gather once.
            self.session.agent_mut().gather(now);
            return self.events(now, at, log);
        }
        Ok(())
    }

    /// Prints an agent event.
    fn ice_event(&mut self, now: Instant, at: Duration, log: &mut Timeline, e: IceEvent) {
        let side = self.name;
        if self.sockets.handle_event(self.session.agent_mut(), now, &e) {
            let text = format!("TURN stream: {e:?}");
            log.say(at, side, "turn_stream", &text, json!({"debug": text}));
            return;
        }
        match e {
            IceEvent::SelectedPair { pair, .. } => {
                log.observe(at, side, self.session.agent());
                self.selected = Some(pair);
                let label = log.selected(at, side, pair).unwrap_or_default();
                let text = format!("selected {label}");
                log.say(at, side, "selected_pair", &text, json!({"pair": label}));
            }
            IceEvent::ConnectionStateChanged { state } => {
                if state == ConnectionState::Connected && self.connected_at.is_none() {
                    self.connected_at = Some(at);
                }
                let text = format!("state {state:?}");
                log.say(
                    at,
                    side,
                    "state",
                    &text,
                    json!({"state": format!("{state:?}")}),
                );
            }
            IceEvent::RoleChanged { role } => {
                let text = format!("role {role:?}");
                log.say(
                    at,
                    side,
                    "role",
                    &text,
                    json!({"role": format!("{role:?}")}),
                );
            }
            IceEvent::ConsentLost { silent_for, .. } => {
                let text = format!("consent lost after {:.0} ms of silence", ms(silent_for));
                log.say(
                    at,
                    side,
                    "consent_lost",
                    &text,
                    json!({"silent_ms": ms(silent_for)}),
                );
            }
            other => {
                let text = format!("{other:?}");
                log.say(at, side, "other", &text, json!({"debug": text}));
            }
        }
    }

    /// The data stream (the answer or offer created it before any data can flow).
    fn stream(&self) -> Result<StreamId, String> {
        self.stream
            .ok_or_else(|| format!("{}: no transport yet", self.name))
    }
}

/// "host", "srflx", "relay", "prflx" as the labels use them.
fn kind_name(kind: &str) -> &'static str {
    match kind {
        "host" => "host",
        "srflx" => "srflx",
        "relay" => "relay",
        _ => "prflx",
    }
}

/// Trickles what `from` gathered to `to` as one `application/trickle-ice-sdpfrag` body
/// (RFC 8840), through its text, once `to` has a remote description to apply it to.
fn signal(
    from: &mut Side,
    to: &mut Side,
    now: Instant,
    at: Duration,
    log: &mut Timeline,
    args: &DemoArgs,
) -> Result<(), String> {
    if from.outbox.is_empty() || to.session.remote_description().is_none() {
        return Ok(());
    }
    let body = from.session.fragment(&from.outbox).to_string();
    for c in from.outbox.drain(..) {
        if let Some(addr) = c.candidate.as_ref().and_then(|c| c.socket_addr()) {
            let kind = c.candidate.as_ref().map_or("", |c| c.kind().as_str());
            log.learn_kind(to.name, addr, kind_name(kind));
        }
    }
    from.fragments += 1;
    let name = format!("{}-{}.sdpfrag", from.name, from.fragments);
    show(args, log, at, from.name, &name, &body)?;
    let fragment = TrickleFragment::parse(&body).map_err(|e| format!("{name}: {e}"))?;
    to.session
        .add_remote_fragment(now, &fragment)
        .map_err(|e| format!("{}: applying {name}: {e}", to.name))
}

/// Logs a description or fragment (its text with `-v` and in JSON), and writes it into
/// `--sdp-dir`.
fn show(
    args: &DemoArgs,
    log: &mut Timeline,
    at: Duration,
    side: char,
    name: &str,
    text: &str,
) -> Result<(), String> {
    let lines = text.lines().count();
    let summary = if args.verbose {
        format!("{name} ({lines} lines):\n{}", text.trim_end())
    } else {
        format!("{name} ({lines} lines; -v prints it)")
    };
    log.say(
        at,
        side,
        "sdp",
        &summary,
        json!({"name": name, "text": text}),
    );
    if let Some(dir) = &args.sdp_dir {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// `from` sets `description` as its local one; signaling carries its text to `to`, which sets
/// what it read as its remote one (returned).
fn hand_over(
    args: &DemoArgs,
    log: &mut Timeline,
    now: Instant,
    start: Instant,
    (from, to): (&mut Side, &mut Side),
    kind: SdpType,
    description: &SessionDescription<'static>,
) -> Result<SessionDescription<'static>, String> {
    let (f, t) = (from.name, to.name);
    from.session
        .set_local_description(now, kind, description)
        .map_err(|e| format!("{f}: set local {kind}: {e}"))?;
    let name = format!("{kind}.sdp");
    let text = description.to_string();
    show(args, log, now - start, f, &name, &text)?;
    let read = SessionDescription::parse(&text)
        .map_err(|e| format!("{name}:{e}"))?
        .into_owned();
    to.session
        .set_remote_description(now, kind, &read)
        .map_err(|e| format!("{t}: set remote {kind}: {e}"))?;
    Ok(read)
}

/// The offer/answer exchange: A offers, B answers, each through text.
fn negotiate(
    args: &DemoArgs,
    a: &mut Side,
    b: &mut Side,
    log: &mut Timeline,
    start: Instant,
) -> Result<(), String> {
    let now = Instant::now();
    let offer = a
        .session
        .create_offer(now, data_channel_offer(&[0xA5])?)
        .map_err(|e| format!("A: create offer: {e}"))?;
    let offer = hand_over(args, log, now, start, (a, b), SdpType::Offer, &offer)?;
    let mut template = answer_template(&offer).map_err(|e| format!("B: answer: {e}"))?;
    add_fingerprints(&mut template, &[0x5A]);
    let answer = b
        .session
        .create_answer(template)
        .map_err(|e| format!("B: create answer: {e}"))?;
    hand_over(args, log, now, start, (b, a), SdpType::Answer, &answer)?;
    Ok(())
}

/// Where the demo is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting,
    /// Pings sent, waiting for the echoes.
    Data {
        sent_at: Duration,
    },
    /// Echoes back; waiting for a consent check answered on both sides.
    Consent,
    Done,
}

/// Runs `floe ice demo`.
pub(crate) fn run(args: &DemoArgs) -> ExitCode {
    if !(0.0..100.0).contains(&args.loss) {
        return usage_error("--loss: a percentage from 0 to below 100");
    }
    if !(100..=60_000).contains(&args.consent_interval) {
        return usage_error("--consent-interval: 100 to 60000 ms");
    }
    if let Some(dir) = &args.sdp_dir
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        return usage_error(&format!("--sdp-dir {}: {e}", dir.display()));
    }
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let setup = Setup {
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        users: StaticCredentials::new().with_user(USER, PASSWORD),
        realm: "floe-demo".to_owned(),
        allow_loopback_peers: true,
        allow_private_peers: false,
        allow_peers: Vec::new(),
        rfc8656_channels: false,
        relay_ips: Vec::new(),
    };
    let server = match Embedded::start(setup) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let mut log = Timeline::new(args.json);
    let start = Instant::now();
    let intro = format!(
        "TURN/STUN server on {} (udp+tcp), seed {seed}{}{}",
        server.addr,
        if args.relay { ", relay only" } else { "" },
        if args.loss > 0.0 {
            format!(", {}% loss", args.loss)
        } else {
            String::new()
        }
    );
    log.say(Duration::ZERO, '-', "start", &intro, json!({
        "server": server.addr.to_string(), "seed": seed, "relay_only": args.relay, "loss_pct": args.loss,
    }));
    let sides = Side::new('A', Role::Controlling, seed, args, server.addr).and_then(|a| {
        Ok((
            a,
            Side::new('B', Role::Controlled, seed, args, server.addr)?,
        ))
    });
    let (mut a, mut b) = match sides {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let outcome = drive(args, &mut a, &mut b, &mut log, start);
    let end = start.elapsed();
    let stats = server.stop();
    summary(&log, &a, &b, stats, end, &outcome);
    if let Some(path) = &args.trace {
        let title = format!("floe ice demo, seed {seed}: {intro}");
        let split = log.consent_wait_from.map(|t| t + Duration::from_millis(50));
        if let Err(e) = std::fs::write(path, trace::svg(&log.rows, end, split, &title)) {
            eprintln!("floe ice demo: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("floe ice demo: timeline written to {}", path.display());
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("floe ice demo: FAILED: {why}");
            ExitCode::FAILURE
        }
    }
}

/// The loop: both agents over their sockets until connected, data echoed and consent seen.
fn drive(
    args: &DemoArgs,
    a: &mut Side,
    b: &mut Side,
    log: &mut Timeline,
    start: Instant,
) -> Result<(), String> {
    let deadline = start + Duration::from_secs(args.timeout);
    negotiate(args, a, b, log, start)?;
    let mut phase = Phase::Connecting;
    let mut echoes = 0;
    let mut consent_base = [(0, 0); 2];
    while phase != Phase::Done {
        let now = Instant::now();
        if now >= deadline {
            return Err(format!(
                "not done after {} s (stopped while {phase:?})",
                args.timeout
            ));
        }
        let at = now - start;
        for side in [&mut *a, &mut *b] {
            side.turn(now)?;
            log.observe(at, side.name, side.session.agent());
            side.events(now, at, log)?;
            if side.session.agent().state() == ConnectionState::Failed {
                return Err(format!("{} failed", side.name));
            }
        }
        signal(a, b, now, at, log, args)?;
        signal(b, a, now, at, log, args)?;
        // B echoes what it gets; A counts the echoes.
        let b_stream = b.stream()?;
        for data in b.inbox.drain(..) {
            if let Ok(t) = b.session.agent_mut().send(b_stream, 1, &data) {
                b.sockets.send(&t);
            }
        }
        for data in a.inbox.drain(..) {
            echoes += 1;
            let text = format!("echo received: {}", String::from_utf8_lossy(&data));
            log.say(at, 'A', "data", &text, json!({"bytes": data.len()}));
        }
        phase = match phase {
            Phase::Connecting if a.connected_at.is_some() && b.connected_at.is_some() => {
                for i in 1..=args.pings {
                    let msg = format!("ping {i}");
                    let stream = a.stream()?;
                    let t = a
                        .session
                        .agent_mut()
                        .send(stream, 1, msg.as_bytes())
                        .map_err(|e| e.to_string())?;
                    a.sockets.send(&t);
                }
                let text = format!("sent {} pings on the selected pair", args.pings);
                log.say(at, 'A', "data_sent", &text, json!({"pings": args.pings}));
                Phase::Data { sent_at: at }
            }
            // Lost pings are not resent: with loss, the phase ends after a second.
            Phase::Data { sent_at }
                if echoes >= args.pings
                    || (args.loss > 0.0 && at > sent_at + Duration::from_secs(1)) =>
            {
                let text = format!("{echoes} of {} echoes back", args.pings);
                log.say(at, 'A', "data_done", &text, json!({"echoes": echoes}));
                if echoes == 0 {
                    return Err("no echo came back".into());
                }
                consent_base = [consent(a), consent(b)];
                log.consent_wait_from = Some(at);
                let text = format!(
                    "waiting for a consent check answered on each side (every {} ms ± 20 % \
                     here; RFC 7675: 5 s)",
                    args.consent_interval
                );
                log.say(at, '-', "consent_wait", &text, json!({}));
                Phase::Consent
            }
            Phase::Consent
                if consent_seen(a, consent_base[0]) && consent_seen(b, consent_base[1]) =>
            {
                Phase::Done
            }
            p => p,
        };
        a.sockets.send_all(a.session.agent_mut());
        b.sockets.send_all(b.session.agent_mut());
        wait(a, b, now);
    }
    Ok(())
}

/// Consent checks sent and responses received on the selected pair of `side`.
fn consent(side: &Side) -> (u64, u64) {
    side.stream
        .and_then(|stream| side.session.agent().selected_pair(stream, 1))
        .map_or((0, 0), |p| {
            (p.stats.consent_requests_sent, p.stats.responses_received)
        })
}

/// Whether a consent check was sent and answered since `base`.
fn consent_seen(side: &Side, base: (u64, u64)) -> bool {
    let (sent, answered) = consent(side);
    sent > base.0 && answered > base.1
}

/// Sleeps until the next timer of either agent, at most a millisecond (the sockets are
/// polled, not waited on).
fn wait(a: &Side, b: &Side, now: Instant) {
    let next = [
        a.session.agent().poll_timeout(),
        b.session.agent().poll_timeout(),
    ]
    .into_iter()
    .flatten()
    .min();
    pause(now, next);
}

/// The closing lines: times, counts, what the relay carried.
fn summary(
    log: &Timeline,
    a: &Side,
    b: &Side,
    server: Option<floe_turn::ServerStats>,
    end: Duration,
    outcome: &Result<(), String>,
) {
    let checks = |s: &Side| -> u64 {
        s.session
            .agent()
            .pairs()
            .iter()
            .map(|p| p.stats.requests_sent)
            .sum()
    };
    let (sa, sb) = (a.sockets.stats(), b.sockets.stats());
    let relayed = server.map(|s| (s.relayed_to_peer, s.relayed_to_client));
    let selected = |s: &Side| {
        s.stream
            .and_then(|stream| s.session.agent().selected_pair(stream, 1))
            .map(|p| format!("{} -> {}", p.local, p.remote))
            .unwrap_or_else(|| "none".to_owned())
    };
    let fields = json!({
        "ok": outcome.is_ok(),
        "error": outcome.as_ref().err(),
        "wall_ms": ms(end),
        "connected_ms": {"A": a.connected_at.map(ms), "B": b.connected_at.map(ms)},
        "checks_sent": {"A": checks(a), "B": checks(b)},
        "datagrams_sent": {"A": sa.sent, "B": sb.sent},
        "datagrams_dropped": {"A": sa.dropped, "B": sb.dropped},
        "bytes_sent": {"A": sa.bytes_sent, "B": sb.bytes_sent},
        "relayed_to_peers": relayed.map(|r| r.0),
        "relayed_to_clients": relayed.map(|r| r.1),
        "selected": {"A": selected(a), "B": selected(b)},
    });
    let opt_ms =
        |d: Option<Duration>| d.map_or_else(|| "never".to_owned(), |d| format!("{:.1} ms", ms(d)));
    let text = format!(
        "summary: {} in {:.0} ms; connected A {} B {}; checks sent A {} B {}; datagrams sent A {} B {} \
         (dropped A {} B {}); TURN relayed {} to peers, {} to clients; selected A {} / B {}",
        if outcome.is_ok() { "ok" } else { "FAILED" },
        ms(end),
        opt_ms(a.connected_at),
        opt_ms(b.connected_at),
        checks(a),
        checks(b),
        sa.sent,
        sb.sent,
        sa.dropped,
        sb.dropped,
        relayed.map_or(0, |r| r.0),
        relayed.map_or(0, |r| r.1),
        selected(a),
        selected(b),
    );
    log.say(end, '-', "summary", &text, fields);
}
