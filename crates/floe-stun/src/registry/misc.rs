//! Small registries: password algorithms (RFC 8489 §18.5) and address families (RFC 8489 §14.1,
//! RFC 8656 §18.6).

use super::registry;

registry! {
    /// A password algorithm of PASSWORD-ALGORITHM(S) (RFC 8489 §18.5).
    ///
    /// ```
    /// use floe_stun::PasswordAlgorithm;
    /// assert_eq!(PasswordAlgorithm::SHA256.name(), Some("SHA-256"));
    /// ```
    PasswordAlgorithm(u16), 6;
    /// MD5 (RFC 8489 §18.5): key = MD5(username ":" realm ":" password).
    MD5 = 0x0001 => "MD5";
    /// SHA-256 (RFC 8489 §18.5): key = SHA-256(username ":" realm ":" password).
    SHA256 = 0x0002 => "SHA-256";
}

registry! {
    /// An address family byte (RFC 8489 §14.1, RFC 8656 §18.6).
    ///
    /// ```
    /// use floe_stun::AddressFamily;
    /// assert_eq!(AddressFamily::IPV6.0, 0x02);
    /// ```
    AddressFamily(u8), 4;
    /// IPv4 (0x01).
    IPV4 = 0x01 => "IPv4";
    /// IPv6 (0x02).
    IPV6 = 0x02 => "IPv6";
}
