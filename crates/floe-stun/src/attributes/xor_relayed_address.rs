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
    use crate::attributes::codec::round_trip;
    use alloc::vec::Vec;

    #[test]
    fn round_trips_v4_and_v6() {
        let mut buf = Vec::new();
        for text in ["203.0.113.7:49152", "[2001:db8::1]:3478"] {
            let a = XorRelayedAddress(text.parse().unwrap());
            assert_eq!(round_trip(&a, &mut buf), a);
        }
    }
}
