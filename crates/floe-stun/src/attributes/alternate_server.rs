//! ALTERNATE-SERVER (RFC 8489 §14.15).

use super::codec::address_attribute;

address_attribute! {
    /// ALTERNATE-SERVER (RFC 8489 §14.15): the server the client should try instead (with a 300 error).
    ///
    /// ```
    /// use floe_stun::attributes::AlternateServer;
    /// let a = AlternateServer("198.51.100.2:3478".parse().unwrap());
    /// assert_eq!(a.0.port(), 3478);
    /// ```
    AlternateServer, ALTERNATE_SERVER, xor = false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::check_round_trip;

    #[test]
    fn round_trips_v4_and_v6() {
        for text in ["198.51.100.2:3478", "[2001:db8::1]:3478"] {
            check_round_trip(&AlternateServer(text.parse().unwrap()), &[0, 1, 0, 0, 1]);
        }
    }
}
