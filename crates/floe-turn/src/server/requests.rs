//! Request processing: authentication (RFC 8489 §9.2.4), Binding, Allocate (RFC 8656 §7.2),
//! Refresh (§7.3), CreatePermission (§9.2) and ChannelBind (§12.2).

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use floe_stun::attributes::{
    AdditionalAddressFamily, AddressErrorCode, ChannelNumber, ErrorCodeAttribute, Lifetime, Nonce,
    PasswordAlgorithmAttribute, PasswordAlgorithms, Realm, RequestedAddressFamily,
    RequestedTransport, UnknownAttributes, Username, XorMappedAddress, XorPeerAddress,
    XorRelayedAddress,
};
use floe_stun::binding::BindingAnswer;
use floe_stun::{
    AddressFamily, AttributeType, Class, ErrorCode, IntegrityKey, Message, MessageBuilder, Method,
    PasswordAlgorithm, TransactionId,
};

use super::timers::TimerKey;
use super::{
    CHANNEL_LIFETIME, PERMISSION_LIFETIME, PendingAllocate, RelayGrant, RelayRequest,
    ReleaseReason, Server, ServerEvent,
};
use crate::auth::{CredentialLookup, LongTermKey, NonceCheck, PortBinding};
use crate::policy::Quota;
use crate::types::{FiveTuple, RelayTransport, family_of};
use crate::wire::{self, Integrity, Signer, get};

/// A request that passed long-term authentication.
#[derive(Debug)]
pub(super) struct Authed<'m> {
    pub(super) username: &'m str,
    pub(super) key: LongTermKey,
    pub(super) integrity: Integrity,
    /// The key that verified the request, its HMAC state kept for signing the response.
    pub(super) signing: IntegrityKey<'static>,
}

impl Authed<'_> {
    pub(super) fn signer(&self) -> Signer<'_> {
        Some((self.signing.by_ref(), self.integrity))
    }
}

/// `key` ready to verify a request's MESSAGE-INTEGRITY of `kind` and sign the response: for
/// HMAC-SHA1 the key is absorbed once (two SHA-1 compressions) instead of once per message.
fn signing_key(key: &LongTermKey, kind: Integrity) -> IntegrityKey<'static> {
    let key = key.integrity_key().into_owned();
    if kind == Integrity::Sha1 {
        key.prepare_sha1()
    } else {
        key
    }
}

impl<C: CredentialLookup> Server<C> {
    /// Builds a response to `tid` and queues it to the client of `ft`.
    pub(super) fn respond(
        &mut self,
        ft: FiveTuple,
        method: Method,
        class: Class,
        tid: TransactionId,
        signer: Signer<'_>,
        body: impl FnOnce(&mut MessageBuilder<'_>),
    ) {
        if let Some(buf) = self.build(method, class, tid, signer, body) {
            self.push_transmit(ft, buf);
        }
    }

    pub(super) fn build(
        &self,
        method: Method,
        class: Class,
        tid: TransactionId,
        signer: Signer<'_>,
        body: impl FnOnce(&mut MessageBuilder<'_>),
    ) -> Option<Vec<u8>> {
        let mut buf = Vec::with_capacity(128);
        let software = self.config.software.as_deref();
        let fingerprint = self.config.fingerprint;
        wire::build(
            &mut buf,
            method,
            class,
            tid,
            software,
            signer,
            fingerprint,
            body,
        )
        .then_some(buf)
    }

    /// Queues an error response with the RFC reason phrase.
    pub(super) fn reject(
        &mut self,
        ft: FiveTuple,
        msg: &Message<'_>,
        code: ErrorCode,
        signer: Signer<'_>,
    ) {
        self.stats.rejected += 1;
        let tid = *msg.transaction_id();
        self.respond(ft, msg.method(), Class::Error, tid, signer, |b| {
            b.add(&ErrorCodeAttribute::new(code));
        });
    }

    /// Refuses a request that would exceed `quota` with `code`, and tells the embedder.
    pub(super) fn refuse_over_quota(
        &mut self,
        ft: FiveTuple,
        msg: &Message<'_>,
        code: ErrorCode,
        auth: &Authed<'_>,
        quota: Quota,
    ) {
        self.reject(ft, msg, code, auth.signer());
        self.events.push_back(ServerEvent::QuotaReached {
            five_tuple: ft,
            username: auth.username.to_owned(),
            quota,
        });
    }

    /// Queues a 401 or 438 carrying REALM, a fresh NONCE and PASSWORD-ALGORITHMS.
    fn challenge(&mut self, now: Instant, ft: FiveTuple, msg: &Message<'_>, code: ErrorCode) {
        self.stats.rejected += 1;
        let nonce = self.nonces.mint(self.stamp(now), &ft);
        let realm = self.config.realm.clone();
        let offer = self.offered_algorithms();
        let tid = *msg.transaction_id();
        self.respond(ft, msg.method(), Class::Error, tid, None, |b| {
            b.add(&ErrorCodeAttribute::new(code))
                .add(&Realm(&realm))
                .add(&Nonce(&nonce));
            if !offer.is_empty() {
                b.add(&PasswordAlgorithms::from_entries(&offer));
            }
        });
    }

    /// PASSWORD-ALGORITHMS entries (RFC 8489 §14.11), empty when negotiation is off.
    fn offered_algorithms(&self) -> Vec<PasswordAlgorithmAttribute<'static>> {
        if !self.nonces.has_cookie() {
            return Vec::new();
        }
        self.config
            .password_algorithms
            .iter()
            .map(|a| PasswordAlgorithmAttribute::new(*a))
            .collect()
    }

    /// RFC 8489 §9.2.4. Answers the request itself (401, 438, 400) when it fails; no state is
    /// created for a request that does not authenticate.
    fn authenticate<'m>(
        &mut self,
        now: Instant,
        ft: FiveTuple,
        msg: &Message<'m>,
    ) -> Option<Authed<'m>> {
        let Some(integrity) = msg.integrity_kind() else {
            self.challenge(now, ft, msg, ErrorCode::UNAUTHENTICATED);
            return None;
        };
        let (Some(Username(username)), Some(Realm(realm)), Some(Nonce(nonce))) =
            (get(msg), get(msg), get(msg))
        else {
            self.reject(ft, msg, ErrorCode::BAD_REQUEST, None);
            return None;
        };
        // Nonces are bound to the 5-tuple, except on RFC 6062 data connections (new ports).
        let ports = if msg.method() == Method::CONNECTION_BIND {
            PortBinding::AnyPort
        } else {
            PortBinding::Exact
        };
        if self.nonces.check(nonce, &ft, ports, self.stamp(now)) != NonceCheck::Valid {
            self.challenge(now, ft, msg, ErrorCode::STALE_NONCE);
            return None;
        }
        let Some(algorithm) = self.negotiated_algorithm(msg) else {
            self.reject(ft, msg, ErrorCode::BAD_REQUEST, None);
            return None;
        };
        let secret = (realm == self.config.realm)
            .then(|| self.credentials.lookup(username, realm, self.unix_now(now)))
            .flatten();
        let key = secret.and_then(|s| s.key(algorithm, username, realm));
        match key.map(|key| (signing_key(&key, integrity), key)) {
            Some((signing, key)) if wire::verify(msg, &signing) => Some(Authed {
                username,
                key,
                integrity,
                signing,
            }),
            _ => {
                self.challenge(now, ft, msg, ErrorCode::UNAUTHENTICATED);
                None
            }
        }
    }

    /// The password algorithm of a request (RFC 8489 §9.2.4): MD5 when neither
    /// PASSWORD-ALGORITHMS nor PASSWORD-ALGORITHM is present, provided the server allows MD5
    /// (negotiation off, or MD5 among `password_algorithms`); otherwise the list must be the
    /// one we sent and the choice one of it. `None` means 400.
    fn negotiated_algorithm(&self, msg: &Message<'_>) -> Option<PasswordAlgorithm> {
        let list = msg.get::<PasswordAlgorithms<'_>>();
        let chosen = msg.get::<PasswordAlgorithmAttribute<'_>>();
        match (list, chosen) {
            (Ok(None), Ok(None)) => {
                let algorithms = &self.config.password_algorithms;
                let md5_allowed =
                    algorithms.is_empty() || algorithms.contains(&PasswordAlgorithm::MD5);
                md5_allowed.then_some(PasswordAlgorithm::MD5)
            }
            (Ok(Some(list)), Ok(Some(chosen))) if self.nonces.has_cookie() => {
                let ours = self.config.password_algorithms.iter().map(|a| (*a, true));
                let same = list
                    .iter()
                    .map(|e| (e.algorithm, e.params.is_empty()))
                    .eq(ours);
                (same && self.config.password_algorithms.contains(&chosen.algorithm))
                    .then_some(chosen.algorithm)
            }
            _ => None,
        }
    }

    /// Dispatches a request.
    pub(super) fn handle_request(&mut self, now: Instant, ft: FiveTuple, msg: &Message<'_>) {
        let unknown: Vec<AttributeType> = msg
            .unknown_comprehension_required(wire::is_known)
            .take(16)
            .collect();
        if msg.method() == Method::BINDING {
            // floe-stun's responder, as `floe stun serve` answers: no credentials (RFC 8489 §9
            // lets Binding go without), 420 for what a TURN server does not understand.
            let mut out = Vec::new();
            if let BindingAnswer::Error(_) = self.binding.answer(msg, ft.remote, &mut out) {
                self.stats.rejected += 1;
            }
            if !out.is_empty() {
                self.push_transmit(ft, out);
            }
            return;
        }
        if !matches!(
            msg.method(),
            Method::ALLOCATE
                | Method::REFRESH
                | Method::CREATE_PERMISSION
                | Method::CHANNEL_BIND
                | Method::CONNECT
                | Method::CONNECTION_BIND
        ) {
            return self.reject(ft, msg, ErrorCode::BAD_REQUEST, None);
        }
        let Some(auth) = self.authenticate(now, ft, msg) else {
            return;
        };
        if !unknown.is_empty() {
            return self.unknown_attributes(ft, msg, &unknown, auth.signer());
        }
        if msg.method() == Method::ALLOCATE {
            return self.allocate(now, ft, msg, auth);
        }
        if msg.method() == Method::CONNECTION_BIND {
            // On a new data connection, which has no allocation of its own (RFC 6062 §5.4).
            return self.connection_bind(ft, msg, &auth);
        }
        // The other methods need the allocation, created by the same user (RFC 8656 §5).
        match self.allocations.get(&ft) {
            None => return self.reject(ft, msg, ErrorCode::ALLOCATION_MISMATCH, auth.signer()),
            Some(a) if *a.username != *auth.username => {
                return self.reject(ft, msg, ErrorCode::WRONG_CREDENTIALS, auth.signer());
            }
            Some(_) => {}
        }
        // The client got its Allocate response, so retransmissions of it are over.
        if let Some(a) = self.allocations.get_mut(&ft) {
            a.cached_allocate = None;
        }
        match msg.method() {
            Method::REFRESH => self.refresh(now, ft, msg, &auth),
            Method::CREATE_PERMISSION => self.create_permission(now, ft, msg, &auth),
            Method::CONNECT => self.connect(now, ft, msg, &auth),
            _ => self.channel_bind(now, ft, msg, &auth),
        }
    }

    fn unknown_attributes(
        &mut self,
        ft: FiveTuple,
        msg: &Message<'_>,
        types: &[AttributeType],
        signer: Signer<'_>,
    ) {
        self.stats.rejected += 1;
        let tid = *msg.transaction_id();
        self.respond(ft, msg.method(), Class::Error, tid, signer, |b| {
            b.add(&ErrorCodeAttribute::new(ErrorCode::UNKNOWN_ATTRIBUTE))
                .add(&UnknownAttributes::from_types(types));
        });
    }

    /// The lifetime granted for a requested one (RFC 8656 §7.2): `min(requested, max)`, but
    /// never below the default.
    fn granted_lifetime(&self, requested: Option<u32>) -> Duration {
        let requested = requested.map_or(self.config.default_lifetime, |s| {
            Duration::from_secs(u64::from(s))
        });
        requested
            .min(self.config.max_lifetime)
            .max(self.config.default_lifetime)
    }

    fn allocate(&mut self, now: Instant, ft: FiveTuple, msg: &Message<'_>, auth: Authed<'_>) {
        let signer = auth.signer();
        if let Some(a) = self.allocations.get(&ft) {
            // A retransmission gets the same answer; anything else is a mismatch (§7.2).
            if let Some((tid, response)) = &a.cached_allocate
                && tid == msg.transaction_id()
            {
                let response = response.to_vec();
                return self.push_transmit(ft, response);
            }
            return self.reject(ft, msg, ErrorCode::ALLOCATION_MISMATCH, signer);
        }
        if self.pending.values().any(|p| p.five_tuple == ft) {
            // The embedder is still opening the relay socket for this 5-tuple.
            return;
        }
        let tcp = match msg.get::<RequestedTransport>() {
            Ok(Some(RequestedTransport::UDP)) => false,
            Ok(Some(RequestedTransport::TCP)) if self.config.tcp_allocations => {
                // RFC 6062 §5.1: only over a stream, and without the UDP-only attributes.
                let udp_only = [
                    AttributeType::DONT_FRAGMENT,
                    AttributeType::EVEN_PORT,
                    AttributeType::RESERVATION_TOKEN,
                ];
                if !ft.transport.is_stream() || udp_only.iter().any(|t| msg.raw(*t).is_some()) {
                    return self.reject(ft, msg, ErrorCode::BAD_REQUEST, signer);
                }
                true
            }
            Ok(Some(_)) => {
                return self.reject(ft, msg, ErrorCode::UNSUPPORTED_TRANSPORT_PROTOCOL, signer);
            }
            _ => return self.reject(ft, msg, ErrorCode::BAD_REQUEST, signer),
        };
        let even_port = msg.raw(AttributeType::EVEN_PORT).is_some();
        if msg.raw(AttributeType::RESERVATION_TOKEN).is_some() {
            // Reservations are never handed out, so no token can be valid (§7.2 step 5).
            let code = if even_port {
                ErrorCode::BAD_REQUEST
            } else {
                ErrorCode::INSUFFICIENT_CAPACITY
            };
            return self.reject(ft, msg, code, signer);
        }
        let requested = msg.get::<RequestedAddressFamily>();
        let additional = msg.get::<AdditionalAddressFamily>();
        let (family, additional_family) = match (requested, additional) {
            (Ok(None), Ok(None)) => (AddressFamily::IPV4, None),
            (Ok(None), Ok(Some(AdditionalAddressFamily(AddressFamily::IPV6)))) => {
                (AddressFamily::IPV4, Some(AddressFamily::IPV6))
            }
            (Ok(Some(RequestedAddressFamily(f))), Ok(None))
                if f == AddressFamily::IPV4 || f == AddressFamily::IPV6 =>
            {
                (f, None)
            }
            (Ok(Some(_)), Ok(None)) => {
                return self.reject(ft, msg, ErrorCode::ADDRESS_FAMILY_NOT_SUPPORTED, signer);
            }
            _ => return self.reject(ft, msg, ErrorCode::BAD_REQUEST, signer),
        };
        let held = self.per_user.get(auth.username).copied().unwrap_or(0);
        let from_ip = self.per_ip.get(&ft.remote.ip()).copied().unwrap_or(0);
        let total = self.allocations.len() + self.pending.len();
        let quotas = self.config.quotas;
        let over = if held >= quotas.allocations_per_user {
            Some((
                ErrorCode::ALLOCATION_QUOTA_REACHED,
                Quota::AllocationsPerUser,
            ))
        } else if from_ip >= quotas.allocations_per_client_ip {
            Some((
                ErrorCode::ALLOCATION_QUOTA_REACHED,
                Quota::AllocationsPerClientIp,
            ))
        } else if total >= quotas.allocations_total as usize {
            Some((ErrorCode::INSUFFICIENT_CAPACITY, Quota::AllocationsTotal))
        } else {
            None
        };
        if let Some((code, quota)) = over {
            return self.refuse_over_quota(ft, msg, code, &auth, quota);
        }
        let lifetime = self.granted_lifetime(get::<Lifetime>(msg).map(|l| l.0));
        let id = self.new_request_id();
        *self.per_user.entry(auth.username.into()).or_insert(0) += 1;
        *self.per_ip.entry(ft.remote.ip()).or_insert(0) += 1;
        let deadline = now + self.config.relay_request_timeout;
        self.pending.insert(
            id,
            PendingAllocate {
                five_tuple: ft,
                tid: *msg.transaction_id(),
                username: auth.username.into(),
                integrity: auth.integrity,
                signing: auth.signing,
                lifetime,
                additional_family,
                tcp,
                deadline,
            },
        );
        self.schedule(deadline, TimerKey::RelayRequest(id));
        self.events
            .push_back(ServerEvent::RelayRequested(RelayRequest {
                id,
                five_tuple: ft,
                family,
                additional_family,
                transport: if tcp {
                    RelayTransport::Tcp
                } else {
                    RelayTransport::Udp
                },
                even_port,
                dont_fragment: msg.raw(AttributeType::DONT_FRAGMENT).is_some(),
            }));
    }

    /// The success response of an Allocate (RFC 8656 §7.2 step 9).
    pub(super) fn allocate_success(
        &self,
        p: &PendingAllocate,
        grant: RelayGrant,
    ) -> Option<Vec<u8>> {
        let lifetime = u32::try_from(p.lifetime.as_secs()).unwrap_or(u32::MAX);
        let signer = Some((p.signing.by_ref(), p.integrity));
        self.build(Method::ALLOCATE, Class::Success, p.tid, signer, |b| {
            b.add(&XorRelayedAddress(grant.relayed));
            match (grant.additional, p.additional_family) {
                (Some(extra), _) => {
                    b.add(&XorRelayedAddress(extra));
                }
                (None, Some(family)) => {
                    let code = ErrorCode::ADDRESS_FAMILY_NOT_SUPPORTED;
                    b.add(&AddressErrorCode {
                        family,
                        code,
                        reason: code.reason().unwrap_or(""),
                    });
                }
                (None, None) => {}
            }
            b.add(&Lifetime(lifetime))
                .add(&XorMappedAddress(p.five_tuple.remote));
        })
    }

    /// Queues an error for a pending Allocate that could not get a relay socket.
    pub(super) fn send_pending_error(&mut self, p: &PendingAllocate, code: ErrorCode) {
        self.stats.rejected += 1;
        let signer = Some((p.signing.by_ref(), p.integrity));
        let built = self.build(Method::ALLOCATE, Class::Error, p.tid, signer, |b| {
            b.add(&ErrorCodeAttribute::new(code));
        });
        if let Some(buf) = built {
            self.push_transmit(p.five_tuple, buf);
        }
    }

    fn refresh(&mut self, now: Instant, ft: FiveTuple, msg: &Message<'_>, auth: &Authed<'_>) {
        let requested = get::<Lifetime>(msg).map(|l| l.0);
        if let Ok(Some(RequestedAddressFamily(family))) = msg.get::<RequestedAddressFamily>() {
            let matches = self.allocations.get(&ft).is_some_and(|a| {
                [Some(a.relayed), a.additional]
                    .into_iter()
                    .flatten()
                    .any(|r| family_of(&r.ip()) == family)
            });
            if !matches {
                let code = ErrorCode::PEER_ADDRESS_FAMILY_MISMATCH;
                return self.reject(ft, msg, code, auth.signer());
            }
        }
        let granted = if requested == Some(0) {
            self.remove_allocation(&ft, ReleaseReason::Deleted);
            0
        } else {
            let lifetime = self.granted_lifetime(requested);
            let before = self.next_deadline_of(&ft);
            if let Some(a) = self.allocations.get_mut(&ft) {
                a.refresh(now, lifetime);
            }
            self.reschedule(ft, before);
            u32::try_from(lifetime.as_secs()).unwrap_or(u32::MAX)
        };
        let tid = *msg.transaction_id();
        self.respond(ft, msg.method(), Class::Success, tid, auth.signer(), |b| {
            b.add(&Lifetime(granted));
        });
    }

    /// Checks a peer against the allocation's families and the policy: `Err` is the code.
    pub(super) fn check_peer(&self, ft: &FiveTuple, peer: &SocketAddr) -> Result<(), ErrorCode> {
        let alloc = self
            .allocations
            .get(ft)
            .ok_or(ErrorCode::ALLOCATION_MISMATCH)?;
        if alloc.relay_for(&peer.ip()).is_none() {
            return Err(ErrorCode::PEER_ADDRESS_FAMILY_MISMATCH);
        }
        if !self.config.peer_policy.allows(&peer.ip()) {
            return Err(ErrorCode::FORBIDDEN);
        }
        Ok(())
    }

    fn create_permission(
        &mut self,
        now: Instant,
        ft: FiveTuple,
        msg: &Message<'_>,
        auth: &Authed<'_>,
    ) {
        let peers: Result<Vec<XorPeerAddress>, _> = msg.get_all::<XorPeerAddress>().collect();
        let peers = match peers {
            Ok(p) if !p.is_empty() => p,
            _ => return self.reject(ft, msg, ErrorCode::BAD_REQUEST, auth.signer()),
        };
        for XorPeerAddress(peer) in &peers {
            if let Err(code) = self.check_peer(&ft, peer) {
                return self.reject(ft, msg, code, auth.signer());
            }
        }
        let max = self.config.quotas.permissions_per_allocation;
        let until = now + PERMISSION_LIFETIME;
        let ips: Vec<_> = peers.iter().map(|p| p.0.ip()).collect();
        let before = self.next_deadline_of(&ft);
        let ok = self
            .allocations
            .get_mut(&ft)
            .is_some_and(|a| a.permit_all(&ips, until, max));
        self.reschedule(ft, before);
        if !ok {
            let code = ErrorCode::INSUFFICIENT_CAPACITY;
            return self.refuse_over_quota(ft, msg, code, auth, Quota::PermissionsPerAllocation);
        }
        let tid = *msg.transaction_id();
        self.respond(ft, msg.method(), Class::Success, tid, auth.signer(), |_| {});
    }

    fn channel_bind(&mut self, now: Instant, ft: FiveTuple, msg: &Message<'_>, auth: &Authed<'_>) {
        if self.allocations.get(&ft).is_some_and(|a| a.tcp) {
            // Channels are for UDP relaying only (RFC 6062 §5.5).
            return self.reject(ft, msg, ErrorCode::BAD_REQUEST, auth.signer());
        }
        let number = get::<ChannelNumber>(msg)
            .map(|c| c.0)
            .filter(|n| self.config.channel_range.contains(*n));
        let (Some(number), Some(XorPeerAddress(peer))) = (number, get(msg)) else {
            return self.reject(ft, msg, ErrorCode::BAD_REQUEST, auth.signer());
        };
        if let Err(code) = self.check_peer(&ft, &peer) {
            return self.reject(ft, msg, code, auth.signer());
        }
        let quotas = self.config.quotas;
        let before = self.next_deadline_of(&ft);
        let result = match self.allocations.get_mut(&ft) {
            Some(a) => {
                // A channel binding also installs or refreshes the permission (§12.2); check
                // that it fits before binding, so a refusal leaves nothing behind.
                let until = now + PERMISSION_LIFETIME;
                let max = quotas.permissions_per_allocation;
                let fits = a.permits_or_fits(&peer.ip(), max);
                if fits {
                    a.bind(
                        number,
                        peer,
                        now + CHANNEL_LIFETIME,
                        quotas.channels_per_allocation,
                    )
                    .map(|()| {
                        a.permit(peer.ip(), until, max);
                    })
                    .map_err(|code| {
                        // The table is full only when the channel quota is (Allocation::bind).
                        let quota = (code == ErrorCode::INSUFFICIENT_CAPACITY)
                            .then_some(Quota::ChannelsPerAllocation);
                        (code, quota)
                    })
                } else {
                    Err((
                        ErrorCode::INSUFFICIENT_CAPACITY,
                        Some(Quota::PermissionsPerAllocation),
                    ))
                }
            }
            None => Err((ErrorCode::ALLOCATION_MISMATCH, None)),
        };
        self.reschedule(ft, before);
        let tid = *msg.transaction_id();
        match result {
            Ok(()) => self.respond(ft, msg.method(), Class::Success, tid, auth.signer(), |_| {}),
            Err((code, Some(quota))) => self.refuse_over_quota(ft, msg, code, auth, quota),
            Err((code, None)) => self.reject(ft, msg, code, auth.signer()),
        }
    }
}
