//! LIFETIME (RFC 8656 §18.2).

use super::codec::int_attribute;

int_attribute! {
    /// LIFETIME (RFC 8656 §18.2): the seconds the allocation lives without a refresh.
    ///
    /// ```
    /// use floe_stun::attributes::Lifetime;
    /// assert_eq!(Lifetime(600).0, 600);
    /// ```
    Lifetime(u32), LIFETIME
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_length() {
        crate::attributes::codec::check_round_trip(&Lifetime(600), &[1, 2, 3]);
    }
}
