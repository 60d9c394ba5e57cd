//! ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11).

use super::codec::family_attribute;

family_attribute! {
    /// ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11): ask for a second relayed address of this family (IPv6) in the same allocation. One family byte followed by 24 reserved bits.
    ///
    /// ```
    /// use floe_stun::attributes::AdditionalAddressFamily;
    /// use floe_stun::AddressFamily;
    /// assert_eq!(AdditionalAddressFamily(AddressFamily::IPV6).0.name(), Some("IPv6"));
    /// ```
    AdditionalAddressFamily, ADDITIONAL_ADDRESS_FAMILY
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AddressFamily;

    #[test]
    fn round_trips() {
        crate::attributes::codec::check_round_trip(
            &AdditionalAddressFamily(AddressFamily::IPV4),
            &[1, 0],
        );
    }
}
