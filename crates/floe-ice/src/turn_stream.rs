//! TURN over TCP and TLS (RFC 8656 §3.1): the client reaches its server over a byte stream
//! the embedder owns, the relayed candidate stays UDP toward peers.
//!
//! The agent owns no sockets, so a stream is asked for and answered like a name to resolve:
//! 1. at [`IceAgent::gather`], each allocation over TCP/TLS gets a [`TurnStreamId`] and waits
//!    for a slot ([`IceConfig::max_pending_turn_streams`](crate::IceConfig::max_pending_turn_streams));
//!    with one, the agent reports [`IceEvent::ConnectTurnStream`];
//! 2. the embedder connects (and runs TLS) and calls [`IceAgent::turn_stream_connected`] with
//!    the connection's local address, or [`IceAgent::turn_stream_failed`]; past
//!    [`IceConfig::turn_connect_timeout`](crate::IceConfig::turn_connect_timeout) the agent
//!    gives up by itself;
//! 3. transmits on the flow `(transport, local, server)` are written to the stream; bytes read
//!    from it go to [`IceAgent::handle_receive`] with that flow, in pieces of any size: the
//!    TURN client frames them (RFC 8656 §12.5, ChannelData padded to 4 bytes). Checks inside
//!    are handled at once; application data waits in the agent for
//!    [`IceAgent::poll_received`];
//! 4. [`IceAgent::turn_stream_closed`] when the stream ends; the agent reports
//!    [`IceEvent::CloseTurnStream`] when it is done with one.
//!
//! Each end is a [`IceEvent::RelayFailed`] (but the agent's own [`IceAgent::close`]): the
//! relayed candidate's pairs fail, as for a lost UDP allocation.

use core::net::SocketAddr;
use core::ops::Range;
use std::collections::VecDeque;
use std::time::Instant;

use floe_stun::net::{FiveTuple, Transport};
use floe_turn::ReceiveError;

use crate::agent::IceAgent;
use crate::error::IceError;
use crate::event::{ConnectionState, IceEvent, RelayFailure};
use crate::id::{PairId, TurnStreamId};
use crate::responder::Received;

/// The stream of one relay.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) id: TurnStreamId,
    pub(crate) state: LinkState,
}

/// Where a stream is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkState {
    /// Waiting for a slot; the embedder does not know it yet.
    Queued,
    /// Asked for; given up at `deadline`.
    Connecting { deadline: Instant },
    /// Connected from `local`.
    Open { local: SocketAddr },
    /// Over (failed, closed, or given up).
    Ended,
}

impl Link {
    pub(crate) fn new(id: TurnStreamId) -> Self {
        Self {
            id,
            state: LinkState::Queued,
        }
    }

    /// The connection's local address, while it is open.
    pub(crate) fn local(&self) -> Option<SocketAddr> {
        match self.state {
            LinkState::Open { local } => Some(local),
            _ => None,
        }
    }

    pub(crate) fn is_live(&self) -> bool {
        self.state != LinkState::Ended
    }

    /// Ends the stream; its id when the embedder was told of it (and must close it).
    pub(crate) fn end(&mut self) -> Option<TurnStreamId> {
        let told = matches!(
            self.state,
            LinkState::Connecting { .. } | LinkState::Open { .. }
        );
        self.state = LinkState::Ended;
        told.then_some(self.id)
    }
}

/// Application data from the streams, copied out of the clients' framers and waiting for
/// [`IceAgent::poll_received`]: one buffer, reused once drained.
#[derive(Debug, Default)]
pub(crate) struct StreamInbox {
    data: Vec<u8>,
    queue: VecDeque<(PairId, Range<usize>)>,
    /// Scratch: the frames of one read, in order (peer, is STUN, where).
    frames: Vec<(SocketAddr, bool, Range<usize>)>,
    /// Scratch: the STUN frames of one read.
    control: Vec<u8>,
}

impl IceAgent {
    /// The embedder connected the stream it was asked for with
    /// [`IceEvent::ConnectTurnStream`], from `local` (the connection's local address, TLS
    /// established for [`Transport::Tls`]): the TURN client's Allocate goes out on it
    /// ([`poll_transmit`](Self::poll_transmit), flow `(transport, local, server)`).
    ///
    /// ```
    /// use std::time::Instant;
    /// use floe_ice::{IceAgent, IceConfig, IceEvent, Role, Transport, TurnServer};
    ///
    /// let now = Instant::now();
    /// let mut config = IceConfig::new(Role::Controlling);
    /// config.rng_seed = Some([1; 32]);
    /// let mut agent = IceAgent::new(config, now);
    /// let stream = agent.add_stream(1).unwrap();
    /// agent.add_local_address(stream, 1, "192.0.2.10:5000".parse().unwrap()).unwrap();
    /// let server = "198.51.100.3:3478".parse().unwrap();
    /// agent.add_turn_server(TurnServer::new(server, "alice", "secret").with_transport(Transport::Tcp));
    /// agent.gather(now);
    /// let id = core::iter::from_fn(|| agent.poll_event())
    ///     .find_map(|e| match e {
    ///         IceEvent::ConnectTurnStream { id, server: to, transport, .. } => {
    ///             assert_eq!((to, transport), (server, Transport::Tcp));
    ///             Some(id)
    ///         }
    ///         _ => None,
    ///     })
    ///     .unwrap();
    /// // The embedder connects a TCP socket to `server`, then:
    /// let local = "192.0.2.10:41000".parse().unwrap();
    /// agent.turn_stream_connected(now, id, local).unwrap();
    /// let allocate = agent.poll_transmit().unwrap();
    /// assert_eq!(allocate.transport, Transport::Tcp);
    /// assert_eq!((allocate.source, allocate.destination), (Some(local), server));
    /// ```
    ///
    /// # Errors
    /// [`IceError::UnknownTurnStream`] for an id that is not waiting to connect or open;
    /// [`IceError::TurnStreamAlreadyConnected`].
    pub fn turn_stream_connected(
        &mut self,
        now: Instant,
        id: TurnStreamId,
        local: SocketAddr,
    ) -> Result<(), IceError> {
        let i = self.turn_stream(id)?;
        let r = &mut self.relays[i];
        let Some(link) = r.link.as_mut() else {
            return Err(IceError::UnknownTurnStream(id));
        };
        if link.local().is_some() {
            return Err(IceError::TurnStreamAlreadyConnected(id));
        }
        link.state = LinkState::Open { local };
        // After a redirect the client already waits with its Allocate for the new server.
        if r.client.state() == floe_turn::ClientState::Idle {
            let _ = r.client.allocate(now);
        }
        self.open_turn_streams(now);
        Ok(())
    }

    /// The embedder could not open the stream (connection refused or timed out, TLS
    /// handshake or certificate failure): the server gives no relayed candidate
    /// ([`IceEvent::RelayFailed`] with [`RelayFailure::ConnectFailed`]) and its part of
    /// gathering ends.
    ///
    /// # Errors
    /// [`IceError::UnknownTurnStream`] for an id that is not waiting to connect or open.
    pub fn turn_stream_failed(&mut self, now: Instant, id: TurnStreamId) -> Result<(), IceError> {
        self.turn_stream_ended(now, id, RelayFailure::ConnectFailed)
    }

    /// The stream ended: the server or the network closed it, or reading or writing failed.
    /// The server deletes the allocation with it (RFC 8656 §5): the relayed candidate's pairs
    /// fail ([`IceEvent::RelayFailed`] with [`RelayFailure::StreamClosed`]).
    ///
    /// # Errors
    /// [`IceError::UnknownTurnStream`] for an id that is not waiting to connect or open (one
    /// the agent asked to close with [`IceEvent::CloseTurnStream`] is already forgotten).
    pub fn turn_stream_closed(&mut self, now: Instant, id: TurnStreamId) -> Result<(), IceError> {
        self.turn_stream_ended(now, id, RelayFailure::StreamClosed)
    }

    /// The next application data that arrived over a TURN stream (relayed by the server from
    /// a peer, on a known pair), borrowed from the agent until the next call. Bytes of a
    /// stream given to [`handle_receive`](Self::handle_receive) may hold any number of
    /// datagrams, so `handle_receive` returns `Ok(None)` for them: drain this after each.
    /// At most [`IceConfig::max_turn_stream_buffer`](crate::IceConfig::max_turn_stream_buffer)
    /// bytes wait; more is dropped.
    #[must_use]
    pub fn poll_received(&mut self) -> Option<Received<'_>> {
        let (pair, range) = self.turn_inbox.queue.pop_front()?;
        let data = self.turn_inbox.data.get(range)?;
        Some(Received { pair, data })
    }

    /// The relay whose stream `id` is waiting to connect or open.
    fn turn_stream(&self, id: TurnStreamId) -> Result<usize, IceError> {
        self.relays
            .iter()
            .position(|r| {
                r.link.as_ref().is_some_and(|l| {
                    l.id == id
                        && matches!(
                            l.state,
                            LinkState::Connecting { .. } | LinkState::Open { .. }
                        )
                })
            })
            .ok_or(IceError::UnknownTurnStream(id))
    }

    fn turn_stream_ended(
        &mut self,
        now: Instant,
        id: TurnStreamId,
        reason: RelayFailure,
    ) -> Result<(), IceError> {
        let i = self.turn_stream(id)?;
        // The embedder knows: it is not asked to close it.
        if let Some(link) = self.relays[i].link.as_mut() {
            link.state = LinkState::Ended;
        }
        self.relay_failed(now, i, reason);
        self.update_state(now);
        Ok(())
    }

    /// Asks for queued streams while fewer than the limit are connecting.
    pub(crate) fn open_turn_streams(&mut self, now: Instant) {
        if self.state == ConnectionState::Closed {
            return;
        }
        let limit = self.config.max_pending_turn_streams.max(1);
        let deadline = now + self.config.turn_connect_timeout;
        let mut connecting = self
            .relays
            .iter()
            .filter(|r| {
                r.link
                    .as_ref()
                    .is_some_and(|l| matches!(l.state, LinkState::Connecting { .. }))
            })
            .count();
        for r in &mut self.relays {
            if connecting >= limit {
                break;
            }
            let Some(link) = r.link.as_mut().filter(|l| l.state == LinkState::Queued) else {
                continue;
            };
            link.state = LinkState::Connecting { deadline };
            connecting += 1;
            self.events.push_back(IceEvent::ConnectTurnStream {
                id: link.id,
                server: r.client.server(),
                transport: r.transport,
                local_ip: r.base.ip(),
            });
        }
    }

    /// Gives up on the streams not connected by their deadline.
    pub(crate) fn turn_stream_timeout(&mut self, now: Instant) {
        let timeout = self.config.turn_connect_timeout;
        while let Some(i) = self.relays.iter().position(|r| {
            r.link.as_ref().is_some_and(
                |l| matches!(l.state, LinkState::Connecting { deadline } if deadline <= now),
            )
        }) {
            self.relay_failed(now, i, RelayFailure::ConnectTimeout(timeout));
        }
    }

    /// A TURN stream's client was sent to another server (300 Try Alternate, RFC 8656 §7.3):
    /// the old stream is closed and one to the new server asked for, with a new id. Over UDP
    /// nothing changes.
    pub(crate) fn turn_stream_redirected(&mut self, now: Instant, i: usize) {
        let Some(link) = self.relays[i].link.as_mut() else {
            return;
        };
        if let Some(id) = link.end() {
            self.events.push_back(IceEvent::CloseTurnStream { id });
        }
        *link = Link::new(TurnStreamId(self.turn_stream_ids.next()));
        self.open_turn_streams(now);
    }

    /// [`IceAgent::close`]: every stream the embedder opened or is opening is to be closed.
    pub(crate) fn close_turn_streams(&mut self) {
        for r in &mut self.relays {
            if let Some(id) = r.link.as_mut().and_then(Link::end) {
                self.events.push_back(IceEvent::CloseTurnStream { id });
            }
        }
        self.turn_inbox.queue.clear();
        self.turn_inbox.data.clear();
    }

    /// Bytes read from a TURN stream (`flow`: its transport, local address and server). The
    /// client frames them; TURN responses update it, peer checks are handled now and peer
    /// application data waits for [`IceAgent::poll_received`].
    pub(crate) fn turn_stream_receive(
        &mut self,
        now: Instant,
        flow: FiveTuple,
        bytes: &[u8],
    ) -> Result<(), IceError> {
        let i = self
            .relays
            .iter()
            .position(|r| {
                r.transport == flow.transport
                    && r.link.as_ref().and_then(Link::local) == Some(flow.local)
                    && r.client.server() == flow.remote
            })
            .ok_or(IceError::NotIce)?;
        let inbox = &mut self.turn_inbox;
        if inbox.queue.is_empty() {
            inbox.data.clear();
        }
        inbox.frames.clear();
        inbox.control.clear();
        let room = self.config.max_turn_stream_buffer;
        let client = &mut self.relays[i].client;
        // Over a stream the client only buffers here; `poll_received` frames.
        let _ = client.handle_receive(now, flow.remote, bytes);
        let mut out_of_sync = None;
        loop {
            match client.poll_received(now) {
                Ok(Some(got)) => {
                    let stun = floe_stun::Header::peek(got.data).is_ok();
                    let buf = if stun {
                        &mut inbox.control
                    } else if inbox.data.len() + got.data.len() <= room {
                        &mut inbox.data
                    } else {
                        continue;
                    };
                    let start = buf.len();
                    buf.extend_from_slice(got.data);
                    inbox.frames.push((got.peer, stun, start..buf.len()));
                }
                Ok(None) => break,
                Err(ReceiveError::Framing(e)) => {
                    out_of_sync = Some(e);
                    break;
                }
                // One bad message: the client is unchanged, the stream still in sync.
                Err(_) => {}
            }
        }
        // Responses first: the allocation gives the relayed address the frames arrive on.
        self.relay_events(now);
        let frames = core::mem::take(&mut self.turn_inbox.frames);
        let control = core::mem::take(&mut self.turn_inbox.control);
        for (peer, stun, range) in &frames {
            let Some(relayed) = self.relays[i].relayed.filter(|_| self.relays[i].is_live()) else {
                break;
            };
            let inner = FiveTuple::new(Transport::Udp, relayed, *peer);
            if *stun {
                if let Some(msg) = control.get(range.clone()) {
                    let _ = self.handle_flow(now, inner, msg);
                }
            } else if let Some(pair) = self.pair_by_flow(&inner) {
                if let Some(p) = self.pairs.get_mut(&pair) {
                    p.stats.bytes_received += range.len() as u64;
                }
                // Application data never refreshes consent (RFC 7675 §5.1).
                self.turn_inbox.queue.push_back((pair, range.clone()));
            }
        }
        self.turn_inbox.frames = frames;
        self.turn_inbox.control = control;
        // (Unless the messages before already ended the relay: one failure is reported.)
        if let Some(e) = out_of_sync
            && self.relays[i].is_live()
        {
            self.relay_failed(now, i, RelayFailure::OutOfSync(e));
        }
        self.update_state(now);
        Ok(())
    }
}
