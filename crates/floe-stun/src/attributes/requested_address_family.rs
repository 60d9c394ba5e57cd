//! REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6).

use super::codec::family_attribute;

family_attribute! {
    /// REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6): the address family of the relayed address the client wants. One family byte followed by 24 reserved bits.
    ///
    /// ```
    /// use floe_stun::attributes::RequestedAddressFamily;
    /// use floe_stun::AddressFamily;
    /// assert_eq!(RequestedAddressFamily(AddressFamily::IPV6).0.name(), Some("IPv6"));
    /// ```
    RequestedAddressFamily, REQUESTED_ADDRESS_FAMILY
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AddressFamily;

    #[test]
    fn round_trips() {
        crate::attributes::codec::check_round_trip(
            &RequestedAddressFamily(AddressFamily::IPV4),
            &[1, 0],
        );
    }
}
