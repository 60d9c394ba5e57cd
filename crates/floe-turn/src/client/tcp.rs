//! The client side of TCP allocations (RFC 6062 §4): Connect on the control connection,
//! ConnectionAttempt indications, and [`DataConnection`], which binds one new TCP connection to
//! a peer connection with ConnectionBind and then hands the stream over to the caller.

use core::net::SocketAddr;
use std::borrow::Cow;
use std::time::Instant;

use floe_stun::attributes::{
    ConnectionId, ErrorCodeAttribute, Nonce, PasswordAlgorithmAttribute, Realm, Username,
};
use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig};
use floe_stun::{AttributeType, Class, ErrorCode, Method, PasswordAlgorithm, TransactionId};

use super::transaction::Purpose;
use super::{AuthState, Client, ClientError, ClientState, Failure, ReceiveError};
use crate::auth::LongTermKey;
use crate::framing::StreamFramer;
use crate::types::{RelayTransport, Transmit, Transport};
use crate::wire::{self, Integrity, get};

impl Client {
    /// Asks the server to open a TCP connection to `peer` from the TCP relayed address
    /// (RFC 6062 §4.3). A permission for the peer is created first when there is none.
    /// [`super::TurnEvent::TcpConnected`] carries the connection id to bind with
    /// [`Client::connection_bind`].
    pub fn connect(&mut self, now: Instant, peer: SocketAddr) -> Result<(), ClientError> {
        if self.state != ClientState::Allocated {
            return Err(ClientError::NotAllocated);
        }
        if self.config.relay_transport != RelayTransport::Tcp {
            return Err(ClientError::NotTcpAllocation);
        }
        if !self.permissions.contains_key(&peer.ip()) {
            // The control connection is ordered: the server sees the permission first.
            self.create_permission(now, peer.ip())?;
        }
        self.start(now, Purpose::Connect { peer }, 0);
        Ok(())
    }

    /// Starts binding a new data connection (which the caller has opened to the server) to
    /// the peer connection `id` (RFC 6062 §4.4): send [`DataConnection::poll_transmit`] on it
    /// and feed what comes back to [`DataConnection::handle_receive`].
    pub fn connection_bind(
        &mut self,
        now: Instant,
        id: ConnectionId,
    ) -> Result<DataConnection, ClientError> {
        let Some(auth) = self.auth.clone() else {
            return Err(ClientError::NotAllocated);
        };
        if self.config.relay_transport != RelayTransport::Tcp {
            return Err(ClientError::NotTcpAllocation);
        }
        let mut dc = DataConnection {
            id,
            username: self.config.username.clone(),
            password: self.config.password.clone(),
            auth,
            tid: self.new_tid(),
            // A stream: the request is sent once and times out after Ti, 39.5 s (RFC 8489
            // §6.2.2).
            transactions: ClientTransactions::new(TransactionConfig::new()),
            server: self.server,
            transport: self.config.transport,
            framer: StreamFramer::new(),
            retries: 0,
            state: DataConnectionState::Binding,
        };
        dc.send_request(now);
        Ok(dc)
    }

    /// Checks the requested relay transport against the connection to the server
    /// (RFC 6062 §4.1: TCP allocations need a stream).
    pub(super) fn check_relay_transport(&self) -> Result<(), ClientError> {
        if self.config.relay_transport == RelayTransport::Tcp && !self.config.transport.is_stream()
        {
            return Err(ClientError::NotTcpAllocation);
        }
        Ok(())
    }
}

/// Where a [`DataConnection`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataConnectionState {
    /// ConnectionBind sent, waiting for the response.
    Binding,
    /// Bound: from now on the stream carries the peer's bytes as they are.
    Bound,
    /// The binding failed; close the connection.
    Failed(Failure),
}

/// One TCP data connection being bound to a peer connection (RFC 6062 §4.4). Sans-I/O: the
/// caller owns the socket.
///
/// Once [`DataConnectionState::Bound`], [`DataConnection::handle_receive`] returns the
/// application bytes that followed the response in the same read; everything after that is
/// read straight from the socket.
#[derive(Debug)]
pub struct DataConnection {
    id: ConnectionId,
    username: String,
    password: String,
    auth: AuthState,
    tid: TransactionId,
    /// The ConnectionBind in flight (one at a time; a 438 retry replaces it).
    transactions: ClientTransactions,
    server: SocketAddr,
    transport: Transport,
    framer: StreamFramer,
    retries: u8,
    state: DataConnectionState,
}

impl DataConnection {
    /// The peer connection this binds.
    pub fn id(&self) -> ConnectionId {
        self.id
    }

    /// Where the binding is.
    pub fn state(&self) -> &DataConnectionState {
        &self.state
    }

    /// Bytes to write to the data connection.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transactions.poll_transmit()
    }

    /// When [`DataConnection::handle_timeout`] is due.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.transactions.poll_timeout()
    }

    /// Gives up when no response came in time (Ti, RFC 8489 §6.2.2).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.transactions.handle_timeout(now);
        if self.transactions.poll_event().is_some() && self.state == DataConnectionState::Binding {
            self.state = DataConnectionState::Failed(Failure::Timeout);
        }
    }

    /// Ends the binding: no more sends or timeouts.
    fn settle(&mut self, state: DataConnectionState) {
        self.transactions.cancel_all();
        self.state = state;
    }

    fn send_request(&mut self, now: Instant) {
        let kind = if self.auth.algorithm == PasswordAlgorithm::SHA256 {
            Integrity::Sha256
        } else {
            Integrity::Sha1
        };
        let signer = Some((self.auth.key.integrity_key(), kind));
        let mut buf = Vec::with_capacity(128);
        let auth = &self.auth;
        let built = wire::build(
            &mut buf,
            Method::CONNECTION_BIND,
            Class::Request,
            self.tid,
            None,
            signer,
            true,
            |b| {
                b.add(&self.id)
                    .add(&Username(&self.username))
                    .add(&Realm(&auth.realm))
                    .add(&Nonce(&auth.nonce));
                if let Some(list) = &auth.offered {
                    b.add_raw(AttributeType::PASSWORD_ALGORITHMS, list)
                        .add(&PasswordAlgorithmAttribute::new(auth.algorithm));
                }
            },
        );
        let request = Request::new(self.tid, self.server).transport(self.transport);
        if !built {
            self.settle(DataConnectionState::Failed(Failure::RequestTooLong));
        } else if self.transactions.start(now, request, buf, ()).is_err() {
            // One transaction at a time, with a fresh id: cannot happen, but never panic.
            self.settle(DataConnectionState::Failed(Failure::Timeout));
        }
    }

    /// Handles bytes read from the data connection while binding. Returns the application
    /// bytes that arrived after a successful response (possibly none); once bound, `bytes`
    /// come back as they are, borrowed (better: pipe the stream directly).
    ///
    /// # Errors
    /// [`ReceiveError`] when the bytes are not the expected response; the binding stays
    /// pending unless the stream is out of sync.
    pub fn handle_receive<'a>(
        &mut self,
        now: Instant,
        bytes: &'a [u8],
    ) -> Result<Cow<'a, [u8]>, ReceiveError> {
        if self.state != DataConnectionState::Binding {
            return Ok(Cow::Borrowed(bytes));
        }
        self.framer.push(bytes);
        // The response is the only frame of a binding connection: copied once.
        let frame = match self.framer.pop() {
            Ok(Some((_, f))) => f.to_vec(),
            Ok(None) => return Ok(Cow::Borrowed(&[])),
            Err(e) => {
                self.settle(DataConnectionState::Failed(Failure::Framing(e)));
                return Err(e.into());
            }
        };
        let rest = self.framer.take_rest();
        let msg = wire::parse(&frame).ok_or(ReceiveError::Malformed { len: frame.len() })?;
        if *msg.transaction_id() != self.tid || msg.method() != Method::CONNECTION_BIND {
            return Err(ReceiveError::UnmatchedResponse);
        }
        match msg.class() {
            Class::Success if wire::verify(&msg, &self.auth.key.integrity_key()) => {
                self.settle(DataConnectionState::Bound);
                Ok(Cow::Owned(rest))
            }
            Class::Error => {
                let code = get::<ErrorCodeAttribute<'_>>(&msg).map(|e| e.code);
                if code == Some(ErrorCode::STALE_NONCE)
                    && self.retries < 3
                    && let Some(Nonce(nonce)) = get(&msg)
                {
                    self.retries += 1;
                    self.auth.nonce = nonce.to_owned();
                    if let Some(Realm(realm)) = get(&msg) {
                        self.auth.realm = realm.to_owned();
                        if let Some(k) = LongTermKey::derive(
                            self.auth.algorithm,
                            &self.username,
                            realm,
                            &self.password,
                        ) {
                            self.auth.key = k;
                        }
                    }
                    self.transactions.cancel_all();
                    self.tid = TransactionId::from_bytes(next_tid(self.tid.0));
                    self.send_request(now);
                    return Ok(Cow::Borrowed(&[]));
                }
                let reason = match code {
                    Some(code) => Failure::ErrorResponse { code },
                    None => Failure::MissingAttribute {
                        attribute: AttributeType::ERROR_CODE,
                    },
                };
                self.settle(DataConnectionState::Failed(reason));
                Ok(Cow::Borrowed(&[]))
            }
            _ => Err(ReceiveError::UnmatchedResponse),
        }
    }
}

/// A fresh transaction id for a retried ConnectionBind (ids only need to differ).
fn next_tid(tid: [u8; 12]) -> [u8; 12] {
    let mut t = tid;
    for b in t.iter_mut().rev() {
        *b = b.wrapping_add(1);
        if *b != 0 {
            break;
        }
    }
    t
}
