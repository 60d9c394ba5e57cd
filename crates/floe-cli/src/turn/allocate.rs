//! `floe turn allocate`: one allocation taken through its whole life against a real server.

use core::fmt::Write as _;
use core::net::SocketAddr;
use core::time::Duration;
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
    /// The TURN server (a loopback or other address and port).
    #[arg(long)]
    server: SocketAddr,
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

/// One step and how it went.
#[derive(Debug)]
struct Step {
    name: &'static str,
    ok: bool,
    ms: u128,
    detail: String,
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
            ok,
            ms,
            detail,
        });
        ok
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
    let mut cfg = ClientConfig::new(args.server, &args.user, &args.password);
    cfg.realm.clone_from(&args.realm);
    // The relayed address must be of the peer's family (RFC 8656 §7.1; IPv4 is the default).
    let target = args.peer.unwrap_or(args.server);
    if target.is_ipv6() {
        cfg.family = Some(AddressFamily::IPV6);
    }
    cfg.software = Some(concat!("floe ", env!("CARGO_PKG_VERSION")).to_owned());
    if args.tcp {
        cfg.transport = Transport::Tcp;
    }
    let driver = match ClientDriver::connect(cfg) {
        Ok(d) => d,
        Err(e) => return usage_error(&format!("cannot reach {}: {e}", args.server)),
    };
    let mut s = Session {
        driver,
        step_timeout: Duration::from_secs_f64(args.timeout),
        steps: Vec::new(),
    };
    let mut summary = json!({ "server": args.server.to_string(), "transport": if args.tcp { "tcp" } else { "udp" } });
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

fn report(as_json: bool, ok: bool, steps: &[Step], mut summary: Value) {
    if as_json {
        summary["ok"] = json!(ok);
        summary["steps"] = steps
            .iter()
            .map(|s| json!({ "step": s.name, "ok": s.ok, "ms": s.ms, "detail": s.detail }))
            .collect();
        println!("{summary}");
        return;
    }
    let mut out = String::new();
    for s in steps {
        let mark = if s.ok { "ok  " } else { "FAIL" };
        let _ = writeln!(out, "{mark} {:<16} {:>5} ms  {}", s.name, s.ms, s.detail);
    }
    let _ = writeln!(
        out,
        "{}",
        if ok {
            "TURN ALLOCATE: PASS"
        } else {
            "TURN ALLOCATE: FAIL"
        }
    );
    print!("{out}");
}
