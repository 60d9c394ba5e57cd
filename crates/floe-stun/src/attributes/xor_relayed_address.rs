//! XOR-RELAYED-ADDRESS (RFC 8656 §18.5).

use super::codec::address_attribute;

address_attribute! {
    /// XOR-RELAYED-ADDRESS (RFC 8656 §18.5): the relayed transport address the server allocated.
    ///
    /// ```
    /// use floe_stun::attributes::XorRelayedAddress;
    /// let a = XorRelayedAddress("203.0.113.7:49152".parse().unwrap());
    /// assert_eq!(a.0.port(), 49152);
    /// ```
    XorRelayedAddress, XOR_RELAYED_ADDRESS, xor = true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::check_round_trip;

    #[test]
    fn round_trips_v4_and_v6() {
        for text in ["203.0.113.7:49152", "[2001:db8::1]:3478"] {
            check_round_trip(&XorRelayedAddress(text.parse().unwrap()), &[0, 1, 0, 0, 1]);
        }
    }
}
