//! TCP allocations (RFC 6062) for `floe turn serve`: a listening socket per relayed address,
//! outgoing connections for Connect, and byte pipes once a data connection is bound.
//!
//! std's `TcpStream` cannot choose its source address before connecting, so connections the
//! server opens for Connect come from an ephemeral port, not from the relayed address.

use core::net::SocketAddr;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use floe_cli::sockets::is_timeout;
use floe_turn::ConnectionId;

use super::serve::{Input, POLL};

/// Where the bytes of a bound data connection go: its client address → the peer socket.
pub(super) type Pipes = Arc<Mutex<HashMap<SocketAddr, TcpStream>>>;

/// The peer socket a data connection is piped to, if it is bound.
pub(super) fn pipe_of(pipes: &Pipes, client: SocketAddr) -> Option<TcpStream> {
    let map = pipes.lock().unwrap_or_else(PoisonError::into_inner);
    map.get(&client).and_then(|s| s.try_clone().ok())
}

/// Listens on a relayed TCP address; accepted peers are reported as [`Input::PeerAccepted`].
pub(super) fn listen(
    ip: core::net::IpAddr,
    tx: &Sender<Input>,
    stop: &Arc<AtomicBool>,
    global: &Arc<AtomicBool>,
) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind(SocketAddr::new(ip, 0))?;
    listener.set_nonblocking(true)?;
    let relay = listener.local_addr()?;
    let (tx, stop, global) = (tx.clone(), Arc::clone(stop), Arc::clone(global));
    thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) && !global.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((stream, peer)) => {
                    let _ = stream.set_nonblocking(false);
                    if tx
                        .send(Input::PeerAccepted {
                            relay,
                            peer,
                            stream,
                        })
                        .is_err()
                    {
                        return;
                    }
                }
                Err(_) => thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    Ok(relay)
}

/// Connects to `peer` for a Connect request and reports [`Input::PeerConnected`].
pub(super) fn connect(id: ConnectionId, peer: SocketAddr, tx: &Sender<Input>) {
    let tx = tx.clone();
    thread::spawn(move || {
        let stream = TcpStream::connect_timeout(&peer, Duration::from_secs(10)).ok();
        let _ = tx.send(Input::PeerConnected { id, stream });
    });
}

/// Copies the peer's bytes to the client's data connection until either side closes.
pub(super) fn pipe_peer_to_client(
    mut peer: TcpStream,
    mut client: TcpStream,
    stop: &Arc<AtomicBool>,
) {
    let stop = Arc::clone(stop);
    thread::spawn(move || {
        let _ = peer.set_read_timeout(Some(POLL));
        let mut buf = vec![0u8; 16_384];
        while !stop.load(Ordering::Relaxed) {
            match peer.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if client.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                Err(e) if is_timeout(&e) => {}
                Err(_) => break,
            }
        }
        let _ = client.shutdown(Shutdown::Both);
        let _ = peer.shutdown(Shutdown::Both);
    });
}
