//! TCP allocations (RFC 6062): Connect, ConnectionAttempt and ConnectionBind.
//!
//! The embedder owns the TCP sockets. For a client-initiated connection the server asks it to
//! connect ([`ServerEvent::TcpConnectRequested`]) and hears back through
//! [`Server::tcp_connect_result`]; for a peer-initiated one the embedder reports the accepted
//! connection with [`Server::tcp_peer_accepted`]. Once the client binds a data connection
//! ([`ServerEvent::TcpConnectionBound`]) the embedder pipes bytes between the two sockets on its
//! own: no TURN framing is involved any more (RFC 6062 §5.4).

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_stun::attributes::{ConnectionId, XorPeerAddress};
use floe_stun::{Class, ErrorCode, Message, Method, TransactionId};

use super::requests::Authed;
use super::timers::TimerKey;
use super::{Server, ServerEvent};
use crate::auth::{CredentialLookup, LongTermKey};
use crate::policy::Quota;
use crate::types::FiveTuple;
use crate::wire::{Integrity, get};

/// How long a connection waits for the client's ConnectionBind (RFC 6062 §5.3: 30 s).
pub const CONNECTION_BIND_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the embedder should close a peer TCP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TcpCloseReason {
    /// No ConnectionBind within 30 s (RFC 6062 §5.3).
    BindTimeout,
    /// The allocation it belonged to ended.
    AllocationGone,
}

/// Where a peer connection is in its life.
#[derive(Debug)]
pub(super) enum TcpConnState {
    /// Connect received; the embedder is connecting to the peer.
    Connecting {
        tid: TransactionId,
        key: LongTermKey,
        integrity: Integrity,
    },
    /// Connected (or accepted); waiting for the client's ConnectionBind.
    AwaitingBind { deadline: Instant },
}

/// A peer connection of a TCP allocation.
#[derive(Debug)]
pub(super) struct TcpConn {
    pub(super) allocation: FiveTuple,
    pub(super) peer: SocketAddr,
    pub(super) state: TcpConnState,
}

impl<C: CredentialLookup> Server<C> {
    fn new_connection_id(&mut self) -> ConnectionId {
        loop {
            self.next_connection = self.next_connection.wrapping_add(0x9E37_79B9);
            let id = ConnectionId(self.next_connection ^ self.connection_salt);
            if id.0 != 0 && !self.tcp_conns.contains_key(&id.0) {
                return id;
            }
        }
    }

    /// Whether the allocation `ft` may have one more peer connection waiting to be bound
    /// ([`Quotas::tcp_connections_per_allocation`](crate::Quotas)).
    fn tcp_room(&self, ft: &FiveTuple) -> bool {
        let max = usize::from(self.config.quotas.tcp_connections_per_allocation);
        self.tcp_conns
            .values()
            .filter(|c| c.allocation == *ft)
            .take(max)
            .count()
            < max
    }

    /// Records a peer connection of the allocation `ft` under a fresh id.
    fn open_conn(&mut self, ft: FiveTuple, peer: SocketAddr, state: TcpConnState) -> ConnectionId {
        let id = self.new_connection_id();
        let conn = TcpConn {
            allocation: ft,
            peer,
            state,
        };
        self.tcp_conns.insert(id.0, conn);
        id
    }

    /// RFC 6062 §5.2: Connect on a TCP allocation.
    pub(super) fn connect(
        &mut self,
        now: Instant,
        ft: FiveTuple,
        msg: &Message<'_>,
        auth: &Authed<'_>,
    ) {
        let signer = auth.signer();
        if !self.allocations.get(&ft).is_some_and(|a| a.tcp) {
            return self.reject(ft, msg, ErrorCode::BAD_REQUEST, signer);
        }
        let Some(XorPeerAddress(peer)) = get(msg) else {
            return self.reject(ft, msg, ErrorCode::BAD_REQUEST, signer);
        };
        if let Err(code) = self.check_peer(&ft, &peer) {
            return self.reject(ft, msg, code, signer);
        }
        let now_permits = self
            .allocations
            .get(&ft)
            .is_some_and(|a| a.permits(&peer.ip(), now));
        if !now_permits {
            return self.reject(ft, msg, ErrorCode::FORBIDDEN, signer);
        }
        if self
            .tcp_conns
            .values()
            .any(|c| c.allocation == ft && c.peer == peer)
        {
            return self.reject(ft, msg, ErrorCode::CONNECTION_ALREADY_EXISTS, signer);
        }
        if !self.tcp_room(&ft) {
            let code = ErrorCode::INSUFFICIENT_CAPACITY;
            return self.refuse_over_quota(ft, msg, code, auth, Quota::TcpConnectionsPerAllocation);
        }
        let Some(relayed) = self
            .allocations
            .get(&ft)
            .and_then(|a| a.relay_for(&peer.ip()))
        else {
            return self.reject(ft, msg, ErrorCode::PEER_ADDRESS_FAMILY_MISMATCH, signer);
        };
        let state = TcpConnState::Connecting {
            tid: *msg.transaction_id(),
            key: auth.key.clone(),
            integrity: auth.integrity,
        };
        let id = self.open_conn(ft, peer, state);
        self.events.push_back(ServerEvent::TcpConnectRequested {
            id,
            five_tuple: ft,
            relayed,
            peer,
        });
    }

    /// Reports whether the TCP connection the server asked for in
    /// [`ServerEvent::TcpConnectRequested`] was established; the client's Connect is answered
    /// now (success with CONNECTION-ID, or 447). `false` for an unknown id: close the socket.
    pub fn tcp_connect_result(&mut self, now: Instant, id: ConnectionId, connected: bool) -> bool {
        let Some(conn) = self.tcp_conns.get_mut(&id.0) else {
            return false;
        };
        let TcpConnState::Connecting {
            tid,
            key,
            integrity,
        } = &conn.state
        else {
            return false;
        };
        let (tid, key, integrity, ft) = (*tid, key.clone(), *integrity, conn.allocation);
        let signer = Some((key.integrity_key(), integrity));
        if connected {
            let deadline = now + CONNECTION_BIND_TIMEOUT;
            conn.state = TcpConnState::AwaitingBind { deadline };
            self.schedule(deadline, TimerKey::ConnectionBind(id.0));
            self.respond(ft, Method::CONNECT, Class::Success, tid, signer, |b| {
                b.add(&id);
            });
        } else {
            self.tcp_conns.remove(&id.0);
            self.stats.rejected += 1;
            let code = ErrorCode::CONNECTION_TIMEOUT_OR_FAILURE;
            self.respond(ft, Method::CONNECT, Class::Error, tid, signer, |b| {
                b.add(&floe_stun::attributes::ErrorCodeAttribute::new(code));
            });
        }
        connected
    }

    /// A peer connected to the relayed TCP address `relayed` (RFC 6062 §5.3). With a
    /// permission for the peer and room under
    /// [`Quotas::tcp_connections_per_allocation`](crate::Quotas), the client gets a
    /// ConnectionAttempt indication and the connection waits 30 s for its ConnectionBind;
    /// otherwise `None`: close the connection.
    pub fn tcp_peer_accepted(
        &mut self,
        now: Instant,
        relayed: SocketAddr,
        peer: SocketAddr,
    ) -> Option<ConnectionId> {
        let alloc = self.allocations.by_relay(&relayed)?;
        let ft = alloc.five_tuple;
        if !alloc.tcp || !alloc.permits(&peer.ip(), now) || !self.tcp_room(&ft) {
            return None;
        }
        let deadline = now + CONNECTION_BIND_TIMEOUT;
        let state = TcpConnState::AwaitingBind { deadline };
        let id = self.open_conn(ft, peer, state);
        self.schedule(deadline, TimerKey::ConnectionBind(id.0));
        let tid = super::relay::indication_tid(&mut self.indications);
        self.respond(
            ft,
            Method::CONNECTION_ATTEMPT,
            Class::Indication,
            tid,
            None,
            |b| {
                b.add(&XorPeerAddress(peer)).add(&id);
            },
        );
        Some(id)
    }

    /// RFC 6062 §5.4: ConnectionBind on a new data connection.
    pub(super) fn connection_bind(&mut self, ft: FiveTuple, msg: &Message<'_>, auth: &Authed<'_>) {
        let signer = auth.signer();
        if !ft.transport.is_stream() || self.allocations.contains_key(&ft) {
            return self.reject(ft, msg, ErrorCode::BAD_REQUEST, signer);
        }
        let Some(ConnectionId(id)) = get(msg) else {
            return self.reject(ft, msg, ErrorCode::BAD_REQUEST, signer);
        };
        let owner = self.tcp_conns.get(&id).and_then(|c| match c.state {
            TcpConnState::AwaitingBind { .. } => Some(c.allocation),
            TcpConnState::Connecting { .. } => None,
        });
        let Some(owner) = owner else {
            return self.reject(ft, msg, ErrorCode::BAD_REQUEST, signer);
        };
        let same_user = self
            .allocations
            .get(&owner)
            .is_some_and(|a| *a.username == *auth.username);
        if !same_user {
            return self.reject(ft, msg, ErrorCode::WRONG_CREDENTIALS, signer);
        }
        let Some(conn) = self.tcp_conns.remove(&id) else {
            return;
        };
        let relayed = self
            .allocations
            .get(&owner)
            .and_then(|a| a.relay_for(&conn.peer.ip()));
        let tid = *msg.transaction_id();
        self.respond(
            ft,
            Method::CONNECTION_BIND,
            Class::Success,
            tid,
            signer,
            |_| {},
        );
        self.events.push_back(ServerEvent::TcpConnectionBound {
            id: ConnectionId(id),
            data: ft,
            peer: conn.peer,
            relayed,
        });
    }

    /// Drops the peer connections of an allocation that ended.
    pub(super) fn drop_tcp_of(&mut self, ft: &FiveTuple) {
        let gone: Vec<(u32, TcpCloseReason)> = self
            .tcp_conns
            .iter()
            .filter(|(_, c)| c.allocation == *ft)
            .map(|(id, _)| (*id, TcpCloseReason::AllocationGone))
            .collect();
        self.close_tcp(gone);
    }

    fn close_tcp(&mut self, gone: Vec<(u32, TcpCloseReason)>) {
        for (id, reason) in gone {
            self.close_conn(id, reason);
        }
    }

    /// Forgets the connection `id` and tells the embedder to close it.
    pub(super) fn close_conn(&mut self, id: u32, reason: TcpCloseReason) {
        self.tcp_conns.remove(&id);
        self.events.push_back(ServerEvent::TcpConnectionClosed {
            id: ConnectionId(id),
            reason,
        });
    }
}
