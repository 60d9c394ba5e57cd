//! Attribute types (RFC 8489 §18.3 and the registries it points to).

use super::registry;

registry! {
    /// A STUN attribute type. Values below 0x8000 are comprehension-required, the others
    /// comprehension-optional (RFC 8489 §14).
    ///
    /// ```
    /// use floe_stun::AttributeType;
    /// assert_eq!(AttributeType::FINGERPRINT, AttributeType(0x8028));
    /// assert!(!AttributeType::SOFTWARE.is_comprehension_required());
    /// ```
    AttributeType(u16), 6;
    /// MAPPED-ADDRESS (RFC 8489 §14.1).
    MAPPED_ADDRESS = 0x0001 => "mapped-address";
    /// RESPONSE-ADDRESS (RFC 3489 §11.2.2; reserved by RFC 8489).
    RESPONSE_ADDRESS = 0x0002 => "response-address";
    /// CHANGE-REQUEST (RFC 5780 §7.2).
    CHANGE_REQUEST = 0x0003 => "change-request";
    /// SOURCE-ADDRESS (RFC 3489 §11.2.5; reserved by RFC 8489).
    SOURCE_ADDRESS = 0x0004 => "source-address";
    /// CHANGED-ADDRESS (RFC 3489 §11.2.3; reserved by RFC 8489).
    CHANGED_ADDRESS = 0x0005 => "changed-address";
    /// USERNAME (RFC 8489 §14.3).
    USERNAME = 0x0006 => "username";
    /// MESSAGE-INTEGRITY (RFC 8489 §14.5).
    MESSAGE_INTEGRITY = 0x0008 => "message-integrity";
    /// ERROR-CODE (RFC 8489 §14.8).
    ERROR_CODE = 0x0009 => "error-code";
    /// UNKNOWN-ATTRIBUTES (RFC 8489 §14.9).
    UNKNOWN_ATTRIBUTES = 0x000A => "unknown-attributes";
    /// CHANNEL-NUMBER (RFC 8656 §18.1).
    CHANNEL_NUMBER = 0x000C => "channel-number";
    /// LIFETIME (RFC 8656 §18.2).
    LIFETIME = 0x000D => "lifetime";
    /// XOR-PEER-ADDRESS (RFC 8656 §18.3).
    XOR_PEER_ADDRESS = 0x0012 => "xor-peer-address";
    /// DATA (RFC 8656 §18.4).
    DATA = 0x0013 => "data";
    /// REALM (RFC 8489 §14.9).
    REALM = 0x0014 => "realm";
    /// NONCE (RFC 8489 §14.10).
    NONCE = 0x0015 => "nonce";
    /// XOR-RELAYED-ADDRESS (RFC 8656 §18.5).
    XOR_RELAYED_ADDRESS = 0x0016 => "xor-relayed-address";
    /// REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6).
    REQUESTED_ADDRESS_FAMILY = 0x0017 => "requested-address-family";
    /// EVEN-PORT (RFC 8656 §18.7).
    EVEN_PORT = 0x0018 => "even-port";
    /// REQUESTED-TRANSPORT (RFC 8656 §18.8).
    REQUESTED_TRANSPORT = 0x0019 => "requested-transport";
    /// DONT-FRAGMENT (RFC 8656 §18.9).
    DONT_FRAGMENT = 0x001A => "dont-fragment";
    /// MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6).
    MESSAGE_INTEGRITY_SHA256 = 0x001C => "message-integrity-sha256";
    /// PASSWORD-ALGORITHM (RFC 8489 §14.12).
    PASSWORD_ALGORITHM = 0x001D => "password-algorithm";
    /// USERHASH (RFC 8489 §14.4).
    USERHASH = 0x001E => "userhash";
    /// XOR-MAPPED-ADDRESS (RFC 8489 §14.2).
    XOR_MAPPED_ADDRESS = 0x0020 => "xor-mapped-address";
    /// RESERVATION-TOKEN (RFC 8656 §18.10).
    RESERVATION_TOKEN = 0x0022 => "reservation-token";
    /// PRIORITY (RFC 8445 §16.1).
    PRIORITY = 0x0024 => "priority";
    /// USE-CANDIDATE (RFC 8445 §16.1).
    USE_CANDIDATE = 0x0025 => "use-candidate";
    /// PADDING (RFC 5780 §7.4).
    PADDING = 0x0026 => "padding";
    /// RESPONSE-PORT (RFC 5780 §7.5).
    RESPONSE_PORT = 0x0027 => "response-port";
    /// CONNECTION-ID (RFC 6062 §6.2.1).
    CONNECTION_ID = 0x002A => "connection-id";
    /// ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11).
    ADDITIONAL_ADDRESS_FAMILY = 0x8000 => "additional-address-family";
    /// ADDRESS-ERROR-CODE (RFC 8656 §18.12).
    ADDRESS_ERROR_CODE = 0x8001 => "address-error-code";
    /// PASSWORD-ALGORITHMS (RFC 8489 §14.11).
    PASSWORD_ALGORITHMS = 0x8002 => "password-algorithms";
    /// ALTERNATE-DOMAIN (RFC 8489 §14.16).
    ALTERNATE_DOMAIN = 0x8003 => "alternate-domain";
    /// ICMP (RFC 8656 §18.13).
    ICMP = 0x8004 => "icmp";
    /// SOFTWARE (RFC 8489 §14.14).
    SOFTWARE = 0x8022 => "software";
    /// ALTERNATE-SERVER (RFC 8489 §14.15).
    ALTERNATE_SERVER = 0x8023 => "alternate-server";
    /// CACHE-TIMEOUT (RFC 5780 §7.6).
    CACHE_TIMEOUT = 0x8027 => "cache-timeout";
    /// FINGERPRINT (RFC 8489 §14.7).
    FINGERPRINT = 0x8028 => "fingerprint";
    /// ICE-CONTROLLED (RFC 8445 §16.1).
    ICE_CONTROLLED = 0x8029 => "ice-controlled";
    /// ICE-CONTROLLING (RFC 8445 §16.1).
    ICE_CONTROLLING = 0x802A => "ice-controlling";
    /// RESPONSE-ORIGIN (RFC 5780 §7.3).
    RESPONSE_ORIGIN = 0x802B => "response-origin";
    /// OTHER-ADDRESS (RFC 5780 §7.4).
    OTHER_ADDRESS = 0x802C => "other-address";
    /// ORIGIN (draft-ietf-tram-stun-origin, sent by old Chrome versions).
    ORIGIN = 0x802F => "origin";
    /// NOMINATION (draft-thatcher-ice-renomination; IANA 0xC001).
    NOMINATION = 0xC001 => "nomination";
    /// GOOG-NETWORK-INFO (libwebrtc: network id and cost).
    GOOG_NETWORK_INFO = 0xC057 => "goog-network-info";
    /// GOOG-MESSAGE-INTEGRITY-32 (libwebrtc: first 32 bits of the HMAC-SHA1).
    GOOG_MESSAGE_INTEGRITY_32 = 0xC060 => "goog-message-integrity-32";
}

impl AttributeType {
    /// Whether an agent that does not understand this attribute must reject the message
    /// (0x0000..=0x7FFF, RFC 8489 §14 and §18.3).
    #[must_use]
    pub const fn is_comprehension_required(self) -> bool {
        self.0 < 0x8000
    }
}

#[cfg(test)]
mod tests {
    use super::AttributeType;
    use alloc::format;

    #[test]
    fn names_and_ranges() {
        assert_eq!(AttributeType::USERNAME.name(), Some("username"));
        assert_eq!(AttributeType(0x00AA).name(), None);
        assert!(AttributeType(0x7FFF).is_comprehension_required());
        assert!(!AttributeType(0x8000).is_comprehension_required());
        assert_eq!(
            format!("{:?}", AttributeType(0x00AA)),
            "AttributeType(0x00aa)"
        );
        assert_eq!(format!("{:?}", AttributeType::NONCE), "nonce");
    }
}
