//! Request processing: authentication (RFC 8489 §9.2.4), Binding, Allocate (RFC 8656 §7.2),
//! Refresh (§7.3), CreatePermission (§9.2) and ChannelBind (§12.2).

use core::net::SocketAddr;
use core::time::Duration;
use std::time::Instant;

use super::{
    CHANNEL_LIFETIME, PERMISSION_LIFETIME, PendingAllocate, RelayGrant, RelayRequest,
    ReleaseReason, Server, ServerEvent,
};
use crate::auth::{CredentialLookup, LongTermKey, NonceCheck, PasswordAlgorithm};
use crate::server::allocation::Allocation;
use crate::types::{AddressFamily, FiveTuple, is_valid_channel};
use crate::wire::{Builder, Class, Integrity, Msg, attr, method};

/// REQUESTED-TRANSPORT value for UDP (RFC 8656 §18.7: the IANA protocol number).
const PROTOCOL_UDP: u8 = 17;

/// A request that passed long-term authentication.
#[derive(Debug)]
pub(super) struct Authed<'m> {
    pub(super) username: &'m str,
    pub(super) key: LongTermKey,
    pub(super) integrity: Integrity,
}

/// The signing context of a response: key and MAC.
type Signer<'k> = Option<(&'k LongTermKey, Integrity)>;

impl<C: CredentialLookup> Server<C> {
    /// Builds a response to `tid` and queues it to the client of `ft`.
    pub(super) fn respond(
        &mut self,
        ft: FiveTuple,
        method: u16,
        class: Class,
        tid: [u8; 12],
        signer: Signer<'_>,
        body: impl FnOnce(&mut Builder<'_>),
    ) {
        let buf = self.build(method, class, tid, signer, body);
        self.push_transmit(ft, buf);
    }

    pub(super) fn build(
        &self,
        method: u16,
        class: Class,
        tid: [u8; 12],
        signer: Signer<'_>,
        body: impl FnOnce(&mut Builder<'_>),
    ) -> Vec<u8> {
        let mut buf = Vec::with_capacity(128);
        let mut b = Builder::new(&mut buf, method, class, tid);
        body(&mut b);
        if let Some(s) = &self.config.software {
            b.attr(attr::SOFTWARE, s.as_bytes());
        }
        if let Some((key, kind)) = signer {
            b.integrity(key, kind);
        }
        if self.config.fingerprint {
            b.finish_fingerprint();
        } else {
            b.finish();
        }
        buf
    }

    /// Queues an error response.
    fn reject(
        &mut self,
        ft: FiveTuple,
        msg: &Msg<'_>,
        code: u16,
        reason: &str,
        signer: Signer<'_>,
    ) {
        self.stats.rejected += 1;
        self.respond(ft, msg.method, Class::Error, msg.tid, signer, |b| {
            b.error_code(code, reason);
        });
    }

    /// Queues a 401 or 438 carrying REALM, a fresh NONCE and PASSWORD-ALGORITHMS.
    fn challenge(&mut self, now: Instant, ft: FiveTuple, msg: &Msg<'_>, code: u16, reason: &str) {
        self.stats.rejected += 1;
        let nonce = self.nonces.mint(self.stamp(now), ft.client);
        let realm = self.config.realm.clone();
        let algorithms = self.algorithms_value();
        self.respond(ft, msg.method, Class::Error, msg.tid, None, |b| {
            b.error_code(code, reason)
                .attr(attr::REALM, realm.as_bytes())
                .attr(attr::NONCE, nonce.as_bytes());
            if let Some(v) = &algorithms {
                b.attr(attr::PASSWORD_ALGORITHMS, v);
            }
        });
    }

    /// PASSWORD-ALGORITHMS value (RFC 8489 §14.11), when negotiation is on.
    fn algorithms_value(&self) -> Option<Vec<u8>> {
        if !self.nonces.has_cookie() {
            return None;
        }
        let mut v = Vec::with_capacity(4 * self.config.password_algorithms.len());
        for a in &self.config.password_algorithms {
            v.extend_from_slice(&a.number().to_be_bytes());
            v.extend_from_slice(&[0, 0]);
        }
        Some(v)
    }

    /// RFC 8489 §9.2.4. Answers the request itself (401, 438, 400) when it fails; no state is
    /// created for a request that does not authenticate.
    fn authenticate<'m>(
        &mut self,
        now: Instant,
        ft: FiveTuple,
        msg: &Msg<'m>,
    ) -> Option<Authed<'m>> {
        let Some(integrity) = msg.integrity() else {
            self.challenge(now, ft, msg, 401, "Unauthorized");
            return None;
        };
        let (Some(username), Some(realm), Some(nonce)) = (
            msg.str_attr(attr::USERNAME),
            msg.str_attr(attr::REALM),
            msg.str_attr(attr::NONCE),
        ) else {
            self.reject(ft, msg, 400, "Bad Request", None);
            return None;
        };
        if self.nonces.check(nonce, ft.client, self.stamp(now)) != NonceCheck::Valid {
            self.challenge(now, ft, msg, 438, "Stale Nonce");
            return None;
        }
        let Some(algorithm) = self.negotiated_algorithm(msg) else {
            self.reject(ft, msg, 400, "Bad Request", None);
            return None;
        };
        let secret = (realm == self.config.realm)
            .then(|| self.credentials.lookup(username, realm, self.unix_now(now)))
            .flatten();
        let key = secret.and_then(|s| s.key(algorithm, username, realm));
        match key {
            Some(key) if msg.verify(key.as_bytes()) => Some(Authed {
                username,
                key,
                integrity,
            }),
            _ => {
                self.challenge(now, ft, msg, 401, "Unauthorized");
                None
            }
        }
    }

    /// The password algorithm of a request (RFC 8489 §9.2.4): MD5 when neither
    /// PASSWORD-ALGORITHMS nor PASSWORD-ALGORITHM is present; otherwise the list must be the
    /// one we sent and the choice one of it. `None` means 400.
    fn negotiated_algorithm(&self, msg: &Msg<'_>) -> Option<PasswordAlgorithm> {
        let list = msg.attr(attr::PASSWORD_ALGORITHMS);
        let chosen = msg.attr(attr::PASSWORD_ALGORITHM);
        match (list, chosen) {
            (None, None) => Some(PasswordAlgorithm::Md5),
            (Some(list), Some(chosen)) if self.nonces.has_cookie() => {
                if Some(list) != self.algorithms_value().as_deref() {
                    return None;
                }
                let n = crate::wire::be16(chosen, 0)?;
                let a = PasswordAlgorithm::from_number(n)?;
                self.config.password_algorithms.contains(&a).then_some(a)
            }
            _ => None,
        }
    }

    /// Dispatches a request.
    pub(super) fn handle_request(&mut self, now: Instant, ft: FiveTuple, msg: &Msg<'_>) {
        let (unknown, n) = msg.unknown_required();
        if msg.method == method::BINDING {
            if n > 0 {
                self.unknown_attributes(ft, msg, &unknown[..n], None);
                return;
            }
            self.respond(ft, msg.method, Class::Success, msg.tid, None, |b| {
                b.xor_addr(attr::XOR_MAPPED_ADDRESS, ft.client);
            });
            return;
        }
        if !matches!(
            msg.method,
            method::ALLOCATE | method::REFRESH | method::CREATE_PERMISSION | method::CHANNEL_BIND
        ) {
            self.reject(ft, msg, 400, "Bad Request", None);
            return;
        }
        let Some(auth) = self.authenticate(now, ft, msg) else {
            return;
        };
        if n > 0 {
            self.unknown_attributes(ft, msg, &unknown[..n], Some((&auth.key, auth.integrity)));
            return;
        }
        if msg.method == method::ALLOCATE {
            self.allocate(now, ft, msg, auth);
            return;
        }
        // The other methods need the allocation, created by the same user (RFC 8656 §5).
        match self.allocations.get(&ft) {
            None => {
                return self.reject(
                    ft,
                    msg,
                    437,
                    "Allocation Mismatch",
                    Some((&auth.key, auth.integrity)),
                );
            }
            Some(a) if *a.username != *auth.username => {
                return self.reject(
                    ft,
                    msg,
                    441,
                    "Wrong Credentials",
                    Some((&auth.key, auth.integrity)),
                );
            }
            Some(_) => {}
        }
        match msg.method {
            method::REFRESH => self.refresh(now, ft, msg, &auth),
            method::CREATE_PERMISSION => self.create_permission(now, ft, msg, &auth),
            _ => self.channel_bind(now, ft, msg, &auth),
        }
    }

    fn unknown_attributes(&mut self, ft: FiveTuple, msg: &Msg<'_>, types: &[u16], s: Signer<'_>) {
        self.stats.rejected += 1;
        let value: Vec<u8> = types.iter().flat_map(|t| t.to_be_bytes()).collect();
        self.respond(ft, msg.method, Class::Error, msg.tid, s, |b| {
            b.error_code(420, "Unknown Attribute")
                .attr(attr::UNKNOWN_ATTRIBUTES, &value);
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

    fn allocate(&mut self, now: Instant, ft: FiveTuple, msg: &Msg<'_>, auth: Authed<'_>) {
        let signer = Some((&auth.key, auth.integrity));
        if let Some(a) = self.allocations.get(&ft) {
            // A retransmission gets the same answer; anything else is a mismatch (§7.2).
            if let Some((tid, response)) = &a.cached_allocate
                && *tid == msg.tid
            {
                let response = response.to_vec();
                self.push_transmit(ft, response);
                return;
            }
            return self.reject(ft, msg, 437, "Allocation Mismatch", signer);
        }
        if self.pending.values().any(|p| p.five_tuple == ft) {
            // The embedder is still opening the relay socket for this 5-tuple.
            return;
        }
        match msg.attr(attr::REQUESTED_TRANSPORT) {
            Some([PROTOCOL_UDP, ..]) => {}
            Some([_, ..]) => {
                return self.reject(ft, msg, 442, "Unsupported Transport Protocol", signer);
            }
            _ => return self.reject(ft, msg, 400, "Bad Request", signer),
        }
        let even_port = msg.has(attr::EVEN_PORT);
        if msg.has(attr::RESERVATION_TOKEN) {
            // Reservations are never handed out, so no token can be valid (§7.2 step 5).
            let code = if even_port { 400 } else { 508 };
            return self.reject(ft, msg, code, "Reservation Token not Valid", signer);
        }
        let requested = msg.attr(attr::REQUESTED_ADDRESS_FAMILY);
        let additional = msg.attr(attr::ADDITIONAL_ADDRESS_FAMILY);
        let (family, additional_family) = match (requested, additional) {
            (Some(_), Some(_)) => return self.reject(ft, msg, 400, "Bad Request", signer),
            (None, Some([2, ..])) => (AddressFamily::V4, Some(AddressFamily::V6)),
            (None, Some(_)) => return self.reject(ft, msg, 400, "Bad Request", signer),
            (Some(v), None) => match v.first().and_then(|f| AddressFamily::from_wire(*f)) {
                Some(f) => (f, None),
                None => {
                    return self.reject(ft, msg, 440, "Address Family not Supported", signer);
                }
            },
            (None, None) => (AddressFamily::V4, None),
        };
        let held = self.per_user.get(auth.username).copied().unwrap_or(0);
        if held >= self.config.quotas.allocations_per_user {
            return self.reject(ft, msg, 486, "Allocation Quota Reached", signer);
        }
        let total = self.allocations.len() + self.pending.len();
        if total >= self.config.quotas.allocations_total as usize {
            return self.reject(ft, msg, 508, "Insufficient Capacity", signer);
        }
        let lifetime = self.granted_lifetime(msg.u32_attr(attr::LIFETIME));
        let id = self.new_request_id();
        *self.per_user.entry(auth.username.into()).or_insert(0) += 1;
        self.pending.insert(
            id,
            PendingAllocate {
                five_tuple: ft,
                tid: msg.tid,
                username: auth.username.into(),
                key: auth.key,
                integrity: auth.integrity,
                lifetime,
                additional_family,
                deadline: now + self.config.relay_request_timeout,
            },
        );
        self.events
            .push_back(ServerEvent::RelayRequested(RelayRequest {
                id,
                five_tuple: ft,
                family,
                additional_family,
                even_port,
                dont_fragment: msg.has(attr::DONT_FRAGMENT),
            }));
        self.schedule_sweep(now);
    }

    /// The success response of an Allocate (RFC 8656 §7.2 step 9).
    pub(super) fn allocate_success(
        &self,
        p: &PendingAllocate,
        grant: RelayGrant,
        alloc: &Allocation,
    ) -> Vec<u8> {
        let lifetime = u32::try_from(p.lifetime.as_secs()).unwrap_or(u32::MAX);
        self.build(
            method::ALLOCATE,
            Class::Success,
            p.tid,
            Some((&alloc.key, alloc.integrity)),
            |b| {
                b.xor_addr(attr::XOR_RELAYED_ADDRESS, grant.relayed);
                match (grant.additional, p.additional_family) {
                    (Some(extra), _) => {
                        b.xor_addr(attr::XOR_RELAYED_ADDRESS, extra);
                    }
                    (None, Some(f)) => {
                        let mut v = vec![f.wire(), 0, 4, 40];
                        v.extend_from_slice(b"Address Family not Supported");
                        b.attr(attr::ADDRESS_ERROR_CODE, &v);
                    }
                    (None, None) => {}
                }
                b.u32(attr::LIFETIME, lifetime)
                    .xor_addr(attr::XOR_MAPPED_ADDRESS, p.five_tuple.client);
            },
        )
    }

    /// Queues an error for a pending Allocate that could not get a relay socket.
    pub(super) fn send_pending_error(&mut self, p: &PendingAllocate, code: u16, reason: &str) {
        self.stats.rejected += 1;
        let buf = self.build(
            method::ALLOCATE,
            Class::Error,
            p.tid,
            Some((&p.key, p.integrity)),
            |b| {
                b.error_code(code, reason);
            },
        );
        self.push_transmit(p.five_tuple, buf);
    }

    fn refresh(&mut self, now: Instant, ft: FiveTuple, msg: &Msg<'_>, auth: &Authed<'_>) {
        let signer = Some((&auth.key, auth.integrity));
        let requested = msg.u32_attr(attr::LIFETIME);
        if let Some(v) = msg.attr(attr::REQUESTED_ADDRESS_FAMILY) {
            let family = v.first().and_then(|f| AddressFamily::from_wire(*f));
            let matches = self.allocations.get(&ft).is_some_and(|a| {
                family.is_some_and(|f| {
                    [Some(a.relayed), a.additional]
                        .into_iter()
                        .flatten()
                        .any(|r| AddressFamily::of(&r.ip()) == f)
                })
            });
            if !matches {
                return self.reject(ft, msg, 443, "Peer Address Family Mismatch", signer);
            }
        }
        let granted = if requested == Some(0) {
            self.remove_allocation(&ft, ReleaseReason::Deleted);
            0
        } else {
            let lifetime = self.granted_lifetime(requested);
            if let Some(a) = self.allocations.get_mut(&ft) {
                a.refresh(now, lifetime);
            }
            u32::try_from(lifetime.as_secs()).unwrap_or(u32::MAX)
        };
        self.respond(ft, msg.method, Class::Success, msg.tid, signer, |b| {
            b.u32(attr::LIFETIME, granted);
        });
        self.schedule_sweep(now);
    }

    /// Checks a peer against the allocation's families and the policy: `Err` is the code.
    fn check_peer(&self, ft: &FiveTuple, peer: &SocketAddr) -> Result<(), u16> {
        let alloc = self.allocations.get(ft).ok_or(437u16)?;
        if alloc.relay_for(&peer.ip()).is_none() {
            return Err(443);
        }
        if !self.config.peer_policy.allows(&peer.ip()) {
            return Err(403);
        }
        Ok(())
    }

    fn create_permission(&mut self, now: Instant, ft: FiveTuple, msg: &Msg<'_>, auth: &Authed<'_>) {
        let signer = Some((&auth.key, auth.integrity));
        let mut peers = msg.xor_addrs(attr::XOR_PEER_ADDRESS).peekable();
        if peers.peek().is_none() {
            return self.reject(ft, msg, 400, "Bad Request", signer);
        }
        let peers: Vec<SocketAddr> = peers.collect();
        for peer in &peers {
            if let Err(code) = self.check_peer(&ft, peer) {
                return self.reject(ft, msg, code, reason(code), signer);
            }
        }
        let max = self.config.quotas.permissions_per_allocation;
        let until = now + PERMISSION_LIFETIME;
        let ok = self
            .allocations
            .get_mut(&ft)
            .is_some_and(|a| peers.iter().all(|p| a.permit(p.ip(), until, max)));
        if !ok {
            return self.reject(ft, msg, 508, "Insufficient Capacity", signer);
        }
        self.respond(ft, msg.method, Class::Success, msg.tid, signer, |_| {});
    }

    fn channel_bind(&mut self, now: Instant, ft: FiveTuple, msg: &Msg<'_>, auth: &Authed<'_>) {
        let signer = Some((&auth.key, auth.integrity));
        let number = msg
            .attr(attr::CHANNEL_NUMBER)
            .filter(|v| v.len() == 4)
            .and_then(|v| crate::wire::be16(v, 0))
            .filter(|n| is_valid_channel(*n));
        let (Some(number), Some(peer)) = (number, msg.xor_addr(attr::XOR_PEER_ADDRESS)) else {
            return self.reject(ft, msg, 400, "Bad Request", signer);
        };
        if let Err(code) = self.check_peer(&ft, &peer) {
            return self.reject(ft, msg, code, reason(code), signer);
        }
        let quotas = self.config.quotas;
        let result = match self.allocations.get_mut(&ft) {
            Some(a) => a
                .bind(
                    number,
                    peer,
                    now + CHANNEL_LIFETIME,
                    quotas.channels_per_allocation,
                )
                .and_then(|()| {
                    // A channel binding also installs or refreshes the permission (§12.2).
                    if a.permit(
                        peer.ip(),
                        now + PERMISSION_LIFETIME,
                        quotas.permissions_per_allocation,
                    ) {
                        Ok(())
                    } else {
                        Err(508)
                    }
                }),
            None => Err(437),
        };
        match result {
            Ok(()) => self.respond(ft, msg.method, Class::Success, msg.tid, signer, |_| {}),
            Err(code) => self.reject(ft, msg, code, reason(code), signer),
        }
    }
}

/// The reason phrase of the error codes the server sends (RFC 8489 §14.8, RFC 8656 §19).
const fn reason(code: u16) -> &'static str {
    match code {
        400 => "Bad Request",
        403 => "Forbidden",
        437 => "Allocation Mismatch",
        443 => "Peer Address Family Mismatch",
        508 => "Insufficient Capacity",
        _ => "Error",
    }
}
