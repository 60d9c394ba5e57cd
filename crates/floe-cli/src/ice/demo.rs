//! `floe ice demo`: two ICE agents in one process over real UDP sockets on loopback, with
//! Floe's own TURN server (which answers STUN Binding requests too) embedded on an ephemeral
//! port. It prints gathering, checks, nomination, the selected pair, a data exchange and
//! consent as they happen, then a summary; exit 0 when everything was seen, 1 with the reason
//! when not, 2 for a usage error.

use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use core::time::Duration;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use floe_cli::sockets::{AgentSockets, pause};
use floe_ice::{
    ConnectionState, Credentials, IceAgent, IceConfig, IceEvent, PairId, Role, StreamId, Transport,
    TurnServer,
};
use floe_ice_candidate::Candidate;
use floe_turn::StaticCredentials;
use serde_json::json;

use super::timeline::{Timeline, ms};
use super::trace;
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
}

/// One agent and its sockets.
struct Side {
    name: char,
    agent: IceAgent,
    stream: StreamId,
    sockets: AgentSockets,
    connected_at: Option<Duration>,
    selected: Option<PairId>,
    /// Candidate lines to give the other side.
    outbox: Vec<Candidate<'static>>,
    gathered: bool,
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
        let mut agent = IceAgent::new(config, now);
        let stream = agent.add_stream(1).map_err(|e| e.to_string())?;
        let sockets = AgentSockets::bind(&[IpAddr::V4(Ipv4Addr::LOCALHOST)])
            .map_err(|e| format!("cannot bind a UDP socket on 127.0.0.1: {e}"))?
            .with_loss(args.loss, seed ^ u64::from(name));
        for &addr in sockets.local_addrs() {
            agent
                .add_local_address(stream, 1, addr)
                .map_err(|e| e.to_string())?;
        }
        agent.add_stun_server(server);
        let transport = if args.turn_transport == "tcp" {
            Transport::Tcp
        } else {
            Transport::Udp
        };
        agent.add_turn_server(TurnServer::new(server, USER, PASSWORD).with_transport(transport));
        Ok(Self {
            name,
            agent,
            stream,
            sockets,
            connected_at: None,
            selected: None,
            outbox: Vec::new(),
            gathered: false,
            inbox: Vec::new(),
        })
    }

    /// Timers, then the network, then what the agent wants to send.
    fn turn(&mut self, now: Instant) -> Result<(), String> {
        let inbox = &mut self.inbox;
        self.sockets
            .turn(&mut self.agent, now, |_, data| inbox.push(data.to_vec()))
            .map_err(|e| format!("{}: receive: {e}", self.name))
    }

    /// Handles the agent's events: prints them and queues candidates for the other side.
    fn events(&mut self, now: Instant, at: Duration, log: &mut Timeline) {
        while let Some(e) = self.agent.poll_event() {
            let side = self.name;
            if self.sockets.handle_event(&mut self.agent, now, &e) {
                let text = format!("TURN stream: {e:?}");
                log.say(at, side, "turn_stream", &text, json!({"debug": text}));
                continue;
            }
            match e {
                IceEvent::LocalCandidate { candidate, .. } => {
                    let kind = candidate.kind().as_str();
                    if let Some(addr) = candidate.socket_addr() {
                        log.learn_kind(side, addr, kind_name(kind));
                    }
                    let text = format!("gathered {kind:<5} {candidate}");
                    let fields = json!({"type": kind, "candidate": candidate.to_string()});
                    log.say(at, side, "candidate", &text, fields);
                    self.outbox.push(candidate);
                }
                IceEvent::GatheringComplete { .. } => {
                    self.gathered = true;
                    log.say(
                        at,
                        side,
                        "gathering_complete",
                        "gathering complete",
                        json!({}),
                    );
                }
                IceEvent::SelectedPair { pair, .. } => {
                    log.observe(at, side, &self.agent);
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
                    let text = format!("role changed to {role:?}");
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

/// Hands the candidates `from` gathered to `to` (signalling with no delay).
fn signal(from: &mut Side, to: &mut Side, now: Instant, log: &mut Timeline) {
    for c in from.outbox.drain(..) {
        if let Some(addr) = c.socket_addr() {
            log.learn_kind(to.name, addr, kind_name(c.kind().as_str()));
        }
        let _ = to.agent.add_remote_candidate(now, to.stream, &c);
    }
    if from.gathered {
        from.gathered = false;
        let _ = to.agent.end_of_remote_candidates(now, to.stream);
    }
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
    let creds_a = a.agent.local_credentials().clone();
    let creds_b = b.agent.local_credentials().clone();
    let now = Instant::now();
    a.agent
        .set_remote_credentials(now, Credentials::new(&creds_b.ufrag, &creds_b.pwd));
    b.agent
        .set_remote_credentials(now, Credentials::new(&creds_a.ufrag, &creds_a.pwd));
    a.agent.gather(now);
    b.agent.gather(now);
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
            log.observe(at, side.name, &side.agent);
            side.events(now, at, log);
            if side.agent.state() == ConnectionState::Failed {
                return Err(format!("{} failed", side.name));
            }
        }
        signal(a, b, now, log);
        signal(b, a, now, log);
        // B echoes what it gets; A counts the echoes.
        for data in b.inbox.drain(..) {
            if let Ok(t) = b.agent.send(b.stream, 1, &data) {
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
                    let t = a
                        .agent
                        .send(a.stream, 1, msg.as_bytes())
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
        a.sockets.send_all(&mut a.agent);
        b.sockets.send_all(&mut b.agent);
        wait(a, b, now);
    }
    Ok(())
}

/// Consent checks sent and responses received on the selected pair of `side`.
fn consent(side: &Side) -> (u64, u64) {
    side.agent
        .selected_pair(side.stream, 1)
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
    let next = [a.agent.poll_timeout(), b.agent.poll_timeout()]
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
    let checks = |s: &Side| -> u64 { s.agent.pairs().iter().map(|p| p.stats.requests_sent).sum() };
    let (sa, sb) = (a.sockets.stats(), b.sockets.stats());
    let relayed = server.map(|s| (s.relayed_to_peer, s.relayed_to_client));
    let selected = |s: &Side| {
        s.agent
            .selected_pair(s.stream, 1)
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
