//! Server request handling, one rule at a time, with hand-built requests.

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_stun::attributes::{
    AdditionalAddressFamily, ChannelNumber, Data, ErrorCodeAttribute, EvenPort, Lifetime, Nonce,
    Realm, RequestedAddressFamily, RequestedTransport, UnknownAttributes, Username, XorPeerAddress,
    XorRelayedAddress,
};
use floe_stun::channel_data::{ChannelData, ChannelRange};
use floe_stun::{
    AddressFamily, AttributeType, Class, Message, MessageBuilder, MessageType, Method,
    TransactionId,
};

use super::*;
use crate::auth::{LongTermKey, StaticCredentials};
use crate::policy::IpPrefix;
use crate::types::Transport;
use crate::wire::{self, Integrity, get};

mod quotas;
mod security;
mod timers;

const PEER: &str = "1.2.3.4:7000";

struct T {
    now: Instant,
    server: Server<StaticCredentials>,
    ft: FiveTuple,
    nonce: String,
    key: LongTermKey,
    next_tid: u8,
}

impl T {
    fn new() -> Self {
        Self::with_config(|_| {})
    }

    /// Like [`T::new`], with `adjust` applied to the config (which has negotiation off and
    /// 1.2.3.0/24 allowed).
    fn with_config(adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let now = Instant::now();
        let mut cfg = ServerConfig::new("example.org");
        cfg.rng_seed = Some([3; 32]);
        cfg.password_algorithms.clear();
        cfg.peer_policy =
            PeerPolicy::default().allow(IpPrefix::new("1.2.3.0".parse().unwrap(), 24));
        adjust(&mut cfg);
        let users = StaticCredentials::new().with_user("alice", "secret");
        let ft = FiveTuple {
            remote: "198.51.100.1:4000".parse().unwrap(),
            local: "192.0.2.1:3478".parse().unwrap(),
            transport: Transport::Udp,
        };
        let key = LongTermKey::derive(PasswordAlgorithm::MD5, "alice", "example.org", "secret");
        let mut t = Self {
            now,
            server: Server::new(cfg, users, now),
            ft,
            nonce: String::new(),
            key: key.unwrap(),
            next_tid: 0,
        };
        t.renew_nonce();
        t
    }

    /// Takes a fresh nonce from a 401 challenge (nonces expire after 600 s).
    fn renew_nonce(&mut self) {
        let r = self.send(Method::REFRESH, false, |_| {});
        let m = wire::parse(&r).unwrap();
        assert!(matches!(code(&m), Some(401 | 437)), "{:?}", code(&m));
        self.nonce = get::<Nonce<'_>>(&m).unwrap().0.to_owned();
    }

    /// Sends a request (signed with alice's credentials when `signed`) and returns the reply.
    fn send(
        &mut self,
        method: Method,
        signed: bool,
        body: impl FnOnce(&mut MessageBuilder<'_>),
    ) -> Vec<u8> {
        self.next_tid += 1;
        let tid = TransactionId::from_bytes([self.next_tid; 12]);
        let bytes = self.request(method, tid, signed, body);
        self.raw(&bytes)
    }

    fn request(
        &self,
        method: Method,
        tid: TransactionId,
        signed: bool,
        body: impl FnOnce(&mut MessageBuilder<'_>),
    ) -> Vec<u8> {
        let mut buf = Vec::new();
        let nonce = self.nonce.clone();
        let signer = signed.then(|| (self.key.integrity_key(), Integrity::Sha1));
        assert!(wire::build(
            &mut buf,
            method,
            Class::Request,
            tid,
            None,
            signer,
            true,
            |b| {
                body(b);
                if signed {
                    b.add(&Username("alice"))
                        .add(&Realm("example.org"))
                        .add(&Nonce(&nonce));
                }
            }
        ));
        buf
    }

    fn raw(&mut self, bytes: &[u8]) -> Vec<u8> {
        assert!(
            self.server
                .handle_receive(self.now, self.ft, bytes)
                .is_none()
        );
        let t = self.server.poll_transmit().expect("a response");
        assert!(self.server.poll_transmit().is_none());
        t.contents.to_vec()
    }

    fn allocate(&mut self) -> SocketAddr {
        let r = self.allocate_request(|b| {
            b.add(&RequestedTransport::UDP);
        });
        let m = wire::parse(&r).unwrap();
        assert_eq!(m.class(), Class::Success);
        get::<XorRelayedAddress>(&m).unwrap().0
    }

    fn allocate_request(&mut self, body: impl FnOnce(&mut MessageBuilder<'_>)) -> Vec<u8> {
        self.next_tid += 1;
        let tid = TransactionId::from_bytes([self.next_tid; 12]);
        let bytes = self.request(Method::ALLOCATE, tid, true, body);
        self.server.handle_receive(self.now, self.ft, &bytes);
        while let Some(e) = self.server.poll_event() {
            if let ServerEvent::RelayRequested(req) = e {
                let grant = RelayGrant {
                    relayed: SocketAddr::new(
                        "192.0.2.1".parse().unwrap(),
                        50000 + u16::from(self.next_tid),
                    ),
                    additional: None,
                };
                self.server.provide_relay(self.now, req.id, Ok(grant));
            }
        }
        self.server
            .poll_transmit()
            .expect("a response")
            .contents
            .to_vec()
    }
}

fn code(m: &Message<'_>) -> Option<u16> {
    get::<ErrorCodeAttribute<'_>>(m).map(|e| e.code.0)
}

fn reply_code(bytes: &[u8]) -> Option<u16> {
    code(&wire::parse(bytes).unwrap())
}

#[test]
fn channel_data_codec_takes_the_rfc5766_range_and_padding() {
    // The relay parses and writes ChannelData with floe-stun's codec over RFC 5766's range.
    let mut out = Vec::new();
    ChannelData::new_with(0x7994, b"abcde", ChannelRange::Rfc5766)
        .unwrap()
        .encode(&mut out, true);
    assert_eq!(out.len(), 12);
    let cd = ChannelData::parse_with(&out, ChannelRange::Rfc5766).unwrap();
    assert_eq!((cd.channel(), cd.data()), (0x7994, &b"abcde"[..]));
    for bad in [
        &[0x80, 0, 0, 0][..],
        &[0x40, 0, 0, 1],
        &[0x40, 0, 0, 0, 0, 0, 0, 0],
    ] {
        assert!(
            ChannelData::parse_with(bad, ChannelRange::Rfc5766).is_err(),
            "{bad:?}"
        );
    }
    assert!(ChannelData::new_with(0x4000, &vec![0; 70_000], ChannelRange::Rfc5766).is_err());
}

#[test]
fn allocate_errors() {
    let mut t = T::new();
    assert_eq!(reply_code(&t.allocate_request(|_| {})), Some(400));
    // RFC 6062 §5.1: TCP allocations only over a stream; other protocols are 442.
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::TCP);
    });
    assert_eq!(reply_code(&r), Some(400));
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport(99));
    });
    assert_eq!(reply_code(&r), Some(442));
    t.server.config.tcp_allocations = false;
    // Nonces are bound to the 5-tuple, transport included.
    t.ft.transport = Transport::Tcp;
    t.renew_nonce();
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::TCP);
    });
    assert_eq!(reply_code(&r), Some(442));
    t.ft.transport = Transport::Udp;
    t.renew_nonce();
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP)
            .add(&RequestedAddressFamily(AddressFamily(9)));
    });
    assert_eq!(reply_code(&r), Some(440));
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP)
            .add(&RequestedAddressFamily(AddressFamily::IPV4))
            .add(&AdditionalAddressFamily(AddressFamily::IPV6));
    });
    assert_eq!(reply_code(&r), Some(400));
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP)
            .add(&EvenPort { reserve: true })
            .add_raw(AttributeType::RESERVATION_TOKEN, &[0; 8]);
    });
    assert_eq!(reply_code(&r), Some(400));
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP)
            .add_raw(AttributeType(0x7F00), b"?");
    });
    let m = wire::parse(&r).unwrap();
    assert_eq!(code(&m), Some(420));
    assert_eq!(
        get::<UnknownAttributes<'_>>(&m)
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [AttributeType(0x7F00)]
    );
    assert!(
        wire::verify(&m, &t.key.integrity_key()),
        "errors after auth are signed"
    );
    assert_eq!(t.server.allocation_count(), 0);
}

#[test]
fn allocate_retransmission_gets_the_same_response_and_a_new_one_437() {
    let mut t = T::new();
    let tid = TransactionId::from_bytes([0xEE; 12]);
    let req = t.request(Method::ALLOCATE, tid, true, |b| {
        b.add(&RequestedTransport::UDP).add(&Lifetime(60));
    });
    t.server.handle_receive(t.now, t.ft, &req);
    let Some(ServerEvent::RelayRequested(r)) = t.server.poll_event() else {
        panic!("relay requested");
    };
    // A retransmission while the embedder opens the socket is absorbed.
    assert!(t.server.handle_receive(t.now, t.ft, &req).is_none());
    assert!(t.server.poll_event().is_none());
    let grant = RelayGrant {
        relayed: "192.0.2.1:50000".parse().unwrap(),
        additional: None,
    };
    assert!(t.server.provide_relay(t.now, r.id, Ok(grant)));
    let first = t.server.poll_transmit().unwrap().contents;
    let m = wire::parse(&first).unwrap();
    // Lifetimes below the default are raised to it (RFC 8656 §7.2).
    assert_eq!(get::<Lifetime>(&m), Some(Lifetime(600)));
    assert_eq!(t.raw(&req), first);
    let again = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP);
    });
    assert_eq!(reply_code(&again), Some(437));
}

#[test]
fn refresh_permission_channel_rules() {
    let mut t = T::new();
    assert_eq!(
        reply_code(&t.send(Method::REFRESH, true, |_| {})),
        Some(437)
    );
    let relay = t.allocate();
    let peer: SocketAddr = PEER.parse().unwrap();
    // Refresh with a huge lifetime is capped.
    let r = t.send(Method::REFRESH, true, |b| {
        b.add(&Lifetime(99_999));
    });
    assert_eq!(
        get::<Lifetime>(&wire::parse(&r).unwrap()),
        Some(Lifetime(3600))
    );
    let r = t.send(Method::REFRESH, true, |b| {
        b.add(&RequestedAddressFamily(AddressFamily::IPV6));
    });
    assert_eq!(reply_code(&r), Some(443));
    // CreatePermission: no peer, an IPv6 peer on an IPv4 relay, a refused peer.
    assert_eq!(
        reply_code(&t.send(Method::CREATE_PERMISSION, true, |_| {})),
        Some(400)
    );
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress("[2606:4700::1]:1".parse().unwrap()));
    });
    assert_eq!(reply_code(&r), Some(443));
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress("10.0.0.1:1".parse().unwrap()));
    });
    assert_eq!(reply_code(&r), Some(403));
    // ChannelBind: bad number, then a good one, then conflicts.
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x3FFF)).add(&XorPeerAddress(peer));
    });
    assert_eq!(reply_code(&r), Some(400));
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001)).add(&XorPeerAddress(peer));
    });
    assert_eq!(reply_code(&r), None);
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4002)).add(&XorPeerAddress(peer));
    });
    assert_eq!(reply_code(&r), Some(400), "peer already on another channel");
    let r = t.send(Method::CHANNEL_BIND, true, |b| {
        b.add(&ChannelNumber(0x4001))
            .add(&XorPeerAddress("1.2.3.5:1".parse().unwrap()));
    });
    assert_eq!(
        reply_code(&r),
        Some(400),
        "channel already bound to another peer"
    );

    // The relay path works until the permission (installed by the bind) expires.
    let mut cd = Vec::new();
    ChannelData::new(0x4001, b"hi")
        .unwrap()
        .encode(&mut cd, false);
    let out = t.server.handle_receive(t.now, t.ft, &cd).unwrap();
    assert_eq!((out.relay, out.peer, out.data), (relay, peer, &b"hi"[..]));
    let mut buf = Vec::new();
    let back = t
        .server
        .handle_peer_data(t.now, relay, peer, b"yo", &mut buf);
    assert_eq!(back, Some(ClientTransmit { five_tuple: t.ft }));
    assert_eq!(buf, [0x40, 0x01, 0, 2, b'y', b'o']);
    // A stranger is dropped.
    let stranger = "1.2.3.9:1".parse().unwrap();
    assert!(
        t.server
            .handle_peer_data(t.now, relay, stranger, b"x", &mut buf)
            .is_none()
    );

    t.now += PERMISSION_LIFETIME + Duration::from_secs(1);
    t.server.handle_timeout(t.now);
    assert!(t.server.handle_receive(t.now, t.ft, &cd).is_none());
    assert!(
        t.server
            .handle_peer_data(t.now, relay, peer, b"yo", &mut buf)
            .is_none()
    );
    assert!(t.server.stats().relay_dropped >= 3);
}

#[test]
fn send_indication_needs_a_permission_and_data_indications_carry_the_peer() {
    let mut t = T::new();
    let relay = t.allocate();
    let peer: SocketAddr = PEER.parse().unwrap();
    let mut ind = Vec::new();
    let typ = MessageType::new(Method::SEND, Class::Indication);
    let mut b = MessageBuilder::new(&mut ind, typ, TransactionId::from_bytes([1; 12]));
    b.add(&XorPeerAddress(peer)).add(&Data(b"payload"));
    b.finish().unwrap();
    assert!(t.server.handle_receive(t.now, t.ft, &ind).is_none());
    let r = t.send(Method::CREATE_PERMISSION, true, |b| {
        b.add(&XorPeerAddress(peer));
    });
    assert_eq!(reply_code(&r), None);
    let out = t.server.handle_receive(t.now, t.ft, &ind).unwrap();
    assert_eq!(
        (out.relay, out.peer, out.data),
        (relay, peer, &b"payload"[..])
    );
    let mut buf = Vec::new();
    t.server
        .handle_peer_data(t.now, relay, peer, b"back", &mut buf)
        .unwrap();
    let m = wire::parse(&buf).unwrap();
    assert_eq!((m.method(), m.class()), (Method::DATA, Class::Indication));
    assert_eq!(get::<XorPeerAddress>(&m), Some(XorPeerAddress(peer)));
    assert_eq!(get::<Data<'_>>(&m), Some(Data(b"back")));
}

#[test]
fn another_user_on_the_same_five_tuple_gets_441() {
    let mut t = T::new();
    t.allocate();
    // Another user the server knows sends a Refresh on alice's 5-tuple.
    t.server.credentials = StaticCredentials::new()
        .with_user("alice", "secret")
        .with_user("bob", "pw");
    t.key = LongTermKey::derive(PasswordAlgorithm::MD5, "bob", "example.org", "pw").unwrap();
    let mut buf = Vec::new();
    let nonce = t.nonce.clone();
    let signer = Some((t.key.integrity_key(), Integrity::Sha1));
    wire::build(
        &mut buf,
        Method::REFRESH,
        Class::Request,
        TransactionId::from_bytes([0x77; 12]),
        None,
        signer,
        false,
        |b| {
            b.add(&Username("bob"))
                .add(&Realm("example.org"))
                .add(&Nonce(&nonce));
        },
    );
    assert_eq!(reply_code(&t.raw(&buf)), Some(441));
}

#[test]
fn expired_channels_are_held_down_for_five_minutes() {
    let mut t = T::new();
    t.allocate();
    let a: SocketAddr = PEER.parse().unwrap();
    let b: SocketAddr = "1.2.3.5:7000".parse().unwrap();
    let bind = |t: &mut T, n: u16, p: SocketAddr| {
        let r = t.send(Method::CHANNEL_BIND, true, |m| {
            m.add(&ChannelNumber(n)).add(&XorPeerAddress(p));
        });
        reply_code(&r)
    };
    // Keep the allocation alive past the channel's lifetime.
    let refresh = |t: &mut T| {
        let r = t.send(Method::REFRESH, true, |m| {
            m.add(&Lifetime(3600));
        });
        assert_eq!(reply_code(&r), None);
    };
    refresh(&mut t);
    assert_eq!(bind(&mut t, 0x4001, a), None);
    t.now += CHANNEL_LIFETIME + Duration::from_secs(1);
    t.server.handle_timeout(t.now);
    t.renew_nonce();
    // Expired: no relaying, but neither the number nor the peer can be rebound elsewhere.
    let mut cd = Vec::new();
    ChannelData::new(0x4001, b"x")
        .unwrap()
        .encode(&mut cd, false);
    assert!(t.server.handle_receive(t.now, t.ft, &cd).is_none());
    assert_eq!(bind(&mut t, 0x4001, b), Some(400));
    assert_eq!(bind(&mut t, 0x4002, a), Some(400));
    t.now += CHANNEL_HOLD_DOWN;
    t.server.handle_timeout(t.now);
    t.renew_nonce();
    refresh(&mut t);
    assert_eq!(bind(&mut t, 0x4001, b), None);
    assert_eq!(bind(&mut t, 0x4002, a), None);
}
