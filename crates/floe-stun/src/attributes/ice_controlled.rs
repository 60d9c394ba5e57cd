//! ICE-CONTROLLED (RFC 8445 §16.1).

use super::codec::int_attribute;

int_attribute! {
    /// ICE-CONTROLLED (RFC 8445 §16.1): the sender is in the controlled role; the value is its tie-breaker.
    ///
    /// ```
    /// use floe_stun::attributes::IceControlled;
    /// assert_eq!(IceControlled(0x932f_f9b1_5126_3b36).0, 0x932f_f9b1_5126_3b36);
    /// ```
    IceControlled(u64), ICE_CONTROLLED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_length() {
        crate::attributes::codec::check_round_trip(
            &IceControlled(0x932f_f9b1_5126_3b36),
            &[1, 2, 3],
        );
    }
}
