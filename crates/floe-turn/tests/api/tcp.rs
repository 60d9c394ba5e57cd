//! TCP allocations (RFC 6062), our client against our server in process.

use core::net::SocketAddr;
use core::time::Duration;

use floe_turn::{
    Client, ClientConfig, ClientError, ConnectionId, DataConnection, DataConnectionState,
    ErrorCode, Failure, FiveTuple, RelayTransport, ServerEvent, TcpCloseReason, Transport,
    TurnEvent,
};

use super::harness::{Net, peer, server_addr};

/// A client with a TCP allocation over a stream; returns the net, the client and the relayed
/// address.
fn tcp_allocated() -> (Net<floe_turn::StaticCredentials>, usize, SocketAddr) {
    let mut net = Net::new();
    let c = net.add_client("alice", "secret", Transport::Tcp);
    let mut cfg = ClientConfig::new(server_addr(), "alice", "secret");
    cfg.transport = Transport::Tcp;
    cfg.relay_transport = RelayTransport::Tcp;
    cfg.rng_seed = Some([11; 32]);
    net.clients[c].1 = Client::new(cfg);
    let relayed = net.allocate(c);
    (net, c, relayed)
}

/// Binds a data connection from client port 60000+`n` and returns its 5-tuple and whatever
/// application bytes followed the response.
fn bind(
    net: &mut Net<floe_turn::StaticCredentials>,
    c: usize,
    id: ConnectionId,
    n: u16,
    trailing: &[u8],
) -> (DataConnection, FiveTuple, Vec<u8>) {
    let data = FiveTuple {
        remote: SocketAddr::new(net.clients[c].0.ip(), 60_000 + n),
        local: server_addr(),
        transport: Transport::Tcp,
    };
    let now = net.now;
    let mut dc = net.client(c).connection_bind(now, id).unwrap();
    let mut rest = Vec::new();
    // A 438 (another nonce) is retried by the data connection itself.
    while let Some(request) = dc.poll_transmit() {
        assert!(
            net.server
                .handle_receive(now, data, &request.contents)
                .is_none()
        );
        let response = net.server.poll_transmit().expect("a ConnectionBind answer");
        assert_eq!(response.destination, data.remote);
        let mut bytes = response.contents.to_vec();
        bytes.extend_from_slice(trailing);
        rest = dc.handle_receive(now, &bytes).unwrap().into_owned();
    }
    (dc, data, rest)
}

#[test]
fn client_initiated_connection_is_bound_and_handed_over() {
    let (mut net, c, relayed) = tcp_allocated();
    let now = net.now;
    net.client(c).connect(now, peer()).unwrap();
    net.settle();
    let (id, to) = net
        .server_events
        .iter()
        .find_map(|e| match e {
            ServerEvent::TcpConnectRequested {
                id, relayed, peer, ..
            } => Some((*id, (*relayed, *peer))),
            _ => None,
        })
        .expect("the server asks the embedder to connect");
    assert_eq!(to, (relayed, peer()));
    assert!(net.server.tcp_connect_result(now, id, true));
    net.settle();
    let events = net.take_events(c);
    assert!(
        events.contains(&TurnEvent::TcpConnected { peer: peer(), id }),
        "{events:?}"
    );

    let (dc, data, rest) = bind(&mut net, c, id, 1, b"first peer bytes");
    assert_eq!(dc.state(), &DataConnectionState::Bound);
    assert_eq!(rest, b"first peer bytes");
    net.settle();
    assert!(net.server_events.iter().any(|e| matches!(
        e,
        ServerEvent::TcpConnectionBound { id: i, data: d, peer: p, relayed: Some(r) }
            if *i == id && *d == data && *p == peer() && *r == relayed
    )));

    // A second Connect to the same peer is refused while the first is pending; after the
    // bind the peer may be connected again.
    let now = net.now;
    net.client(c).connect(now, peer()).unwrap();
    net.settle();
    net.client(c).connect(now, peer()).unwrap();
    net.settle();
    let events = net.take_events(c);
    assert!(
        events.contains(&TurnEvent::TcpConnectFailed {
            peer: peer(),
            reason: Failure::ConnectionAlreadyExists
        }),
        "{events:?}"
    );
}

#[test]
fn connect_failure_is_447_and_unbound_connections_expire() {
    let (mut net, c, _) = tcp_allocated();
    let now = net.now;
    net.client(c).connect(now, peer()).unwrap();
    net.settle();
    let id = last_connect_request(&net);
    assert!(!net.server.tcp_connect_result(now, id, false));
    net.settle();
    assert!(net.take_events(c).contains(&TurnEvent::TcpConnectFailed {
        peer: peer(),
        reason: Failure::ConnectionFailed
    }));

    net.client(c).connect(now, peer()).unwrap();
    net.settle();
    let id = last_connect_request(&net);
    net.server.tcp_connect_result(now, id, true);
    net.settle();
    net.advance(Duration::from_secs(31));
    assert!(net.server_events.iter().any(|e| matches!(
        e,
        ServerEvent::TcpConnectionClosed { id: i, reason: TcpCloseReason::BindTimeout } if *i == id
    )));
    // Binding the expired connection now fails with 400.
    let (dc, _, _) = bind(&mut net, c, id, 2, b"");
    assert_eq!(
        dc.state(),
        &DataConnectionState::Failed(Failure::ErrorResponse {
            code: ErrorCode::BAD_REQUEST
        })
    );
}

fn last_connect_request(net: &Net<floe_turn::StaticCredentials>) -> ConnectionId {
    net.server_events
        .iter()
        .rev()
        .find_map(|e| match e {
            ServerEvent::TcpConnectRequested { id, .. } => Some(*id),
            _ => None,
        })
        .expect("a connect request")
}

#[test]
fn peer_initiated_connection_needs_a_permission() {
    let (mut net, c, relayed) = tcp_allocated();
    let now = net.now;
    assert_eq!(net.server.tcp_peer_accepted(now, relayed, peer()), None);
    net.client(c).create_permission(now, peer().ip()).unwrap();
    net.settle();
    let id = net.server.tcp_peer_accepted(now, relayed, peer()).unwrap();
    net.settle();
    let events = net.take_events(c);
    assert!(
        events.contains(&TurnEvent::TcpConnectionAttempt { peer: peer(), id }),
        "{events:?}"
    );
    let (dc, _, rest) = bind(&mut net, c, id, 3, b"");
    assert_eq!(dc.state(), &DataConnectionState::Bound);
    assert!(rest.is_empty());
}

#[test]
fn udp_only_operations_are_refused_on_tcp_allocations() {
    let (mut net, c, _) = tcp_allocated();
    let now = net.now;
    net.client(c).bind_channel(now, peer()).unwrap();
    net.settle();
    let events = net.take_events(c);
    assert!(
        events.iter().any(|e| matches!(
            e,
            TurnEvent::ChannelBindFailed {
                reason: Failure::ErrorResponse {
                    code: ErrorCode::BAD_REQUEST
                },
                ..
            }
        )),
        "{events:?}"
    );
    // A TCP allocation over UDP is refused before anything is sent.
    let mut cfg = ClientConfig::new(server_addr(), "alice", "secret");
    cfg.relay_transport = RelayTransport::Tcp;
    cfg.rng_seed = Some([12; 32]);
    let mut udp = Client::new(cfg);
    assert_eq!(udp.allocate(now), Err(ClientError::NotTcpAllocation));
    // And Connect needs a TCP allocation.
    let mut net = Net::new();
    let u = net.add_client("alice", "secret", Transport::Udp);
    net.allocate(u);
    assert_eq!(
        net.client(u).connect(now, peer()),
        Err(ClientError::NotTcpAllocation)
    );
}
