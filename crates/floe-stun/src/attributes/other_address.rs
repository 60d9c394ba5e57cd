//! OTHER-ADDRESS (RFC 5780 §7.4).

use super::codec::address_attribute;

address_attribute! {
    /// OTHER-ADDRESS (RFC 5780 §7.4): the server's alternate address and port for NAT behaviour discovery.
    ///
    /// ```
    /// use floe_stun::attributes::OtherAddress;
    /// let a = OtherAddress("52.17.36.97:3479".parse().unwrap());
    /// assert_eq!(a.0.port(), 3479);
    /// ```
    OtherAddress, OTHER_ADDRESS, xor = false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::check_round_trip;

    #[test]
    fn round_trips_v4_and_v6() {
        for text in ["52.17.36.97:3479", "[2001:db8::1]:3478"] {
            check_round_trip(&OtherAddress(text.parse().unwrap()), &[0, 1, 0, 0, 1]);
        }
    }
}
