//! What `floe turn serve` says about refused requests, and its counters: each refusal is
//! logged with its reason and what to change (the realm the server expects, the flag that
//! allows a peer or raises a quota); 401/438 challenges, which every client gets once per
//! authentication, are counted apart and not logged.

use core::net::{IpAddr, SocketAddr};

use floe_stun::attributes::{ErrorCodeAttribute, Realm, Username, XorPeerAddress};
use floe_stun::{Class, ErrorCode, Message, Method, TransactionId};
use floe_turn::{FiveTuple, PeerPolicy, Quota, Quotas};

use super::serve_args::quota_flag;

/// The STUN class bits of a message type (RFC 8489 §5): both clear for a request, both set
/// for an error response. Read from the first two bytes, so that indications and ChannelData
/// (the data path) are never parsed here.
fn class_bits(datagram: &[u8]) -> Option<u16> {
    let first = *datagram.first()?;
    let second = *datagram.get(1)?;
    (first < 0x40).then_some(u16::from_be_bytes([first, second]) & 0x0110)
}

/// What the log needs of the request a client just sent, read before the server handles it.
#[derive(Debug)]
struct RequestNote {
    tid: TransactionId,
    from: FiveTuple,
    method: Method,
    /// It carried MESSAGE-INTEGRITY(-SHA256): a 401 to it refuses credentials.
    signed: bool,
    username: Option<String>,
    realm: Option<String>,
    peers: Vec<IpAddr>,
}

impl RequestNote {
    /// The note of `datagram` when it is a STUN request.
    fn read(from: FiveTuple, datagram: &[u8]) -> Option<Self> {
        if class_bits(datagram)? != 0 {
            return None;
        }
        let msg = Message::parse(datagram).ok()?;
        Some(Self {
            tid: *msg.transaction_id(),
            from,
            method: msg.method(),
            signed: msg.integrity_offset().is_some() || msg.integrity_sha256_offset().is_some(),
            username: msg
                .get::<Username<'_>>()
                .ok()
                .flatten()
                .map(|u| u.0.to_owned()),
            realm: msg
                .get::<Realm<'_>>()
                .ok()
                .flatten()
                .map(|r| r.0.to_owned()),
            peers: msg
                .get_all::<XorPeerAddress>()
                .filter_map(Result::ok)
                .map(|p| p.0.ip())
                .collect(),
        })
    }

    /// `Allocate from alice at 198.51.100.1:4000 (udp)`.
    fn describe(&self) -> String {
        let who = self
            .username
            .as_deref()
            .map_or_else(String::new, |u| format!(" from {u}"));
        format!(
            "{}{who} at {} ({})",
            method_name(self.method),
            self.from.remote,
            self.from.transport
        )
    }
}

/// `Allocate`, `CreatePermission`, ... as RFC 8656 names the methods.
fn method_name(method: Method) -> &'static str {
    match method {
        Method::BINDING => "Binding",
        Method::ALLOCATE => "Allocate",
        Method::REFRESH => "Refresh",
        Method::CREATE_PERMISSION => "CreatePermission",
        Method::CHANNEL_BIND => "ChannelBind",
        Method::CONNECT => "Connect",
        Method::CONNECTION_BIND => "ConnectionBind",
        _ => "request",
    }
}

/// The refusal log of a server and its counters.
#[derive(Debug)]
pub(super) struct ServeLog {
    realm: String,
    policy: PeerPolicy,
    quotas: Quotas,
    /// The last request a client sent, until its answer is seen.
    last: Option<RequestNote>,
    /// 401 and 438 answers that start or renew an authentication.
    pub(super) challenges: u64,
    /// Every other error response.
    pub(super) refused: u64,
}

impl ServeLog {
    /// A log for a server of `realm` with this peer policy and these quotas.
    pub(super) fn new(realm: &str, policy: PeerPolicy, quotas: Quotas) -> Self {
        Self {
            realm: realm.to_owned(),
            policy,
            quotas,
            last: None,
            challenges: 0,
            refused: 0,
        }
    }

    /// Notes what a client sent, before the server handles it.
    pub(super) fn received(&mut self, from: FiveTuple, datagram: &[u8]) {
        self.last = RequestNote::read(from, datagram);
    }

    /// Looks at a message the server sends to a client; an error response is counted, and
    /// a refusal is returned as the line to log.
    pub(super) fn sent(&mut self, to: SocketAddr, message: &[u8]) -> Option<String> {
        if class_bits(message)? != 0x0110 {
            return None;
        }
        let msg = Message::parse(message).ok()?;
        if msg.class() != Class::Error {
            return None;
        }
        let code = msg.get::<ErrorCodeAttribute<'_>>().ok().flatten()?.code;
        let note = self
            .last
            .as_ref()
            .filter(|n| n.tid == *msg.transaction_id() && n.from.remote == to);
        let signed = note.is_some_and(|n| n.signed);
        if code == ErrorCode::STALE_NONCE || (code == ErrorCode::UNAUTHENTICATED && !signed) {
            self.challenges += 1;
            return None;
        }
        self.refused += 1;
        let what = note.map_or_else(
            || format!("{} to {to}", method_name(msg.method())),
            RequestNote::describe,
        );
        let reason = code.reason().unwrap_or("");
        let why = note.and_then(|n| self.explain(n, code));
        Some(match why {
            Some(why) => format!("refused: {what}: {} {reason}: {why}", code.0),
            None => format!("refused: {what}: {} {reason}", code.0),
        })
    }

    /// What to change, when the refusal has a known cause.
    fn explain(&self, note: &RequestNote, code: ErrorCode) -> Option<String> {
        match code {
            ErrorCode::UNAUTHENTICATED => Some(match note.realm.as_deref() {
                Some(realm) if realm != self.realm => format!(
                    "the client's realm \"{realm}\" is not this server's realm \"{}\" (--realm)",
                    self.realm
                ),
                _ => format!(
                    "wrong password, or no --user {}",
                    note.username.as_deref().unwrap_or("(none given)")
                ),
            }),
            ErrorCode::FORBIDDEN => {
                let peer = note.peers.iter().find(|ip| !self.policy.allows(ip))?;
                Some(peer_hint(*peer))
            }
            ErrorCode::ADDRESS_FAMILY_NOT_SUPPORTED => Some(
                "no relay address of the requested family (give one with --relay-ip)".to_owned(),
            ),
            _ => None,
        }
    }

    /// The line to log when a quota refused a request.
    pub(super) fn quota_reached(
        &self,
        username: &str,
        five_tuple: &FiveTuple,
        quota: Quota,
    ) -> String {
        format!(
            "quota: {username} at {} ({}) reached {quota} = {}; raise it with {} (0: no limit)",
            five_tuple.remote,
            five_tuple.transport,
            self.quotas.limit(quota),
            quota_flag(quota)
        )
    }
}

/// Why the peer policy refused `peer`, and the flag that allows it.
fn peer_hint(peer: IpAddr) -> String {
    let default = PeerPolicy::default();
    let with = |policy: PeerPolicy| !default.allows(&peer) && policy.allows(&peer);
    if peer.to_canonical().is_loopback() {
        format!(
            "peer {peer} is a loopback address; start the server with --allow-loopback-peers \
             to relay to it"
        )
    } else if with(PeerPolicy::default().allow_private(true)) {
        format!(
            "peer {peer} is a private address; --allow-private-peers or --allow-peer IP/LEN \
             relays to it"
        )
    } else {
        format!(
            "peer {peer} is in a range the server does not relay to by default (link-local or \
             special-purpose); --allow-peer IP/LEN relays to it"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_peers_name_the_flag_that_allows_them() {
        let hint = |ip: &str| peer_hint(ip.parse().unwrap());
        assert!(hint("127.0.0.1").contains("--allow-loopback-peers"));
        assert!(hint("::1").contains("--allow-loopback-peers"));
        assert!(hint("10.1.2.3").contains("--allow-private-peers"));
        assert!(hint("169.254.1.1").contains("--allow-peer IP/LEN"));
    }

    #[test]
    fn only_requests_and_error_responses_are_looked_at() {
        assert_eq!(class_bits(&[0x00, 0x03]), Some(0), "Allocate request");
        assert_eq!(
            class_bits(&[0x01, 0x13]),
            Some(0x0110),
            "Allocate error response"
        );
        assert_eq!(class_bits(&[0x00, 0x16]), Some(0x0010), "Send indication");
        assert_eq!(class_bits(&[0x40, 0x00]), None, "ChannelData");
        assert_eq!(class_bits(&[0x00]), None);
    }
}
