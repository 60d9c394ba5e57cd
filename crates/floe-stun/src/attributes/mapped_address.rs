//! MAPPED-ADDRESS (RFC 8489 §14.1).

use super::codec::address_attribute;

address_attribute! {
    /// MAPPED-ADDRESS (RFC 8489 §14.1): the reflexive transport address in the clear (kept for RFC 3489 clients).
    ///
    /// ```
    /// use floe_stun::attributes::MappedAddress;
    /// let a = MappedAddress("192.0.2.1:32853".parse().unwrap());
    /// assert_eq!(a.0.port(), 32853);
    /// ```
    MappedAddress, MAPPED_ADDRESS, xor = false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::check_round_trip;

    #[test]
    fn round_trips_v4_and_v6() {
        for text in ["192.0.2.1:32853", "[2001:db8::1]:3478"] {
            check_round_trip(&MappedAddress(text.parse().unwrap()), &[0, 1, 0, 0, 1]);
        }
    }
}
