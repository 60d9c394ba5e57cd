//! The client side's one connection to its TURN server: a UDP socket or a TCP stream.

use core::net::SocketAddr;
use core::time::Duration;
use std::io::{self, Read, Write};
use std::net::{TcpStream, UdpSocket};

/// Whether a read error only means that the read timeout passed (or a signal interrupted it):
/// the caller should simply read again.
#[must_use]
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// A socket to the server.
#[derive(Debug)]
#[non_exhaustive]
pub enum Conn {
    /// A UDP socket; every datagram is sent to its own destination.
    Udp(UdpSocket),
    /// A TCP stream connected to the server (Nagle off).
    Tcp(TcpStream),
}

impl Conn {
    /// Opens a UDP socket on the loopback or unspecified address of the server's family, or
    /// connects over TCP (within 5 s).
    ///
    /// # Errors
    /// When the socket cannot be bound or the server cannot be reached over TCP.
    pub fn open(server: SocketAddr, tcp: bool) -> io::Result<Self> {
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

    /// Sends bytes to `to` (UDP) or down the stream (TCP, where `to` is ignored).
    ///
    /// # Errors
    /// The socket's error.
    pub fn send(&mut self, to: SocketAddr, data: &[u8]) -> io::Result<()> {
        match self {
            Self::Udp(s) => s.send_to(data, to).map(drop),
            Self::Tcp(s) => s.write_all(data),
        }
    }

    /// Waits up to `timeout` (at least 1 ms) for bytes and returns how many came and from
    /// where (`server` for TCP); `Ok(None)` when none came.
    ///
    /// # Errors
    /// The socket's error; [`io::ErrorKind::UnexpectedEof`] when the server closed the TCP
    /// stream.
    pub fn recv(
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
