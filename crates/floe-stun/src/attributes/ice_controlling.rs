//! ICE-CONTROLLING (RFC 8445 §16.1).

use super::codec::int_attribute;

int_attribute! {
    /// ICE-CONTROLLING (RFC 8445 §16.1): the sender is in the controlling role; the value is its tie-breaker.
    ///
    /// ```
    /// use floe_stun::attributes::IceControlling;
    /// assert_eq!(IceControlling(0x527a_d2e0_d912_0891).0, 0x527a_d2e0_d912_0891);
    /// ```
    IceControlling(u64), ICE_CONTROLLING
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_length() {
        crate::attributes::codec::check_round_trip(
            &IceControlling(0x527a_d2e0_d912_0891),
            &[1, 2, 3],
        );
    }
}
