//! RESPONSE-ORIGIN (RFC 5780 §7.3).

use super::codec::address_attribute;

address_attribute! {
    /// RESPONSE-ORIGIN (RFC 5780 §7.3): the address the response was sent from.
    ///
    /// ```
    /// use floe_stun::attributes::ResponseOrigin;
    /// let a = ResponseOrigin("52.17.36.97:3478".parse().unwrap());
    /// assert_eq!(a.0.port(), 3478);
    /// ```
    ResponseOrigin, RESPONSE_ORIGIN, xor = false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::check_round_trip;

    #[test]
    fn round_trips_v4_and_v6() {
        for text in ["52.17.36.97:3478", "[2001:db8::1]:3478"] {
            check_round_trip(&ResponseOrigin(text.parse().unwrap()), &[0, 1, 0, 0, 1]);
        }
    }
}
