//! XOR-MAPPED-ADDRESS (RFC 8489 §14.2).

use super::codec::address_attribute;

address_attribute! {
    /// XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the reflexive transport address, XOR'd with the magic cookie and transaction id.
    ///
    /// ```
    /// use floe_stun::attributes::XorMappedAddress;
    /// let a = XorMappedAddress("192.0.2.1:32853".parse().unwrap());
    /// assert_eq!(a.0.port(), 32853);
    /// ```
    XorMappedAddress, XOR_MAPPED_ADDRESS, xor = true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::check_round_trip;

    #[test]
    fn round_trips_v4_and_v6() {
        for text in ["192.0.2.1:32853", "[2001:db8::1]:3478"] {
            check_round_trip(&XorMappedAddress(text.parse().unwrap()), &[0, 1, 0, 0, 1]);
        }
    }
}
