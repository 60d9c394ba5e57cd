//! Property: any set of attributes encodes, decodes back to the same typed values in the same
//! order, and re-encodes to the same bytes; integrity and fingerprint verify.

use core::net::SocketAddr;

use floe_stun::attributes::*;
use floe_stun::{
    AddressFamily, AttributeType, Class, ErrorCode, IntegrityKey, Message, MessageBuilder,
    MessageType, Method, PasswordAlgorithm, RawAttribute, TransactionId,
};
use proptest::prelude::*;

/// An owned attribute, so proptest can generate it; [`Gen::any`] borrows it as an
/// [`AnyAttribute`].
#[derive(Debug, Clone)]
enum Gen {
    Address(u8, SocketAddr),
    Text(u8, String),
    Int(u8, u64),
    Flag(bool),
    Bytes(bool, Vec<u8>),
    Error(u16, String),
    AddressError(u8, u16, String),
    Fixed32([u8; 32]),
    Token([u8; 8]),
    Family(bool, u8),
    Even(bool),
    Icmp(u8, u8, u32),
    Change(bool, bool),
    Network(u16, u16),
    Unknown(Vec<AttributeType>),
    Algorithms(Vec<PasswordAlgorithmAttribute<'static>>),
    Other(u16, Vec<u8>),
}

impl Gen {
    fn any(&self) -> AnyAttribute<'_> {
        match self {
            Self::Address(k, a) => match k % 7 {
                0 => AnyAttribute::MappedAddress(MappedAddress(*a)),
                1 => AnyAttribute::XorMappedAddress(XorMappedAddress(*a)),
                2 => AnyAttribute::AlternateServer(AlternateServer(*a)),
                3 => AnyAttribute::XorPeerAddress(XorPeerAddress(*a)),
                4 => AnyAttribute::XorRelayedAddress(XorRelayedAddress(*a)),
                5 => AnyAttribute::ResponseOrigin(ResponseOrigin(*a)),
                _ => AnyAttribute::OtherAddress(OtherAddress(*a)),
            },
            Self::Text(k, t) => match k % 5 {
                0 => AnyAttribute::Username(Username(t)),
                1 => AnyAttribute::Realm(Realm(t)),
                2 => AnyAttribute::Nonce(Nonce(t)),
                3 => AnyAttribute::Software(Software(t)),
                _ => AnyAttribute::AlternateDomain(AlternateDomain(t)),
            },
            Self::Int(k, v) => match k % 9 {
                0 => AnyAttribute::Priority(Priority(*v as u32)),
                1 => AnyAttribute::IceControlled(IceControlled(*v)),
                2 => AnyAttribute::IceControlling(IceControlling(*v)),
                3 => AnyAttribute::Nomination(Nomination(*v as u32)),
                4 => AnyAttribute::Lifetime(Lifetime(*v as u32)),
                5 => AnyAttribute::ConnectionId(ConnectionId(*v as u32)),
                6 => AnyAttribute::ChannelNumber(ChannelNumber(*v as u16)),
                7 => AnyAttribute::ResponsePort(ResponsePort(*v as u16)),
                _ => AnyAttribute::RequestedTransport(RequestedTransport(*v as u8)),
            },
            Self::Flag(k) => {
                if *k {
                    AnyAttribute::UseCandidate(UseCandidate)
                } else {
                    AnyAttribute::DontFragment(DontFragment)
                }
            }
            Self::Bytes(k, b) => {
                if *k {
                    AnyAttribute::Data(Data(b))
                } else {
                    AnyAttribute::Padding(Padding(b))
                }
            }
            Self::Error(code, reason) => AnyAttribute::ErrorCode(ErrorCodeAttribute {
                code: ErrorCode(*code),
                reason,
            }),
            Self::AddressError(f, code, reason) => {
                AnyAttribute::AddressErrorCode(AddressErrorCode {
                    family: AddressFamily(*f),
                    code: ErrorCode(*code),
                    reason,
                })
            }
            Self::Fixed32(h) => AnyAttribute::Userhash(Userhash(*h)),
            Self::Token(t) => AnyAttribute::ReservationToken(ReservationToken(*t)),
            Self::Family(k, f) => {
                if *k {
                    AnyAttribute::RequestedAddressFamily(RequestedAddressFamily(AddressFamily(*f)))
                } else {
                    AnyAttribute::AdditionalAddressFamily(AdditionalAddressFamily(AddressFamily(
                        *f,
                    )))
                }
            }
            Self::Even(r) => AnyAttribute::EvenPort(EvenPort { reserve: *r }),
            Self::Icmp(t, c, d) => AnyAttribute::Icmp(Icmp {
                icmp_type: *t,
                code: *c,
                error_data: *d,
            }),
            Self::Change(ip, port) => AnyAttribute::ChangeRequest(ChangeRequest {
                change_ip: *ip,
                change_port: *port,
            }),
            Self::Network(id, cost) => AnyAttribute::GoogNetworkInfo(GoogNetworkInfo {
                network_id: *id,
                network_cost: *cost,
            }),
            Self::Unknown(types) => {
                AnyAttribute::UnknownAttributes(UnknownAttributes::from_types(types))
            }
            Self::Algorithms(entries) => {
                AnyAttribute::PasswordAlgorithms(PasswordAlgorithms::from_entries(entries))
            }
            Self::Other(t, v) => AnyAttribute::Other {
                typ: AttributeType(*t),
                value: v,
            },
        }
    }
}

/// Whether the decoded attribute means the same as the generated one (list attributes compare
/// by their entries, since decoded ones borrow the wire form).
fn same(a: &AnyAttribute<'_>, b: &AnyAttribute<'_>) -> bool {
    match (a, b) {
        (AnyAttribute::UnknownAttributes(x), AnyAttribute::UnknownAttributes(y)) => {
            x.iter().eq(y.iter())
        }
        (AnyAttribute::PasswordAlgorithms(x), AnyAttribute::PasswordAlgorithms(y)) => {
            x.iter().eq(y.iter())
        }
        _ => a == b,
    }
}

fn text(max_chars: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..max_chars).prop_map(|c| c.into_iter().collect())
}

fn is_other(t: u16) -> bool {
    let raw = RawAttribute {
        typ: AttributeType(t),
        value: &[],
        offset: 20,
        ignored: false,
    };
    ![0x0008, 0x001C, 0x8028].contains(&t)
        && matches!(
            AnyAttribute::decode(raw, &TransactionId::default()),
            Ok(AnyAttribute::Other { .. })
        )
}

fn attribute() -> impl Strategy<Value = Gen> {
    prop_oneof![
        (any::<u8>(), any::<core::net::IpAddr>(), any::<u16>())
            .prop_map(|(k, ip, port)| Gen::Address(k, SocketAddr::new(ip, port))),
        (0u8..4, text(60)).prop_map(|(k, t)| Gen::Text(k, t)),
        text(60).prop_map(|t| Gen::Text(4, t)),
        (any::<u8>(), any::<u64>()).prop_map(|(k, v)| Gen::Int(k, v)),
        any::<bool>().prop_map(Gen::Flag),
        (any::<bool>(), proptest::collection::vec(any::<u8>(), 0..64))
            .prop_map(|(k, b)| Gen::Bytes(k, b)),
        (300u16..700, text(40)).prop_map(|(c, r)| Gen::Error(c, r)),
        (any::<u8>(), 300u16..700, text(20)).prop_map(|(f, c, r)| Gen::AddressError(f, c, r)),
        any::<[u8; 32]>().prop_map(Gen::Fixed32),
        any::<[u8; 8]>().prop_map(Gen::Token),
        (any::<bool>(), any::<u8>()).prop_map(|(k, f)| Gen::Family(k, f)),
        any::<bool>().prop_map(Gen::Even),
        (any::<u8>(), any::<u8>(), any::<u32>()).prop_map(|(t, c, d)| Gen::Icmp(t, c, d)),
        (any::<bool>(), any::<bool>()).prop_map(|(a, b)| Gen::Change(a, b)),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Gen::Network(a, b)),
        proptest::collection::vec(any::<u16>().prop_map(AttributeType), 0..6)
            .prop_map(Gen::Unknown),
        proptest::collection::vec(
            (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..9)),
            0..4
        )
        .prop_map(|list| {
            let entries = list
                .into_iter()
                .map(|(a, p)| PasswordAlgorithmAttribute {
                    algorithm: PasswordAlgorithm(a),
                    params: p.leak(),
                })
                .collect();
            Gen::Algorithms(entries)
        }),
        (
            any::<u16>().prop_filter("not a typed attribute", |t| is_other(*t)),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(t, v)| Gen::Other(t, v)),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Seal {
    None,
    Fingerprint,
    Integrity,
    Both,
    Sha256(usize),
}

fn seal() -> impl Strategy<Value = Seal> {
    prop_oneof![
        Just(Seal::None),
        Just(Seal::Fingerprint),
        Just(Seal::Integrity),
        Just(Seal::Both),
        (4usize..=8).prop_map(|n| Seal::Sha256(n * 4)),
    ]
}

fn encode<'b>(
    buf: &'b mut Vec<u8>,
    typ: MessageType,
    tid: TransactionId,
    attrs: &[AnyAttribute<'_>],
    seal: Seal,
    key: &IntegrityKey<'_>,
) -> &'b [u8] {
    let mut b = MessageBuilder::new(buf, typ, tid);
    for a in attrs {
        b.add_any(a);
    }
    match seal {
        Seal::None => b.finish(),
        Seal::Fingerprint => b.fingerprint(),
        Seal::Integrity => b.message_integrity(key).unwrap().finish(),
        Seal::Both => b.message_integrity(key).unwrap().fingerprint(),
        Seal::Sha256(n) => b
            .message_integrity_sha256_truncated(key, n)
            .unwrap()
            .fingerprint(),
    }
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_then_decode_is_identity(
        method in 0u16..=0xFFF,
        class in 0u8..4,
        tid in any::<[u8; 12]>(),
        gens in proptest::collection::vec(attribute(), 0..12),
        seal in seal(),
        password in text(30),
    ) {
        let typ = MessageType::new(Method(method), Class::from_bits(class));
        let tid = TransactionId::from_bytes(tid);
        let key = IntegrityKey::short_term(&password);
        let attrs: Vec<AnyAttribute<'_>> = gens.iter().map(Gen::any).collect();
        let mut buf = Vec::new();
        let bytes = encode(&mut buf, typ, tid, &attrs, seal, &key).to_vec();

        let msg = Message::parse(&bytes).unwrap();
        prop_assert_eq!(msg.message_type(), typ);
        prop_assert_eq!(msg.transaction_id(), &tid);
        let decoded: Vec<AnyAttribute<'_>> = msg
            .attributes()
            .map(|raw| AnyAttribute::decode(raw, &tid).unwrap())
            .collect();
        prop_assert!(decoded.len() >= attrs.len());
        for (d, a) in decoded.iter().zip(&attrs) {
            prop_assert!(same(d, a), "decoded {:?} != encoded {:?}", d, a);
        }
        match seal {
            Seal::None => prop_assert_eq!(decoded.len(), attrs.len()),
            Seal::Fingerprint => msg.verify_fingerprint().unwrap(),
            Seal::Integrity => { msg.verify_integrity(&key).unwrap(); }
            Seal::Both | Seal::Sha256(_) => {
                msg.verify_integrity(&key).unwrap();
                msg.verify_fingerprint().unwrap();
            }
        }

        // Re-encoding the decoded attributes gives the same bytes.
        let mut again = Vec::new();
        let body: Vec<AnyAttribute<'_>> = decoded[..attrs.len()].to_vec();
        prop_assert_eq!(encode(&mut again, typ, tid, &body, seal, &key), &bytes[..]);
    }
}
