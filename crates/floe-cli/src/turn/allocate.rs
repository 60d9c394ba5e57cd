//! `floe turn allocate`: one allocation taken through its whole life against a real server.

use core::fmt::Write as _;
use core::net::SocketAddr;
use core::time::Duration;
use std::net::ToSocketAddrs as _;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use floe_cli::sockets::{ClientDriver, Seen};
use floe_turn::{AddressFamily, Client, ClientConfig, Transport, TurnEvent};
use serde_json::{Value, json};

use crate::input::{EXIT_FAILED, usage_error};

/// Arguments of `floe turn allocate`.
#[derive(Debug, Args)]
pub(crate) struct AllocateArgs {
    /// The TURN server: an address or a host name, with a port or without (3478, RFC 8656
    /// §3.1). A name is resolved and its first IPv4 address used (else its first address).
    #[arg(long, value_name = "HOST[:PORT]")]
    server: String,
    /// Long-term credential username.
    #[arg(long)]
    user: String,
    /// Long-term credential password.
    #[arg(long)]
    password: String,
    /// Refuse a server that announces another realm.
    #[arg(long)]
    realm: Option<String>,
    /// A peer that echoes UDP datagrams: permission, channel and data both ways are tested.
    /// Without it those four steps are skipped, and the output says so.
    #[arg(long)]
    peer: Option<SocketAddr>,
    /// Talk to the server over TCP instead of UDP.
    #[arg(long)]
    tcp: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Seconds to wait for each step.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
}

/// The default TURN port over UDP and TCP (RFC 8656 §3.1).
const DEFAULT_PORT: u16 = 3478;

/// The steps that need `--peer`, in order.
const PEER_STEPS: [&str; 4] = [
    "permission",
    "send-indication",
    "channel-bind",
    "channel-data",
];

/// Why the peer steps are skipped without `--peer`.
const NO_PEER: &str = "needs --peer, an address that echoes UDP datagrams";

/// One step and how it went.
#[derive(Debug)]
struct Step {
    name: &'static str,
    /// `None` when the step was skipped (`detail` says why).
    ok: Option<bool>,
    ms: u128,
    detail: String,
}

/// `--server`: `IP:PORT`, `[IPv6]:PORT`, an IP alone, or a host name with or without a port,
/// resolved; the first IPv4 address is preferred, as most TURN servers are reached over IPv4.
fn resolve_server(server: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = server.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let bare = server.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<core::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, DEFAULT_PORT));
    }
    let (host, port) = match server.rsplit_once(':') {
        Some((host, port)) => {
            let port = port
                .parse::<u16>()
                .map_err(|_| format!("--server {server}: bad port {port:?}"))?;
            (host, port)
        }
        None => (server, DEFAULT_PORT),
    };
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("--server {server}: cannot resolve {host}: {e}"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| addrs.first())
        .copied()
        .ok_or_else(|| format!("--server {server}: {host} has no address"))
}

/// A client driven over its socket, and a record of the steps.
struct Session {
    driver: ClientDriver,
    step_timeout: Duration,
    steps: Vec<Step>,
}

impl Session {
    /// Drives the client until `pick` accepts an event or peer data, a failure event arrives,
    /// or the step times out.
    fn wait_for<T>(
        &mut self,
        what: &str,
        pick: impl FnMut(Seen<'_>) -> Option<T>,
    ) -> Result<T, String> {
        self.driver
            .wait_for_seen(self.step_timeout, pick)
            .map_err(|e| format!("{what}: {e}"))
    }

    /// [`Session::wait_for`] an event.
    fn wait_event<T>(
        &mut self,
        what: &str,
        pick: impl FnMut(&TurnEvent) -> Option<T>,
    ) -> Result<T, String> {
        self.driver
            .wait_for(self.step_timeout, pick)
            .map_err(|e| format!("{what}: {e}"))
    }

    /// The client.
    fn client(&mut self) -> &mut Client {
        &mut self.driver.client
    }

    /// Runs one step and records it; `false` stops the run.
    fn step(
        &mut self,
        name: &'static str,
        f: impl FnOnce(&mut Self) -> Result<String, String>,
    ) -> bool {
        let t0 = Instant::now();
        let r = f(self);
        let ms = t0.elapsed().as_millis();
        let ok = r.is_ok();
        let detail = r.unwrap_or_else(|e| e);
        self.steps.push(Step {
            name,
            ok: Some(ok),
            ms,
            detail,
        });
        ok
    }

    /// Records a step that was not run, and why.
    fn skip(&mut self, name: &'static str, why: &str) {
        self.steps.push(Step {
            name,
            ok: None,
            ms: 0,
            detail: why.to_owned(),
        });
    }
}

/// Sends `payload` to `peer` and waits for the same bytes back from it.
fn echo(
    s: &mut Session,
    peer: SocketAddr,
    payload: &[u8],
    channel: bool,
) -> Result<String, String> {
    s.driver
        .send_to(peer, payload)
        .map_err(|e| format!("send: {e}"))?;
    s.wait_for("echo", |seen| match seen {
        Seen::Data(r) if r.peer == peer && r.data == payload => Some(r.via_channel),
        _ => None,
    })
    .and_then(|via| {
        if via == channel {
            Ok(format!("{} bytes back from {peer}", payload.len()))
        } else {
            Err(format!(
                "echo came back via_channel={via}, expected {channel}"
            ))
        }
    })
}

/// Runs `floe turn allocate`.
pub(crate) fn run(args: &AllocateArgs) -> ExitCode {
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return usage_error("--timeout must be a positive number of seconds");
    }
    let server = match resolve_server(&args.server) {
        Ok(addr) => addr,
        Err(e) => return usage_error(&e),
    };
    let mut cfg = ClientConfig::new(server, &args.user, &args.password);
    cfg.realm.clone_from(&args.realm);
    // The relayed address must be of the peer's family (RFC 8656 §7.1; IPv4 is the default).
    let target = args.peer.unwrap_or(server);
    if target.is_ipv6() {
        cfg.family = Some(AddressFamily::IPV6);
    }
    cfg.software = Some(concat!("floe ", env!("CARGO_PKG_VERSION")).to_owned());
    if args.tcp {
        cfg.transport = Transport::Tcp;
    }
    let mut summary =
        json!({ "server": server.to_string(), "transport": if args.tcp { "tcp" } else { "udp" } });
    if args.server != server.to_string() {
        summary["server_name"] = json!(args.server);
    }
    let t0 = Instant::now();
    let driver = match ClientDriver::connect(cfg) {
        Ok(d) => d,
        Err(e) => {
            // The server refused the connection (TCP): a failed exchange, not a usage error.
            let step = Step {
                name: "connect",
                ok: Some(false),
                ms: t0.elapsed().as_millis(),
                detail: format!("cannot reach {server}: {e}"),
            };
            report(args.json, false, &[step], summary);
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let mut s = Session {
        driver,
        step_timeout: Duration::from_secs_f64(args.timeout),
        steps: Vec::new(),
    };
    let all_ok = exercise(&mut s, args.peer, &mut summary);
    report(args.json, all_ok, &s.steps, summary);
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

/// The steps: allocate, [permission, indication echo, channel, channel echo], refresh, delete.
fn exercise(s: &mut Session, peer: Option<SocketAddr>, summary: &mut Value) -> bool {
    let mut allocated = None;
    let ok = s.step("allocate", |s| {
        s.client()
            .allocate(Instant::now())
            .map_err(|e| e.to_string())?;
        let (relayed, mapped, lifetime) = s.wait_event("allocate", |e| match e {
            TurnEvent::Allocated {
                relayed,
                mapped,
                lifetime,
                ..
            } => Some((*relayed, *mapped, *lifetime)),
            _ => None,
        })?;
        allocated = Some((relayed, mapped, lifetime));
        Ok(format!(
            "relayed {relayed} mapped {} lifetime {}s",
            mapped.map_or_else(|| "-".to_owned(), |m| m.to_string()),
            lifetime.as_secs()
        ))
    });
    if let Some((relayed, mapped, lifetime)) = allocated {
        summary["relayed"] = json!(relayed.to_string());
        summary["mapped"] = json!(mapped.map(|m| m.to_string()));
        summary["lifetime"] = json!(lifetime.as_secs());
    }
    if !ok {
        return false;
    }
    if let Some(peer) = peer {
        let steps_ok = s.step("permission", |s| {
            s.client()
                .create_permission(Instant::now(), peer.ip())
                .map_err(|e| e.to_string())?;
            s.wait_event("permission", |e| {
                matches!(e, TurnEvent::PermissionCreated { peer: p } if *p == peer.ip())
                    .then_some(())
            })?;
            Ok(format!("permission for {}", peer.ip()))
        }) && s.step("send-indication", |s| {
            echo(s, peer, b"floe turn allocate: via send indication", false)
        }) && s.step("channel-bind", |s| {
            let n = s
                .client()
                .bind_channel(Instant::now(), peer)
                .map_err(|e| e.to_string())?;
            s.wait_event("channel-bind", |e| {
                matches!(e, TurnEvent::ChannelBound { peer: p, .. } if *p == peer).then_some(())
            })?;
            Ok(format!("channel {n:#06x} to {peer}"))
        }) && s.step("channel-data", |s| {
            echo(s, peer, b"floe turn allocate: via channel data", true)
        });
        if !steps_ok {
            close_quietly(s);
            return false;
        }
    } else {
        for name in PEER_STEPS {
            s.skip(name, NO_PEER);
        }
    }
    let ok = s.step("refresh", |s| {
        s.client()
            .refresh(Instant::now())
            .map_err(|e| e.to_string())?;
        let lifetime = s.wait_event("refresh", |e| match e {
            TurnEvent::Refreshed { lifetime } => Some(*lifetime),
            _ => None,
        })?;
        Ok(format!("lifetime {}s", lifetime.as_secs()))
    });
    if !ok {
        close_quietly(s);
        return false;
    }
    s.step("delete", |s| {
        s.client()
            .close(Instant::now())
            .map_err(|e| e.to_string())?;
        s.wait_event("delete", |e| matches!(e, TurnEvent::Closed).then_some(()))?;
        Ok("allocation deleted".to_owned())
    })
}

/// Deletes the allocation after a failed step, so the server does not keep it for 10 min.
fn close_quietly(s: &mut Session) {
    if s.client().close(Instant::now()).is_ok() {
        s.step_timeout = s.step_timeout.min(Duration::from_secs(2));
        let _ = s.wait_event("delete", |e| matches!(e, TurnEvent::Closed).then_some(()));
    }
}

/// Prints the steps and the verdict. A run with skipped steps passes, and says which were
/// skipped and why.
fn report(as_json: bool, ok: bool, steps: &[Step], mut summary: Value) {
    let skipped: Vec<&str> = steps
        .iter()
        .filter(|s| s.ok.is_none())
        .map(|s| s.name)
        .collect();
    if as_json {
        summary["ok"] = json!(ok);
        summary["skipped"] = json!(skipped);
        summary["steps"] = steps
            .iter()
            .map(|s| {
                json!({
                    "step": s.name, "ok": s.ok, "skipped": s.ok.is_none(), "ms": s.ms,
                    "detail": s.detail,
                })
            })
            .collect();
        println!("{summary}");
        return;
    }
    let mut out = String::new();
    for s in steps {
        let mark = match s.ok {
            Some(true) => "ok  ",
            Some(false) => "FAIL",
            None => "skip",
        };
        let _ = writeln!(out, "{mark} {:<16} {:>5} ms  {}", s.name, s.ms, s.detail);
    }
    let verdict = if ok { "PASS" } else { "FAIL" };
    let _ = if skipped.is_empty() {
        writeln!(out, "TURN ALLOCATE: {verdict}")
    } else {
        let why = steps
            .iter()
            .find(|s| s.ok.is_none())
            .map_or("", |s| s.detail.as_str());
        writeln!(
            out,
            "TURN ALLOCATE: {verdict} ({} of {} steps run; skipped {}: {why})",
            steps.len() - skipped.len(),
            steps.len(),
            skipped.join(", ")
        )
    };
    print!("{out}");
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_PORT, resolve_server};

    #[test]
    fn server_addresses_names_and_default_port() {
        let at = |s: &str| resolve_server(s).map(|a| a.to_string());
        assert_eq!(at("192.0.2.1:5349").unwrap(), "192.0.2.1:5349");
        assert_eq!(
            at("192.0.2.1").unwrap(),
            format!("192.0.2.1:{DEFAULT_PORT}")
        );
        assert_eq!(
            at("[2001:db8::1]").unwrap(),
            format!("[2001:db8::1]:{DEFAULT_PORT}")
        );
        assert_eq!(at("[2001:db8::1]:9").unwrap(), "[2001:db8::1]:9");
        assert_eq!(at("localhost:7").unwrap(), "127.0.0.1:7");
        assert_eq!(
            at("localhost").unwrap(),
            format!("127.0.0.1:{DEFAULT_PORT}")
        );
        assert!(at("localhost:http").unwrap_err().contains("bad port"));
    }
}
