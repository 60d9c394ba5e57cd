//! [`Failure`]: why a request, or the whole allocation, failed. Error codes and attribute
//! types are floe-stun's registry newtypes, and the messages name them the way the RFCs do.

use core::fmt;

use floe_stun::framing::FramingError;
use floe_stun::{AttributeType, ErrorCode};

/// Why an operation (or the whole allocation) failed.
///
/// The error codes are RFC 8489 §14.8's and RFC 8656 §19's; the messages give the number and
/// the reason phrase, and attribute types by name and value:
///
/// ```
/// use floe_turn::{AttributeType, ErrorCode, Failure};
///
/// let f = Failure::ErrorResponse { code: ErrorCode::BAD_REQUEST };
/// assert_eq!(f.to_string(), "error response 400 Bad Request");
/// let f = Failure::ErrorResponse { code: ErrorCode(599) };
/// assert_eq!(f.to_string(), "error response 599");
/// let f = Failure::UnknownAttributes {
///     types: vec![AttributeType::EVEN_PORT, AttributeType(0x7f00)],
/// };
/// assert_eq!(f.to_string(), "420 Unknown Attribute: even-port (0x0018), 0x7f00");
/// let f = Failure::MissingAttribute { attribute: AttributeType::XOR_RELAYED_ADDRESS };
/// assert_eq!(
///     f.to_string(),
///     "response without the required xor-relayed-address (0x0016) attribute"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    /// No response before the transaction timed out.
    #[error("no response from the server")]
    Timeout,
    /// 401 after credentials were sent: wrong username or password.
    #[error("401 Unauthorized: the server refused the credentials")]
    Unauthorized,
    /// The server kept answering 438 Stale Nonce.
    #[error("438 Stale Nonce repeated")]
    StaleNonce,
    /// 403 Forbidden (for example a peer the server's policy refuses).
    #[error("403 Forbidden")]
    Forbidden,
    /// 437 Allocation Mismatch (RFC 8656 §19).
    #[error("437 Allocation Mismatch")]
    AllocationMismatch,
    /// 440 Address Family not Supported.
    #[error("440 Address Family not Supported")]
    AddressFamilyNotSupported,
    /// 441 Wrong Credentials.
    #[error("441 Wrong Credentials")]
    WrongCredentials,
    /// 442 Unsupported Transport Protocol.
    #[error("442 Unsupported Transport Protocol")]
    UnsupportedTransport,
    /// 443 Peer Address Family Mismatch.
    #[error("443 Peer Address Family Mismatch")]
    PeerAddressFamilyMismatch,
    /// 486 Allocation Quota Reached.
    #[error("486 Allocation Quota Reached")]
    QuotaReached,
    /// 508 Insufficient Capacity.
    #[error("508 Insufficient Capacity")]
    InsufficientCapacity,
    /// 446 Connection Already Exists (RFC 6062 §6.3).
    #[error("446 Connection Already Exists")]
    ConnectionAlreadyExists,
    /// 447 Connection Timeout or Failure (RFC 6062 §6.3).
    #[error("447 Connection Timeout or Failure")]
    ConnectionFailed,
    /// 420 Unknown Attribute, with the types the server did not understand (RFC 8489 §14.9).
    #[error("420 Unknown Attribute: {}", Types(.types))]
    UnknownAttributes {
        /// The attribute types from UNKNOWN-ATTRIBUTES (empty when the response had none).
        types: Vec<AttributeType>,
    },
    /// 300 Try Alternate more often than `max_redirects`, or without ALTERNATE-SERVER.
    #[error("too many redirects (300 Try Alternate)")]
    TooManyRedirects,
    /// The server's REALM is not the configured one.
    #[error("the server's realm is not the configured one")]
    RealmMismatch,
    /// The allocation's lifetime ran out without a successful refresh.
    #[error("the allocation expired")]
    Expired,
    /// A response lacked an attribute it must carry (an error response without ERROR-CODE,
    /// a 300 without ALTERNATE-SERVER, an Allocate success without XOR-RELAYED-ADDRESS or
    /// LIFETIME, a Connect success without CONNECTION-ID).
    #[error("response without the required {} attribute", Type(*.attribute))]
    MissingAttribute {
        /// The missing attribute type.
        attribute: AttributeType,
    },
    /// Any other error response.
    #[error("error response {}", Code(*.code))]
    ErrorResponse {
        /// The code from ERROR-CODE.
        code: ErrorCode,
    },
    /// A request could not be encoded: an attribute value over 65535 bytes or a message over
    /// the 16-bit length (RFC 8489 §5, §14), for example with an oversized username.
    #[error("the request does not fit a STUN message")]
    RequestTooLong,
    /// A TCP data connection carried something that is not a STUN frame where the
    /// ConnectionBind response belongs (RFC 6062 §4.4).
    #[error("the data connection is out of sync: {0}")]
    Framing(FramingError),
}

/// An attribute type as `name (0x0016)`, or `0x7f00` when nobody registered it.
struct Type(AttributeType);

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.name() {
            Some(name) => write!(f, "{name} ({:#06x})", self.0.0),
            None => write!(f, "{:#06x}", self.0.0),
        }
    }
}

/// A list of attribute types, comma-separated, as [`Type`] shows each.
struct Types<'a>(&'a [AttributeType]);

impl fmt::Display for Types<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((first, rest)) = self.0.split_first() else {
            return f.write_str("none listed");
        };
        write!(f, "{}", Type(*first))?;
        rest.iter().try_for_each(|t| write!(f, ", {}", Type(*t)))
    }
}

/// An error code as its number and, where registered, its reason phrase: `400 Bad Request`.
struct Code(ErrorCode);

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.reason() {
            Some(reason) => write!(f, "{} {reason}", self.0.0),
            None => write!(f, "{}", self.0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_unknown_attributes_list_says_so() {
        let f = Failure::UnknownAttributes { types: Vec::new() };
        assert_eq!(f.to_string(), "420 Unknown Attribute: none listed");
    }

    #[test]
    fn framing_failures_carry_the_framing_error() {
        let e = FramingError::UnknownFrame {
            offset: 0,
            first_byte: 0xff,
        };
        assert_eq!(
            Failure::Framing(e).to_string(),
            format!("the data connection is out of sync: {e}")
        );
    }
}
