//! Error codes (RFC 8489 §18.4, RFC 8656 §19, RFC 6062 §6.3, RFC 8445 §16.1).

use super::registry;

registry! {
    /// A STUN error code, 300..=699 (class × 100 + number, RFC 8489 §14.8). `name()` is the
    /// RFC's reason phrase.
    ///
    /// ```
    /// use floe_stun::ErrorCode;
    /// assert_eq!(ErrorCode::UNAUTHENTICATED.0, 401);
    /// assert_eq!(ErrorCode(438).class(), 4);
    /// ```
    ErrorCode(u16), 5;
    /// 300 Try Alternate (RFC 8489 §14.8).
    TRY_ALTERNATE = 300 => "Try Alternate";
    /// 400 Bad Request (RFC 8489 §14.8).
    BAD_REQUEST = 400 => "Bad Request";
    /// 401 Unauthenticated (RFC 8489 §14.8; "Unauthorized" in RFC 5389).
    UNAUTHENTICATED = 401 => "Unauthenticated";
    /// 403 Forbidden (RFC 8656 §19).
    FORBIDDEN = 403 => "Forbidden";
    /// 405 Mobility Forbidden (RFC 8656 §19).
    MOBILITY_FORBIDDEN = 405 => "Mobility Forbidden";
    /// 420 Unknown Attribute (RFC 8489 §14.8).
    UNKNOWN_ATTRIBUTE = 420 => "Unknown Attribute";
    /// 437 Allocation Mismatch (RFC 8656 §19).
    ALLOCATION_MISMATCH = 437 => "Allocation Mismatch";
    /// 438 Stale Nonce (RFC 8489 §14.8).
    STALE_NONCE = 438 => "Stale Nonce";
    /// 440 Address Family not Supported (RFC 8656 §19).
    ADDRESS_FAMILY_NOT_SUPPORTED = 440 => "Address Family not Supported";
    /// 441 Wrong Credentials (RFC 8656 §19).
    WRONG_CREDENTIALS = 441 => "Wrong Credentials";
    /// 442 Unsupported Transport Protocol (RFC 8656 §19).
    UNSUPPORTED_TRANSPORT_PROTOCOL = 442 => "Unsupported Transport Protocol";
    /// 443 Peer Address Family Mismatch (RFC 8656 §19).
    PEER_ADDRESS_FAMILY_MISMATCH = 443 => "Peer Address Family Mismatch";
    /// 446 Connection Already Exists (RFC 6062 §6.3).
    CONNECTION_ALREADY_EXISTS = 446 => "Connection Already Exists";
    /// 447 Connection Timeout or Failure (RFC 6062 §6.3).
    CONNECTION_TIMEOUT_OR_FAILURE = 447 => "Connection Timeout or Failure";
    /// 486 Allocation Quota Reached (RFC 8656 §19).
    ALLOCATION_QUOTA_REACHED = 486 => "Allocation Quota Reached";
    /// 487 Role Conflict (RFC 8445 §16.1).
    ROLE_CONFLICT = 487 => "Role Conflict";
    /// 500 Server Error (RFC 8489 §14.8).
    SERVER_ERROR = 500 => "Server Error";
    /// 508 Insufficient Capacity (RFC 8656 §19).
    INSUFFICIENT_CAPACITY = 508 => "Insufficient Capacity";
}

impl ErrorCode {
    /// The RFC reason phrase, if the code is registered.
    #[must_use]
    pub const fn reason(self) -> Option<&'static str> {
        self.name()
    }

    /// The hundreds digit (3..=6 for valid codes).
    #[must_use]
    pub const fn class(self) -> u8 {
        (self.0 / 100) as u8
    }

    /// The code modulo 100.
    #[must_use]
    pub const fn number(self) -> u8 {
        (self.0 % 100) as u8
    }
}
