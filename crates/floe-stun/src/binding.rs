//! A STUN Binding responder (RFC 8489 §6.3): the one answer to Binding requests that a STUN
//! server, a TURN server and an ICE agent all give, with or without short-term credentials
//! (RFC 8489 §9.1.3).
//!
//! It is stateless: hand it a parsed request and the address it came from, and it writes the
//! response into your buffer and says what it did. Rules, in the order RFC 8489 applies them:
//! 1. only requests get answers; a FINGERPRINT that does not match means the message is not
//!    STUN for us and is dropped (§7.3, §14.7);
//! 2. requests of other methods are left to the caller ([`BindingAnswer::NotBinding`]);
//! 3. with short-term credentials (§9.1.3): no MESSAGE-INTEGRITY(-SHA256) or no USERNAME gets
//!    400, an unknown USERNAME or a MAC that does not verify gets 401, both unsigned;
//! 4. comprehension-required attributes it does not understand get 420 with
//!    UNKNOWN-ATTRIBUTES (§6.3.1.1, §14.9), signed when the request was;
//! 5. otherwise a success with XOR-MAPPED-ADDRESS (§14.2), signed with the request's own
//!    mechanism (§9.1.4).
//!
//! Every answer carries SOFTWARE when configured and ends with FINGERPRINT unless turned off.
//!
//! ```
//! use floe_stun::binding::{BindingAnswer, BindingResponder};
//! use floe_stun::attributes::{Username, XorMappedAddress};
//! use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
//!
//! let key = IntegrityKey::short_term("pass");
//! let mut request = Vec::new();
//! let typ = MessageType::new(Method::BINDING, Class::Request);
//! let mut b = MessageBuilder::new(&mut request, typ, TransactionId::from_bytes([1; 12]));
//! b.add(&Username("user"));
//! b.message_integrity(&key).unwrap().fingerprint().unwrap();
//!
//! let responder = BindingResponder::new().software("floe");
//! let from = "198.51.100.7:5000".parse().unwrap();
//! let mut out = Vec::new();
//! let request = Message::parse(&request).unwrap();
//! let answer = responder.answer_short_term(&request, from, |user| {
//!     (user == "user").then(|| IntegrityKey::short_term("pass"))
//! }, &mut out);
//! assert_eq!(answer, BindingAnswer::Success);
//! let response = Message::parse(&out).unwrap();
//! assert_eq!(response.get::<XorMappedAddress>().unwrap(), Some(XorMappedAddress(from)));
//! response.verify_integrity(&key).unwrap();
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;

use crate::attributes::Attribute as _;
use crate::attributes::{
    ErrorCodeAttribute, Software, UnknownAttributes, Username, XorMappedAddress,
};
use crate::builder::MessageBuilder;
use crate::header::{HEADER_LEN, MAGIC_COOKIE};
use crate::integrity::{
    IntegrityKey, IntegrityKind, MESSAGE_INTEGRITY_LEN, fingerprint, hmac_sha1,
};
use crate::message::Message;
use crate::registry::{AttributeType, Class, ErrorCode, MessageType, Method};

/// Most attribute types listed in one UNKNOWN-ATTRIBUTES (a peer controls the count).
const MAX_UNKNOWN_LISTED: usize = 16;

/// What [`BindingResponder`] did with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindingAnswer {
    /// A success response is in the buffer.
    Success,
    /// An error response with this code is in the buffer.
    Error(ErrorCode),
    /// A request of another method: nothing written, the caller decides (a STUN server
    /// answers 400, a TURN server goes on with its own methods).
    NotBinding,
    /// Nothing to answer: not a request, or a FINGERPRINT that does not match (RFC 8489
    /// §7.3); nothing written.
    Ignored,
}

/// Answers Binding requests (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct BindingResponder {
    software: Option<String>,
    fingerprint: bool,
    understands: fn(AttributeType) -> bool,
}

impl Default for BindingResponder {
    fn default() -> Self {
        Self::new()
    }
}

impl BindingResponder {
    /// No SOFTWARE, FINGERPRINT on, and the attributes a Binding request may carry understood
    /// ([`understands_binding`]).
    #[must_use]
    pub fn new() -> Self {
        Self {
            software: None,
            fingerprint: true,
            understands: understands_binding,
        }
    }

    /// Adds SOFTWARE (RFC 8489 §14.14) to every answer.
    #[must_use]
    pub fn software(mut self, software: impl Into<String>) -> Self {
        self.software = Some(software.into());
        self
    }

    /// Whether answers end with FINGERPRINT (RFC 8489 §14.7; on by default, and ICE needs
    /// it, RFC 8445 §7.3).
    #[must_use]
    pub fn fingerprint(mut self, on: bool) -> Self {
        self.fingerprint = on;
        self
    }

    /// The comprehension-required attribute types understood (anything else in a request
    /// gets 420), e.g. a TURN server's wider set.
    ///
    /// ```
    /// use floe_stun::AttributeType;
    /// use floe_stun::binding::{understands_binding, BindingResponder};
    /// let r = BindingResponder::new()
    ///     .understands(|t| understands_binding(t) || t == AttributeType::CHANNEL_NUMBER);
    /// # let _ = r;
    /// ```
    #[must_use]
    pub fn understands(mut self, understands: fn(AttributeType) -> bool) -> Self {
        self.understands = understands;
        self
    }

    /// Answers a request without authentication (a public STUN server, RFC 8489 §9: the
    /// Binding method may be used without credentials). MESSAGE-INTEGRITY in the request is
    /// not checked and the answer is not signed.
    pub fn answer(
        &self,
        request: &Message<'_>,
        source: SocketAddr,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        out.clear();
        if let Some(skipped) = skipped(request) {
            return skipped;
        }
        self.unknown_or_success(request, source, None, out)
    }

    /// Answers a request under short-term credentials (RFC 8489 §9.1.3): `lookup` gives the
    /// key of a USERNAME, or `None` when it is unknown. Only an authenticated request gets a
    /// success or a 420, signed with its own mechanism.
    pub fn answer_short_term<'k>(
        &self,
        request: &Message<'_>,
        source: SocketAddr,
        lookup: impl FnOnce(&str) -> Option<IntegrityKey<'k>>,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        out.clear();
        if let Some(skipped) = skipped(request) {
            return skipped;
        }
        let Some(kind) = request.integrity_kind() else {
            return self.error(request, ErrorCode::BAD_REQUEST, None, out);
        };
        let Ok(Some(Username(user))) = request.get::<Username<'_>>() else {
            return self.error(request, ErrorCode::BAD_REQUEST, None, out);
        };
        let Some(key) = lookup(user) else {
            return self.error(request, ErrorCode::UNAUTHENTICATED, None, out);
        };
        if request.verify_integrity(&key).is_err() {
            return self.error(request, ErrorCode::UNAUTHENTICATED, None, out);
        }
        self.unknown_or_success(request, source, Some((&key, kind)), out)
    }

    /// Answers a request the caller has already authenticated with `key` (an ICE agent checks
    /// FINGERPRINT, USERNAME and MESSAGE-INTEGRITY itself, then applies its role and
    /// nomination rules before answering): 420 for attributes not understood, otherwise a
    /// success with XOR-MAPPED-ADDRESS; both signed with the request's own mechanism. A request
    /// without MESSAGE-INTEGRITY(-SHA256) gets 400, unsigned. FINGERPRINT is not checked again.
    ///
    /// ```
    /// use floe_stun::binding::{BindingAnswer, BindingResponder};
    /// use floe_stun::attributes::Username;
    /// use floe_stun::{Class, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
    /// let key = IntegrityKey::short_term("pwd");
    /// let mut buf = Vec::new();
    /// let typ = MessageType::new(Method::BINDING, Class::Request);
    /// let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([3; 12]));
    /// b.add(&Username("a:b"));
    /// b.message_integrity(&key).unwrap().fingerprint().unwrap();
    /// let request = Message::parse(&buf).unwrap();
    /// request.verify_integrity(&key).unwrap(); // the caller's check
    /// let mut out = Vec::new();
    /// let from = "192.0.2.7:9".parse().unwrap();
    /// let answer = BindingResponder::new().answer_verified(&request, from, &key, &mut out);
    /// assert_eq!(answer, BindingAnswer::Success);
    /// ```
    pub fn answer_verified(
        &self,
        request: &Message<'_>,
        source: SocketAddr,
        key: &IntegrityKey<'_>,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        let (types, n) = self.unknown_types(request);
        self.answer_checked(request, source, key, &types[..n], out)
    }

    /// [`Self::answer_verified`] for a caller that has already walked the request's attributes
    /// (an ICE agent reads USERNAME, PRIORITY and the role attributes in one walk) and
    /// collected the comprehension-required ones this responder does not understand
    /// (RFC 8489 §6.3.1) in `unknown`: 420 listing them when there are any, otherwise the
    /// success, without walking the attributes a second time.
    ///
    /// ```
    /// use floe_stun::binding::{BindingAnswer, BindingResponder};
    /// use floe_stun::{AttributeType, Class, ErrorCode, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
    /// let key = IntegrityKey::short_term("pwd");
    /// let mut buf = Vec::new();
    /// let typ = MessageType::new(Method::BINDING, Class::Request);
    /// let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([3; 12]));
    /// b.add_raw(AttributeType(0x0077), b"?");
    /// b.message_integrity(&key).unwrap().fingerprint().unwrap();
    /// let request = Message::parse(&buf).unwrap();
    /// let r = BindingResponder::new();
    /// let (mut out, from) = (Vec::new(), "192.0.2.7:9".parse().unwrap());
    /// assert_eq!(r.answer_checked(&request, from, &key, &[], &mut out), BindingAnswer::Success);
    /// let unknown = [AttributeType(0x0077)];
    /// let answer = r.answer_checked(&request, from, &key, &unknown, &mut out);
    /// assert_eq!(answer, BindingAnswer::Error(ErrorCode::UNKNOWN_ATTRIBUTE));
    /// ```
    pub fn answer_checked(
        &self,
        request: &Message<'_>,
        source: SocketAddr,
        key: &IntegrityKey<'_>,
        unknown: &[AttributeType],
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        out.clear();
        match (request.class(), request.method()) {
            (Class::Request, Method::BINDING) => {}
            (Class::Request, _) => return BindingAnswer::NotBinding,
            _ => return BindingAnswer::Ignored,
        }
        let Some(kind) = request.integrity_kind() else {
            return self.error(request, ErrorCode::BAD_REQUEST, None, out);
        };
        self.unknown_listed_or_success(request, source, unknown, Some((key, kind)), out)
    }

    /// Writes an error response signed with `key` by the request's own mechanism (e.g. 487
    /// Role Conflict to an authenticated ICE check, RFC 8445 §7.3.1.1), with SOFTWARE and
    /// FINGERPRINT as configured; unsigned when the request was.
    ///
    /// ```
    /// # use floe_stun::binding::BindingResponder;
    /// # use floe_stun::{Class, ErrorCode, IntegrityKey, Message, MessageBuilder, MessageType, Method, TransactionId};
    /// # let key = IntegrityKey::short_term("pwd");
    /// # let mut buf = Vec::new();
    /// # let typ = MessageType::new(Method::BINDING, Class::Request);
    /// # MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([3; 12])).message_integrity(&key).unwrap().finish().unwrap();
    /// let request = Message::parse(&buf).unwrap();
    /// let mut out = Vec::new();
    /// BindingResponder::new().reject_signed(&request, ErrorCode::ROLE_CONFLICT, &key, &mut out);
    /// Message::parse(&out).unwrap().verify_integrity(&key).unwrap();
    /// ```
    pub fn reject_signed(
        &self,
        request: &Message<'_>,
        code: ErrorCode,
        key: &IntegrityKey<'_>,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        out.clear();
        let signer = request.integrity_kind().map(|kind| (key, kind));
        self.error(request, code, signer, out)
    }

    /// Writes an error response to `request` (e.g. 400 for a method a STUN server does not
    /// serve) with SOFTWARE and FINGERPRINT as configured, unsigned.
    ///
    /// ```
    /// use floe_stun::binding::{BindingAnswer, BindingResponder};
    /// use floe_stun::{Class, ErrorCode, Message, MessageBuilder, MessageType, Method, TransactionId};
    /// let mut buf = Vec::new();
    /// let typ = MessageType::new(Method::ALLOCATE, Class::Request);
    /// MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([2; 12])).finish().unwrap();
    /// let request = Message::parse(&buf).unwrap();
    /// let r = BindingResponder::new();
    /// let mut out = Vec::new();
    /// let from = "192.0.2.9:1".parse().unwrap();
    /// assert_eq!(r.answer(&request, from, &mut out), BindingAnswer::NotBinding);
    /// r.reject(&request, ErrorCode::BAD_REQUEST, &mut out);
    /// assert_eq!(Message::parse(&out).unwrap().class(), Class::Error);
    /// ```
    pub fn reject(
        &self,
        request: &Message<'_>,
        code: ErrorCode,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        out.clear();
        self.error(request, code, None, out)
    }

    /// The first [`MAX_UNKNOWN_LISTED`] comprehension-required attributes not understood.
    fn unknown_types(&self, request: &Message<'_>) -> ([AttributeType; MAX_UNKNOWN_LISTED], usize) {
        let mut types = [AttributeType(0); MAX_UNKNOWN_LISTED];
        let mut n = 0;
        for t in request
            .unknown_comprehension_required(self.understands)
            .take(MAX_UNKNOWN_LISTED)
        {
            types[n] = t;
            n += 1;
        }
        (types, n)
    }

    /// 420 listing `types` (at most [`MAX_UNKNOWN_LISTED`] of them), or `None` when empty.
    fn reject_unknown(
        &self,
        request: &Message<'_>,
        types: &[AttributeType],
        signer: Option<(&IntegrityKey<'_>, IntegrityKind)>,
        out: &mut Vec<u8>,
    ) -> Option<ErrorCode> {
        if types.is_empty() {
            return None;
        }
        let types = &types[..types.len().min(MAX_UNKNOWN_LISTED)];
        let code = ErrorCode::UNKNOWN_ATTRIBUTE;
        self.write(request, Class::Error, signer, out, |b| {
            b.add(&ErrorCodeAttribute::new(code))
                .add(&UnknownAttributes::from_types(types));
        });
        Some(code)
    }

    /// The answer to an accepted request (RFC 8489 §6.3.1): 420 for attributes not
    /// understood, else a success; signed by `signer`.
    fn unknown_or_success(
        &self,
        request: &Message<'_>,
        source: SocketAddr,
        signer: Option<(&IntegrityKey<'_>, IntegrityKind)>,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        let (types, n) = self.unknown_types(request);
        self.unknown_listed_or_success(request, source, &types[..n], signer, out)
    }

    /// [`Self::unknown_or_success`] with the attributes not understood already collected.
    fn unknown_listed_or_success(
        &self,
        request: &Message<'_>,
        source: SocketAddr,
        unknown: &[AttributeType],
        signer: Option<(&IntegrityKey<'_>, IntegrityKind)>,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        match self.reject_unknown(request, unknown, signer, out) {
            Some(code) => BindingAnswer::Error(code),
            None => self.success(request, source, signer, out),
        }
    }

    fn success(
        &self,
        request: &Message<'_>,
        source: SocketAddr,
        signer: Option<(&IntegrityKey<'_>, IntegrityKind)>,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        // The answer to every ICE check: written in place in one pass.
        if let (None, true, Some((key, IntegrityKind::Sha1))) =
            (&self.software, self.fingerprint, signer)
        {
            write_signed_success(request, source, key, out);
            return BindingAnswer::Success;
        }
        self.write(request, Class::Success, signer, out, |b| {
            b.add(&XorMappedAddress(source));
        });
        BindingAnswer::Success
    }

    fn error(
        &self,
        request: &Message<'_>,
        code: ErrorCode,
        signer: Option<(&IntegrityKey<'_>, IntegrityKind)>,
        out: &mut Vec<u8>,
    ) -> BindingAnswer {
        self.write(request, Class::Error, signer, out, |b| {
            b.add(&ErrorCodeAttribute::new(code));
        });
        BindingAnswer::Error(code)
    }

    /// Writes the whole answer: `body`, SOFTWARE, the request's MAC, FINGERPRINT. The body
    /// is a few fixed-size attributes, so the message always fits.
    fn write(
        &self,
        request: &Message<'_>,
        class: Class,
        signer: Option<(&IntegrityKey<'_>, IntegrityKind)>,
        out: &mut Vec<u8>,
        body: impl FnOnce(&mut MessageBuilder<'_>),
    ) {
        out.clear();
        let typ = MessageType::new(request.method(), class);
        let mut b = MessageBuilder::new(out, typ, *request.transaction_id());
        body(&mut b);
        if let Some(s) = &self.software {
            b.add(&Software(s));
        }
        let written = b.seal(signer, self.fingerprint);
        if written.is_err() {
            // Only an absurdly long SOFTWARE can overflow a message: send nothing rather than
            // a truncated answer.
            out.clear();
        }
    }
}

/// A Binding success response to `request` with XOR-MAPPED-ADDRESS (`source`),
/// MESSAGE-INTEGRITY under `key` and FINGERPRINT, written into `out` in one pass: the bytes
/// the builder writes for the same message (a test compares them), without its per-attribute
/// bookkeeping. The layout is fixed: header, XOR-MAPPED-ADDRESS (8 or 20 bytes of value),
/// MESSAGE-INTEGRITY (RFC 8489 §14.5), FINGERPRINT (§14.7).
fn write_signed_success(
    request: &Message<'_>,
    source: SocketAddr,
    key: &IntegrityKey<'_>,
    out: &mut Vec<u8>,
) {
    let tid = *request.transaction_id();
    let xma = XorMappedAddress(source);
    let xma_len = xma.encoded_len();
    let mi_at = HEADER_LEN + 4 + xma_len;
    let fp_at = mi_at + 4 + MESSAGE_INTEGRITY_LEN;
    let total = fp_at + 8;
    out.clear();
    out.resize(total, 0);
    let typ = MessageType::new(request.method(), Class::Success);
    out[0..2].copy_from_slice(&typ.to_u16().to_be_bytes());
    out[2..4].copy_from_slice(&((total - HEADER_LEN) as u16).to_be_bytes());
    out[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
    out[8..20].copy_from_slice(tid.as_bytes());
    let tlv = |out: &mut [u8], at: usize, typ: AttributeType, len: usize| {
        out[at..at + 2].copy_from_slice(&typ.0.to_be_bytes());
        out[at + 2..at + 4].copy_from_slice(&(len as u16).to_be_bytes());
    };
    tlv(out, HEADER_LEN, AttributeType::XOR_MAPPED_ADDRESS, xma_len);
    xma.encode(&tid, &mut out[HEADER_LEN + 4..mi_at]);
    tlv(
        out,
        mi_at,
        AttributeType::MESSAGE_INTEGRITY,
        MESSAGE_INTEGRITY_LEN,
    );
    let mac = hmac_sha1(key, out, mi_at);
    out[mi_at + 4..fp_at].copy_from_slice(&mac);
    tlv(out, fp_at, AttributeType::FINGERPRINT, 4);
    let crc = fingerprint(&out[..fp_at]);
    out[fp_at + 4..total].copy_from_slice(&crc.to_be_bytes());
}

/// `None` for a Binding request to answer; otherwise what to report: another method's
/// request, or nothing to answer (not a request, or a FINGERPRINT that does not match).
fn skipped(request: &Message<'_>) -> Option<BindingAnswer> {
    let fingerprint_ok =
        request.fingerprint_offset().is_none() || request.verify_fingerprint().is_ok();
    match (request.class(), request.method()) {
        _ if !fingerprint_ok => Some(BindingAnswer::Ignored),
        (Class::Request, Method::BINDING) => None,
        (Class::Request, _) => Some(BindingAnswer::NotBinding),
        _ => Some(BindingAnswer::Ignored),
    }
}

/// The comprehension-required attributes a Binding request may carry and this responder
/// understands: the RFC 8489 §14 authentication attributes and the RFC 8445 §16.1 ICE
/// attributes (their comprehension-optional ones never get 420). CHANGE-REQUEST,
/// RESPONSE-PORT and PADDING (RFC 5780) are not served here, so they get 420, as RFC 5780 §7.2 asks of a
/// server that does not support them; [`rfc5780`] serves them.
///
/// ```
/// use floe_stun::AttributeType;
/// use floe_stun::binding::understands_binding;
/// assert!(understands_binding(AttributeType::PRIORITY));
/// assert!(!understands_binding(AttributeType::CHANGE_REQUEST));
/// ```
#[must_use]
pub fn understands_binding(typ: AttributeType) -> bool {
    matches!(
        typ,
        AttributeType::MAPPED_ADDRESS
            | AttributeType::USERNAME
            | AttributeType::MESSAGE_INTEGRITY
            | AttributeType::ERROR_CODE
            | AttributeType::UNKNOWN_ATTRIBUTES
            | AttributeType::REALM
            | AttributeType::NONCE
            | AttributeType::MESSAGE_INTEGRITY_SHA256
            | AttributeType::PASSWORD_ALGORITHM
            | AttributeType::USERHASH
            | AttributeType::XOR_MAPPED_ADDRESS
            | AttributeType::PRIORITY
            | AttributeType::USE_CANDIDATE
    )
}

pub mod rfc5780;
#[cfg(test)]
mod tests;
