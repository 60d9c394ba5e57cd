//! Applying what the server sends: responses (with 401/438 retries and 300 redirects), Data
//! indications, ChannelData, and the timers that refresh everything (RFC 8656 §7–§12).

use core::time::Duration;
use std::time::Instant;

use floe_stun::attributes::{
    AlternateServer, ConnectionId, ErrorCodeAttribute, Lifetime, Nonce, PasswordAlgorithms, Realm,
    UnknownAttributes, XorMappedAddress, XorPeerAddress, XorRelayedAddress,
};
use floe_stun::transaction::TransactionEvent;
use floe_stun::{AttributeType, Class, ErrorCode, Message, Method, PasswordAlgorithm};

use super::transaction::{Outstanding, Purpose};
use super::{
    Allocation, AuthState, CHANNEL_REFRESH, Client, ClientState, Failure, PERMISSION_REFRESH,
    ReceiveError, TurnEvent,
};
use crate::auth::LongTermKey;
use crate::wire::{self, Integrity, get};

/// How often one request is re-sent after 401 or 438 before giving up.
const MAX_AUTH_RETRIES: u8 = 3;

impl Client {
    /// Handles one STUN message from the server other than peer data (which
    /// [`Client::handle_receive`] returns): responses and ConnectionAttempt indications.
    pub(super) fn handle_message(
        &mut self,
        now: Instant,
        bytes: &[u8],
    ) -> Result<(), ReceiveError> {
        let malformed = ReceiveError::Malformed { len: bytes.len() };
        let msg = wire::parse(bytes).ok_or_else(|| malformed.clone())?;
        match msg.class() {
            Class::Indication if msg.method() == Method::CONNECTION_ATTEMPT => {
                let (Some(XorPeerAddress(peer)), Some(id)) = (get(&msg), get::<ConnectionId>(&msg))
                else {
                    return Err(malformed);
                };
                self.events
                    .push_back(TurnEvent::TcpConnectionAttempt { peer, id });
                Ok(())
            }
            Class::Success | Class::Error => self.handle_response(now, &msg),
            _ => Err(malformed),
        }
    }

    fn handle_response(&mut self, now: Instant, msg: &Message<'_>) -> Result<(), ReceiveError> {
        let tid = *msg.transaction_id();
        let sent = self
            .transactions
            .data(&tid)
            .ok_or(ReceiveError::UnmatchedResponse)?
            .integrity;
        self.check_response_integrity(sent, msg)?;
        let Some(tx) = self.transactions.cancel(&tid) else {
            return Err(ReceiveError::UnmatchedResponse);
        };
        if msg.class() == Class::Success {
            self.on_success(now, tx.purpose, msg);
        } else {
            self.on_error(now, tx, msg);
        }
        Ok(())
    }

    /// Whether a response may be applied to a request signed with `sent` (`None`: unsigned).
    /// A response that fails is dropped and its transaction keeps being retransmitted, so a
    /// forged or stray answer cannot end a request.
    ///
    /// - Signed request (RFC 8489 §9.2.5): the response carries the same integrity attribute
    ///   (MESSAGE-INTEGRITY-SHA256 for SHA-256, MESSAGE-INTEGRITY for MD5) and it verifies
    ///   with the request's key; only 401 and 438 may come unsigned. This covers a 300 to a
    ///   signed Allocate, which must be authenticated.
    /// - Unsigned request (the first Allocate): a success is discarded (RFC 8656 §7.2) unless
    ///   [`ClientConfig::allow_unauthenticated_server`](super::ClientConfig) is set; errors
    ///   (the 401 challenge, 300, ...) are accepted as they are.
    fn check_response_integrity(
        &self,
        sent: Option<Integrity>,
        msg: &Message<'_>,
    ) -> Result<(), ReceiveError> {
        let Some(sent) = sent else {
            let refused =
                msg.class() == Class::Success && !self.config.allow_unauthenticated_server;
            return if refused {
                Err(ReceiveError::Unauthenticated)
            } else {
                Ok(())
            };
        };
        let Some(found) = msg.integrity_kind() else {
            let challenge = msg.class() == Class::Error
                && matches!(
                    get::<ErrorCodeAttribute<'_>>(msg).map(|e| e.code),
                    Some(ErrorCode::UNAUTHENTICATED | ErrorCode::STALE_NONCE)
                );
            return if challenge {
                Ok(())
            } else {
                Err(ReceiveError::Unauthenticated)
            };
        };
        let verified = found == sent
            && self
                .auth
                .as_ref()
                .is_some_and(|auth| wire::verify(msg, &auth.key.integrity_key()));
        if verified {
            Ok(())
        } else {
            Err(ReceiveError::UnmatchedResponse)
        }
    }

    fn on_error(&mut self, now: Instant, tx: Outstanding, msg: &Message<'_>) {
        let Some(ErrorCodeAttribute { code, .. }) = get(msg) else {
            let reason = Failure::MissingAttribute {
                attribute: AttributeType::ERROR_CODE,
            };
            return self.fail(tx.purpose, reason);
        };
        match code {
            ErrorCode::UNAUTHENTICATED | ErrorCode::STALE_NONCE => {
                self.on_challenge(now, tx, code, msg);
            }
            ErrorCode::TRY_ALTERNATE if tx.purpose == Purpose::Allocate => {
                self.redirect(now, msg);
            }
            _ => {
                let reason = failure_for(code, msg);
                self.fail(tx.purpose, reason);
            }
        }
    }

    /// RFC 8489 §9.2.5: learn REALM, NONCE and the password algorithm, then retry.
    fn on_challenge(&mut self, now: Instant, tx: Outstanding, code: ErrorCode, msg: &Message<'_>) {
        let give_up = if code == ErrorCode::STALE_NONCE {
            Failure::StaleNonce
        } else {
            Failure::Unauthorized
        };
        let (Some(Realm(realm)), Some(Nonce(nonce))) = (get(msg), get(msg)) else {
            return self.fail(tx.purpose, give_up);
        };
        // A 401 to credentials with a nonce the server still accepts means a wrong password;
        // a 401 with a new nonce may be a server that does not send 438.
        let same_nonce = self.auth.as_ref().is_some_and(|a| a.nonce == nonce);
        let wrong_password = code == ErrorCode::UNAUTHENTICATED && tx.signed() && same_nonce;
        if tx.auth_retries >= MAX_AUTH_RETRIES || wrong_password {
            return self.fail(tx.purpose, give_up);
        }
        if self.config.realm.as_deref().is_some_and(|r| r != realm) {
            return self.fail(tx.purpose, Failure::RealmMismatch);
        }
        // Algorithm negotiation only when the nonce announces it (RFC 8489 §9.2.4).
        let negotiates = Nonce(nonce)
            .security_features()
            .is_some_and(|f| f & 0x80_0000 != 0);
        let offered = msg
            .raw(AttributeType::PASSWORD_ALGORITHMS)
            .filter(|_| negotiates);
        let algorithm = offered
            .and_then(|_| get::<PasswordAlgorithms<'_>>(msg))
            .and_then(|list| {
                list.iter()
                    .map(|e| e.algorithm)
                    .find(|a| *a == PasswordAlgorithm::SHA256 || *a == PasswordAlgorithm::MD5)
            })
            .unwrap_or(PasswordAlgorithm::MD5);
        let Some(key) = LongTermKey::derive(
            algorithm,
            &self.config.username,
            realm,
            &self.config.password,
        ) else {
            return self.fail(tx.purpose, give_up);
        };
        self.auth = Some(AuthState {
            realm: realm.to_owned(),
            nonce: nonce.to_owned(),
            key,
            algorithm,
            offered: offered.map(|raw| raw.value.to_vec()),
        });
        self.start(now, tx.purpose, tx.auth_retries + 1);
    }

    fn redirect(&mut self, now: Instant, msg: &Message<'_>) {
        let Some(AlternateServer(alternate)) = get(msg) else {
            let reason = Failure::MissingAttribute {
                attribute: AttributeType::ALTERNATE_SERVER,
            };
            return self.fail(Purpose::Allocate, reason);
        };
        if self.redirects >= self.config.max_redirects || alternate == self.server {
            return self.fail(Purpose::Allocate, Failure::TooManyRedirects);
        }
        self.redirects += 1;
        self.server = alternate;
        self.auth = None;
        self.events
            .push_back(TurnEvent::Redirected { server: alternate });
        self.start(now, Purpose::Allocate, 0);
    }

    fn on_success(&mut self, now: Instant, purpose: Purpose, msg: &Message<'_>) {
        match purpose {
            Purpose::Allocate => {
                let mut relayed = msg.get_all::<XorRelayedAddress>().filter_map(Result::ok);
                let (Some(XorRelayedAddress(first)), Some(Lifetime(lifetime))) =
                    (relayed.next(), get(msg))
                else {
                    let attribute = if msg.raw(AttributeType::XOR_RELAYED_ADDRESS).is_some() {
                        AttributeType::LIFETIME
                    } else {
                        AttributeType::XOR_RELAYED_ADDRESS
                    };
                    return self.fail(purpose, Failure::MissingAttribute { attribute });
                };
                let additional = relayed.next().map(|a| a.0);
                let lifetime = Duration::from_secs(u64::from(lifetime));
                self.allocation = Some(Allocation {
                    relayed: first,
                    additional,
                    expires: now + lifetime,
                    refresh_at: now + lifetime - refresh_margin(lifetime),
                });
                self.state = ClientState::Allocated;
                self.events.push_back(TurnEvent::Allocated {
                    relayed: first,
                    additional,
                    mapped: get::<XorMappedAddress>(msg).map(|a| a.0),
                    lifetime,
                    server: self.server,
                });
            }
            Purpose::Refresh { lifetime: Some(0) } => self.finish(TurnEvent::Closed),
            Purpose::Refresh { lifetime } => {
                let granted = get::<Lifetime>(msg)
                    .map(|l| l.0)
                    .or(lifetime)
                    .unwrap_or(600);
                if granted == 0 {
                    return self.lose(Failure::Expired);
                }
                let granted = Duration::from_secs(u64::from(granted));
                if let Some(a) = &mut self.allocation {
                    a.expires = now + granted;
                    a.refresh_at = now + granted - refresh_margin(granted);
                }
                self.events
                    .push_back(TurnEvent::Refreshed { lifetime: granted });
            }
            Purpose::CreatePermission { peers } => {
                for peer in peers {
                    let Some(p) = self.permissions.get_mut(&peer) else {
                        continue;
                    };
                    p.in_flight = false;
                    p.refresh_at = Some(now + PERMISSION_REFRESH);
                    if !p.installed {
                        p.installed = true;
                        self.events.push_back(TurnEvent::PermissionCreated { peer });
                    }
                }
            }
            Purpose::Connect { peer } => match get::<ConnectionId>(msg) {
                Some(id) => self.events.push_back(TurnEvent::TcpConnected { peer, id }),
                None => {
                    let reason = Failure::MissingAttribute {
                        attribute: AttributeType::CONNECTION_ID,
                    };
                    self.events
                        .push_back(TurnEvent::TcpConnectFailed { peer, reason });
                }
            },
            Purpose::ChannelBind { number, peer } => {
                let Some(c) = self.channels.get_mut(&peer).filter(|c| c.number == number) else {
                    return;
                };
                c.in_flight = false;
                c.refresh_at = Some(now + CHANNEL_REFRESH);
                if !c.bound {
                    c.bound = true;
                    self.events.push_back(TurnEvent::ChannelBound {
                        peer,
                        channel: number,
                    });
                }
            }
        }
    }

    /// Applies the failure of one request.
    ///
    /// A 437 to a permission, channel or connect request of a live allocation is the server
    /// saying it holds no allocation for this 5-tuple (RFC 8656 §7.3, §9, §12: "437 Allocation
    /// Mismatch"); servers also drop allocations on their own (coturn does when a relayed send
    /// fails). After the request's own failure event, the allocation is reported lost.
    fn fail(&mut self, purpose: Purpose, reason: Failure) {
        let gone = reason == Failure::AllocationMismatch
            && self.state == ClientState::Allocated
            && matches!(
                purpose,
                Purpose::CreatePermission { .. }
                    | Purpose::ChannelBind { .. }
                    | Purpose::Connect { .. }
            );
        self.fail_request(purpose, reason.clone());
        if gone {
            self.lose(reason);
        }
    }

    /// The failure event of one request.
    fn fail_request(&mut self, purpose: Purpose, reason: Failure) {
        match purpose {
            Purpose::Allocate => self.finish(TurnEvent::Failed { reason }),
            // Whatever went wrong, a delete leaves nothing to keep alive (437 included).
            Purpose::Refresh { lifetime: Some(0) } => self.finish(TurnEvent::Closed),
            Purpose::Refresh { .. } => self.lose(reason),
            Purpose::CreatePermission { peers } => {
                for peer in peers {
                    if let Some(p) = self.permissions.get_mut(&peer) {
                        p.in_flight = false;
                        if !p.installed {
                            self.permissions.remove(&peer);
                        }
                    }
                    let reason = reason.clone();
                    self.events
                        .push_back(TurnEvent::PermissionFailed { peer, reason });
                }
            }
            Purpose::Connect { peer } => {
                self.events
                    .push_back(TurnEvent::TcpConnectFailed { peer, reason });
            }
            Purpose::ChannelBind { number, peer } => {
                if let Some(c) = self.channels.get_mut(&peer).filter(|c| c.number == number) {
                    c.in_flight = false;
                    if !c.bound {
                        self.channels.remove(&peer);
                        self.channel_peers.remove(&number);
                    }
                }
                self.events
                    .push_back(TurnEvent::ChannelBindFailed { peer, reason });
            }
        }
    }

    /// A request got no answer. Refreshes of what still lives are sent again at once (the
    /// next one may get through; RFC 8656 §7.3 keeps an allocation until its lifetime ends);
    /// anything else fails with [`Failure::Timeout`].
    fn timed_out(&mut self, now: Instant, purpose: Purpose) {
        let live = self.state == ClientState::Allocated;
        match purpose {
            Purpose::Refresh { lifetime } if lifetime != Some(0) && live => {
                if let Some(a) = &mut self.allocation
                    && now < a.expires
                {
                    a.refresh_at = now;
                    return;
                }
                self.fail(Purpose::Refresh { lifetime }, Failure::Timeout);
            }
            Purpose::CreatePermission { peers } if live => {
                let mut failed = Vec::new();
                for peer in peers {
                    match self.permissions.get_mut(&peer) {
                        Some(p) if p.installed => {
                            p.in_flight = false;
                            p.refresh_at = Some(now);
                        }
                        _ => failed.push(peer),
                    }
                }
                if !failed.is_empty() {
                    let purpose = Purpose::CreatePermission { peers: failed };
                    self.fail(purpose, Failure::Timeout);
                }
            }
            Purpose::ChannelBind { number, peer } if live => {
                match self.channels.get_mut(&peer).filter(|c| c.number == number) {
                    Some(c) if c.bound => {
                        c.in_flight = false;
                        c.refresh_at = Some(now);
                    }
                    _ => self.fail(Purpose::ChannelBind { number, peer }, Failure::Timeout),
                }
            }
            purpose => self.fail(purpose, Failure::Timeout),
        }
    }

    fn lose(&mut self, reason: Failure) {
        self.finish(TurnEvent::AllocationLost { reason });
    }

    /// Ends the client's life with `event`.
    fn finish(&mut self, event: TurnEvent) {
        self.state = ClientState::Done;
        self.allocation = None;
        self.transactions.cancel_all();
        self.permissions.clear();
        self.channels.clear();
        self.events.push_back(event);
    }

    /// Retransmits, times out, and refreshes what is due.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.transactions.handle_timeout(now);
        while let Some(TransactionEvent::TimedOut { data, .. }) = self.transactions.poll_event() {
            self.timed_out(now, data.purpose);
        }
        if self.state != ClientState::Allocated {
            return;
        }
        let Some(alloc) = self.allocation else {
            return;
        };
        if now >= alloc.expires {
            return self.lose(Failure::Expired);
        }
        if now >= alloc.refresh_at {
            if let Some(a) = &mut self.allocation {
                // Due again only at expiry, unless the refresh succeeds first.
                a.refresh_at = a.expires;
            }
            let lifetime = self.requested_lifetime_secs();
            self.start(now, Purpose::Refresh { lifetime }, 0);
        }
        let due: Vec<_> = self
            .permissions
            .iter()
            .filter(|(_, p)| !p.in_flight && p.refresh_at.is_some_and(|t| t <= now))
            .map(|(ip, _)| *ip)
            .collect();
        if !due.is_empty() {
            for ip in &due {
                if let Some(p) = self.permissions.get_mut(ip) {
                    p.in_flight = true;
                    p.refresh_at = None;
                }
            }
            self.start(now, Purpose::CreatePermission { peers: due }, 0);
        }
        let due: Vec<_> = self
            .channels
            .iter()
            .filter(|(_, c)| !c.in_flight && c.refresh_at.is_some_and(|t| t <= now))
            .map(|(peer, c)| (*peer, c.number))
            .collect();
        for (peer, number) in due {
            if let Some(c) = self.channels.get_mut(&peer) {
                c.in_flight = true;
                c.refresh_at = None;
            }
            self.start(now, Purpose::ChannelBind { number, peer }, 0);
        }
    }
}

/// Refresh this long before expiry: a minute, or a fifth of short lifetimes.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 5).min(Duration::from_secs(60))
}

/// The typed failure for an error code (RFC 8489 §14.8, RFC 8656 §19).
fn failure_for(code: ErrorCode, msg: &Message<'_>) -> Failure {
    match code {
        ErrorCode::TRY_ALTERNATE => Failure::TooManyRedirects,
        ErrorCode::FORBIDDEN => Failure::Forbidden,
        ErrorCode::UNKNOWN_ATTRIBUTE => Failure::UnknownAttributes {
            types: get::<UnknownAttributes<'_>>(msg)
                .map(|u| u.iter().collect())
                .unwrap_or_default(),
        },
        ErrorCode::ALLOCATION_MISMATCH => Failure::AllocationMismatch,
        ErrorCode::ADDRESS_FAMILY_NOT_SUPPORTED => Failure::AddressFamilyNotSupported,
        ErrorCode::WRONG_CREDENTIALS => Failure::WrongCredentials,
        ErrorCode::UNSUPPORTED_TRANSPORT_PROTOCOL => Failure::UnsupportedTransport,
        ErrorCode::PEER_ADDRESS_FAMILY_MISMATCH => Failure::PeerAddressFamilyMismatch,
        ErrorCode::ALLOCATION_QUOTA_REACHED => Failure::QuotaReached,
        ErrorCode::INSUFFICIENT_CAPACITY => Failure::InsufficientCapacity,
        ErrorCode::CONNECTION_ALREADY_EXISTS => Failure::ConnectionAlreadyExists,
        ErrorCode::CONNECTION_TIMEOUT_OR_FAILURE => Failure::ConnectionFailed,
        code => Failure::ErrorResponse { code },
    }
}
