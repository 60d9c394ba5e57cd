//! RFC 6062 TCP allocations: our client against coturn (live, `#[ignore]`d unless
//! `.ci/interop.sh` runs them), with a TCP echo peer, connections made both ways.

use core::net::SocketAddr;
use core::time::Duration;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Instant;

use floe_cli::sockets::ClientDriver;
use floe_interop::{client_with, coturn};
use floe_turn::{
    ClientConfig, ConnectionId, DataConnectionState, RelayTransport, Transport, TurnEvent,
};

const STEP: Duration = Duration::from_secs(10);

/// A TCP peer on 127.0.0.1 that echoes every connection.
fn tcp_echo_peer() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut s) = stream else { return };
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = s.read(&mut buf) {
                    if n == 0 || s.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// Opens a data connection to `server`, binds it to `id` and returns the raw stream with the
/// peer bytes that arrived together with the response.
fn bind_data_connection(
    d: &mut ClientDriver,
    server: SocketAddr,
    id: ConnectionId,
) -> (TcpStream, Vec<u8>) {
    let mut data = TcpStream::connect_timeout(&server, STEP).unwrap();
    data.set_read_timeout(Some(STEP)).unwrap();
    let mut dc = d.client.connection_bind(Instant::now(), id).unwrap();
    let mut buf = [0u8; 2048];
    let mut rest = Vec::new();
    while let Some(req) = dc.poll_transmit() {
        data.write_all(&req.contents).unwrap();
        let n = data.read(&mut buf).unwrap();
        rest = dc
            .handle_receive(Instant::now(), &buf[..n])
            .unwrap()
            .into_owned();
    }
    assert_eq!(dc.state(), &DataConnectionState::Bound);
    (data, rest)
}

fn echo_through(data: &mut TcpStream, payload: &[u8]) {
    data.write_all(payload).unwrap();
    let mut got = vec![0u8; payload.len()];
    data.read_exact(&mut got).unwrap();
    assert_eq!(got, payload);
}

fn tcp_client(server: SocketAddr) -> ClientDriver {
    let mut cfg = ClientConfig::new(server, "alice", "secret");
    cfg.transport = Transport::Tcp;
    cfg.relay_transport = RelayTransport::Tcp;
    let mut d = client_with(cfg, true).unwrap();
    d.client.allocate(Instant::now()).unwrap();
    d.wait_for(STEP, |e| {
        matches!(e, TurnEvent::Allocated { .. }).then_some(())
    })
    .expect("TCP allocation");
    d
}

#[test]
#[ignore = "needs coturn: run .ci/interop.sh"]
fn tcp_allocation_connect_to_a_peer_through_coturn() {
    let Some(server) = coturn() else { return };
    let peer = tcp_echo_peer();
    let mut d = tcp_client(server);
    d.client.connect(Instant::now(), peer).unwrap();
    let id = d
        .wait_for(STEP, |e| match e {
            TurnEvent::TcpConnected { peer: p, id } if *p == peer => Some(*id),
            TurnEvent::TcpConnectFailed { reason, .. } => panic!("connect failed: {reason}"),
            _ => None,
        })
        .expect("connected");
    let (mut data, rest) = bind_data_connection(&mut d, server, id);
    assert!(rest.is_empty());
    echo_through(&mut data, b"floe interop: RFC 6062 client-initiated");
    d.client.close(Instant::now()).unwrap();
    d.wait_for(STEP, |e| matches!(e, TurnEvent::Closed).then_some(()))
        .expect("deleted");
}

#[test]
#[ignore = "needs coturn: run .ci/interop.sh"]
fn tcp_allocation_accepts_a_peer_through_coturn() {
    let Some(server) = coturn() else { return };
    let mut d = tcp_client(server);
    let relayed = d.client.relayed().unwrap();
    d.client
        .create_permission(Instant::now(), "127.0.0.1".parse().unwrap())
        .unwrap();
    d.wait_for(STEP, |e| {
        matches!(e, TurnEvent::PermissionCreated { .. }).then_some(())
    })
    .expect("permission");
    // The peer connects to the relayed address and waits for its bytes to come back.
    let peer = thread::spawn(move || {
        let mut s = TcpStream::connect_timeout(&relayed, STEP).unwrap();
        s.set_read_timeout(Some(STEP)).unwrap();
        s.write_all(b"hello from the peer").unwrap();
        let mut got = [0u8; 19];
        s.read_exact(&mut got).unwrap();
        got
    });
    let id = d
        .wait_for(STEP, |e| match e {
            TurnEvent::TcpConnectionAttempt { id, .. } => Some(*id),
            _ => None,
        })
        .expect("ConnectionAttempt");
    let (mut data, mut got) = bind_data_connection(&mut d, server, id);
    // The peer's bytes may come with the ConnectionBind response or after it.
    let mut buf = [0u8; 64];
    while got.len() < 19 {
        let n = data.read(&mut buf).unwrap();
        assert!(n > 0, "the data connection closed");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"hello from the peer");
    data.write_all(&got).unwrap();
    assert_eq!(&peer.join().unwrap(), b"hello from the peer");
}
