//! `floe ice peer`: one floe-ice agent over real UDP sockets on loopback that speaks the JSON
//! signalling of `../shared/peers/README.md`, as `aioice_peer.py` does, so that
//! `ice_pair.sh` can run it against aioice or against itself.
//!
//! The run, all of it under one `--timeout` deadline:
//! 1. gather: host candidates on 127.0.0.1 (and ::1 with `--ipv6`; the namespace's lab
//!    addresses with `--lab`), server-reflexive ones from `--stun`, relayed ones from `--turn`
//!    (only those with `--relay-only`);
//! 2. write the own description (`--local FILE` through `FILE.tmp` and a rename, or one line
//!    on stdout with `--stdio`) and read the other side's (the `--remote` file, polled every
//!    50 ms, or one line from stdin), while answering checks that already arrive;
//! 3. apply its credentials and candidates and run the checks until a pair is selected;
//! 4. data: controlling sends `ping 0` .. `ping N-1` and waits up to 2 s for each echo, then
//!    `bye`; controlled echoes every datagram until `bye`, `--echo-max` or the deadline;
//! 5. print the result line (JSON) and exit 0 when `ok`, 1 otherwise (2 for usage errors).
//!
//! The loop is the one of `floe ice demo`: timers, then [`AgentSockets::receive`], then
//! [`AgentSockets::send_all`], sleeping at most a millisecond between turns.

mod lab;
mod sdp;
mod signal;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use core::time::Duration;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{ArgGroup, Args, ValueEnum};
use floe_cli::sockets::{AgentSockets, pause};
use floe_ice::{
    CandidateInfo, ConnectionState, Credentials, IceAgent, IceConfig, IceEvent, Role, StreamId,
    Transport, TurnServer,
};
use floe_ice_candidate::Candidate;
use serde_json::{Value, json};

use self::signal::{Inbox, RemoteDescription, allowed, candidate_line};
use crate::input::usage_error;

/// How long the controlling side waits for each echo (aioice_peer.py: 2 s, no retransmission).
const ECHO_WAIT: Duration = Duration::from_secs(2);
/// Most application datagrams kept before they are echoed (they wait while the controlled side
/// has no selected pair yet).
const MAX_QUEUED: usize = 1024;

/// The ICE role of `--role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PeerRole {
    /// Nominates and sends the pings.
    Controlling,
    /// Follows the nominations and echoes.
    Controlled,
}

impl PeerRole {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Controlling => "controlling",
            Self::Controlled => "controlled",
        }
    }
}

/// Arguments of `floe ice peer` (the command line of `../shared/peers/README.md`).
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mode").args(["local", "stdio", "sdp"])))]
pub(crate) struct PeerArgs {
    /// The ICE role; the controlling side nominates and sends the pings (not with --sdp: the
    /// offer/answer exchange decides).
    #[arg(
        long,
        value_enum,
        required_unless_present = "sdp",
        conflicts_with = "sdp"
    )]
    role: Option<PeerRole>,
    /// SDP mode: offer/answer and trickled candidates on stdio as JSON lines in the W3C shapes
    /// (`{"type":"offer","sdp":..}`, `{"type":"candidate","candidate":..,"sdpMid":..}`), as a
    /// browser's signaling carries them; one data channel section; ends once ICE is connected.
    #[arg(long, requires = "sdp_side")]
    sdp: bool,
    /// SDP mode: write the offer.
    #[arg(long, group = "sdp_side", requires = "sdp")]
    offer: bool,
    /// SDP mode: answer the other side's offer.
    #[arg(long, group = "sdp_side", requires = "sdp")]
    answer: bool,
    /// SDP mode: stay connected this many seconds after ICE connected (consent keeps the
    /// pair), failing if it disconnects.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0, requires = "sdp")]
    hold: f64,
    /// File mode: write the own description to FILE (through FILE.tmp and a rename).
    #[arg(long, value_name = "FILE", requires = "remote")]
    local: Option<PathBuf>,
    /// File mode: read the other side's description from FILE (polled every 50 ms).
    #[arg(long, value_name = "FILE", requires = "local")]
    remote: Option<PathBuf>,
    /// Stdio mode: the own description is the first line on stdout, the other side's the
    /// first line on stdin.
    #[arg(long, conflicts_with_all = ["local", "remote"])]
    stdio: bool,
    /// Overall deadline in seconds for gathering, signalling, checks and the data phase.
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0)]
    timeout: f64,
    /// Log progress on stderr (stdout is never affected).
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Also gather a server-reflexive candidate from this STUN server (loopback only).
    #[arg(long, value_name = "HOST:PORT")]
    stun: Option<String>,
    /// Also gather a relayed candidate from this TURN server (loopback only).
    #[arg(long, value_name = "HOST:PORT")]
    turn: Option<String>,
    /// How to reach the TURN server: udp, or tcp (RFC 8656 §3.1; the relayed candidate is UDP
    /// toward the peer either way).
    #[arg(long, value_name = "udp|tcp", default_value = "udp", value_parser = ["udp", "tcp"])]
    turn_transport: String,
    /// TURN username (long-term credentials).
    #[arg(long, value_name = "USER", default_value = "alice")]
    turn_user: String,
    /// TURN password (long-term credentials).
    #[arg(
        long,
        value_name = "PASSWORD",
        default_value = "secret",
        alias = "turn-password"
    )]
    turn_pass: String,
    /// Gather and offer only relayed candidates (needs --turn).
    #[arg(long, requires = "turn")]
    relay_only: bool,
    /// Also bind ::1 for a host candidate.
    #[arg(long)]
    ipv6: bool,
    /// Inside a lab network namespace (natlab.sh) only: host candidates on its addresses in
    /// 198.18.0.0/15, 198.51.100.0/24 and 203.0.113.0/24 instead of loopback, and servers and
    /// candidates accepted there too. Refuses to run in a namespace with other addresses.
    #[arg(long, conflicts_with = "ipv6")]
    lab: bool,
    /// A host candidate on this address (repeatable) instead of the defaults: loopback
    /// addresses, or with --lab addresses of this lab namespace.
    #[arg(long = "host", value_name = "ADDR", conflicts_with = "ipv6")]
    hosts: Vec<IpAddr>,
    /// The agent's ice-ufrag instead of a random one (4 to 256 ice-chars, RFC 8839 §5.4).
    #[arg(long, value_name = "UFRAG", requires = "pwd")]
    ufrag: Option<String>,
    /// The agent's ice-pwd instead of a random one (22 to 256 ice-chars).
    #[arg(long, value_name = "PWD", requires = "ufrag")]
    pwd: Option<String>,
    /// Controlling: how many `ping <i>` datagrams to send and expect echoed.
    #[arg(long, value_name = "N", default_value_t = 3)]
    ping: u32,
    /// Controlled: most datagrams to echo.
    #[arg(long, value_name = "N", default_value_t = 100)]
    echo_max: u32,
}

/// The verbose log on stderr: `[role] +SECONDS message`.
#[derive(Debug, Clone, Copy)]
struct Log {
    on: bool,
    /// `-vv`: the pair table every 500 ms while connecting.
    pairs: bool,
    /// The role, or the side in SDP mode.
    name: &'static str,
    start: Instant,
}

impl Log {
    fn say(&self, msg: &str) {
        if self.on {
            let t = self.start.elapsed().as_secs_f64();
            eprintln!("[{}] +{t:.3}s floe ice peer: {msg}", self.name);
        }
    }
}

/// Runs `floe ice peer`: prints the result line, exits 0 on success, 1 on failure.
pub(crate) fn run(args: &PeerArgs) -> ExitCode {
    let start = Instant::now();
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 86_400.0) {
        return usage_error("--timeout: seconds, more than 0 and at most 86400");
    }
    let servers = (
        args.stun
            .as_deref()
            .map(|v| signal::parse_server("--stun", v))
            .transpose(),
        args.turn
            .as_deref()
            .map(|v| signal::parse_server("--turn", v))
            .transpose(),
    );
    let (stun, turn) = match servers {
        (Ok(s), Ok(t)) => (s, t),
        (Err(e), _) | (_, Err(e)) => return usage_error(&e),
    };
    let credentials = match (&args.ufrag, &args.pwd) {
        (Some(ufrag), Some(pwd)) => {
            let c = Credentials::new(ufrag, pwd);
            if let Err(e) = c.check() {
                return usage_error(&format!("--ufrag/--pwd: {e}"));
            }
            Some(c)
        }
        _ => None,
    };
    let side = if args.offer {
        sdp::Side::Offer
    } else {
        sdp::Side::Answer
    };
    let name = match (args.sdp, side, args.role) {
        (true, sdp::Side::Offer, _) => "offer",
        (true, sdp::Side::Answer, _) => "answer",
        (false, _, Some(role)) => role.as_str(),
        (false, _, None) => return usage_error("--role is required without --sdp"),
    };
    if !args.sdp && args.local.is_none() && !args.stdio {
        return usage_error("one of --local FILE --remote FILE, --stdio or --sdp is required");
    }
    if !(args.hold.is_finite() && args.hold >= 0.0) {
        return usage_error("--hold: seconds, 0 or more");
    }
    let log = Log {
        on: args.verbose > 0,
        pairs: args.verbose > 1,
        name,
        start,
    };
    let deadline = start + Duration::from_secs_f64(args.timeout);
    if args.sdp {
        let line = sdp::run(args, side, (stun, turn), credentials, log, deadline).unwrap_or_else(
            |error| {
                log.say(&format!("FAILED: {error}"));
                json!({"type": "result", "ok": false, "impl": "floe", "error": error})
            },
        );
        let _ = signal::print_line(&line.to_string());
        return if line["ok"] == true {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let role = args.role.unwrap_or(PeerRole::Controlling);
    let mut pairs = None;
    let result = match Peer::new(args, stun, turn, credentials, log) {
        Ok(mut peer) => {
            let r = peer.exchange(args, start, deadline);
            if r.is_err() && log.on {
                pairs = Some(peer.pair_table());
            }
            peer.agent.close();
            peer.sockets.send_all(&mut peer.agent);
            r
        }
        Err(e) => Err(e),
    };
    let line = match result {
        Ok(fields) => fields,
        Err(error) => {
            log.say(&format!("FAILED: {error}"));
            if let Some(pairs) = &pairs {
                log.say(&format!("pairs at the end:\n{pairs}"));
            }
            json!({"ok": false, "role": role.as_str(), "impl": "floe",
                   "error": error.replace('\n', " ")})
        }
    };
    let ok = line["ok"] == true;
    // The other side may be gone (stdio); the exit code still tells.
    let _ = signal::print_line(&line.to_string());
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The agent, its sockets and what the run has seen.
#[derive(Debug)]
struct Peer {
    agent: IceAgent,
    stream: StreamId,
    sockets: AgentSockets,
    /// Local candidates in the order gathered.
    locals: Vec<Candidate<'static>>,
    gathered: bool,
    /// Application datagrams received and not yet consumed.
    data: VecDeque<Vec<u8>>,
    log: Log,
    /// When the pair table was last logged (`-vv`).
    table_at: Option<Instant>,
}

impl Peer {
    /// The agent with its sockets and servers; nothing sent yet.
    fn new(
        args: &PeerArgs,
        stun: Option<SocketAddr>,
        turn: Option<SocketAddr>,
        credentials: Option<Credentials>,
        log: Log,
    ) -> Result<Self, String> {
        for server in stun.iter().chain(turn.iter()) {
            if !allowed(server.ip(), args.lab) {
                return Err(format!(
                    "refusing server {server} (loopback only; --lab adds the lab ranges)"
                ));
            }
        }
        let role = match args.role {
            Some(PeerRole::Controlled) => Role::Controlled,
            _ => Role::Controlling,
        };
        let mut config = IceConfig::new(role);
        config.relay_only = args.relay_only;
        config.local_credentials = credentials;
        config.software = Some(concat!("floe ", env!("CARGO_PKG_VERSION")).to_owned());
        let mut agent = IceAgent::new(config, Instant::now());
        let stream = agent.add_stream(1).map_err(|e| e.to_string())?;
        let ips = host_ips(args)?;
        let sockets =
            AgentSockets::bind(&ips).map_err(|e| format!("cannot bind UDP on {ips:?}: {e}"))?;
        for &addr in sockets.local_addrs() {
            agent
                .add_local_address(stream, 1, addr)
                .map_err(|e| e.to_string())?;
        }
        add_servers(&mut agent, args, stun, turn);
        log.say(&format!(
            "sockets on {:?}, stun {stun:?}, turn {turn:?}{}",
            sockets.local_addrs(),
            if args.relay_only { ", relay only" } else { "" }
        ));
        Ok(Self {
            agent,
            stream,
            sockets,
            locals: Vec::new(),
            gathered: false,
            data: VecDeque::new(),
            log,
            table_at: None,
        })
    }

    /// Everything between the sockets being bound and the result line: the fields of a
    /// successful result, or the reason of the failure.
    fn exchange(
        &mut self,
        args: &PeerArgs,
        start: Instant,
        deadline: Instant,
    ) -> Result<Value, String> {
        // 1. Gather.
        self.agent.gather(Instant::now());
        self.until(deadline, |p, _| Ok(p.gathered.then_some(())))?
            .ok_or("TimeoutError: gathering did not finish in time")?;
        let t_gather = start.elapsed();
        if self.locals.is_empty() {
            return Err("no local candidate was gathered".into());
        }
        let lines: Vec<String> = self.locals.iter().map(candidate_line).collect();
        let creds = self.agent.local_credentials().clone();
        let role = args.role.unwrap_or(PeerRole::Controlling).as_str();
        let local = signal::local_description(&creds.ufrag, &creds.pwd, role, &lines);
        self.log.say(&format!("local description: {local}"));

        // 2. Signal.
        let mut inbox = if let (Some(path), Some(remote)) = (&args.local, &args.remote) {
            let text = serde_json::to_string_pretty(&local).map_err(|e| e.to_string())?;
            signal::write_file(path, &text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Inbox::file(remote.clone(), Instant::now())
        } else {
            signal::print_line(&local.to_string())
                .map_err(|e| format!("cannot write the description on stdout: {e}"))?;
            Inbox::stdin()
        };
        let text = self
            .until(deadline, |_, now| inbox.poll(now))?
            .ok_or_else(|| format!("TimeoutError: {} in time", inbox.what()))?;
        let remote = signal::parse_remote(&text, |ip| allowed(ip, args.lab))?;
        self.log
            .say(&format!("remote description: {}", text.trim_end()));
        self.apply(&remote);

        // 3. Connect.
        self.until(deadline, |p, _| match p.agent.state() {
            ConnectionState::Connected => Ok(Some(())),
            ConnectionState::Failed => Err("ICE failed: no pair was selected".to_owned()),
            _ => Ok(None),
        })?
        .ok_or("TimeoutError: ICE did not connect in time")?;
        let t_connect = start.elapsed();
        let selected = self.selected_pair(&remote).ok_or("no selected pair")?;
        self.log
            .say(&format!("connected, selected pair {selected}"));

        // 4. Data.
        let echoed = match args.role.unwrap_or(PeerRole::Controlling) {
            PeerRole::Controlling => self.ping(args.ping, deadline)?,
            PeerRole::Controlled => self.echo(args.echo_max, deadline)?,
        };
        self.log
            .say(&format!("data phase done, {echoed} datagrams echoed"));
        Ok(json!({
            "ok": true,
            "role": role,
            "impl": "floe",
            "floe_version": env!("CARGO_PKG_VERSION"),
            "local_ufrag": creds.ufrag,
            "local_candidates": lines,
            "selected_pair": selected,
            "datagrams_echoed": echoed,
            "t_gather_s": round_ms(t_gather),
            "t_connect_s": round_ms(t_connect),
        }))
    }

    /// The other side's credentials, ICE-lite flag, candidates and end-of-candidates.
    fn apply(&mut self, remote: &RemoteDescription) {
        let now = Instant::now();
        self.agent.set_remote_lite(remote.lite);
        self.agent
            .set_remote_credentials(now, Credentials::new(&remote.ufrag, &remote.pwd));
        for c in &remote.candidates {
            // Not UDP, another component: not ours to pair (aioice skips them too).
            if let Err(e) = self.agent.add_remote_candidate(now, self.stream, c) {
                self.log.say(&format!("ignoring remote candidate {c}: {e}"));
            }
        }
        if remote.end_of_candidates {
            let _ = self.agent.end_of_remote_candidates(now, self.stream);
        }
    }

    /// Controlling: `ping 0` .. `ping n-1`, each echoed within 2 s, then `bye`.
    fn ping(&mut self, n: u32, deadline: Instant) -> Result<u32, String> {
        // `--ping 0`: no data phase at all (aioice_peer.py sends no `bye` either).
        if n == 0 {
            return Ok(0);
        }
        for i in 0..n {
            let msg = format!("ping {i}");
            self.send(msg.as_bytes())?;
            let wait = deadline.min(Instant::now() + ECHO_WAIT);
            let back = self
                .until(wait, |p, _| Ok(p.data.pop_front()))?
                .ok_or_else(|| format!("TimeoutError: no echo of {msg:?} within 2 s"))?;
            if back != msg.as_bytes() {
                return Err(format!(
                    "echo mismatch {:?} != {msg:?}",
                    String::from_utf8_lossy(&back)
                ));
            }
        }
        self.send(b"bye")?;
        Ok(n)
    }

    /// Controlled: echoes every datagram (also those that came before the pair was selected)
    /// until `bye`, `max` echoes or the deadline.
    fn echo(&mut self, max: u32, deadline: Instant) -> Result<u32, String> {
        let mut echoed = 0;
        while echoed < max {
            let Some(data) = self.until(deadline, |p, _| Ok(p.data.pop_front()))? else {
                self.log.say("deadline reached without bye");
                break;
            };
            if data == b"bye" {
                break;
            }
            self.send(&data)?;
            echoed += 1;
        }
        Ok(echoed)
    }

    /// Sends application data on the selected pair.
    fn send(&mut self, data: &[u8]) -> Result<(), String> {
        let t = self
            .agent
            .send(self.stream, 1, data)
            .map_err(|e| format!("send: {e}"))?;
        self.sockets.send(&t);
        Ok(())
    }

    /// Turns the loop until `done` says `Some` (its value), returns an error, or `deadline`
    /// passes (`None`). An agent that fails is an error.
    fn until<T>(
        &mut self,
        deadline: Instant,
        mut done: impl FnMut(&mut Self, Instant) -> Result<Option<T>, String>,
    ) -> Result<Option<T>, String> {
        loop {
            let now = Instant::now();
            self.turn(now)?;
            if let Some(v) = done(self, now)? {
                self.sockets.send_all(&mut self.agent);
                return Ok(Some(v));
            }
            if self.agent.state() == ConnectionState::Failed {
                return Err("ICE failed".into());
            }
            if now >= deadline {
                return Ok(None);
            }
            let next = self
                .agent
                .poll_timeout()
                .map_or(deadline, |t| t.min(deadline));
            pause(now, Some(next));
        }
    }

    /// One turn: timers, the network, what the agent wants to send, its events.
    fn turn(&mut self, now: Instant) -> Result<(), String> {
        let data = &mut self.data;
        self.sockets
            .turn(&mut self.agent, now, |_, d| {
                if data.len() < MAX_QUEUED {
                    data.push_back(d.to_vec());
                }
            })
            .map_err(|e| format!("receive: {e}"))?;
        self.events(now);
        self.sockets.send_all(&mut self.agent);
        if self.log.pairs
            && self.agent.state() == ConnectionState::Checking
            && self
                .table_at
                .is_none_or(|t| now.duration_since(t) >= Duration::from_millis(500))
        {
            self.table_at = Some(now);
            self.log.say(&format!("pairs:\n{}", self.pair_table()));
        }
        Ok(())
    }

    /// Keeps the local candidates and notes the end of gathering; opens and closes the TURN
    /// streams the agent asks for; logs the rest.
    fn events(&mut self, now: Instant) {
        while let Some(e) = self.agent.poll_event() {
            if self.sockets.handle_event(&mut self.agent, now, &e) {
                self.log.say(&format!("{e:?}"));
                continue;
            }
            match e {
                IceEvent::LocalCandidate { candidate, .. } => {
                    self.log
                        .say(&format!("gathered {}", candidate_line(&candidate)));
                    self.locals.push(candidate);
                }
                IceEvent::GatheringComplete { .. } => {
                    self.log.say("gathering complete");
                    self.gathered = true;
                }
                IceEvent::SelectedPair { local, remote, .. } => {
                    self.log.say(&format!("selected pair {local} -> {remote}"));
                }
                IceEvent::ConnectionStateChanged { state } => {
                    self.log.say(&format!("state {state:?}"));
                }
                IceEvent::RelayFailed { server, reason, .. } => {
                    self.log.say(&format!("TURN server {server}: {reason}"));
                }
                other => self.log.say(&format!("{other:?}")),
            }
        }
    }

    /// Every pair, one line each (for the verbose log of a failed run): local and remote
    /// candidate types and addresses, state, valid/nominated, checks sent and answered.
    fn pair_table(&self) -> String {
        let kind = |id| {
            self.agent
                .candidate_info(id)
                .map_or("?", |c| c.kind.as_str())
        };
        let mut out = String::new();
        for p in self.agent.pairs() {
            out.push_str(&format!(
                "  {} {} -> {} {}: {:?}{}{}, checks sent {} answered {}, received {} answered {}\n",
                kind(p.local_candidate),
                p.local,
                kind(p.remote_candidate),
                p.remote,
                p.state,
                if p.valid { " valid" } else { "" },
                if p.nominated { " nominated" } else { "" },
                p.stats.requests_sent,
                p.stats.responses_received,
                p.stats.requests_received,
                p.stats.responses_sent,
            ));
        }
        out
    }

    /// The selected pair for the result line: `local` and `remote` candidate lines, and
    /// `remote_addr` as `[ip, port]`.
    fn selected_pair(&self, remote: &RemoteDescription) -> Option<Value> {
        let pair = self.agent.selected_pair(self.stream, 1)?;
        let line = |id, known: &[Candidate<'static>]| {
            let info = self.agent.candidate_info(id)?;
            Some(describe(&info, known))
        };
        Some(json!({
            "local": line(pair.local_candidate, &self.locals)?,
            "remote": line(pair.remote_candidate, &remote.candidates)?,
            "remote_addr": [pair.remote.ip().to_string(), pair.remote.port()],
        }))
    }
}

/// The addresses of the host candidates: `--host`, else loopback (and ::1 with `--ipv6`), or
/// with `--lab` the lab namespace's addresses.
fn host_ips(args: &PeerArgs) -> Result<Vec<IpAddr>, String> {
    Ok(if args.lab {
        let lab = lab::host_addresses()?;
        if let Some(other) = args.hosts.iter().find(|ip| !lab.contains(ip)) {
            return Err(format!(
                "--host {other}: not an address of this lab namespace ({lab:?})"
            ));
        }
        if args.hosts.is_empty() {
            lab
        } else {
            args.hosts.clone()
        }
    } else if !args.hosts.is_empty() {
        if let Some(other) = args.hosts.iter().find(|ip| !ip.is_loopback()) {
            return Err(format!(
                "--host {other}: loopback only (--lab adds the lab namespace's addresses)"
            ));
        }
        args.hosts.clone()
    } else if args.ipv6 {
        vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]
    } else {
        vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]
    })
}

/// The STUN and TURN servers of `--stun` and `--turn`.
fn add_servers(
    agent: &mut IceAgent,
    args: &PeerArgs,
    stun: Option<SocketAddr>,
    turn: Option<SocketAddr>,
) {
    if let Some(s) = stun {
        agent.add_stun_server(s);
    }
    if let Some(t) = turn {
        let transport = if args.turn_transport == "tcp" {
            Transport::Tcp
        } else {
            Transport::Udp
        };
        agent.add_turn_server(
            TurnServer::new(t, &args.turn_user, &args.turn_pass).with_transport(transport),
        );
    }
}

/// The line of a candidate the agent knows: the signalled one with its address and type, else
/// (peer-reflexive) one built from what the agent learned.
fn describe(info: &CandidateInfo, known: &[Candidate<'static>]) -> String {
    if let Some(c) = known
        .iter()
        .find(|c| c.socket_addr() == Some(info.address) && c.kind() == info.kind)
    {
        return candidate_line(c);
    }
    Candidate::builder(info.kind, info.address.ip(), info.address.port())
        .priority(info.priority)
        .build()
        .map_or_else(
            |_| format!("{} {}", info.kind.as_str(), info.address),
            |c| candidate_line(&c),
        )
}

/// Seconds with three decimals, as aioice_peer.py reports them.
fn round_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}
