//! NAT behaviour discovery (RFC 5780, issue 20) on real kernel NATs: `floe stun nat` in a host
//! namespace of `../shared/peers/natlab.sh`, for each NAT kind (`none`, `fc`, `rc`, `pr`,
//! `sym`), three runs each, against coturn (the lab's default server) and against
//! `floe stun serve --other-address` (a lab with `NATLAB_SERVER=none`, the server started in the
//! public namespace on coturn's addresses). Every run must classify its kind correctly and
//! finish a mapping + filtering run in under 2 s. On `pr` one more run measures the binding
//! lifetime (RESPONSE-PORT) against each server; both must bracket it the same way. When
//! coturn's `turnutils_natdiscovery` is installed, its verdict against `floe stun serve` must
//! match its verdict against coturn.
//!
//! One lab at a time: everything runs in the one test below, and [`Lab`] runs `natlab.sh down`
//! when dropped, also on a panic; the assertions come after every case ran. Needs root, so it is
//! `#[ignore]`d unless `.ci/interop.sh` runs it; without root or `ip netns` it says `SKIPPED:`,
//! and fails under `CI`. All traffic stays inside the lab's namespaces.

use core::time::Duration;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::Instant;

use floe_interop::{LAB_SERVER, Lab, Peers, floe_binary};
use serde_json::Value;

/// The lab's NAT kinds and what `floe stun nat` must say about each: mapping, filtering and
/// the classic name.
const KINDS: [(&str, &str, &str, &str); 5] = [
    ("none", "no-nat", "endpoint-independent", "open internet"),
    (
        "fc",
        "endpoint-independent",
        "endpoint-independent",
        "full cone",
    ),
    (
        "rc",
        "endpoint-independent",
        "address-dependent",
        "restricted cone",
    ),
    (
        "pr",
        "endpoint-independent",
        "address-and-port-dependent",
        "port-restricted cone",
    ),
    (
        "sym",
        "address-and-port-dependent",
        "address-and-port-dependent",
        "symmetric",
    ),
];

const RUNS: usize = 3;

/// The goal for a mapping + filtering run on the lab (no losses there).
const GOAL: Duration = Duration::from_secs(2);

/// What one `floe stun nat` run said.
#[derive(Debug)]
struct Run {
    verdict: (String, String, String),
    hairpinning: String,
    elapsed: f64,
    wall: f64,
    exit: Option<i32>,
    output: String,
}

fn field(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        Value::Null => format!("unknown ({})", v[format!("{key}_unknown")]),
        other => other.to_string(),
    }
}

/// `floe stun nat --json` in host 1's namespace, with `extra` arguments.
fn run_nat(floe: &str, extra: &[&str]) -> (Run, Value) {
    let start = Instant::now();
    let out = Command::new("ip")
        .args([
            "netns", "exec", "fl-h1", "timeout", "90", floe, "stun", "nat", LAB_SERVER,
        ])
        .args(["--json", "--timeout", "5"])
        .args(extra)
        .output()
        .expect("run floe stun nat in the lab");
    let wall = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let output = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    let run = Run {
        verdict: (
            field(&v, "mapping"),
            field(&v, "filtering"),
            field(&v, "nat_type"),
        ),
        hairpinning: field(&v, "hairpinning"),
        elapsed: v["elapsed_s"].as_f64().unwrap_or(f64::NAN),
        wall,
        exit: out.status.code(),
        output,
    };
    (run, v)
}

/// The binding-lifetime trials (RFC 5780 §4.6, RESPONSE-PORT) run once per server on `pr`:
/// Linux conntrack keeps a once-answered UDP flow 30 s, so they bracket it.
const LIFETIME_TRIALS: &str = "10,20,40";

/// The verdict lines of `turnutils_natdiscovery -m -f -H` in host 1's namespace, or `None` when
/// it is not installed.
fn natdiscovery() -> Option<Vec<String>> {
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            "fl-h1",
            "timeout",
            "60",
            "turnutils_natdiscovery",
        ])
        .args(["-m", "-f", "-H", "203.0.113.10"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    if text.contains("No such file") || text.contains("not found") {
        return None;
    }
    Some(
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("NAT ") || l.to_ascii_lowercase().contains("hairpin"))
            .filter(|l| !l.starts_with("-="))
            .map(str::to_owned)
            .collect(),
    )
}

/// `floe stun serve --other-address` in the lab's public segment on coturn's addresses, once
/// it says it is listening.
fn floe_serve(lab: &Lab, floe: &str) -> Child {
    let mut child = lab
        .exec_wan(floe)
        .args(["stun", "serve", "--listen", LAB_SERVER])
        .args(["--other-address", "203.0.113.20:3479"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start floe stun serve in the lab");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    let mut line = String::new();
    let _ = stderr.read_line(&mut line);
    assert!(
        line.contains("RFC 5780 other address"),
        "floe stun serve did not start: {line:?}"
    );
    thread::spawn(move || for _ in stderr.lines() {});
    child
}

fn have_natdiscovery() -> bool {
    Command::new("turnutils_natdiscovery")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[test]
#[ignore = "needs root and coturn: run .ci/interop.sh"]
fn nat_discovery_lab() {
    let Some(peers) = Peers::find(false) else {
        return;
    };
    let Some(floe) = floe_binary() else { return };
    let floe = floe.to_str().expect("a UTF-8 path").to_owned();
    if !Lab::available(&peers) {
        return;
    }
    let turnutils = have_natdiscovery();
    if !turnutils {
        eprintln!("turnutils_natdiscovery is not installed: its cross-check is left out");
    }
    let mut failed = Vec::new();
    let mut walls = Vec::new();
    let mut lifetimes = Vec::new();
    // (kind, server) -> turnutils_natdiscovery's verdict lines.
    let mut theirs: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for server in ["coturn", "floe stun serve"] {
        let coturn = server == "coturn";
        for (kind, mapping, filtering, classic) in KINDS {
            let lab = Lab::up(&peers, kind, "pr", coturn);
            let serve = (!coturn).then(|| floe_serve(&lab, &floe));
            for n in 1..=RUNS {
                let (r, _) = run_nat(&floe, &[]);
                let want = (mapping.to_owned(), filtering.to_owned(), classic.to_owned());
                let ok = r.verdict == want && r.exit == Some(0) && r.elapsed < GOAL.as_secs_f64();
                eprintln!(
                    "NATDISC {kind:4} via {server:15} run {n}: {} mapping {} / filtering {} / {} \
                     (hairpinning {}), run {:.3} s, process wall {:.3} s, exit {:?}",
                    if ok { "PASS" } else { "FAIL" },
                    r.verdict.0,
                    r.verdict.1,
                    r.verdict.2,
                    r.hairpinning,
                    r.elapsed,
                    r.wall,
                    r.exit
                );
                walls.push(r.elapsed);
                if !ok {
                    eprintln!("{}", r.output);
                    failed.push(format!("{kind} via {server} run {n}: {:?}", r.verdict));
                }
            }
            if kind == "pr" {
                let (r, v) = run_nat(&floe, &["--lifetime-trials", LIFETIME_TRIALS]);
                let l = &v["lifetime"];
                let (at_least, less_than) = (l["at_least_s"].as_u64(), l["less_than_s"].as_u64());
                let ok = r.exit == Some(0)
                    && at_least.is_some()
                    && less_than.is_some()
                    && at_least < less_than;
                eprintln!(
                    "NATDISC {kind:4} via {server:15} lifetime (trials {LIFETIME_TRIALS} s): {} \
                     {l}, run {:.3} s",
                    if ok { "PASS" } else { "FAIL" },
                    r.elapsed
                );
                lifetimes.push(l.clone());
                if !ok {
                    eprintln!("{}", r.output);
                    failed.push(format!("lifetime via {server}: {l}"));
                }
            }
            if turnutils && let Some(lines) = natdiscovery() {
                eprintln!("NATDISC {kind:4} via {server:15} turnutils_natdiscovery: {lines:?}");
                theirs.push((kind, server, lines));
            }
            if let Some(mut c) = serve {
                let _ = c.kill();
                let _ = c.wait();
            }
            drop(lab);
        }
    }
    if turnutils {
        for (kind, ..) in KINDS {
            let of = |server: &str| {
                theirs
                    .iter()
                    .find(|(k, s, _)| *k == kind && *s == server)
                    .map(|(.., l)| l.clone())
            };
            let (a, b) = (of("coturn"), of("floe stun serve"));
            if a.is_none() || a != b || a.as_ref().is_some_and(Vec::is_empty) {
                failed.push(format!(
                    "turnutils_natdiscovery on {kind}: {a:?} from coturn, {b:?} from floe stun serve"
                ));
            }
        }
    }
    if lifetimes.len() == 2 && lifetimes[0] != lifetimes[1] {
        failed.push(format!(
            "lifetime differs between the servers: {lifetimes:?}"
        ));
    }
    let mean = walls.iter().sum::<f64>() / walls.len().max(1) as f64;
    let max = walls.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "NATDISC run time: mean {mean:.3} s, max {max:.3} s over {} runs",
        walls.len()
    );
    assert!(failed.is_empty(), "failed: {failed:#?}");
}
