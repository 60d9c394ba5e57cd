//! Property: over every simulated NAT (mapping × filtering × hairpinning × port preservation, or
//! none) behind floe-stun's RFC 5780 server, the verdict is the simulated behaviour; behind a
//! broken or limited server every verdict is a typed unknown, never a guess or a panic.

mod sim;

use floe_nat::{Behaviour, ClassicType, Hairpinning, Lacks, Mapping, Unknown};
use proptest::prelude::*;
use sim::{Nat, Net, Server};

fn behaviour() -> impl Strategy<Value = Behaviour> {
    prop_oneof![
        Just(Behaviour::EndpointIndependent),
        Just(Behaviour::AddressDependent),
        Just(Behaviour::AddressAndPortDependent),
    ]
}

fn nat() -> impl Strategy<Value = Nat> {
    prop_oneof![
        1 => Just(Nat::None),
        6 => (behaviour(), behaviour(), any::<bool>(), any::<bool>()).prop_map(
            |(mapping, filtering, hairpin, preserve_port)| Nat::Nat {
                mapping,
                filtering,
                hairpin,
                preserve_port,
            }
        ),
    ]
}

fn broken_server() -> impl Strategy<Value = Server> {
    prop_oneof![
        Just(Server::Plain),
        Just(Server::IgnoresChange),
        Just(Server::NoMappedAddress),
        Just(Server::OtherSilent),
        Just(Server::Erroring),
        Just(Server::Silent),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn verdict_is_the_simulated_behaviour(nat in nat()) {
        let (report, took) = Net::new(nat, Server::Rfc5780).run(|_| {});
        prop_assert!(report.finished);
        match nat {
            Nat::None => {
                prop_assert_eq!(report.mapping, Ok(Mapping::NoNat));
                prop_assert_eq!(report.filtering, Ok(Behaviour::EndpointIndependent));
                prop_assert_eq!(report.classic(), Some(ClassicType::OpenInternet));
                prop_assert_eq!(report.port_preserved, Some(true));
            }
            Nat::Nat { mapping, filtering, hairpin, preserve_port } => {
                prop_assert_eq!(report.mapping, Ok(Mapping::Nat(mapping)));
                prop_assert_eq!(report.filtering, Ok(filtering));
                let want = if hairpin { Hairpinning::Supported } else { Hairpinning::NotSupported };
                prop_assert_eq!(report.hairpinning, Ok(want));
                prop_assert_eq!(report.port_preserved, Some(preserve_port));
                let classic = report.classic().unwrap();
                if mapping == Behaviour::EndpointIndependent {
                    prop_assert_ne!(classic, ClassicType::Symmetric);
                } else {
                    prop_assert_eq!(classic, ClassicType::Symmetric);
                }
            }
        }
        // No lost packets: only silence costs time, at most one probe window after test I.
        prop_assert!(took < core::time::Duration::from_millis(1300), "{took:?}");
        prop_assert!(!report.server_lacks_rfc5780());
    }

    #[test]
    fn broken_servers_give_typed_unknowns(nat in nat(), server in broken_server()) {
        let (report, _) = Net::new(nat, server).run(|_| {});
        prop_assert!(report.finished);
        let no_nat = nat == Nat::None;
        match server {
            Server::Plain => {
                prop_assert!(report.server_lacks_rfc5780());
                let lacks = Unknown::ServerLacksRfc5780(Lacks::NoOtherAddress);
                prop_assert_eq!(report.filtering, Err(lacks));
                if no_nat {
                    prop_assert_eq!(report.mapping, Ok(Mapping::NoNat));
                } else {
                    prop_assert_eq!(report.mapping, Err(lacks));
                }
                prop_assert!(report.mapped.is_some());
            }
            Server::IgnoresChange => {
                // Mapping works (the tests send to each address); filtering must not be
                // guessed from answers that came from the unchanged address.
                prop_assert!(report.mapping.is_ok());
                prop_assert_eq!(
                    report.filtering,
                    Err(Unknown::ServerLacksRfc5780(Lacks::IgnoredChange))
                );
            }
            Server::NoMappedAddress => {
                prop_assert_eq!(report.mapping, Err(Unknown::MalformedResponse));
                prop_assert_eq!(report.filtering, Err(Unknown::MalformedResponse));
                prop_assert!(report.classic().is_none());
            }
            Server::OtherSilent => {
                if no_nat {
                    prop_assert_eq!(report.mapping, Ok(Mapping::NoNat));
                } else {
                    prop_assert_eq!(report.mapping, Err(Unknown::OtherAddressSilent));
                }
                // Filtering test II is answered from the silent IP: never; test III decides.
                prop_assert!(report.filtering != Ok(Behaviour::EndpointIndependent));
            }
            Server::Erroring => {
                prop_assert_eq!(report.mapping, Err(Unknown::ErrorResponse(500)));
                prop_assert!(report.filtering.is_err());
            }
            Server::Silent => {
                prop_assert!(report.no_response());
                prop_assert_eq!(report.filtering, Err(Unknown::NoResponse));
                prop_assert_eq!(report.hairpinning, Err(Unknown::NoResponse));
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn refused_fresh_socket_is_a_typed_unknown() {
    let nat = Nat::Nat {
        mapping: Behaviour::EndpointIndependent,
        filtering: Behaviour::AddressAndPortDependent,
        hairpin: false,
        preserve_port: true,
    };
    let mut net = Net::new(nat, Server::Rfc5780);
    net.refuse_sockets = true;
    let (report, _) = net.run(|_| {});
    assert_eq!(report.filtering, Err(Unknown::SocketUnavailable));
    assert_eq!(
        report.mapping,
        Ok(Mapping::Nat(Behaviour::EndpointIndependent))
    );
    assert_eq!(report.classic(), Some(ClassicType::Cone));
}
