//! Message integrity and fingerprint (RFC 8489 §9, §14.5–14.7): keys, MESSAGE-INTEGRITY
//! (HMAC-SHA1), MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, truncatable) and FINGERPRINT (CRC-32).
//!
//! Verification hashes the message in place: the header's length field is replaced, on the
//! fly, by the length that ends at the integrity attribute, as RFC 8489 §14.5 asks, so nothing
//! is copied and nothing allocated. MACs are compared in constant time.
//!
//! Passwords must already be processed with the OpaqueString profile (RFC 8265) when the peer
//! expects it; this crate treats them as bytes.
//!
//! ```
//! use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
//! use floe_stun::attributes::Username;
//! let key = IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt");
//! let mut buf = Vec::new();
//! let mut b = MessageBuilder::new(&mut buf, MessageType::new(Method::BINDING, Class::Request),
//!                                 TransactionId::from_bytes([5; 12]));
//! b.add(&Username("evtj:h6vY"));
//! let bytes = b.message_integrity(&key).unwrap().fingerprint().unwrap();
//!
//! let msg = Message::parse(bytes).unwrap();
//! msg.verify_integrity(&key).unwrap();
//! msg.verify_fingerprint().unwrap();
//! assert!(msg.verify_integrity(&IntegrityKey::short_term("wrong")).is_err());
//! ```

use alloc::boxed::Box;
use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use crate::error::IntegrityError;
use crate::header::HEADER_LEN;
use crate::message::Message;
use crate::registry::{AttributeType, PasswordAlgorithm};

/// The value XOR'd into the CRC-32 of FINGERPRINT: "STUN" in ASCII (RFC 8489 §14.7).
pub const FINGERPRINT_XOR: u32 = 0x5354_554E;

/// Length of the MESSAGE-INTEGRITY value: an HMAC-SHA1 (RFC 8489 §14.5).
pub const MESSAGE_INTEGRITY_LEN: usize = 20;

/// Length of an untruncated MESSAGE-INTEGRITY-SHA256 value (RFC 8489 §14.6).
pub const MESSAGE_INTEGRITY_SHA256_LEN: usize = 32;

/// The key of MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256. Its bytes never show in
/// `Debug`.
///
/// ```
/// use floe_stun::IntegrityKey;
/// let k = IntegrityKey::long_term_md5("user", "realm", "pass");
/// assert_eq!(k.as_bytes().len(), 16);
/// assert_eq!(format!("{k:?}"), "IntegrityKey(<redacted 16 bytes>)");
/// ```
#[derive(Clone)]
pub struct IntegrityKey<'k> {
    repr: KeyRepr<'k>,
    /// HMAC states with the key already absorbed ([`IntegrityKey::prepare`]).
    prepared: Option<PreparedState<'k>>,
}

/// The prepared states: this key's own, held inline (a key prepared once per session or
/// allocation costs no allocation of its own), or those of the key it was borrowed from
/// ([`IntegrityKey::by_ref`]).
#[derive(Clone)]
enum PreparedState<'k> {
    Owned(Prepared),
    Borrowed(&'k Prepared),
}

impl PreparedState<'_> {
    fn get(&self) -> &Prepared {
        match self {
            Self::Owned(p) => p,
            Self::Borrowed(p) => p,
        }
    }
}

/// HMAC-SHA1 and (unless only SHA-1 was asked for) HMAC-SHA256 states after the key
/// blocks: cloning one skips the two compressions that keying costs.
#[derive(Clone)]
struct Prepared {
    sha1: Hmac<Sha1>,
    /// Boxed apart: an ICE key never needs it ([`IntegrityKey::prepare_sha1`]).
    sha256: Option<Box<Hmac<Sha256>>>,
}

/// Compares the key bytes in constant time (their length is not secret).
impl PartialEq for IntegrityKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.as_bytes(), other.as_bytes())
    }
}

impl Eq for IntegrityKey<'_> {}

/// Longest key held inline by the owned forms (MD5 and SHA-256 keys fit).
const INLINE_KEY_LEN: usize = 32;

#[derive(Clone)]
enum KeyRepr<'k> {
    Borrowed(&'k [u8]),
    Owned(OwnedKey),
}

/// Owned key bytes, wiped when dropped. The [`Drop`] is here, on a type without the key's
/// lifetime, so that `IntegrityKey<'k>` keeps no drop-check requirement on `'k` (borrows of
/// the key's source may end before the key is dropped, as before).
/// (The prepared HMAC states are not wiped: hmac does that only with its `zeroize` feature,
/// which would also wipe every per-message state on the verification hot path.)
#[derive(Clone)]
enum OwnedKey {
    /// Held inline: derived long-term keys and other keys of up to [`INLINE_KEY_LEN`] bytes.
    Inline {
        bytes: [u8; INLINE_KEY_LEN],
        len: usize,
    },
    /// Longer keys.
    Heap(Box<[u8]>),
}

impl Drop for OwnedKey {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl OwnedKey {
    fn new(key: &[u8]) -> Self {
        if key.len() <= INLINE_KEY_LEN {
            let mut bytes = [0; INLINE_KEY_LEN];
            bytes[..key.len()].copy_from_slice(key);
            Self::Inline {
                bytes,
                len: key.len(),
            }
        } else {
            Self::Heap(key.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Inline { bytes, len } => &bytes[..*len],
            Self::Heap(bytes) => bytes,
        }
    }

    /// Zeroes the bytes (what [`Drop`] does).
    fn wipe(&mut self) {
        match self {
            Self::Inline { bytes, .. } => bytes.zeroize(),
            Self::Heap(bytes) => bytes.zeroize(),
        }
    }
}

impl<'k> IntegrityKey<'k> {
    /// Short-term credential key: the password itself (RFC 8489 §9.1.2).
    #[must_use]
    pub const fn short_term(password: &'k str) -> Self {
        Self::from_bytes(password.as_bytes())
    }

    /// A key from raw bytes.
    #[must_use]
    pub const fn from_bytes(key: &'k [u8]) -> Self {
        Self {
            repr: KeyRepr::Borrowed(key),
            prepared: None,
        }
    }

    /// Absorbs the key into HMAC-SHA1 and HMAC-SHA256 states once (one allocation, here), so
    /// every later verification or signature with this key skips the two key-block
    /// compressions: about 40 % less work for a typical message. Worth it whenever a key is used
    /// for more than one message (an ICE session, a TURN allocation).
    ///
    /// ```
    /// use floe_stun::IntegrityKey;
    /// let key = IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt").prepare();
    /// assert!(key.is_prepared());
    /// assert_eq!(key, IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt"));
    /// ```
    #[must_use]
    pub fn prepare(mut self) -> Self {
        let bytes = self.as_bytes();
        let prepared = Prepared {
            sha1: new_mac(bytes),
            sha256: Some(Box::new(new_mac(bytes))),
        };
        self.prepared = Some(PreparedState::Owned(prepared));
        self
    }

    /// [`prepare`](Self::prepare) for HMAC-SHA1 only, the MESSAGE-INTEGRITY of ICE checks
    /// (RFC 8445 §7.2.2): half the keying work and a smaller state; MESSAGE-INTEGRITY-SHA256
    /// with this key still works, keyed per message.
    ///
    /// ```
    /// use floe_stun::IntegrityKey;
    /// let key = IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt").prepare_sha1();
    /// assert!(key.is_prepared());
    /// ```
    #[must_use]
    pub fn prepare_sha1(mut self) -> Self {
        let prepared = Prepared {
            sha1: new_mac(self.as_bytes()),
            sha256: None,
        };
        self.prepared = Some(PreparedState::Owned(prepared));
        self
    }

    /// This key borrowed, prepared states included: no copy, where [`Clone`] copies a
    /// prepared key's states. For signing a response with the key that verified the request.
    ///
    /// ```
    /// use floe_stun::IntegrityKey;
    /// let key = IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt").prepare_sha1();
    /// let borrowed = key.by_ref();
    /// assert!(borrowed.is_prepared());
    /// assert_eq!(borrowed, key);
    /// ```
    #[must_use]
    pub fn by_ref(&self) -> IntegrityKey<'_> {
        IntegrityKey {
            repr: KeyRepr::Borrowed(self.as_bytes()),
            prepared: self
                .prepared
                .as_ref()
                .map(|p| PreparedState::Borrowed(p.get())),
        }
    }

    /// Whether [`prepare`](Self::prepare) was called.
    #[must_use]
    pub const fn is_prepared(&self) -> bool {
        self.prepared.is_some()
    }

    /// A keyed HMAC-SHA1.
    pub(crate) fn hmac_sha1(&self) -> Hmac<Sha1> {
        match &self.prepared {
            Some(p) => p.get().sha1.clone(),
            None => new_mac(self.as_bytes()),
        }
    }

    /// A keyed HMAC-SHA256.
    pub(crate) fn hmac_sha256(&self) -> Hmac<Sha256> {
        match self
            .prepared
            .as_ref()
            .and_then(|p| p.get().sha256.as_deref())
        {
            Some(mac) => mac.clone(),
            None => new_mac(self.as_bytes()),
        }
    }

    /// The key bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.repr {
            KeyRepr::Borrowed(b) => b,
            KeyRepr::Owned(owned) => owned.as_bytes(),
        }
    }

    /// An owned copy of this key (the bytes copied, the prepared state kept), e.g. to store a
    /// short-term password's key beyond the password's lifetime.
    ///
    /// ```
    /// use floe_stun::IntegrityKey;
    /// let owned: IntegrityKey<'static> = {
    ///     let password = String::from("VOkJxbRl1RmTxUk/WvJxBt");
    ///     IntegrityKey::short_term(&password).into_owned()
    /// };
    /// assert_eq!(owned.as_bytes(), b"VOkJxbRl1RmTxUk/WvJxBt");
    /// ```
    #[must_use]
    pub fn into_owned(self) -> IntegrityKey<'static> {
        let mut owned = IntegrityKey::owned(self.as_bytes());
        owned.prepared = self.prepared.map(|p| match p {
            PreparedState::Owned(p) => PreparedState::Owned(p),
            PreparedState::Borrowed(p) => PreparedState::Owned(p.clone()),
        });
        owned
    }
}

impl IntegrityKey<'static> {
    /// Long-term key with MD5: MD5(username ":" realm ":" password) (RFC 8489 §9.2.2).
    #[must_use]
    pub fn long_term_md5(username: &str, realm: &str, password: &str) -> Self {
        let digest = Md5::new()
            .chain_update(username)
            .chain_update(":")
            .chain_update(realm)
            .chain_update(":")
            .chain_update(password)
            .finalize();
        Self::derived(&digest)
    }

    /// Long-term key with SHA-256: SHA-256(username ":" realm ":" password), for
    /// PASSWORD-ALGORITHM 0x0002 (RFC 8489 §9.2.2, §18.5).
    #[must_use]
    pub fn long_term_sha256(username: &str, realm: &str, password: &str) -> Self {
        let digest = Sha256::new()
            .chain_update(username)
            .chain_update(":")
            .chain_update(realm)
            .chain_update(":")
            .chain_update(password)
            .finalize();
        Self::derived(&digest)
    }

    /// Long-term key for a PASSWORD-ALGORITHM; `None` for algorithms this crate does not know.
    #[must_use]
    pub fn long_term(
        algorithm: PasswordAlgorithm,
        username: &str,
        realm: &str,
        password: &str,
    ) -> Option<Self> {
        match algorithm {
            PasswordAlgorithm::MD5 => Some(Self::long_term_md5(username, realm, password)),
            PasswordAlgorithm::SHA256 => Some(Self::long_term_sha256(username, realm, password)),
            _ => None,
        }
    }

    /// An owned key from stored key bytes (for instance a long-term key kept in a credential
    /// database, or coturn's `turnadmin -k` MD5 key), wiped on drop. Keys of up to 32 bytes are
    /// held inline; longer ones take one allocation.
    ///
    /// ```
    /// use floe_stun::IntegrityKey;
    /// let stored = IntegrityKey::long_term_md5("user", "realm", "pass").as_bytes().to_vec();
    /// let key = IntegrityKey::owned(&stored);
    /// assert_eq!(key, IntegrityKey::long_term_md5("user", "realm", "pass"));
    /// ```
    #[must_use]
    pub fn owned(key: &[u8]) -> Self {
        let repr = KeyRepr::Owned(OwnedKey::new(key));
        Self {
            repr,
            prepared: None,
        }
    }

    fn derived(digest: &[u8]) -> Self {
        Self::owned(digest)
    }
}

impl fmt::Debug for IntegrityKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IntegrityKey(<redacted {} bytes>)",
            self.as_bytes().len()
        )
    }
}

/// USERHASH value: SHA-256(username ":" realm) (RFC 8489 §14.4).
///
/// ```
/// let h = floe_stun::integrity::userhash("\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}", "example.org");
/// assert_eq!(h[..4], [0x4a, 0x3c, 0xf3, 0x8f]);
/// ```
#[must_use]
pub fn userhash(username: &str, realm: &str) -> [u8; 32] {
    Sha256::new()
        .chain_update(username)
        .chain_update(":")
        .chain_update(realm)
        .finalize()
        .into()
}

/// FINGERPRINT of `bytes`: CRC-32 XOR [`FINGERPRINT_XOR`] (RFC 8489 §14.7).
#[must_use]
pub fn fingerprint(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes) ^ FINGERPRINT_XOR
}

/// Feeds `mac` the message up to the attribute at `attr_offset`, with the header length set to
/// end after that attribute (value length `value_len`), as RFC 8489 §14.5/§14.6 require.
pub(crate) fn mac_input<M: Mac>(mac: &mut M, bytes: &[u8], attr_offset: usize, value_len: usize) {
    let length = (attr_offset + 4 + value_len - HEADER_LEN) as u16;
    let length = length.to_be_bytes();
    // With at least one hash block (64 bytes) before the attribute, copy that block to patch
    // the length in it: the MAC then compresses it straight away and buffers only the tail.
    if let Some(block) = bytes.first_chunk::<64>().filter(|_| attr_offset >= 64) {
        let mut head = *block;
        head[2..4].copy_from_slice(&length);
        mac.update(&head);
        mac.update(&bytes[64..attr_offset]);
    } else {
        mac.update(&bytes[..2]);
        mac.update(&length);
        mac.update(&bytes[4..attr_offset]);
    }
}

/// HMAC-SHA1 MESSAGE-INTEGRITY value over `bytes[..attr_offset]` (length adjusted).
pub(crate) fn hmac_sha1(key: &IntegrityKey<'_>, bytes: &[u8], attr_offset: usize) -> [u8; 20] {
    let mut mac = key.hmac_sha1();
    mac_input(&mut mac, bytes, attr_offset, MESSAGE_INTEGRITY_LEN);
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA256 over `bytes[..attr_offset]` for an attribute of `value_len` bytes.
pub(crate) fn hmac_sha256(
    key: &IntegrityKey<'_>,
    bytes: &[u8],
    attr_offset: usize,
    value_len: usize,
) -> [u8; 32] {
    let mut mac = key.hmac_sha256();
    mac_input(&mut mac, bytes, attr_offset, value_len);
    mac.finalize().into_bytes().into()
}

fn new_mac<M: KeyInit>(key: &[u8]) -> M {
    // HMAC accepts keys of every length (long ones are hashed), so this cannot fail.
    match M::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// Compares two MACs in time that depends only on their length (public), with
/// [`subtle::ConstantTimeEq`]: no early exit, each comparison behind subtle's optimization
/// barrier. Compared as 64-bit words (then 32-bit, then bytes) so that a 20-byte MAC takes three
/// barriers, not twenty: per-byte `ct_eq` cost ~8 % of a whole decode + verify.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a8, a) = a.as_chunks::<8>();
    let (b8, b) = b.as_chunks::<8>();
    let (a4, a) = a.as_chunks::<4>();
    let (b4, b) = b.as_chunks::<4>();
    let mut equal = a.ct_eq(b);
    for (x, y) in a8.iter().zip(b8) {
        equal &= u64::from_ne_bytes(*x).ct_eq(&u64::from_ne_bytes(*y));
    }
    for (x, y) in a4.iter().zip(b4) {
        equal &= u32::from_ne_bytes(*x).ct_eq(&u32::from_ne_bytes(*y));
    }
    bool::from(equal)
}

/// The integrity mechanism a message is protected with (RFC 8489 §14.5, §14.6).
///
/// A response must be protected with the mechanism of its request (RFC 8489 §9.1.4, §9.2.5):
/// record the request's kind ([`Message::integrity_kind`]) and verify the response with
/// [`Message::verify_integrity_as`]. [`Message::verify_integrity`] picks the strongest attribute
/// present, so it accepts a message from which an attacker stripped MESSAGE-INTEGRITY-SHA256.
///
/// ```
/// use floe_stun::integrity::IntegrityKind;
/// use floe_stun::AttributeType;
/// assert_eq!(IntegrityKind::Sha256.attribute_type(), AttributeType::MESSAGE_INTEGRITY_SHA256);
/// assert_eq!(IntegrityKind::from_attribute_type(AttributeType::MESSAGE_INTEGRITY),
///            Some(IntegrityKind::Sha1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IntegrityKind {
    /// MESSAGE-INTEGRITY, HMAC-SHA1 (RFC 8489 §14.5).
    Sha1,
    /// MESSAGE-INTEGRITY-SHA256, HMAC-SHA256 (RFC 8489 §14.6).
    Sha256,
}

impl IntegrityKind {
    /// The attribute that carries this kind.
    #[must_use]
    pub const fn attribute_type(self) -> AttributeType {
        match self {
            Self::Sha1 => AttributeType::MESSAGE_INTEGRITY,
            Self::Sha256 => AttributeType::MESSAGE_INTEGRITY_SHA256,
        }
    }

    /// The kind carried by `typ`; `None` for any other attribute.
    #[must_use]
    pub fn from_attribute_type(typ: AttributeType) -> Option<Self> {
        match typ {
            AttributeType::MESSAGE_INTEGRITY => Some(Self::Sha1),
            AttributeType::MESSAGE_INTEGRITY_SHA256 => Some(Self::Sha256),
            _ => None,
        }
    }
}

/// Whether the checks are skipped: only under `cfg(fuzzing)`, and there by default.
#[cfg(fuzzing)]
static FUZZING_BYPASS: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(true);

/// Under `cfg(fuzzing)` only: turns the bypass of the MESSAGE-INTEGRITY and FINGERPRINT
/// comparisons (STYLE §8) on (the default, so byte-soup targets reach the code behind them) or
/// off (so structure-aware targets that seal their messages properly run the real checks).
/// floe-turn's nonce check follows the same switch. Production builds have neither the switch
/// nor the bypass.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn set_fuzzing_bypass(on: bool) {
    FUZZING_BYPASS.store(on, core::sync::atomic::Ordering::Relaxed);
}

/// Under `cfg(fuzzing)` only: whether the bypass set by [`set_fuzzing_bypass`] is on.
#[cfg(fuzzing)]
#[doc(hidden)]
#[must_use]
pub fn fuzzing_bypass() -> bool {
    FUZZING_BYPASS.load(core::sync::atomic::Ordering::Relaxed)
}

/// Whether a failed comparison is let through: never outside `cfg(fuzzing)`.
#[inline]
fn bypass() -> bool {
    #[cfg(fuzzing)]
    {
        fuzzing_bypass()
    }
    #[cfg(not(fuzzing))]
    {
        false
    }
}

/// Maps a MAC comparison to the error, honouring the fuzzing bypass (STYLE §8).
fn check(ok: bool, typ: AttributeType, offset: usize) -> Result<(), IntegrityError> {
    if ok || bypass() {
        Ok(())
    } else {
        Err(IntegrityError::Mismatch { typ, offset })
    }
}

impl Message<'_> {
    /// Verifies FINGERPRINT (RFC 8489 §14.7).
    ///
    /// # Errors
    /// [`IntegrityError::Absent`] without FINGERPRINT, [`IntegrityError::InvalidLength`] when
    /// its value is not 4 bytes, [`IntegrityError::FingerprintMismatch`] when it is wrong.
    pub fn verify_fingerprint(&self) -> Result<(), IntegrityError> {
        let typ = AttributeType::FINGERPRINT;
        let attr = self
            .fingerprint_offset()
            .and_then(|o| self.attribute_at(o))
            .ok_or(IntegrityError::Absent { typ })?;
        let Ok(value) = <[u8; 4]>::try_from(attr.value) else {
            return Err(IntegrityError::InvalidLength {
                typ,
                offset: attr.offset,
                len: attr.value.len(),
            });
        };
        let found = u32::from_be_bytes(value);
        let computed = fingerprint(&self.as_bytes()[..attr.offset]);
        if found == computed || bypass() {
            Ok(())
        } else {
            Err(IntegrityError::FingerprintMismatch {
                offset: attr.offset,
                found,
                computed,
            })
        }
    }

    /// Verifies MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) with `key`.
    ///
    /// # Errors
    /// [`IntegrityError::Absent`], [`IntegrityError::InvalidLength`] or
    /// [`IntegrityError::Mismatch`].
    pub fn verify_message_integrity(&self, key: &IntegrityKey<'_>) -> Result<(), IntegrityError> {
        let typ = AttributeType::MESSAGE_INTEGRITY;
        let attr = self
            .integrity_offset()
            .and_then(|o| self.attribute_at(o))
            .ok_or(IntegrityError::Absent { typ })?;
        if attr.value.len() != MESSAGE_INTEGRITY_LEN {
            return Err(IntegrityError::InvalidLength {
                typ,
                offset: attr.offset,
                len: attr.value.len(),
            });
        }
        let mut mac = key.hmac_sha1();
        mac_input(
            &mut mac,
            self.as_bytes(),
            attr.offset,
            MESSAGE_INTEGRITY_LEN,
        );
        check(
            constant_time_eq(&mac.finalize().into_bytes(), attr.value),
            typ,
            attr.offset,
        )
    }

    /// Verifies MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, RFC 8489 §14.6), truncated or not.
    ///
    /// # Errors
    /// [`IntegrityError::Absent`], [`IntegrityError::InvalidLength`] (not 16..=32 bytes in
    /// steps of 4) or [`IntegrityError::Mismatch`].
    pub fn verify_message_integrity_sha256(
        &self,
        key: &IntegrityKey<'_>,
    ) -> Result<(), IntegrityError> {
        let typ = AttributeType::MESSAGE_INTEGRITY_SHA256;
        let attr = self
            .integrity_sha256_offset()
            .and_then(|o| self.attribute_at(o))
            .ok_or(IntegrityError::Absent { typ })?;
        let len = attr.value.len();
        if !crate::attributes::MessageIntegritySha256::valid_len(len) {
            return Err(IntegrityError::InvalidLength {
                typ,
                offset: attr.offset,
                len,
            });
        }
        let mut mac = key.hmac_sha256();
        mac_input(&mut mac, self.as_bytes(), attr.offset, len);
        check(
            constant_time_eq(&mac.finalize().into_bytes()[..len], attr.value),
            typ,
            attr.offset,
        )
    }

    /// The strongest integrity mechanism the message carries: MESSAGE-INTEGRITY-SHA256 when
    /// present, else MESSAGE-INTEGRITY, else `None`. A server answers a request with this kind
    /// (RFC 8489 §9.1.4, §9.2.5); a client records it for its request and checks the response
    /// with [`verify_integrity_as`](Self::verify_integrity_as).
    #[must_use]
    pub fn integrity_kind(&self) -> Option<IntegrityKind> {
        if self.integrity_sha256_offset().is_some() {
            Some(IntegrityKind::Sha256)
        } else if self.integrity_offset().is_some() {
            Some(IntegrityKind::Sha1)
        } else {
            None
        }
    }

    /// Verifies the message with exactly the mechanism `kind`, as a client must check a
    /// response against the mechanism of its request (RFC 8489 §9.1.4, §9.2.5): a response to a
    /// request protected with MESSAGE-INTEGRITY-SHA256 that carries only MESSAGE-INTEGRITY (for
    /// instance because an attacker stripped the SHA-256 attribute) is refused.
    ///
    /// ```
    /// use floe_stun::integrity::IntegrityKind;
    /// use floe_stun::{Class, IntegrityError, IntegrityKey, Message, MessageBuilder, MessageType,
    ///                 Method, TransactionId};
    /// let key = IntegrityKey::long_term_sha256("u", "r", "p");
    /// let mut buf = Vec::new();
    /// let typ = MessageType::new(Method::BINDING, Class::Success);
    /// MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([1; 12]))
    ///     .message_integrity(&key).unwrap().finish().unwrap();
    /// let msg = Message::parse(&buf).unwrap();
    /// assert!(msg.verify_integrity_as(&key, IntegrityKind::Sha1).is_ok());
    /// assert!(matches!(msg.verify_integrity_as(&key, IntegrityKind::Sha256),
    ///                  Err(IntegrityError::Absent { .. })));
    /// ```
    ///
    /// # Errors
    /// [`IntegrityError::Absent`] (with the attribute of `kind`) when the message does not carry
    /// that mechanism, else the error of [`verify_message_integrity`](Self::verify_message_integrity)
    /// or [`verify_message_integrity_sha256`](Self::verify_message_integrity_sha256).
    pub fn verify_integrity_as(
        &self,
        key: &IntegrityKey<'_>,
        kind: IntegrityKind,
    ) -> Result<(), IntegrityError> {
        match kind {
            IntegrityKind::Sha1 => self.verify_message_integrity(key),
            IntegrityKind::Sha256 => self.verify_message_integrity_sha256(key),
        }
    }

    /// Verifies the message's integrity with `key`: MESSAGE-INTEGRITY-SHA256 when present (an
    /// agent that sees both must use only it, RFC 8489 §9.1.3/§9.2.4), else MESSAGE-INTEGRITY.
    /// Returns the attribute type that was checked.
    ///
    /// # Errors
    /// [`IntegrityError::Absent`] (with type MESSAGE-INTEGRITY) when neither is present, or the
    /// error of the check that ran.
    pub fn verify_integrity(
        &self,
        key: &IntegrityKey<'_>,
    ) -> Result<AttributeType, IntegrityError> {
        if self.integrity_sha256_offset().is_some() {
            self.verify_message_integrity_sha256(key)?;
            Ok(AttributeType::MESSAGE_INTEGRITY_SHA256)
        } else {
            self.verify_message_integrity(key)?;
            Ok(AttributeType::MESSAGE_INTEGRITY)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_term_keys_match_rfc_vectors() {
        use floe_corpus::rfc5769::{
            LONG_TERM_PASSWORD as PASSWORD, LONG_TERM_REALM as REALM, LONG_TERM_USERNAME as USER,
        };
        let md5 = IntegrityKey::long_term_md5(USER, REALM, PASSWORD);
        assert_eq!(
            md5.as_bytes(),
            hex::decode("e8ca7ad59d5eb0518e312911d2dab2a9").unwrap()
        );
        let sha =
            IntegrityKey::long_term(PasswordAlgorithm::SHA256, USER, REALM, PASSWORD).unwrap();
        assert_eq!(
            sha.as_bytes(),
            hex::decode("dd295a613b9058c3c23d6dc7165bda072304d989c9d0af3a8c7e184b4f9bb4a1")
                .unwrap()
        );
        assert!(IntegrityKey::long_term(PasswordAlgorithm(9), USER, "r", "p").is_none());
    }

    /// Signs a Binding success response with MI then MI-SHA256 and returns its bytes.
    fn signed_with_both(key: &IntegrityKey<'_>) -> alloc::vec::Vec<u8> {
        use crate::{Class, MessageBuilder, MessageType, Method, TransactionId};
        let mut buf = alloc::vec::Vec::new();
        let typ = MessageType::new(Method::BINDING, Class::Success);
        MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([3; 12]))
            .message_integrity(key)
            .unwrap()
            .message_integrity_sha256(key)
            .unwrap()
            .finish()
            .unwrap();
        buf
    }

    #[test]
    fn stripping_sha256_is_a_downgrade_that_verify_integrity_as_refuses() {
        let key = IntegrityKey::long_term_sha256("u", "r", "p");
        let both = signed_with_both(&key);
        let msg = Message::parse(&both).unwrap();
        assert_eq!(msg.integrity_kind(), Some(IntegrityKind::Sha256));
        msg.verify_integrity_as(&key, IntegrityKind::Sha256)
            .unwrap();
        msg.verify_integrity_as(&key, IntegrityKind::Sha1).unwrap();
        // The attacker drops MI-SHA256 (the last 36 bytes) and fixes the header length.
        let sha_at = msg.integrity_sha256_offset().unwrap();
        let mut stripped = both[..sha_at].to_vec();
        let len = (stripped.len() - HEADER_LEN) as u16;
        stripped[2..4].copy_from_slice(&len.to_be_bytes());
        let msg = Message::parse(&stripped).unwrap();
        // The picking verifier is fooled: the rest is a valid MI-only message.
        assert_eq!(
            msg.verify_integrity(&key),
            Ok(AttributeType::MESSAGE_INTEGRITY)
        );
        assert_eq!(msg.integrity_kind(), Some(IntegrityKind::Sha1));
        // Requiring the request's mechanism catches it.
        assert_eq!(
            msg.verify_integrity_as(&key, IntegrityKind::Sha256),
            Err(IntegrityError::Absent {
                typ: AttributeType::MESSAGE_INTEGRITY_SHA256
            })
        );
        msg.verify_integrity_as(&key, IntegrityKind::Sha1).unwrap();
        // And a wrong key fails for either kind.
        let wrong = IntegrityKey::short_term("x");
        let msg = Message::parse(&both).unwrap();
        for kind in [IntegrityKind::Sha1, IntegrityKind::Sha256] {
            assert!(matches!(
                msg.verify_integrity_as(&wrong, kind),
                Err(IntegrityError::Mismatch { typ, .. }) if typ == kind.attribute_type()
            ));
            assert_eq!(
                IntegrityKind::from_attribute_type(kind.attribute_type()),
                Some(kind)
            );
        }
        assert_eq!(
            IntegrityKind::from_attribute_type(AttributeType::FINGERPRINT),
            None
        );
        let mut bare = both[..HEADER_LEN].to_vec();
        bare[2..4].copy_from_slice(&[0, 0]);
        assert_eq!(Message::parse(&bare).unwrap().integrity_kind(), None);
    }

    #[test]
    fn owned_keys_equal_borrowed_and_drop_wipes() {
        let long = [7u8; 80];
        for bytes in [&b""[..], b"short", &[9; 32], &long] {
            let owned = IntegrityKey::owned(bytes);
            assert_eq!(owned.as_bytes(), bytes);
            assert_eq!(owned, IntegrityKey::from_bytes(bytes));
            assert_eq!(IntegrityKey::from_bytes(bytes).into_owned(), owned);
            let prepared = IntegrityKey::from_bytes(bytes).prepare().into_owned();
            assert!(prepared.is_prepared());
            assert_eq!(prepared, owned);
        }
        assert_ne!(IntegrityKey::owned(b"abc"), IntegrityKey::owned(b"abd"));
        assert_ne!(IntegrityKey::owned(b"abc"), IntegrityKey::owned(b"ab"));
        // What drop runs wipes owned bytes, inline and on the heap.
        for len in [16, 40] {
            let mut owned = OwnedKey::new(&[0xAA; 40][..len]);
            assert!(matches!(
                (len, &owned),
                (16, OwnedKey::Inline { .. }) | (40, OwnedKey::Heap(_))
            ));
            owned.wipe();
            assert!(owned.as_bytes().iter().all(|&b| b == 0));
            assert_eq!(owned.as_bytes().len(), len);
        }
    }

    #[test]
    fn prepared_keys_sign_and_verify_alike() {
        use crate::{Class, MessageBuilder, MessageType, Method, TransactionId};
        let plain = IntegrityKey::long_term_md5("u", "r", "p");
        let prepared = plain.clone().prepare();
        let mut a = alloc::vec::Vec::new();
        let mut b = alloc::vec::Vec::new();
        for (buf, key) in [(&mut a, &plain), (&mut b, &prepared)] {
            let typ = MessageType::new(Method::REFRESH, Class::Request);
            let m = MessageBuilder::new(buf, typ, TransactionId::from_bytes([8; 12]));
            m.message_integrity(key)
                .unwrap()
                .message_integrity_sha256(key)
                .unwrap()
                .finish()
                .unwrap();
        }
        assert_eq!(a, b);
        let msg = Message::parse(&a).unwrap();
        msg.verify_message_integrity(&prepared).unwrap();
        msg.verify_message_integrity_sha256(&prepared).unwrap();
        assert!(alloc::format!("{prepared:?}").contains("redacted"));
        // Prepared for SHA-1 only: both MACs still verify (SHA-256 keyed per message).
        let sha1_only = plain.clone().prepare_sha1();
        msg.verify_message_integrity(&sha1_only).unwrap();
        msg.verify_message_integrity_sha256(&sha1_only).unwrap();
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
        // Every length a MAC can have, and a difference at every position (word and tail).
        let a = [0x5au8; 37];
        for len in 0..=a.len() {
            assert!(constant_time_eq(&a[..len], &a[..len]));
            for at in 0..len {
                let mut b = a;
                b[at] ^= 0x80;
                assert!(!constant_time_eq(&a[..len], &b[..len]), "len {len} at {at}");
            }
        }
    }

    #[test]
    fn debug_redacts() {
        let k = IntegrityKey::short_term("secret-password");
        assert!(!alloc::format!("{k:?}").contains("secret"));
    }
}
