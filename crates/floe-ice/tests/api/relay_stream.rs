//! TURN over TCP and TLS (RFC 8656 §3.1): relayed candidates through a floe-turn server
//! reached over a stream the embedder opens, the relayed candidate still UDP toward the peer.

use core::time::Duration;
use std::time::Instant;

use floe_ice::{
    ConnectionState, IceAgent, IceError, IceEvent, RelayFailure, Role, Transport, TurnFailure,
    TurnServer, TurnStreamId,
};

use crate::harness::config;
use crate::turn_net::{A_HOST, Answer, Chunking, SERVER, TurnNet, addr};

/// The first relayed address the harness's server hands out.
const RELAYED: &str = "192.0.2.1:49152";

fn gathered(net: &TurnNet) -> bool {
    net.events_a
        .iter()
        .any(|e| matches!(e, IceEvent::GatheringComplete { .. }))
}

fn stream_requests(events: &[IceEvent]) -> Vec<(TurnStreamId, Transport)> {
    events
        .iter()
        .filter_map(|e| match e {
            IceEvent::ConnectTurnStream { id, transport, .. } => Some((*id, *transport)),
            _ => None,
        })
        .collect()
}

fn relay_failures(events: &[IceEvent]) -> Vec<(Transport, RelayFailure)> {
    events
        .iter()
        .filter_map(|e| match e {
            IceEvent::RelayFailed {
                transport, reason, ..
            } => Some((*transport, reason.clone())),
            _ => None,
        })
        .collect()
}

fn closes(events: &[IceEvent]) -> Vec<TurnStreamId> {
    events
        .iter()
        .filter_map(|e| match e {
            IceEvent::CloseTurnStream { id } => Some(*id),
            _ => None,
        })
        .collect()
}

/// Connects both agents through the relay A reaches over `transport`, then lets the
/// selected pair's channel bind.
fn connected(transport: Transport, chunking: Chunking) -> TurnNet {
    let mut net = TurnNet::new(transport, 1);
    net.chunking = chunking;
    net.connect();
    net.run_for(Duration::from_secs(1));
    net
}

/// Data both ways over the connected pair; returns A's transmit.
fn exchange(net: &mut TurnNet) -> floe_ice::Transmit {
    let t = net.a_sends(b"hello");
    assert!(net.run_until(Duration::from_secs(60), |n| !n.data_b.is_empty()));
    assert_eq!(net.data_b, [b"hello".to_vec()]);
    net.b_sends(b"pong");
    assert!(net.run_until(Duration::from_secs(60), |n| !n.data_a.is_empty()));
    assert_eq!(net.data_a, [b"pong".to_vec()]);
    t
}

#[test]
fn gathering_over_tcp_yields_a_relayed_udp_candidate() {
    let mut net = TurnNet::new(Transport::Tcp, 1);
    net.run_until(Duration::ZERO, |_| true);
    // The agent asks for the stream at once, to the server, from its host address.
    assert!(net.events_a.iter().any(|e| matches!(
        e,
        IceEvent::ConnectTurnStream { server, transport: Transport::Tcp, local_ip, .. }
            if *server == addr(SERVER) && *local_ip == addr(A_HOST).ip()
    )));
    assert!(net.run_until(Duration::from_secs(5), gathered));
    let relayed = net.relayed_candidates();
    assert_eq!(relayed.len(), 1, "{relayed:?}");
    let (at, line) = &relayed[0];
    assert_eq!(*at, addr(RELAYED));
    // UDP toward peers; the related address is the stream's mapped address.
    assert!(
        line.contains(" udp ") && line.contains("typ relay raddr 198.51.100.1 rport 40000"),
        "{line}"
    );
    // The TCP mapping is no server-reflexive candidate.
    assert!(!net.events_a.iter().any(|e| matches!(
        e,
        IceEvent::LocalCandidate { candidate, .. }
            if candidate.kind() == floe_ice_candidate::CandidateType::ServerReflexive
    )));
    // The stream started with the Allocate (0x0003), and carried no error.
    assert_eq!(net.a_wrote[..2], [0x00, 0x03]);
    assert!(net.a_errors.is_empty(), "{:?}", net.a_errors);
    assert!(relay_failures(&net.events_a).is_empty());
}

#[test]
fn two_agents_connect_through_a_turn_server_reached_over_tcp() {
    let mut net = connected(Transport::Tcp, Chunking::Whole);
    let pa = net.a.selected_pair(net.sa, 1).unwrap();
    let pb = net.b.selected_pair(net.sb, 1).unwrap();
    assert_eq!(pa.local, addr(RELAYED));
    assert_eq!(pb.remote, addr(RELAYED));
    let t = exchange(&mut net);
    // On the stream, to the server, in ChannelData padded to 4 bytes (RFC 8656 §12.5):
    // 4 bytes of header, 5 of data, 3 of padding.
    let open = net.open[0];
    assert_eq!(
        (t.transport, t.source, t.destination),
        (Transport::Tcp, Some(open.local), addr(SERVER))
    );
    assert_eq!(t.contents[0] & 0xF0, 0x40, "ChannelData");
    assert_eq!(t.contents.len(), 12);
    assert_eq!(stream_requests(&net.events_a).len(), 1);
    assert!(net.a_errors.is_empty(), "{:?}", net.a_errors);
}

#[test]
fn a_stream_delivered_one_byte_at_a_time_connects_and_carries_data() {
    let mut net = connected(Transport::Tcp, Chunking::ByteAtATime);
    exchange(&mut net);
    assert_eq!(net.a_reads, net.a_read.len(), "one read per byte");
    assert!(net.a_errors.is_empty(), "{:?}", net.a_errors);
}

#[test]
fn several_messages_in_one_read_are_all_delivered() {
    let mut net = connected(Transport::Tcp, Chunking::Coalesced);
    exchange(&mut net);
    net.data_a.clear();
    let reads = net.a_reads;
    for m in [&b"one"[..], b"two", b"three"] {
        net.b_sends(m);
    }
    assert!(net.run_until(Duration::from_secs(5), |n| n.data_a.len() == 3));
    assert_eq!(net.a_reads, reads + 1, "the three arrived in one read");
    assert_eq!(
        net.data_a,
        [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
    );
}

#[test]
fn tls_is_the_same_bytes_with_another_label() {
    let mut tcp = connected(Transport::Tcp, Chunking::Whole);
    let mut tls = connected(Transport::Tls, Chunking::Whole);
    let (t_tcp, t_tls) = (exchange(&mut tcp), exchange(&mut tls));
    assert_eq!(stream_requests(&tls.events_a)[0].1, Transport::Tls);
    assert_eq!(t_tls.transport, Transport::Tls);
    assert_eq!(t_tcp.contents, t_tls.contents);
    assert!(!tls.a_wrote.is_empty() && !tls.a_read.is_empty());
    let first = tcp
        .a_wrote
        .iter()
        .zip(&tls.a_wrote)
        .position(|(x, y)| x != y);
    assert!(
        tcp.a_wrote == tls.a_wrote,
        "A wrote the same bytes: {} / {}, first difference at {first:?}: {:02x?} / {:02x?}",
        tcp.a_wrote.len(),
        tls.a_wrote.len(),
        &tcp.a_wrote[first.unwrap_or(0).saturating_sub(8)..][..40],
        &tls.a_wrote[first.unwrap_or(0).saturating_sub(8)..][..40],
    );
    assert!(tcp.a_read == tls.a_read, "A read the same bytes");
    assert_eq!(tls.a.state(), ConnectionState::Connected);
}

#[test]
fn a_stream_that_cannot_connect_is_a_typed_failure_and_gathering_ends() {
    let mut net = TurnNet::new(Transport::Tcp, 2);
    net.answer = Answer::Fail;
    assert!(net.run_until(Duration::from_secs(5), gathered));
    assert_eq!(
        relay_failures(&net.events_a),
        [(Transport::Tcp, RelayFailure::ConnectFailed)]
    );
    assert!(net.events_a.iter().any(|e| matches!(
        e,
        IceEvent::RelayFailed { server, component: 1, .. } if *server == addr(SERVER)
    )));
    assert!(net.relayed_candidates().is_empty());
    // The embedder knows the stream failed: it is not asked to close it, and the id is gone.
    assert!(closes(&net.events_a).is_empty());
    let id = stream_requests(&net.events_a)[0].0;
    let now = net.now;
    assert_eq!(
        net.a.turn_stream_connected(now, id, addr(A_HOST)),
        Err(IceError::UnknownTurnStream(id))
    );
    assert_eq!(
        net.a.turn_stream_failed(now, id),
        Err(IceError::UnknownTurnStream(id))
    );
}

#[test]
fn a_stream_never_answered_times_out() {
    let mut net = TurnNet::new(Transport::Tcp, 3);
    net.answer = Answer::Ignore;
    net.run_for(Duration::from_millis(9_900));
    assert!(relay_failures(&net.events_a).is_empty() && !gathered(&net));
    assert!(net.run_until(Duration::from_secs(11), gathered));
    assert_eq!(
        relay_failures(&net.events_a),
        [(
            Transport::Tcp,
            RelayFailure::ConnectTimeout(Duration::from_secs(10))
        )]
    );
    // The embedder may still be connecting: it is told to give up.
    let id = stream_requests(&net.events_a)[0].0;
    assert_eq!(closes(&net.events_a), [id]);
}

#[test]
fn a_stream_closed_by_the_server_fails_the_relayed_pairs_without_panic() {
    let mut net = connected(Transport::Tcp, Chunking::Whole);
    let open = net.open[0];
    net.close_stream(open.id);
    let now = net.now;
    net.a.turn_stream_closed(now, open.id).unwrap();
    assert_eq!(
        relay_failures(&core::iter::from_fn(|| net.a.poll_event()).collect::<Vec<_>>()),
        [(Transport::Tcp, RelayFailure::StreamClosed)]
    );
    // Nothing can go out on the relay; bytes on the old flow are not the agent's.
    assert_eq!(
        net.a.send(net.sa, 1, b"x").unwrap_err(),
        IceError::NotConnected
    );
    let flow = TurnNet::flow_of(&open);
    assert_eq!(
        net.a.handle_receive(now, flow, &[0, 1, 0, 0]),
        Err(IceError::NotIce)
    );
    assert_eq!(
        net.a.turn_stream_closed(now, open.id),
        Err(IceError::UnknownTurnStream(open.id))
    );
    assert!(
        net.a
            .pairs()
            .iter()
            .filter(|p| p.local == addr(RELAYED))
            .all(|p| !p.valid)
    );
    // Consent runs out on the selected pair: A fails, B too (the relay is gone for it).
    assert!(net.run_until(Duration::from_secs(60), |n| {
        n.a.state() == ConnectionState::Failed && n.b.state() == ConnectionState::Failed
    }));
    assert_eq!(net.server.allocation_count(), 0);
}

#[test]
fn bytes_out_of_sync_close_the_stream() {
    let mut net = connected(Transport::Tcp, Chunking::Whole);
    let open = net.open[0];
    net.read_a(TurnNet::flow_of(&open), &[0xFF; 8]);
    net.run_until(Duration::ZERO, |_| true);
    assert!(matches!(
        relay_failures(&net.events_a).as_slice(),
        [(Transport::Tcp, RelayFailure::OutOfSync(_))]
    ));
    assert_eq!(closes(&net.events_a), [open.id]);
    assert!(net.open.is_empty(), "the harness closed it when asked");
    assert_eq!(net.server.allocation_count(), 0);
}

#[test]
fn a_refused_allocation_closes_the_stream() {
    let mut net = TurnNet::with_password(Transport::Tcp, 4, "wrong");
    assert!(net.run_until(Duration::from_secs(5), gathered));
    assert_eq!(
        relay_failures(&net.events_a),
        [(
            Transport::Tcp,
            RelayFailure::AllocationFailed(TurnFailure::Unauthorized)
        )]
    );
    assert_eq!(closes(&net.events_a).len(), 1);
    assert!(net.open.is_empty());
}

#[test]
fn close_asks_the_embedder_to_close_every_stream() {
    let mut net = connected(Transport::Tcp, Chunking::Whole);
    let id = net.open[0].id;
    net.a.close();
    net.run_until(Duration::ZERO, |_| true);
    assert_eq!(closes(&net.events_a), [id]);
    assert!(net.open.is_empty());
    assert_eq!(net.server.allocation_count(), 0);
    assert!(
        relay_failures(&net.events_a).is_empty(),
        "closing is no failure"
    );
    assert_eq!(net.a.send(net.sa, 1, b"x"), Err(IceError::Closed));
}

#[test]
fn a_restart_keeps_the_stream_and_the_relay() {
    let mut net = connected(Transport::Tcp, Chunking::Whole);
    let now = net.now;
    let new_a = net.a.restart(now);
    net.b.set_remote_credentials(now, new_a);
    let new_b = net.b.restart(now);
    net.a.set_remote_credentials(now, new_b);
    net.run_for(Duration::from_secs(10));
    assert!(net.both_connected());
    assert_eq!(net.a.selected_pair(net.sa, 1).unwrap().local, addr(RELAYED));
    assert_eq!(stream_requests(&net.events_a).len(), 1);
    assert!(closes(&net.events_a).is_empty());
    exchange(&mut net);
}

#[test]
fn streams_waiting_to_connect_are_capped() {
    let now = Instant::now();
    let mut c = config(Role::Controlling, 5);
    c.max_pending_turn_streams = 2;
    let mut agent = IceAgent::new(c, now);
    let s = agent.add_stream(1).unwrap();
    agent.add_local_address(s, 1, addr(A_HOST)).unwrap();
    for i in 1..=3 {
        let server = format!("192.0.2.{i}:3478").parse().unwrap();
        agent.add_turn_server(TurnServer::new(server, "u", "p").with_transport(Transport::Tcp));
    }
    agent.gather(now);
    let events = |a: &mut IceAgent| core::iter::from_fn(|| a.poll_event()).collect::<Vec<_>>();
    let first = stream_requests(&events(&mut agent));
    assert_eq!(first.len(), 2);
    // Connected streams no longer wait: the third is asked for.
    let local = "198.51.100.1:40000".parse().unwrap();
    agent.turn_stream_connected(now, first[0].0, local).unwrap();
    assert_eq!(
        agent.turn_stream_connected(now, first[0].0, local),
        Err(IceError::TurnStreamAlreadyConnected(first[0].0))
    );
    let third = stream_requests(&events(&mut agent));
    assert_eq!(third.len(), 1);
    assert!(third[0].0 != first[0].0 && third[0].0 != first[1].0);
    // Each connect deadline is a timer of the agent.
    assert_eq!(
        agent.poll_timeout(),
        Some(now + floe_ice::DEFAULT_TURN_CONNECT_TIMEOUT)
    );
}

#[test]
fn a_udp_allocation_that_fails_is_reported_too() {
    let mut now = Instant::now();
    let mut agent = IceAgent::new(config(Role::Controlling, 6), now);
    let s = agent.add_stream(1).unwrap();
    agent.add_local_address(s, 1, addr(A_HOST)).unwrap();
    agent.add_turn_server(TurnServer::new(addr(SERVER), "u", "p"));
    agent.gather(now);
    let mut events = Vec::new();
    // The server never answers.
    while let Some(at) = agent.poll_timeout() {
        while agent.poll_transmit().is_some() {}
        now = at;
        agent.handle_timeout(now);
        events.extend(core::iter::from_fn(|| agent.poll_event()));
    }
    assert_eq!(
        relay_failures(&events),
        [(
            Transport::Udp,
            RelayFailure::AllocationFailed(TurnFailure::Timeout)
        )]
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, IceEvent::GatheringComplete { .. }))
    );
}
