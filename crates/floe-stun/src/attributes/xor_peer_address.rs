//! XOR-PEER-ADDRESS (RFC 8656 §18.3).

use super::codec::address_attribute;

address_attribute! {
    /// XOR-PEER-ADDRESS (RFC 8656 §18.3): a peer's address as seen from the TURN server; may appear several times (use `Message::get_all`).
    ///
    /// ```
    /// use floe_stun::attributes::XorPeerAddress;
    /// let a = XorPeerAddress("192.0.2.15:9000".parse().unwrap());
    /// assert_eq!(a.0.port(), 9000);
    /// ```
    XorPeerAddress, XOR_PEER_ADDRESS, xor = true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::check_round_trip;

    #[test]
    fn round_trips_v4_and_v6() {
        for text in ["192.0.2.15:9000", "[2001:db8::1]:3478"] {
            check_round_trip(&XorPeerAddress(text.parse().unwrap()), &[0, 1, 0, 0, 1]);
        }
    }
}
