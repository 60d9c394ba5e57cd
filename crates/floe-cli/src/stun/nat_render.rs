//! How `floe stun nat` and `floe stun ping` print a report: a few readable lines (the evidence
//! too with `-v`), or one JSON object.

use core::fmt::Write as _;
use core::net::SocketAddr;
use core::time::Duration;

use floe_nat::{Evidence, Finding, Hairpinning, Mapping, Outcome, Report};
use serde_json::{Value, json};

/// The machine-readable name of a mapping verdict.
fn mapping_name(m: Mapping) -> &'static str {
    match m {
        Mapping::NoNat => "no-nat",
        Mapping::Nat(b) => b.as_str(),
        _ => "unknown",
    }
}

fn hairpin_name(h: Hairpinning) -> &'static str {
    match h {
        Hairpinning::Supported => "supported",
        Hairpinning::NotSupported => "not-supported",
        _ => "unknown",
    }
}

/// A finding as a readable phrase.
fn phrase<T>(f: &Finding<T>, name: impl Fn(&T) -> String) -> String {
    match f {
        Ok(v) => name(v),
        Err(why) => format!("unknown: {why}"),
    }
}

/// The readable report.
pub(crate) fn text(report: &Report, local: SocketAddr, elapsed: Duration, verbose: bool) -> String {
    let mut s = String::new();
    let _ = write!(s, "server      {}", report.server);
    match report.other_address {
        Some(o) => {
            let _ = writeln!(s, " (other address {o})");
        }
        None => s.push_str(" (no OTHER-ADDRESS)\n"),
    }
    match report.mapped {
        Some(m) => {
            let kept = match report.port_preserved {
                Some(true) => ", port preserved",
                Some(false) => ", port not preserved",
                None => "",
            };
            let _ = writeln!(s, "mapped      {m} (local {local}{kept})");
        }
        None => {
            let _ = writeln!(s, "mapped      - (local {local})");
        }
    }
    let _ = writeln!(
        s,
        "mapping     {}",
        phrase(&report.mapping, ToString::to_string)
    );
    let _ = writeln!(
        s,
        "filtering   {}",
        phrase(&report.filtering, ToString::to_string)
    );
    let _ = writeln!(
        s,
        "hairpinning {}",
        phrase(&report.hairpinning, |h| match h {
            Hairpinning::Supported => "yes".to_owned(),
            _ => "no".to_owned(),
        })
    );
    if !matches!(report.lifetime, Err(floe_nat::Unknown::NotRun)) {
        let _ = writeln!(
            s,
            "lifetime    {}",
            phrase(&report.lifetime, |l| {
                let secs = |d: Option<Duration>| {
                    d.map_or("?".to_owned(), |d| format!("{} s", d.as_secs()))
                };
                format!(
                    "at least {}, less than {}",
                    secs(l.at_least),
                    secs(l.less_than)
                )
            })
        );
    }
    match report.classic() {
        Some(c) => {
            let _ = writeln!(s, "NAT type    {c}: {}", c.ice_meaning());
        }
        None => s.push_str("NAT type    unknown\n"),
    }
    let _ = writeln!(s, "took        {:.3} s", elapsed.as_secs_f64());
    if verbose {
        s.push_str("evidence:\n");
        for e in &report.evidence {
            let _ = writeln!(s, "  {e}");
        }
    }
    s
}

fn addr(a: Option<SocketAddr>) -> Value {
    a.map_or(Value::Null, |a| Value::String(a.to_string()))
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// One test's evidence as JSON.
pub(crate) fn evidence_json(e: &Evidence) -> Value {
    let mut v = json!({
        "test": e.test.to_string(),
        "transaction_id": e.transaction_id.to_string(),
        "socket": e.socket.to_string(),
        "destination": e.destination.to_string(),
        "change_ip": e.change.map(|c| c.0),
        "change_port": e.change.map(|c| c.1),
        "response_port": e.response_port,
    });
    let outcome = match e.outcome {
        None => json!({"outcome": "pending"}),
        Some(Outcome::Answered {
            from,
            on,
            mapped,
            response_origin,
            other_address,
            rtt,
        }) => json!({
            "outcome": "answered", "from": from.to_string(), "on": on.to_string(),
            "mapped": addr(mapped), "response_origin": addr(response_origin),
            "other_address": addr(other_address), "rtt_ms": ms(rtt),
        }),
        Some(Outcome::Error { from, code }) => {
            json!({"outcome": "error", "from": from.to_string(), "code": code})
        }
        Some(Outcome::Hairpinned { from, on }) => {
            json!({"outcome": "hairpinned", "from": from.to_string(), "on": on.to_string()})
        }
        Some(Outcome::TimedOut { after }) => json!({"outcome": "timed-out", "after_ms": ms(after)}),
        Some(_) => json!({"outcome": "unknown"}),
    };
    if let (Value::Object(a), Value::Object(b)) = (&mut v, outcome) {
        a.extend(b);
    }
    v
}

/// A finding as `(verdict or null, reason or null)`.
fn pair<T>(f: &Finding<T>, name: impl Fn(&T) -> &'static str) -> (Value, Value) {
    match f {
        Ok(v) => (Value::String(name(v).to_owned()), Value::Null),
        Err(why) => (Value::Null, Value::String(why.to_string())),
    }
}

/// The report as one JSON object.
pub(crate) fn json(report: &Report, local: SocketAddr, elapsed: Duration) -> Value {
    let (mapping, mapping_unknown) = pair(&report.mapping, |m| mapping_name(*m));
    let (filtering, filtering_unknown) = pair(&report.filtering, |b| b.as_str());
    let (hairpinning, hairpinning_unknown) = pair(&report.hairpinning, |h| hairpin_name(*h));
    let lifetime = match &report.lifetime {
        Ok(l) => json!({
            "at_least_s": l.at_least.map(|d| d.as_secs()),
            "less_than_s": l.less_than.map(|d| d.as_secs()),
        }),
        Err(why) => json!({"unknown": why.to_string()}),
    };
    let classic = report.classic();
    json!({
        "server": report.server.to_string(),
        "other_address": addr(report.other_address),
        "local": local.to_string(),
        "mapped": addr(report.mapped),
        "mapping": mapping,
        "mapping_unknown": mapping_unknown,
        "filtering": filtering,
        "filtering_unknown": filtering_unknown,
        "port_preserved": report.port_preserved,
        "hairpinning": hairpinning,
        "hairpinning_unknown": hairpinning_unknown,
        "lifetime": lifetime,
        "nat_type": classic.map(|c| c.as_str()),
        "ice": classic.map(|c| c.ice_meaning()),
        "server_lacks_rfc5780": report.server_lacks_rfc5780(),
        "no_response": report.no_response(),
        "finished": report.finished,
        "elapsed_s": ms(elapsed) / 1e3,
        "evidence": report.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
    })
}
