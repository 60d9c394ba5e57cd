//! Applying what the server sends: responses (with 401/438 retries and 300 redirects), Data
//! indications, ChannelData, and the timers that refresh everything (RFC 8656 §7–§12).

use core::time::Duration;
use std::time::Instant;

use super::transaction::{Fire, Purpose};
use super::{
    Allocation, AuthState, CHANNEL_REFRESH, Client, ClientState, Failure, PERMISSION_REFRESH,
    ReceiveError, TurnEvent,
};
use crate::auth::{LongTermKey, NONCE_COOKIE, PasswordAlgorithm};
use crate::wire::{Class, Msg, attr, be16, channel_data, method};

/// How often one request is re-sent after 401 or 438 before giving up.
const MAX_AUTH_RETRIES: u8 = 3;

impl Client {
    /// Handles one STUN or ChannelData message from the server.
    pub(super) fn handle_message(
        &mut self,
        now: Instant,
        bytes: &[u8],
    ) -> Result<(), ReceiveError> {
        let malformed = ReceiveError::Malformed { len: bytes.len() };
        if bytes.first().is_some_and(|b| b & 0xC0 == 0x40) {
            let (channel, data) = channel_data::parse(bytes).ok_or(malformed)?;
            let peer = *self
                .channel_peers
                .get(&channel)
                .ok_or(ReceiveError::UnknownChannel { channel })?;
            self.events.push_back(TurnEvent::Data {
                peer,
                data: data.to_vec(),
                via_channel: true,
            });
            return Ok(());
        }
        let msg = Msg::parse(bytes).ok_or_else(|| malformed.clone())?;
        match msg.class {
            Class::Indication if msg.method == method::DATA => {
                let (Some(peer), Some(data)) =
                    (msg.xor_addr(attr::XOR_PEER_ADDRESS), msg.attr(attr::DATA))
                else {
                    return Err(malformed);
                };
                self.events.push_back(TurnEvent::Data {
                    peer,
                    data: data.to_vec(),
                    via_channel: false,
                });
                Ok(())
            }
            Class::Success | Class::Error => self.handle_response(now, &msg),
            _ => Err(malformed),
        }
    }

    fn handle_response(&mut self, now: Instant, msg: &Msg<'_>) -> Result<(), ReceiveError> {
        let idx = self
            .transactions
            .iter()
            .position(|t| t.tid == msg.tid)
            .ok_or(ReceiveError::UnmatchedResponse)?;
        // A response to a signed request must be signed with the same key when it is a
        // success; a wrong MAC is an attack or corruption and is ignored (RFC 8489 §9.2.5).
        if self.transactions[idx].signed {
            let key = self.auth.as_ref().map(|a| a.key.clone());
            let ok = match (msg.integrity(), key) {
                (Some(_), Some(key)) => msg.verify(key.as_bytes()),
                (None, _) => msg.class == Class::Error,
                (Some(_), None) => false,
            };
            if !ok {
                return Err(ReceiveError::UnmatchedResponse);
            }
        }
        let tx = self.transactions.swap_remove(idx);
        if msg.class == Class::Success {
            self.on_success(now, tx.purpose, msg);
        } else {
            self.on_error(now, tx.purpose, tx.auth_retries, tx.signed, msg);
        }
        Ok(())
    }

    fn on_error(
        &mut self,
        now: Instant,
        purpose: Purpose,
        retries: u8,
        signed: bool,
        msg: &Msg<'_>,
    ) {
        let Some((code, _)) = msg.error_code() else {
            let reason = Failure::MissingAttribute {
                attribute: attr::ERROR_CODE,
            };
            return self.fail(purpose, reason);
        };
        match code {
            401 | 438 => self.on_challenge(now, purpose, retries, signed, code, msg),
            300 if purpose == Purpose::Allocate => self.redirect(now, msg),
            _ => {
                let reason = failure_for(code, msg);
                self.fail(purpose, reason);
            }
        }
    }

    /// RFC 8489 §9.2.5: learn REALM, NONCE and the password algorithm, then retry.
    fn on_challenge(
        &mut self,
        now: Instant,
        purpose: Purpose,
        retries: u8,
        signed: bool,
        code: u16,
        msg: &Msg<'_>,
    ) {
        let give_up = if code == 438 {
            Failure::StaleNonce
        } else {
            Failure::Unauthorized
        };
        let (Some(realm), Some(nonce)) = (msg.str_attr(attr::REALM), msg.str_attr(attr::NONCE))
        else {
            return self.fail(purpose, give_up);
        };
        // A 401 to credentials with a nonce the server still accepts means a wrong password;
        // a 401 with a new nonce may be a server that does not send 438.
        let same_nonce = self.auth.as_ref().is_some_and(|a| a.nonce == nonce);
        if retries >= MAX_AUTH_RETRIES || (code == 401 && signed && same_nonce) {
            return self.fail(purpose, give_up);
        }
        if self.config.realm.as_deref().is_some_and(|r| r != realm) {
            return self.fail(purpose, Failure::RealmMismatch);
        }
        let offered = msg.attr(attr::PASSWORD_ALGORITHMS);
        let algorithm = offered
            .filter(|_| nonce.starts_with(NONCE_COOKIE))
            .and_then(first_supported)
            .unwrap_or(PasswordAlgorithm::Md5);
        let algorithms = offered
            .filter(|_| nonce.starts_with(NONCE_COOKIE))
            .map(<[u8]>::to_vec);
        let key = LongTermKey::derive(
            algorithm,
            &self.config.username,
            realm,
            &self.config.password,
        );
        self.auth = Some(AuthState {
            realm: realm.to_owned(),
            nonce: nonce.to_owned(),
            key,
            algorithm,
            algorithms,
        });
        self.start(now, purpose, retries + 1);
    }

    fn redirect(&mut self, now: Instant, msg: &Msg<'_>) {
        let Some(alternate) = msg.plain_addr(attr::ALTERNATE_SERVER) else {
            let reason = Failure::MissingAttribute {
                attribute: attr::ALTERNATE_SERVER,
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

    fn on_success(&mut self, now: Instant, purpose: Purpose, msg: &Msg<'_>) {
        match purpose {
            Purpose::Allocate => {
                let mut relayed = msg.xor_addrs(attr::XOR_RELAYED_ADDRESS);
                let (Some(first), Some(lifetime)) = (relayed.next(), msg.u32_attr(attr::LIFETIME))
                else {
                    let attribute = if msg.has(attr::XOR_RELAYED_ADDRESS) {
                        attr::LIFETIME
                    } else {
                        attr::XOR_RELAYED_ADDRESS
                    };
                    return self.fail(purpose, Failure::MissingAttribute { attribute });
                };
                let additional = relayed.next();
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
                    mapped: msg.xor_addr(attr::XOR_MAPPED_ADDRESS),
                    lifetime,
                    server: self.server,
                });
            }
            Purpose::Refresh { lifetime: Some(0) } => self.finish(TurnEvent::Closed),
            Purpose::Refresh { lifetime } => {
                let granted = msg.u32_attr(attr::LIFETIME).or(lifetime).unwrap_or(600);
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
    fn fail(&mut self, purpose: Purpose, reason: Failure) {
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

    fn lose(&mut self, reason: Failure) {
        self.finish(TurnEvent::AllocationLost { reason });
    }

    /// Ends the client's life with `event`.
    fn finish(&mut self, event: TurnEvent) {
        self.state = ClientState::Done;
        self.allocation = None;
        self.transactions.clear();
        self.permissions.clear();
        self.channels.clear();
        self.events.push_back(event);
    }

    /// Retransmits, times out, and refreshes what is due.
    pub fn handle_timeout(&mut self, now: Instant) {
        let timing = self.timing();
        let mut i = 0;
        while i < self.transactions.len() {
            match self.transactions[i].fire(now, timing) {
                Fire::Nothing => i += 1,
                Fire::Retransmit => {
                    let bytes = self.transactions[i].bytes.clone();
                    self.emit(bytes);
                    i += 1;
                }
                Fire::TimedOut => {
                    let tx = self.transactions.swap_remove(i);
                    self.fail(tx.purpose, Failure::Timeout);
                }
            }
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

/// The first algorithm in the server's PASSWORD-ALGORITHMS list we implement
/// (RFC 8489 §9.2.5: the server lists them in order of preference).
fn first_supported(list: &[u8]) -> Option<PasswordAlgorithm> {
    let mut at = 0;
    while at + 4 <= list.len() {
        let number = be16(list, at)?;
        let params = usize::from(be16(list, at + 2)?);
        if let Some(a) = PasswordAlgorithm::from_number(number) {
            return Some(a);
        }
        at += 4 + params.next_multiple_of(4);
    }
    None
}

/// The typed failure for an error code (RFC 8489 §14.8, RFC 8656 §19).
fn failure_for(code: u16, msg: &Msg<'_>) -> Failure {
    match code {
        300 => Failure::TooManyRedirects,
        403 => Failure::Forbidden,
        420 => Failure::UnknownAttributes {
            types: msg
                .attr(attr::UNKNOWN_ATTRIBUTES)
                .unwrap_or(&[])
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect(),
        },
        437 => Failure::AllocationMismatch,
        440 => Failure::AddressFamilyNotSupported,
        441 => Failure::WrongCredentials,
        442 => Failure::UnsupportedTransport,
        443 => Failure::PeerAddressFamilyMismatch,
        486 => Failure::QuotaReached,
        508 => Failure::InsufficientCapacity,
        _ => Failure::ErrorResponse { code },
    }
}
