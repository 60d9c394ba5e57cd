//! The relay path (RFC 8656 §10, §11, §12.4–12.6): client input in, peer datagram out, and
//! back. No allocation per packet: outgoing payloads borrow the input, and data toward a
//! client is framed into a buffer the caller reuses.

use core::net::SocketAddr;
use std::time::Instant;

use floe_stun::attributes::{Data, XorPeerAddress};
use floe_stun::channel_data::{ChannelData, ChannelRange};
use floe_stun::demux::Demux;
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};

use super::Server;

/// Client traffic is STUN and ChannelData on any RFC 5766 channel (RFC 5766 §11): the
/// configured [`ChannelRange`] decides only which numbers ChannelBind accepts.
const TURN_DEMUX: Demux = Demux::turn(ChannelRange::Rfc5766);
use crate::auth::CredentialLookup;
use crate::types::FiveTuple;
use crate::wire::{self, get};

/// A datagram the embedder sends from one of its relay sockets to a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerTransmit<'a> {
    /// The relay socket to send from.
    pub relay: SocketAddr,
    /// The peer to send to.
    pub peer: SocketAddr,
    /// The application data (borrowed from the client's message).
    pub data: &'a [u8],
}

/// A framed message the embedder sends to a client: the bytes are in the buffer given to
/// [`Server::handle_peer_data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientTransmit {
    /// The allocation's 5-tuple: send to `client` from `server` over `transport`.
    pub five_tuple: FiveTuple,
}

impl<C: CredentialLookup> Server<C> {
    /// Handles one message from a client: a STUN message or a ChannelData message (for stream
    /// transports, one frame as split by [`crate::StreamFramer`]).
    ///
    /// Requests are answered through [`Server::poll_transmit`]. Data to relay (a Send
    /// indication or ChannelData with a permission) is returned for the embedder to send
    /// from its relay socket; it borrows `bytes`.
    pub fn handle_receive<'a>(
        &mut self,
        now: Instant,
        five_tuple: FiveTuple,
        bytes: &'a [u8],
    ) -> Option<PeerTransmit<'a>> {
        if TURN_DEMUX.is_channel_data(bytes) {
            return self.channel_data_in(now, &five_tuple, bytes);
        }
        let Some(msg) = wire::parse(bytes) else {
            self.stats.malformed += 1;
            return None;
        };
        match msg.class() {
            Class::Request => {
                self.handle_request(now, five_tuple, &msg);
                // A request may have moved or removed deadlines.
                self.settle_timers();
                None
            }
            Class::Indication if msg.method() == Method::SEND => {
                self.send_indication(now, &five_tuple, &msg)
            }
            // Responses and other indications are not for a server (RFC 8489 §6.3).
            _ => None,
        }
    }

    #[inline]
    fn channel_data_in<'a>(
        &mut self,
        now: Instant,
        ft: &FiveTuple,
        bytes: &'a [u8],
    ) -> Option<PeerTransmit<'a>> {
        // Any RFC 5766 channel: only channels the server bound (in its configured range) match.
        let cd = ChannelData::parse_with(bytes, TURN_DEMUX.channel_range()).ok();
        let out = cd.and_then(|cd| {
            let data = cd.data();
            let alloc = self.allocations.get(ft).filter(|a| !a.tcp)?;
            let ch = alloc.channel(cd.channel())?;
            if ch.expires <= now || !alloc.permits(&ch.peer.ip(), now) {
                return None;
            }
            Some(PeerTransmit {
                relay: alloc.relay_for(&ch.peer.ip())?,
                peer: ch.peer,
                data,
            })
        });
        self.count_relay(out.is_some());
        out
    }

    /// RFC 8656 §10.2: a Send indication needs XOR-PEER-ADDRESS, DATA and a permission.
    fn send_indication<'a>(
        &mut self,
        now: Instant,
        ft: &FiveTuple,
        msg: &Message<'a>,
    ) -> Option<PeerTransmit<'a>> {
        let out = (|| {
            let alloc = self.allocations.get(ft).filter(|a| !a.tcp)?;
            let XorPeerAddress(peer) = get(msg)?;
            let Data(data) = get(msg)?;
            if !alloc.permits(&peer.ip(), now) {
                return None;
            }
            Some(PeerTransmit {
                relay: alloc.relay_for(&peer.ip())?,
                peer,
                data,
            })
        })();
        self.count_relay(out.is_some());
        out
    }

    #[inline]
    fn count_relay(&mut self, relayed: bool) {
        if relayed {
            self.stats.relayed_to_peer += 1;
        } else {
            self.stats.relay_dropped += 1;
        }
    }

    /// Handles a datagram from `peer` arriving on the relay socket `relay` (RFC 8656 §11.3,
    /// §12.6). With a permission, the message for the client is written into `out` (cleared
    /// first): ChannelData when a channel is bound to the peer, else a Data indication.
    /// Returns where to send it, or `None` when the datagram is dropped.
    ///
    /// Reusing `out` across calls keeps this path free of allocation.
    pub fn handle_peer_data(
        &mut self,
        now: Instant,
        relay: SocketAddr,
        peer: SocketAddr,
        data: &[u8],
        out: &mut Vec<u8>,
    ) -> Option<ClientTransmit> {
        out.clear();
        // A dual-stack relay socket reports IPv4 peers as IPv4-mapped IPv6 addresses.
        let peer = SocketAddr::new(peer.ip().to_canonical(), peer.port());
        // One probe of the relay index finds the allocation; its permissions and channels
        // are a short scan (bounded by the quotas).
        let indications = &mut self.indications;
        let found = self.allocations.by_relay(&relay).and_then(|alloc| {
            // TCP allocations carry peer data on the piped connections (RFC 6062 §5.5).
            if alloc.tcp || !alloc.permits(&peer.ip(), now) {
                return None;
            }
            let ft = &alloc.five_tuple;
            match alloc.channel_to(&peer).filter(|c| c.expires > now) {
                Some(ch) => {
                    let pad = ft.transport.is_stream();
                    ChannelData::new_with(ch.number, data, ChannelRange::Rfc5766)
                        .ok()?
                        .encode(out, pad);
                }
                None => {
                    let tid = indication_tid(indications);
                    let typ = MessageType::new(Method::DATA, Class::Indication);
                    let mut b = MessageBuilder::new(out, typ, tid);
                    b.add(&XorPeerAddress(peer)).add(&Data(data));
                    b.finish().ok()?;
                }
            }
            Some(ClientTransmit { five_tuple: *ft })
        });
        if found.is_some() {
            self.stats.relayed_to_client += 1;
        } else {
            self.stats.relay_dropped += 1;
        }
        found
    }
}

/// Transaction id of a Data indication: indications are never matched to anything, so a
/// counter keeps this path free of the RNG.
pub(super) fn indication_tid(counter: &mut u64) -> TransactionId {
    *counter = counter.wrapping_add(1);
    let mut tid = [0u8; 12];
    tid[4..].copy_from_slice(&counter.to_be_bytes());
    TransactionId::from_bytes(tid)
}
