//! The client's data path (RFC 8656 §10–§12): application data out through Send indications
//! or ChannelData written into the caller's buffer, and peer data in (Data indications and
//! ChannelData) handed back borrowed from the input, with no allocation per packet.

use core::net::SocketAddr;
use std::time::Instant;

use floe_stun::attributes::{Data, XorPeerAddress};
use floe_stun::channel_data::{ChannelData, ChannelRange};
use floe_stun::demux::Demux;
use floe_stun::framing::FramingError;
use floe_stun::{Class, Method};

use super::{Client, ClientError, ClientState, ReceiveError, requests};
use crate::wire::{self, get};

/// Application data from a peer, borrowed from what was passed to
/// [`Client::handle_receive`] (or from the client's stream buffer).
///
/// ```
/// # use std::time::Instant;
/// # use floe_turn::{Client, ClientConfig};
/// # let mut client = Client::new(ClientConfig::new("127.0.0.1:3478".parse().unwrap(), "u", "p"));
/// # let datagram = [0u8; 0];
/// if let Ok(Some(got)) = client.handle_receive(Instant::now(), client.server(), &datagram) {
///     println!("{} bytes from {}", got.data.len(), got.peer);
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Received<'a> {
    /// The peer that sent it.
    pub peer: SocketAddr,
    /// The payload.
    pub data: &'a [u8],
    /// Whether it arrived on a channel (ChannelData) rather than in a Data indication.
    pub via_channel: bool,
}

/// What comes from the server: STUN, or ChannelData on any RFC 5766 channel (RFC 5766 §11);
/// only the channels this client bound (RFC 8656's range) are then accepted.
const TURN_DEMUX: Demux = Demux::turn(ChannelRange::Rfc5766);

/// Whether `bytes` is peer data: ChannelData, or a Data indication (RFC 8656 §11.4, §12.4).
fn is_peer_data(bytes: &[u8]) -> bool {
    let typ = floe_stun::MessageType::new(Method::DATA, Class::Indication).to_u16();
    TURN_DEMUX.is_channel_data(bytes)
        || bytes
            .first_chunk::<2>()
            .is_some_and(|b| u16::from_be_bytes(*b) == typ)
}

impl Client {
    /// Writes `data` for `peer` into `out` (cleared first): ChannelData once a channel to the
    /// peer is bound, a Send indication otherwise (RFC 8656 §10.1, §12.5). Send `out` to
    /// [`Client::server`]. Reusing `out` keeps the data path free of allocation.
    ///
    /// # Errors
    /// [`ClientError::NotAllocated`], [`ClientError::NoPermission`] for a peer without a
    /// permission or channel, [`ClientError::DataTooLong`].
    pub fn send_to(
        &mut self,
        peer: SocketAddr,
        data: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), ClientError> {
        out.clear();
        if !matches!(self.state, ClientState::Allocated) {
            return Err(ClientError::NotAllocated);
        }
        if data.len() > usize::from(u16::MAX) - 64 {
            return Err(ClientError::DataTooLong { len: data.len() });
        }
        if let Some(number) = self.channel(&peer) {
            let pad = self.config.transport.is_stream();
            let cd = ChannelData::new(number, data)
                .map_err(|_| ClientError::DataTooLong { len: data.len() })?;
            cd.encode(out, pad);
            return Ok(());
        }
        if !self.permissions.contains_key(&peer.ip()) && !self.channels.contains_key(&peer) {
            return Err(ClientError::NoPermission { peer: peer.ip() });
        }
        let tid = self.new_tid();
        if requests::encode_send_indication(peer, data, tid, out) {
            Ok(())
        } else {
            out.clear();
            Err(ClientError::DataTooLong { len: data.len() })
        }
    }

    /// Handles bytes from the server.
    ///
    /// - UDP: `bytes` is one datagram. Peer data (a Data indication or ChannelData) comes
    ///   back borrowed from it, without copying; anything else (responses, ConnectionAttempt)
    ///   updates the client and gives `None`. The result borrows `bytes` only, not the client.
    /// - Stream (TCP/TLS): `bytes` is the next piece of the stream; it is buffered and
    ///   `Ok(None)` is returned. Then call [`Client::poll_received`] until it gives
    ///   `Ok(None)`: it applies the messages and hands back the peer data among them.
    ///
    /// # Errors
    /// [`ReceiveError`] for input that is not from the server, malformed, unexpected or not
    /// authenticated; the client's state is unchanged by it.
    pub fn handle_receive<'a>(
        &mut self,
        now: Instant,
        from: SocketAddr,
        bytes: &'a [u8],
    ) -> Result<Option<Received<'a>>, ReceiveError> {
        if self.config.transport.is_stream() {
            self.framer.push(bytes);
            return Ok(None);
        }
        if from != self.server {
            return Err(ReceiveError::NotFromServer { from });
        }
        if is_peer_data(bytes) {
            return self.peer_data(bytes).map(Some);
        }
        self.handle_message(now, bytes).map(|()| None)
    }

    /// The next peer data of the stream (TCP/TLS transport) buffered by
    /// [`Client::handle_receive`], borrowed from the client's stream buffer, after applying
    /// the other messages before it; `Ok(None)` when the buffered bytes are used up. Always
    /// `Ok(None)` over UDP.
    ///
    /// # Errors
    /// [`ReceiveError`] for one bad message (keep polling), or
    /// [`ReceiveError::Framing`] when the stream is out of sync (close it).
    pub fn poll_received(&mut self, now: Instant) -> Result<Option<Received<'_>>, ReceiveError> {
        if !self.config.transport.is_stream() {
            return Ok(None);
        }
        loop {
            let Some((_, range)) = self.framer.pop_range()? else {
                return Ok(None);
            };
            if is_peer_data(self.framer.frame(range.clone())) {
                return self.peer_data(self.framer.frame(range)).map(Some);
            }
            // Control messages are rare (responses, ConnectionAttempt); copying them frees
            // the framer for the state machine.
            let frame = self.framer.frame(range).to_vec();
            self.handle_message(now, &frame)?;
        }
    }

    /// Handles bytes from the server and offers the peer data in them to `pick`, first that
    /// of [`Client::handle_receive`], then each piece [`Client::poll_received`] hands back,
    /// until `pick` returns `Some`: for drivers that wait for one event or payload. Peer data
    /// still buffered after that stays for the next [`Client::poll_received`].
    ///
    /// Input the client rejects for itself (a stray datagram, a malformed or unauthenticated
    /// message: any other [`ReceiveError`]) is skipped, as it leaves the client unchanged.
    ///
    /// ```
    /// # use std::time::Instant;
    /// # use floe_turn::{Client, ClientConfig};
    /// # let mut client = Client::new(ClientConfig::new("127.0.0.1:3478".parse().unwrap(), "u", "p"));
    /// # let datagram = [0u8; 0];
    /// let server = client.server();
    /// let got = client.receive_until(Instant::now(), server, &datagram, |r| {
    ///     (r.peer.port() == 5000).then(|| r.data.to_vec())
    /// });
    /// assert_eq!(got, Ok(None));
    /// ```
    ///
    /// # Errors
    /// A [`FramingError`] when the stream is out of sync (close it).
    pub fn receive_until<T>(
        &mut self,
        now: Instant,
        from: SocketAddr,
        bytes: &[u8],
        mut pick: impl FnMut(Received<'_>) -> Option<T>,
    ) -> Result<Option<T>, FramingError> {
        if let Ok(Some(r)) = self.handle_receive(now, from, bytes)
            && let Some(t) = pick(r)
        {
            return Ok(Some(t));
        }
        loop {
            match self.poll_received(now) {
                Ok(Some(r)) => {
                    if let Some(t) = pick(r) {
                        return Ok(Some(t));
                    }
                }
                Ok(None) => return Ok(None),
                Err(ReceiveError::Framing(e)) => return Err(e),
                Err(_) => {}
            }
        }
    }

    /// Parses peer data (see [`is_peer_data`]) without copying.
    fn peer_data<'b>(&self, bytes: &'b [u8]) -> Result<Received<'b>, ReceiveError> {
        let malformed = ReceiveError::Malformed { len: bytes.len() };
        if TURN_DEMUX.is_channel_data(bytes) {
            let cd = ChannelData::parse_with(bytes, TURN_DEMUX.channel_range())
                .map_err(|_| malformed)?;
            let channel = cd.channel();
            let peer = *self
                .channel_peers
                .get(&channel)
                .ok_or(ReceiveError::UnknownChannel { channel })?;
            return Ok(Received {
                peer,
                data: cd.data(),
                via_channel: true,
            });
        }
        let msg = wire::parse(bytes).ok_or_else(|| malformed.clone())?;
        let (Some(XorPeerAddress(peer)), Some(Data(data))) = (get(&msg), get(&msg)) else {
            return Err(malformed);
        };
        Ok(Received {
            peer,
            data,
            via_channel: false,
        })
    }
}
