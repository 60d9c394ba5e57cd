//! PRIORITY (RFC 8445 §16.1).

use super::codec::int_attribute;

int_attribute! {
    /// PRIORITY (RFC 8445 §16.1): the priority the peer-reflexive candidate would get.
    ///
    /// ```
    /// use floe_stun::attributes::Priority;
    /// assert_eq!(Priority(1845494271).0, 1845494271);
    /// ```
    Priority(u32), PRIORITY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_length() {
        crate::attributes::codec::check_round_trip(&Priority(1845494271), &[1, 2, 3]);
    }
}
