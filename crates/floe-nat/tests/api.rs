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
