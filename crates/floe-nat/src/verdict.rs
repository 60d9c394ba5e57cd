//! From evidence to verdicts: the decision rules of RFC 5780 §4.3–§4.6, applied to whatever
//! the tests have shown so far. Pure functions; the machine calls them for every report.

use core::net::SocketAddr;

use crate::SocketId;
use crate::config::{DiscoveryConfig, canonical};
use crate::machine::Record;
use crate::report::{
    Behaviour, Finding, Hairpinning, Lacks, Lifetime, Mapping, Outcome, Report, Test, Unknown,
};

/// 420 Unknown Attribute (RFC 8489 §14.8): what a server without RFC 5780 answers to
/// CHANGE-REQUEST and RESPONSE-PORT (RFC 5780 §7.2, §7.5).
const UNKNOWN_ATTRIBUTE: u16 = 420;

/// Whether an OTHER-ADDRESS lets every test run: RFC 5780 §4.3 and §4.4 need an address that
/// differs from the primary one in both IP address and port, of the same family.
pub(crate) fn usable_other(server: SocketAddr, other: SocketAddr) -> bool {
    canonical(other.ip()) != canonical(server.ip())
        && other.port() != server.port()
        && other.is_ipv4() == server.is_ipv4()
}

/// The evidence of the run, looked up by test.
struct Tests<'a> {
    records: &'a [Record],
}

impl Tests<'_> {
    /// `None` when the test was not sent; `Some(None)` while pending.
    fn get(&self, test: Test) -> Option<Option<Outcome>> {
        self.records
            .iter()
            .find(|r| r.evidence.test == test)
            .map(|r| r.evidence.outcome)
    }

    /// The outcome of a test that was sent and has finished, else `Unfinished`.
    fn done(&self, test: Test) -> Result<Outcome, Unknown> {
        self.get(test).flatten().ok_or(Unknown::Unfinished)
    }
}

/// Test I's mapped address and the server's usable other address, or why the tests after
/// it cannot tell anything.
fn first(
    tests: &Tests<'_>,
    server: SocketAddr,
) -> Result<(SocketAddr, Option<SocketAddr>), Unknown> {
    match tests.done(Test::MappingI)? {
        Outcome::Answered {
            mapped: Some(m1),
            other_address,
            ..
        } if m1.is_ipv4() == server.is_ipv4() => Ok((m1, other_address)),
        Outcome::Answered { .. } => Err(Unknown::MalformedResponse),
        Outcome::Error { code, .. } => Err(Unknown::ErrorResponse(code)),
        Outcome::TimedOut { .. } => Err(Unknown::NoResponse),
        Outcome::Hairpinned { .. } => Err(Unknown::MalformedResponse),
    }
}

/// The server's other address, or how it lacks RFC 5780.
fn other(server: SocketAddr, other: Option<SocketAddr>) -> Result<SocketAddr, Unknown> {
    match other {
        None => Err(Unknown::ServerLacksRfc5780(Lacks::NoOtherAddress)),
        Some(o) if usable_other(server, o) => Ok(o),
        Some(_) => Err(Unknown::ServerLacksRfc5780(Lacks::OtherAddressUnusable)),
    }
}

/// A mapped address from a mapping test.
fn mapped(outcome: Outcome) -> Result<SocketAddr, Unknown> {
    match outcome {
        Outcome::Answered {
            mapped: Some(m), ..
        } => Ok(m),
        Outcome::Answered { .. } | Outcome::Hairpinned { .. } => Err(Unknown::MalformedResponse),
        Outcome::Error { code, .. } => Err(Unknown::ErrorResponse(code)),
        Outcome::TimedOut { .. } => Err(Unknown::OtherAddressSilent),
    }
}

/// RFC 5780 §4.3: no NAT when test I's mapped address is local; otherwise test II to the
/// other IP decides endpoint-independent (same mapping), test III to the other port
/// address-dependent (same as II) or address and port-dependent.
fn mapping(config: &DiscoveryConfig, tests: &Tests<'_>) -> Finding<Mapping> {
    let (m1, other_address) = first(tests, config.server)?;
    let same_port = config.local.port() == 0 || config.local.port() == m1.port();
    if config.is_local(m1.ip()) && same_port {
        return Ok(Mapping::NoNat);
    }
    if !config.mapping {
        return Err(Unknown::NotRun);
    }
    other(config.server, other_address)?;
    let m2 = mapped(tests.done(Test::MappingII)?)?;
    if m2 == m1 {
        return Ok(Mapping::Nat(Behaviour::EndpointIndependent));
    }
    let m3 = mapped(tests.done(Test::MappingIII)?)?;
    Ok(Mapping::Nat(if m3 == m2 {
        Behaviour::AddressDependent
    } else {
        Behaviour::AddressAndPortDependent
    }))
}

/// What an answer to a CHANGE-REQUEST shows: `Ok(true)` when it came from where the change
/// asked (another IP when `change_ip`, another port), `Err` for an error response.
///
/// Where it came from is RESPONSE-ORIGIN (RFC 5780 §7.3) when the server sent one, else the
/// datagram's source. The server's word counts because a NAT may rewrite the source of what it
/// lets in (the lab's `rc` NAT shows its own inside address); a datagram whose source is the
/// unchanged server address itself is never taken for a changed one.
fn changed_answer(outcome: Outcome, server: SocketAddr, change_ip: bool) -> Result<bool, Unknown> {
    match outcome {
        Outcome::Answered {
            from,
            response_origin,
            ..
        } => {
            if from == server {
                return Err(Unknown::ServerLacksRfc5780(Lacks::IgnoredChange));
            }
            let origin = response_origin.unwrap_or(from);
            let ip_changed = canonical(origin.ip()) != canonical(server.ip());
            let port_changed = origin.port() != server.port();
            if ip_changed == change_ip && port_changed {
                Ok(true)
            } else {
                Err(Unknown::ServerLacksRfc5780(Lacks::IgnoredChange))
            }
        }
        Outcome::Error {
            code: UNKNOWN_ATTRIBUTE,
            ..
        } => Err(Unknown::ServerLacksRfc5780(Lacks::Rejected)),
        Outcome::Error { code, .. } => Err(Unknown::ErrorResponse(code)),
        Outcome::TimedOut { .. } => Ok(false),
        Outcome::Hairpinned { .. } => Err(Unknown::MalformedResponse),
    }
}

/// RFC 5780 §4.4, from the fresh socket: an answer to test II (other IP and port) means
/// endpoint-independent filtering; else an answer to test III (other port) address-dependent;
/// else, when test I was answered, address and port-dependent.
fn filtering(config: &DiscoveryConfig, tests: &Tests<'_>, failed: &[bool]) -> Finding<Behaviour> {
    if !config.filtering {
        return Err(Unknown::NotRun);
    }
    let (_, other_address) = first(tests, config.server)?;
    other(config.server, other_address)?;
    if failed[usize::from(SocketId::FILTERING.index())] {
        return Err(Unknown::SocketUnavailable);
    }
    if changed_answer(tests.done(Test::FilteringII)?, config.server, true)? {
        return Ok(Behaviour::EndpointIndependent);
    }
    if changed_answer(tests.done(Test::FilteringIII)?, config.server, false)? {
        return Ok(Behaviour::AddressDependent);
    }
    match tests.done(Test::FilteringI)? {
        Outcome::Answered { .. } => Ok(Behaviour::AddressAndPortDependent),
        Outcome::Error { code, .. } => Err(Unknown::ErrorResponse(code)),
        Outcome::TimedOut { .. } | Outcome::Hairpinned { .. } => Err(Unknown::FreshSocketSilent),
    }
}

/// RFC 5780 §4.5: the probe sent to the own mapped address came back in, or not.
fn hairpinning(config: &DiscoveryConfig, tests: &Tests<'_>) -> Finding<Hairpinning> {
    if !config.hairpinning {
        return Err(Unknown::NotRun);
    }
    first(tests, config.server)?;
    match tests.done(Test::Hairpin)? {
        Outcome::Hairpinned { .. } => Ok(Hairpinning::Supported),
        Outcome::TimedOut { .. } => Ok(Hairpinning::NotSupported),
        Outcome::Answered { .. } | Outcome::Error { .. } => Err(Unknown::UnexpectedAnswer),
    }
}

/// RFC 5780 §4.6: each trial's mapping was alive after its wait when the RESPONSE-PORT answer
/// reached the trial's own socket, expired when nothing came back.
fn lifetime(config: &DiscoveryConfig, tests: &Tests<'_>, failed: &[bool]) -> Finding<Lifetime> {
    let Some(l) = &config.lifetime else {
        return Err(Unknown::NotRun);
    };
    let (_, other_address) = first(tests, config.server)?;
    other(config.server, other_address)?;
    if failed[usize::from(SocketId::LIFETIME_PROBE.index())] {
        return Err(Unknown::SocketUnavailable);
    }
    let mut result = Lifetime::default();
    let mut any = false;
    for (n, wait) in l.trials.iter().copied().enumerate() {
        let n = n as u8;
        if failed[usize::from(SocketId::lifetime_trial(n).index())] {
            continue;
        }
        match tests.done(Test::LifetimeBind(n))? {
            Outcome::Answered {
                mapped: Some(_), ..
            } => {}
            // A trial that never learnt its mapping says nothing about lifetimes.
            _ => continue,
        }
        let alive = match tests.done(Test::LifetimeProbe(n))? {
            Outcome::Answered { on, .. } if on == SocketId::lifetime_trial(n) => true,
            Outcome::Answered { .. } => {
                return Err(Unknown::ServerLacksRfc5780(Lacks::IgnoredChange));
            }
            Outcome::Error {
                code: UNKNOWN_ATTRIBUTE,
                ..
            } => return Err(Unknown::ServerLacksRfc5780(Lacks::Rejected)),
            Outcome::Error { code, .. } => return Err(Unknown::ErrorResponse(code)),
            Outcome::TimedOut { .. } | Outcome::Hairpinned { .. } => false,
        };
        any = true;
        if alive {
            result.at_least = result.at_least.max(Some(wait));
        } else {
            result.less_than = Some(result.less_than.map_or(wait, |l| l.min(wait)));
        }
    }
    if any {
        Ok(result)
    } else {
        Err(Unknown::SocketUnavailable)
    }
}

/// The report for the evidence so far.
pub(crate) fn build(
    config: &DiscoveryConfig,
    records: &[Record],
    failed: [bool; 3 + crate::config::MAX_LIFETIME_TRIALS],
    finished: bool,
) -> Report {
    let tests = Tests { records };
    let first = first(&tests, config.server).ok();
    let mapped = first.map(|(m, _)| m);
    let port_preserved = mapped
        .filter(|_| config.local.port() != 0)
        .map(|m| m.port() == config.local.port());
    Report {
        server: config.server,
        other_address: first.and_then(|(_, o)| o),
        mapped,
        mapping: mapping(config, &tests),
        filtering: filtering(config, &tests, &failed),
        port_preserved,
        hairpinning: hairpinning(config, &tests),
        lifetime: lifetime(config, &tests, &failed),
        evidence: records.iter().map(|r| r.evidence).collect(),
        finished,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_address_must_differ_in_ip_and_port() {
        let s: SocketAddr = "203.0.113.10:3478".parse().unwrap();
        assert!(usable_other(s, "203.0.113.20:3479".parse().unwrap()));
        assert!(!usable_other(s, "203.0.113.10:3479".parse().unwrap()));
        assert!(!usable_other(s, "203.0.113.20:3478".parse().unwrap()));
        assert!(!usable_other(s, "[2001:db8::1]:3479".parse().unwrap()));
    }

    #[test]
    fn a_change_answered_from_the_unchanged_address_is_not_a_verdict() {
        let s: SocketAddr = "203.0.113.10:3478".parse().unwrap();
        let answered = |from: &str| Outcome::Answered {
            from: from.parse().unwrap(),
            on: SocketId::FILTERING,
            mapped: None,
            response_origin: None,
            other_address: None,
            rtt: core::time::Duration::ZERO,
        };
        let rewritten = |origin: &str| Outcome::Answered {
            from: "198.18.0.1:3479".parse().unwrap(),
            on: SocketId::FILTERING,
            mapped: None,
            response_origin: Some(origin.parse().unwrap()),
            other_address: None,
            rtt: core::time::Duration::ZERO,
        };
        let lacks = Err(Unknown::ServerLacksRfc5780(Lacks::IgnoredChange));
        assert_eq!(
            changed_answer(answered("203.0.113.20:3479"), s, true),
            Ok(true)
        );
        assert_eq!(
            changed_answer(answered("203.0.113.10:3478"), s, true),
            lacks
        );
        assert_eq!(
            changed_answer(answered("203.0.113.10:3479"), s, true),
            lacks
        );
        assert_eq!(
            changed_answer(answered("203.0.113.10:3479"), s, false),
            Ok(true)
        );
        assert_eq!(
            changed_answer(answered("203.0.113.20:3479"), s, false),
            lacks
        );
        // A NAT that rewrites the source: RESPONSE-ORIGIN decides.
        assert_eq!(
            changed_answer(rewritten("203.0.113.10:3479"), s, false),
            Ok(true)
        );
        assert_eq!(
            changed_answer(rewritten("203.0.113.10:3478"), s, false),
            lacks
        );
        // The unchanged address itself is never a change, whatever the server says.
        let liar = Outcome::Answered {
            from: s,
            on: SocketId::FILTERING,
            mapped: None,
            response_origin: Some("203.0.113.20:3479".parse().unwrap()),
            other_address: None,
            rtt: core::time::Duration::ZERO,
        };
        assert_eq!(changed_answer(liar, s, true), lacks);
        let e420 = Outcome::Error { from: s, code: 420 };
        assert_eq!(
            changed_answer(e420, s, true),
            Err(Unknown::ServerLacksRfc5780(Lacks::Rejected))
        );
    }
}
