//! The client side's one connection to its TURN server: a UDP socket or a TCP stream.
//!
//! floe-interop's `ClientDriver` compiles this same file (through `#[path]`), so it must need
//! nothing but std: no clap, no serde, nothing else from this crate.

use core::net::SocketAddr;
use core::time::Duration;
use std::io::{self, Read, Write};
use std::net::{TcpStream, UdpSocket};

/// Whether a read error only means that the read timeout passed.
pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// A socket to the server.
#[derive(Debug)]
pub(super) enum Conn {
    Udp(UdpSocket),
    Tcp(TcpStream),
}

impl Conn {
    /// Opens a UDP socket on the loopback or unspecified address of the server's family, or
    /// connects over TCP.
    pub(super) fn open(server: SocketAddr, tcp: bool) -> io::Result<Self> {
        if tcp {
            let s = TcpStream::connect_timeout(&server, Duration::from_secs(5))?;
            s.set_nodelay(true)?;
            return Ok(Self::Tcp(s));
        }
        let local: SocketAddr = match (server.is_ipv4(), server.ip().is_loopback()) {
            (true, true) => "127.0.0.1:0".parse(),
            (true, false) => "0.0.0.0:0".parse(),
            (false, true) => "[::1]:0".parse(),
            (false, false) => "[::]:0".parse(),
        }
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(Self::Udp(UdpSocket::bind(local)?))
    }

    /// Sends bytes to `to` (UDP) or down the stream.
    pub(super) fn send(&mut self, to: SocketAddr, data: &[u8]) -> io::Result<()> {
        match self {
            Self::Udp(s) => s.send_to(data, to).map(drop),
            Self::Tcp(s) => s.write_all(data),
        }
    }

    /// Waits up to `timeout` for bytes; `Ok(None)` when none came.
    pub(super) fn recv(
        &mut self,
        buf: &mut [u8],
        timeout: Duration,
        server: SocketAddr,
    ) -> io::Result<Option<(usize, SocketAddr)>> {
        let timeout = timeout.max(Duration::from_millis(1));
        let got = match self {
            Self::Udp(s) => {
                s.set_read_timeout(Some(timeout))?;
                s.recv_from(buf)
            }
            Self::Tcp(s) => {
                s.set_read_timeout(Some(timeout))?;
                match s.read(buf) {
                    Ok(0) => {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the server closed the connection",
                        ));
                    }
                    other => other.map(|n| (n, server)),
                }
            }
        };
        match got {
            Ok(r) => Ok(Some(r)),
            Err(e) if is_timeout(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
