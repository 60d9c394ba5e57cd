//! [`ClientDriver`]: a [`Client`] run over a [`Conn`], every wait bounded by a deadline.

use core::fmt;
use core::net::SocketAddr;
use core::time::Duration;
use std::io;
use std::time::Instant;

use floe_turn::{Client, ClientConfig, ClientError, FramingError, Received, Transport, TurnEvent};

use super::Conn;

/// What [`ClientDriver::wait_for_seen`] shows its picker.
#[derive(Debug)]
#[non_exhaustive]
pub enum Seen<'a> {
    /// An event of the client.
    Event(&'a TurnEvent),
    /// Peer data, borrowed from the receive buffer.
    Data(Received<'a>),
}

/// Why a [`ClientDriver`] call did not deliver.
#[derive(Debug)]
#[non_exhaustive]
pub enum DriveError {
    /// The deadline passed before the picker accepted anything.
    TimedOut {
        /// The time the call waited.
        after: Duration,
        /// The events the picker saw and declined meanwhile.
        seen: Vec<TurnEvent>,
    },
    /// The client reported a failure the picker did not accept: a `Failed`,
    /// `AllocationLost`, `PermissionFailed` or `ChannelBindFailed` event (boxed: it is large).
    Failed(Box<TurnEvent>),
    /// The client refused the command (for [`ClientDriver::send_to`]).
    Refused(ClientError),
    /// The TCP stream from the server is out of sync.
    Framing(FramingError),
    /// Sending to the server failed.
    Send {
        /// Where the bytes were going.
        to: SocketAddr,
        /// The socket's error.
        source: io::Error,
    },
    /// Receiving failed; [`io::ErrorKind::UnexpectedEof`] when the server closed the TCP
    /// stream.
    Receive(io::Error),
}

impl fmt::Display for DriveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TimedOut { after, seen } if seen.is_empty() => {
                write!(f, "no answer within {after:?}")
            }
            Self::TimedOut { after, seen } => {
                write!(f, "no answer within {after:?}; events seen: {seen:?}")
            }
            Self::Failed(event) => match &**event {
                TurnEvent::Failed { reason }
                | TurnEvent::AllocationLost { reason }
                | TurnEvent::PermissionFailed { reason, .. }
                | TurnEvent::ChannelBindFailed { reason, .. } => write!(f, "{reason}"),
                other => write!(f, "{other:?}"),
            },
            Self::Refused(e) => write!(f, "{e}"),
            Self::Framing(e) => write!(f, "stream out of sync: {e}"),
            Self::Send { to, source } => write!(f, "send to {to}: {source}"),
            Self::Receive(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for DriveError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Refused(e) => Some(e),
            Self::Framing(e) => Some(e),
            Self::Send { source, .. } => Some(source),
            Self::Receive(e) => Some(e),
            Self::TimedOut { .. } | Self::Failed(_) => None,
        }
    }
}

/// Whether the picker must stop on `e` when it declines it.
fn is_failure(e: &TurnEvent) -> bool {
    matches!(
        e,
        TurnEvent::Failed { .. }
            | TurnEvent::AllocationLost { .. }
            | TurnEvent::PermissionFailed { .. }
            | TurnEvent::ChannelBindFailed { .. }
    )
}

/// Runs a [`Client`] over a real UDP socket or TCP stream to its server.
///
/// Give the client commands through [`ClientDriver::client`], then wait for their outcome with
/// [`ClientDriver::wait_for`] (events) or [`ClientDriver::wait_for_seen`] (events and peer
/// data); both send what the client queued, feed it what arrives and its timeouts, until the
/// picker accepts something, a failure event comes, or the deadline passes.
#[derive(Debug)]
pub struct ClientDriver {
    /// The client: call its commands (`allocate`, `create_permission`, ...) directly.
    pub client: Client,
    conn: Conn,
    buf: Vec<u8>,
    out: Vec<u8>,
}

impl ClientDriver {
    /// Opens a socket to `config.server` (UDP, or TCP for [`Transport::Tcp`]) and makes the
    /// client.
    ///
    /// # Errors
    /// When the socket cannot be opened, or for [`Transport::Tls`] (not supported here).
    pub fn connect(config: ClientConfig) -> io::Result<Self> {
        let tcp = match config.transport {
            Transport::Udp => false,
            Transport::Tcp => true,
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("transport {other:?} is not supported"),
                ));
            }
        };
        let conn = Conn::open(config.server, tcp)?;
        Ok(Self::with_conn(Client::new(config), conn))
    }

    /// Runs `client` over a connection the caller opened to its server.
    #[must_use]
    pub fn with_conn(client: Client, conn: Conn) -> Self {
        Self {
            client,
            conn,
            buf: vec![0; 65_536],
            out: Vec::new(),
        }
    }

    /// Sends everything the client queued.
    ///
    /// # Errors
    /// [`DriveError::Send`].
    pub fn flush(&mut self) -> Result<(), DriveError> {
        while let Some(t) = self.client.poll_transmit() {
            self.conn
                .send(t.destination, &t.contents)
                .map_err(|source| DriveError::Send {
                    to: t.destination,
                    source,
                })?;
        }
        Ok(())
    }

    /// Sends `data` to `peer` through the relay (a Send indication, or ChannelData once a
    /// channel is bound).
    ///
    /// # Errors
    /// [`DriveError::Refused`] (no allocation, no permission, too long) or
    /// [`DriveError::Send`].
    pub fn send_to(&mut self, peer: SocketAddr, data: &[u8]) -> Result<(), DriveError> {
        self.client
            .send_to(peer, data, &mut self.out)
            .map_err(DriveError::Refused)?;
        let to = self.client.server();
        self.conn
            .send(to, &self.out)
            .map_err(|source| DriveError::Send { to, source })
    }

    /// Drives the client until `pick` accepts an event; see [`ClientDriver::wait_for_seen`].
    ///
    /// # Errors
    /// As [`ClientDriver::wait_for_seen`].
    pub fn wait_for<T>(
        &mut self,
        timeout: Duration,
        mut pick: impl FnMut(&TurnEvent) -> Option<T>,
    ) -> Result<T, DriveError> {
        self.wait_for_seen(timeout, |seen| match seen {
            Seen::Event(e) => pick(e),
            Seen::Data(_) => None,
        })
    }

    /// Drives the client for up to `timeout` until `pick` accepts an event or peer data.
    /// Datagrams the client does not recognise (strays, late retransmissions) are skipped.
    ///
    /// # Errors
    /// [`DriveError::Failed`] when a failure event comes that `pick` declines,
    /// [`DriveError::TimedOut`] with the declined events, or a socket or framing error.
    pub fn wait_for_seen<T>(
        &mut self,
        timeout: Duration,
        mut pick: impl FnMut(Seen<'_>) -> Option<T>,
    ) -> Result<T, DriveError> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            self.flush()?;
            while let Some(e) = self.client.poll_event() {
                if let Some(t) = pick(Seen::Event(&e)) {
                    self.flush()?;
                    return Ok(t);
                }
                if is_failure(&e) {
                    return Err(DriveError::Failed(Box::new(e)));
                }
                seen.push(e);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(DriveError::TimedOut {
                    after: timeout,
                    seen,
                });
            }
            let wake = self
                .client
                .poll_timeout()
                .map_or(deadline, |t| t.min(deadline));
            let wait = wake.saturating_duration_since(now);
            let server = self.client.server();
            if let Some((n, from)) = self
                .conn
                .recv(&mut self.buf, wait, server)
                .map_err(DriveError::Receive)?
            {
                let got = self
                    .client
                    .receive_until(Instant::now(), from, &self.buf[..n], |r| {
                        pick(Seen::Data(r))
                    })
                    .map_err(DriveError::Framing)?;
                if let Some(t) = got {
                    self.flush()?;
                    return Ok(t);
                }
            }
            self.client.handle_timeout(Instant::now());
        }
    }
}
