//! Long-term credentials (RFC 8489 §9.2): keys, password algorithms, credential lookup by the
//! embedder, REST-style ephemeral credentials and stateless expiring nonces.

use core::fmt;
use core::net::IpAddr;
use std::collections::BTreeMap;

use base64::Engine as _;
use floe_stun::{IntegrityKey, PasswordAlgorithm};
use hmac::{KeyInit, Mac};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use crate::types::FiveTuple;

/// A long-term credential key (RFC 8489 §9.2.2), owned: the HMAC key of
/// MESSAGE-INTEGRITY(-SHA256). Derived through floe-stun; Debug never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct LongTermKey {
    bytes: [u8; 32],
    len: u8,
}

impl Drop for LongTermKey {
    /// Wipes the key bytes, so a freed key does not linger in memory.
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for LongTermKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LongTermKey(<redacted {} bytes>)", self.len)
    }
}

impl LongTermKey {
    /// The key of `algorithm` (RFC 8489 §9.2.2), or `None` for an algorithm floe-stun does not
    /// implement.
    ///
    /// ```
    /// use floe_turn::{LongTermKey, PasswordAlgorithm};
    /// let k = LongTermKey::derive(PasswordAlgorithm::MD5, "alice", "example.org", "secret").unwrap();
    /// assert_eq!(k.as_bytes().len(), 16);
    /// let k = LongTermKey::derive(PasswordAlgorithm::SHA256, "alice", "example.org", "secret").unwrap();
    /// assert_eq!(k.as_bytes().len(), 32);
    /// ```
    #[must_use]
    pub fn derive(
        algorithm: PasswordAlgorithm,
        username: &str,
        realm: &str,
        password: &str,
    ) -> Option<Self> {
        IntegrityKey::long_term(algorithm, username, realm, password)
            .map(|k| Self::from_slice(k.as_bytes()))
    }

    /// A precomputed MD5 key (as coturn's `turnadmin -k` prints it).
    #[must_use]
    pub fn from_md5(key: [u8; 16]) -> Self {
        Self::from_slice(&key)
    }

    fn from_slice(key: &[u8]) -> Self {
        let mut bytes = [0u8; 32];
        let len = key.len().min(32);
        bytes[..len].copy_from_slice(&key[..len]);
        Self {
            bytes,
            len: len as u8,
        }
    }

    /// The key bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The key as floe-stun uses it.
    #[must_use]
    pub fn integrity_key(&self) -> IntegrityKey<'_> {
        IntegrityKey::from_bytes(self.as_bytes())
    }
}

/// What the embedder knows about a user: the password, or only the precomputed MD5 key (as
/// coturn's `turnadmin -k` stores it), which then limits the user to the MD5 algorithm.
#[derive(Clone)]
#[non_exhaustive]
pub enum Secret {
    /// The clear-text password.
    Password(String),
    /// MD5(username ":" realm ":" password).
    Md5Key([u8; 16]),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Password(_) => f.write_str("Secret::Password(<redacted>)"),
            Self::Md5Key(_) => f.write_str("Secret::Md5Key(<redacted>)"),
        }
    }
}

impl Secret {
    /// The key for `algorithm`, or `None` when the secret cannot produce it.
    #[must_use]
    pub fn key(
        &self,
        algorithm: PasswordAlgorithm,
        username: &str,
        realm: &str,
    ) -> Option<LongTermKey> {
        match self {
            Self::Password(p) => LongTermKey::derive(algorithm, username, realm, p),
            Self::Md5Key(k) => {
                (algorithm == PasswordAlgorithm::MD5).then(|| LongTermKey::from_md5(*k))
            }
        }
    }
}

/// The embedder's user database, asked once per authenticated request.
///
/// Any `Fn(&str, &str, u64) -> Option<Secret>` closure (username, realm, Unix time in
/// seconds) is a lookup.
///
/// ```
/// use floe_turn::{CredentialLookup, Secret};
/// let lookup = |user: &str, _realm: &str, _unix: u64| {
///     (user == "alice").then(|| Secret::Password("secret".into()))
/// };
/// assert!(lookup.lookup("alice", "example.org", 0).is_some());
/// assert!(lookup.lookup("bob", "example.org", 0).is_none());
/// ```
pub trait CredentialLookup {
    /// The secret of `username` in `realm` at Unix time `unix_now`, or `None` to refuse.
    fn lookup(&self, username: &str, realm: &str, unix_now: u64) -> Option<Secret>;
}

impl<F> CredentialLookup for F
where
    F: Fn(&str, &str, u64) -> Option<Secret>,
{
    fn lookup(&self, username: &str, realm: &str, unix_now: u64) -> Option<Secret> {
        self(username, realm, unix_now)
    }
}

/// A fixed table of users and passwords.
///
/// ```
/// use floe_turn::{CredentialLookup, StaticCredentials};
/// let users = StaticCredentials::new().with_user("alice", "secret");
/// assert!(users.lookup("alice", "example.org", 0).is_some());
/// ```
#[derive(Clone, Default)]
pub struct StaticCredentials {
    users: BTreeMap<String, String>,
}

impl fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticCredentials")
            .field("users", &self.users.len())
            .finish_non_exhaustive()
    }
}

impl StaticCredentials {
    /// An empty table.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a user.
    #[must_use]
    pub fn with_user(mut self, username: &str, password: &str) -> Self {
        self.users.insert(username.to_owned(), password.to_owned());
        self
    }
}

impl CredentialLookup for StaticCredentials {
    fn lookup(&self, username: &str, _realm: &str, _unix_now: u64) -> Option<Secret> {
        self.users.get(username).cloned().map(Secret::Password)
    }
}

/// REST-style ephemeral credentials (draft-uberti-behave-turn-rest, coturn's
/// `use-auth-secret`): the username is `"<expiry unix seconds>:<user>"` and the password is
/// `base64(HMAC-SHA1(shared secret, username))`. Expired usernames are refused.
///
/// ```
/// use floe_turn::{CredentialLookup, RestCredentials};
/// let rest = RestCredentials::new(b"shared-secret".to_vec());
/// let (user, pass) = rest.issue("alice", 2_000_000_000);
/// assert_eq!(user, "2000000000:alice");
/// assert!(rest.lookup(&user, "example.org", 1_999_999_999).is_some());
/// assert!(rest.lookup(&user, "example.org", 2_000_000_001).is_none());
/// # let _ = pass;
/// ```
#[derive(Clone)]
pub struct RestCredentials {
    secret: Vec<u8>,
}

impl fmt::Debug for RestCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RestCredentials { secret: <redacted> }")
    }
}

impl RestCredentials {
    /// Credentials signed with `secret`.
    #[must_use]
    pub fn new(secret: Vec<u8>) -> Self {
        Self { secret }
    }

    /// The password for a full REST username.
    #[must_use]
    pub fn password_for(&self, username: &str) -> String {
        let mut h = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        h.update(username.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(h.finalize().into_bytes())
    }

    /// Issues `(username, password)` for `user` valid until `expires_unix`.
    #[must_use]
    pub fn issue(&self, user: &str, expires_unix: u64) -> (String, String) {
        let username = format!("{expires_unix}:{user}");
        let password = self.password_for(&username);
        (username, password)
    }
}

impl CredentialLookup for RestCredentials {
    fn lookup(&self, username: &str, _realm: &str, unix_now: u64) -> Option<Secret> {
        let (expiry, _) = username.split_once(':').unwrap_or((username, ""));
        let expiry: u64 = expiry.parse().ok()?;
        (expiry > unix_now).then(|| Secret::Password(self.password_for(username)))
    }
}

/// The nonce cookie prefix announcing RFC 8489 security features (§9.2).
const NONCE_COOKIE: &str = floe_stun::attributes::Nonce::COOKIE;
/// The security-feature set "password algorithms" (bit 0), base64-encoded (RFC 8489 §9.2).
const FEATURES_PASSWORD_ALGORITHMS: &str = "gAAA";
/// Hex digits of the timestamp, client port and MAC in a nonce.
const NONCE_BODY_LEN: usize = 8 + 4 + 16;

/// Which client ports a nonce is good for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortBinding {
    /// Only the port it was minted for: the nonce is bound to the whole 5-tuple, so a request
    /// captured on the wire cannot be replayed from another port (for instance to use up the
    /// victim's allocation quota).
    Exact,
    /// Any port of the same IP address and server: RFC 6062 data connections come from new
    /// ports and authenticate ConnectionBind with the control connection's nonce.
    AnyPort,
}

/// Mints and checks stateless nonces: a timestamp, the client port and a truncated HMAC over
/// them and the rest of the 5-tuple (client IP, server address, transport), so no per-client
/// state is kept before authentication (RFC 8489 §9.2.1).
#[derive(Clone)]
pub(crate) struct NonceMinter {
    /// HMAC-SHA1 with the server's nonce key absorbed at construction, cloned per nonce: two
    /// SHA-1 compressions per nonce instead of four. The key itself is not kept (the keyed
    /// states are not wiped on drop, as in floe-stun's prepared keys).
    mac: hmac::Hmac<sha1::Sha1>,
    lifetime_secs: u32,
    cookie: bool,
}

impl fmt::Debug for NonceMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NonceMinter")
            .field("lifetime_secs", &self.lifetime_secs)
            .field("cookie", &self.cookie)
            .finish_non_exhaustive()
    }
}

/// Why a nonce was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NonceCheck {
    Valid,
    /// Well-formed and ours but too old: 438.
    Stale,
    /// Not ours, forged, or minted for another 5-tuple: also 438 (RFC 8489 §9.2.4 treats an
    /// invalid nonce as stale).
    Invalid,
}

impl NonceMinter {
    pub(crate) fn new(mut key: [u8; 20], lifetime_secs: u32, cookie: bool) -> Self {
        let mac = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        key.zeroize();
        Self {
            mac,
            lifetime_secs,
            cookie,
        }
    }

    /// Whether nonces carry the security-feature cookie (and PASSWORD-ALGORITHMS is offered).
    pub(crate) fn has_cookie(&self) -> bool {
        self.cookie
    }

    /// The MAC of a nonce minted at `stamp` for `ft` with the client port `port`.
    fn mac(&self, stamp: u32, ft: &FiveTuple, port: u16) -> [u8; 8] {
        let mut h = self.mac.clone();
        h.update(&stamp.to_be_bytes());
        h.update(&port.to_be_bytes());
        for addr in [ft.remote, ft.local] {
            match addr.ip() {
                IpAddr::V4(ip) => h.update(&ip.octets()),
                IpAddr::V6(ip) => h.update(&ip.octets()),
            }
        }
        h.update(&ft.local.port().to_be_bytes());
        h.update(&[u8::from(ft.transport.is_stream())]);
        let full = h.finalize().into_bytes();
        let mut out = [0u8; 8];
        out.copy_from_slice(&full[..8]);
        out
    }

    /// A nonce for the client of `ft` minted at `stamp` seconds of server time.
    pub(crate) fn mint(&self, stamp: u32, ft: &FiveTuple) -> String {
        let mut s = String::with_capacity(NONCE_COOKIE.len() + 4 + NONCE_BODY_LEN);
        if self.cookie {
            s.push_str(NONCE_COOKIE);
            s.push_str(FEATURES_PASSWORD_ALGORITHMS);
        }
        let port = ft.remote.port();
        push_hex(&mut s, &stamp.to_be_bytes());
        push_hex(&mut s, &port.to_be_bytes());
        push_hex(&mut s, &self.mac(stamp, ft, port));
        s
    }

    /// Checks a nonce presented by the client of `ft` at server time `now_stamp`.
    pub(crate) fn check(
        &self,
        nonce: &str,
        ft: &FiveTuple,
        ports: PortBinding,
        now_stamp: u32,
    ) -> NonceCheck {
        let body = if self.cookie {
            match nonce
                .strip_prefix(NONCE_COOKIE)
                .and_then(|r| r.strip_prefix(FEATURES_PASSWORD_ALGORITHMS))
            {
                Some(b) => b,
                None => return NonceCheck::Invalid,
            }
        } else {
            nonce
        };
        let mut raw = [0u8; NONCE_BODY_LEN / 2];
        if body.len() != NONCE_BODY_LEN || !parse_hex(body, &mut raw) {
            return NonceCheck::Invalid;
        }
        let stamp = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
        let port = u16::from_be_bytes([raw[4], raw[5]]);
        if ports == PortBinding::Exact && port != ft.remote.port() {
            return NonceCheck::Invalid;
        }
        let want = self.mac(stamp, ft, port);
        let matches: bool = want.ct_eq(&raw[6..]).into();
        // Under `cfg(fuzzing)`, while floe-stun's bypass switch is on (its default), the MAC is
        // not checked, like MESSAGE-INTEGRITY, so the fuzzer reaches the authenticated paths
        // (STYLE §8); structure-aware targets turn the switch off.
        if !matches && !fuzzing_bypass() {
            return NonceCheck::Invalid;
        }
        if stamp > now_stamp || now_stamp - stamp >= self.lifetime_secs {
            return NonceCheck::Stale;
        }
        NonceCheck::Valid
    }
}

fn push_hex(s: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xF)]));
    }
}

fn parse_hex(s: &str, out: &mut [u8]) -> bool {
    let b = s.as_bytes();
    if b.len() != out.len() * 2 {
        return false;
    }
    for (i, o) in out.iter_mut().enumerate() {
        let (Some(hi), Some(lo)) = (hex_val(b[2 * i]), hex_val(b[2 * i + 1])) else {
            return false;
        };
        *o = (hi << 4) | lo;
    }
    true
}

const fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// floe-stun's fuzzing bypass switch; always off outside `cfg(fuzzing)`.
fn fuzzing_bypass() -> bool {
    #[cfg(fuzzing)]
    {
        floe_stun::integrity::fuzzing_bypass()
    }
    #[cfg(not(fuzzing))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Transport;

    #[test]
    fn md5_key_is_md5_of_user_realm_password() {
        use md5::Digest as _;
        let k = LongTermKey::derive(PasswordAlgorithm::MD5, "alice", "example.org", "secret");
        let k = k.unwrap();
        let mut h = md5::Md5::new();
        h.update(b"alice:example.org:secret");
        assert_eq!(k.as_bytes(), h.finalize().as_slice());
        assert_eq!(format!("{k:?}"), "LongTermKey(<redacted 16 bytes>)");
    }

    #[test]
    fn nonce_valid_stale_forged_and_bound_to_client() {
        let m = NonceMinter::new([9; 20], 600, true);
        let ft = |client: &str| FiveTuple {
            remote: client.parse().unwrap(),
            local: "192.0.2.1:3478".parse().unwrap(),
            transport: Transport::Udp,
        };
        let a = ft("127.0.0.1:5000");
        let b = ft("127.0.0.2:5000");
        let exact = PortBinding::Exact;
        let n = m.mint(100, &a);
        assert!(n.starts_with("obMatJos2gAAA"));
        assert_eq!(m.check(&n, &a, exact, 100), NonceCheck::Valid);
        assert_eq!(m.check(&n, &a, exact, 699), NonceCheck::Valid);
        assert_eq!(m.check(&n, &a, exact, 700), NonceCheck::Stale);
        assert_eq!(m.check(&n, &b, exact, 100), NonceCheck::Invalid);
        let mut forged = n.clone();
        forged.pop();
        forged.push(if n.ends_with('0') { '1' } else { '0' });
        assert_eq!(m.check(&forged, &a, exact, 100), NonceCheck::Invalid);
        assert_eq!(m.check("garbage", &a, exact, 100), NonceCheck::Invalid);
        let plain = NonceMinter::new([9; 20], 600, false);
        assert_eq!(
            plain.check(&plain.mint(5, &a), &a, exact, 6),
            NonceCheck::Valid
        );
    }

    #[test]
    fn nonce_is_bound_to_the_port_unless_any_port_is_asked_for() {
        // Review finding 4: a nonce bound to the IP alone let a captured Allocate be replayed
        // from other ports; only RFC 6062 ConnectionBind may come from a new port.
        let m = NonceMinter::new([9; 20], 600, true);
        let a = FiveTuple {
            remote: "198.51.100.1:4000".parse().unwrap(),
            local: "192.0.2.1:3478".parse().unwrap(),
            transport: Transport::Tcp,
        };
        let n = m.mint(10, &a);
        let mut other_port = a;
        other_port.remote.set_port(4001);
        assert_eq!(
            m.check(&n, &other_port, PortBinding::Exact, 10),
            NonceCheck::Invalid
        );
        assert_eq!(
            m.check(&n, &other_port, PortBinding::AnyPort, 10),
            NonceCheck::Valid
        );
        let mut other_server = other_port;
        other_server.local.set_port(3479);
        assert_eq!(
            m.check(&n, &other_server, PortBinding::AnyPort, 10),
            NonceCheck::Invalid
        );
        let mut udp = a;
        udp.transport = Transport::Udp;
        assert_eq!(
            m.check(&n, &udp, PortBinding::Exact, 10),
            NonceCheck::Invalid
        );
    }

    #[test]
    fn rest_credentials_expire() {
        let rest = RestCredentials::new(b"k".to_vec());
        let (u, p) = rest.issue("bob", 50);
        let Some(Secret::Password(got)) = rest.lookup(&u, "r", 49) else {
            panic!("valid REST user refused");
        };
        assert_eq!(got, p);
        assert!(rest.lookup(&u, "r", 50).is_none());
        assert!(rest.lookup("notanumber:bob", "r", 0).is_none());
    }

    #[test]
    fn md5_only_secret_cannot_make_sha256_key() {
        let s = Secret::Md5Key([1; 16]);
        assert!(s.key(PasswordAlgorithm::SHA256, "u", "r").is_none());
        assert!(s.key(PasswordAlgorithm::MD5, "u", "r").is_some());
    }
}
