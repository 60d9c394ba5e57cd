//! The discovery machine against the simulated network of `sim/`: the binding-lifetime test
//! (RFC 5780 §4.6) and what the evidence records.

mod sim;

use core::time::Duration;

use floe_nat::{Behaviour, Lifetime, LifetimeConfig, Outcome, SocketId, Test, Unknown};
use sim::{Nat, Net, Server};

const PR: Nat = Nat::Nat {
    mapping: Behaviour::EndpointIndependent,
    filtering: Behaviour::AddressAndPortDependent,
    hairpin: false,
    preserve_port: true,
};

#[test]
fn lifetime_brackets_the_nat_mapping_timeout() {
    let mut net = Net::new(PR, Server::Rfc5780);
    net.mapping_timeout = Some(Duration::from_secs(45));
    let (report, took) = net.run(|c| {
        c.lifetime = Some(LifetimeConfig::new(
            [10, 30, 60, 120].map(Duration::from_secs),
        ));
    });
    assert_eq!(
        report.lifetime,
        Ok(Lifetime {
            at_least: Some(Duration::from_secs(30)),
            less_than: Some(Duration::from_secs(60)),
        })
    );
    // The trials run side by side: the longest wait plus its probe window.
    assert!(took < Duration::from_secs(123), "{took:?}");
    let probe = report.evidence_of(Test::LifetimeProbe(1)).unwrap();
    assert_eq!(probe.socket, SocketId::LIFETIME_PROBE);
    assert!(matches!(
        probe.outcome,
        Some(Outcome::Answered { on, .. }) if on == SocketId::lifetime_trial(1)
    ));
}

#[test]
fn lifetime_needs_rfc5780() {
    let (report, _) = Net::new(PR, Server::Plain).run(|c| {
        c.lifetime = Some(LifetimeConfig::new([Duration::from_secs(5)]));
    });
    assert!(matches!(
        report.lifetime,
        Err(Unknown::ServerLacksRfc5780(_))
    ));
}

#[test]
fn evidence_names_every_test_and_its_outcome() {
    let (report, _) = Net::new(PR, Server::Rfc5780).run(|_| {});
    let tests: Vec<Test> = report.evidence.iter().map(|e| e.test).collect();
    for t in [
        Test::MappingI,
        Test::MappingII,
        Test::FilteringI,
        Test::FilteringII,
        Test::FilteringIII,
        Test::Hairpin,
    ] {
        assert!(tests.contains(&t), "{t} missing from {tests:?}");
    }
    // Endpoint-independent mapping: test III is not needed.
    assert!(!tests.contains(&Test::MappingIII));
    let f2 = report.evidence_of(Test::FilteringII).unwrap();
    assert_eq!(f2.change, Some((true, true)));
    assert!(matches!(f2.outcome, Some(Outcome::TimedOut { .. })));
    assert!(
        f2.to_string()
            .contains("CHANGE-REQUEST(ip=true, port=true): no answer")
    );
    let m1 = report.evidence_of(Test::MappingI).unwrap();
    assert!(m1.to_string().contains("mapped 198.51.100.1:5000"), "{m1}");
}

#[test]
fn hairpinning_and_filtering_can_be_turned_off() {
    let (report, _) = Net::new(PR, Server::Rfc5780).run(|c| {
        c.hairpinning = false;
        c.filtering = false;
    });
    assert_eq!(report.hairpinning, Err(Unknown::NotRun));
    assert_eq!(report.filtering, Err(Unknown::NotRun));
    assert_eq!(report.evidence.len(), 2);
}

#[test]
fn with_every_test_off_a_run_is_one_binding_request() {
    let (report, took) = Net::new(PR, Server::Rfc5780).run(|c| {
        c.mapping = false;
        c.filtering = false;
        c.hairpinning = false;
    });
    assert_eq!(report.evidence.len(), 1);
    assert_eq!(report.mapping, Err(Unknown::NotRun));
    assert!(report.mapped.is_some());
    assert!(report.other_address.is_some());
    assert!(took < Duration::from_millis(20), "{took:?}");
}

/// What loss costs: every kind of NAT, 200 runs each at 5 % and 20 % loss per datagram. The
/// figures go to docs/nat-discovery.md; the bounds only catch a regression.
#[test]
fn loss_costs_time_and_rarely_a_verdict() {
    use floe_nat::Mapping;
    let b = [
        Behaviour::EndpointIndependent,
        Behaviour::AddressDependent,
        Behaviour::AddressAndPortDependent,
    ];
    for loss in [5, 20] {
        let (mut wrong, mut unknown, mut total, mut runs) = (0, 0, Duration::ZERO, 0u32);
        let mut slowest = Duration::ZERO;
        for (i, (m, f)) in b
            .iter()
            .flat_map(|m| b.iter().map(move |f| (*m, *f)))
            .enumerate()
        {
            let nat = Nat::Nat {
                mapping: m,
                filtering: f,
                hairpin: false,
                preserve_port: true,
            };
            for seed in 0..200u64 {
                let mut net = Net::new(nat, Server::Rfc5780);
                net.loss_percent = loss;
                net.seed(seed * 31 + i as u64 + 1);
                let (r, took) = net.run(|c| c.hairpinning = false);
                total += took;
                slowest = slowest.max(took);
                runs += 1;
                match (r.mapping, r.filtering) {
                    (Ok(Mapping::Nat(rm)), Ok(rf)) if rm == m && rf == f => {}
                    (Ok(_), Ok(_)) => wrong += 1,
                    _ => unknown += 1,
                }
            }
        }
        let mean = total / runs;
        eprintln!(
            "loss {loss}%: {runs} runs, {wrong} wrong verdicts, {unknown} unknown, mean {:.3} s, slowest {:.3} s",
            mean.as_secs_f64(),
            slowest.as_secs_f64()
        );
        assert!(
            wrong * 100 <= runs * (loss as u32 / 2).max(1),
            "{wrong} wrong of {runs}"
        );
    }
}
